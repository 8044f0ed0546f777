import {
  cellSpectrum,
  copyRowsBinary,
  copyRowsText,
  copyTextEscape,
  decodeFrequencies,
  decodeSpectrum,
  encodeFrequencies,
  encodeSheetCells,
  encodeSpectrum,
  timestampEpochMs,
  type SheetTestBody,
} from './index';

const sample: SheetTestBody = {
  testId: 'T-1',
  sheet: 'S-1',
  startedAt: '2026-11-22T10:00:00Z',
  temperatureC: 25,
  frequenciesHz: [100000, 63095.73444801933, 0.1],
  cells: [
    { row: 0, col: 0, ocvV: 3.912, zReOhm: [12.1, 15.000001, 40], zImOhm: [-0.4, -5, -20] },
    { row: 0, col: 1, status: 'NO_CONTACT' },
    { row: 1, col: 7, status: 'OK', ocvV: -0.25, zReOhm: [1e-3, 2e5, 3], zImOhm: [0, 1e-30, -3.4e38] },
  ],
};

describe('spectrum encoding', () => {
  it('stores 8 bytes per point, zRe half then zIm half, float32 little-endian', () => {
    const buf = encodeSpectrum([1, 2], [-1, 0.5]);
    expect(buf.length).toBe(16);
    expect([buf.readFloatLE(0), buf.readFloatLE(4), buf.readFloatLE(8), buf.readFloatLE(12)]).toEqual([1, 2, -1, 0.5]);
  });

  it('round-trips to the float32-rounded values (relative error <= 2^-24)', () => {
    const zRe = [12.1, 0.1, 123456.789, 1e-7, 3.4e38, 0];
    const zIm = [-0.4, -1 / 3, -98765.4321, -2e-9, -1e30, -0];
    const back = decodeSpectrum(encodeSpectrum(zRe, zIm), zRe.length);
    expect(back.zReOhm).toEqual(zRe.map(Math.fround));
    expect(back.zImOhm).toEqual(zIm.map(Math.fround));
    for (let j = 0; j < zRe.length; j++) {
      if (zRe[j] !== 0) expect(Math.abs(back.zReOhm[j] - zRe[j]) / Math.abs(zRe[j])).toBeLessThanOrEqual(2 ** -24);
      if (zIm[j] !== 0) expect(Math.abs(back.zImOhm[j] - zIm[j]) / Math.abs(zIm[j])).toBeLessThanOrEqual(2 ** -24);
    }
    // values exactly representable in float32 come back exactly
    expect(decodeSpectrum(encodeSpectrum([0.5, 1024, -3], [0.25, 7, 1e3]), 3)).toEqual({ zReOhm: [0.5, 1024, -3], zImOhm: [0.25, 7, 1e3] });
  });

  it('decodes from an unaligned buffer (e.g. a slice of a pg row)', () => {
    const enc = encodeSpectrum([1.5, 2.5, 3.5], [-1, -2, -3]);
    const padded = Buffer.alloc(enc.length + 3);
    enc.copy(padded, 3);
    expect(decodeSpectrum(padded.subarray(3), 3)).toEqual({ zReOhm: [1.5, 2.5, 3.5], zImOhm: [-1, -2, -3] });
  });

  it('refuses mismatched lengths', () => {
    expect(() => encodeSpectrum([1, 2], [1])).toThrow(RangeError);
    expect(() => decodeSpectrum(Buffer.alloc(15), 2)).toThrow('a spectrum of 2 points takes 16 bytes, got 15');
  });
});

describe('frequency encoding', () => {
  it('round-trips exactly as float64 little-endian', () => {
    const f = Array.from({ length: 49 }, (_, k) => 1e6 * 10 ** (-k / 8));
    const buf = encodeFrequencies(f);
    expect(buf.length).toBe(8 * 49);
    expect(buf.readDoubleLE(8)).toBe(f[1]);
    expect(decodeFrequencies(buf)).toEqual(f);
    expect(decodeFrequencies(buf, 49)).toEqual(f);
    expect(() => decodeFrequencies(buf, 50)).toThrow(RangeError);
    expect(() => decodeFrequencies(Buffer.alloc(7))).toThrow(RangeError);
  });
});

describe('encodeSheetCells', () => {
  const enc = encodeSheetCells(sample);

  it('gives one column entry per cell in posted order', () => {
    expect(enc.count).toBe(3);
    expect(enc.points).toBe(3);
    expect(Array.from(enc.rows)).toEqual([0, 0, 1]);
    expect(Array.from(enc.cols)).toEqual([0, 1, 7]);
    expect(Array.from(enc.status)).toEqual([0, 1, 0]);
    expect(Array.from(enc.ocv)).toEqual([3.912, NaN, -0.25]);
    expect(enc.spectra.length).toBe(3 * 8 * 3);
  });

  it('stores each spectrum as encodeSpectrum does, and none for NO_CONTACT', () => {
    const c0 = sample.cells[0] as { zReOhm: number[]; zImOhm: number[] };
    expect(cellSpectrum(enc, 0)).toEqual(encodeSpectrum(c0.zReOhm, c0.zImOhm));
    expect(cellSpectrum(enc, 1)).toBeNull();
    expect(decodeSpectrum(cellSpectrum(enc, 2) as Buffer, 3)).toEqual({
      zReOhm: [1e-3, 2e5, 3].map(Math.fround),
      zImOhm: [0, 1e-30, -3.4e38].map(Math.fround),
    });
  });

  it('has no spectra for an OCV-only test', () => {
    const e = encodeSheetCells({ ...sample, frequenciesHz: undefined, cells: [{ row: 2, col: 3, ocvV: 4 }] });
    expect(e.points).toBe(0);
    expect(e.spectra.length).toBe(0);
    expect(cellSpectrum(e, 0)).toBeNull();
  });
});

describe('COPY data', () => {
  const enc = encodeSheetCells(sample);

  it('text format: tab-separated, \\N for null, bytea as \\\\x hex, leading columns escaped', () => {
    const text = copyRowsText(enc, [{ type: 'int8', value: 42n }, { type: 'text', value: 'a\tb\\c' }, null]);
    const lines = text.split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[3]).toBe('');
    const hex0 = (cellSpectrum(enc, 0) as Buffer).toString('hex');
    expect(lines[0]).toBe(`42\ta\\tb\\\\c\t\\N\t0\t0\tOK\t3.912\t\\\\x${hex0}`);
    expect(lines[1]).toBe('42\ta\\tb\\\\c\t\\N\t0\t1\tNO_CONTACT\t\\N\t\\N');
    expect(lines[2].split('\t').slice(3, 7)).toEqual(['1', '7', 'OK', '-0.25']);
  });

  it('text format keeps ocvV exact (shortest round-trip decimal)', () => {
    const e = encodeSheetCells({ ...sample, frequenciesHz: undefined, cells: [{ row: 0, col: 0, ocvV: 0.1 + 0.2 }] });
    expect(copyRowsText(e)).toBe('0\t0\tOK\t0.30000000000000004\t\\N\n');
  });

  it('escapes text for COPY', () => {
    expect(copyTextEscape('plain')).toBe('plain');
    expect(copyTextEscape('a\\b\nc\rd\te')).toBe('a\\\\b\\nc\\rd\\te');
  });

  it('binary format: signature, tuples with typed fields, trailer', () => {
    const buf = copyRowsBinary(enc, [
      { type: 'int4', value: 7 },
      { type: 'uuid', value: '0189c1f2-3b4a-7c5d-8e6f-0123456789ab' },
    ]);
    expect(buf.subarray(0, 11).toString('latin1')).toBe('PGCOPY\n\xff\r\n\0');
    expect(buf.readInt32BE(11)).toBe(0);
    expect(buf.readInt32BE(15)).toBe(0);
    let o = 19;
    const tuples: unknown[][] = [];
    for (;;) {
      const n = buf.readInt16BE(o);
      o += 2;
      if (n === -1) break;
      const fields: (Buffer | null)[] = [];
      for (let k = 0; k < n; k++) {
        const len = buf.readInt32BE(o);
        o += 4;
        fields.push(len < 0 ? null : buf.subarray(o, o + len));
        if (len > 0) o += len;
      }
      tuples.push([
        fields[0]?.readInt32BE(0),
        fields[1]?.toString('hex'),
        fields[2]?.readInt16BE(0),
        fields[3]?.readInt16BE(0),
        fields[4]?.toString('latin1'),
        fields[5] ? fields[5].readDoubleBE(0) : null,
        fields[6] ? decodeSpectrum(fields[6], 3).zReOhm[0] : null,
      ]);
    }
    expect(o).toBe(buf.length);
    expect(tuples).toEqual([
      [7, '0189c1f23b4a7c5d8e6f0123456789ab', 0, 0, 'OK', 3.912, Math.fround(12.1)],
      [7, '0189c1f23b4a7c5d8e6f0123456789ab', 0, 1, 'NO_CONTACT', null, null],
      [7, '0189c1f23b4a7c5d8e6f0123456789ab', 1, 7, 'OK', -0.25, Math.fround(1e-3)],
    ]);
  });

  it('writes a timestamptz leading value as microseconds since 2000-01-01 UTC (binary) or ISO text', () => {
    const at = new Date('2026-12-01T00:00:00.123Z');
    const buf = copyRowsBinary(enc, [{ type: 'timestamptz', value: at }]);
    // first tuple: field count, then the leading field's length and value
    expect(buf.readInt16BE(19)).toBe(6);
    expect(buf.readInt32BE(21)).toBe(8);
    expect(buf.readBigInt64BE(25)).toBe(BigInt(at.getTime() - Date.UTC(2000, 0, 1)) * 1000n);
    expect(copyRowsText(enc, [{ type: 'timestamptz', value: at }]).split('\t')[0]).toBe('2026-12-01T00:00:00.123Z');
    expect(() => copyRowsBinary(enc, [{ type: 'timestamptz', value: new Date(NaN) }])).toThrow(RangeError);
  });

  it('refuses leading values that cannot be written', () => {
    expect(() => copyRowsBinary(enc, [{ type: 'uuid', value: 'not-a-uuid' }])).toThrow(RangeError);
    expect(() => copyRowsText(enc, [{ type: 'float8', value: NaN }])).toThrow(RangeError);
  });
});

describe('timestampEpochMs', () => {
  it('gives the instant in ms, the zone applied', () => {
    expect(timestampEpochMs('2026-11-22T10:00:00Z')).toBe(Date.UTC(2026, 10, 22, 10));
    expect(timestampEpochMs('2026-11-22T11:30:00+01:30')).toBe(Date.UTC(2026, 10, 22, 10));
    expect(timestampEpochMs('2026-11-22T10:00:00.29-00:00')).toBe(Date.UTC(2026, 10, 22, 10) + 290);
    expect(timestampEpochMs('2026-11-22T10:00:00.1239Z')).toBe(Date.UTC(2026, 10, 22, 10) + 123);
    expect(timestampEpochMs('2026-11-22T10:00')).toBeNaN();
  });
});
