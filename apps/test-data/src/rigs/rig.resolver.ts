import { Args, Field, ID, Mutation, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { CurrentActor, ENGINEERING, Role, Roles, type Actor } from '@mes/auth';
import type { RigEntity } from '@mes/test-data-store';
import { RigService } from './rig.service';

@ObjectType('Rig')
export class RigModel {
  @Field(() => ID) id!: string;
  @Field() name!: string;
  @Field() stationCode!: string;
}

@ObjectType('RigKey', { description: 'A rig and the state of its key: never the key, nor its hash.' })
export class RigKeyModel {
  @Field(() => RigModel) rig!: RigModel;
  @Field() createdBy!: string;
  @Field() issuedAt!: Date;
  @Field(() => Date, { nullable: true, description: 'Set while the key is revoked (rotate it to issue a new one).' })
  revokedAt!: Date | null;
  @Field({ description: 'Whether the rig can post with its key now.' }) active!: boolean;
}

const rigModel = (rig: RigEntity): RigModel => ({ id: rig.id, name: rig.name, stationCode: rig.stationCode });
const rigKeyModel = (rig: RigEntity): RigKeyModel => ({
  rig: rigModel(rig),
  createdBy: rig.createdBy,
  issuedAt: rig.keyIssuedAt,
  revokedAt: rig.keyRevokedAt,
  active: rig.keyRevokedAt === null,
});

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
    return { rig: rigModel(rig), apiKey };
  }

  @Roles(Role.ADMIN)
  @Query(() => [RigKeyModel], { description: 'Every rig with the state of its key (not the key).' })
  async rigKeys(): Promise<RigKeyModel[]> {
    return (await this.rigs.list()).map(rigKeyModel);
  }

  @Roles(Role.ADMIN)
  @Mutation(() => RigKeyModel, { description: "Revoke a rig's key: the ingest refuses it at once, until the key is rotated." })
  async revokeRigKey(@CurrentActor() actor: Actor, @Args('rigId', { type: () => ID }) rigId: string): Promise<RigKeyModel> {
    return rigKeyModel(await this.rigs.revokeKey(actor, rigId));
  }

  @Roles(Role.ADMIN)
  @Mutation(() => RegisterRigResultModel, { description: 'A new key for a rig, shown once; the previous key stops working at once.' })
  async rotateRigKey(@CurrentActor() actor: Actor, @Args('rigId', { type: () => ID }) rigId: string): Promise<RegisterRigResultModel> {
    const { rig, apiKey } = await this.rigs.rotateKey(actor, rigId);
    return { rig: rigModel(rig), apiKey };
  }

  /**
   * Rig keys belong to test-data; another service that takes rig posts (assembly's stack tests) asks
   * here which rig a key is. ADMIN only: service tokens are, and no person needs it.
   */
  @Roles(Role.ADMIN)
  @Query(() => RigModel, { nullable: true, description: 'The rig an API key belongs to; null for a malformed or unknown key.' })
  async rigForKey(@Args('apiKey') apiKey: string): Promise<RigModel | null> {
    const rig = await this.rigs.authenticate(apiKey);
    return rig && rigModel(rig);
  }
}
