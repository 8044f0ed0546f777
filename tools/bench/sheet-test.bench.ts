/**
 * Benchmark: accept one rig post of a full sheet (2,500 cells × 50 frequencies, 1% NO_CONTACT) as the
 * test-data service does before its one COPY: validate (grid-independent, then the grid), hash for
 * idempotency, encode the columns, and build the COPY data in text and in binary format. JSON.parse of
 * the same body is printed for scale. Pure CPU, no database.
 *
 * Standalone: node -r @swc-node/register tools/bench/sheet-test.bench.ts
 */
import {
  acceptArrowSheetTest,
  columnsOfBody,
  checkGridColumns,
  contentHashOfColumns,
  encodeColumns,
  encodeSheetTestArrow,
  readSheetTestArrow,
  copyRowsBinary,
  copyRowsText,
  validateSheetTestBody,
  type SheetTestBody,
  type SheetTestCell,
} from '@mes/sheet-test';
import { report, summarize } from './bench-util';

const ROWS = 50;
const COLS = 50;
const POINTS = 50;
const RUNS = 30;

/** A deterministic full-sheet body as a rig would post it (JSON text). */
function rigPostJson(): string {
  let seed = 2026;
  const rnd = (): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const frequenciesHz = Array.from({ length: POINTS }, (_, k) => Number((1e6 * 10 ** (-k / 8)).toPrecision(6)));
  const cells: SheetTestCell[] = [];
  for (let r = 0; r < ROWS; r++) {
    for (let c = 0; c < COLS; c++) {
      if (rnd() < 0.01) {
        cells.push({ row: r, col: c, status: 'NO_CONTACT' });
        continue;
      }
      const r0 = 10 + rnd();
      const zReOhm = frequenciesHz.map((f) => Number((r0 + 100 / (1 + f / 1e3) + rnd() * 0.01).toPrecision(7)));
      const zImOhm = frequenciesHz.map((f) => Number((-50 / (1 + (f / 1e3 - 1) ** 2) - rnd() * 0.01).toPrecision(7)));
      cells.push({ row: r, col: c, status: 'OK', ocvV: Number((3.9 + rnd() * 0.05).toFixed(4)), zReOhm, zImOhm });
    }
  }
  const body: SheetTestBody = {
    testId: 'RIG7-2026-11-22T10:00:00Z-0042',
    sheet: 'S-R0001-0007',
    startedAt: '2026-11-22T10:00:00Z',
    temperatureC: 25,
    frequenciesHz,
    cells,
  };
  return JSON.stringify(body);
}

function time<T>(samples: number[], fn: () => T): T {
  const t0 = performance.now();
  const out = fn();
  samples.push(performance.now() - t0);
  return out;
}

export async function benchSheetTestValidation(): Promise<Record<string, number>> {
  const json = rigPostJson();
  const grid = { rows: ROWS, cols: COLS };
  const s = {
    parse: [] as number[],
    validate: [] as number[],
    grid: [] as number[],
    withGrid: [] as number[],
    columns: [] as number[],
    hash: [] as number[],
    encode: [] as number[],
    text: [] as number[],
    binary: [] as number[],
    arrowRead: [] as number[],
    arrowAccept: [] as number[],
  };
  const arrow = encodeSheetTestArrow(JSON.parse(json) as SheetTestBody);
  let textBytes = 0;
  let binaryBytes = 0;
  for (let run = -5; run < RUNS; run++) {
    // the first runs warm up the JIT and are dropped
    const t =
      run < 0
        ? {
            parse: [],
            validate: [],
            columns: [],
            grid: [],
            withGrid: [],
            hash: [],
            encode: [],
            text: [],
            binary: [],
            arrowRead: [],
            arrowAccept: [],
          }
        : s;
    const body: unknown = time(t.parse, () => JSON.parse(json));
    const v = time(t.validate, () => validateSheetTestBody(body));
    if (!v.ok) throw new Error(`bench body refused: ${JSON.stringify(v.details.slice(0, 3))}`);
    // As the service does: the body's columns once, then the grid, the hash and the encoding from them.
    const columns = time(t.columns, () => columnsOfBody(v.value));
    const g = time(t.grid, () => checkGridColumns(columns, grid));
    if (!g.ok) throw new Error('bench body outside its grid');
    time(t.withGrid, () => validateSheetTestBody(body, grid));
    time(t.hash, () => contentHashOfColumns(v.value, columns));
    const enc = time(t.encode, () => encodeColumns(columns));
    const lead = [{ type: 'int8' as const, value: 123456 }];
    textBytes = time(t.text, () => Buffer.byteLength(copyRowsText(enc, lead), 'latin1'));
    binaryBytes = time(t.binary, () => copyRowsBinary(enc, lead).length);
    // The same test as an Arrow stream: read into columns (the service does it on a thread of its
    // own), then judged, hashed and encoded column by column.
    const read = time(t.arrowRead, () => readSheetTestArrow(arrow));
    if (!read.ok) throw new Error(`bench stream refused: ${JSON.stringify(read.details)}`);
    time(t.arrowAccept, () => {
      const a = acceptArrowSheetTest(read.test);
      if (!a.ok || !checkGridColumns(a.columns, grid).ok) throw new Error('bench stream refused');
      contentHashOfColumns(a.header, a.columns);
      return encodeColumns(a.columns);
    });
  }
  const p50 = (a: number[]): number => summarize(a).p50;
  const accept = p50(s.validate) + p50(s.columns) + p50(s.grid) + p50(s.hash) + p50(s.encode);
  console.log(`body: ${ROWS * COLS} cells × ${POINTS} frequencies, ${(json.length / 1e6).toFixed(2)} MB of JSON; p50 of ${RUNS} runs`);
  report('JSON.parse of the body (for scale, not ours)', p50(s.parse), 'ms');
  report('validateSheetTestBody (grid-independent)', p50(s.validate), 'ms');
  report('columnsOfBody (the cells as columns of doubles)', p50(s.columns), 'ms');
  report('checkGridColumns', p50(s.grid), 'ms');
  report('validateSheetTestBody(body, grid) (both in one pass)', p50(s.withGrid), 'ms');
  report('contentHashOfColumns (sha256, canonical)', p50(s.hash), 'ms');
  report('encodeColumns (float32 spectra)', p50(s.encode), 'ms');
  report('validate + columns + grid + hash + encode', accept, 'ms', { value: 5, better: 'lower' });
  report(`copyRowsText (${(textBytes / 1e6).toFixed(2)} MB)`, p50(s.text), 'ms');
  report(`copyRowsBinary (${(binaryBytes / 1e6).toFixed(2)} MB)`, p50(s.binary), 'ms');
  const jsonAll = p50(s.parse) + accept;
  const arrowAll = p50(s.arrowRead) + p50(s.arrowAccept);
  report(`Arrow body (${(arrow.length / 1e6).toFixed(2)} MB, float32 spectra): read into columns`, p50(s.arrowRead), 'ms');
  report('Arrow: validate + grid + hash + encode, by column', p50(s.arrowAccept), 'ms');
  report('JSON: parse + validate + grid + hash + encode', jsonAll, 'ms');
  report('Arrow: read + validate + grid + hash + encode', arrowAll, 'ms');
  report('JSON / Arrow, the whole CPU work of a post', jsonAll / arrowAll, 'x');
  return {
    parseMs: p50(s.parse),
    validateMs: p50(s.validate),
    gridMs: p50(s.grid),
    validateWithGridMs: p50(s.withGrid),
    hashMs: p50(s.hash),
    encodeMs: p50(s.encode),
    acceptMs: accept,
    copyTextMs: p50(s.text),
    copyBinaryMs: p50(s.binary),
    copyTextBytes: textBytes,
    copyBinaryBytes: binaryBytes,
    arrowReadMs: p50(s.arrowRead),
    arrowAcceptMs: p50(s.arrowAccept),
  };
}

if (require.main === module) {
  benchSheetTestValidation().then(
    () => process.exit(0),
    (e: unknown) => {
      console.error(e);
      process.exit(1);
    },
  );
}
