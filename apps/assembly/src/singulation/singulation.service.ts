import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import {
  buildPickMap,
  isPassGrade,
  planLayers,
  singulationProblem,
  type CapacitySource,
  type PickCandidate,
  type PickMap,
  type PickOrder,
  type PickStrategy,
} from '@mes/assembly';
import type { Actor } from '@mes/auth';
import { sheetCellPositions } from '@mes/geometry';
import { DomainError } from '@mes/service-core';
import { recordAudit } from '../audit/assembly-audit.repository';
import { LineData, type LineSheet, type SheetResults } from '../clients/line-data';
import type { SingulationReportEntity } from '../database/assembly.entities';
import { AssemblyMasterDataService } from '../master-data/master-data.service';
import { SingulationRepository, type SingulatedCellRow } from './singulation.repository';
import type { SingulationReportInput, SingulationYieldModel } from './singulation.model';

export const SINGULATION = 'SINGULATION';
/** Pockets per carrier (a waffle pack) in graded inventory. */
const CARRIER_POCKETS = 100;

interface SheetPicture {
  sheet: LineSheet;
  results: SheetResults;
  map: PickMap;
  candidates: PickCandidate[];
  capacitySource: CapacitySource[];
}

/**
 * Singulation driven by bins: the pick map from each cell's current result, its holds and the open
 * work orders; then the station's report of what it picked and what broke.
 */
@Injectable()
export class SingulationService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly line: LineData,
    private readonly masterData: AssemblyMasterDataService,
    private readonly repo: SingulationRepository,
  ) {}

  async pickMap(sheetBarcode: string, strategy: PickStrategy): Promise<PickMap> {
    return (await this.picture(sheetBarcode, strategy)).map;
  }

  private async picture(sheetBarcode: string, strategy: PickStrategy): Promise<SheetPicture> {
    const sheet = await this.line.sheet(sheetBarcode);
    const [results, held, orders, predicted] = await Promise.all([
      this.line.sheetResults(sheet.barcode, sheet.productCode),
      this.line.heldCells(sheet.barcode),
      this.masterData.workOrders({ openOnly: true, cellProductCode: sheet.productCode }),
      this.line.sheetPredictedCapacity(sheet.barcode),
    ]);
    const problem = singulationProblem({
      sheet: sheet.barcode,
      tests: results.tests,
      softBins: results.softBin,
      cols: sheet.cols,
      maxRetests: results.maxRetests,
    });
    if (problem)
      throw new DomainError('CONFLICT', `No pick map for sheet ${sheet.barcode}: ${problem}`, [], { reason: 'RESULTS_NOT_FINAL' });
    if (!orders.length) {
      throw new DomainError(
        'CONFLICT',
        `No open work order wants cells of product ${sheet.productCode}: create a work order for a stack product made of ${sheet.productCode} first`,
        [],
        { reason: 'NO_OPEN_WORK_ORDER' },
      );
    }
    const heldAt = new Set(held.map((h) => h.row * sheet.cols + h.col));
    const pos = sheetCellPositions(sheet.layout, sheet.mdStartMm);
    // A cell's capacity: predicted from the LCO thickness at its roll position, else the product's nominal one.
    const nominal = orders[0].product.nominalCellCapacityMah;
    const capacitySource: CapacitySource[] = [];
    const candidates: PickCandidate[] = [];
    for (let i = 0; i < sheet.rows * sheet.cols; i++) {
      const softBin = results.softBin[i] ?? null;
      const p = predicted[i];
      capacitySource.push(p !== null && p !== undefined && p > 0 ? 'PREDICTED' : 'NOMINAL');
      candidates.push({
        row: pos.row[i],
        col: pos.col[i],
        softBin,
        hardBin: softBin === null ? null : (results.hardBinOf.get(softBin) ?? null),
        held: heldAt.has(i),
        asrOhmCm2: results.asrOhmCm2[i] ?? null,
        capacityMah: capacitySource[i] === 'PREDICTED' ? (p as number) : nominal,
        rollBarcode: sheet.rollBarcode,
        mdMm: pos.mdMm[i],
      });
    }
    const pickOrders: PickOrder[] = orders.map((o) => ({
      workOrder: o.code,
      allowedGrades: o.product.allowedGrades,
      // N from the smallest capacity among this sheet's cells of the grades the order takes.
      layers: planLayers(
        o.product.targetCapacityMah,
        o.product.nominalCellCapacityMah,
        candidates.flatMap((c, i) =>
          c.softBin !== null && o.product.allowedGrades.includes(c.softBin)
            ? [{ capacityMah: c.capacityMah, capacitySource: capacitySource[i] }]
            : [],
        ),
      ).layers,
      rules: { asrSpreadPct: o.product.asrSpreadPct, capacitySpreadPct: o.product.capacitySpreadPct, maxMdSpanMm: o.product.maxMdSpanMm },
      stacksOpen: Math.max(0, o.quantity - o.stacksStarted),
    }));
    return {
      sheet,
      results,
      candidates,
      capacitySource,
      map: buildPickMap(sheet.barcode, candidates, pickOrders, strategy, CARRIER_POCKETS),
    };
  }

  /**
   * The station's report: picked cells become singulated units in their carrier pockets, broken ones
   * are kept with their reason. Every cell must be in the current pick map, once; the sheet must be
   * tracked in at this singulation station; one report per sheet. All or nothing.
   */
  async report(actor: Actor, input: SingulationReportInput): Promise<SingulationYieldModel> {
    const operation = await this.line.stationOperation(input.stationCode);
    if (operation !== SINGULATION) {
      throw new DomainError(
        'WRONG_OPERATION',
        operation ? `Station ${input.stationCode} performs ${operation}, not ${SINGULATION}` : `Unknown station ${input.stationCode}`,
        [{ path: 'input.stationCode', message: 'expected a SINGULATION station' }],
      );
    }
    const { sheet, results, map, candidates, capacitySource } = await this.picture(input.sheet, input.strategy);
    if (sheet.operation !== SINGULATION || sheet.stepState !== 'IN_PROCESS' || sheet.stationCode !== input.stationCode) {
      throw new DomainError(
        'NOT_TRACKED_IN',
        `Sheet ${sheet.barcode} is not tracked in at ${input.stationCode} (it is ${sheet.status} ${sheet.stepState} at ${sheet.operation ?? 'no operation'}); scan TRACK_IN there first`,
      );
    }
    const inMap = new Map(map.entries.map((e) => [`${e.row},${e.col}`, e]));
    const seen = new Set<string>();
    const problems: { path: string; message: string }[] = [];
    const check = (list: { row: number; col: number }[], name: string) =>
      list.forEach((c, i) => {
        const key = `${c.row},${c.col}`;
        if (seen.has(key)) problems.push({ path: `input.${name}[${i}]`, message: `cell (${c.row}, ${c.col}) is reported twice` });
        else if (!inMap.has(key))
          problems.push({
            path: `input.${name}[${i}]`,
            message: `cell (${c.row}, ${c.col}) is not in the pick map: ${this.whyNot(map, c, candidates, sheet.cols)}`,
          });
        seen.add(key);
      });
    check(input.picked, 'picked');
    check(input.broken, 'broken');
    if (input.picked.length + input.broken.length === 0)
      problems.push({ path: 'input.picked', message: 'expected at least one picked or broken cell' });
    if (problems.length) {
      throw new DomainError(
        'VALIDATION_FAILED',
        `Singulation report for sheet ${sheet.barcode} refused: ${problems[0].message}${problems.length > 1 ? ` (and ${problems.length - 1} more)` : ''}; nothing was stored`,
        problems.slice(0, 100),
      );
    }
    const area = sheet.cellActiveAreaCm2;
    const idx = (c: { row: number; col: number }) => c.row * sheet.cols + c.col;
    const pos = sheetCellPositions(sheet.layout, sheet.mdStartMm);
    const tested = results.softBin.filter((b) => b !== null).length;
    const passed = results.softBin.filter((b) => b !== null && isPassGrade(b)).length;
    const rows = [
      ...input.picked.map((c) => ({ c, status: 'SINGULATED' as const, reason: null as string | null, e: inMap.get(`${c.row},${c.col}`)! })),
      ...input.broken.map((c) => ({ c, status: 'BROKEN' as const, reason: c.reason, e: inMap.get(`${c.row},${c.col}`)! })),
    ];
    const cells = rows.map((x): SingulatedCellRow => {
      const asr = results.asrOhmCm2[idx(x.c)];
      return {
        row: x.c.row,
        col: x.c.col,
        mdMm: pos.mdMm[idx(x.c)],
        cdMm: pos.cdMm[idx(x.c)],
        softBin: x.e.softBin,
        hardBin: x.e.hardBin,
        asrOhmCm2: asr ?? null,
        rOhmicOhm: results.rOhmicOhm[idx(x.c)] ?? null,
        rTotalOhm: asr === null || asr === undefined ? null : asr / area,
        capacityMah: candidates[idx(x.c)].capacityMah,
        capacitySource: capacitySource[idx(x.c)],
        status: x.status,
        carrier: x.status === 'SINGULATED' ? x.e.carrier : null,
        position: x.status === 'SINGULATED' ? x.e.position : null,
        scrapReason: x.reason,
      };
    });
    return this.db.transaction(async (m) => {
      const existing = await this.repo.reportOf(sheet.barcode, m);
      if (existing)
        throw new DomainError(
          'CONFLICT',
          `Sheet ${sheet.barcode} was already singulated (reported by ${existing.reportedBy} at ${existing.reportedAt.toISOString()}); one report per sheet`,
        );
      const report = await this.repo.insertReport(m, {
        sheetBarcode: sheet.barcode,
        stationCode: input.stationCode,
        strategy: input.strategy,
        cellsTested: tested,
        cellsPassed: passed,
        cellsInPickMap: map.entries.length,
        picked: input.picked.length,
        broken: input.broken.length,
        reportedBy: actor.username,
      });
      await this.repo.insertCells(m, { id: report.id, sheetBarcode: sheet.barcode, rollBarcode: sheet.rollBarcode }, cells);
      await recordAudit(m, {
        actor: actor.username,
        action: 'REPORT_SINGULATION',
        entityType: 'Sheet',
        entityId: sheet.barcode,
        details: {
          stationCode: input.stationCode,
          strategy: input.strategy,
          picked: input.picked.length,
          broken: input.broken,
          cellsInPickMap: map.entries.length,
        },
      });
      return toYield(report);
    });
  }

  async yieldOf(sheet: string): Promise<SingulationYieldModel | null> {
    const r = await this.repo.reportOf(sheet);
    return r ? toYield(r) : null;
  }

  private whyNot(map: PickMap, c: { row: number; col: number }, candidates: PickCandidate[], cols: number): string {
    if (c.row * cols + c.col >= candidates.length || c.col >= cols) return 'it is outside the sheet';
    const ex = map.excluded.find((e) => e.cells.some((x) => x.row === c.row && x.col === c.col));
    const cand = candidates[c.row * cols + c.col];
    const what: Record<string, string> = {
      UNTESTED: 'it was never tested',
      RIG_FAULT: 'its result is a rig fault (soft bin 0)',
      FAILED: `it failed (soft bin ${cand.softBin}, hard bin ${cand.hardBin})`,
      ON_HOLD: 'it is on hold',
      GRADE_NOT_WANTED: `no open work order wants grade ${cand.softBin}`,
      NO_MATCHING_KIT: 'it fits no kit',
    };
    return ex ? what[ex.reason] : 'it is not a pick';
  }
}

function toYield(r: SingulationReportEntity): SingulationYieldModel {
  return {
    sheet: r.sheetBarcode,
    stationCode: r.stationCode,
    cellsTested: r.cellsTested,
    cellsPassed: r.cellsPassed,
    cellsInPickMap: r.cellsInPickMap,
    picked: r.picked,
    broken: r.broken,
    testYield: r.cellsTested ? r.cellsPassed / r.cellsTested : null,
    singulationLoss: r.picked + r.broken ? r.broken / (r.picked + r.broken) : null,
    reportedBy: r.reportedBy,
    reportedAt: r.reportedAt,
  };
}
