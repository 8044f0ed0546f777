import { Args, Float, Int, Mutation, Parent, Query, ResolveField, ResolveReference, Resolver } from '@nestjs/graphql';
import { CurrentActor, ANY_ROLE, Roles, type Actor } from '@mes/auth';
import { intervalProblem } from '@mes/geometry';
import { DomainError } from '@mes/service-core';
import {
  UnitStatusEnum,
  CellModel,
  CutSheetsInput,
  CutSheetsResultModel,
  RegisterRollInput,
  RollModel,
  RollChildModel,
  RollParentModel,
  SheetModel,
  SlitRollInput,
  SpliceRollsInput,
} from './material.model';
import { MaterialRepository } from './material.repository';
import { RollService } from './roll.service';
import { SheetCutService } from './sheet-cut.service';

const clampLimit = (limit: number, max: number) => Math.min(Math.max(1, limit), max);

@Resolver(() => RollModel)
export class RollResolver {
  constructor(
    private readonly rollService: RollService,
    private readonly cutter: SheetCutService,
    private readonly material: MaterialRepository,
  ) {}

  @Query(() => RollModel)
  async roll(@Args('barcode') barcode: string): Promise<RollModel> {
    const roll = await this.material.rollByBarcode(barcode);
    if (!roll) throw new DomainError('UNKNOWN_BARCODE', `Unknown roll barcode ${barcode}`);
    return roll;
  }

  @Query(() => [RollModel], { description: 'Rolls by status and by the operation they wait for or are in, oldest first.' })
  rolls(
    @Args('status', { type: () => UnitStatusEnum, nullable: true }) status?: UnitStatusEnum,
    @Args('operation', { nullable: true }) operation?: string,
    @Args('limit', { type: () => Int, defaultValue: 200 }) limit = 200,
  ): Promise<RollModel[]> {
    return this.material.rolls({ status, operation, limit: clampLimit(limit, 5000) });
  }

  @Roles(...ANY_ROLE)
  @Mutation(() => RollModel, { description: 'Register a roll of substrate foil from a supplier lot; it starts its product route.' })
  registerRoll(@CurrentActor() actor: Actor, @Args('input') input: RegisterRollInput): Promise<RollModel> {
    return this.rollService.register(actor, input);
  }

  @Roles(...ANY_ROLE)
  @Mutation(() => RollModel, { description: 'Join rolls end to end into a new roll.' })
  spliceRolls(@CurrentActor() actor: Actor, @Args('input') input: SpliceRollsInput): Promise<RollModel> {
    return this.rollService.splice(actor, input);
  }

  @Roles(...ANY_ROLE)
  @Mutation(() => [RollModel], { description: 'Slit a roll along MD into narrower child rolls.' })
  slitRoll(@CurrentActor() actor: Actor, @Args('input') input: SlitRollInput): Promise<RollModel[]> {
    return this.rollService.slit(actor, input);
  }

  @Roles(...ANY_ROLE)
  @Mutation(() => CutSheetsResultModel, { description: 'Cut sheets from a roll tracked in at its cut operation.' })
  cutSheets(@CurrentActor() actor: Actor, @Args('input') input: CutSheetsInput): Promise<CutSheetsResultModel> {
    return this.cutter.cut(actor, input);
  }

  @ResolveField(() => [SheetModel])
  sheets(@Parent() roll: RollModel): Promise<SheetModel[]> {
    return this.material.sheetsOfRoll(roll.id);
  }

  @ResolveField(() => [RollParentModel], { description: 'The rolls this one was spliced or slit from.' })
  parents(@Parent() roll: RollModel): Promise<RollParentModel[]> {
    return this.material.parentsOf(roll.id);
  }

  @ResolveField(() => [RollChildModel], { description: 'The rolls spliced or slit from this one (one level down).' })
  children(@Parent() roll: RollModel): Promise<RollChildModel[]> {
    return this.material.childrenOf(roll.id);
  }

  @ResolveField(() => [CellModel], { description: 'Cells whose centre lies in [mdFromMm, mdToMm) of this roll.' })
  async cellsInRegion(
    @Parent() roll: RollModel,
    @Args('mdFromMm', { type: () => Float }) mdFromMm: number,
    @Args('mdToMm', { type: () => Float }) mdToMm: number,
    @Args('limit', { type: () => Int, defaultValue: 10000 }) limit: number,
  ): Promise<CellModel[]> {
    const problem = intervalProblem({ startMm: mdFromMm, endMm: mdToMm }, roll.lengthMm);
    if (problem)
      throw new DomainError('VALIDATION_FAILED', `Invalid MD region on roll ${roll.barcode}: ${problem}`, [
        { path: 'mdToMm', message: problem },
      ]);
    return this.material.cellsInRollRegion(roll.id, mdFromMm, mdToMm, clampLimit(limit, 100000));
  }

  @ResolveReference()
  resolveReference(ref: { barcode: string }): Promise<RollModel | null> {
    return this.material.rollByBarcode(ref.barcode);
  }
}

@Resolver(() => SheetModel)
export class SheetResolver {
  constructor(private readonly material: MaterialRepository) {}

  @Query(() => SheetModel)
  async sheet(@Args('barcode') barcode: string): Promise<SheetModel> {
    const sheet = await this.material.sheetByBarcode(barcode);
    if (!sheet) throw new DomainError('UNKNOWN_BARCODE', `Unknown sheet barcode ${barcode}`);
    return sheet;
  }

  @Query(() => [SheetModel], { description: 'Sheets by status and operation, oldest first.' })
  sheets(
    @Args('status', { type: () => UnitStatusEnum, nullable: true }) status?: UnitStatusEnum,
    @Args('operation', { nullable: true }) operation?: string,
    @Args('limit', { type: () => Int, defaultValue: 200 }) limit = 200,
  ): Promise<SheetModel[]> {
    return this.material.sheets({ status, operation, limit: clampLimit(limit, 5000) });
  }

  @ResolveField(() => [CellModel], { description: 'Every cell of the sheet, row-major.' })
  cells(@Parent() sheet: SheetModel): Promise<CellModel[]> {
    return this.material.cellsOfSheet(sheet.id);
  }

  @ResolveField(() => CellModel, {
    nullable: true,
    description: 'The cell at (row, col) of the sheet; an error (and null) outside its grid.',
  })
  async cell(
    @Parent() sheet: SheetModel,
    @Args('row', { type: () => Int }) row: number,
    @Args('col', { type: () => Int }) col: number,
  ): Promise<CellModel | null> {
    for (const [name, value, size] of [
      ['row', row, sheet.rows],
      ['col', col, sheet.cols],
    ] as const) {
      if (value < 0 || value >= size)
        throw new DomainError(
          'VALIDATION_FAILED',
          `Cell (${row}, ${col}) is outside the ${sheet.rows} x ${sheet.cols} grid of sheet ${sheet.barcode}`,
          [{ path: name, message: `expected 0..${size - 1}` }],
        );
    }
    const cell = await this.material.cell({ sheetBarcode: sheet.barcode, row, col });
    if (!cell) throw new DomainError('NOT_FOUND', `Sheet ${sheet.barcode} has no cell (${row}, ${col})`);
    return cell;
  }

  @ResolveReference()
  resolveReference(ref: { barcode: string }): Promise<SheetModel | null> {
    return this.material.sheetByBarcode(ref.barcode);
  }
}

@Resolver(() => CellModel)
export class CellResolver {
  constructor(private readonly material: MaterialRepository) {}

  /** The gateway's representations of one fetch are read in one query (see MaterialRepository.cell). */
  @ResolveReference()
  resolveReference(ref: { sheetBarcode: string; row: number; col: number }): Promise<CellModel | null> {
    return this.material.cell(ref);
  }
}
