import { Args, Field, ID, Mutation, ObjectType, Resolver } from '@nestjs/graphql';
import { CurrentActor, ENGINEERING, Roles, type Actor } from '@mes/auth';
import { RigService } from './rig.service';

@ObjectType('Rig')
export class RigModel {
  @Field(() => ID) id!: string;
  @Field() name!: string;
  @Field() stationCode!: string;
}

@ObjectType('RegisterRigResult')
export class RegisterRigResultModel {
  @Field(() => RigModel) rig!: RigModel;
  @Field({ description: 'Shown once: only its hash is stored. Rigs send it as X-Api-Key.' }) apiKey!: string;
}

@Resolver()
export class RigResolver {
  constructor(private readonly rigs: RigService) {}

  @Roles(...ENGINEERING)
  @Mutation(() => RegisterRigResultModel, { description: 'Register a test rig at a SHEET_TEST station and get its API key.' })
  async registerRig(
    @CurrentActor() actor: Actor,
    @Args('name') name: string,
    @Args('stationCode') stationCode: string,
  ): Promise<RegisterRigResultModel> {
    const { rig, apiKey } = await this.rigs.register(actor, name, stationCode);
    return { rig: { id: rig.id, name: rig.name, stationCode: rig.stationCode }, apiKey };
  }
}
