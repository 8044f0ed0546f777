import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { In, type DataSource, type EntityManager } from 'typeorm';
import { SpcChartEntity, SpcEventEntity, SpcLimitsEntity, SpcPointEntity } from '@mes/test-data-store';

/** A chart point as the run rules read it back (the chart's recent points under its limits). */
export interface RecentPoint {
  sheet_barcode: string;
  roll_barcode: string;
  value: number;
  z: number;
  md_from_mm: number | null;
  md_to_mm: number | null;
}

export interface NewPoint {
  chartId: string;
  sheet: string;
  roll: string;
  sheetTestId: string;
  mdFromMm: number | null;
  mdToMm: number | null;
  value: number;
  n: number | null;
  spread: number | null;
  z: number | null;
  limitsVersion: number;
}

/**
 * The SPC tables (charts, frozen limits, points, events). Reads take the caller's transaction when
 * they are part of one (a point is judged under the chart's advisory lock).
 */
@Injectable()
export class SpcRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  chart(id: string, m: EntityManager = this.db.manager): Promise<SpcChartEntity | null> {
    return m.getRepository(SpcChartEntity).findOne({ where: { id } });
  }

  /** The chart's row under a write lock, for a new limits version. */
  lockChart(m: EntityManager, id: string): Promise<SpcChartEntity | null> {
    return m.getRepository(SpcChartEntity).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  chartNamed(m: EntityManager, productCode: string, name: string): Promise<SpcChartEntity | null> {
    return m.getRepository(SpcChartEntity).findOne({ where: { productCode, name } });
  }

  insertChart(m: EntityManager, chart: Partial<SpcChartEntity>): Promise<SpcChartEntity> {
    return m.save(m.create(SpcChartEntity, chart));
  }

  /** A chart's new limits, and the chart moved to that version. */
  async insertLimits(m: EntityManager, limits: Partial<SpcLimitsEntity> & { chartId: string; version: number }): Promise<SpcLimitsEntity> {
    const row = await m.save(m.create(SpcLimitsEntity, limits));
    await m.update(SpcChartEntity, { id: limits.chartId }, { limitsVersion: limits.version });
    return row;
  }

  async saveEvent(m: EntityManager, ev: SpcEventEntity): Promise<void> {
    await m.save(ev);
  }

  charts(productCode: string): Promise<SpcChartEntity[]> {
    return this.db.getRepository(SpcChartEntity).find({ where: { productCode }, order: { name: 'ASC' } });
  }

  limitsHistory(chartId: string): Promise<SpcLimitsEntity[]> {
    return this.db.getRepository(SpcLimitsEntity).find({ where: { chartId }, order: { version: 'ASC' } });
  }

  limits(m: EntityManager, chartId: string, version: number): Promise<SpcLimitsEntity | null> {
    return m.getRepository(SpcLimitsEntity).findOne({ where: { chartId, version } });
  }

  /** The chart's newest points, oldest first. */
  async points(chartId: string, last: number): Promise<SpcPointEntity[]> {
    const rows = await this.db.getRepository(SpcPointEntity).find({ where: { chartId }, order: { seq: 'DESC' }, take: last });
    return rows.reverse();
  }

  pointsOfSheet(sheet: string): Promise<SpcPointEntity[]> {
    return this.db.getRepository(SpcPointEntity).find({ where: { sheetBarcode: sheet }, order: { chartId: 'ASC' } });
  }

  pointsOfRoll(roll: string): Promise<SpcPointEntity[]> {
    return this.db.getRepository(SpcPointEntity).find({ where: { rollBarcode: roll }, order: { chartId: 'ASC', seq: 'ASC' } });
  }

  /**
   * The product's newest `limit` sheets with binned results, oldest first, in the order their newest
   * binned test landed (the order their points would have been added in).
   */
  async productSheetsInLandingOrder(productCode: string, limit: number): Promise<string[]> {
    const rows = await this.db.query<Array<{ sheet_barcode: string }>>(
      `SELECT sheet_barcode FROM (
         SELECT sheet_barcode, max(coalesce(completed_at, received_at)) AS landed
           FROM test_data.sheet_tests WHERE product_code = $1 AND status = 'DONE'
          GROUP BY sheet_barcode ORDER BY landed DESC, sheet_barcode DESC LIMIT $2) s
       ORDER BY landed ASC, sheet_barcode ASC`,
      [productCode, limit],
    );
    return rows.map((r) => r.sheet_barcode);
  }

  /** The newest 500 events, filtered by chart, status or a roll among their points. */
  events(filter: { chartId?: string; status?: string; roll?: string }): Promise<SpcEventEntity[]> {
    const q = this.db.getRepository(SpcEventEntity).createQueryBuilder('e').orderBy('e.created_at', 'DESC').take(500);
    if (filter.chartId) q.andWhere('e.chart_id = :c', { c: filter.chartId });
    if (filter.status) q.andWhere('e.status = :s', { s: filter.status });
    if (filter.roll) q.andWhere(`e.points @> :p::jsonb`, { p: JSON.stringify([{ roll: filter.roll }]) });
    return q.getMany();
  }

  lockEvent(m: EntityManager, id: string): Promise<SpcEventEntity | null> {
    return m.getRepository(SpcEventEntity).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  /** The events of these charts at the sheet, in the order they were opened. */
  eventsAtSheet(chartIds: string[], sheet: string): Promise<SpcEventEntity[]> {
    return this.db.getRepository(SpcEventEntity).find({ where: { chartId: In(chartIds), atSheet: sheet }, order: { createdAt: 'ASC' } });
  }

  async setEventHolds(id: string, holds: unknown[], holdError: string | null): Promise<void> {
    await this.db.getRepository(SpcEventEntity).update({ id }, { holds, holdError });
  }

  /** Points of one chart are judged one at a time: concurrent sheets of a product take turns per chart. */
  async lockChartPoints(m: EntityManager, chartId: string): Promise<void> {
    await m.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`spc-chart:${chartId}`]);
  }

  /** The chart's newest point of another sheet (the moving range looks back one). */
  async previousPoint(
    m: EntityManager,
    chartId: string,
    sheet: string,
  ): Promise<{ value: number; n?: number; spread?: number } | undefined> {
    const prev = await m.query<Array<{ value: number; n: number | null; spread: number | null }>>(
      `SELECT value, n, spread FROM test_data.spc_points WHERE chart_id = $1 AND sheet_barcode <> $2 ORDER BY seq DESC LIMIT 1`,
      [chartId, sheet],
    );
    return prev.length ? { value: Number(prev[0].value), n: prev[0].n ?? undefined, spread: prev[0].spread ?? undefined } : undefined;
  }

  /** The sheet's point on the chart, last in the chart's order; a retried job rewrites it in place. */
  async upsertPoint(m: EntityManager, p: NewPoint): Promise<void> {
    await m.query(
      `INSERT INTO test_data.spc_points (chart_id, sheet_barcode, seq, roll_barcode, sheet_test_id, md_from_mm, md_to_mm, value, n, spread, z, limits_version)
       VALUES ($1, $2, (SELECT coalesce(max(seq), 0) + 1 FROM test_data.spc_points WHERE chart_id = $1), $3, $4, $5, $6, $7, $8, $9, $10, $11)
       ON CONFLICT (chart_id, sheet_barcode) DO UPDATE
         SET sheet_test_id = excluded.sheet_test_id, value = excluded.value, n = excluded.n, spread = excluded.spread, z = excluded.z,
             limits_version = excluded.limits_version, md_from_mm = excluded.md_from_mm, md_to_mm = excluded.md_to_mm`,
      [p.chartId, p.sheet, p.roll, p.sheetTestId, p.mdFromMm, p.mdToMm, p.value, p.n, p.spread, p.z, p.limitsVersion],
    );
  }

  /** The chart's newest `window` judged points under one limits version, in landing order. */
  recentPoints(m: EntityManager, chartId: string, limitsVersion: number, window: number): Promise<RecentPoint[]> {
    return m.query<RecentPoint[]>(
      `SELECT sheet_barcode, roll_barcode, value, z, md_from_mm, md_to_mm FROM (
         SELECT * FROM test_data.spc_points WHERE chart_id = $1 AND limits_version = $2 AND z IS NOT NULL ORDER BY seq DESC LIMIT $3) p
       ORDER BY seq ASC`,
      [chartId, limitsVersion, window],
    );
  }

  /** An event once per chart, rule and sheet: its id, or null when a retried job finds it there. */
  async insertEvent(
    m: EntityManager,
    e: { id: string; chartId: string; rule: string; limitsVersion: number; atSheet: string; points: unknown[]; reason: string },
  ): Promise<string | null> {
    const inserted = await m.query<Array<{ id: string }>>(
      `INSERT INTO test_data.spc_events (id, chart_id, rule, limits_version, at_sheet, points, reason) VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7)
       ON CONFLICT (chart_id, rule, at_sheet) DO NOTHING RETURNING id`,
      [e.id, e.chartId, e.rule, e.limitsVersion, e.atSheet, JSON.stringify(e.points), e.reason],
    );
    return inserted[0]?.id ?? null;
  }
}
