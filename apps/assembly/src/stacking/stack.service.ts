import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import {
  classifyStack,
  descendantRegions,
  mergeRegions,
  scanStack,
  STACK_TEST,
  STACKING,
  comparableFrequencies,
  MIN_COMPARED_FREQUENCIES,
  formatCellCode,
  type StackVerdict,
  planLayers,
  type LayerPlan,
  matchProblem,
  parseCellCode,
  proposeStacks,
  type MatchCell,
  type MatchingRules,
  type Spectrum,
} from '@mes/assembly';
import type { Actor } from '@mes/auth';
import { DomainError } from '@mes/service-core';
import { recordAudit } from '../audit/assembly-audit.repository';
import { LineData } from '../clients/line-data';
import type {
  SingulatedCellEntity,
  StackEntity,
  StackProductEntity,
  StackTestEntity,
  StackLayerSpectrumSource,
} from '../database/assembly.entities';
import { AssemblyMasterDataRepository } from '../master-data/master-data.repository';
import { AssemblyMasterDataService } from '../master-data/master-data.service';
import type {
  AddStackLayerInput,
  StackHoldModel,
  StackLayerModel,
  StackModel,
  StackProposalModel,
  ScanStackInput,
  StackTestInput,
  StackTestModel,
  StartStackInput,
  WhereUsedStackModel,
} from './stack.model';
import { StackRepository } from './stack.repository';

const rulesOf = (p: StackProductEntity): MatchingRules => ({
  asrSpreadPct: p.asrSpreadPct,
  capacitySpreadPct: p.capacitySpreadPct,
  maxMdSpanMm: p.maxMdSpanMm,
});
const codeOf = (c: { sheetBarcode: string; row: number; col: number }) => formatCellCode(c);

/**
 * Stacks: started by scanning the stack barcode, built by scanning each layer cell in order, tested
 * at the stack test station. Assembly owns a stack's composition and its route (STACKING, then
 * STACK_TEST); holds are tracking's, and reach a stack through its layer cells.
 */
@Injectable()
export class StackService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly line: LineData,
    private readonly masterData: AssemblyMasterDataService,
    private readonly stacks: StackRepository,
    private readonly masterDataRows: AssemblyMasterDataRepository,
  ) {}

  async start(actor: Actor, input: StartStackInput): Promise<StackModel> {
    await this.requireStation(input.stationCode, STACKING, 'input.stationCode');
    await this.db.transaction(async (m) => {
      const product = await this.masterData.stackProduct(input.productCode, m);
      let workOrderId: string | null = null;
      if (input.workOrder) {
        const wo = await this.masterDataRows.lockWorkOrder(m, input.workOrder);
        if (!wo)
          throw new DomainError('NOT_FOUND', `Unknown work order ${input.workOrder}`, [
            { path: 'input.workOrder', message: 'expected an existing work order' },
          ]);
        if (wo.stackProductId !== product.id)
          throw new DomainError('VALIDATION_FAILED', `Work order ${wo.code} is not for stack product ${product.code}`, [
            { path: 'input.workOrder', message: `expected a work order of ${product.code}` },
          ]);
        if (wo.status !== 'OPEN') throw new DomainError('CONFLICT', `Work order ${wo.code} is ${wo.status}`);
        const started = await this.stacks.startedFor(m, wo.id);
        if (started >= wo.quantity)
          throw new DomainError('CONFLICT', `Work order ${wo.code} already has its ${wo.quantity} stacks started`);
        workOrderId = wo.id;
      }
      const plan = await this.layerPlan(m, product, product.allowedGrades);
      if (plan.layers > product.maxLayers)
        throw new DomainError(
          'CONFLICT',
          `Stack product ${product.code} would need ${plan.layers} layers of ${plan.layerCapacityMah} mAh (the smallest ${plan.source === 'PREDICTED' ? 'predicted' : 'nominal'} capacity of the singulated cells it takes) for ${product.targetCapacityMah} mAh, more than its ${product.maxLayers}; nothing was stored`,
          [],
          { reason: 'TOO_MANY_LAYERS' },
        );
      if (await this.stacks.byBarcode(input.barcode, m))
        throw new DomainError('CONFLICT', `Stack ${input.barcode} already exists: scan a new stack label`, [
          { path: 'input.barcode', message: 'expected an unused stack barcode' },
        ]);
      const stack = await this.stacks.insert(m, {
        barcode: input.barcode,
        stackProductId: product.id,
        workOrderId,
        layersPlanned: plan.layers,
        layerCapacityMah: plan.layerCapacityMah,
        layersSource: plan.source,
        status: 'BUILDING',
        stationCode: input.stationCode,
        createdBy: actor.username,
      });
      await recordAudit(m, {
        actor: actor.username,
        action: 'START_STACK',
        entityType: 'Stack',
        entityId: stack.barcode,
        details: { ...input, layersPlanned: stack.layersPlanned, layerCapacityMah: plan.layerCapacityMah, layersSource: plan.source },
      });
    });
    return this.view(input.barcode);
  }

  /**
   * One scanned layer. Refused, with nothing stored: a code that is not a cell, a cell not
   * singulated (its bin is named), broken, already a layer, of a grade the product does not allow,
   * on hold or scrapped in tracking, or outside the product's matching window with the layers
   * already in the stack. The stack row is locked, so two scans of one stack are served in turn.
   */
  async addLayer(actor: Actor, input: AddStackLayerInput): Promise<StackModel> {
    const ref = parseCellCode(input.cellCode);
    if (!ref) {
      throw new DomainError(
        'VALIDATION_FAILED',
        `${input.cellCode} is not a cell code: expected <sheet barcode>-R<row>C<col>, e.g. S-R0001-0007-R12C3`,
        [{ path: 'input.cellCode', message: 'expected a cell code' }],
      );
    }
    const code = codeOf(ref);
    // Tracking first (outside the transaction: no remote call while a row is locked).
    const [state] = await this.line.cellStates([ref]).catch((e: unknown) => {
      if (e instanceof DomainError && e.code === 'NOT_FOUND')
        throw new DomainError('UNKNOWN_BARCODE', `Unknown cell ${code}: no such sheet or position`, [
          { path: 'input.cellCode', message: 'expected a registered cell' },
        ]);
      throw e;
    });
    await this.db.transaction(async (m) => {
      const stack = await this.lockStack(m, input.stackBarcode);
      if (stack.status !== 'BUILDING')
        throw new DomainError(
          'CONFLICT',
          `Stack ${stack.barcode} is ${stack.status} with its ${stack.layersPlanned} layers; scan the cells into a stack being built`,
          [],
          { reason: 'STACK_NOT_BUILDING' },
        );
      const product = (await this.masterDataRows.productById(stack.stackProductId, m))!;
      const cell = await this.stacks.lockCell(m, ref);
      if (!cell) {
        const result = await this.line.cellResult(ref.sheetBarcode, ref.row, ref.col);
        const why = result
          ? `its current result is soft bin ${result.softBin} (${result.binName}), hard bin ${result.hardBin}${result.softBin >= 10 ? ': a failed cell never leaves its sheet' : ''}`
          : 'it has no test result';
        throw new DomainError(
          'CONFLICT',
          `Cell ${code} was not singulated: ${why}; only cells picked at singulation can be stacked`,
          [{ path: 'input.cellCode', message: 'expected a singulated cell' }],
          {
            reason: 'CELL_NOT_SINGULATED',
            softBin: result?.softBin ?? null,
            hardBin: result?.hardBin ?? null,
          },
        );
      }
      if (cell.status === 'BROKEN')
        throw new DomainError('CONFLICT', `Cell ${code} broke at singulation (${cell.scrapReason}): it cannot be stacked`, [], {
          reason: 'CELL_BROKEN',
        });
      if (cell.status === 'STACKED') {
        const at = await this.stacks.layerOf(m, cell.id);
        throw new DomainError(
          'CONFLICT',
          `Cell ${code} is already layer ${at[0]?.layer_index} of stack ${at[0]?.barcode}${at[0]?.barcode === stack.barcode ? ' (a second scan of the same layer)' : ''}`,
          [],
          { reason: 'CELL_ALREADY_STACKED' },
        );
      }
      if (!product.allowedGrades.includes(cell.softBin)) {
        throw new DomainError(
          'CONFLICT',
          `Cell ${code} is grade ${cell.softBin}; stack product ${product.code} allows grade ${product.allowedGrades.join(', ')}`,
          [],
          { reason: 'GRADE_NOT_ALLOWED', softBin: cell.softBin },
        );
      }
      if (state.status !== 'ACTIVE')
        throw new DomainError('UNIT_NOT_ACTIVE', `Cell ${code} is ${state.status} in tracking: it cannot be stacked`);
      if (state.activeHolds.length) {
        const h = state.activeHolds[0];
        throw new DomainError(
          'UNIT_ON_HOLD',
          `Cell ${code} is on hold: ${h.reason} (hold ${h.id}); an engineer must release it first`,
          [],
          { holdId: h.id },
        );
      }
      const layers = await this.stacks.layerCells(stack.id, m);
      const problem = matchProblem([...layers, cell].map(toMatch), rulesOf(product));
      if (problem)
        throw new DomainError('CONFLICT', `Cell ${code} is outside the matching window of stack ${stack.barcode}: ${problem}`, [], {
          reason: 'OUTSIDE_MATCHING_WINDOW',
        });
      const layerIndex = layers.length + 1;
      await this.stacks.addLayer(m, { stackId: stack.id, layerIndex, cellId: cell.id, addedBy: actor.username });
      const built = layerIndex === stack.layersPlanned;
      if (built) await this.stacks.markBuilt(m, stack.id);
      await recordAudit(m, {
        actor: actor.username,
        action: 'ADD_STACK_LAYER',
        entityType: 'Stack',
        entityId: stack.barcode,
        details: { layerIndex, cellCode: code, built },
      });
    });
    return this.view(input.stackBarcode);
  }

  /**
   * A scan of a stack at a station of its route: the stack moves to the station's operation when it
   * is the next step (libs/assembly stack-route.ts); the same scan again changes nothing. Holds and
   * the station are asked of tracking before the stack row is locked.
   */
  async scan(actor: Actor, input: ScanStackInput): Promise<StackModel> {
    const operation = await this.line.stationOperation(input.stationCode);
    if (!operation)
      throw new DomainError('NOT_FOUND', `Unknown station ${input.stationCode}`, [
        { path: 'input.stationCode', message: 'expected the code of a station of the line (a step of the stack’s route)' },
      ]);
    const found = await this.stacks.byBarcode(input.stackBarcode);
    if (!found)
      throw new DomainError('NOT_FOUND', `Unknown stack ${input.stackBarcode}: start it at a ${STACKING} station first (startStack)`, [
        { path: 'input.stackBarcode', message: 'expected a started stack' },
      ]);
    // The stack follows its product's route (with the temperature of each step).
    const { route } = (await this.masterDataRows.productById(found.stackProductId))!;
    const layers = await this.stacks.layerCells(found.id);
    const holds = await this.holdsOf(layers);
    await this.db.transaction(async (m) => {
      const stack = await this.lockStack(m, input.stackBarcode);
      const status = holds.scrapped ? 'SCRAPPED' : stack.status;
      const outcome = scanStack(
        route,
        {
          barcode: stack.barcode,
          step: stack.step,
          state: stack.electrochemicalState,
          status,
          bin: stack.bin,
          layers: layers.length,
          layersPlanned: stack.layersPlanned,
          hold: holds.list[0] ? { id: holds.list[0].holdId, reason: holds.list[0].reason, cellCode: holds.list[0].cellCode } : null,
        },
        operation,
      );
      if (!outcome.ok) {
        const code =
          outcome.reason === 'ON_HOLD'
            ? 'UNIT_ON_HOLD'
            : outcome.reason === 'SCRAPPED'
              ? 'UNIT_NOT_ACTIVE'
              : outcome.reason === 'WRONG_ORDER'
                ? 'WRONG_OPERATION'
                : 'CONFLICT';
        throw new DomainError(
          code,
          outcome.message,
          [{ path: outcome.reason === 'WRONG_ORDER' ? 'input.stationCode' : 'input.stackBarcode', message: outcome.message }],
          { reason: outcome.reason, ...(holds.list[0] && outcome.reason === 'ON_HOLD' ? { holdId: holds.list[0].holdId } : {}) },
        );
      }
      if (!outcome.moved) return;
      await this.stacks.update(m, stack.id, { step: outcome.step, electrochemicalState: outcome.state, stationCode: input.stationCode });
      await recordAudit(m, {
        actor: actor.username,
        action: 'SCAN_STACK',
        entityType: 'Stack',
        entityId: stack.barcode,
        details: { from: stack.step, to: outcome.step, stationCode: input.stationCode, electrochemicalState: outcome.state },
      });
    });
    return this.view(input.stackBarcode);
  }

  /** Complete stacks that could be formed now from the singulated cells of one grade (nothing is reserved). */
  async proposal(productCode: string, grade: number): Promise<StackProposalModel> {
    const product = await this.masterData.stackProduct(productCode);
    if (!product.allowedGrades.includes(grade)) {
      throw new DomainError(
        'VALIDATION_FAILED',
        `Stack product ${product.code} does not allow grade ${grade} (allowed: ${product.allowedGrades.join(', ')})`,
        [{ path: 'grade', message: 'expected an allowed grade' }],
      );
    }
    const cells = await this.stacks.available(grade);
    const plan = planLayers(product.targetCapacityMah, product.nominalCellCapacityMah, cells);
    const n = plan.layers;
    const byId = new Map(cells.map((c) => [c.id, c]));
    const stacks = proposeStacks(cells.filter((c) => c.asrOhmCm2 !== null).map(toMatch), n, rulesOf(product));
    return {
      productCode: product.code,
      grade,
      layersPerStack: n,
      layerCapacityMah: plan.layerCapacityMah,
      layersSource: plan.source,
      cellsAvailable: cells.length,
      upperBound: Math.floor(cells.length / n),
      stacks: stacks.map((s) => s.map((c) => codeOf(byId.get(c.id)!))),
    };
  }

  /**
   * A stack final test. The expectation is 1/Σ(1/Z_i) over the layers: each layer contributes its
   * high-frequency intercept and its total resistance (R0 + R1 + R2, from its stored ASR), as the
   * binning worker fitted them from its sheet-test spectrum; the stack's spectrum is fitted the same
   * way and compared at those two points. A repeated testId gives the first answer; anything wrong
   * stores nothing.
   */
  async test(actor: Actor, input: StackTestInput): Promise<StackModel> {
    await this.record(actor, input);
    return this.view(input.stackBarcode);
  }

  /**
   * Store and bin one stack test; `created` is false when the same test id came again with the same
   * content (the first verdict stands). The same id with other content is a CONFLICT.
   */
  async record(actor: Actor, input: StackTestInput): Promise<{ created: boolean; test: StackTestEntity }> {
    const n = input.frequenciesHz.length;
    const problems: { path: string; message: string }[] = [];
    if (input.zReOhm.length !== n) problems.push({ path: 'input.zReOhm', message: `expected ${n} values, got ${input.zReOhm.length}` });
    if (input.zImOhm.length !== n) problems.push({ path: 'input.zImOhm', message: `expected ${n} values, got ${input.zImOhm.length}` });
    if (input.frequenciesHz.some((f) => !(f > 0))) problems.push({ path: 'input.frequenciesHz', message: 'expected positive frequencies' });
    if (new Set(input.frequenciesHz).size !== n) problems.push({ path: 'input.frequenciesHz', message: 'expected distinct frequencies' });
    if (problems.length)
      throw new DomainError(
        'VALIDATION_FAILED',
        `Stack test ${input.testId} refused: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`,
        problems,
      );
    const prior = await this.replay(input);
    if (prior) return { created: false, test: prior };
    await this.requireStation(input.stationCode, STACK_TEST, 'input.stationCode');
    const found = await this.stacks.byBarcode(input.stackBarcode);
    if (!found)
      throw new DomainError('NOT_FOUND', `Unknown stack ${input.stackBarcode}: nothing was stored`, [
        { path: 'input.stackBarcode', message: 'expected a stack that was built' },
      ]);
    const layers = await this.stacks.layerCells(found.id);
    const holds = await this.holdsOf(layers);
    if (holds.scrapped) throw new DomainError('UNIT_NOT_ACTIVE', `Stack ${found.barcode} was scrapped: ${holds.scrapped}`);
    if (holds.list.length)
      throw new DomainError(
        'UNIT_ON_HOLD',
        `Stack ${found.barcode} is on hold: ${holds.list[0].reason} (hold ${holds.list[0].holdId} on layer ${holds.list[0].cellCode}); an engineer must release it first`,
        [],
        { holdId: holds.list[0].holdId },
      );
    // Checked again under the row lock below; here so that an unfinished stack is refused before its layers are judged.
    if (found.status === 'BUILDING') throw this.notBuilt(found, layers.length);
    if (found.step !== STACK_TEST) throw this.notAtTest(found);
    const product = (await this.masterDataRows.productById(found.stackProductId))!;
    const { verdict, sources } = await this.judge(input, found.barcode, layers, product);
    return this.db.transaction(async (m) => {
      const stack = await this.lockStack(m, input.stackBarcode);
      // A post of the same test id that won the race while this one was judged.
      const raced = await this.replay(input, m);
      if (raced) return { created: false, test: raced };
      if (stack.status === 'BUILDING') throw this.notBuilt(stack, layers.length);
      if (stack.step !== STACK_TEST) throw this.notAtTest(stack);
      if (stack.status === 'SCRAPPED') throw new DomainError('UNIT_NOT_ACTIVE', `Stack ${stack.barcode} was scrapped`);
      await this.stacks.insertTest(m, {
        testId: input.testId,
        stackId: stack.id,
        stationCode: input.stationCode,
        ocvV: input.ocvV,
        frequenciesHz: input.frequenciesHz,
        zReOhm: input.zReOhm,
        zImOhm: input.zImOhm,
        bin: verdict.bin,
        reason: verdict.reason,
        deviation: verdict.deviation,
        suspectLayer: verdict.suspectLayer,
        comparison: { ...verdict.comparison, layerSpectra: sources },
        testedBy: actor.username,
      });
      await this.stacks.update(m, stack.id, { status: 'TESTED', bin: verdict.bin, binReason: verdict.reason });
      await recordAudit(m, {
        actor: actor.username,
        action: 'STACK_TEST',
        entityType: 'Stack',
        entityId: stack.barcode,
        details: { testId: input.testId, bin: verdict.bin, reason: verdict.reason },
      });
      return { created: true, test: (await this.stacks.testById(input.testId, m))! };
    });
  }

  /** The stored test of this id when it was posted before with the same content; CONFLICT when with other content. */
  private async replay(input: StackTestInput, m?: EntityManager): Promise<StackTestEntity | null> {
    const prior = await this.stacks.testById(input.testId, m);
    if (!prior) return null;
    const of = await this.stacks.byId(prior.stackId, m);
    const same = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((x, i) => x === b[i]);
    const differs = [
      of?.barcode !== input.stackBarcode && `stack ${of?.barcode}, now ${input.stackBarcode}`,
      prior.stationCode !== input.stationCode && `station ${prior.stationCode}, now ${input.stationCode}`,
      prior.ocvV !== input.ocvV && `OCV ${prior.ocvV} V, now ${input.ocvV} V`,
      !(same(prior.frequenciesHz, input.frequenciesHz) && same(prior.zReOhm, input.zReOhm) && same(prior.zImOhm, input.zImOhm)) &&
        'another spectrum',
    ].filter(Boolean);
    if (differs.length)
      throw new DomainError(
        'CONFLICT',
        `Stack test ${input.testId} was already posted with other content (${differs.join('; ')}): a new test needs a new test id; nothing was stored`,
        [{ path: 'testId', message: 'expected a test id not used for other content' }],
      );
    return prior;
  }

  /**
   * The expectation is 1/Σ(1/Z_i) of the layers' stored spectra (test-data's cellSpectrum: the test
   * of each layer cell's current result), interpolated to the stack's measured frequencies where the
   * lists differ; only the measured frequencies every layer's spectrum covers are compared. A layer
   * without a stored spectrum, or too few comparable frequencies, refuses the test (nothing stored).
   */
  private async judge(
    input: StackTestInput,
    stackBarcode: string,
    layers: SingulatedCellEntity[],
    product: StackProductEntity,
  ): Promise<{ verdict: StackVerdict; sources: StackLayerSpectrumSource[] }> {
    const spectra = await this.line.cellSpectra(layers);
    const sources: StackLayerSpectrumSource[] = [];
    const layerSpectra: Spectrum[] = [];
    for (const [i, s] of spectra.entries()) {
      const code = codeOf(layers[i]);
      if (!s || s.status !== 'OK' || s.frequenciesHz.length === 0 || s.zReOhm.length !== s.frequenciesHz.length)
        throw new DomainError(
          'CONFLICT',
          `Layer ${i + 1} (${code}) of stack ${stackBarcode} has no stored impedance spectrum (${s ? (s.frequenciesHz.length ? `its test ${s.testId} recorded ${s.status}` : `its test ${s.testId} measured OCV only`) : 'never tested'}): the expected stack impedance cannot be computed; nothing was stored`,
          [],
          { reason: 'LAYER_SPECTRUM_MISSING' },
        );
      sources.push({ layerIndex: i + 1, cellCode: code, sheetTestId: s.sheetTestId, testId: s.testId });
      layerSpectra.push(s);
    }
    const { inside, loHz, hiHz } = comparableFrequencies(input.frequenciesHz, layerSpectra);
    if (inside.length < MIN_COMPARED_FREQUENCIES)
      throw new DomainError(
        'VALIDATION_FAILED',
        `Stack test ${input.testId}: only ${inside.length} of its ${input.frequenciesHz.length} frequencies lie within ${loHz}-${hiHz} Hz, the range every layer of stack ${stackBarcode} was measured over; at least ${MIN_COMPARED_FREQUENCIES} are needed; nothing was stored`,
        [{ path: 'input.frequenciesHz', message: `expected at least ${MIN_COMPARED_FREQUENCIES} frequencies within ${loHz}-${hiHz} Hz` }],
      );
    const limits = { ocvMinV: product.ocvMinV, ocvMaxV: product.ocvMaxV, impedanceTolerance: product.impedanceTolerance };
    return { verdict: classifyStack({ ...input }, layerSpectra, limits), sources };
  }

  /** A stack with its layers, tests and holds; a layer cell scrapped in tracking (a SCRAP disposition) scraps the stack. */
  async view(barcode: string): Promise<StackModel> {
    const stack = await this.stacks.byBarcode(barcode);
    if (!stack) throw new DomainError('NOT_FOUND', `Unknown stack ${barcode}`, [{ path: 'barcode', message: 'expected a stack barcode' }]);
    const product = (await this.masterDataRows.productById(stack.stackProductId))!;
    const wo = stack.workOrderId ? await this.masterDataRows.workOrderById(stack.workOrderId) : null;
    const layers = await this.stacks.layerCells(stack.id);
    const holds = await this.holdsOf(layers);
    if (holds.scrapped && stack.status !== 'SCRAPPED') {
      await this.db.transaction(async (m) => {
        await this.stacks.update(m, stack.id, { status: 'SCRAPPED' });
        await recordAudit(m, {
          actor: 'svc-assembly',
          action: 'SCRAP_STACK',
          entityType: 'Stack',
          entityId: stack.barcode,
          details: { reason: holds.scrapped },
        });
      });
      stack.status = 'SCRAPPED';
    }
    const tests = await this.stacks.tests(stack.id);
    return {
      barcode: stack.barcode,
      productCode: product.code,
      workOrder: wo?.code ?? null,
      status: stack.status,
      step: stack.step,
      electrochemicalState: stack.electrochemicalState,
      layersPlanned: stack.layersPlanned,
      layerCapacityMah: stack.layerCapacityMah,
      layersSource: stack.layersSource,
      bin: stack.bin,
      binReason: stack.binReason,
      stationCode: stack.stationCode,
      createdBy: stack.createdBy,
      createdAt: stack.createdAt,
      layers: layers.map((l, i): StackLayerModel => ({
        layerIndex: i + 1,
        cellCode: codeOf(l),
        sheetBarcode: l.sheetBarcode,
        row: l.row,
        col: l.col,
        rollBarcode: l.rollBarcode,
        mdMm: l.mdMm,
        cdMm: l.cdMm,
        softBin: l.softBin,
        hardBin: l.hardBin,
        asrOhmCm2: l.asrOhmCm2,
        capacityMah: l.capacityMah,
        capacitySource: l.capacitySource,
        carrier: l.carrier,
        position: l.position,
        sheet: { barcode: l.sheetBarcode },
        roll: { barcode: l.rollBarcode },
        cell: { sheetBarcode: l.sheetBarcode, row: l.row, col: l.col },
      })),
      tests: tests.map((t): StackTestModel => ({
        testId: t.testId,
        stationCode: t.stationCode,
        ocvV: t.ocvV,
        bin: t.bin,
        reason: t.reason,
        deviation: t.deviation,
        suspectLayer: t.suspectLayer,
        comparison: t.comparison,
        testedBy: t.testedBy,
        testedAt: t.testedAt,
      })),
      onHold: holds.list.length > 0,
      activeHolds: holds.list,
    };
  }

  /**
   * Where-used: every stack holding a cell of a roll MD region (or of a sheet). A roll region also
   * reaches the rolls spliced or slit from it (tracking's genealogy, walked down through Roll.children
   * and mapped through each link); then one index range scan on the singulated cells' (roll, MD) per
   * region, and their layers.
   */
  async whereUsed(filter: {
    roll?: string | null;
    mdFromMm?: number | null;
    mdToMm?: number | null;
    sheet?: string | null;
  }): Promise<WhereUsedStackModel[]> {
    if (!filter.roll && !filter.sheet)
      throw new DomainError('VALIDATION_FAILED', 'Where-used needs a roll (with an optional MD region) or a sheet', [
        { path: 'roll', message: 'expected roll or sheet' },
      ]);
    if (
      filter.mdFromMm !== null &&
      filter.mdFromMm !== undefined &&
      filter.mdToMm !== null &&
      filter.mdToMm !== undefined &&
      !(filter.mdFromMm < filter.mdToMm)
    ) {
      throw new DomainError('VALIDATION_FAILED', `Invalid MD region: mdFromMm ${filter.mdFromMm} must be below mdToMm ${filter.mdToMm}`, [
        { path: 'mdToMm', message: 'expected mdFromMm < mdToMm' },
      ]);
    }
    const regions = filter.roll
      ? await descendantRegions(
          { rollBarcode: filter.roll, fromMm: filter.mdFromMm ?? -Infinity, toMm: filter.mdToMm ?? Infinity },
          (roll) => this.line.rollChildren(roll),
        ).then(mergeRegions, (e: unknown) => {
          if (e instanceof RangeError) throw new DomainError('CONFLICT', `Where-used of roll ${filter.roll} refused: ${e.message}`);
          throw e;
        })
      : [];
    const rows = await this.stacks.stacksHolding(regions, filter.sheet);
    return rows.map((r) => ({ barcode: r.barcode, status: r.status, bin: r.bin, cellCodes: r.codes }));
  }

  /**
   * Every stack holding a cell a process run made: the run's MD segment of its roll, followed down
   * through the rolls spliced and slit from it (a run on a parent roll reaches its lanes' stacks).
   */
  async whereUsedByRun(runId: string): Promise<WhereUsedStackModel[]> {
    const run = await this.line.runSegment(runId);
    return this.whereUsed({ roll: run.rollBarcode, mdFromMm: run.mdStartMm, mdToMm: run.mdEndMm });
  }

  /**
   * Where-used from a hold: the stacks holding a cell the hold covers (its roll, MD region, sheet or
   * cell; a roll or region hold also reaches the rolls spliced or slit from it).
   */
  async whereUsedByHold(holdId: string): Promise<WhereUsedStackModel[]> {
    const h = await this.line.hold(holdId);
    let used: WhereUsedStackModel[];
    switch (h.target) {
      case 'ROLL':
        used = await this.whereUsed({ roll: h.rollBarcode });
        break;
      case 'ROLL_REGION':
        used = await this.whereUsed({ roll: h.rollBarcode, mdFromMm: h.mdFromMm, mdToMm: h.mdToMm });
        break;
      case 'SHEET':
        used = await this.whereUsed({ sheet: h.sheetBarcode });
        break;
      default: {
        const code = codeOf({ sheetBarcode: h.sheetBarcode as string, row: h.row as number, col: h.col as number });
        used = (await this.whereUsed({ sheet: h.sheetBarcode }))
          .filter((s) => s.cellCodes.includes(code))
          .map((s) => ({ ...s, cellCodes: [code] }));
      }
    }
    return h.disposition === 'SCRAP' ? this.scrapStacks(used, h.id) : used;
  }

  /**
   * A SCRAP disposition scrapped every cell its hold covered (tracking), so every stack holding one
   * is scrapped: recorded here when where-used of that hold finds them (a stack read on its own is
   * scrapped when it finds a scrapped layer, see view).
   */
  private async scrapStacks(used: WhereUsedStackModel[], holdId: string): Promise<WhereUsedStackModel[]> {
    const live = used.filter((u) => u.status !== 'SCRAPPED').map((u) => u.barcode);
    if (live.length)
      await this.db.transaction(async (m) => {
        // Locked, then scrapped: two where-used calls at once record each scrap once.
        const scrapped = await this.stacks.scrapUnscrapped(m, live);
        for (const barcode of scrapped)
          await recordAudit(m, {
            actor: 'svc-assembly',
            action: 'SCRAP_STACK',
            entityType: 'Stack',
            entityId: barcode,
            details: { reason: `hold ${holdId} was released with a SCRAP disposition`, holdId },
          });
      });
    return used.map((u) => ({ ...u, status: 'SCRAPPED' }));
  }

  private async holdsOf(layers: SingulatedCellEntity[]): Promise<{ list: StackHoldModel[]; scrapped: string | null }> {
    if (!layers.length) return { list: [], scrapped: null };
    const states = await this.line.cellStates(layers.map((l) => ({ sheetBarcode: l.sheetBarcode, row: l.row, col: l.col })));
    const list: StackHoldModel[] = [];
    const seen = new Set<string>();
    let scrapped: string | null = null;
    for (const s of states) {
      if (s.status === 'SCRAPPED' && !scrapped) scrapped = `layer cell ${codeOf(s)} was scrapped in tracking`;
      for (const h of s.activeHolds) {
        if (seen.has(h.id)) continue;
        seen.add(h.id);
        list.push({ holdId: h.id, reason: h.reason, cellCode: codeOf(s) });
      }
    }
    return { list, scrapped };
  }

  /**
   * N for a new stack: from the smallest capacity among the singulated cells it may take (predicted
   * where known), so that whichever of them it is built from, it reaches its target.
   */
  private async layerPlan(m: EntityManager, product: StackProductEntity, grades: number[]): Promise<LayerPlan> {
    const smallest = await this.stacks.smallestCapacity(m, grades);
    return planLayers(product.targetCapacityMah, product.nominalCellCapacityMah, smallest);
  }

  private notAtTest(stack: StackEntity): DomainError {
    return new DomainError(
      'WRONG_OPERATION',
      `Stack ${stack.barcode} is at ${stack.step}, not at ${STACK_TEST}: scan it at the stations of its route up to ${STACK_TEST} before its final test; nothing was stored`,
      [{ path: 'input.stackBarcode', message: `expected a stack at ${STACK_TEST}` }],
      { reason: 'WRONG_STEP', step: stack.step },
    );
  }

  private notBuilt(stack: StackEntity, layers: number): DomainError {
    return new DomainError(
      'CONFLICT',
      `Stack ${stack.barcode} has ${layers} of its ${stack.layersPlanned} layers: finish building it before its final test`,
      [],
      { reason: 'STACK_NOT_BUILT' },
    );
  }

  private async lockStack(m: EntityManager, barcode: string): Promise<StackEntity> {
    const stack = await this.stacks.lock(m, barcode);
    if (!stack)
      throw new DomainError(
        'NOT_FOUND',
        `Unknown stack ${barcode}: scan the stack label and start the stack first (startStack); nothing was stored`,
        [{ path: 'input.stackBarcode', message: 'expected a started stack' }],
      );
    return stack;
  }

  private async requireStation(code: string, operation: string, path: string): Promise<void> {
    const op = await this.line.stationOperation(code);
    if (op !== operation) {
      throw new DomainError(
        'WRONG_OPERATION',
        op
          ? `Station ${code} performs ${op}; this needs a ${operation} station`
          : `Unknown station ${code}: expected a ${operation} station`,
        [{ path, message: `expected a ${operation} station` }],
      );
    }
  }
}

function toMatch(c: SingulatedCellEntity): MatchCell {
  return { id: String(c.id), asrOhmCm2: c.asrOhmCm2 ?? NaN, capacityMah: c.capacityMah, rollBarcode: c.rollBarcode, mdMm: c.mdMm };
}
