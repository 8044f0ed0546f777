import { Args, Field, ID, Mutation, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { CurrentActor, ENGINEERING, Role, Roles, type Actor } from '@mes/auth';
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
  @Mutation(() => RegisterRigResultModel, {
    description: 'Register a test rig at a SHEET_TEST (sheet tests) or STACK_TEST (stack final tests) station and get its API key.',
  })
  async registerRig(
    @CurrentActor() actor: Actor,
    @Args('name') name: string,
    @Args('stationCode') stationCode: string,
  ): Promise<RegisterRigResultModel> {
    const { rig, apiKey } = await this.rigs.register(actor, name, stationCode);
    return { rig: { id: rig.id, name: rig.name, stationCode: rig.stationCode }, apiKey };
  }

  /**
   * Rig keys belong to test-data; another service that takes rig posts (assembly's stack tests) asks
   * here which rig a key is. ADMIN only: service tokens are, and no person needs it.
   */
  @Roles(Role.ADMIN)
  @Query(() => RigModel, { nullable: true, description: 'The rig an API key belongs to; null for a malformed or unknown key.' })
  async rigForKey(@Args('apiKey') apiKey: string): Promise<RigModel | null> {
    const rig = await this.rigs.authenticate(apiKey);
    return rig && { id: rig.id, name: rig.name, stationCode: rig.stationCode };
  }
}
