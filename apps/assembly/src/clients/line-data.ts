import { Injectable } from '@nestjs/common';
import type { RollChildLink } from '@mes/assembly';
import type { SheetLayout } from '@mes/geometry';
import { DomainError } from '@mes/service-core';
import type { ServiceGraphql } from './service-graphql';

export const TRACKING_GRAPHQL = Symbol('TRACKING_GRAPHQL');
export const TEST_DATA_GRAPHQL = Symbol('TEST_DATA_GRAPHQL');

export interface LineSheet {
  barcode: string;
  rollBarcode: string;
  productCode: string;
  rows: number;
  cols: number;
  mdStartMm: number;
  cellActiveAreaCm2: number;
  status: string;
  operation: string | null;
  stepState: string;
  stationCode: string | null;
  layout: SheetLayout;
  activeHolds: { id: string; reason: string }[];
}

export interface LineCellState {
  sheetBarcode: string;
  row: number;
  col: number;
  rollBarcode: string;
  mdMm: number;
  cdMm: number;
  status: string;
  activeHolds: { id: string; reason: string }[];
}

/** A cell's impedance spectrum as its sheet test measured it (test-data's CellSpectrum). */
export interface LineCellSpectrum {
  sheetTestId: string;
  testId: string;
  status: string;
  frequenciesHz: number[];
  zReOhm: number[];
  zImOhm: number[];
}

/** A sheet's current results, one value per cell, row-major (null where untested). */
export interface SheetResults {
  softBin: (number | null)[];
  asrOhmCm2: (number | null)[];
  rOhmicOhm: (number | null)[];
  hardBinOf: Map<number, number>;
  tests: { testId: string; status: string }[];
  maxRetests: number;
}

/** What the end of the line reads from tracking, test-data and process, through their public GraphQL. */
@Injectable()
export class LineData {
  constructor(
    private readonly tracking: ServiceGraphql,
    private readonly testData: ServiceGraphql,
    private readonly process: ServiceGraphql,
  ) {}

  /**
   * Each cell's predicted capacity (mAh) on a sheet, row-major, from the process service's LCO
   * thickness maps at the cells' roll positions; null where none is known.
   */
  async sheetPredictedCapacity(sheet: string): Promise<(number | null)[]> {
    const d = await this.process.query<{ sheetPredictedCapacity: { valuesMah: (number | null)[] } }>(
      'query($s: String!) { sheetPredictedCapacity(sheet: $s) { valuesMah } }',
      { s: sheet },
    );
    return d.sheetPredictedCapacity.valuesMah;
  }

  /** The roll and MD segment a process run covered, from the process service (NOT_FOUND for an unknown run). */
  async runSegment(runId: string): Promise<{ rollBarcode: string; mdStartMm: number; mdEndMm: number }> {
    const d = await this.process.query<{ processRun: { rollBarcode: string; mdStartMm: number; mdEndMm: number } }>(
      'query($id: ID!) { processRun(id: $id) { rollBarcode mdStartMm mdEndMm } }',
      { id: runId },
    );
    return d.processRun;
  }

  async sheet(barcode: string): Promise<LineSheet> {
    const d = await this.tracking.query<{ sheet: LineSheet }>(
      `query($b: String!) { sheet(barcode: $b) { barcode rollBarcode productCode rows cols mdStartMm cellActiveAreaCm2 status operation stepState stationCode activeHolds { id reason }
         layout { rows cols cellMdMm cellCdMm pitchMdMm pitchCdMm firstCellMdMm firstCellCdMm sheetLengthMdMm } } }`,
      { b: barcode },
    );
    return d.sheet;
  }

  async heldCells(sheet: string): Promise<{ row: number; col: number; holdId: string; reason: string }[]> {
    return (
      await this.tracking.query<{ heldCells: { row: number; col: number; holdId: string; reason: string }[] }>(
        'query($s: String!) { heldCells(sheet: $s) { row col holdId reason } }',
        { s: sheet },
      )
    ).heldCells;
  }

  /** Cell states in batches of 500 (tracking's limit per call). */
  async cellStates(cells: { sheetBarcode: string; row: number; col: number }[]): Promise<LineCellState[]> {
    const out: LineCellState[] = [];
    for (let i = 0; i < cells.length; i += 500) {
      const d = await this.tracking.query<{ cellStates: LineCellState[] }>(
        'query($c: [CellRefInput!]!) { cellStates(cells: $c) { sheetBarcode row col rollBarcode mdMm cdMm status activeHolds { id reason } } }',
        { c: cells.slice(i, i + 500) },
      );
      out.push(...d.cellStates);
    }
    return out;
  }

  /** A cell's current result, or null when it was never tested. */
  async cellResult(sheet: string, row: number, col: number): Promise<{ softBin: number; hardBin: number; binName: string } | null> {
    const d = await this.testData.query<{ cellResult: { softBin: number; hardBin: number; binName: string } | null }>(
      'query($s: String!, $r: Int!, $c: Int!) { cellResult(sheet: $s, row: $r, col: $c) { softBin hardBin binName } }',
      { s: sheet, r: row, c: col },
    );
    return d.cellResult;
  }

  /**
   * Each cell's stored spectrum from test-data's cellSpectrum (the test of its current result), in
   * the order asked; null where the cell was never tested. One request for a stack's layers: the
   * cells are aliased fields of one query.
   */
  async cellSpectra(cells: { sheetBarcode: string; row: number; col: number }[]): Promise<(LineCellSpectrum | null)[]> {
    if (!cells.length) return [];
    const vars: Record<string, unknown> = {};
    const params: string[] = [];
    const fields = cells.map((c, i) => {
      vars[`s${i}`] = c.sheetBarcode;
      vars[`r${i}`] = c.row;
      vars[`c${i}`] = c.col;
      params.push(`$s${i}: String!, $r${i}: Int!, $c${i}: Int!`);
      return `l${i}: cellSpectrum(sheet: $s${i}, row: $r${i}, col: $c${i}) { sheetTestId testId status frequenciesHz zReOhm zImOhm }`;
    });
    const d = await this.testData.query<Record<string, LineCellSpectrum | null>>(
      `query(${params.join(', ')}) { ${fields.join(' ')} }`,
      vars,
    );
    return cells.map((_, i) => d[`l${i}`] ?? null);
  }

  async hold(id: string): Promise<{
    id: string;
    target: string;
    rollBarcode: string | null;
    mdFromMm: number | null;
    mdToMm: number | null;
    sheetBarcode: string | null;
    row: number | null;
    col: number | null;
    reason: string;
    /** RELEASE, SCRAP or REWORK once released; null while active. */
    disposition: string | null;
  }> {
    return (
      await this.tracking.query<{ hold: Awaited<ReturnType<LineData['hold']>> }>(
        'query($id: ID!) { hold(id: $id) { id target rollBarcode mdFromMm mdToMm sheetBarcode row col reason disposition } }',
        { id },
      )
    ).hold;
  }

  /** The rig an API key belongs to (rig keys are test-data's), or null for a malformed or unknown key. */
  async rigForKey(apiKey: string): Promise<{ id: string; name: string; stationCode: string } | null> {
    const d = await this.testData.query<{ rigForKey: { id: string; name: string; stationCode: string } | null }>(
      'query($k: String!) { rigForKey(apiKey: $k) { id name stationCode } }',
      { k: apiKey },
    );
    return d.rigForKey;
  }

  /** The rolls spliced or slit from a roll (tracking's Roll.children); none for a roll tracking does not know. */
  async rollChildren(barcode: string): Promise<RollChildLink[]> {
    try {
      const d = await this.tracking.query<{ roll: { children: RollChildLink[] } }>(
        'query($b: String!) { roll(barcode: $b) { children { childBarcode mdStartMm mdEndMm parentMdStartMm } } }',
        { b: barcode },
      );
      return d.roll.children;
    } catch (e) {
      if (e instanceof DomainError && (e.code === 'UNKNOWN_BARCODE' || e.code === 'NOT_FOUND')) return [];
      throw e;
    }
  }

  /** The operations the line's stations perform (a stack route may only name these). */
  async stationOperations(): Promise<Set<string>> {
    const d = await this.tracking.query<{ stations: { code: string; operation: string }[] }>('{ stations { code operation } }');
    return new Set(d.stations.map((s) => s.operation));
  }

  /** The codes of tracking's products (cell designs a stack product may be made of). */
  async productCodes(): Promise<Set<string>> {
    const d = await this.tracking.query<{ products: { code: string }[] }>('{ products { code } }');
    return new Set(d.products.map((p) => p.code));
  }

  async stationOperation(code: string): Promise<string | null> {
    const d = await this.tracking.query<{ stations: { code: string; operation: string }[] }>('{ stations { code operation } }');
    return d.stations.find((s) => s.code === code)?.operation ?? null;
  }

  async sheetResults(sheet: string, productCode: string): Promise<SheetResults> {
    const d = await this.testData.query<{
      bins: { values: (number | null)[] };
      asr: { values: (number | null)[] };
      r0: { values: (number | null)[] };
      binPareto: { softBin: number; hardBin: number }[];
      sheetTests: { testId: string; status: string }[];
      productTestPolicy: { maxRetests: number };
    }>(
      `query($s: String!, $p: String!) { bins: sheetMap(sheet: $s, metric: SOFT_BIN) { values } asr: sheetMap(sheet: $s, metric: ASR_OHM_CM2) { values }
         r0: sheetMap(sheet: $s, metric: R_OHMIC_OHM) { values } binPareto(sheet: $s) { softBin hardBin } sheetTests(sheet: $s) { testId status } productTestPolicy(productCode: $p) { maxRetests } }`,
      { s: sheet, p: productCode },
    );
    return {
      softBin: d.bins.values,
      asrOhmCm2: d.asr.values,
      rOhmicOhm: d.r0.values,
      hardBinOf: new Map(d.binPareto.map((b) => [b.softBin, b.hardBin])),
      tests: d.sheetTests,
      maxRetests: d.productTestPolicy.maxRetests,
    };
  }
}
