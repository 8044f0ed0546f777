import { Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { RollModel, SheetModel } from '../material/material.model';
import { RollEntity } from '../material/material.entities';
import { HoldModel } from './hold.model';
import { HoldRepository } from './hold.repository';

/** The holds that stop a unit now: its own and those on any roll region it came from. */
@Resolver(() => SheetModel)
export class SheetHoldsResolver {
  constructor(@InjectDataSource() private readonly db: DataSource, private readonly holds: HoldRepository) {}

  @ResolveField(() => [HoldModel], { description: 'Active holds covering this sheet (its own, its roll’s, and regions it was cut from).' })
  async activeHolds(@Parent() sheet: SheetModel): Promise<HoldModel[]> {
    const row = await this.db.query<{ roll_id: string }[]>('SELECT roll_id FROM tracking.sheets WHERE id = $1', [sheet.id]);
    return this.holds.activeForSheet(this.db.manager, { id: sheet.id, rollId: String(row[0].roll_id), mdStartMm: sheet.mdStartMm, mdEndMm: sheet.mdEndMm });
  }
}

@Resolver(() => RollModel)
export class RollHoldsResolver {
  constructor(@InjectDataSource() private readonly db: DataSource, private readonly holds: HoldRepository) {}

  @ResolveField(() => [HoldModel], { description: 'Active whole-roll holds covering this roll (its own and its parents’).' })
  async activeHolds(@Parent() roll: RollModel): Promise<HoldModel[]> {
    const entity = await this.db.getRepository(RollEntity).findOneByOrFail({ id: roll.id });
    return this.holds.activeForRoll(this.db.manager, entity);
  }
}
