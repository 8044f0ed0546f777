import {
  Field,
  FixedSizeList,
  Float64,
  makeData,
  makeVector,
  RecordBatch,
  Schema,
  Struct,
  Table,
  tableFromIPC,
  tableToIPC,
  Utf8,
  vectorFromArray,
} from 'apache-arrow';
import { ARROW_HEADER_KEY, decodeSheetTestArrow, encodeSheetTestArrow } from './arrow';
import { contentHash } from './content-hash';
import { encodeSheetCells } from './encoding';
import type { SheetTestBody } from './types';
import { validateSheetTestBody } from './validate';

const FREQ = [1e6, 1e4, 100, 1];

/** A small sheet: good cells with spectra, one NO_CONTACT cell, one posted without a status. */
function body(): SheetTestBody {
  const cells: SheetTestBody['cells'] = [];
  for (let row = 0; row < 3; row++)
    for (let col = 0; col < 4; col++) {
      if (row === 1 && col === 2) {
        cells.push({ row, col, status: 'NO_CONTACT' });
        continue;
      }
      const k = row * 4 + col;
      cells.push({
        row,
        col,
        ...(k % 2 ? { status: 'OK' as const } : {}),
        ocvV: 0.3 + k / 1000,
        zReOhm: FREQ.map((f, j) => 20 + k + 1e3 * j + 0.1234567891),
        zImOhm: FREQ.map((f, j) => -(5 + k) * 10 ** j - 0.9876543211),
      });
    }
  return { testId: 'RIG1-T-0001', sheet: 'S-R0001-0001', startedAt: '2026-12-03T08:00:00Z', temperatureC: 25, frequenciesHz: FREQ, cells };
}

const decodeValid = (bytes: Uint8Array) => {
  const decoded = decodeSheetTestArrow(bytes);
  if (!decoded.ok) throw new Error(`refused: ${JSON.stringify(decoded.details)}`);
  const checked = validateSheetTestBody(decoded.body);
  if (!checked.ok) throw new Error(`invalid: ${JSON.stringify(checked.details)}`);
  return checked.value;
};

/** An Arrow stream of the given columns and header (null: none), for the malformed cases. */
function stream(columns: Record<string, ReturnType<typeof makeVector>>, header: unknown = { ...body(), cells: undefined }): Uint8Array {
  const fields = Object.entries(columns).map(([name, v]) => new Field(name, v.type, true));
  const metadata =
    header === null
      ? new Map<string, string>()
      : new Map([[ARROW_HEADER_KEY, typeof header === 'string' ? header : JSON.stringify(header)]]);
  const schema = new Schema(fields, metadata);
  const n = Object.values(columns)[0].length;
  const batch = new RecordBatch(
    schema,
    makeData({ type: new Struct(fields), length: n, nullCount: 0, children: Object.values(columns).map((v) => v.data[0]) }),
  );
  return tableToIPC(new Table(schema, batch), 'stream');
}

describe('sheet test as an Arrow IPC stream', () => {
  it('with float64 spectra decodes to the body it was made from: same validated cells, same content hash, same stored columns', () => {
    const original = body();
    const value = decodeValid(encodeSheetTestArrow(original, { spectra: 'float64' }));
    expect(contentHash(value)).toBe(contentHash(original));
    expect(encodeSheetCells(value)).toEqual(encodeSheetCells(original));
    expect(value.cells[6]).toEqual({ row: 1, col: 2, status: 'NO_CONTACT' });
  });

  it('with float32 spectra stores exactly what the JSON body stores, and hashes as the float32-rounded values', () => {
    const original = body();
    const value = decodeValid(encodeSheetTestArrow(original));
    expect(encodeSheetCells(value)).toEqual(encodeSheetCells(original));
    const rounded = structuredClone(original);
    for (const c of rounded.cells)
      if (c.status !== 'NO_CONTACT') {
        c.zReOhm = c.zReOhm?.map(Math.fround);
        c.zImOhm = c.zImOhm?.map(Math.fround);
      }
    expect(contentHash(value)).toBe(contentHash(rounded));
    expect(contentHash(value)).not.toBe(contentHash(original));
  });

  it('takes an OCV-only test (no frequencies, no spectrum columns)', () => {
    const full = body();
    const rest: Partial<SheetTestBody> = { ...full };
    delete rest.frequenciesHz;
    const ocvOnly: SheetTestBody = {
      ...(rest as SheetTestBody),
      cells: full.cells.map((c) => (c.status === 'NO_CONTACT' ? c : { row: c.row, col: c.col, ocvV: c.ocvV })),
    };
    const value = decodeValid(encodeSheetTestArrow(ocvOnly));
    expect(contentHash(value)).toBe(contentHash(ocvOnly));
  });

  it('takes other integer widths and a status column given in full', () => {
    const bytes = stream(
      {
        row: makeVector(new Int32Array([0, 0])),
        col: makeVector(new Int32Array([0, 1])),
        status: vectorFromArray(['OK', 'NO_CONTACT'], new Utf8()),
        ocvV: vectorFromArray([0.4, null], new Float64()),
      },
      { testId: 'T', sheet: 'S', startedAt: '2026-12-03T08:00:00Z', temperatureC: 25 },
    );
    expect(decodeValid(bytes).cells).toEqual([
      { row: 0, col: 0, status: 'OK', ocvV: 0.4 },
      { row: 0, col: 1, status: 'NO_CONTACT' },
    ]);
  });

  it("gives the JSON validator's errors at the row of the stream", () => {
    const bad = body();
    (bad.cells[5] as { ocvV: number }).ocvV = 99;
    const decoded = decodeSheetTestArrow(encodeSheetTestArrow(bad));
    expect(decoded.ok).toBe(true);
    const checked = validateSheetTestBody(decoded.ok ? decoded.body : null);
    expect(checked.ok).toBe(false);
    expect(checked.ok ? [] : checked.details.map((d) => d.path)).toEqual(['cells[5].ocvV']);
  });

  it.each([
    ['not Arrow at all', Buffer.from('{"testId": "x"}'), '', /not (a complete )?(an )?Arrow IPC stream/],
    ['a truncated stream', encodeSheetTestArrow(body()).subarray(0, 200), '', /not a complete Arrow IPC stream/],
    ['no header', stream({ row: makeVector(new Int32Array([0])) }, null), 'schema.metadata.mes.sheetTest', /missing/],
    [
      'a header that is not JSON',
      stream({ row: makeVector(new Int32Array([0])) }, '{testId'),
      'schema.metadata.mes.sheetTest',
      /not valid JSON/,
    ],
    [
      'cells in the header',
      stream({ row: makeVector(new Int32Array([0])) }, { cells: [] }),
      'schema.metadata.mes.sheetTest.cells',
      /rows of the stream/,
    ],
  ])('refuses %s, saying where', (_name, bytes, path, message) => {
    const decoded = decodeSheetTestArrow(bytes);
    expect(decoded.ok).toBe(false);
    if (decoded.ok) return;
    expect(decoded.details[0].path).toBe(path);
    expect(decoded.details[0].message).toMatch(message);
  });

  it('refuses columns of the wrong type, missing or unknown columns, and spectra of another length than the frequencies', () => {
    const decoded = decodeSheetTestArrow(
      stream({
        row: vectorFromArray(['0'], new Utf8()),
        ocvV: makeVector(new Int32Array([1])),
        zReOhm: makeVector(new Float64Array([1])),
        volts: makeVector(new Float64Array([1])),
      }),
    );
    expect(decoded.ok).toBe(false);
    if (decoded.ok) return;
    expect(Object.fromEntries(decoded.details.map((d) => [d.path, d.message]))).toEqual({
      'columns.volts': expect.stringMatching(/unknown column/),
      'columns.row': expect.stringMatching(/expected integers, got Utf8/),
      'columns.col': expect.stringMatching(/missing/),
      'columns.ocvV': expect.stringMatching(/expected floats/),
      'columns.zReOhm': expect.stringMatching(/fixed-size lists of 4 float32 or float64/),
      'columns.zImOhm': expect.stringMatching(/missing/),
    });
    // spectra of 4 points under a header of 3 frequencies
    const four = decodeSheetTestArrow(encodeSheetTestArrow(body()));
    expect(four.ok).toBe(true);
    const fields = tableFromIPC(encodeSheetTestArrow(body()));
    const d3 = decodeSheetTestArrow(
      stream(Object.fromEntries(fields.schema.fields.map((f) => [f.name, fields.getChild(f.name) as ReturnType<typeof makeVector>])), {
        ...body(),
        cells: undefined,
        frequenciesHz: FREQ.slice(0, 3),
      }),
    );
    expect(d3.ok ? [] : d3.details).toEqual([
      {
        path: 'columns.zReOhm',
        message: expect.stringMatching(/expected fixed-size lists of 3 float32 or float64 values.*got FixedSizeList\[4\]/),
      },
      { path: 'columns.zImOhm', message: expect.stringMatching(/expected fixed-size lists of 3/) },
    ]);
  });

  it('refuses null points inside a spectrum', () => {
    const n = 1;
    const listType = new FixedSizeList(2, new Field('item', new Float64(), true));
    const child = vectorFromArray([1, null], new Float64()).data[0];
    const list = makeVector(makeData({ type: listType, length: n, nullCount: 0, child }));
    const header = { testId: 'T', sheet: 'S', startedAt: '2026-12-03T08:00:00Z', temperatureC: 25, frequenciesHz: [10, 1] };
    const decoded = decodeSheetTestArrow(
      stream(
        {
          row: makeVector(new Int32Array([0])),
          col: makeVector(new Int32Array([0])),
          ocvV: makeVector(new Float64Array([0.4])),
          zReOhm: list,
          zImOhm: list,
        },
        header,
      ),
    );
    expect(decoded.ok ? null : decoded.details[0]).toEqual({
      path: 'columns.zReOhm',
      message: expect.stringMatching(/null point in the spectrum of row 0/),
    });
  });
});
