import { Args, Query, Resolver } from '@nestjs/graphql';
import { CellRefInput, CellStateModel, HeldCellModel } from './cell-state.model';
import { CellStateService } from './cell-state.service';

@Resolver()
export class CellStateResolver {
  constructor(private readonly cells: CellStateService) {}

  @Query(() => [HeldCellModel], { description: 'The cells of a sheet an active hold covers, with the hold (one per cell).' })
  heldCells(@Args('sheet') sheet: string): Promise<HeldCellModel[]> {
    return this.cells.heldCells(sheet);
  }

  @Query(() => [CellStateModel], { description: 'Cells by sheet and (row, col): roll position, status and active holds; at most 500.' })
  cellStates(@Args('cells', { type: () => [CellRefInput] }) cells: CellRefInput[]): Promise<CellStateModel[]> {
    return this.cells.cellStates(cells);
  }
}
