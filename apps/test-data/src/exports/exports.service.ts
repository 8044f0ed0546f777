import { Injectable } from '@nestjs/common';
import { defaultAsMadeRuleSet, type RuleSet } from '@mes/binning';
import {
  StdfWriter,
  stdfParametricTests,
  writeE142,
  writeStdf,
  type E142BinDefinition,
  type StdfBin,
  type StdfCell,
  type StdfLot,
} from '@mes/interop';
import { DomainError } from '@mes/service-core';
import { ExportsRepository, type CsvCopy } from '@mes/test-data-store';

type Row = Record<string, unknown>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Barcodes as the line prints them; anything else cannot name a sheet or roll. */
const BARCODE = /^[A-Za-z0-9._:/-]{1,64}$/;

interface Layout {
  pitchMdMm?: number;
  pitchCdMm?: number;
  cellMdMm?: number;
  cellCdMm?: number;
}

/** CSV, STDF and E142 exports of stored results (formats and columns: docs/exports.md). */
@Injectable()
export class ExportsService {
  constructor(private readonly repo: ExportsRepository) {}

  async sheetTestCsv(sheetTestId: string): Promise<CsvCopy> {
    const test = await this.binnedTest(sheetTestId);
    return this.repo.copySheetTestResults(String(test.id), Number(test.binned_version));
  }

  async sheetResultsCsv(sheet: string): Promise<CsvCopy> {
    await this.sheetWithResults(sheet);
    return this.repo.copySheetResults(sheet);
  }

  async rollCellsCsv(roll: string): Promise<CsvCopy> {
    await this.rollWithResults(roll);
    return this.repo.copyRollCells(roll);
  }

  async sheetBinsCsv(sheet: string): Promise<CsvCopy> {
    await this.sheetWithResults(sheet);
    return this.repo.copyBins({ sheet });
  }

  async rollBinsCsv(roll: string): Promise<CsvCopy> {
    await this.rollWithResults(roll);
    return this.repo.copyBins({ roll });
  }

  async pickResultCsv(sheet: string): Promise<CsvCopy> {
    checkBarcode(sheet, 'sheet');
    if (!(await this.repo.hasPickResult(sheet)))
      throw new DomainError('NOT_FOUND', `No pick result for sheet ${sheet}: the picker has not sent one back`);
    return this.repo.copyPickResult(sheet);
  }

  /** One sheet test as STDF V4, with the results of the rule set version it was last binned with. */
  async sheetTestStdf(sheetTestId: string): Promise<{ fileName: string; body: Buffer }> {
    const test = await this.binnedTest(sheetTestId);
    const version = Number(test.binned_version);
    const ruleSet = await this.ruleSetOf(test, version);
    const layout = (test.layout ?? {}) as Layout;
    const tests = stdfParametricTests(ruleSet);
    const sheet = String(test.sheet_barcode);
    const cells: StdfCell[] = (await this.repo.testResults(String(test.id), version)).map((r) => ({
      row: Number(r.row),
      col: Number(r.col),
      softBin: Number(r.soft_bin),
      hardBin: Number(r.hard_bin),
      partId: `${sheet}-R${Number(r.row)}C${Number(r.col)}`,
      values: [num(r.ocv_v), num(r.r_ohmic_ohm), num(r.r_ct_ohm), num(r.asr_ohm_cm2)],
    }));
    const body = writeStdf({
      lot: String(test.roll_barcode),
      partType: String(test.product_code ?? ''),
      sheet,
      tester: String(test.rig_name),
      testerType: 'MES sheet test rig',
      jobName: ruleSet.name,
      jobRevision: String(version),
      testCode: 'SHEET_TEST',
      temperatureC: Number(test.temperature_c),
      startedAt: test.started_at as Date,
      finishedAt: (test.completed_at ?? test.received_at) as Date,
      rows: Number(test.rows),
      cols: Number(test.cols),
      pitchMdMm: layout.pitchMdMm ?? 0,
      pitchCdMm: layout.pitchCdMm ?? 0,
      tests,
      bins: ruleSet.bins,
      hardBins: ruleSet.hardBins ?? [],
      cells,
    });
    return { fileName: `${sheet}_${String(test.test_id).replace(/[^A-Za-z0-9._-]/g, '_')}.stdf`, body };
  }

  /**
   * A sheet's current results (each cell's result that counts, whichever test gave it) as STDF V4: one
   * wafer, times from the first test's start to the last one's end, the rigs that tested it as tester.
   */
  async sheetResultsStdf(sheet: string): Promise<{ fileName: string; body: Buffer }> {
    await this.sheetWithResults(sheet);
    const [span] = await this.repo.sheetsWithResults({ sheet });
    const test = (await this.repo.newestTestOfSheet(sheet)) as Row;
    const results = await this.repo.currentResultValues(sheet);
    const version = Math.max(...results.map((r) => Number(r.rule_set_version)));
    const ruleSet = await this.ruleSetOf(test, version);
    const lot = this.lotOf(test, ruleSet, version, String(span.rigs), span.started_at as Date, results);
    const body = writeStdf({
      ...lot,
      sheet,
      finishedAt: span.finished_at as Date,
      rows: Number(test.rows),
      cols: Number(test.cols),
      cells: results.map((r) => stdfCell(sheet, r)),
    });
    return { fileName: `${sheet}_results.stdf`, body };
  }

  /**
   * A roll as one STDF lot, each sheet a wafer of its current results, along the web. The bytes come
   * sheet by sheet (one sheet's results in memory at a time), so a roll of hundreds of sheets streams.
   * JOB_REV is the newest rule set version any sheet of the roll was binned with.
   */
  async rollStdf(roll: string): Promise<{ fileName: string; chunks: AsyncIterable<Buffer> }> {
    await this.rollWithResults(roll);
    const test = (await this.repo.newestTestOfRoll(roll)) as Row;
    const sheets = await this.repo.sheetsWithResults({ roll });
    const version = Math.max(...sheets.map((s) => Number(s.rule_set_version ?? 1)));
    const ruleSet = await this.ruleSetOf(test, version);
    const rigs = [...new Set(sheets.flatMap((s) => String(s.rigs).split(', ')))].join(', ').slice(0, 255);
    const startedAt = new Date(Math.min(...sheets.map((s) => (s.started_at as Date).getTime())));
    const finishedAt = new Date(Math.max(...sheets.map((s) => (s.finished_at as Date).getTime())));
    const writer = new StdfWriter(this.lotOf(test, ruleSet, version, rigs, startedAt, await this.repo.rollBins(roll)));
    const repo = this.repo;
    async function* chunks(): AsyncGenerator<Buffer> {
      yield writer.begin();
      for (const s of sheets) {
        const sheet = String(s.sheet);
        const cells = (await repo.currentResultValues(sheet)).map((r) => stdfCell(sheet, r));
        yield writer.wafer({ sheet, startedAt: s.started_at as Date, finishedAt: s.finished_at as Date, cells });
      }
      yield writer.end(finishedAt);
    }
    return { fileName: `${roll}_cells.stdf`, chunks: chunks() };
  }

  /** MIR, WCR and bin tables of an export; `binsSeen` adds any bin a result carries that the rule set lacks. */
  private lotOf(test: Row, ruleSet: RuleSet, version: number, tester: string, startedAt: Date, binsSeen: Row[]): StdfLot {
    const layout = (test.layout ?? {}) as Layout;
    const bins: StdfBin[] = [...ruleSet.bins];
    for (const r of binsSeen) {
      const softBin = Number(r.soft_bin);
      if (!bins.some((b) => b.softBin === softBin))
        bins.push({ softBin, hardBin: Number(r.hard_bin), name: String(r.bin_name), pass: softBin >= 1 && softBin <= 9 });
    }
    return {
      lot: String(test.roll_barcode),
      partType: String(test.product_code ?? ''),
      tester,
      testerType: 'MES sheet test rig',
      jobName: ruleSet.name,
      jobRevision: String(version),
      testCode: 'SHEET_TEST',
      temperatureC: Number(test.temperature_c),
      startedAt,
      pitchMdMm: layout.pitchMdMm ?? 0,
      pitchCdMm: layout.pitchCdMm ?? 0,
      tests: stdfParametricTests(ruleSet),
      bins,
      hardBins: ruleSet.hardBins ?? [],
    };
  }

  /**
   * A sheet's current results as an E142 substrate map of soft bins: every bin of the rule set the
   * newest results were binned with (and any bin an older version gave a cell), pass bins picked.
   */
  async sheetE142(sheet: string): Promise<string> {
    await this.sheetWithResults(sheet);
    const test = (await this.repo.newestTestOfSheet(sheet)) as Row;
    const results = await this.repo.currentResults(sheet);
    const version = Math.max(...results.map((r) => Number(r.rule_set_version)));
    const ruleSet = await this.ruleSetOf(test, version);
    const rows = Number(test.rows);
    const cols = Number(test.cols);
    const codes: (number | null)[] = new Array(rows * cols).fill(null);
    const bins = new Map<number, E142BinDefinition>(ruleSet.bins.map((b) => [b.softBin, binDefinition(b.softBin, b.name, b.pass)]));
    for (const r of results) {
      const bin = Number(r.soft_bin);
      codes[Number(r.row) * cols + Number(r.col)] = bin;
      if (!bins.has(bin)) bins.set(bin, binDefinition(bin, String(r.bin_name), bin >= 1 && bin <= 9));
    }
    const layout = (test.layout ?? {}) as Layout;
    return writeE142({
      substrateId: sheet,
      substrateType: 'Sheet',
      lotId: String(test.roll_barcode),
      rows,
      cols,
      pitchXMm: layout.pitchCdMm ?? 0,
      pitchYMm: layout.pitchMdMm ?? 0,
      cellXMm: layout.cellCdMm ?? 0,
      cellYMm: layout.cellMdMm ?? 0,
      mapName: 'SoftBin',
      bins: [...bins.values()],
      codes,
    });
  }

  private async binnedTest(sheetTestId: string): Promise<Row> {
    if (!UUID.test(sheetTestId))
      throw new DomainError(
        'VALIDATION_FAILED',
        `"${sheetTestId}" is not a sheet test id: expected the UUID the ingest answered (sheetTestId)`,
        [{ path: 'sheetTestId', message: 'expected a UUID' }],
      );
    const test = await this.repo.sheetTest(sheetTestId);
    if (!test) throw new DomainError('NOT_FOUND', `No sheet test ${sheetTestId}`);
    if (test.binned_version === null)
      throw new DomainError(
        'CONFLICT',
        `Sheet test ${sheetTestId} is ${String(test.status)} and has no binned results yet: export it once it is DONE`,
      );
    return test;
  }

  private async sheetWithResults(sheet: string): Promise<void> {
    checkBarcode(sheet, 'sheet');
    if (!(await this.repo.sheetHasResults(sheet)))
      throw new DomainError('NOT_FOUND', `No binned results for sheet ${sheet}: no test of it has been binned (or the sheet is unknown)`);
  }

  private async rollWithResults(roll: string): Promise<void> {
    checkBarcode(roll, 'roll');
    if (!(await this.repo.rollHasResults(roll)))
      throw new DomainError('NOT_FOUND', `No binned results for roll ${roll}: no sheet of it has been binned (or the roll is unknown)`);
  }

  /** The stored rule set version; tests of a product without stored versions used the library default. */
  private async ruleSetOf(test: Row, version: number): Promise<RuleSet> {
    const stored = test.product_code ? await this.repo.ruleSet(String(test.product_code), version) : null;
    return (stored as RuleSet | null) ?? defaultAsMadeRuleSet(Number(test.cell_area_cm2), version);
  }
}

function stdfCell(sheet: string, r: Row): StdfCell {
  return {
    row: Number(r.row),
    col: Number(r.col),
    softBin: Number(r.soft_bin),
    hardBin: Number(r.hard_bin),
    partId: `${sheet}-R${Number(r.row)}C${Number(r.col)}`,
    values: [num(r.ocv_v), num(r.r_ohmic_ohm), num(r.r_ct_ohm), num(r.asr_ohm_cm2)],
  };
}

function binDefinition(code: number, name: string, pass: boolean): E142BinDefinition {
  return { code, count: 0, quality: pass ? 'Pass' : 'Fail', description: name, pick: pass };
}

function num(v: unknown): number | null {
  return v === null || v === undefined ? null : Number(v);
}

export function checkBarcode(v: string, what: 'sheet' | 'roll'): void {
  if (!BARCODE.test(v))
    throw new DomainError('VALIDATION_FAILED', `"${v}" is not a ${what} barcode: expected 1-64 letters, digits and . _ : / -`, [
      { path: what, message: 'expected a barcode' },
    ]);
}
