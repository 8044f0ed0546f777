import { Args, Mutation, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { CurrentActor, ENGINEERING, Roles, type Actor } from '@mes/auth';
import { SheetModel } from '../material/material.model';
import { RecountSheetInput, SheetCountsModel } from './recount.model';
import { RecountService } from './recount.service';

@Resolver(() => SheetModel)
export class RecountResolver {
  constructor(private readonly recounts: RecountService) {}

  @ResolveField(() => [SheetCountsModel], {
    description: 'Good and reject counts out of each operation, as corrected when the sheet was binned again after it left.',
  })
  counts(@Parent() sheet: SheetModel): Promise<SheetCountsModel[]> {
    return this.recounts.countsOfSheet(sheet.id);
  }

  @Roles(...ENGINEERING)
  @Mutation(() => SheetCountsModel, {
    description: "Correct the good/reject counts of a sheet's newest track-out at a station (the binning worker after a late inspection).",
  })
  recountSheet(@CurrentActor() actor: Actor, @Args('input') input: RecountSheetInput): Promise<SheetCountsModel> {
    return this.recounts.recount(actor, input);
  }
}
