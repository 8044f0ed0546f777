/**
 * STDF V4 writer. A sheet is written as a "wafer" (WIR/WRR) of parts, one part per cell (PIR, its
 * PTRs, PRR) with X = col and Y = row, then the bin summaries and the lot's closing records. Byte order
 * is little-endian (CPU_TYPE 2), the order every current reader expects.
 *
 * Record order: FAR, MIR, WCR, [WIR, (PIR, PTR..., PRR) per cell, WRR] per sheet, HBR..., SBR..., PCR, MRR.
 * `writeStdf` writes one sheet test; `StdfWriter` writes a lot (a roll) sheet by sheet, so a caller can
 * stream each sheet's bytes out before it reads the next sheet's results.
 */

export interface StdfParametricTest {
  /** TEST_NUM: unique within the file. */
  testNumber: number;
  /** TEST_TXT, e.g. "OCV". */
  name: string;
  /** UNITS, e.g. "V", "Ohm", "Ohm*cm2". */
  units: string;
  /** The rule set's limits; absent when the rule set has none for this value. */
  lowLimit?: number;
  highLimit?: number;
}

export interface StdfBin {
  softBin: number;
  hardBin: number;
  name: string;
  pass: boolean;
}

export interface StdfHardBin {
  hardBin: number;
  name: string;
}

export interface StdfCell {
  row: number;
  col: number;
  softBin: number;
  hardBin: number;
  /** One value per parametric test (same order); null where the value was not measured. */
  values: (number | null)[];
  /** The cell's scannable identity, written as PART_ID. */
  partId: string;
}

/** What the whole file (the lot) shares: MIR, WCR, the parametric tests and the bin tables. */
export interface StdfLot {
  /** LOT_ID: the roll the sheets were cut from. */
  lot: string;
  /** PART_TYP: the product. */
  partType: string;
  /** NODE_NAM: the rig's name. */
  tester: string;
  /** TSTR_TYP: kind of tester. */
  testerType: string;
  /** JOB_NAM / JOB_REV: the rule set and its version. */
  jobName: string;
  jobRevision: string;
  /** TEST_COD: the test step, e.g. SHEET_TEST. */
  testCode: string;
  temperatureC: number;
  /** MIR SETUP_T / START_T: when the first sheet's test started. */
  startedAt: Date;
  /** Cell pitch along the web (DIE_HT) and across it (DIE_WID), mm. */
  pitchMdMm: number;
  pitchCdMm: number;
  tests: StdfParametricTest[];
  bins: StdfBin[];
  hardBins: StdfHardBin[];
}

/** One sheet: WIR, its cells as parts, WRR. */
export interface StdfWafer {
  /** WAFER_ID: the sheet barcode. */
  sheet: string;
  startedAt: Date;
  finishedAt: Date;
  cells: StdfCell[];
}

/** One sheet test: a lot of one wafer. */
export interface StdfSheetTest extends StdfLot {
  /** WAFER_ID: the sheet barcode. */
  sheet: string;
  finishedAt: Date;
  rows: number;
  cols: number;
  cells: StdfCell[];
}

/** Bits of PRR PART_FLG. */
export const PART_FLG = { ABNORMAL_END: 0x04, FAILED: 0x08, PASS_FAIL_INVALID: 0x10 } as const;
/** Bits of PTR TEST_FLG. */
export const TEST_FLG = { NO_PASS_FAIL: 0x40, FAILED: 0x80 } as const;
/** Bits of PTR PARM_FLG. */
export const PARM_FLG = { ABOVE_HIGH: 0x08, BELOW_LOW: 0x10, LOW_INCLUSIVE: 0x40, HIGH_INCLUSIVE: 0x80 } as const;
/** Bits of PTR OPT_FLAG. */
export const OPT_FLAG = { RESERVED_ONE: 0x02, NO_LOW_SPEC: 0x04, NO_HIGH_SPEC: 0x08, NO_LOW_LIMIT: 0x40, NO_HIGH_LIMIT: 0x80 } as const;

/** Head and site: one head, one site. HBR/SBR use head 255 for the summary over all sites. */
const HEAD = 1;
const SITE = 1;
const ALL_HEADS = 255;
const MISSING_U4 = 0xffffffff;

/** Appends STDF fields (little-endian) to a growing buffer and frames them as records. */
class RecordBuffer {
  private bytes8: Uint8Array;
  private view: DataView;
  private pos = 0;
  private recordStart = -1;

  constructor(initialBytes: number) {
    this.bytes8 = new Uint8Array(Math.max(64, initialBytes));
    this.view = new DataView(this.bytes8.buffer);
  }

  begin(type: number, sub: number): this {
    this.ensure(4);
    this.recordStart = this.pos;
    this.view.setUint16(this.pos, 0, true);
    this.bytes8[this.pos + 2] = type;
    this.bytes8[this.pos + 3] = sub;
    this.pos += 4;
    return this;
  }

  end(): void {
    const length = this.pos - this.recordStart - 4;
    if (length > 0xffff) throw new RangeError(`STDF record longer than 65535 bytes (${length})`);
    this.view.setUint16(this.recordStart, length, true);
    this.recordStart = -1;
  }

  u1(v: number): this {
    this.ensure(1);
    this.view.setUint8(this.pos, v);
    this.pos += 1;
    return this;
  }

  u2(v: number): this {
    this.ensure(2);
    this.view.setUint16(this.pos, v, true);
    this.pos += 2;
    return this;
  }

  u4(v: number): this {
    this.ensure(4);
    this.view.setUint32(this.pos, v, true);
    this.pos += 4;
    return this;
  }

  i1(v: number): this {
    this.ensure(1);
    this.view.setInt8(this.pos, v);
    this.pos += 1;
    return this;
  }

  i2(v: number): this {
    this.ensure(2);
    this.view.setInt16(this.pos, v, true);
    this.pos += 2;
    return this;
  }

  r4(v: number): this {
    this.ensure(4);
    this.view.setFloat32(this.pos, v, true);
    this.pos += 4;
    return this;
  }

  /** C*1: one character, space when empty. */
  c1(v: string): this {
    return this.u1(v.length ? v.charCodeAt(0) & 0xff : 0x20);
  }

  /** C*n: a length byte, then at most 255 characters of latin-1 text (others become "?"). */
  cn(v: string): this {
    if (v.length > 255) throw new RangeError(`STDF text field longer than 255 characters: "${v.slice(0, 40)}..."`);
    this.ensure(1 + v.length);
    this.bytes8[this.pos++] = v.length;
    for (let i = 0; i < v.length; i++) {
      const c = v.charCodeAt(i);
      this.bytes8[this.pos++] = c < 256 ? c : 0x3f;
    }
    return this;
  }

  bytes(): Buffer {
    return Buffer.from(this.bytes8.buffer, 0, this.pos);
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.bytes8.length) return;
    const next = new Uint8Array(Math.max(this.bytes8.length * 2, this.pos + n));
    next.set(this.bytes8.subarray(0, this.pos));
    this.bytes8 = next;
    this.view = new DataView(next.buffer);
  }
}

function epochSeconds(d: Date): number {
  const s = Math.floor(d.getTime() / 1000);
  if (!(s >= 0 && s < MISSING_U4)) throw new RangeError(`time ${d.toISOString()} does not fit an STDF U4 time`);
  return s;
}

function checkLot(t: StdfLot): void {
  const numbers = new Set<number>();
  for (const test of t.tests) {
    if (!Number.isInteger(test.testNumber) || test.testNumber < 0 || test.testNumber >= MISSING_U4)
      throw new RangeError(`test number ${test.testNumber} of ${test.name} is not a U4`);
    if (numbers.has(test.testNumber)) throw new RangeError(`test number ${test.testNumber} is used twice`);
    numbers.add(test.testNumber);
  }
}

function checkCells(w: StdfWafer, tests: number): void {
  for (const c of w.cells) {
    if (!(c.row >= 0 && c.row <= 0x7fff && c.col >= 0 && c.col <= 0x7fff))
      throw new RangeError(`cell (${c.row}, ${c.col}) of ${w.sheet} does not fit STDF's I2 coordinates`);
    if (c.values.length !== tests)
      throw new RangeError(`cell (${c.row}, ${c.col}) of ${w.sheet} has ${c.values.length} values for ${tests} tests`);
    if (c.softBin < 0 || c.softBin > 0xffff || c.hardBin < 0 || c.hardBin > 0xffff)
      throw new RangeError(`cell (${c.row}, ${c.col}) of ${w.sheet} has bins ${c.softBin}/${c.hardBin} outside U2`);
  }
}

/** The sheet test as an STDF V4 file. */
export function writeStdf(t: StdfSheetTest): Buffer {
  if (t.rows > 0x7fff || t.cols > 0x7fff) throw new RangeError(`a ${t.rows} x ${t.cols} grid does not fit STDF's I2 coordinates`);
  const writer = new StdfWriter(t);
  const wafer = writer.wafer({ sheet: t.sheet, startedAt: t.startedAt, finishedAt: t.finishedAt, cells: t.cells });
  return Buffer.concat([writer.begin(), wafer, writer.end(t.finishedAt)]);
}

/**
 * A lot written in pieces: begin() (FAR, MIR, WCR), wafer() per sheet (WIR, parts, WRR), end() (bin
 * summaries over every sheet, PCR, MRR). Each call returns its bytes; the concatenation is the file.
 */
export class StdfWriter {
  private readonly pass: Map<number, boolean>;
  /** Test numbers whose first PTR (with name, units and limits) has been written. */
  private readonly written = new Set<number>();
  private readonly hardCounts = new Map<number, number>();
  private readonly softCounts = new Map<number, number>();
  private parts = 0;
  private good = 0;
  private aborted = 0;
  private state: 'new' | 'open' | 'ended' = 'new';

  constructor(private readonly lot: StdfLot) {
    checkLot(lot);
    this.pass = new Map(lot.bins.map((b) => [b.softBin, b.pass]));
  }

  begin(): Buffer {
    if (this.state !== 'new') throw new Error('StdfWriter.begin() called twice');
    this.state = 'open';
    const t = this.lot;
    const out = new RecordBuffer(512);
    const start = epochSeconds(t.startedAt);
    // FAR: little-endian (2), STDF version 4.
    out.begin(0, 10).u1(2).u1(4).end();

    // MIR up to SPEC_VER: the spec allows trailing fields to be left off; empty C*n are "missing".
    out.begin(1, 10).u4(start).u4(start).u1(1).c1('P').c1(' ').c1(' ').u2(0xffff).c1(' ');
    out.cn(t.lot).cn(t.partType).cn(t.tester).cn(t.testerType).cn(t.jobName).cn(t.jobRevision);
    out.cn('').cn('').cn('').cn('').cn(t.testCode).cn(t.temperatureC.toString());
    out.cn('').cn('').cn('').cn('').cn('').cn('').cn('').cn('').cn('').cn(t.jobName).cn(t.jobRevision);
    out.end();

    // WCR: rows go down from the sheet's leading edge (the "flat" side, drawn at the top), columns go
    // right from the operator side, so positive X is right and positive Y is down; a sheet has no
    // centre die (-32768 = missing) and no diameter (0 = missing).
    out.begin(2, 30).r4(0).r4(t.pitchMdMm).r4(t.pitchCdMm).u1(3).c1('U').i2(-32768).i2(-32768).c1('R').c1('D').end();
    return out.bytes();
  }

  wafer(w: StdfWafer): Buffer {
    if (this.state === 'ended') throw new Error('StdfWriter.wafer() after end()');
    const tests = this.lot.tests;
    checkCells(w, tests.length);
    const out = new RecordBuffer(64 + w.cells.length * (48 + 16 * tests.length));
    out.begin(2, 10).u1(HEAD).u1(255).u4(epochSeconds(w.startedAt)).cn(w.sheet).end();
    let good = 0;
    let aborted = 0;
    for (const c of w.cells) {
      out.begin(5, 10).u1(HEAD).u1(SITE).end();
      let numTest = 0;
      for (let k = 0; k < tests.length; k++) {
        const v = c.values[k];
        if (v === null || !Number.isFinite(v)) continue;
        numTest++;
        writePtr(out, tests[k], v, !this.written.has(tests[k].testNumber));
        this.written.add(tests[k].testNumber);
      }
      const cellPasses = this.pass.get(c.softBin) ?? false;
      // Soft bin 0 is a rig fault: the test ended abnormally and the cell itself is not judged.
      const flags = c.softBin === 0 ? PART_FLG.ABNORMAL_END | PART_FLG.PASS_FAIL_INVALID : cellPasses ? 0 : PART_FLG.FAILED;
      if (c.softBin === 0) aborted++;
      if (cellPasses) good++;
      out.begin(5, 20).u1(HEAD).u1(SITE).u1(flags).u2(numTest).u2(c.hardBin).u2(c.softBin).i2(c.col).i2(c.row).u4(0).cn(c.partId).end();
      this.hardCounts.set(c.hardBin, (this.hardCounts.get(c.hardBin) ?? 0) + 1);
      this.softCounts.set(c.softBin, (this.softCounts.get(c.softBin) ?? 0) + 1);
    }
    out
      .begin(2, 20)
      .u1(HEAD)
      .u1(255)
      .u4(epochSeconds(w.finishedAt))
      .u4(w.cells.length)
      .u4(0)
      .u4(aborted)
      .u4(good)
      .u4(MISSING_U4)
      .cn(w.sheet)
      .end();
    this.parts += w.cells.length;
    this.good += good;
    this.aborted += aborted;
    return out.bytes();
  }

  end(finishedAt: Date): Buffer {
    if (this.state !== 'open') throw new Error('StdfWriter.end() without begin(), or twice');
    this.state = 'ended';
    const t = this.lot;
    const out = new RecordBuffer(512 + 64 * (t.bins.length + t.hardBins.length));
    // Every bin the rule set defines is listed (count 0 included) so a yield tool sees the whole bin table.
    const hardPass = new Map<number, boolean>();
    for (const b of t.bins) hardPass.set(b.hardBin, (hardPass.get(b.hardBin) ?? true) && b.pass);
    const hardNames = new Map(t.hardBins.map((h) => [h.hardBin, h.name]));
    const hardNumbers = [...new Set([...t.hardBins.map((h) => h.hardBin), ...this.hardCounts.keys()])].sort((a, b) => a - b);
    for (const h of hardNumbers) {
      const pf = hardPass.has(h) ? (hardPass.get(h) ? 'P' : 'F') : ' ';
      out
        .begin(1, 40)
        .u1(ALL_HEADS)
        .u1(0)
        .u2(h)
        .u4(this.hardCounts.get(h) ?? 0)
        .c1(pf)
        .cn(hardNames.get(h) ?? '')
        .end();
    }
    const softNumbers = [...new Set([...t.bins.map((b) => b.softBin), ...this.softCounts.keys()])].sort((a, b) => a - b);
    const softNames = new Map(t.bins.map((b) => [b.softBin, b.name]));
    for (const s of softNumbers) {
      const pf = this.pass.has(s) ? (this.pass.get(s) ? 'P' : 'F') : ' ';
      out
        .begin(1, 50)
        .u1(ALL_HEADS)
        .u1(0)
        .u2(s)
        .u4(this.softCounts.get(s) ?? 0)
        .c1(pf)
        .cn(softNames.get(s) ?? '')
        .end();
    }
    out.begin(1, 30).u1(ALL_HEADS).u1(0).u4(this.parts).u4(0).u4(this.aborted).u4(this.good).u4(MISSING_U4).end();
    out.begin(1, 20).u4(epochSeconds(finishedAt)).c1(' ').cn('').cn('').end();
    return out.bytes();
  }
}

/**
 * The first PTR of a test carries its name, units and limits; later ones stop after RESULT, which the
 * spec allows (readers take the missing fields from the first PTR of that test number).
 */
function writePtr(out: RecordBuffer, test: StdfParametricTest, value: number, first: boolean): void {
  const hasLow = test.lowLimit !== undefined && Number.isFinite(test.lowLimit);
  const hasHigh = test.highLimit !== undefined && Number.isFinite(test.highLimit);
  const below = hasLow && value < (test.lowLimit as number);
  const above = hasHigh && value > (test.highLimit as number);
  // The rule sets pass a value equal to a limit: both comparisons are inclusive.
  const parmFlags = PARM_FLG.LOW_INCLUSIVE | PARM_FLG.HIGH_INCLUSIVE | (below ? PARM_FLG.BELOW_LOW : 0) | (above ? PARM_FLG.ABOVE_HIGH : 0);
  const testFlags = !hasLow && !hasHigh ? TEST_FLG.NO_PASS_FAIL : below || above ? TEST_FLG.FAILED : 0;
  out.begin(15, 10).u4(test.testNumber).u1(HEAD).u1(SITE).u1(testFlags).u1(parmFlags).r4(value);
  if (first) {
    const opt =
      OPT_FLAG.RESERVED_ONE |
      OPT_FLAG.NO_LOW_SPEC |
      OPT_FLAG.NO_HIGH_SPEC |
      (hasLow ? 0 : OPT_FLAG.NO_LOW_LIMIT) |
      (hasHigh ? 0 : OPT_FLAG.NO_HIGH_LIMIT);
    out
      .cn(test.name)
      .cn('')
      .u1(opt)
      .i1(0)
      .i1(0)
      .i1(0)
      .r4(hasLow ? (test.lowLimit as number) : 0)
      .r4(hasHigh ? (test.highLimit as number) : 0);
    out.cn(test.units).cn('').cn('').cn('').r4(0).r4(0);
  }
  out.end();
}
