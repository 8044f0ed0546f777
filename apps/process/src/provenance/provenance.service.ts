import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { cellMdExtent, cellRollPosition, type SheetLayout } from '@mes/geometry';
import { decodeFloat32, interpolateThickness, mergeStats, predictedCapacityUah, statsInMdRange, type SeriesStats } from '@mes/process';
import { DomainError } from '@mes/service-core';
import { TrackingClient, type RollParentLink } from '@mes/tracking-client';
import { isRunId } from '../common/ids';
import { ProcessAlarmEntity, ProcessRunEntity, ProductSettingsEntity, ThicknessMapEntity } from '../database/process.entities';
import { actualValues, RunViews } from '../runs/run.views';
import type {
  CellProvenanceModel,
  ParameterTrendPointModel,
  RunWhereUsedModel,
  SheetPredictedCapacityModel,
  TraceAtCellModel,
} from './provenance.model';

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

interface TraceRow {
  run_id: string;
  md_mode: string;
  channel: string;
  unit: string;
  zone_offset_mm: number;
  md0_mm: number;
  md_mm: Buffer | null;
  values: Buffer | null;
  min: number;
  max: number;
  mean: number;
  samples: number;
}

/** Where a sheet sits never changes once it is cut, so its geometry is kept (bounded). */
const SHEET_CACHE_MAX = 20_000;

/** Provenance: how a cell was made at its own position; where a run's material went; parameter trends. */
@Injectable()
export class ProvenanceService {
  private readonly sheets = new Map<string, SheetGeometry>();
  private readonly lineage = new Map<string, RollParentLink[]>();

  constructor(
    @InjectDataSource() private readonly db: DataSource,
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
    const { mdMm, cdMm } = cellRollPosition(sheet.layout, sheet.mdStartMm, row, col);
    const extent = cellMdExtent(sheet.layout, mdMm);

    // Process data was recorded on whichever roll the material was on at the time: follow the
    // cell's stretch up through splices and slits.
    const origins = await this.origins({
      rollBarcode: sheet.rollBarcode,
      fromMm: extent.startMm,
      toMm: extent.endMm,
      centreMm: mdMm,
      cdMm,
    });
    const perOrigin = await Promise.all(origins.map((o) => this.atOrigin(o, sheetBarcode)));
    const runs = perOrigin.flatMap((x) => x.runs).sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime());
    const traces = new Map(perOrigin.flatMap((x) => [...x.traces]));
    const [views, settings] = await Promise.all([
      this.views.of(runs),
      this.db.getRepository(ProductSettingsEntity).findOne({ where: { productCode: sheet.productCode } }),
    ]);
    // The newest map of each layer, wherever on the genealogy it was measured.
    const newest = new Map<string, { layer: string; thicknessUm: number; instrument: string; measuredAt: Date }>();
    for (const t of perOrigin.flatMap((x) => x.thickness)) {
      const seen = newest.get(t.layer);
      if (!seen || seen.measuredAt < t.measuredAt) newest.set(t.layer, t);
    }
    const thickness = [...newest.values()].sort((a, b) => a.layer.localeCompare(b.layer));
    const lco = newest.get('LCO');
    return {
      sheet: sheetBarcode,
      row,
      col,
      rollBarcode: sheet.rollBarcode,
      mdMm,
      cdMm,
      mdFromMm: extent.startMm,
      mdToMm: extent.endMm,
      layers: views.map((run) => ({ operation: run.operation, run, traces: traces.get(run.id) ?? [] })),
      thickness,
      predictedCapacityUah:
        lco && settings ? predictedCapacityUah(lco.thicknessUm, sheet.cellActiveAreaCm2, settings.lcoUtilization) : null,
      alarms: perOrigin.flatMap((x) => x.alarms),
    };
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
    const settings = await this.db.getRepository(ProductSettingsEntity).findOne({ where: { productCode: sheet.productCode } });
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
    const maps = await this.db.query<(ThicknessMapEntity & { roll: string })[]>(
      `SELECT DISTINCT ON (roll_barcode) roll_barcode AS roll, measured_at AS "measuredAt", cd_mm AS "cdMm", md_mm AS "mdMm", values_um AS "valuesUm"
         FROM process.thickness_maps WHERE layer = 'LCO' AND roll_barcode = ANY($1::text[]) ORDER BY roll_barcode, measured_at DESC, id DESC`,
      [[...new Set(origins.map((o) => o.rollBarcode))]],
    );
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

  private async atOrigin(o: Origin, sheetBarcode: string) {
    const runs = await this.db
      .getRepository(ProcessRunEntity)
      .createQueryBuilder('r')
      .where('r.rollBarcode = :roll AND r.mdStartMm < :to AND :from < r.mdEndMm', { roll: o.rollBarcode, from: o.fromMm, to: o.toMm })
      .getMany();
    const [traces, maps, alarms] = await Promise.all([
      this.tracesAt(
        runs.map((r) => r.id),
        o.fromMm,
        o.toMm,
        o.centreMm,
      ),
      this.db.query<ThicknessMapEntity[]>(
        `SELECT DISTINCT ON (layer) id, layer, instrument, measured_at AS "measuredAt", cd_mm AS "cdMm", md_mm AS "mdMm", values_um AS "valuesUm"
           FROM process.thickness_maps WHERE roll_barcode = $1 ORDER BY layer, measured_at DESC, id DESC`,
        [o.rollBarcode],
      ),
      this.db
        .getRepository(ProcessAlarmEntity)
        .createQueryBuilder('a')
        .where(
          'a.rollBarcode = :roll AND a.mdStartMm < :to AND :from < a.mdEndMm AND (a.sheetBarcode IS NULL OR a.sheetBarcode = :sheet)',
          { roll: o.rollBarcode, from: o.fromMm, to: o.toMm, sheet: sheetBarcode },
        )
        .orderBy('a.id')
        .getMany(),
    ]);
    const thickness = maps.flatMap((m) => {
      const t = interpolateThickness({ cdMm: m.cdMm, mdMm: m.mdMm, valuesUm: m.valuesUm }, o.centreMm, o.cdMm);
      return t === null ? [] : [{ layer: m.layer, thicknessUm: t, instrument: m.instrument, measuredAt: m.measuredAt }];
    });
    return { runs, traces, thickness, alarms };
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
   * cell are decoded and cut to its extent (a sheet run's samples all cover the whole sheet).
   */
  private async tracesAt(runIds: string[], from: number, to: number, centre: number): Promise<Map<string, TraceAtCellModel[]>> {
    const out = new Map<string, TraceAtCellModel[]>();
    if (runIds.length === 0) return out;
    // A cell narrower than the distance the web moves between samples may hold no sample: also
    // fetch the batches just around it so the nearest sample can stand in.
    const rows = await this.db.query<TraceRow[]>(
      `SELECT b.run_id, r.md_mode, c.channel, c.unit, c.zone_offset_mm, b.md0_mm, b.samples,
              CASE WHEN r.md_mode = 'WEB' THEN b.md_mm END AS md_mm, CASE WHEN r.md_mode = 'WEB' THEN c.values END AS values, c.min, c.max, c.mean
         FROM process.trace_batches b
         JOIN process.process_runs r ON r.id = b.run_id
         JOIN process.trace_channels c ON c.run_id = b.run_id AND c.batch_id = b.batch_id
        WHERE b.run_id = ANY($1::uuid[])
          AND (r.md_mode = 'BATCH' OR (b.md_min_mm < $3::float8 + 1000 AND b.md_max_mm > $2::float8 - 1000))`,
      [runIds, from, to],
    );
    const byRunChannel = new Map<
      string,
      { run: string; channel: string; unit: string; parts: SeriesStats[]; nearest: { d: number; v: number } | null }
    >();
    for (const row of rows) {
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
    const run = isRunId(runId) ? await this.db.getRepository(ProcessRunEntity).findOne({ where: { id: runId } }) : null;
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
    const rows = await this.db.query<(ProcessRunEntity & { recipe_name: string; recipe_version: number; parameters: never })[]>(
      `SELECT r.id, r.roll_barcode AS "rollBarcode", r.sheet_barcode AS "sheetBarcode", r.md_start_mm AS "mdStartMm", r.md_end_mm AS "mdEndMm",
              r.equipment_code AS "equipmentCode", r.completed_at AS "completedAt", r.actuals, rc.name AS recipe_name, rc.version AS recipe_version, rc.parameters
         FROM process.process_runs r JOIN process.recipes rc ON rc.id = r.recipe_id
        WHERE r.operation = $1 AND r.state = 'COMPLETED' AND r.actuals ? $2
          AND ($3::varchar IS NULL OR rc.name = $3) AND ($4::timestamptz IS NULL OR r.completed_at >= $4) AND ($5::timestamptz IS NULL OR r.completed_at < $5)
        ORDER BY r.completed_at DESC LIMIT $6`,
      [operation, parameter, filter.recipeName ?? null, filter.from ?? null, filter.to ?? null, filter.limit],
    );
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
