import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import {
  chartPoint,
  computeLimits,
  RUN_RULE_TEXT,
  RUN_RULES,
  sheetStatistics,
  violationsAt,
  type ChartLimits,
  type ChartSample,
  type ChartType,
  type RunRule,
} from '@mes/analytics';
import type { Actor } from '@mes/auth';
import { CHART_BACKFILL_SHEETS } from '@mes/queue-contracts';
import { DomainError, type ErrorDetail } from '@mes/service-core';
import { TrackingClient } from '@mes/tracking-client';
import { AuditService } from '../audit/audit.service';
import { SpcChartEntity, SpcEventEntity, SpcLimitsEntity, SpcPointEntity } from '@mes/test-data-store';
import { MAP_METRICS, SheetMapsRepository, type LoadedSheetMap, type MapMetric } from './sheet-maps.repository';
import { SpcRepository } from './spc.repository';

export const CHART_METRICS = [...Object.keys(MAP_METRICS), 'YIELD'] as const;
export const CHART_STATISTICS = ['ZONE_MEAN', 'ZONE_SD', 'YIELD'] as const;
export const CHART_TYPES: ChartType[] = ['I_MR', 'XBAR_S', 'P'];

export interface CreateChartInput {
  productCode: string;
  name: string;
  metric: string;
  statistic: string;
  chartType: string;
  zones: number;
  zone?: number | null;
  rules: string[];
  holdOnViolation?: boolean;
}

/** Points a rule can look back over: the longest window (Nelson 7, fifteen points) and some slack. */
const RULE_WINDOW = 20;

interface EventPoint {
  sheet: string;
  roll: string;
  value: number;
  z: number | null;
  mdFromMm: number | null;
  mdToMm: number | null;
}

/**
 * SPC on per-sheet zone statistics: charts per product, limits frozen from a baseline of sheets an
 * engineer picks (versioned and audited), a point per landed sheet judged with the chart's run rules,
 * and an event per violation that holds the roll MD region its points cover.
 */
@Injectable()
export class SpcService {
  private readonly logger = new Logger('SpcService');

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly spc: SpcRepository,
    private readonly maps: SheetMapsRepository,
    private readonly tracking: TrackingClient,
    private readonly audit: AuditService,
  ) {}

  async createChart(actor: Actor, input: CreateChartInput): Promise<SpcChartEntity> {
    const problems = validateChart(input);
    if (problems.length)
      throw new DomainError(
        'VALIDATION_FAILED',
        `Invalid SPC chart ${input.name}: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`,
        problems,
      );
    if (!(await this.tracking.product(input.productCode))) {
      throw new DomainError('NOT_FOUND', `Unknown product ${input.productCode}: expected the code of a product in tracking`, [
        { path: 'productCode', message: 'expected a known product code' },
      ]);
    }
    return this.db.transaction(async (m) => {
      const clash = await this.spc.chartNamed(m, input.productCode, input.name);
      if (clash)
        throw new DomainError('CONFLICT', `Product ${input.productCode} already has an SPC chart named ${input.name}`, [
          { path: 'name', message: 'expected a name not yet used for this product' },
        ]);
      const chart = await this.spc.insertChart(m, {
        id: randomUUID(),
        productCode: input.productCode,
        name: input.name,
        metric: input.metric,
        statistic: input.statistic,
        chartType: input.chartType,
        zones: input.zones,
        zone: input.zone ?? null,
        rules: [...new Set(input.rules)],
        holdOnViolation: input.holdOnViolation ?? true,
        limitsVersion: 0,
        createdBy: actor.username,
      });
      await this.audit.record(m, {
        actor: actor.username,
        action: 'CREATE_SPC_CHART',
        entityType: 'SpcChart',
        entityKey: chart.id,
        after: plainChart(chart),
      });
      return chart;
    });
  }

  /** Freeze new limits from the named baseline sheets (their current results); the chart's next version. */
  async freezeLimits(actor: Actor, chartId: string, baselineSheets: string[], reason: string): Promise<SpcLimitsEntity> {
    const chart = await this.chart(chartId);
    if (baselineSheets.length < 2)
      throw new DomainError('VALIDATION_FAILED', `A baseline needs at least 2 sheets, got ${baselineSheets.length}`, [
        { path: 'baselineSheets', message: 'expected at least 2 tested sheets' },
      ]);
    if (!reason.trim())
      throw new DomainError('VALIDATION_FAILED', 'Freezing limits needs a reason', [
        { path: 'reason', message: 'expected a non-empty reason' },
      ]);
    const samples: ChartSample[] = [];
    const problems: ErrorDetail[] = [];
    for (const [i, sheet] of baselineSheets.entries()) {
      const map = await this.maps.sheet(sheet, metricOf(chart));
      if (!map) {
        problems.push({ path: `baselineSheets.${i}`, message: `sheet ${sheet} has no binned results` });
        continue;
      }
      if (map.productCode && map.productCode !== chart.productCode) {
        problems.push({
          path: `baselineSheets.${i}`,
          message: `sheet ${sheet} is product ${map.productCode}, the chart's product is ${chart.productCode}`,
        });
        continue;
      }
      const s = sampleOf(chart, map);
      if (!s)
        problems.push({
          path: `baselineSheets.${i}`,
          message: `sheet ${sheet} has too few passing cells with a ${chart.metric} value in the chart's zone`,
        });
      else samples.push(s);
    }
    if (problems.length)
      throw new DomainError(
        'VALIDATION_FAILED',
        `Cannot freeze limits of ${chart.name}: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`,
        problems,
      );
    const limits = computeLimits(chart.chartType as ChartType, samples);
    return this.db.transaction(async (m) => {
      const locked = await this.spc.lockChart(m, chartId);
      const version = (locked?.limitsVersion ?? 0) + 1;
      const row = await this.spc.insertLimits(m, {
        chartId,
        version,
        centre: limits.centre,
        sigma: limits.sigma,
        dispersionCentre: limits.dispersionCentre,
        baselineSheets,
        reason: reason.trim(),
        frozenBy: actor.username,
      });
      await this.audit.record(m, {
        actor: actor.username,
        action: 'FREEZE_SPC_LIMITS',
        entityType: 'SpcChart',
        entityKey: chartId,
        before: { limitsVersion: version - 1 },
        after: {
          limitsVersion: version,
          centre: limits.centre,
          sigma: limits.sigma,
          dispersionCentre: limits.dispersionCentre,
          baselineSheets,
          reason: reason.trim(),
        },
      });
      return row;
    });
  }

  async acknowledge(actor: Actor, eventId: string, comment: string): Promise<SpcEventEntity> {
    if (!comment.trim())
      throw new DomainError('VALIDATION_FAILED', 'An acknowledgement needs a comment', [
        { path: 'comment', message: 'expected a non-empty comment' },
      ]);
    return this.db.transaction(async (m) => {
      const ev = await this.spc.lockEvent(m, eventId);
      if (!ev)
        throw new DomainError('NOT_FOUND', `Unknown SPC event ${eventId}`, [
          { path: 'eventId', message: 'expected the id of an SPC event' },
        ]);
      if (ev.status !== 'OPEN')
        throw new DomainError(
          'CONFLICT',
          `SPC event ${eventId} was already acknowledged by ${ev.acknowledgedBy} at ${ev.acknowledgedAt?.toISOString()}`,
        );
      ev.status = 'ACKNOWLEDGED';
      ev.acknowledgedBy = actor.username;
      ev.acknowledgedAt = new Date();
      ev.ackComment = comment.trim();
      await this.spc.saveEvent(m, ev);
      await this.audit.record(m, {
        actor: actor.username,
        action: 'ACKNOWLEDGE_SPC_EVENT',
        entityType: 'SpcEvent',
        entityKey: eventId,
        before: { status: 'OPEN' },
        after: { status: 'ACKNOWLEDGED', comment: ev.ackComment },
      });
      return ev;
    });
  }

  async chart(chartId: string): Promise<SpcChartEntity> {
    const chart = isUuid(chartId) ? await this.spc.chart(chartId) : null;
    if (!chart)
      throw new DomainError('NOT_FOUND', `Unknown SPC chart ${chartId}`, [{ path: 'chartId', message: 'expected the id of an SPC chart' }]);
    return chart;
  }

  charts(productCode: string): Promise<SpcChartEntity[]> {
    return this.spc.charts(productCode);
  }

  limitsHistory(chartId: string): Promise<SpcLimitsEntity[]> {
    return this.spc.limitsHistory(chartId);
  }

  points(chartId: string, last: number): Promise<SpcPointEntity[]> {
    return this.spc.points(chartId, last);
  }

  pointsOfSheet(sheet: string): Promise<SpcPointEntity[]> {
    return this.spc.pointsOfSheet(sheet);
  }

  pointsOfRoll(roll: string): Promise<SpcPointEntity[]> {
    return this.spc.pointsOfRoll(roll);
  }

  events(filter: { chartId?: string; status?: string; roll?: string }): Promise<SpcEventEntity[]> {
    return this.spc.events(filter);
  }

  /**
   * A sheet's results landed: its point on every chart of its product, judged by the chart's rules;
   * a violation opens an event (once per chart, rule and sheet) and holds its points' roll regions.
   * Idempotent: a retried job finds its points and events and only completes holds not yet placed.
   */
  async recordSheet(map: LoadedSheetMap): Promise<{ points: number; events: number }> {
    if (!map.productCode) return { points: 0, events: 0 };
    const charts = await this.charts(map.productCode);
    // Every chart's point in one transaction (one commit per sheet, not one per chart); charts are
    // listed by name, so their locks are always taken in the same order.
    const opened = await this.db.transaction(async (m) => {
      const out: Array<number | null> = [];
      for (const chart of charts) out.push(await this.recordPoint(m, chart, map, true));
      return out;
    });
    // Holds after the commit: a failed call leaves the event stored, and the job's retry places it.
    await this.placePendingHolds(
      charts.filter((c) => c.holdOnViolation),
      map.sheet,
    );
    const recorded = opened.filter((n): n is number => n !== null);
    return { points: recorded.length, events: recorded.reduce((a, b) => a + b, 0) };
  }

  /**
   * A new chart's points from the product's newest sheets already binned, oldest first, so an engineer
   * can choose a baseline from history at once. Points already there (a sheet that landed meanwhile)
   * are rewritten in place. History is never judged: limits frozen meanwhile must not hold old material.
   */
  async backfill(chartId: string, limit = CHART_BACKFILL_SHEETS): Promise<{ sheets: number; points: number }> {
    const chart = await this.spc.chart(chartId);
    if (!chart) return { sheets: 0, points: 0 };
    const sheets = await this.spc.productSheetsInLandingOrder(chart.productCode, limit);
    let points = 0;
    for (const sheet of sheets) {
      const map = await this.maps.sheet(sheet, metricOf(chart));
      if (map && (await this.db.transaction((m) => this.recordPoint(m, chart, map, false))) !== null) points++;
    }
    return { sheets: sheets.length, points };
  }

  /** The sheet's point on one chart, judged when limits are frozen: the events it opened, or null without a sample. */
  private async recordPoint(m: EntityManager, chart: SpcChartEntity, map: LoadedSheetMap, judge: boolean): Promise<number | null> {
    const metricMap =
      chart.metric === 'YIELD' || chart.metric === 'ASR' ? map : ((await this.maps.sheet(map.sheet, metricOf(chart))) ?? map);
    const sample = sampleOf(chart, metricMap);
    if (!sample) return null;
    const opened = await (async () => {
      await this.spc.lockChartPoints(m, chart.id);
      const limits = judge && chart.limitsVersion > 0 ? await this.limitsOf(m, chart) : null;
      const previous = await this.spc.previousPoint(m, chart.id, map.sheet);
      const point = limits ? chartPoint(limits, sample, previous) : null;
      // p charts plot the fraction defective; the others the statistic itself.
      const plotted = chart.chartType === 'P' ? sample.value / (sample.n as number) : sample.value;
      const z = point && Number.isFinite(point.z) ? point.z : point ? Math.sign(point.z) * 1e6 : null;
      await this.spc.upsertPoint(m, {
        chartId: chart.id,
        sheet: map.sheet,
        roll: map.roll,
        sheetTestId: map.sheetTestId,
        mdFromMm: map.mdFromMm,
        mdToMm: map.mdToMm,
        value: plotted,
        n: sample.n ?? null,
        spread: sample.spread ?? null,
        z,
        limitsVersion: chart.limitsVersion,
      });
      if (!limits) return [];
      // The chart's recent points under the current limits, in landing order, this sheet last.
      const recent = await this.spc.recentPoints(m, chart.id, chart.limitsVersion, RULE_WINDOW);
      const at = recent.findIndex((p) => p.sheet_barcode === map.sheet);
      if (at < 0) return [];
      const zs = recent.map((p) => Number(p.z));
      const found = violationsAt(chart.rules as RunRule[], zs, at);
      const ids: string[] = [];
      for (const v of found) {
        const pts: EventPoint[] = v.points.map((k) => ({
          sheet: recent[k].sheet_barcode,
          roll: recent[k].roll_barcode,
          value: Number(recent[k].value),
          z: Number(recent[k].z),
          mdFromMm: recent[k].md_from_mm === null ? null : Number(recent[k].md_from_mm),
          mdToMm: recent[k].md_to_mm === null ? null : Number(recent[k].md_to_mm),
        }));
        const reason = `SPC ${chart.name} (${chart.productCode}): ${v.rule}, ${RUN_RULE_TEXT[v.rule]}, at sheet${pts.length > 1 ? 's' : ''} ${pts.map((p) => `${p.sheet} (${fmt(p.value)}, ${fmt(p.z ?? 0)}σ)`).join(', ')}`;
        const id = await this.spc.insertEvent(m, {
          id: randomUUID(),
          chartId: chart.id,
          rule: v.rule,
          limitsVersion: chart.limitsVersion,
          atSheet: map.sheet,
          points: pts,
          reason,
        });
        if (id) ids.push(id);
      }
      return ids;
    })();
    return opened.length;
  }

  /** Holds of the charts' events at this sheet that are not placed yet (a failed call is retried by the job). */
  private async placePendingHolds(charts: SpcChartEntity[], sheet: string): Promise<void> {
    if (!charts.length) return;
    const pending = await this.spc.eventsAtSheet(
      charts.map((c) => c.id),
      sheet,
    );
    for (const ev of pending) {
      const placed = (ev.holds as Array<{ roll: string; sheet?: string }>) ?? [];
      if (placed.length) continue;
      const regions = holdRegions(ev.points as EventPoint[]);
      const holds: unknown[] = [];
      try {
        for (const r of regions) {
          if (r.mdFromMm !== null && r.mdToMm !== null) {
            const holdId = await this.tracking.holdRollRegion(r.roll, r.mdFromMm, r.mdToMm, ev.reason);
            holds.push({ roll: r.roll, mdFromMm: r.mdFromMm, mdToMm: r.mdToMm, holdId });
          } else {
            // Sheets without a known MD position on their roll: hold the sheets themselves.
            for (const s of r.sheets) holds.push({ roll: r.roll, sheet: s, holdId: await this.tracking.holdSheet(s, ev.reason) });
          }
        }
        await this.spc.setEventHolds(ev.id, holds, null);
        this.logger.log(
          `SPC event ${ev.id}: ${ev.reason}; held ${regions.map((r) => `${r.roll} ${r.mdFromMm ?? '?'}-${r.mdToMm ?? '?'} mm`).join(', ')}`,
        );
      } catch (e) {
        const message = e instanceof Error ? e.message : String(e);
        await this.spc.setEventHolds(ev.id, holds, message);
        throw new Error(`SPC event ${ev.id}: placing its hold failed (${message}); the job retries`);
      }
    }
  }

  private async limitsOf(m: EntityManager, chart: SpcChartEntity): Promise<ChartLimits> {
    const row = await this.spc.limits(m, chart.id, chart.limitsVersion);
    if (!row) throw new Error(`SPC chart ${chart.id} names limits version ${chart.limitsVersion}, which does not exist`);
    return {
      type: chart.chartType as ChartType,
      centre: row.centre,
      sigma: row.sigma,
      dispersionCentre: row.dispersionCentre,
      baselinePoints: row.baselineSheets.length,
    };
  }
}

/** The roll regions a violation covers: per roll, from the first to the last of its points' sheets. */
export function holdRegions(
  points: EventPoint[],
): Array<{ roll: string; mdFromMm: number | null; mdToMm: number | null; sheets: string[] }> {
  const byRoll = new Map<string, EventPoint[]>();
  for (const p of points) byRoll.set(p.roll, [...(byRoll.get(p.roll) ?? []), p]);
  return [...byRoll.entries()].map(([roll, ps]) => {
    const known = ps.every((p) => p.mdFromMm !== null && p.mdToMm !== null);
    return {
      roll,
      mdFromMm: known ? Math.min(...ps.map((p) => p.mdFromMm as number)) : null,
      mdToMm: known ? Math.max(...ps.map((p) => p.mdToMm as number)) : null,
      sheets: ps.map((p) => p.sheet),
    };
  });
}

function metricOf(chart: SpcChartEntity): MapMetric {
  return (chart.metric === 'YIELD' ? 'ASR' : chart.metric) as MapMetric;
}

/** The chart's sample of one sheet, or null when the zone has too few passing cells for it. */
export function sampleOf(
  chart: Pick<SpcChartEntity, 'statistic' | 'chartType' | 'zones' | 'zone'>,
  map: Pick<LoadedSheetMap, 'rows' | 'cols' | 'fail' | 'metric'>,
): ChartSample | null {
  const st = sheetStatistics(map.rows, map.cols, map.fail, map.metric, Math.min(chart.zones, map.cols));
  if (chart.statistic === 'YIELD') return st.tested ? { value: st.failed, n: st.tested } : null;
  const z = chart.zone === null || chart.zone === undefined ? st.sheet : st.zones[chart.zone];
  if (!z || z.n < 2) return null;
  if (chart.statistic === 'ZONE_SD') return { value: z.sd };
  return chart.chartType === 'XBAR_S' ? { value: z.mean, n: z.n, spread: z.sd } : { value: z.mean };
}

export function validateChart(input: CreateChartInput): ErrorDetail[] {
  const out: ErrorDetail[] = [];
  if (!input.name.trim()) out.push({ path: 'name', message: 'expected a non-empty name' });
  if (!(CHART_METRICS as readonly string[]).includes(input.metric))
    out.push({ path: 'metric', message: `expected one of ${CHART_METRICS.join(', ')}, got ${input.metric}` });
  if (!(CHART_STATISTICS as readonly string[]).includes(input.statistic))
    out.push({ path: 'statistic', message: `expected one of ${CHART_STATISTICS.join(', ')}, got ${input.statistic}` });
  if (!(CHART_TYPES as string[]).includes(input.chartType))
    out.push({ path: 'chartType', message: `expected one of ${CHART_TYPES.join(', ')}, got ${input.chartType}` });
  const yieldChart = input.statistic === 'YIELD' || input.metric === 'YIELD' || input.chartType === 'P';
  if (yieldChart && !(input.statistic === 'YIELD' && input.metric === 'YIELD' && input.chartType === 'P')) {
    out.push({ path: 'chartType', message: 'a yield chart is metric YIELD, statistic YIELD and chart type P together' });
  }
  if (input.statistic === 'ZONE_SD' && input.chartType !== 'I_MR')
    out.push({ path: 'chartType', message: 'a zone spread is charted as individuals (I_MR)' });
  if (!Number.isInteger(input.zones) || input.zones < 1 || input.zones > 50)
    out.push({ path: 'zones', message: `expected a whole number of CD zones from 1 to 50, got ${input.zones}` });
  if (input.zone !== null && input.zone !== undefined && (!Number.isInteger(input.zone) || input.zone < 0 || input.zone >= input.zones)) {
    out.push({ path: 'zone', message: `expected a zone from 0 to ${input.zones - 1} (or none for the whole sheet), got ${input.zone}` });
  }
  if (!input.rules.length) out.push({ path: 'rules', message: `expected at least one run rule of ${RUN_RULES.join(', ')}` });
  input.rules.forEach((r, i) => {
    if (!(RUN_RULES as readonly string[]).includes(r))
      out.push({ path: `rules.${i}`, message: `expected one of ${RUN_RULES.join(', ')}, got ${r}` });
  });
  return out;
}

function plainChart(c: SpcChartEntity) {
  return {
    productCode: c.productCode,
    name: c.name,
    metric: c.metric,
    statistic: c.statistic,
    chartType: c.chartType,
    zones: c.zones,
    zone: c.zone,
    rules: c.rules,
    holdOnViolation: c.holdOnViolation,
  };
}

function fmt(v: number): string {
  return Math.abs(v) >= 1000 || (Math.abs(v) < 0.01 && v !== 0) ? v.toExponential(2) : v.toFixed(2);
}

function isUuid(s: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s);
}
