import { simulateInspection, type DefectTruth } from './inspect-sheet';
import { withLinePatterns, type PatternSpec } from './pattern-injection';
import { gzipSync } from 'node:zlib';
import { simulateAlignment, simulatePatterningTool, type SimulatedAlignment } from './patterning';
import { hashSeed, Rng } from './prng';
import { simulateSheet, toSheetTestBody, type RigCell, type SimulatedSheet, type TruthKind } from './simulate-sheet';

/**
 * The line simulator's driver: it plays the operators, equipment and test rigs of a line against a
 * running MES, through its public APIs only (GraphQL at <url>/graphql, REST at <url>/api/v1), so what
 * it exercises is what real clients see. It follows whatever route the product has: rolls are
 * registered and scanned through every ROLL step, cut into sheets at the last ROLL step, the sheets
 * scanned through the SHEET steps up to SHEET_TEST, and tested there by a rig posting simulated
 * OCV/EIS data. Parts of the MES that are not deployed (process runs, test-data ingest) are detected
 * and reported as skipped, never faked.
 *
 * Plain TypeScript on Node's fetch: no NestJS, no app imports, so tests, benchmarks and the CLI
 * (tools/simulate.ts) share it.
 */

// ---------------------------------------------------------------------------------------------- options

export interface LineDriverOptions {
  /** Base URL of the MES (the gateway), e.g. http://127.0.0.1:3000. */
  url: string;
  /** GraphQL endpoint; default <url>/graphql. */
  graphqlUrl?: string;
  /** REST base; default <url>/api/v1. */
  restUrl?: string;
  username: string;
  password: string;
  /** Product code; default TFB-0505 (the demo product). */
  product?: string;
  /** Rolls to register; default 1. */
  rolls?: number;
  /** Sheets to cut from each roll; default 20. */
  sheets?: number;
  /** Seed of the physics (sheet i of roll r is simulated with hashSeed(seed, r) and sheet index i). Default 1. */
  seed?: number;
  /** Roll barcodes are <rollPrefix>-<n>; default SIM-<timestamp>. */
  rollPrefix?: string;
  /** Web width of the registered rolls, mm; default 300. */
  widthMm?: number;
  /** Post sheet tests gzip-compressed. */
  gzip?: boolean;
  /** Sheets driven at once (scans and tests); default 4. */
  concurrency?: number;
  /** Retests allowed for soft-bin-0 cells (the line allows 1-2); default 1. */
  maxRetests?: number;
  /** How long to wait for one sheet test to be binned; default 120 s. */
  testTimeoutMs?: number;
  /** Poll interval for GET /api/v1/sheet-tests/{id}; default 500 ms. */
  pollIntervalMs?: number;
  /** Keep the ground truth of every cell in the result (for --truth); default false. */
  keepTruth?: boolean;
  /** Timeout of one HTTP request; default 30 s. */
  requestTimeoutMs?: number;
  /** Progress lines; default none. */
  log?: (line: string) => void;
  /** Spatial loss patterns (roll coordinates) laid on every simulated sheet; default none. */
  patterns?: PatternSpec[];
  /** Inspect each sheet at the line's INSPECTION station before it is tested (when there is one); default false. */
  inspect?: boolean;
  /**
   * Fraction of patterned sheets whose alignment the simulator pushes past the layout tolerance
   * (the MES holds them); default 0 (the CLI's is 2 %). Sheets are patterned when the product allows a released
   * layout of its own grid and the MES has recordPatterning.
   */
  misregistrationRate?: number;
}

// ---------------------------------------------------------------------------------------------- results

export interface RouteStepInfo {
  seq: number;
  operation: string;
  level: 'ROLL' | 'SHEET';
}

export interface ProductInfo {
  code: string;
  rows: number;
  cols: number;
  cellActiveAreaCm2: number;
  cellMdMm: number;
  cellCdMm: number;
  pitchMdMm: number;
  pitchCdMm: number;
  firstCellMdMm: number;
  firstCellCdMm: number;
  sheetLengthMdMm: number;
  leaderMm: number;
  trailerMm: number;
  routeVersion: number;
  steps: RouteStepInfo[];
}

export interface BinCount {
  softBin: number;
  count: number;
}

export interface SheetTestOutcome {
  /** The rig's test ids, first insertion then retests. */
  testIds: string[];
  sheetTestIds: string[];
  /** Final status of the last insertion (DONE, FAILED, or TIMEOUT when it was not binned in time). */
  status: 'DONE' | 'FAILED' | 'TIMEOUT' | 'REJECTED';
  /** Soft-bin counts over the sheet after retests (bin-0 cells replaced by their retest). */
  bins: BinCount[];
  retests: number;
  /** Why the post was refused (status REJECTED). */
  error?: string;
}

export interface CellTruthEntry {
  row: number;
  col: number;
  /** What the first test insertion saw (CONTACT_OPEN overrides the physical kind). */
  kind: TruthKind;
  physicalKind: TruthKind;
  /** Cell centre in roll coordinates, mm (as the MES places it). */
  mdMm: number;
  cdMm: number;
}

export interface SheetRun {
  barcode: string;
  sheetIndex: number;
  mdStartMm: number;
  mdEndMm: number;
  rows: number;
  cols: number;
  /** Where the sheet waits after the driver's scans. */
  operation: string | null;
  stepState: string;
  /** Truth counts by first-insertion kind (present when the sheet was simulated). */
  truthCounts?: Partial<Record<TruthKind, number>>;
  truth?: CellTruthEntry[];
  /** The patterning the driver recorded: layout, measured alignment, and the MES's answer. */
  patterning?: SheetPatterningOutcome;
  /** The inspection station's post (when the line has an INSPECTION station): what it found and where. */
  inspection?: SheetInspectionOutcome;
  test?: SheetTestOutcome;
}

export interface SheetPatterningOutcome {
  layout: string;
  alignment: SimulatedAlignment;
  /** The MES's verdict: false when it held the sheet for misregistration. */
  registered: boolean;
  holdReason: string | null;
}

export interface SheetInspectionOutcome {
  inspectionId: string;
  /** HTTP status of the post (201 stored, 200 a repeat), or the refusal. */
  status: number;
  defects: number;
  /** Defects in active areas (mapped by the MES), and those the simulator placed behind a short. */
  active: number;
  causedShort: number;
  error?: string;
  /** Ground truth of each defect, with --truth. */
  truth?: DefectTruth[];
}

export interface RollRun {
  barcode: string;
  seed: number;
  lengthM: number;
  sheets: SheetRun[];
}

export interface LineRunResult {
  url: string;
  product: ProductInfo;
  seed: number;
  rolls: RollRun[];
  counts: {
    rolls: number;
    sheets: number;
    cells: number;
    scans: number;
    testsPosted: number;
    retestsPosted: number;
    testsRejected: number;
    inspectionsPosted: number;
    /** Sheets patterned, and those the MES held as misregistered (they go no further). */
    sheetsPatterned: number;
    sheetsMisregistered: number;
    /** Process runs started and completed through the process service, and trace samples posted. */
    processRuns: number;
    traceSamples: number;
  };
  /** Steps that were not run, with the reason (one line each). */
  skipped: { process?: string; test?: string; patterning?: string };
  /** Soft-bin counts over all tested sheets (after retests), when the test step ran. */
  bins?: BinCount[];
  /** Ground-truth kind counts over all simulated sheets (first insertion). */
  truthCounts?: Partial<Record<TruthKind, number>>;
  elapsedMs: number;
}

export type LineDriverErrorCode = 'UNREACHABLE' | 'NOT_AN_MES' | 'LOGIN_FAILED' | 'NOT_FOUND' | 'BAD_ROUTE' | 'API_ERROR';

/** A failure with a one-line message; UNREACHABLE, NOT_AN_MES, LOGIN_FAILED and NOT_FOUND (no such product) are the caller's setup. */
export class LineDriverError extends Error {
  constructor(
    readonly code: LineDriverErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'LineDriverError';
  }
}

// ---------------------------------------------------------------------------------------------- GraphQL operations

const LOGIN = 'mutation Login($u: String!, $p: String!) { login(username: $u, password: $p) { token } }';
const MUTATION_FIELDS = '{ __type(name: "Mutation") { fields { name } } query: __type(name: "Query") { fields { name } } }';
const PRODUCT = `query Product($code: String!) {
  product(code: $code) {
    code cellActiveAreaCm2 leaderMm trailerMm
    layout { rows cols cellMdMm cellCdMm pitchMdMm pitchCdMm firstCellMdMm firstCellCdMm sheetLengthMdMm }
    currentRoute { version steps { seq operation level } }
  }
}`;
const STATIONS = '{ stations { code name operation } }';
const REGISTER_ROLL = 'mutation RegisterRoll($i: RegisterRollInput!) { registerRoll(input: $i) { barcode operation stepState } }';
const SCAN = 'mutation Scan($i: ScanInput!) { scan(input: $i) { barcode operation stepState repeated } }';
const CUT_SHEETS = `mutation CutSheets($i: CutSheetsInput!) {
  cutSheets(input: $i) { sheets { barcode sheetIndex mdStartMm mdEndMm rows cols operation stepState } }
}`;
const REGISTER_RIG = 'mutation RegisterRig($n: String!, $s: String!) { registerRig(name: $n, stationCode: $s) { rig { id name } apiKey } }';
const SHEET_MAP = 'query SheetMap($s: String!) { sheetMap(sheet: $s, metric: SOFT_BIN) { rows cols values } }';

const PROCESS_PLAN = `query ProcessPlan($p: String!) {
  routeStepRecipes(productCode: $p) { operation recipeNames equipmentCodes }
  recipes(state: RELEASED) { name version operation parameters { name type target targetText lowerLimit upperLimit required } traceBands { channel } }
  equipment { code stationCode }
}`;
const START_RUN = 'mutation StartRun($i: StartProcessRunInput!) { startProcessRun(input: $i) { id } }';
const COMPLETE_RUN = 'mutation CompleteRun($i: CompleteProcessRunInput!) { completeProcessRun(input: $i) { id alarms { id } } }';
const ISSUE_KEY = 'mutation IssueKey($e: String!) { issueEquipmentKey(equipmentCode: $e) { apiKey } }';
/** Equipment posts at most this many samples per batch (the trace endpoint takes up to 20,000). */
const TRACE_BATCH = 10_000;

interface RecipeInfo {
  name: string;
  version: number;
  operation: string;
  parameters: {
    name: string;
    type: string;
    target: number | null;
    targetText: string | null;
    lowerLimit: number | null;
    upperLimit: number | null;
    required: boolean;
  }[];
  traceBands: { channel: string }[];
}

/** What the route allows at one operation: recipes (newest released version of each) and the equipment to run them on. */
interface ProcessStep {
  recipes: RecipeInfo[];
  equipmentCodes: string[];
}

interface GqlError {
  message: string;
  extensions?: { code?: string };
}

interface ScanAnswer {
  barcode: string;
  operation: string | null;
  stepState: string;
  repeated: boolean;
}

interface CutSheet {
  barcode: string;
  sheetIndex: number;
  mdStartMm: number;
  mdEndMm: number;
  rows: number;
  cols: number;
  operation: string | null;
  stepState: string;
}

interface TestStatus {
  status: 'QUEUED' | 'BINNING' | 'DONE' | 'FAILED';
  cellsBinned: number;
  cells: number;
  bins: BinCount[];
}

const SHEET_TEST = 'SHEET_TEST';
const INSPECTION = 'INSPECTION';
const PATTERNING = 'PATTERNING';

interface PatternLayoutInfo {
  name: string;
  version: number;
  state: string;
  rows: number;
  cols: number;
  pitchMdMm: number;
  pitchCdMm: number;
  firstCellMdMm: number;
  firstCellCdMm: number;
  maxOffsetMm: number;
  maxRotationDeg: number;
}
const round3 = (v: number) => Math.round(v * 1000) / 1000;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A one-line description of an error and its cause (duck-typed: errors may come from another realm). */
function errorText(e: unknown): string {
  const messageOf = (x: unknown): string | undefined =>
    x && typeof x === 'object' && 'message' in x && typeof x.message === 'string' && x.message ? x.message : undefined;
  const message = messageOf(e) ?? String(e);
  const cause = e && typeof e === 'object' && 'cause' in e ? e.cause : undefined;
  const causeText = messageOf(cause) ?? (cause && typeof cause === 'object' && 'code' in cause ? String(cause.code) : undefined);
  return causeText ? `${message}: ${causeText}` : message;
}

/** Runs fn over items with at most `limit` at once; the first error stops new work and is thrown. */
export async function eachLimited<T>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  let failed: unknown = null;
  const worker = async () => {
    while (failed === null && next < items.length) {
      const i = next++;
      try {
        await fn(items[i], i);
      } catch (e) {
        failed ??= e;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  if (failed !== null) throw failed;
}

function addBins(into: Map<number, number>, bins: readonly BinCount[], sign = 1): void {
  for (const b of bins) into.set(b.softBin, (into.get(b.softBin) ?? 0) + sign * b.count);
}

function binList(m: Map<number, number>): BinCount[] {
  return [...m.entries()]
    .filter(([, c]) => c > 0)
    .sort((a, b) => a[0] - b[0])
    .map(([softBin, count]) => ({ softBin, count }));
}

// ---------------------------------------------------------------------------------------------- driver

export class LineDriver {
  readonly url: string;
  readonly graphqlUrl: string;
  readonly restUrl: string;
  private readonly opts: Required<Omit<LineDriverOptions, 'graphqlUrl' | 'restUrl' | 'log'>> & { log: (line: string) => void };
  private token: string | null = null;
  private mutations = new Set<string>();
  private queries = new Set<string>();
  private introspected = false;
  private stationsByOperation = new Map<string, string[]>();
  private roundRobin = new Map<string, number>();
  private scans = 0;
  private processPlan = new Map<string, ProcessStep>();
  private traceKeys = new Map<string, string>();
  private processRuns = 0;
  private traceSamples = 0;
  /** Per sheet barcode: the sheet as it physically is (no contact opens, no rig noise), for the end of the line. */
  private physical = new Map<string, () => SimulatedSheet>();

  constructor(options: LineDriverOptions) {
    const base = options.url.replace(/\/+$/, '');
    this.url = base;
    this.graphqlUrl = options.graphqlUrl ?? `${base}/graphql`;
    this.restUrl = (options.restUrl ?? `${base}/api/v1`).replace(/\/+$/, '');
    this.opts = {
      url: base,
      username: options.username,
      password: options.password,
      product: options.product ?? 'TFB-0505',
      rolls: options.rolls ?? 1,
      sheets: options.sheets ?? 20,
      seed: options.seed ?? 1,
      rollPrefix: options.rollPrefix ?? `SIM-${Date.now()}`,
      widthMm: options.widthMm ?? 300,
      gzip: options.gzip ?? false,
      concurrency: options.concurrency ?? 4,
      maxRetests: options.maxRetests ?? 1,
      testTimeoutMs: options.testTimeoutMs ?? 120_000,
      pollIntervalMs: options.pollIntervalMs ?? 500,
      keepTruth: options.keepTruth ?? false,
      patterns: options.patterns ?? [],
      inspect: options.inspect ?? false,
      misregistrationRate: options.misregistrationRate ?? 0,
      requestTimeoutMs: options.requestTimeoutMs ?? 30_000,
      log: options.log ?? (() => undefined),
    };
    for (const [name, v, min] of [
      ['rolls', this.opts.rolls, 1],
      ['sheets', this.opts.sheets, 1],
      ['concurrency', this.opts.concurrency, 1],
      ['maxRetests', this.opts.maxRetests, 0],
    ] as const) {
      if (!Number.isInteger(v) || v < min) throw new RangeError(`${name} must be an integer ≥ ${min}, got ${v}`);
    }
    if (!(this.opts.misregistrationRate >= 0 && this.opts.misregistrationRate <= 1))
      throw new RangeError(`misregistrationRate must be from 0 to 1, got ${this.opts.misregistrationRate}`);
    if (!Number.isInteger(this.opts.seed)) throw new RangeError(`seed must be an integer, got ${this.opts.seed}`);
  }

  // -------------------------------------------------------------------------------------------- HTTP

  private async http(url: string, init: RequestInit): Promise<Response> {
    try {
      return await fetch(url, { ...init, signal: AbortSignal.timeout(this.opts.requestTimeoutMs) });
    } catch (e) {
      throw new LineDriverError('UNREACHABLE', `cannot reach the MES at ${url}: ${errorText(e)}`);
    }
  }

  /** One GraphQL call; returns data and errors as the server sent them. */
  async graphql<T>(query: string, variables: Record<string, unknown> = {}): Promise<{ data: T | null; errors: GqlError[] }> {
    const res = await this.http(this.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(this.token ? { authorization: `Bearer ${this.token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    const text = await res.text();
    let body: { data?: T | null; errors?: GqlError[] };
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      throw new LineDriverError(
        'NOT_AN_MES',
        `no MES GraphQL API at ${this.graphqlUrl}: HTTP ${res.status}, not a GraphQL answer (${text.slice(0, 80).replace(/\s+/g, ' ')})`,
      );
    }
    if (typeof body !== 'object' || body === null || (!('data' in body) && !('errors' in body))) {
      throw new LineDriverError('NOT_AN_MES', `no MES GraphQL API at ${this.graphqlUrl}: HTTP ${res.status}, not a GraphQL answer`);
    }
    return { data: body.data ?? null, errors: body.errors ?? [] };
  }

  /** The data of a call that must succeed. */
  async ok<T>(what: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const { data, errors } = await this.graphql<T>(query, variables);
    if (errors.length || !data) {
      const e = errors[0];
      throw new LineDriverError('API_ERROR', `${what} failed: ${e ? `${e.extensions?.code ?? 'ERROR'}: ${e.message}` : 'no data'}`);
    }
    return data;
  }

  // -------------------------------------------------------------------------------------------- steps

  /** Logs in (as the operator/engineer running the simulation) and learns which APIs the MES has. */
  async connect(): Promise<void> {
    const { data, errors } = await this.graphql<{ login: { token: string } }>(LOGIN, { u: this.opts.username, p: this.opts.password });
    if (!data?.login?.token) {
      const e = errors[0];
      throw new LineDriverError(
        'LOGIN_FAILED',
        `login as ${this.opts.username} at ${this.graphqlUrl} failed: ${e ? `${e.extensions?.code ?? 'ERROR'}: ${e.message}` : 'no token'}`,
      );
    }
    this.token = data.login.token;
    const schema = await this.graphql<{ __type: { fields: { name: string }[] } | null; query: { fields: { name: string }[] } | null }>(
      MUTATION_FIELDS,
    );
    if (schema.data?.__type) {
      this.introspected = true;
      this.mutations = new Set(schema.data.__type.fields.map((f) => f.name));
      this.queries = new Set((schema.data.query?.fields ?? []).map((f) => f.name));
    }
  }

  /**
   * Whether the schema has a mutation. Uses introspection when the server allows it; otherwise sends
   * a document that names the field without its arguments: validation refuses it either way (so
   * nothing runs), and the message tells whether the field exists.
   */
  async hasMutation(name: string): Promise<boolean> {
    if (this.introspected) return this.mutations.has(name);
    const { errors } = await this.graphql(`mutation { ${name} { __typename } }`);
    return !errors.some((e) => e.message.includes(`Cannot query field "${name}"`));
  }

  private async hasQuery(name: string): Promise<boolean> {
    if (this.introspected) return this.queries.has(name);
    const { errors } = await this.graphql(`{ ${name} { __typename } }`);
    return !errors.some((e) => e.message.includes(`Cannot query field "${name}"`));
  }

  async loadProduct(): Promise<ProductInfo> {
    const { data, errors } = await this.graphql<{
      product: {
        code: string;
        cellActiveAreaCm2: number;
        leaderMm: number;
        trailerMm: number;
        layout: Omit<ProductInfo, 'code' | 'cellActiveAreaCm2' | 'leaderMm' | 'trailerMm' | 'routeVersion' | 'steps'>;
        currentRoute: { version: number; steps: RouteStepInfo[] } | null;
      };
    }>(PRODUCT, { code: this.opts.product });
    if (!data?.product) {
      const e = errors[0];
      if (e?.extensions?.code === 'NOT_FOUND')
        throw new LineDriverError('NOT_FOUND', `product ${this.opts.product} does not exist at ${this.url}: ${e.message}`);
      throw new LineDriverError(
        'API_ERROR',
        `reading product ${this.opts.product} failed: ${e ? `${e.extensions?.code ?? 'ERROR'}: ${e.message}` : 'no data'}`,
      );
    }
    const p = data.product;
    if (!p.currentRoute) throw new LineDriverError('BAD_ROUTE', `product ${p.code} has no route`);
    const steps = [...p.currentRoute.steps].sort((a, b) => a.seq - b.seq);
    const { stations } = await this.ok<{ stations: { code: string; operation: string }[] }>('reading the stations', STATIONS);
    this.stationsByOperation.clear();
    for (const s of [...stations].sort((a, b) => a.code.localeCompare(b.code))) {
      const list = this.stationsByOperation.get(s.operation) ?? [];
      list.push(s.code);
      this.stationsByOperation.set(s.operation, list);
    }
    const firstSheet = steps.findIndex((s) => s.level === 'SHEET');
    if (firstSheet <= 0)
      throw new LineDriverError(
        'BAD_ROUTE',
        `the route of product ${p.code} has no SHEET steps after its ROLL steps, so rolls are never cut into sheets`,
      );
    const testAt = steps.findIndex((s) => s.operation === SHEET_TEST);
    const driven = steps.slice(0, testAt < 0 ? steps.length : testAt);
    const missing = driven.filter((s) => !this.stationsByOperation.has(s.operation)).map((s) => s.operation);
    if (missing.length)
      throw new LineDriverError(
        'BAD_ROUTE',
        `no station performs ${missing.join(', ')} (route of ${p.code}): nothing can scan those steps`,
      );
    return {
      code: p.code,
      cellActiveAreaCm2: p.cellActiveAreaCm2,
      leaderMm: p.leaderMm,
      trailerMm: p.trailerMm,
      ...p.layout,
      routeVersion: p.currentRoute.version,
      steps,
    };
  }

  /**
   * A sheet this run simulated as it physically is: every cell's spectrum without rig noise or
   * contact opens (what a stack of its cells measures), with its truth; null for a sheet not simulated.
   */
  physicalSheet(barcode: string): SimulatedSheet | null {
    return this.physical.get(barcode)?.() ?? null;
  }

  /** A station of the operation, round-robin over the stations that perform it. */
  stationFor(operation: string): string {
    const list = this.stationsByOperation.get(operation);
    if (!list?.length) throw new LineDriverError('BAD_ROUTE', `no station performs ${operation}`);
    const n = this.roundRobin.get(operation) ?? 0;
    this.roundRobin.set(operation, n + 1);
    return list[n % list.length];
  }

  async scan(barcode: string, stationCode: string, action: 'TRACK_IN' | 'TRACK_OUT'): Promise<ScanAnswer> {
    const data = await this.ok<{ scan: ScanAnswer }>(`${action} of ${barcode} at ${stationCode}`, SCAN, {
      i: { barcode, stationCode, action },
    });
    this.scans++;
    return data.scan;
  }

  /** TRACK_IN then TRACK_OUT at a station of each operation, in order. */
  async scanThrough(barcode: string, operations: readonly string[]): Promise<ScanAnswer | null> {
    let last: ScanAnswer | null = null;
    for (const op of operations) {
      const station = this.stationFor(op);
      await this.scan(barcode, station, 'TRACK_IN');
      last = await this.scan(barcode, station, 'TRACK_OUT');
    }
    return last;
  }

  /**
   * Where a tested sheet stands now: the MES moves it on by itself once its test is DONE (the move
   * lands just after DONE), so this waits briefly for it to leave the test operation.
   */
  private async refreshSheetState(sheet: { barcode: string; operation: string | null; stepState: string }): Promise<void> {
    for (let i = 0; i < 20; i++) {
      const data = await this.ok<{ sheet: { operation: string | null; stepState: string } }>(
        `sheet ${sheet.barcode}`,
        'query Sheet($b: String!) { sheet(barcode: $b) { operation stepState } }',
        { b: sheet.barcode },
      );
      sheet.operation = data.sheet.operation;
      sheet.stepState = data.sheet.stepState;
      if (sheet.operation !== SHEET_TEST) return;
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  // -------------------------------------------------------------------------------------------- run

  async run(): Promise<LineRunResult> {
    const started = Date.now();
    const log = this.opts.log;
    await this.connect();
    const product = await this.loadProduct();
    const steps = product.steps;
    const firstSheet = steps.findIndex((s) => s.level === 'SHEET');
    const rollOps = steps.slice(0, firstSheet - 1).map((s) => s.operation);
    const cutOp = steps[firstSheet - 1].operation;
    const testAt = steps.findIndex((s) => s.operation === SHEET_TEST);
    const sheetOps = steps.slice(firstSheet, testAt < 0 ? steps.length : testAt).map((s) => s.operation);
    log(
      `MES ${this.url}: product ${product.code} (${product.rows} x ${product.cols} cells of ${product.cellActiveAreaCm2} cm², ` +
        `${product.sheetLengthMdMm} mm sheets), route v${product.routeVersion}: ${steps.map((s) => s.operation).join(' → ')}`,
    );

    const skipped: LineRunResult['skipped'] = {};
    const processReason = this.processSkipReason();
    if (processReason) {
      skipped.process = processReason;
      log(processReason);
    } else {
      await this.loadProcessPlan(product.code);
      log(
        `process runs at ${[...this.processPlan.keys()].join(', ') || 'no operation'} (recipes allowed by the route, equipment of their stations)`,
      );
    }

    const patternAt = sheetOps.indexOf(PATTERNING);
    const layout = patternAt < 0 ? null : await this.patternLayoutFor(product);
    if (typeof layout === 'string') {
      skipped.patterning = layout;
      log(layout);
    } else if (layout) {
      log(
        `patterning with ${layout.name}@${layout.version} at ${this.stationFor(PATTERNING)} (${this.opts.misregistrationRate * 100} % misregistered)`,
      );
    }
    let sheetsPatterned = 0;
    let sheetsMisregistered = 0;

    const rolls: RollRun[] = [];
    let testsPosted = 0;
    let retestsPosted = 0;
    let testsRejected = 0;
    let rig: { name: string; apiKey: string } | null = null;
    let aoi: { name: string; apiKey: string } | null = null;
    let inspectionsPosted = 0;
    if (testAt < 0) {
      skipped.test = `sheet test skipped: the route of ${product.code} has no ${SHEET_TEST} step`;
      log(skipped.test);
    } else {
      const reason = await this.testSkipReason();
      if (reason) {
        skipped.test = reason;
        log(reason);
      } else {
        rig = await this.registerRig();
        log(`registered rig ${rig.name} at ${this.stationFor(SHEET_TEST)}`);
        if (this.opts.inspect === true && this.stationsByOperation.has(INSPECTION)) {
          aoi = await this.registerRig(INSPECTION, 'AOI');
          log(`registered inspection station key ${aoi.name} at ${this.stationFor(INSPECTION)}`);
        }
      }
    }
    const simulate = rig !== null || this.opts.keepTruth;
    const allBins = new Map<number, number>();
    const allTruth = new Map<TruthKind, number>();

    const sheetLength = product.sheetLengthMdMm;
    const lengthMm = product.leaderMm + product.trailerMm + this.opts.sheets * sheetLength;
    const lengthM = Math.ceil(lengthMm) / 1000;
    for (let r = 0; r < this.opts.rolls; r++) {
      const barcode = `${this.opts.rollPrefix}-${r + 1}`;
      const rollSeed = hashSeed(this.opts.seed, r);
      await this.ok('registerRoll', REGISTER_ROLL, {
        i: {
          barcode,
          productCode: product.code,
          widthMm: this.opts.widthMm,
          lengthM,
          substrateThicknessUm: 20,
          supplierLot: `SIM-LOT-${this.opts.seed}`,
        },
      });
      await this.processThrough(barcode, rollOps, r, lengthM * 1000);
      const cutStation = this.stationFor(cutOp);
      await this.scan(barcode, cutStation, 'TRACK_IN');
      const cut = await this.ok<{ cutSheets: { sheets: CutSheet[] } }>(`cutSheets of ${barcode}`, CUT_SHEETS, {
        i: { rollBarcode: barcode, stationCode: cutStation, count: this.opts.sheets },
      });
      await this.scan(barcode, cutStation, 'TRACK_OUT');
      const cutSheets = cut.cutSheets.sheets;
      if (cutSheets.length !== this.opts.sheets) {
        throw new LineDriverError('API_ERROR', `cutSheets of ${barcode} gave ${cutSheets.length} sheets, expected ${this.opts.sheets}`);
      }
      log(`roll ${barcode}: registered (${lengthM} m), scanned through ${[...rollOps, cutOp].join(', ')}; cut ${cutSheets.length} sheets`);
      const run: RollRun = { barcode, seed: rollSeed, lengthM, sheets: [] };
      rolls.push(run);

      const sheetRuns: SheetRun[] = cutSheets.map((s) => ({ ...s }));
      run.sheets = sheetRuns;
      await eachLimited(sheetRuns, this.opts.concurrency, async (sheet) => {
        let last: ScanAnswer | null;
        if (layout && typeof layout !== 'string') {
          await this.processThrough(sheet.barcode, sheetOps.slice(0, patternAt), sheet.sheetIndex, null);
          sheet.patterning = await this.patternSheet(sheet.barcode, layout, hashSeed(rollSeed, sheet.sheetIndex, 80));
          sheetsPatterned++;
          if (!sheet.patterning.registered) {
            // Held at patterning: it waits for an engineer, not for the next station.
            sheetsMisregistered++;
            const state = await this.unitState(sheet.barcode);
            sheet.operation = state.operation;
            sheet.stepState = state.stepState;
            return;
          }
          last = await this.processThrough(sheet.barcode, sheetOps.slice(patternAt + 1), sheet.sheetIndex, null);
        } else {
          last = await this.processThrough(sheet.barcode, sheetOps, sheet.sheetIndex, null);
        }
        if (last) {
          sheet.operation = last.operation;
          sheet.stepState = last.stepState;
        }
        if (!simulate) return;
        const plainOptions = {
          seed: rollSeed,
          sheetIndex: sheet.sheetIndex,
          rows: sheet.rows,
          cols: sheet.cols,
          cellActiveAreaCm2: product.cellActiveAreaCm2,
          pitchMm: product.pitchMdMm,
          roll: {
            webWidthMm: this.opts.widthMm,
            rollLengthM: lengthM,
            // the simulator places cell centres at start + (i + 0.5) × pitch; the layout at first + i × pitch
            sheetMdStartMm: sheet.mdStartMm + product.firstCellMdMm - product.pitchMdMm / 2,
            sheetCdStartMm: product.firstCellCdMm - product.pitchCdMm / 2,
          },
        };
        const plain = (retest: number) => simulateSheet({ ...plainOptions, retest });
        const simOf = (retest: number) =>
          withLinePatterns(
            plain(retest),
            this.opts.patterns,
            sheet.mdStartMm + product.firstCellMdMm,
            product.pitchMdMm,
            rollSeed + sheet.sheetIndex,
          );
        this.physical.set(sheet.barcode, () =>
          withLinePatterns(
            simulateSheet({ ...plainOptions, retest: 1, measurementNoiseRel: 0 }),
            this.opts.patterns,
            sheet.mdStartMm + product.firstCellMdMm,
            product.pitchMdMm,
            rollSeed + sheet.sheetIndex,
          ),
        );
        const sim = simOf(0);
        const counts: Partial<Record<TruthKind, number>> = {};
        for (const t of sim.truth) counts[t.kind] = (counts[t.kind] ?? 0) + 1;
        sheet.truthCounts = counts;
        for (const [k, c] of Object.entries(counts) as [TruthKind, number][]) allTruth.set(k, (allTruth.get(k) ?? 0) + c);
        if (this.opts.keepTruth)
          sheet.truth = sim.truth.map((t) => ({
            row: t.row,
            col: t.col,
            kind: t.kind,
            physicalKind: t.physicalKind,
            mdMm: round3(t.mdMm),
            cdMm: round3(t.cdMm),
          }));
        if (!rig || this.ingestUnavailable) return;
        if (aoi) {
          sheet.inspection = await this.inspectSheet(aoi, sheet, sim, product);
          if (sheet.inspection.status === 201 || sheet.inspection.status === 200) inspectionsPosted++;
        }
        const outcome = await this.testSheet(rig, sheet, sim, simOf);
        if (outcome === 'UNAVAILABLE') return;
        sheet.test = outcome;
        await this.refreshSheetState(sheet);
        if (outcome.status === 'REJECTED') testsRejected++;
        else {
          testsPosted++;
          retestsPosted += outcome.retests;
          addBins(allBins, outcome.bins);
        }
      });
      const tested = sheetRuns.filter((s) => s.test).length;
      log(`roll ${barcode}: ${sheetRuns.length} sheets scanned through ${sheetOps.join(', ')}${tested ? `; ${tested} tested` : ''}`);
    }

    if (this.ingestUnavailable) skipped.test = this.ingestUnavailable;
    const sheets = rolls.reduce((n, r) => n + r.sheets.length, 0);
    const result: LineRunResult = {
      url: this.url,
      product,
      seed: this.opts.seed,
      rolls,
      counts: {
        rolls: rolls.length,
        sheets,
        cells: rolls.reduce((n, r) => n + r.sheets.reduce((m, s) => m + s.rows * s.cols, 0), 0),
        scans: this.scans,
        testsPosted,
        retestsPosted,
        testsRejected,
        inspectionsPosted,
        sheetsPatterned,
        sheetsMisregistered,
        processRuns: this.processRuns,
        traceSamples: this.traceSamples,
      },
      skipped,
      elapsedMs: Date.now() - started,
    };
    if (testsPosted > 0) result.bins = binList(allBins);
    if (simulate) result.truthCounts = Object.fromEntries(allTruth) as Partial<Record<TruthKind, number>>;
    return result;
  }

  /**
   * The layout the line patterns this product with: a released one the product allows whose grid is
   * the product's (the simulated sheets are laid out on it); or why the driver does not pattern.
   */
  private async patternLayoutFor(product: ProductInfo): Promise<PatternLayoutInfo | string> {
    if (!this.mutations.has('recordPatterning'))
      return `patterning skipped: the GraphQL schema at ${this.graphqlUrl} has no recordPatterning mutation`;
    const data = await this.ok<{ product: { patternLayouts: PatternLayoutInfo[] } }>(
      `pattern layouts of ${product.code}`,
      'query L($c: String!) { product(code: $c) { patternLayouts { name version state rows cols pitchMdMm pitchCdMm firstCellMdMm firstCellCdMm maxOffsetMm maxRotationDeg } } }',
      { c: product.code },
    );
    const fits = data.product.patternLayouts.find(
      (l) =>
        l.state === 'RELEASED' &&
        l.rows === product.rows &&
        l.cols === product.cols &&
        l.pitchMdMm === product.pitchMdMm &&
        l.pitchCdMm === product.pitchCdMm &&
        l.firstCellMdMm === product.firstCellMdMm &&
        l.firstCellCdMm === product.firstCellCdMm,
    );
    return (
      fits ??
      `patterning skipped: product ${product.code} allows no released pattern layout of its own ${product.rows} x ${product.cols} grid (allowPatternLayout)`
    );
  }

  /** Track a sheet in at PATTERNING, record the run with a simulated alignment, track it out (held or not). */
  private async patternSheet(barcode: string, layout: PatternLayoutInfo, seed: number): Promise<SheetPatterningOutcome> {
    const station = this.stationFor(PATTERNING);
    const rng = new Rng(seed);
    const aligned = simulateAlignment(rng, layout, this.opts.misregistrationRate);
    await this.scan(barcode, station, 'TRACK_IN');
    const { recordPatterning } = await this.ok<{ recordPatterning: { registered: boolean; holdReason: string | null } }>(
      `recordPatterning of ${barcode}`,
      'mutation P($i: RecordPatterningInput!) { recordPatterning(input: $i) { registered holdReason } }',
      {
        i: {
          sheetBarcode: barcode,
          stationCode: station,
          layout: { name: layout.name, version: layout.version },
          toolSettings: simulatePatterningTool(rng),
          alignment: { offsetMdMm: aligned.offsetMdMm, offsetCdMm: aligned.offsetCdMm, rotationDeg: aligned.rotationDeg },
        },
      },
    );
    await this.scan(barcode, station, 'TRACK_OUT');
    return { layout: `${layout.name}@${layout.version}`, alignment: aligned, ...recordPatterning };
  }

  /** Why process runs and equipment traces are not simulated (the process service is not deployed), or undefined. */
  private processSkipReason(): string | undefined {
    if (!this.introspected) {
      return `process runs and equipment traces skipped: the GraphQL schema at ${this.graphqlUrl} cannot be introspected, so the process service's API cannot be found`;
    }
    if (!this.mutations.has('startProcessRun') || !this.mutations.has('completeProcessRun')) {
      return `process runs and equipment traces skipped: the GraphQL schema at ${this.graphqlUrl} has no process-run mutation (the process service is not deployed)`;
    }
    return undefined;
  }

  /** Which operations run a recipe: those the route allows recipes at and that have equipment. */
  private async loadProcessPlan(productCode: string): Promise<void> {
    const data = await this.ok<{
      routeStepRecipes: { operation: string; recipeNames: string[]; equipmentCodes: string[] }[];
      recipes: RecipeInfo[];
      equipment: { code: string; stationCode: string }[];
    }>('reading the process plan', PROCESS_PLAN, { p: productCode });
    for (const step of data.routeStepRecipes) {
      const stations = this.stationsByOperation.get(step.operation) ?? [];
      const equipmentCodes = step.equipmentCodes.length
        ? step.equipmentCodes
        : data.equipment.filter((e) => stations.includes(e.stationCode)).map((e) => e.code);
      // newest released version of each allowed name (the list comes newest first within a name)
      const recipes = step.recipeNames.flatMap((n) => data.recipes.find((r) => r.name === n && r.operation === step.operation) ?? []);
      if (equipmentCodes.length && recipes.length) this.processPlan.set(step.operation, { recipes, equipmentCodes });
    }
  }

  /**
   * Each operation in order: a process run where the route has recipes and equipment (track-in
   * with the recipe, a trace for a roll run, track-out with actual values), a plain scan elsewhere.
   * Units alternate between the allowed recipes (e.g. the interlayer split of seed 000).
   */
  async processThrough(
    barcode: string,
    operations: readonly string[],
    unitIndex: number,
    rollLengthMm: number | null,
  ): Promise<ScanAnswer | null> {
    let last: ScanAnswer | null = null;
    for (const op of operations) {
      const step = this.processPlan.get(op);
      if (!step) {
        last = await this.scanThrough(barcode, [op]);
        continue;
      }
      const recipe = step.recipes[unitIndex % step.recipes.length];
      const equipmentCode = step.equipmentCodes[unitIndex % step.equipmentCodes.length];
      const rng = new Rng(hashSeed(this.opts.seed, unitIndex, op.length, barcode.length));
      const { startProcessRun } = await this.ok<{ startProcessRun: { id: string } }>(`startProcessRun of ${barcode} at ${op}`, START_RUN, {
        i: { unitBarcode: barcode, equipmentCode, recipe: { name: recipe.name, version: recipe.version } },
      });
      if (rollLengthMm !== null) await this.postRollTrace(startProcessRun.id, equipmentCode, recipe, rollLengthMm, rng);
      const actuals = recipe.parameters
        .filter((p) => p.required)
        .map((p) => {
          if (p.type !== 'NUMBER') return { parameter: p.name, text: p.targetText ?? 'SIM' };
          const target = p.target ?? 0;
          // within a fifth of the way to the nearer spec limit: the simulated line runs in control
          const room = Math.min(
            p.upperLimit === null ? Infinity : p.upperLimit - target,
            p.lowerLimit === null ? Infinity : target - p.lowerLimit,
          );
          const spread = Number.isFinite(room) ? room / 5 : Math.abs(target) * 0.01;
          return { parameter: p.name, value: round3(target + spread * (2 * rng.next() - 1)) };
        });
      await this.ok(`completeProcessRun of ${barcode} at ${op}`, COMPLETE_RUN, { i: { runId: startProcessRun.id, actuals } });
      this.processRuns++;
      this.scans += 2;
      last = await this.unitState(barcode);
    }
    return last;
  }

  private async unitState(barcode: string): Promise<ScanAnswer> {
    const isSheet = barcode.startsWith('S-');
    const data = await this.ok<{ unit: { operation: string | null; stepState: string } }>(
      `state of ${barcode}`,
      `query U($b: String!) { unit: ${isSheet ? 'sheet' : 'roll'}(barcode: $b) { operation stepState } }`,
      { b: barcode },
    );
    return { barcode, operation: data.unit.operation, stepState: data.unit.stepState, repeated: false };
  }

  /** The coater's trace of a whole-roll run at 1 Hz: web speed, and the channels the recipe bands (on target, with noise). */
  private async postRollTrace(runId: string, equipmentCode: string, recipe: RecipeInfo, rollLengthMm: number, rng: Rng): Promise<void> {
    const target = (name: string) => recipe.parameters.find((p) => p.name === name)?.target ?? null;
    const speed = target('web_speed_m_min') ?? 0.5;
    const setpoints: [string, string, number | null][] = [
      ['qcm_rate', 'Å/s', target('rate_a_per_s')],
      ['power', 'W', target('power_w')],
      ['pressure', 'mTorr', target('pressure_mtorr')],
      ['furnace_temp', '°C', target('setpoint_c')],
    ];
    const channels = setpoints.filter(([, , v]) => v !== null) as [string, string, number][];
    let key = this.traceKeys.get(equipmentCode);
    if (!key) {
      key = (
        await this.ok<{ issueEquipmentKey: { apiKey: string } }>(`issueEquipmentKey ${equipmentCode}`, ISSUE_KEY, { e: equipmentCode })
      ).issueEquipmentKey.apiKey;
      this.traceKeys.set(equipmentCode, key);
    }
    const seconds = Math.ceil(rollLengthMm / ((speed * 1000) / 60));
    const t0 = Date.now() - (seconds + 60) * 1000;
    for (let from = 0, b = 0; from < seconds; from += TRACE_BATCH, b++) {
      const n = Math.min(TRACE_BATCH, seconds - from);
      const tS = Array.from({ length: n }, (_, i) => i);
      const body = {
        batchId: `sim-${b}`,
        runId,
        t0: new Date(t0 + from * 1000).toISOString(),
        tS,
        channels: {
          web_speed: { unit: 'm/min', values: tS.map(() => speed) },
          ...Object.fromEntries(
            channels.map(([name, unit, v]) => [name, { unit, values: tS.map(() => round3(v * (1 + 0.02 * (2 * rng.next() - 1)))) }]),
          ),
        },
      };
      const res = await this.rest('POST', '/equipment-traces', key, body);
      if (res.status !== 201 && res.status !== 200) {
        throw new LineDriverError('API_ERROR', `trace batch ${b} of run ${runId} answered ${res.status}: ${JSON.stringify(res.json)}`);
      }
      this.traceSamples += n * (channels.length + 1);
    }
  }

  /** Why the sheet test cannot run (no registerRig in the schema), or undefined. */
  private async testSkipReason(): Promise<string | undefined> {
    if (!(await this.hasMutation('registerRig'))) {
      return `sheet-test ingest is not available at ${this.url}: the GraphQL schema has no registerRig mutation (the test-data service is not deployed); skipping the test step`;
    }
    if (!this.stationsByOperation.has(SHEET_TEST)) return `sheet test skipped: no station performs ${SHEET_TEST}`;
    return undefined;
  }

  async registerRig(operation = SHEET_TEST, suffix = 'RIG'): Promise<{ name: string; apiKey: string }> {
    const name = `${this.opts.rollPrefix}-${suffix}`;
    const data = await this.ok<{ registerRig: { rig: { id: string; name: string }; apiKey: string } }>('registerRig', REGISTER_RIG, {
      n: name,
      s: this.stationFor(operation),
    });
    return { name: data.registerRig.rig.name, apiKey: data.registerRig.apiKey };
  }

  /**
   * The inspection station's part: the AOI's view of the simulated sheet (the particles behind its
   * shorts, harmless particles, small ones, scratches; alignment scatter) posted before the test.
   */
  private async inspectSheet(
    aoi: { apiKey: string },
    sheet: SheetRun,
    sim: SimulatedSheet,
    product: ProductInfo,
  ): Promise<SheetInspectionOutcome> {
    const inspectionId = `${sheet.barcode}-AOI`;
    const layout = {
      rows: sheet.rows,
      cols: sheet.cols,
      cellMdMm: product.cellMdMm,
      cellCdMm: product.cellCdMm,
      pitchMdMm: product.pitchMdMm,
      pitchCdMm: product.pitchCdMm,
      firstCellMdMm: product.firstCellMdMm,
      firstCellCdMm: product.firstCellCdMm,
      sheetLengthMdMm: product.sheetLengthMdMm,
    };
    const { body, truth } = simulateInspection({ sheet: sim, layout, sheetBarcode: sheet.barcode, inspectionId });
    const { status, json } = await this.rest('POST', '/inspections', aoi.apiKey, body);
    const err = LineDriver.contractError(json);
    const answer = (json ?? {}) as { active?: number };
    return {
      inspectionId,
      status,
      defects: body.defects.length,
      active: answer.active ?? 0,
      causedShort: truth.filter((t) => t.causedShort).length,
      ...(err ? { error: `${err.code}: ${err.message}` } : {}),
      ...(this.opts.keepTruth ? { truth } : {}),
    };
  }

  // -------------------------------------------------------------------------------------------- sheet test

  private async rest(method: 'GET' | 'POST', path: string, apiKey: string, body?: unknown): Promise<{ status: number; json: unknown }> {
    const headers: Record<string, string> = { 'x-api-key': apiKey };
    let payload: Buffer | string | undefined;
    if (body !== undefined) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(body);
      if (this.opts.gzip) {
        headers['content-encoding'] = 'gzip';
        payload = gzipSync(payload);
      }
    }
    const res = await this.http(`${this.restUrl}${path}`, { method, headers, body: payload });
    const text = await res.text();
    let json: unknown = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = null;
    }
    return { status: res.status, json };
  }

  /** The contract's error shape {"error": {"code", "message"}}; anything else is not the ingest service talking. */
  private static contractError(json: unknown): { code: string; message: string } | null {
    if (json && typeof json === 'object' && 'error' in json) {
      const e = (json as { error: unknown }).error;
      if (e && typeof e === 'object' && 'code' in e) return e as { code: string; message: string };
    }
    return null;
  }

  /** POST one insertion; 503 (nothing stored) is retried. Returns the sheetTestId or a refusal. */
  private async postTest(
    apiKey: string,
    body: ReturnType<typeof toSheetTestBody>,
  ): Promise<{ id: string } | { refused: string } | 'UNAVAILABLE'> {
    for (let attempt = 0; ; attempt++) {
      const { status, json } = await this.rest('POST', '/sheet-tests', apiKey, body);
      if (status === 200 || status === 202) return { id: String((json as { sheetTestId: unknown }).sheetTestId) };
      const err = LineDriver.contractError(json);
      if (status === 404 && !err) return 'UNAVAILABLE';
      if (status === 503 && attempt < 3) {
        await sleep(500 * 2 ** attempt);
        continue;
      }
      return { refused: `HTTP ${status}${err ? ` ${err.code}: ${err.message}` : ''}` };
    }
  }

  private async poll(apiKey: string, sheetTestId: string): Promise<(TestStatus & { status: 'DONE' | 'FAILED' }) | 'TIMEOUT'> {
    const deadline = Date.now() + this.opts.testTimeoutMs;
    for (;;) {
      const { status, json } = await this.rest('GET', `/sheet-tests/${encodeURIComponent(sheetTestId)}`, apiKey);
      if (status === 200) {
        const s = json as TestStatus;
        if (s.status === 'DONE' || s.status === 'FAILED') return { ...s, status: s.status };
      } else if (status !== 503) {
        const err = LineDriver.contractError(json);
        throw new LineDriverError(
          'API_ERROR',
          `GET /sheet-tests/${sheetTestId}: HTTP ${status}${err ? ` ${err.code}: ${err.message}` : ''}`,
        );
      }
      if (Date.now() >= deadline) return 'TIMEOUT';
      await sleep(this.opts.pollIntervalMs);
    }
  }

  /** Cells with soft bin 0 from the sheet map, or null when the MES has no sheetMap query. */
  private async binZeroCells(sheet: string): Promise<{ row: number; col: number }[] | null> {
    if (!(await this.hasQuery('sheetMap'))) return null;
    const { data } = await this.graphql<{ sheetMap: { rows: number; cols: number; values: (number | null)[] } }>(SHEET_MAP, { s: sheet });
    if (!data?.sheetMap) return null;
    const { cols, values } = data.sheetMap;
    const out: { row: number; col: number }[] = [];
    values.forEach((v, i) => {
      if (v === 0) out.push({ row: Math.floor(i / cols), col: i % cols });
    });
    return out;
  }

  /**
   * The rig's part: post the sheet's test, wait until it is binned, and retest the soft-bin-0 cells
   * (rig or contact faults, not the cell's) up to maxRetests times with fresh test ids.
   */
  private async testSheet(
    rig: { name: string; apiKey: string },
    sheet: SheetRun,
    first: SimulatedSheet,
    simOf: (retest: number) => SimulatedSheet,
  ): Promise<SheetTestOutcome | 'UNAVAILABLE'> {
    const outcome: SheetTestOutcome = { testIds: [], sheetTestIds: [], status: 'DONE', bins: [], retests: 0 };
    const bins = new Map<number, number>();
    let sim = first;
    let cells: RigCell[] = first.cells;
    for (let insertion = 0; ; insertion++) {
      const testId = `${this.opts.rollPrefix}-${sheet.barcode.replace(/^S-/, '')}-T${insertion}`.slice(-64);
      const body = toSheetTestBody({ ...sim, cells }, { testId, sheet: sheet.barcode, startedAt: new Date().toISOString() });
      const posted = await this.postTest(rig.apiKey, body);
      if (posted === 'UNAVAILABLE') return this.markIngestUnavailable('POST /api/v1/sheet-tests answered 404 for the route');
      if ('refused' in posted) {
        if (insertion === 0) return { ...outcome, status: 'REJECTED', error: posted.refused };
        this.opts.log(`retest of ${sheet.barcode} refused: ${posted.refused}`);
        break;
      }
      outcome.testIds.push(testId);
      outcome.sheetTestIds.push(posted.id);
      const done = await this.poll(rig.apiKey, posted.id);
      if (done === 'TIMEOUT') {
        outcome.status = 'TIMEOUT';
        break;
      }
      outcome.status = done.status;
      if (insertion === 0) addBins(bins, done.bins);
      else {
        // the retest replaces the retested cells' bin 0
        bins.set(0, (bins.get(0) ?? 0) - cells.length);
        addBins(bins, done.bins);
      }
      const zeros = bins.get(0) ?? 0;
      if (done.status !== 'DONE' || zeros <= 0 || insertion >= this.opts.maxRetests) break;
      const zeroCells = await this.binZeroCells(sheet.barcode);
      sim = simOf(insertion + 1);
      if (zeroCells && zeroCells.length) {
        const wanted = new Set(zeroCells.map((c) => c.row * sim.cols + c.col));
        cells = sim.cells.filter((c) => wanted.has(c.row * sim.cols + c.col));
      } else {
        // no per-cell bins to read: retest the whole sheet, whose bins then replace the first ones
        cells = sim.cells;
        bins.clear();
        bins.set(0, cells.length);
      }
      outcome.retests++;
    }
    outcome.bins = binList(bins);
    return outcome;
  }

  private ingestUnavailable: string | null = null;

  private markIngestUnavailable(why: string): 'UNAVAILABLE' {
    if (!this.ingestUnavailable) {
      this.ingestUnavailable = `sheet-test ingest is not available at ${this.url}: ${why}; skipping the test step`;
      this.opts.log(this.ingestUnavailable);
    }
    return 'UNAVAILABLE';
  }
}

// ---------------------------------------------------------------------------------------------- summary

/** The run's summary as printable lines. */
export function formatLineRunSummary(r: LineRunResult): string[] {
  const c = r.counts;
  const lines = [
    `summary: ${c.rolls} roll${c.rolls === 1 ? '' : 's'}, ${c.sheets} sheets, ${c.cells} cells, ${c.scans} scans, ${c.testsPosted} sheet tests posted` +
      ` (${c.retestsPosted} retests${c.testsRejected ? `, ${c.testsRejected} refused` : ''}) in ${(r.elapsedMs / 1000).toFixed(1)} s`,
  ];
  if (c.processRuns) lines.push(`process: ${c.processRuns} runs with recipes, ${c.traceSamples} trace samples posted`);
  if (c.sheetsPatterned) lines.push(`patterning: ${c.sheetsPatterned} sheets patterned, ${c.sheetsMisregistered} held as misregistered`);
  if (c.inspectionsPosted) {
    const sheets = r.rolls.flatMap((roll) => roll.sheets).filter((s) => s.inspection);
    const sum = (f: (i: SheetInspectionOutcome) => number) => sheets.reduce((n, s) => n + f(s.inspection as SheetInspectionOutcome), 0);
    lines.push(
      `inspection: ${c.inspectionsPosted} sheets inspected, ${sum((i) => i.defects)} defects (${sum((i) => i.active)} in active areas, ${sum((i) => i.causedShort)} behind shorts)`,
    );
  }
  const waiting = new Map<string, number>();
  for (const roll of r.rolls)
    for (const s of roll.sheets) {
      const k = `${s.stepState} at ${s.operation ?? '(end of route)'}`;
      waiting.set(k, (waiting.get(k) ?? 0) + 1);
    }
  if (waiting.size) lines.push(`sheets: ${[...waiting].map(([k, n]) => `${n} ${k}`).join(', ')}`);
  const skipped = [r.skipped.process && 'process runs and equipment traces', r.skipped.test && 'sheet test'].filter(Boolean);
  if (skipped.length) lines.push(`skipped steps: ${skipped.join('; ')} (reasons above)`);
  const truth = r.truthCounts;
  if (truth) {
    lines.push(
      `truth (first insertion): ${Object.entries(truth)
        .sort((a, b) => b[1] - a[1])
        .map(([k, n]) => `${k} ${n}`)
        .join(', ')}`,
    );
  }
  if (r.bins) {
    const n = (pred: (b: number) => boolean) => r.bins!.filter((b) => pred(b.softBin)).reduce((s, b) => s + b.count, 0);
    lines.push(`soft bins (after retests): ${r.bins.map((b) => `${b.softBin}: ${b.count}`).join(', ')}`);
    if (truth) {
      const tested = r.rolls.flatMap((roll) => roll.sheets).filter((s) => s.test && s.test.status !== 'REJECTED');
      const t = { good: 0, defect: 0, contact: 0 };
      for (const s of tested) {
        for (const [k, v] of Object.entries(s.truthCounts ?? {})) {
          if (k === 'GOOD') t.good += v;
          else if (k === 'CONTACT_OPEN') t.contact += v;
          else t.defect += v;
        }
      }
      lines.push(
        `bins vs truth: pass (soft 1-9) ${n((b) => b >= 1 && b <= 9)} vs GOOD ${t.good}; fail (soft ≥ 10) ${n((b) => b >= 10)} vs defective ${t.defect}; ` +
          `rig fault (soft 0) ${n((b) => b === 0)} vs contact opens ${t.contact} on the first insertion (cleared by retests)`,
      );
    }
  }
  return lines;
}

/** The ground truth for --truth: per sheet, every cell's row, col and kind. */
export function lineRunTruth(r: LineRunResult): unknown {
  return {
    url: r.url,
    product: r.product.code,
    seed: r.seed,
    rolls: r.rolls.map((roll) => ({
      barcode: roll.barcode,
      seed: roll.seed,
      sheets: roll.sheets.map((s) => ({
        barcode: s.barcode,
        sheetIndex: s.sheetIndex,
        mdStartMm: s.mdStartMm,
        mdEndMm: s.mdEndMm,
        rows: s.rows,
        cols: s.cols,
        cells: s.truth ?? [],
      })),
    })),
  };
}
