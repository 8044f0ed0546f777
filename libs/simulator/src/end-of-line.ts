import { eachLimited, LineDriverError, type LineDriver, type LineRunResult, type SheetRun } from './line-driver';
import { hashSeed, Rng } from './prng';
import type { SimulatedSheet } from './simulate-sheet';
import {
  compareStackFaults,
  formatFaultTable,
  planStackFaults,
  synthesizeCyclerCsv,
  synthesizeStackTest,
  type FaultComparison,
  type LayerSpectrum,
  type StackFault,
  type StackFaultKind,
} from './stack-faults';

/**
 * The end of the line, played after LineDriver.run() on the sheets it tested, through the same
 * public API (GraphQL at the gateway): each binned sheet is singulated (its pick map, a pick report
 * with a few broken cells), stacks are built from the stack proposal by scanning each layer, a few
 * are built with an open or a shorted layer (the ground truth), every stack gets its final test with
 * the spectrum its layers give in parallel, a few passing stacks are cycled (a cycler CSV in the
 * generic layout), and the final test's bins are compared with the truth.
 *
 * One function per step of a stack's life (buildStack, moveToStackTest, testStack, cycleStack).
 */

export interface EndOfLineOptions {
  /** Stacks to build from the proposal; default 12. */
  stacks?: number;
  /** Stacks built with one layer not connected; default 2. */
  openLayers?: number;
  /** Stacks built with one shorted layer; default 2. */
  shortedLayers?: number;
  /** Passing stacks whose cycler results are imported; default 3. */
  cycled?: number;
  /** Cycles in each cycler file; default 200. */
  cycles?: number;
  /** Share of the picks that break at singulation (at least one per sheet); default 0.003. */
  brokenRate?: number;
}

export interface SingulatedSheet {
  barcode: string;
  inPickMap: number;
  picked: number;
  broken: number;
}

export interface BuiltStack {
  barcode: string;
  layers: string[];
  /** The injected fault (truth), or null for a good stack. */
  fault: { kind: StackFaultKind; layer: number } | null;
  bin: string | null;
  suspectLayer: number | null;
  reason: string | null;
}

export interface CycledStack {
  barcode: string;
  cycles: number;
  retention: number;
  cyclesTo80: number | null;
}

export interface EndOfLineResult {
  stackProduct: string | null;
  layersPerStack: number;
  singulated: SingulatedSheet[];
  /** Sheets not singulated, with why (held, waiting for a retest, not tested). */
  notSingulated: { barcode: string; why: string }[];
  /** Proposed stacks left out because they hold cells this run did not simulate (from earlier runs). */
  proposalsWithForeignCells: number;
  stacks: BuiltStack[];
  cycled: CycledStack[];
  comparison: FaultComparison;
  /** Steps that could not run, with why. */
  skipped?: string;
  elapsedMs: number;
}

const SINGULATION = 'SINGULATION';
const STACKING = 'STACKING';
const FORMATION = 'FORMATION';
const STACK_TEST = 'STACK_TEST';
const CELL_CODE = /^(.+)-R(\d+)C(\d+)$/;

const SHEET_STATE = 'query SheetState($b: String!) { sheet(barcode: $b) { operation stepState status activeHolds { id reason } } }';
const PICK_MAP = 'query PickMap($s: String!) { pickMap(sheet: $s, strategy: GRADED) { entries { row col cellCode softBin } } }';
const REPORT_SINGULATION =
  'mutation ReportSingulation($i: SingulationReportInput!) { reportSingulation(input: $i) { cellsInPickMap picked broken } }';
const ASSEMBLY_PLAN = `{
  stackProducts { code cellProductCode layers allowedGrades }
  workOrders(openOnly: true) { code stackProductCode quantity stacksStarted status }
}`;
const PROPOSAL =
  'query Proposal($p: String!, $g: Int!) { stackProposal(productCode: $p, grade: $g) { layersPerStack cellsAvailable upperBound stacks } }';
const START_STACK = 'mutation StartStack($i: StartStackInput!) { startStack(input: $i) { barcode status } }';
const SCAN_STACK = 'mutation ScanStack($i: ScanStackInput!) { scanStack(input: $i) { barcode } }';
const ADD_LAYER = 'mutation AddLayer($i: AddStackLayerInput!) { addStackLayer(input: $i) { status } }';
const POST_STACK_TEST =
  'mutation StackTest($i: StackTestInput!) { postStackTest(input: $i) { bin tests { testId bin reason suspectLayer } } }';
const IMPORT_CYCLER =
  'mutation ImportCycler($i: ImportCyclerResultsInput!) { importCyclerResults(input: $i) { cycles retention cyclesTo80 } }';

interface StackProductInfo {
  code: string;
  cellProductCode: string;
  layers: number;
  allowedGrades: number[];
}

/** A physical layer: the cell's noiseless spectrum, OCV, ASR and predicted capacity (truth). */
interface LayerTruth extends LayerSpectrum {
  asrOhmCm2: number;
  capacityMah: number;
}

/** Drives the end of the line for one LineDriver run; `run()` does every step in order. */
export class EndOfLine {
  private readonly o: Required<EndOfLineOptions>;
  private readonly log: (line: string) => void;
  private readonly physical = new Map<string, SimulatedSheet | null>();

  constructor(
    private readonly driver: LineDriver,
    private readonly line: LineRunResult,
    options: EndOfLineOptions = {},
    log: (line: string) => void = () => undefined,
  ) {
    this.o = {
      stacks: options.stacks ?? 12,
      openLayers: options.openLayers ?? 2,
      shortedLayers: options.shortedLayers ?? 2,
      cycled: options.cycled ?? 3,
      cycles: options.cycles ?? 200,
      brokenRate: options.brokenRate ?? 0.003,
    };
    for (const k of ['stacks', 'openLayers', 'shortedLayers', 'cycled', 'cycles'] as const) {
      if (!Number.isInteger(this.o[k]) || this.o[k] < 0) throw new RangeError(`${k} must be a whole number ≥ 0, got ${this.o[k]}`);
    }
    if (this.o.openLayers + this.o.shortedLayers > this.o.stacks)
      throw new RangeError(
        `${this.o.openLayers} open and ${this.o.shortedLayers} shorted layers need as many stacks, only ${this.o.stacks} are built`,
      );
    if (!(this.o.brokenRate >= 0 && this.o.brokenRate < 1)) throw new RangeError(`brokenRate must be in [0, 1), got ${this.o.brokenRate}`);
    this.log = log;
  }

  private get seed(): number {
    return this.line.seed;
  }

  /** Stack barcodes: STK-<roll prefix>-<n>, the prefix reduced to the characters a stack barcode allows. */
  private stackBarcode(n: number): string {
    const prefix = this.line.rolls[0]?.barcode.replace(/-\d+$/, '') ?? 'SIM';
    return `STK-${prefix.replace(/[^A-Za-z0-9._-]/g, '-').slice(0, 50)}-${n}`;
  }

  async run(): Promise<EndOfLineResult> {
    const started = Date.now();
    const result: EndOfLineResult = {
      stackProduct: null,
      layersPerStack: 0,
      singulated: [],
      notSingulated: [],
      proposalsWithForeignCells: 0,
      stacks: [],
      cycled: [],
      comparison: compareStackFaults([]),
      elapsedMs: 0,
    };
    const done = (skipped?: string) => {
      if (skipped) {
        result.skipped = skipped;
        this.log(skipped);
      }
      result.elapsedMs = Date.now() - started;
      return result;
    };
    if (!(await this.driver.hasMutation('reportSingulation')) || !(await this.driver.hasMutation('postStackTest')))
      return done(
        `end of line skipped: the GraphQL schema at ${this.driver.url} has no singulation or stack test (the assembly service is not deployed)`,
      );
    const sheets = this.line.rolls.flatMap((r) => r.sheets).filter((s) => s.test);
    if (!sheets.length) return done('end of line skipped: no sheet of this run was tested');

    await eachLimited(sheets, 4, async (sheet) => {
      const why = await this.notReady(sheet);
      if (why) {
        result.notSingulated.push({ barcode: sheet.barcode, why });
        return;
      }
      result.singulated.push(await this.singulate(sheet));
    });
    result.singulated.sort((a, b) => a.barcode.localeCompare(b.barcode));
    const picked = result.singulated.reduce((n, s) => n + s.picked, 0);
    const broken = result.singulated.reduce((n, s) => n + s.broken, 0);
    this.log(
      `singulation: ${result.singulated.length} sheets, ${picked} cells picked, ${broken} broken` +
        (result.notSingulated.length ? `; ${result.notSingulated.length} sheets not singulated (${result.notSingulated[0].why}, ...)` : ''),
    );
    if (!result.singulated.length) return done('end of line stopped: no sheet could be singulated');

    const plan = await this.stackPlan(new Set(result.singulated.map((s) => s.barcode)));
    if (!plan) return done(`end of line stopped: no stack product is made of ${this.line.product.code}`);
    result.stackProduct = plan.product.code;
    result.layersPerStack = plan.layers;
    result.proposalsWithForeignCells = plan.foreign;
    if (plan.stacks.length < this.o.stacks)
      this.log(
        `stack proposal: ${plan.stacks.length} complete stacks of this run's cells, ${this.o.stacks} wanted` +
          (plan.foreign ? ` (${plan.foreign} proposed stacks hold cells of earlier runs)` : ''),
      );
    const faults = planStackFaults(
      plan.stacks.length,
      plan.layers,
      {
        open: Math.min(this.o.openLayers, plan.stacks.length),
        shorted: Math.min(this.o.shortedLayers, Math.max(0, plan.stacks.length - this.o.openLayers)),
      },
      this.seed,
    );
    const faultOf = new Map<number, StackFault>(faults.map((f) => [f.stack, f]));
    result.stacks = plan.stacks.map((layers, i) => ({
      barcode: this.stackBarcode(i + 1),
      layers,
      fault: faultOf.has(i) ? { kind: faultOf.get(i)!.kind, layer: faultOf.get(i)!.layer } : null,
      bin: null,
      suspectLayer: null,
      reason: null,
    }));

    await eachLimited(result.stacks, 2, async (stack, i) => {
      await this.buildStack(stack, plan.product);
      await this.moveToStackTest(stack);
      await this.testStack(stack, i);
    });
    this.log(
      `stacks: ${result.stacks.length} built of ${plan.layers} layers (${plan.product.code}) and tested: ` +
        Object.entries(result.stacks.reduce<Record<string, number>>((m, s) => ({ ...m, [s.bin ?? '-']: (m[s.bin ?? '-'] ?? 0) + 1 }), {}))
          .map(([bin, n]) => `${n} ${bin}`)
          .join(', '),
    );

    const passing = result.stacks.filter((s) => s.bin === 'PASS');
    const rng = new Rng(hashSeed(this.seed, 0xcc));
    const samples = passing
      .map((s) => ({ s, k: rng.next() }))
      .sort((a, b) => a.k - b.k)
      .slice(0, this.o.cycled)
      .map((x) => x.s);
    for (const stack of samples) result.cycled.push(await this.cycleStack(stack));
    if (result.cycled.length)
      this.log(
        `cycling: ${result.cycled.length} sample stacks imported, retention after ${this.o.cycles} cycles ${result.cycled
          .map((c) => `${(c.retention * 100).toFixed(1)} %`)
          .join(', ')}`,
      );

    result.comparison = compareStackFaults(
      result.stacks.map((s) => ({ barcode: s.barcode, fault: s.fault, finding: { bin: s.bin, suspectLayer: s.suspectLayer } })),
    );
    return done();
  }

  // -------------------------------------------------------------------------------------------- singulation

  /** Why a tested sheet cannot be singulated now, or null. */
  private async notReady(sheet: SheetRun): Promise<string | null> {
    if (sheet.test?.status !== 'DONE') return `${sheet.barcode}: its test is ${sheet.test?.status ?? 'missing'}`;
    const { sheet: s } = await this.driver.ok<{
      sheet: { operation: string | null; stepState: string; status: string; activeHolds: { id: string; reason: string }[] };
    }>(`state of ${sheet.barcode}`, SHEET_STATE, { b: sheet.barcode });
    if (s.activeHolds.length) return `${sheet.barcode} is on hold: ${s.activeHolds[0].reason}`;
    if (s.operation !== SINGULATION) return `${sheet.barcode} waits at ${s.operation ?? 'the end of its route'} (${s.stepState})`;
    return null;
  }

  /** Track in at singulation, read the pick map, report the picks with a few broken cells, track out. */
  async singulate(sheet: SheetRun): Promise<SingulatedSheet> {
    const station = this.driver.stationFor(SINGULATION);
    await this.driver.scan(sheet.barcode, station, 'TRACK_IN');
    const { pickMap } = await this.driver.ok<{ pickMap: { entries: { row: number; col: number; cellCode: string; softBin: number }[] } }>(
      `pickMap of ${sheet.barcode}`,
      PICK_MAP,
      { s: sheet.barcode },
    );
    const entries = pickMap.entries;
    if (!entries.length) {
      await this.driver.scan(sheet.barcode, station, 'TRACK_OUT');
      return { barcode: sheet.barcode, inPickMap: 0, picked: 0, broken: 0 };
    }
    const rng = new Rng(hashSeed(this.seed, sheet.sheetIndex, sheet.barcode.length, 0xb7));
    const brokenCount = Math.min(entries.length, Math.max(1, Math.round(entries.length * this.o.brokenRate)));
    const broken = new Set<number>();
    while (broken.size < brokenCount) broken.add(rng.int(entries.length));
    const { reportSingulation } = await this.driver.ok<{ reportSingulation: { cellsInPickMap: number; picked: number; broken: number } }>(
      `reportSingulation of ${sheet.barcode}`,
      REPORT_SINGULATION,
      {
        i: {
          sheet: sheet.barcode,
          stationCode: station,
          strategy: 'GRADED',
          picked: entries.filter((_, i) => !broken.has(i)).map(({ row, col }) => ({ row, col })),
          broken: entries.filter((_, i) => broken.has(i)).map(({ row, col }) => ({ row, col, reason: 'cracked at pick' })),
        },
      },
    );
    await this.driver.scan(sheet.barcode, station, 'TRACK_OUT');
    return {
      barcode: sheet.barcode,
      inPickMap: reportSingulation.cellsInPickMap,
      picked: reportSingulation.picked,
      broken: reportSingulation.broken,
    };
  }

  // -------------------------------------------------------------------------------------------- stacking

  /**
   * The stack product made of this run's cell product, and stacks from its proposal (grade by grade,
   * the product's allowed grades in order) whose every layer is a cell of this run's sheets: the
   * simulator knows the physics of those cells only.
   */
  private async stackPlan(
    sheets: Set<string>,
  ): Promise<{ product: StackProductInfo & { workOrder: string | null }; layers: number; stacks: string[][]; foreign: number } | null> {
    const data = await this.driver.ok<{
      stackProducts: StackProductInfo[];
      workOrders: { code: string; stackProductCode: string; quantity: number; stacksStarted: number; status: string }[];
    }>('reading stack products and work orders', ASSEMBLY_PLAN);
    const product = data.stackProducts.find((p) => p.cellProductCode === this.line.product.code);
    if (!product) return null;
    const wo = data.workOrders.find(
      (w) => w.stackProductCode === product.code && w.status === 'OPEN' && w.quantity - w.stacksStarted >= this.o.stacks,
    );
    const stacks: string[][] = [];
    let foreign = 0;
    let layers = product.layers;
    for (const grade of product.allowedGrades) {
      if (stacks.length >= this.o.stacks) break;
      const { stackProposal } = await this.driver.ok<{ stackProposal: { layersPerStack: number; stacks: string[][] } }>(
        `stackProposal of ${product.code} grade ${grade}`,
        PROPOSAL,
        { p: product.code, g: grade },
      );
      layers = stackProposal.layersPerStack;
      for (const s of stackProposal.stacks) {
        if (stacks.length >= this.o.stacks) break;
        if (s.every((code) => sheets.has(CELL_CODE.exec(code)?.[1] ?? ''))) stacks.push(s);
        else foreign++;
      }
    }
    return { product: { ...product, workOrder: wo?.code ?? null }, layers, stacks, foreign };
  }

  /** Scan the stack label at a stacking station, then each layer cell in order. */
  async buildStack(stack: BuiltStack, product: { code: string; workOrder: string | null }): Promise<void> {
    await this.driver.ok(`startStack ${stack.barcode}`, START_STACK, {
      i: {
        barcode: stack.barcode,
        productCode: product.code,
        stationCode: this.driver.stationFor(STACKING),
        ...(product.workOrder ? { workOrder: product.workOrder } : {}),
      },
    });
    for (const cellCode of stack.layers)
      await this.driver.ok(`addStackLayer ${cellCode} to ${stack.barcode}`, ADD_LAYER, { i: { stackBarcode: stack.barcode, cellCode } });
  }

  /**
   * The stack's own route after building: scanned at a FORMATION station, then at a STACK_TEST
   * station, where the MES keeps a stack route (its scanStack mutation); without one, nothing to scan.
   */
  async moveToStackTest(stack: BuiltStack): Promise<void> {
    if (!(await this.driver.hasMutation('scanStack'))) return;
    for (const operation of [FORMATION, STACK_TEST])
      await this.driver.ok(`scanStack ${stack.barcode} at ${operation}`, SCAN_STACK, {
        i: { stackBarcode: stack.barcode, stationCode: this.driver.stationFor(operation) },
      });
  }

  /** The layer as it physically is (the simulated sheet without rig noise). */
  private layerTruth(cellCode: string): LayerTruth {
    const m = CELL_CODE.exec(cellCode);
    if (!m) throw new LineDriverError('API_ERROR', `the MES proposed ${cellCode}, which is not a cell code`);
    const [, sheet, row, col] = m;
    if (!this.physical.has(sheet)) this.physical.set(sheet, this.driver.physicalSheet(sheet));
    const sim = this.physical.get(sheet);
    if (!sim) throw new LineDriverError('API_ERROR', `cell ${cellCode} is not on a sheet this run simulated`);
    const i = Number(row) * sim.cols + Number(col);
    const cell = sim.cells[i];
    const truth = sim.truth[i];
    if (cell.status !== 'OK') throw new LineDriverError('API_ERROR', `simulator bug: ${cellCode} has no spectrum on a clean retest`);
    return {
      frequenciesHz: sim.frequenciesHz,
      zReOhm: cell.zReOhm,
      zImOhm: cell.zImOhm,
      ocvV: truth.ocvV,
      asrOhmCm2: truth.asrOhmCm2,
      capacityMah: truth.predictedCapacityMah,
    };
  }

  /** The stack final test at a STACK_TEST station: its layers in parallel, with the injected fault. */
  async testStack(stack: BuiltStack, index: number): Promise<void> {
    const m = synthesizeStackTest(
      stack.layers.map((c) => this.layerTruth(c)),
      stack.fault,
      hashSeed(this.seed, index, 0x7e57),
    );
    const testId = `${stack.barcode}-T1`.slice(-64);
    const { postStackTest } = await this.driver.ok<{
      postStackTest: { bin: string | null; tests: { testId: string; bin: string; reason: string; suspectLayer: number | null }[] };
    }>(`postStackTest of ${stack.barcode}`, POST_STACK_TEST, {
      i: {
        testId,
        stackBarcode: stack.barcode,
        stationCode: this.driver.stationFor(STACK_TEST),
        ocvV: m.ocvV,
        frequenciesHz: m.frequenciesHz,
        zReOhm: m.zReOhm,
        zImOhm: m.zImOhm,
      },
    });
    const t = postStackTest.tests.find((x) => x.testId === testId);
    stack.bin = t?.bin ?? postStackTest.bin;
    stack.suspectLayer = t?.suspectLayer ?? null;
    stack.reason = t?.reason ?? null;
  }

  /** A sample stack's cycler results, imported as the generic CSV layout. */
  async cycleStack(stack: BuiltStack): Promise<CycledStack> {
    const layers = stack.layers.map((c) => this.layerTruth(c));
    const csv = synthesizeCyclerCsv(
      {
        capacityMah: layers.reduce((s, l) => s + l.capacityMah, 0),
        meanLayerAsrOhmCm2: layers.reduce((s, l) => s + l.asrOhmCm2, 0) / layers.length,
      },
      this.o.cycles,
      hashSeed(this.seed, stack.barcode.length, stack.layers.length, Number(/\d+$/.exec(stack.barcode)?.[0] ?? 0)),
    );
    const { importCyclerResults: r } = await this.driver.ok<{
      importCyclerResults: { cycles: number; retention: number; cyclesTo80: number | null };
    }>(`importCyclerResults of ${stack.barcode}`, IMPORT_CYCLER, { i: { stackBarcode: stack.barcode, csv } });
    return { barcode: stack.barcode, cycles: r.cycles, retention: r.retention, cyclesTo80: r.cyclesTo80 };
  }
}

/** The end of the line as printable lines, ending with the table of injected against found faults. */
export function formatEndOfLineSummary(r: EndOfLineResult): string[] {
  const lines: string[] = [];
  if (r.skipped && !r.stacks.length) return [r.skipped];
  const picked = r.singulated.reduce((n, s) => n + s.picked, 0);
  const broken = r.singulated.reduce((n, s) => n + s.broken, 0);
  lines.push(
    `end of line: ${r.singulated.length} sheets singulated (${picked} cells picked, ${broken} broken), ${r.stacks.length} stacks of ` +
      `${r.layersPerStack} layers built and tested (${r.stackProduct ?? 'no stack product'}), ${r.cycled.length} cycled in ${(r.elapsedMs / 1000).toFixed(1)} s`,
  );
  for (const s of r.notSingulated) lines.push(`  not singulated: ${s.why}`);
  if (r.skipped) lines.push(r.skipped);
  if (r.stacks.length) lines.push(...formatFaultTable(r.comparison));
  return lines;
}
