import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { ANY_ROLE, CurrentActor, ENGINEERING, Role, Roles, type Actor } from '@mes/auth';
import {
  ConfigureEquipmentInput,
  EquipmentKeyModel,
  EquipmentKeyStateModel,
  EquipmentStatusModel,
  ReplaceTargetInput,
  SetEquipmentStateInput,
} from './equipment.model';
import type { EquipmentEntity } from './equipment.entities';
import { EquipmentService } from './equipment.service';

const keyState = (e: EquipmentEntity): EquipmentKeyStateModel => ({
  equipmentCode: e.code,
  active: e.keyHash !== null,
  issuedAt: e.keyHash !== null ? e.keyIssuedAt : null,
  revokedAt: e.keyRevokedAt,
});

@Resolver(() => EquipmentStatusModel)
export class EquipmentResolver {
  constructor(private readonly equipment: EquipmentService) {}

  @Query(() => EquipmentStatusModel)
  equipmentStatus(@Args('equipmentCode') code: string): Promise<EquipmentStatusModel> {
    return this.equipment.status(code);
  }

  @Query(() => [EquipmentStatusModel], { description: 'Every piece of equipment the process service has seen.' })
  equipmentStatuses(): Promise<EquipmentStatusModel[]> {
    return this.equipment.statuses();
  }

  @Roles(...ANY_ROLE)
  @Mutation(() => EquipmentStatusModel, { description: 'Log an E10 state change (down, engineering, standby, ...).' })
  async setEquipmentState(@CurrentActor() actor: Actor, @Args('input') input: SetEquipmentStateInput): Promise<EquipmentStatusModel> {
    await this.equipment.setState(actor, input.equipmentCode, input.state, input.reason);
    return this.equipment.status(input.equipmentCode);
  }

  @Roles(...ENGINEERING)
  @Mutation(() => EquipmentStatusModel, { description: 'Target life limit and deposition-zone offsets.' })
  async configureEquipment(@CurrentActor() actor: Actor, @Args('input') input: ConfigureEquipmentInput): Promise<EquipmentStatusModel> {
    await this.equipment.configure(actor, input);
    return this.equipment.status(input.equipmentCode);
  }

  @Roles(...ENGINEERING)
  @Mutation(() => EquipmentStatusModel, { description: 'A new sputter target: its energy count starts again at 0.' })
  async replaceTarget(@CurrentActor() actor: Actor, @Args('input') input: ReplaceTargetInput): Promise<EquipmentStatusModel> {
    await this.equipment.replaceTarget(actor, input.equipmentCode, input.targetId);
    return this.equipment.status(input.equipmentCode);
  }

  @Roles(...ENGINEERING)
  @Mutation(() => EquipmentKeyModel, { description: 'Issue the key equipment posts traces with; a previous key stops working.' })
  async issueEquipmentKey(@CurrentActor() actor: Actor, @Args('equipmentCode') code: string): Promise<EquipmentKeyModel> {
    return { equipmentCode: code, apiKey: await this.equipment.issueKey(actor, code) };
  }

  @Roles(Role.ADMIN)
  @Query(() => [EquipmentKeyStateModel], { description: 'Every piece of equipment with the state of its trace key (not the key).' })
  async equipmentKeys(): Promise<EquipmentKeyStateModel[]> {
    return (await this.equipment.keys()).map(keyState);
  }

  @Roles(Role.ADMIN)
  @Mutation(() => EquipmentKeyStateModel, {
    description: "Revoke equipment's trace key: its posts are refused at once, until a new key is issued.",
  })
  async revokeEquipmentKey(@CurrentActor() actor: Actor, @Args('equipmentCode') code: string): Promise<EquipmentKeyStateModel> {
    return keyState(await this.equipment.revokeKey(actor, code));
  }

  @Roles(Role.ADMIN)
  @Mutation(() => EquipmentKeyModel, { description: 'A new trace key, shown once; the previous key stops working at once.' })
  async rotateEquipmentKey(@CurrentActor() actor: Actor, @Args('equipmentCode') code: string): Promise<EquipmentKeyModel> {
    return { equipmentCode: code, apiKey: await this.equipment.issueKey(actor, code, 'TRACE_KEY_ROTATED') };
  }
}
