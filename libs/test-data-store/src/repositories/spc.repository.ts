import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { SpcChartEntity, SpcEventEntity, SpcLimitsEntity, SpcPointEntity } from '../analytics.entities';

/** The ids of the holds an event placed or joined: the expression `ix_spc_events_holds` indexes, so it must match it exactly. */
const SPC_EVENT_HOLD_IDS = `jsonb_path_query_array(e.holds, '$[*].holdId')`;

/** A chart's recent point as the run rules read it back (newest first from the database, oldest first to the rules). */
export interface RecentPoint {
  chart_id: string;
  sheet_barcode: string;
  roll_barcode: string;
  value: number;
  n: number | null;
  spread: number | null;
  z: number | null;
  dispersion: number | null;
  dispersion_z: number | null;
  md_from_mm: number | null;
  md_to_mm: number | null;
  limits_version: number;
}

/** A chart with its current frozen limits (null columns while none are frozen). */
export interface ChartWithLimits {
  id: string;
  product_code: string;
  name: string;
  metric: string;
  statistic: string;
  chart_type: string;
  zones: number;
  zone: number | null;
  rules: string[];
  hold_on_violation: boolean;
  limits_version: number;
  centre: number | null;
  sigma: number | null;
  dispersion_centre: number | null;
  baseline_points: number | null;
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
  dispersion: number | null;
  dispersionZ: number | null;
  limitsVersion: number;
}

/** An SPC event as placing its holds reads it: the points that broke the rule, the reason, the holds it has. */
export interface SpcEventHoldsRow {
  id: string;
  points: unknown;
  reason: string;
  holds: unknown;
}

/** A hold an SPC event of the product placed or joined, as its event recorded it. */
export interface SpcHoldRow {
  hold_id: string;
  roll: string;
  sheet: string | null;
  md_from_mm: number | null;
  md_to_mm: number | null;
}

export interface NewEvent {
  id: string;
  chartId: string;
  panel: 'MAIN' | 'DISPERSION';
  rule: string;
  limitsVersion: number;
  atSheet: string;
  points: unknown[];
  reason: string;
}

const CHARTS_WITH_LIMITS = `SELECT c.id, c.product_code, c.name, c.metric, c.statistic, c.chart_type, c.zones, c.zone, c.rules,
       c.hold_on_violation, c.limits_version, l.centre, l.sigma, l.dispersion_centre, cardinality(l.baseline_sheets) AS baseline_points
  FROM test_data.spc_charts c
  LEFT JOIN test_data.spc_limits l ON l.chart_id = c.id AND l.version = c.limits_version`;

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

  /** The product's charts (by name) with their current limits, in one query: what a landed sheet is judged against. */
  chartsWithLimits(productCode: string): Promise<ChartWithLimits[]> {
    return this.db.query<ChartWithLimits[]>(`${CHARTS_WITH_LIMITS} WHERE c.product_code = $1 ORDER BY c.name`, [productCode]);
  }

  /** These charts with their current limits. */
  chartsWithLimitsById(ids: string[]): Promise<ChartWithLimits[]> {
    return this.db.query<ChartWithLimits[]>(`${CHARTS_WITH_LIMITS} WHERE c.id = ANY($1::uuid[])`, [ids]);
  }

  /** Charts whose history is still to be added (the sweeper queues their backfill again). */
  async backfillsPending(limit: number): Promise<string[]> {
    const rows = await this.db.query<Array<{ id: string }>>(
      `SELECT id FROM test_data.spc_charts WHERE backfill_pending ORDER BY created_at LIMIT $1`,
      [limit],
    );
    return rows.map((r) => r.id);
  }

  async backfillDone(chartId: string): Promise<void> {
    await this.db.query(`UPDATE test_data.spc_charts SET backfill_pending = false WHERE id = $1`, [chartId]);
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

  /**
   * Which of these holds (tracking's active holds on the rolls concerned) the product's SPC events
   * placed or joined, with the material each holds: the candidates a new violation may join. Found
   * through the GIN index on the events' hold ids (`ix_spc_events_holds`), so the cost follows
   * the holds still active, not every event the product ever had. Entries written before shared holds
   * carry no holdFromMm/holdToMm: their range was the hold's.
   */
  async spcHoldsAmong(productCode: string, holdIds: string[]): Promise<SpcHoldRow[]> {
    if (!holdIds.length) return [];
    return this.db.query<SpcHoldRow[]>(
      `SELECT DISTINCT ON (h->>'holdId') h->>'holdId' AS hold_id, h->>'roll' AS roll, h->>'sheet' AS sheet,
              coalesce(h->>'holdFromMm', h->>'mdFromMm')::float8 AS md_from_mm, coalesce(h->>'holdToMm', h->>'mdToMm')::float8 AS md_to_mm
         FROM test_data.spc_events e
         JOIN test_data.spc_charts c ON c.id = e.chart_id
         CROSS JOIN LATERAL jsonb_array_elements(e.holds) h
        WHERE c.product_code = $1 AND ${SPC_EVENT_HOLD_IDS} ?| $2::text[] AND h->>'holdId' = ANY($2::text[])`,
      [productCode, holdIds],
    );
  }

  /** The holds placed for these events (or why placing them failed), in one statement. */
  async setEventsHolds(events: Array<{ id: string; holds: unknown[]; error: string | null }>): Promise<void> {
    if (!events.length) return;
    await this.db.query(
      `UPDATE test_data.spc_events e SET holds = u.holds, hold_error = u.error
         FROM unnest($1::uuid[], $2::jsonb[], $3::text[]) AS u(id, holds, error) WHERE e.id = u.id`,
      [events.map((e) => e.id), events.map((e) => JSON.stringify(e.holds)), events.map((e) => e.error)],
    );
  }

  /**
   * Points of one chart are judged one at a time: concurrent sheets of a product take turns per
   * chart. One statement for all the charts, in the order given (callers sort the ids, so two
   * transactions never wait on each other's locks crosswise).
   */
  async lockChartPoints(m: EntityManager, chartIds: string[]): Promise<void> {
    await m.query(
      `SELECT pg_advisory_xact_lock(hashtext('spc-chart:' || id)) FROM unnest($1::text[]) WITH ORDINALITY AS t(id, k) ORDER BY k`,
      [chartIds],
    );
  }

  /** Each chart's newest `window` points, newest first, in one query (the index on chart and seq serves each chart). */
  recentPoints(m: EntityManager, chartIds: string[], window: number): Promise<RecentPoint[]> {
    return m.query<RecentPoint[]>(
      `SELECT c.id AS chart_id, p.sheet_barcode, p.roll_barcode, p.value, p.n, p.spread, p.z, p.dispersion, p.dispersion_z,
              p.md_from_mm, p.md_to_mm, p.limits_version
         FROM unnest($1::uuid[]) AS c(id)
         CROSS JOIN LATERAL (
           SELECT * FROM test_data.spc_points WHERE chart_id = c.id ORDER BY seq DESC LIMIT $2) p`,
      [chartIds, window],
    );
  }

  /**
   * The sheet's points and the events they opened, in one statement: each point last in its chart's
   * order (a retried job or a retest rewrites a point in place, keeping its place in the chart), each
   * event once per chart, panel, rule and sheet (a retried job finds it there). Returns how many
   * events are new and the events of `holdingChartIds` at the sheet, in the order opened: those just
   * opened and any an earlier try of the job opened, whose holds it may still lack. One round trip
   * instead of three (points, events, then the events read back), for every landed sheet.
   */
  async writePointsAndEvents(
    m: EntityManager,
    sheet: string,
    points: NewPoint[],
    events: NewEvent[],
    holdingChartIds: string[],
  ): Promise<{ opened: number; atSheet: SpcEventHoldsRow[] }> {
    const pt = <K extends keyof NewPoint>(k: K) => points.map((p) => p[k]);
    const ev = <K extends keyof NewEvent>(k: K) => events.map((e) => e[k]);
    // The data-modifying CTEs and the final SELECT share one snapshot: the SELECT sees the events of
    // earlier tries, not the rows `ins` adds, so the two halves of `at` never overlap.
    const [row] = await m.query<Array<{ opened: number; at_sheet: SpcEventHoldsRow[] }>>(
      `WITH pts AS (
         INSERT INTO test_data.spc_points (chart_id, sheet_barcode, seq, roll_barcode, sheet_test_id, md_from_mm, md_to_mm, value, n, spread, z,
                                           dispersion, dispersion_z, limits_version)
         SELECT u.chart_id, u.sheet, (SELECT coalesce(max(seq), 0) + 1 FROM test_data.spc_points WHERE chart_id = u.chart_id), u.roll, u.test,
                u.md_from, u.md_to, u.value, u.n, u.spread, u.z, u.dispersion, u.dispersion_z, u.version
           FROM unnest($1::uuid[], $2::text[], $3::text[], $4::uuid[], $5::float8[], $6::float8[], $7::float8[], $8::int[], $9::float8[],
                       $10::float8[], $11::float8[], $12::float8[], $13::int[])
                AS u(chart_id, sheet, roll, test, md_from, md_to, value, n, spread, z, dispersion, dispersion_z, version)
         ON CONFLICT (chart_id, sheet_barcode) DO UPDATE
           SET sheet_test_id = excluded.sheet_test_id, value = excluded.value, n = excluded.n, spread = excluded.spread, z = excluded.z,
               dispersion = excluded.dispersion, dispersion_z = excluded.dispersion_z, limits_version = excluded.limits_version,
               md_from_mm = excluded.md_from_mm, md_to_mm = excluded.md_to_mm
         RETURNING 1),
       ins AS (
         INSERT INTO test_data.spc_events (id, chart_id, panel, rule, limits_version, at_sheet, points, reason)
         SELECT * FROM unnest($14::uuid[], $15::uuid[], $16::text[], $17::text[], $18::int[], $19::text[], $20::jsonb[], $21::text[])
         ON CONFLICT (chart_id, at_sheet, panel, rule) DO NOTHING
         RETURNING id, chart_id, points, reason, holds, created_at),
       at AS (
         SELECT id, points, reason, holds, created_at FROM test_data.spc_events WHERE chart_id = ANY($22::uuid[]) AND at_sheet = $23
         UNION ALL
         SELECT id, points, reason, holds, created_at FROM ins WHERE chart_id = ANY($22::uuid[]))
       SELECT (SELECT count(*) FROM ins)::int AS opened,
              (SELECT count(*) FROM pts)::int AS written,
              coalesce((SELECT json_agg(json_build_object('id', id, 'points', points, 'reason', reason, 'holds', holds) ORDER BY created_at, id) FROM at),
                       '[]') AS at_sheet`,
      [
        pt('chartId'),
        pt('sheet'),
        pt('roll'),
        pt('sheetTestId'),
        pt('mdFromMm'),
        pt('mdToMm'),
        pt('value'),
        pt('n'),
        pt('spread'),
        pt('z'),
        pt('dispersion'),
        pt('dispersionZ'),
        pt('limitsVersion'),
        ev('id'),
        ev('chartId'),
        ev('panel'),
        ev('rule'),
        ev('limitsVersion'),
        ev('atSheet'),
        events.map((e) => JSON.stringify(e.points)),
        ev('reason'),
        holdingChartIds,
        sheet,
      ],
    );
    return { opened: row.opened, atSheet: row.at_sheet };
  }
}
