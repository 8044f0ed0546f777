import { Injectable } from '@nestjs/common';
import { cellKey, cellMdExtent, cellRollPosition, type CellRef, type SheetLayout } from '@mes/geometry';
import { decodeFloat32, interpolateThickness, mergeStats, predictedCapacityUah, statsInMdRange, type SeriesStats } from '@mes/process';
import { BatchLoader, DomainError } from '@mes/service-core';
import { TrackingClient, type RollParentLink } from '@mes/tracking-client';
import { isRunId } from '../common/ids';
import type { ProcessAlarmEntity, ProcessRunEntity, ThicknessMapEntity } from '../database/process.entities';
import type { ProcessRunModel } from '../runs/run.model';
import { actualValues, RunViews } from '../runs/run.views';
import type { TraceChannelSummaryModel } from './material-provenance.model';
import type {
  CellProvenanceModel,
  ParameterTrendPointModel,
  RunWhereUsedModel,
  SheetPredictedCapacityModel,
  TraceAtCellModel,
} from './provenance.model';
import { ProvenanceRepository, TRACE_MARGIN_MM, type TraceRow } from './provenance.repository';

interface SheetGeometry {
  rollBarcode: string;
  productCode: string;
  mdStartMm: number;
  layout: SheetLayout;
  cellActiveAreaCm2: number;
}

/** A stretch of a roll a cell came from, in that roll's coordinates. */
interface Origin {
  rollBarcode: string;
  fromMm: number;
  toMm: number;
  centreMm: number;
  cdMm: number;
}

/** Where a sheet sits never changes once it is cut, so its geometry is kept (bounded). */
const SHEET_CACHE_MAX = 20_000;

/** A sheet as the graph hands it over: its roll and the stretch of it the sheet was cut from. */
export interface SheetStretch {
  barcode: string;
  rollBarcode: string;
  mdStartMm: number;
  mdEndMm: number;
}

/** What is stored along one roll for a stretch of it: the runs, alarms, thickness maps and trace batches there. */
interface RollStretchData {
  runs: ProcessRunEntity[];
  alarms: ProcessAlarmEntity[];
  maps: ThicknessMapEntity[];
  traces: TraceRow[];
}

const overlapping = (a: { mdStartMm: number; mdEndMm: number }, fromMm: number, toMm: number) => a.mdStartMm < toMm && fromMm < a.mdEndMm;

/** Provenance: how a cell was made at its own position; where a run's material went; parameter trends. */
@Injectable()
export class ProvenanceService {
  private readonly sheets = new Map<string, SheetGeometry>();
  private readonly lineage = new Map<string, RollParentLink[]>();
  private readonly cellBatch = new BatchLoader<CellRef, CellProvenanceModel | null>((refs) => this.cells(refs), cellKey, null);
  private readonly rollRunsBatch = new BatchLoader<string, ProcessRunModel[]>((rolls) => this.runsOfRolls(rolls), String, []);
  private readonly traceSummaryBatch = new BatchLoader<string, TraceChannelSummaryModel[]>(
    (rolls) => this.traceSummaries(rolls),
    String,
    [],
  );
  private readonly sheetRunsBatch = new BatchLoader<SheetStretch, ProcessRunModel[]>(
    (sheets) => this.runsOfSheets(sheets),
    (s) => s.barcode,
    [],
  );

  constructor(
    private readonly store: ProvenanceRepository,
    private readonly tracking: TrackingClient,
    private readonly views: RunViews,
  ) {}

  async cell(sheetBarcode: string, row: number, col: number): Promise<CellProvenanceModel> {
    const sheet = await this.sheet(sheetBarcode);
    if (!Number.isInteger(row) || !Number.isInteger(col) || row < 0 || col < 0 || row >= sheet.layout.rows || col >= sheet.layout.cols) {
      throw new DomainError(
        'VALIDATION_FAILED',
        `Cell (${row}, ${col}) is outside sheet ${sheetBarcode}'s ${sheet.layout.rows} x ${sheet.layout.cols} grid`,
        [{ path: 'row', message: `expected 0 <= row < ${sheet.layout.rows} and 0 <= col < ${sheet.layout.cols}` }],
      );
    }
    const ref = { sheetBarcode, row, col };
    return (await this.cells([ref])).get(cellKey(ref)) as CellProvenanceModel;
  }

  /** Cell.provenance: the cells asked for in one burst share their sheets' queries (see cells). */
  cellBatched(ref: CellRef): Promise<CellProvenanceModel | null> {
    return this.cellBatch.load(ref);
  }

  /**
   * The provenance of many cells, keyed by cellKey (cells outside their sheet's grid are absent).
   * What is stored along the rolls is read once per sheet for the stretch its cells span (a handful
   * of queries per sheet, however many of its cells are asked), then each cell takes its own part.
   */
  async cells(refs: readonly CellRef[]): Promise<Map<string, CellProvenanceModel>> {
    const out = new Map<string, CellProvenanceModel>();
    const bySheet = new Map<string, CellRef[]>();
    for (const r of refs) bySheet.set(r.sheetBarcode, [...(bySheet.get(r.sheetBarcode) ?? []), r]);
    const sheets = new Map(await Promise.all([...bySheet.keys()].map(async (b) => [b, await this.sheet(b)] as const)));
    const settings = await this.store.settingsOf([...sheets.values()].map((s) => s.productCode));
    const perSheet = await Promise.all(
      [...bySheet].map(async ([barcode, cells]) => {
        const sheet = sheets.get(barcode) as SheetGeometry;
        const placed = cells
          .filter((c) => c.row >= 0 && c.col >= 0 && c.row < sheet.layout.rows && c.col < sheet.layout.cols)
          .map((c) => {
            const { mdMm, cdMm } = cellRollPosition(sheet.layout, sheet.mdStartMm, c.row, c.col);
            return { ref: c, mdMm, cdMm, extent: cellMdExtent(sheet.layout, mdMm) };
          });
        if (!placed.length) return { barcode, sheet, placed, data: new Map<string, RollStretchData>() };
        // Process data was recorded on whichever roll the material was on at the time: follow the
        // stretch the cells span up through splices and slits, and read each roll's part once.
        const span = await this.origins({
          rollBarcode: sheet.rollBarcode,
          fromMm: Math.min(...placed.map((p) => p.extent.startMm)),
          toMm: Math.max(...placed.map((p) => p.extent.endMm)),
          centreMm: 0,
          cdMm: 0,
        });
        const ranges = new Map<string, { fromMm: number; toMm: number }>();
        for (const o of span) {
          const r = ranges.get(o.rollBarcode);
          ranges.set(o.rollBarcode, r ? { fromMm: Math.min(r.fromMm, o.fromMm), toMm: Math.max(r.toMm, o.toMm) } : o);
        }
        const data = new Map(
          await Promise.all(
            [...ranges].map(async ([roll, { fromMm, toMm }]) => {
              const [runs, alarms, maps] = await Promise.all([
                this.store.runsOverlapping(roll, fromMm, toMm),
                this.store.alarmsOverlapping(roll, fromMm, toMm, [barcode]),
                this.store.newestThicknessMaps(roll),
              ]);
              const traces = await this.store.traceRows(
                runs.map((r) => r.id),
                fromMm,
                toMm,
              );
              return [roll, { runs, alarms, maps, traces }] as const;
            }),
          ),
        );
        return { barcode, sheet, placed, data };
      }),
    );
    const allRuns = new Map(perSheet.flatMap((s) => [...s.data.values()].flatMap((d) => d.runs.map((r) => [r.id, r] as const))));
    const views = new Map((await this.views.of([...allRuns.values()])).map((v) => [v.id, v]));

    for (const { barcode, sheet, placed, data } of perSheet) {
      for (const { ref, mdMm, cdMm, extent } of placed) {
        const origins = await this.origins({
          rollBarcode: sheet.rollBarcode,
          fromMm: extent.startMm,
          toMm: extent.endMm,
          centreMm: mdMm,
          cdMm,
        });
        const perOrigin = origins.map((o) => this.atOrigin(o, data.get(o.rollBarcode) as RollStretchData));
        const runs = perOrigin.flatMap((x) => x.runs).sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime());
        const traces = new Map(perOrigin.flatMap((x) => [...x.traces]));
        // The newest map of each layer, wherever on the genealogy it was measured.
        const newest = new Map<string, { layer: string; thicknessUm: number; instrument: string; measuredAt: Date }>();
        for (const t of perOrigin.flatMap((x) => x.thickness)) {
          const seen = newest.get(t.layer);
          if (!seen || seen.measuredAt < t.measuredAt) newest.set(t.layer, t);
        }
        const lco = newest.get('LCO');
        const lcoUtilization = settings.get(sheet.productCode)?.lcoUtilization;
        out.set(cellKey(ref), {
          sheet: barcode,
          row: ref.row,
          col: ref.col,
          rollBarcode: sheet.rollBarcode,
          mdMm,
          cdMm,
          mdFromMm: extent.startMm,
          mdToMm: extent.endMm,
          layers: runs
            .map((r) => views.get(r.id) as ProcessRunModel)
            .map((run) => ({ operation: run.operation, run, traces: traces.get(run.id) ?? [] })),
          thickness: [...newest.values()].sort((a, b) => a.layer.localeCompare(b.layer)),
          predictedCapacityUah:
            lco && lcoUtilization !== undefined ? predictedCapacityUah(lco.thicknessUm, sheet.cellActiveAreaCm2, lcoUtilization) : null,
          alarms: perOrigin.flatMap((x) => x.alarms),
        });
      }
    }
    return out;
  }

  /** Roll.processRuns: the rolls asked for in one burst share one query (and the three of the run views). */
  runsOfRoll(rollBarcode: string): Promise<ProcessRunModel[]> {
    return this.rollRunsBatch.load(rollBarcode);
  }

  /** Roll.traceSummary, one query for the rolls of one burst. */
  traceSummaryOfRoll(rollBarcode: string): Promise<TraceChannelSummaryModel[]> {
    return this.traceSummaryBatch.load(rollBarcode);
  }

  /** Sheet.processRuns, one query for the sheets of one burst (tracking gives each sheet's roll and stretch). */
  runsOfSheet(sheet: SheetStretch): Promise<ProcessRunModel[]> {
    return this.sheetRunsBatch.load(sheet);
  }

  private async runsOfRolls(rolls: string[]): Promise<Map<string, ProcessRunModel[]>> {
    const views = await this.views.of(await this.store.runsOfRolls(rolls));
    const out = new Map<string, ProcessRunModel[]>(rolls.map((r) => [r, []]));
    for (const v of views) out.get(v.rollBarcode)?.push(v);
    return out;
  }

  private async traceSummaries(rolls: string[]): Promise<Map<string, TraceChannelSummaryModel[]>> {
    const out = new Map<string, TraceChannelSummaryModel[]>(rolls.map((r) => [r, []]));
    for (const r of await this.store.traceSummaries(rolls)) {
      out.get(r.roll_barcode)?.push({
        operation: r.operation,
        channel: r.channel,
        unit: r.unit,
        runs: Number(r.runs),
        batches: Number(r.batches),
        samples: Number(r.samples),
        min: Number(r.min),
        max: Number(r.max),
        mean: r.mean === null ? null : Number(r.mean),
      });
    }
    return out;
  }

  /** Each sheet's runs: those on its stretch of its roll and of every roll that stretch came from. */
  private async runsOfSheets(sheets: SheetStretch[]): Promise<Map<string, ProcessRunModel[]>> {
    const origins = new Map<string, Origin[]>();
    for (const s of sheets)
      origins.set(
        s.barcode,
        await this.origins({ rollBarcode: s.rollBarcode, fromMm: s.mdStartMm, toMm: s.mdEndMm, centreMm: 0, cdMm: 0 }),
      );
    const runs = await this.views.of(await this.store.runsOfRolls([...origins.values()].flat().map((o) => o.rollBarcode)));
    const out = new Map<string, ProcessRunModel[]>();
    for (const s of sheets) {
      const mine = runs.filter((r) =>
        (origins.get(s.barcode) as Origin[]).some((o) => o.rollBarcode === r.rollBarcode && overlapping(r, o.fromMm, o.toMm)),
      );
      out.set(s.barcode, mine);
    }
    return out;
  }

  /**
   * Every cell's predicted capacity (mAh) on a sheet, row-major: the newest LCO thickness map at the
   * cell's roll position (on its roll or any roll it was spliced or slit from) x active area x
   * 68.5 µAh/cm²/µm x the product's LCO utilization; null where no LCO map covers the cell. All
   * null, with the reason, when the product has no utilization set or the genealogy has no LCO map.
   */
  async sheetCapacity(sheetBarcode: string): Promise<SheetPredictedCapacityModel> {
    const sheet = await this.sheet(sheetBarcode);
    const { rows, cols } = sheet.layout;
    const first = cellRollPosition(sheet.layout, sheet.mdStartMm, 0, 0);
    const last = cellRollPosition(sheet.layout, sheet.mdStartMm, rows - 1, cols - 1);
    // Offsets of each ancestor's coordinates from this roll's: a cell at (md, cd) sits at (md + centre, cd + cd) there.
    const origins = await this.origins({
      rollBarcode: sheet.rollBarcode,
      fromMm: Math.min(first.mdMm, last.mdMm) - sheet.layout.cellMdMm,
      toMm: Math.max(first.mdMm, last.mdMm) + sheet.layout.cellMdMm,
      centreMm: 0,
      cdMm: 0,
    });
    const settings = (await this.store.settingsOf([sheet.productCode])).get(sheet.productCode);
    const empty = (reason: string): SheetPredictedCapacityModel => ({
      sheet: sheetBarcode,
      rows,
      cols,
      lcoUtilization: settings?.lcoUtilization ?? null,
      valuesMah: new Array<number | null>(rows * cols).fill(null),
      cellsPredicted: 0,
      missingReason: reason,
    });
    if (!settings) return empty(`product ${sheet.productCode} has no LCO utilization set (setLcoUtilization)`);
    const maps = await this.store.newestLcoMaps([...new Set(origins.map((o) => o.rollBarcode))]);
    if (!maps.length) return empty(`no LCO thickness map on roll ${sheet.rollBarcode} or the rolls it came from`);
    const mapOf = new Map(maps.map((m) => [m.roll, m]));
    // Newest map first, so the first origin that covers a cell decides.
    const candidates = origins
      .filter((o) => mapOf.has(o.rollBarcode))
      .map((o) => ({ o, m: mapOf.get(o.rollBarcode)! }))
      .sort((a, b) => b.m.measuredAt.getTime() - a.m.measuredAt.getTime());
    const valuesMah: (number | null)[] = [];
    let cellsPredicted = 0;
    for (let row = 0; row < rows; row++) {
      for (let col = 0; col < cols; col++) {
        const { mdMm, cdMm } = cellRollPosition(sheet.layout, sheet.mdStartMm, row, col);
        let value: number | null = null;
        for (const { o, m } of candidates) {
          const md = mdMm + o.centreMm;
          // This stretch of the ancestor is only part of the sheet when a splice joined two rolls within it.
          if (md < o.fromMm || md >= o.toMm) continue;
          const t = interpolateThickness({ cdMm: m.cdMm, mdMm: m.mdMm, valuesUm: m.valuesUm }, md, cdMm + o.cdMm);
          if (t === null) continue;
          value = predictedCapacityUah(t, sheet.cellActiveAreaCm2, settings.lcoUtilization) / 1000;
          break;
        }
        if (value !== null) cellsPredicted++;
        valuesMah.push(value);
      }
    }
    return { sheet: sheetBarcode, rows, cols, lcoUtilization: settings.lcoUtilization, valuesMah, cellsPredicted, missingReason: null };
  }

  /** The cell's stretch on its roll and on every roll it came from (coordinates mapped each step). */
  private async origins(start: Origin): Promise<Origin[]> {
    const out: Origin[] = [];
    const queue: Origin[] = [start];
    while (queue.length) {
      const o = queue.shift() as Origin;
      out.push(o);
      if (out.length > 1000) throw new Error(`the genealogy of roll ${start.rollBarcode} does not end`);
      for (const link of await this.parents(o.rollBarcode)) {
        const from = Math.max(o.fromMm, link.mdStartMm);
        const to = Math.min(o.toMm, link.mdEndMm);
        if (from >= to) continue;
        const shift = link.parentMdStartMm - link.mdStartMm;
        queue.push({
          rollBarcode: link.parentBarcode,
          fromMm: from + shift,
          toMm: to + shift,
          centreMm: o.centreMm + shift,
          cdMm: o.cdMm + link.parentCdStartMm,
        });
      }
    }
    return out;
  }

  /** A cell's part of what was read along one roll: the runs, traces, thickness and alarms at its stretch. */
  private atOrigin(o: Origin, data: RollStretchData) {
    const runs = data.runs.filter((r) => overlapping(r, o.fromMm, o.toMm));
    const ids = new Set(runs.map((r) => r.id));
    const traces = this.tracesAt(
      data.traces.filter((t) => ids.has(t.run_id)),
      o.fromMm,
      o.toMm,
      o.centreMm,
    );
    const thickness = data.maps.flatMap((m) => {
      const t = interpolateThickness({ cdMm: m.cdMm, mdMm: m.mdMm, valuesUm: m.valuesUm }, o.centreMm, o.cdMm);
      return t === null ? [] : [{ layer: m.layer, thicknessUm: t, instrument: m.instrument, measuredAt: m.measuredAt }];
    });
    return { runs, traces, thickness, alarms: data.alarms.filter((a) => overlapping(a, o.fromMm, o.toMm)) };
  }

  private async parents(rollBarcode: string): Promise<RollParentLink[]> {
    const hit = this.lineage.get(rollBarcode);
    if (hit) return hit;
    const links = await this.tracking.rollParents(rollBarcode);
    if (this.lineage.size >= SHEET_CACHE_MAX) this.lineage.clear();
    this.lineage.set(rollBarcode, links); // a roll's parents are written with it and never change
    return links;
  }

  /**
   * Trace statistics over [from, to) for each run and channel: the stored batches that reach the
   * cell are decoded and cut to its extent (a sheet run's samples all cover the whole sheet). A cell
   * narrower than the distance the web moves between samples may hold no sample: the batches just
   * around it (TRACE_MARGIN_MM) give the nearest sample to stand in.
   */
  private tracesAt(rows: TraceRow[], from: number, to: number, centre: number): Map<string, TraceAtCellModel[]> {
    const out = new Map<string, TraceAtCellModel[]>();
    const byRunChannel = new Map<
      string,
      { run: string; channel: string; unit: string; parts: SeriesStats[]; nearest: { d: number; v: number } | null }
    >();
    for (const row of rows) {
      if (row.md_mode !== 'BATCH' && !(row.md_min_mm < to + TRACE_MARGIN_MM && row.md_max_mm > from - TRACE_MARGIN_MM)) continue;
      const key = `${row.run_id}\u0000${row.channel}`;
      let acc = byRunChannel.get(key);
      if (!acc) byRunChannel.set(key, (acc = { run: row.run_id, channel: row.channel, unit: row.unit, parts: [], nearest: null }));
      if (row.md_mode === 'BATCH' || !row.md_mm || !row.values) {
        acc.parts.push({ mean: row.mean, min: row.min, max: row.max, samples: row.samples });
        continue;
      }
      const rel = decodeFloat32(row.md_mm);
      const values = decodeFloat32(row.values);
      const md = new Float64Array(rel.length);
      const base = row.md0_mm + row.zone_offset_mm;
      for (let i = 0; i < rel.length; i++) {
        md[i] = base + rel[i];
        const d = Math.abs(md[i] - centre);
        if (!acc.nearest || d < acc.nearest.d) acc.nearest = { d, v: values[i] };
      }
      const s = statsInMdRange(md, values, from, to);
      if (s) acc.parts.push(s);
    }
    for (const acc of byRunChannel.values()) {
      const merged = mergeStats(acc.parts);
      const stats = merged ?? (acc.nearest ? { mean: acc.nearest.v, min: acc.nearest.v, max: acc.nearest.v, samples: 0 } : null);
      if (!stats) continue;
      const list = out.get(acc.run) ?? [];
      list.push({ channel: acc.channel, unit: acc.unit, ...stats });
      out.set(acc.run, list);
    }
    for (const list of out.values()) list.sort((a, b) => a.channel.localeCompare(b.channel));
    return out;
  }

  async whereUsed(runId: string): Promise<RunWhereUsedModel> {
    const run = isRunId(runId) ? await this.store.runById(runId) : null;
    if (!run) throw new DomainError('NOT_FOUND', `Unknown process run ${runId}`);
    const [view] = await this.views.of([run]);
    const sheets = run.sheetBarcode
      ? [await this.tracking.sheet(run.sheetBarcode)].filter((s) => s !== null)
      : await this.tracking.sheetsOfRoll(run.rollBarcode);
    const touched = sheets.flatMap((s) => {
      if (s.mdStartMm >= run.mdEndMm || s.mdEndMm <= run.mdStartMm) return [];
      let cells = 0;
      for (let r = 0; r < s.layout.rows; r++) {
        const md = s.mdStartMm + s.layout.firstCellMdMm + r * s.layout.pitchMdMm;
        if (md >= run.mdStartMm && md < run.mdEndMm) cells += s.layout.cols;
      }
      return cells > 0 ? [{ sheet: s.barcode, mdStartMm: s.mdStartMm, mdEndMm: s.mdEndMm, cells }] : [];
    });
    return { run: view, sheets: touched, cells: touched.reduce((n, s) => n + s.cells, 0) };
  }

  async trend(
    operation: string,
    parameter: string,
    filter: { recipeName?: string; from?: Date; to?: Date; limit: number },
  ): Promise<ParameterTrendPointModel[]> {
    const rows = await this.store.trendRows(operation, parameter, filter);
    return rows.reverse().map((r) => ({
      runId: r.id,
      rollBarcode: r.rollBarcode,
      sheetBarcode: r.sheetBarcode,
      mdStartMm: r.mdStartMm,
      mdEndMm: r.mdEndMm,
      equipmentCode: r.equipmentCode,
      recipeName: r.recipe_name,
      recipeVersion: r.recipe_version,
      completedAt: r.completedAt as Date,
      actual: actualValues(r.parameters, { [parameter]: (r.actuals as Record<string, number | string>)[parameter] })[0],
    }));
  }

  private async sheet(barcode: string): Promise<SheetGeometry> {
    const hit = this.sheets.get(barcode);
    if (hit) return hit;
    const s = await this.tracking.sheet(barcode);
    if (!s) throw new DomainError('UNKNOWN_BARCODE', `Unknown sheet ${barcode}`, [{ path: 'sheet', message: 'expected a sheet barcode' }]);
    const geometry = {
      rollBarcode: s.rollBarcode,
      productCode: s.productCode,
      mdStartMm: s.mdStartMm,
      layout: s.layout,
      cellActiveAreaCm2: s.cellActiveAreaCm2,
    };
    if (this.sheets.size >= SHEET_CACHE_MAX) this.sheets.clear();
    this.sheets.set(barcode, geometry);
    return geometry;
  }
}
