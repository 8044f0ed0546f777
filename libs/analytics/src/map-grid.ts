/**
 * A failure map (and optionally a metric map) laid out by position: one sheet (rows along MD, cols
 * across the web), or a whole roll as its sheets one after the other along MD.
 */

/** Cell state in a failure map. */
export const PASS = 0;
export const FAIL = 1;
/** Not tested, rig fault, or outside the product's grid: left out of every rate. */
export const UNKNOWN = -1;

export interface MapGrid {
  rows: number;
  cols: number;
  /** Row-major (row × cols + col): PASS, FAIL or UNKNOWN. */
  fail: Int8Array;
  /** Row-major metric of each cell (for example ASR), NaN where unknown. Failed cells are ignored. */
  metric?: Float64Array;
  /** MD position of each row's cell centres, mm from the roll's start (or from the sheet's first row). */
  rowMdMm: Float64Array;
  /** Sheet of each row (0 for a single sheet); rows of one sheet are consecutive. */
  rowSheet: Int32Array;
  /** Cell pitch along MD and across, mm. */
  pitchMdMm: number;
  pitchCdMm: number;
  /** Number of sheets in the grid. */
  sheets: number;
}

export class MapInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MapInputError';
  }
}

export interface SheetMapInput {
  rows: number;
  cols: number;
  /** Row-major PASS / FAIL / UNKNOWN (any array of numbers: 1 fail, 0 pass, anything else unknown). */
  fail: ArrayLike<number>;
  metric?: ArrayLike<number>;
  /** MD position of the first row's cell centres, mm (default 0). */
  firstRowMdMm?: number;
  pitchMdMm?: number;
  pitchCdMm?: number;
}

function checkDims(rows: number, cols: number, where: string): void {
  if (!Number.isInteger(rows) || rows < 1 || !Number.isInteger(cols) || cols < 1) {
    throw new MapInputError(`${where}: rows and cols must be whole numbers ≥ 1, got ${rows} x ${cols}`);
  }
}

function checkPitch(p: number | undefined, name: string): number {
  const v = p ?? 1;
  if (!(v > 0) || !Number.isFinite(v)) throw new MapInputError(`${name} must be a positive number of mm, got ${p}`);
  return v;
}

function copyFail(src: ArrayLike<number>, dst: Int8Array, offset: number): void {
  for (let i = 0; i < src.length; i++) dst[offset + i] = src[i] === 1 ? FAIL : src[i] === 0 ? PASS : UNKNOWN;
}

/** One sheet as a grid. */
export function sheetGrid(input: SheetMapInput): MapGrid {
  const { rows, cols } = input;
  checkDims(rows, cols, 'sheet map');
  const n = rows * cols;
  if (input.fail.length !== n) throw new MapInputError(`sheet map: fail has ${input.fail.length} cells, expected rows x cols = ${n}`);
  if (input.metric && input.metric.length !== n)
    throw new MapInputError(`sheet map: metric has ${input.metric.length} cells, expected ${n}`);
  const pitchMdMm = checkPitch(input.pitchMdMm, 'pitchMdMm');
  const pitchCdMm = checkPitch(input.pitchCdMm, 'pitchCdMm');
  const fail = new Int8Array(n);
  copyFail(input.fail, fail, 0);
  const rowMdMm = new Float64Array(rows);
  for (let r = 0; r < rows; r++) rowMdMm[r] = (input.firstRowMdMm ?? 0) + r * pitchMdMm;
  return {
    rows,
    cols,
    fail,
    metric: input.metric ? Float64Array.from(input.metric) : undefined,
    rowMdMm,
    rowSheet: new Int32Array(rows),
    pitchMdMm,
    pitchCdMm,
    sheets: 1,
  };
}

/** A roll's sheets in MD order, each with the MD of its first row, joined into one tall grid. */
export function rollGrid(sheets: readonly SheetMapInput[]): MapGrid {
  if (!sheets.length) throw new MapInputError('a roll map needs at least one sheet');
  const { cols } = sheets[0];
  const pitchMdMm = checkPitch(sheets[0].pitchMdMm, 'pitchMdMm');
  const pitchCdMm = checkPitch(sheets[0].pitchCdMm, 'pitchCdMm');
  const withMetric = sheets.some((s) => s.metric);
  let rows = 0;
  sheets.forEach((s, i) => {
    checkDims(s.rows, s.cols, `sheet ${i}`);
    if (s.cols !== cols)
      throw new MapInputError(`sheet ${i} has ${s.cols} cols, the roll's first sheet ${cols}: a roll map needs one product grid`);
    if (s.fail.length !== s.rows * s.cols)
      throw new MapInputError(`sheet ${i}: fail has ${s.fail.length} cells, expected ${s.rows * s.cols}`);
    if (s.metric && s.metric.length !== s.rows * s.cols)
      throw new MapInputError(`sheet ${i}: metric has ${s.metric.length} cells, expected ${s.rows * s.cols}`);
    if (s.firstRowMdMm === undefined || !Number.isFinite(s.firstRowMdMm))
      throw new MapInputError(`sheet ${i}: firstRowMdMm (the MD of its first row) is needed in a roll map`);
    if (i > 0 && s.firstRowMdMm <= (sheets[i - 1].firstRowMdMm as number)) {
      throw new MapInputError(
        `sheet ${i} starts at MD ${s.firstRowMdMm} mm, not after sheet ${i - 1} (${sheets[i - 1].firstRowMdMm} mm): sheets must come in MD order`,
      );
    }
    rows += s.rows;
  });
  const fail = new Int8Array(rows * cols);
  const metric = withMetric ? new Float64Array(rows * cols).fill(NaN) : undefined;
  const rowMdMm = new Float64Array(rows);
  const rowSheet = new Int32Array(rows);
  let r0 = 0;
  sheets.forEach((s, i) => {
    copyFail(s.fail, fail, r0 * cols);
    if (metric && s.metric) metric.set(s.metric, r0 * cols);
    for (let r = 0; r < s.rows; r++) {
      rowMdMm[r0 + r] = (s.firstRowMdMm as number) + r * pitchMdMm;
      rowSheet[r0 + r] = i;
    }
    r0 += s.rows;
  });
  return { rows, cols, fail, metric, rowMdMm, rowSheet, pitchMdMm, pitchCdMm, sheets: sheets.length };
}
