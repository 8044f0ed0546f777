import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { In, type DataSource } from 'typeorm';
import {
  ExperimentEntity,
  ProcessAlarmEntity,
  ProcessRunEntity,
  ProductSettingsEntity,
  type ThicknessMapEntity,
} from '../database/process.entities';

/** One channel of one stored trace batch as provenance reads it (WEB runs with their MD offsets and values). */
export interface TraceRow {
  run_id: string;
  md_mode: string;
  channel: string;
  unit: string;
  zone_offset_mm: number;
  md0_mm: number;
  md_min_mm: number;
  md_max_mm: number;
  md_mm: Buffer | null;
  values: Buffer | null;
  min: number;
  max: number;
  mean: number;
  samples: number;
}

/** How far around a stretch trace batches are read, so the nearest sample can stand in for a cell that holds none. */
export const TRACE_MARGIN_MM = 1000;

/** One channel of a roll's traces over all its runs of one operation. */
export interface TraceSummaryRow {
  roll_barcode: string;
  operation: string;
  channel: string;
  unit: string;
  runs: number;
  batches: number;
  samples: number;
  min: number;
  max: number;
  /** Null when the batches hold no sample. */
  mean: number | null;
}

/** Read queries of provenance: runs, alarms, thickness maps and traces over stretches of rolls. */
@Injectable()
export class ProvenanceRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Runs on a roll whose segment overlaps [fromMm, toMm). */
  runsOverlapping(rollBarcode: string, fromMm: number, toMm: number): Promise<ProcessRunEntity[]> {
    return this.db
      .getRepository(ProcessRunEntity)
      .createQueryBuilder('r')
      .where('r.rollBarcode = :roll AND r.mdStartMm < :to AND :from < r.mdEndMm', { roll: rollBarcode, from: fromMm, to: toMm })
      .getMany();
  }

  /** Every run on each of the rolls, in the order they started. */
  runsOfRolls(rollBarcodes: readonly string[]): Promise<ProcessRunEntity[]> {
    return this.db
      .getRepository(ProcessRunEntity)
      .find({ where: { rollBarcode: In([...new Set(rollBarcodes)]) }, order: { startedAt: 'ASC', id: 'ASC' } });
  }

  /** The newest thickness map of each layer measured on a roll. */
  newestThicknessMaps(rollBarcode: string): Promise<ThicknessMapEntity[]> {
    return this.db.query<ThicknessMapEntity[]>(
      `SELECT DISTINCT ON (layer) id, layer, instrument, measured_at AS "measuredAt", cd_mm AS "cdMm", md_mm AS "mdMm", values_um AS "valuesUm"
         FROM process.thickness_maps WHERE roll_barcode = $1 ORDER BY layer, measured_at DESC, id DESC`,
      [rollBarcode],
    );
  }

  /** Alarms on a roll whose region overlaps [fromMm, toMm), on the whole roll or on one of the sheets given. */
  alarmsOverlapping(rollBarcode: string, fromMm: number, toMm: number, sheetBarcodes: readonly string[]): Promise<ProcessAlarmEntity[]> {
    return this.db
      .getRepository(ProcessAlarmEntity)
      .createQueryBuilder('a')
      .where(
        'a.rollBarcode = :roll AND a.mdStartMm < :to AND :from < a.mdEndMm AND (a.sheetBarcode IS NULL OR a.sheetBarcode IN (:...sheets))',
        { roll: rollBarcode, from: fromMm, to: toMm, sheets: sheetBarcodes.length ? [...sheetBarcodes] : [''] },
      )
      .orderBy('a.id')
      .getMany();
  }

  /** The newest LCO thickness map of each of these rolls (one row per roll that has one). */
  newestLcoMaps(rollBarcodes: readonly string[]): Promise<(ThicknessMapEntity & { roll: string })[]> {
    if (!rollBarcodes.length) return Promise.resolve([]);
    return this.db.query<(ThicknessMapEntity & { roll: string })[]>(
      `SELECT DISTINCT ON (roll_barcode) roll_barcode AS roll, measured_at AS "measuredAt", cd_mm AS "cdMm", md_mm AS "mdMm", values_um AS "valuesUm"
         FROM process.thickness_maps WHERE layer = 'LCO' AND roll_barcode = ANY($1::text[]) ORDER BY roll_barcode, measured_at DESC, id DESC`,
      [[...rollBarcodes]],
    );
  }

  /** The LCO utilization of each product that has one. */
  async settingsOf(productCodes: readonly string[]): Promise<Map<string, ProductSettingsEntity>> {
    if (!productCodes.length) return new Map();
    const rows = await this.db.getRepository(ProductSettingsEntity).find({ where: { productCode: In([...new Set(productCodes)]) } });
    return new Map(rows.map((s) => [s.productCode, s]));
  }

  /**
   * The trace batches of the runs that reach [fromMm, toMm) (within TRACE_MARGIN_MM), one row per
   * batch and channel; a BATCH run's batches all cover its whole unit, so they come whole. The runs'
   * start times name their months' partitions, so no other month's is read.
   */
  async traceRows(runIds: readonly string[], fromMm: number, toMm: number): Promise<TraceRow[]> {
    const starts = await this.runStarts(`id = ANY($1::uuid[])`, [...runIds]);
    if (!starts.length) return [];
    return this.db.query<TraceRow[]>(TRACE_ROWS_SQL, [runIds, fromMm, toMm, starts]);
  }

  /**
   * The distinct start times of some runs, as PostgreSQL's text (microseconds kept, which a JS Date
   * would drop): bound as constants, they let the planner keep only those months' partitions.
   */
  private async runStarts(where: string, arg: string[]): Promise<string[]> {
    if (!arg.length) return [];
    const rows = await this.db.query<{ s: string }[]>(`SELECT DISTINCT started_at::text AS s FROM process.process_runs WHERE ${where}`, [
      arg,
    ]);
    return rows.map((r) => r.s);
  }

  /** The roll segments of completed runs of an operation that recorded a parameter, with its value (yield by parameter). */
  parameterSegments(
    operation: string,
    parameter: string,
    rollBarcodes: string[] | null,
  ): Promise<{ roll_barcode: string; md_start_mm: number; md_end_mm: number; value: unknown }[]> {
    return this.db.query(
      `SELECT roll_barcode, md_start_mm, md_end_mm, actuals -> $2 AS value FROM process.process_runs
        WHERE operation = $1 AND state = 'COMPLETED' AND actuals ? $2 AND ($3::varchar[] IS NULL OR roll_barcode = ANY($3))`,
      [operation, parameter, rollBarcodes],
    );
  }

  experimentByCode(code: string): Promise<ExperimentEntity | null> {
    return this.db.getRepository(ExperimentEntity).findOne({ where: { code } });
  }

  runById(id: string): Promise<ProcessRunEntity | null> {
    return this.db.getRepository(ProcessRunEntity).findOne({ where: { id } });
  }

  /** Completed runs of an operation that recorded a parameter, newest first, with their recipe's name, version and parameters. */
  trendRows(
    operation: string,
    parameter: string,
    filter: { recipeName?: string; from?: Date; to?: Date; limit: number },
  ): Promise<(ProcessRunEntity & { recipe_name: string; recipe_version: number; parameters: never })[]> {
    return this.db.query(
      `SELECT r.id, r.roll_barcode AS "rollBarcode", r.sheet_barcode AS "sheetBarcode", r.md_start_mm AS "mdStartMm", r.md_end_mm AS "mdEndMm",
              r.equipment_code AS "equipmentCode", r.completed_at AS "completedAt", r.actuals, rc.name AS recipe_name, rc.version AS recipe_version, rc.parameters
         FROM process.process_runs r JOIN process.recipes rc ON rc.id = r.recipe_id
        WHERE r.operation = $1 AND r.state = 'COMPLETED' AND r.actuals ? $2
          AND ($3::varchar IS NULL OR rc.name = $3) AND ($4::timestamptz IS NULL OR r.completed_at >= $4) AND ($5::timestamptz IS NULL OR r.completed_at < $5)
        ORDER BY r.completed_at DESC LIMIT $6`,
      [operation, parameter, filter.recipeName ?? null, filter.from ?? null, filter.to ?? null, filter.limit],
    );
  }

  /**
   * Each roll's traces per operation and channel, over every batch of its runs: the extremes and the
   * mean weighted by samples, from the summaries stored with each batch (no sample is decoded). The
   * runs' start times are read first, so the batches are read from their months' partitions only.
   */
  async traceSummaries(rollBarcodes: readonly string[]): Promise<TraceSummaryRow[]> {
    const rolls = [...new Set(rollBarcodes)];
    const starts = await this.runStarts(`roll_barcode = ANY($1::text[])`, rolls);
    if (!starts.length) return [];
    return this.db.query<TraceSummaryRow[]>(TRACE_SUMMARIES_SQL, [rolls, starts]);
  }
}

/** traceRows: $1 the runs' ids, $2 and $3 the MD stretch, $4 the runs' start times (the partition keys). */
export const TRACE_ROWS_SQL = `SELECT b.run_id, r.md_mode, c.channel, c.unit, c.zone_offset_mm, b.md0_mm, b.md_min_mm, b.md_max_mm, b.samples,
        CASE WHEN r.md_mode = 'WEB' THEN b.md_mm END AS md_mm, CASE WHEN r.md_mode = 'WEB' THEN c.values END AS values, c.min, c.max, c.mean
   FROM process.trace_batches b
   JOIN process.process_runs r ON r.id = b.run_id AND r.started_at = b.run_started_at
   JOIN process.trace_channels c ON c.run_id = b.run_id AND c.batch_id = b.batch_id AND c.run_started_at = b.run_started_at
  WHERE b.run_id = ANY($1::uuid[]) AND b.run_started_at = ANY($4::timestamptz[])
    AND c.run_id = ANY($1::uuid[]) AND c.run_started_at = ANY($4::timestamptz[])
    AND (r.md_mode = 'BATCH' OR (b.md_min_mm < $3::float8 + ${TRACE_MARGIN_MM} AND b.md_max_mm > $2::float8 - ${TRACE_MARGIN_MM}))`;

/** traceSummaries: $1 the rolls, $2 the start times of their runs (the partition keys). */
export const TRACE_SUMMARIES_SQL = `SELECT r.roll_barcode, r.operation, c.channel, c.unit, count(DISTINCT r.id)::int AS runs, count(*)::int AS batches,
        min(c.min) AS min, max(c.max) AS max, sum(c.mean * b.samples) / nullif(sum(b.samples), 0) AS mean, sum(b.samples)::int AS samples
   FROM process.process_runs r
   JOIN process.trace_batches b ON b.run_id = r.id AND b.run_started_at = r.started_at
   JOIN process.trace_channels c ON c.run_id = b.run_id AND c.batch_id = b.batch_id AND c.run_started_at = b.run_started_at
  WHERE r.roll_barcode = ANY($1::text[]) AND b.run_started_at = ANY($2::timestamptz[]) AND c.run_started_at = ANY($2::timestamptz[])
  GROUP BY r.roll_barcode, r.operation, c.channel, c.unit
  ORDER BY r.roll_barcode, min(r.started_at), r.operation, c.channel`;
