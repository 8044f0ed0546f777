import { Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { CellModel, RollModel, SheetModel } from '../material/material.model';
import { HoldModel } from './hold.model';
import { HoldRepository } from './hold.repository';

/** The holds that stop a unit now: its own and those on any roll region it came from. */
@Resolver(() => SheetModel)
export class SheetHoldsResolver {
  constructor(private readonly holds: HoldRepository) {}

  @ResolveField(() => [HoldModel], { description: 'Active holds covering this sheet (its own, its roll’s, and regions it was cut from).' })
  async activeHolds(@Parent() sheet: SheetModel): Promise<HoldModel[]> {
    return this.holds.activeForSheet(sheet);
  }
}

@Resolver(() => RollModel)
export class RollHoldsResolver {
  constructor(private readonly holds: HoldRepository) {}

  @ResolveField(() => [HoldModel], { description: 'Active whole-roll holds covering this roll (its own and its parents’).' })
  async activeHolds(@Parent() roll: RollModel): Promise<HoldModel[]> {
    return this.holds.activeForRoll(roll);
  }
}

@Resolver(() => CellModel)
export class CellHoldsResolver {
  constructor(private readonly holds: HoldRepository) {}

  @ResolveField(() => [HoldModel], {
    description: 'Active holds covering this cell: its own, its sheet’s, and its roll’s or a roll region’s it was made on.',
  })
  activeHolds(@Parent() cell: CellModel): Promise<HoldModel[]> {
    return this.holds.activeForCellBatched(cell);
  }
}
