import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import {
  chartPoint,
  computeLimits,
  dispersionRules,
  limitsAt,
  planHolds,
  regionKey,
  sharedHoldReason,
  violationRegions,
  RUN_RULE_TEXT,
  RUN_RULES,
  sheetStatistics,
  violationsAt,
  type ChartLimits,
  type ChartSample,
  type ChartType,
  type HoldRegion,
  type PlacedHold,
  type PointLimits,
  type RunRule,
} from '@mes/analytics';
import { signatureAuditDetails, type Actor, type SignatureInput } from '@mes/auth';
import { CHART_BACKFILL_SHEETS } from '@mes/queue-contracts';
import { DomainError, type ErrorDetail } from '@mes/service-core';
import { TrackingClient, type ActiveHold } from '@mes/tracking-client';
import { AuditService } from '../audit/audit.service';
import {
  SpcChartEntity,
  SpcEventEntity,
  SpcLimitsEntity,
  SpcPointEntity,
  MAP_METRICS,
  SheetMapsRepository,
  type LoadedSheetMap,
  type MapMetric,
  SpcRepository,
  type ChartWithLimits,
  type NewEvent,
  type NewPoint,
  type RecentPoint,
  type SpcEventHoldsRow,
} from '@mes/test-data-store';

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

/** What the second chart of each chart type plots. */
const DISPERSION_NAME: Record<string, string> = { I_MR: 'moving range', XBAR_S: 's' };

/** A stored point and the limits of both charts it is drawn against (null before limits are frozen). */
export type ChartedPoint = SpcPointEntity & { limits: PointLimits | null };

interface ChartSampleOf {
  chart: ChartWithLimits;
  sample: ChartSample;
}

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
        // Stored with the chart: the sweeper queues the backfill again until it has run.
        backfillPending: true,
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

  /**
   * Freeze new limits from the named baseline sheets (their current results); the chart's next
   * version. Frozen limits decide which material is held, so freezing is signed as a release is
   * (password again and meaning): tracking checks the signature after the baseline is found good
   * and before anything is stored, so a refused signature changes nothing; the signature is audited
   * with the limits and its meaning kept on them.
   */
  async freezeLimits(
    actor: Actor,
    chartId: string,
    baselineSheets: string[],
    reason: string,
    signature: SignatureInput,
    address: string,
  ): Promise<SpcLimitsEntity> {
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
    const signed = await this.tracking.verifySignature(actor, signature, address);
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
        signatureMeaning: signed.meaning,
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
      await this.audit.record(m, {
        actor: actor.username,
        action: 'SIGNATURE',
        entityType: 'SpcChart',
        entityKey: chartId,
        after: signatureAuditDetails(signed, `FREEZE_SPC_LIMITS ${chart.productCode} ${chart.name} v${version}`),
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

  /** Charts whose backfill has not run yet (queued again by the sweeper). */
  backfillsPending(limit = 50): Promise<string[]> {
    return this.spc.backfillsPending(limit);
  }

  limitsHistory(chartId: string): Promise<SpcLimitsEntity[]> {
    return this.spc.limitsHistory(chartId);
  }

  points(chartId: string, last: number): Promise<SpcPointEntity[]> {
    return this.spc.points(chartId, last);
  }

  /** The chart's newest points with the limits of both charts to draw each against (the chart's current limits). */
  async chartedPoints(chartId: string, last: number): Promise<ChartedPoint[]> {
    return this.withLimits(await this.spc.points(chartId, last));
  }

  async pointsOfSheet(sheet: string): Promise<ChartedPoint[]> {
    return this.withLimits(await this.spc.pointsOfSheet(sheet));
  }

  async pointsOfRoll(roll: string): Promise<ChartedPoint[]> {
    return this.withLimits(await this.spc.pointsOfRoll(roll));
  }

  /** Points with their charts' current limits at each point's subgroup size (none while a chart has no limits). */
  private async withLimits(points: SpcPointEntity[]): Promise<ChartedPoint[]> {
    const ids = [...new Set(points.map((p) => p.chartId))];
    const charts = ids.length ? await this.spc.chartsWithLimitsById(ids) : [];
    const limits = new Map(charts.map((c) => [c.id, limitsOfRow(c)]));
    return points.map((p) => {
      const l = limits.get(p.chartId);
      return { ...p, limits: l ? limitsAt(l, p.n) : null };
    });
  }

  events(filter: { chartId?: string; status?: string; roll?: string }): Promise<SpcEventEntity[]> {
    return this.spc.events(filter);
  }

  /**
   * A sheet's results landed: its point on every chart of its product, judged by the chart's rules on
   * both of its charts; a violation opens an event (once per chart, panel, rule and sheet) and holds
   * its points' roll regions. Idempotent: a retried job finds its points and events and only completes
   * holds not yet placed. A handful of statements whatever the number of charts: the charts with
   * their limits, then in one transaction the locks, the charts' recent points, the new points and
   * any events (which also reads back the events at the sheet); then the holds not yet placed.
   */
  async recordSheet(map: LoadedSheetMap): Promise<{ points: number; events: number }> {
    if (!map.productCode) return { points: 0, events: 0 };
    const charts = await this.spc.chartsWithLimits(map.productCode);
    if (!charts.length) return { points: 0, events: 0 };
    const samples = await this.samplesOf(charts, map);
    const holding = charts.filter((c) => c.hold_on_violation).map((c) => c.id);
    const { opened, atSheet } = await this.db.transaction((m) => this.recordPoints(m, samples, map, true, holding));
    // Holds after the commit: a failed call leaves the event stored, and the job's retry places it.
    await this.placePendingHolds(map.productCode, atSheet);
    return { points: samples.length, events: opened };
  }

  /**
   * A new chart's points from the product's newest sheets already binned, oldest first, so an engineer
   * can choose a baseline from history at once. Points already there (a sheet that landed meanwhile)
   * are rewritten in place. History is never judged: limits frozen meanwhile must not hold old material.
   * Clears the chart's pending backfill when done (until then the sweeper queues it again).
   */
  async backfill(chartId: string, limit = CHART_BACKFILL_SHEETS): Promise<{ sheets: number; points: number }> {
    const chart = await this.spc.chart(chartId);
    if (!chart) return { sheets: 0, points: 0 };
    const row = chartRow(chart);
    const sheets = await this.spc.productSheetsInLandingOrder(chart.productCode, limit);
    let points = 0;
    for (const sheet of sheets) {
      const map = await this.maps.sheet(sheet, metricOf(chart));
      if (!map) continue;
      const samples = await this.samplesOf([row], map);
      if (!samples.length) continue;
      await this.db.transaction((m) => this.recordPoints(m, samples, map, false));
      points++;
    }
    await this.spc.backfillDone(chartId);
    return { sheets: sheets.length, points };
  }

  /** Each chart's sample of the sheet (charts of another metric read the sheet's map of that metric, once per metric). */
  private async samplesOf(charts: ChartWithLimits[], map: LoadedSheetMap): Promise<ChartSampleOf[]> {
    const byMetric = new Map<MapMetric, LoadedSheetMap>([['ASR', map]]);
    const out: ChartSampleOf[] = [];
    for (const chart of charts) {
      const metric = metricOf({ metric: chart.metric });
      if (!byMetric.has(metric)) byMetric.set(metric, (await this.maps.sheet(map.sheet, metric)) ?? map);
      const sample = sampleOf(
        { statistic: chart.statistic, chartType: chart.chart_type, zones: chart.zones, zone: chart.zone },
        byMetric.get(metric) as LoadedSheetMap,
      );
      if (sample) out.push({ chart, sample });
    }
    // Locks are always taken in the same order (by id), so two sheets' transactions never deadlock.
    return out.sort((a, b) => (a.chart.id < b.chart.id ? -1 : a.chart.id > b.chart.id ? 1 : 0));
  }

  /**
   * The sheet's point on each chart, judged (when `judge` and limits are frozen) on both charts: the
   * number of events opened, and the events of the `holding` charts at the sheet (see
   * SpcRepository.writePointsAndEvents). The run rules look at the chart's recent points under its
   * current limits, read before the new point is written, with the new point put in its place.
   */
  private async recordPoints(
    m: EntityManager,
    samples: ChartSampleOf[],
    map: LoadedSheetMap,
    judge: boolean,
    holding: string[] = [],
  ): Promise<{ opened: number; atSheet: SpcEventHoldsRow[] }> {
    const ids = samples.map((s) => s.chart.id);
    await this.spc.lockChartPoints(m, ids);
    const recentByChart = new Map<string, RecentPoint[]>();
    for (const p of await this.spc.recentPoints(m, ids, RULE_WINDOW + 1)) {
      const list = recentByChart.get(p.chart_id) ?? [];
      list.push(p);
      recentByChart.set(p.chart_id, list);
    }
    const points: NewPoint[] = [];
    const events: NewEvent[] = [];
    for (const { chart, sample } of samples) {
      const recent = (recentByChart.get(chart.id) ?? []).reverse(); // oldest first
      // The point before this sheet's: the newest, or where a retest finds its point (none if that is the oldest read).
      const mineAt = recent.findIndex((p) => p.sheet_barcode === map.sheet);
      const prevRow = mineAt < 0 ? recent.at(-1) : mineAt > 0 ? recent[mineAt - 1] : undefined;
      const previous: ChartSample | undefined = prevRow
        ? { value: Number(prevRow.value), n: prevRow.n ?? undefined, spread: prevRow.spread ?? undefined }
        : undefined;
      const limits = judge ? limitsOfRow(chart) : null;
      const point = limits ? chartPoint(limits, sample, previous) : null;
      // p charts plot the fraction defective; the others the statistic itself.
      const plotted = chart.chart_type === 'P' ? sample.value / (sample.n as number) : sample.value;
      const dispersion =
        chart.chart_type === 'I_MR' ? (previous ? Math.abs(sample.value - previous.value) : null) : (sample.spread ?? null);
      const row: NewPoint = {
        chartId: chart.id,
        sheet: map.sheet,
        roll: map.roll,
        sheetTestId: map.sheetTestId,
        mdFromMm: map.mdFromMm,
        mdToMm: map.mdToMm,
        value: plotted,
        n: sample.n ?? null,
        spread: sample.spread ?? null,
        z: point ? storedZ(point.z) : null,
        dispersion,
        dispersionZ: point && point.dispersionZ !== undefined ? storedZ(point.dispersionZ) : null,
        limitsVersion: chart.limits_version,
      };
      points.push(row);
      if (!point) continue;
      // The window under the current limits with this sheet's point in its place (last, or where a retest finds it).
      const window = recent.filter((p) => p.limits_version === chart.limits_version && p.z !== null);
      const mine: RecentPoint = {
        chart_id: chart.id,
        sheet_barcode: map.sheet,
        roll_barcode: map.roll,
        value: row.value,
        n: row.n,
        spread: row.spread,
        z: row.z,
        dispersion: row.dispersion,
        dispersion_z: row.dispersionZ,
        md_from_mm: row.mdFromMm,
        md_to_mm: row.mdToMm,
        limits_version: row.limitsVersion,
      };
      const at = window.findIndex((p) => p.sheet_barcode === map.sheet);
      if (at >= 0) window[at] = mine;
      else window.push(mine);
      events.push(...this.violations(chart, 'MAIN', window, map.sheet));
      events.push(
        ...this.violations(
          chart,
          'DISPERSION',
          window.filter((p) => p.dispersion_z !== null),
          map.sheet,
        ),
      );
    }
    return this.spc.writePointsAndEvents(m, map.sheet, points, events, holding);
  }

  /** The chart's rules broken at the sheet's point on one of its charts, as events to open. */
  private violations(chart: ChartWithLimits, panel: 'MAIN' | 'DISPERSION', window: RecentPoint[], sheet: string): NewEvent[] {
    const at = window.findIndex((p) => p.sheet_barcode === sheet);
    if (at < 0) return [];
    const rules = panel === 'MAIN' ? (chart.rules as RunRule[]) : dispersionRules(chart.chart_type as ChartType, chart.rules as RunRule[]);
    if (!rules.length) return [];
    const zs = window.map((p) => Number(panel === 'MAIN' ? p.z : p.dispersion_z));
    return violationsAt(rules, zs, at).map((v) => {
      const pts: EventPoint[] = v.points.map((k) => ({
        sheet: window[k].sheet_barcode,
        roll: window[k].roll_barcode,
        value: Number(panel === 'MAIN' ? window[k].value : window[k].dispersion),
        z: zs[k],
        mdFromMm: window[k].md_from_mm === null ? null : Number(window[k].md_from_mm),
        mdToMm: window[k].md_to_mm === null ? null : Number(window[k].md_to_mm),
      }));
      // "SPC <chart> (<product>): <rule>, <what it means>[ on the moving range / s chart], at sheets ..."
      const which = panel === 'MAIN' ? '' : ` on the ${DISPERSION_NAME[chart.chart_type]} chart`;
      const reason = `SPC ${chart.name} (${chart.product_code}): ${v.rule}, ${RUN_RULE_TEXT[v.rule]}${which}, at sheet${pts.length > 1 ? 's' : ''} ${pts.map((p) => `${p.sheet} (${fmt(p.value)}, ${fmt(p.z ?? 0)}σ)`).join(', ')}`;
      return {
        id: randomUUID(),
        chartId: chart.id,
        panel,
        rule: v.rule,
        limitsVersion: chart.limits_version,
        atSheet: sheet,
        points: pts,
        reason,
      };
    });
  }

  /**
   * The holds of the holding charts' events at this sheet (as the transaction read them back), one per roll region per landing: the events whose
   * regions are the same or nested share one hold (its reason names each event's chart, rule and
   * points), and a region an active SPC hold of the product's charts already covers joins that hold
   * (see `planHolds` for "same region": covered by, not an exact range). Idempotent per (event,
   * region): an event records each region's hold as it gets it, and a retry places or joins only the
   * regions an event still lacks. A hold placed before a crash but not yet recorded is found in
   * tracking (active, same region, same reason) rather than placed twice. Every hold is tried even
   * when another's call failed; a failure is recorded on its events and the job fails, so its retry
   * completes them. The yield-analytics worker runs one job at a time, so two landings never plan at once.
   */
  private async placePendingHolds(productCode: string, events: SpcEventHoldsRow[]): Promise<void> {
    const wanted: Array<{ event: SpcEventHoldsRow; region: HoldRegion }> = [];
    for (const ev of events) {
      const have = new Set(recordedHolds(ev).map((h) => regionKey({ roll: h.roll, sheet: h.sheet ?? null })));
      for (const region of violationRegions(ev.points as EventPoint[])) {
        if (!have.has(regionKey(region))) wanted.push({ event: ev, region });
      }
    }
    if (!wanted.length) return;

    const added = new Map<string, EventHold[]>();
    const errors = new Map<string, string[]>();
    const failed = (ev: SpcEventHoldsRow, e: unknown) =>
      errors.set(ev.id, [...new Set([...(errors.get(ev.id) ?? []), e instanceof Error ? e.message : String(e)])]);
    const record = (ev: SpcEventHoldsRow, region: HoldRegion, hold: PlacedHold) =>
      added.set(ev.id, [...(added.get(ev.id) ?? []), eventHold(region, hold)]);

    // What tracking holds now on the rolls concerned; a roll it cannot list is tried again by the retry.
    const activeByRoll = new Map<string, ActiveHold[]>();
    for (const roll of new Set(wanted.map((w) => w.region.roll))) {
      try {
        activeByRoll.set(roll, await this.tracking.activeHoldsOnRoll(roll));
      } catch (e) {
        for (const w of wanted) if (w.region.roll === roll) failed(w.event, e);
      }
    }
    const activeIds = [...new Set([...activeByRoll.values()].flat().map((h) => h.id))];
    const joinable: PlacedHold[] = (await this.spc.spcHoldsAmong(productCode, activeIds)).map((h) => ({
      holdId: h.hold_id,
      roll: h.roll,
      sheet: h.sheet,
      mdFromMm: h.md_from_mm === null ? null : Number(h.md_from_mm),
      mdToMm: h.md_to_mm === null ? null : Number(h.md_to_mm),
    }));
    const plan = planHolds(
      wanted.filter((w) => activeByRoll.has(w.region.roll)),
      joinable,
    );
    for (const j of plan.joins) record(j.event, j.region, j.hold);
    for (const { region, members } of plan.place) {
      const reason = sharedHoldReason(members.map((m) => m.event.reason));
      try {
        const earlier = (activeByRoll.get(region.roll) ?? []).find((h) => h.reason === reason && sameTarget(h, region));
        const holdId =
          earlier?.id ??
          (region.sheet === null
            ? await this.tracking.holdRollRegion(region.roll, region.mdFromMm as number, region.mdToMm as number, reason)
            : await this.tracking.holdSheet(region.sheet, reason));
        for (const m of members) record(m.event, m.region, { ...region, holdId });
        this.logger.log(`SPC hold ${holdId} on ${describeRegion(region)} for ${members.length} event(s): ${reason}`);
      } catch (e) {
        for (const m of members) failed(m.event, e);
      }
    }
    // Every touched event's holds (those it had and those it got) and why any are missing, in one statement.
    const touched = events.filter((ev) => added.has(ev.id) || errors.has(ev.id));
    await this.spc.setEventsHolds(
      touched.map((ev) => ({
        id: ev.id,
        holds: [...recordedHolds(ev), ...(added.get(ev.id) ?? [])],
        error: errors.has(ev.id) ? (errors.get(ev.id) as string[]).join('; ') : null,
      })),
    );
    const why = touched
      .filter((ev) => errors.has(ev.id))
      .map((ev) => `SPC event ${ev.id}: placing its hold failed (${(errors.get(ev.id) as string[]).join('; ')})`);
    if (why.length) throw new Error(`${why.join('; ')}; the job retries`);
  }
}

/**
 * A hold as an event records it: the event's own region (`mdFromMm`, `mdToMm`, or its `sheet`) and the
 * hold that holds it, with the hold's range (wider than the event's when the hold is shared or joined).
 */
interface EventHold {
  roll: string;
  sheet?: string;
  mdFromMm?: number;
  mdToMm?: number;
  holdId: string;
  holdFromMm?: number;
  holdToMm?: number;
}

function eventHold(region: HoldRegion, hold: PlacedHold): EventHold {
  if (region.sheet !== null) return { roll: region.roll, sheet: region.sheet, holdId: hold.holdId };
  return {
    roll: region.roll,
    mdFromMm: region.mdFromMm as number,
    mdToMm: region.mdToMm as number,
    holdId: hold.holdId,
    holdFromMm: hold.mdFromMm as number,
    holdToMm: hold.mdToMm as number,
  };
}

function recordedHolds(ev: SpcEventHoldsRow): EventHold[] {
  return (ev.holds as EventHold[] | null) ?? [];
}

/** Whether tracking's active hold is on exactly this region (MD through JSON as float8: a micrometre of slack). */
function sameTarget(h: ActiveHold, r: HoldRegion): boolean {
  if (r.sheet !== null) return h.target === 'SHEET' && h.sheetBarcode === r.sheet;
  return (
    h.target === 'ROLL_REGION' &&
    h.rollBarcode === r.roll &&
    h.mdFromMm !== null &&
    h.mdToMm !== null &&
    Math.abs(h.mdFromMm - (r.mdFromMm as number)) < 1e-3 &&
    Math.abs(h.mdToMm - (r.mdToMm as number)) < 1e-3
  );
}

function describeRegion(r: HoldRegion): string {
  return r.sheet !== null ? `${r.roll} sheet ${r.sheet}` : `${r.roll} ${r.mdFromMm}-${r.mdToMm} mm`;
}

function metricOf(chart: Pick<SpcChartEntity, 'metric'>): MapMetric {
  return (chart.metric === 'YIELD' ? 'ASR' : chart.metric) as MapMetric;
}

/** A chart as `recordPoints` reads it, from its entity (no limits: a backfill never judges). */
function chartRow(c: SpcChartEntity): ChartWithLimits {
  return {
    id: c.id,
    product_code: c.productCode,
    name: c.name,
    metric: c.metric,
    statistic: c.statistic,
    chart_type: c.chartType,
    zones: c.zones,
    zone: c.zone,
    rules: c.rules,
    hold_on_violation: c.holdOnViolation,
    limits_version: c.limitsVersion,
    centre: null,
    sigma: null,
    dispersion_centre: null,
    baseline_points: null,
  };
}

/** The chart's frozen limits, or null while none are frozen. */
function limitsOfRow(c: ChartWithLimits): ChartLimits | null {
  if (c.limits_version <= 0 || c.centre === null || c.sigma === null || c.dispersion_centre === null) return null;
  return {
    type: c.chart_type as ChartType,
    centre: Number(c.centre),
    sigma: Number(c.sigma),
    dispersionCentre: Number(c.dispersion_centre),
    baselinePoints: Number(c.baseline_points ?? 0),
  };
}

/** A z as stored: a departure from a zero-σ baseline (infinite) as ±1e6, which every rule still reads as far out. */
function storedZ(z: number): number {
  return Number.isFinite(z) ? z : Math.sign(z) * 1e6;
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
