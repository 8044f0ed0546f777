import { Args, Context, ID, Int, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { clientAddressOf, CurrentActor, ENGINEERING, Roles, SignatureInput, type Actor } from '@mes/auth';
import { RUN_RULE_TEXT, type RunRule } from '@mes/analytics';
import { DomainError } from '@mes/service-core';
import {
  type RollCorrelationEntity,
  type RollPatternEntity,
  type SheetPatternEntity,
  type SpcChartEntity,
  type SpcEventEntity,
  MAP_METRICS,
  type MapMetric,
} from '@mes/test-data-store';
import { AnalyticsQueue } from './analytics.queue';
import { CorrelationService, type RollCorrelationResult } from './correlation.service';
import {
  AnalyticsRollRef,
  AnalyticsSheetRef,
  CreateSpcChartInput,
  FreezeSpcLimitsInput,
  RollCorrelationModel,
  RollPatternsModel,
  SheetPatternsModel,
  SpcChartModel,
  SpcEventModel,
  SpcLimitsModel,
  SpcPointModel,
  StackedMapModel,
  type PatternFindingModel,
  type SpcEventPointModel,
  type SpcHoldModel,
} from './analytics.model';
import { PatternsService } from './patterns.service';
import { SpcService, type ChartedPoint } from './spc.service';

@Resolver(() => SpcChartModel)
export class SpcResolver {
  constructor(
    private readonly spc: SpcService,
    private readonly queue: AnalyticsQueue,
  ) {}

  @Query(() => [SpcChartModel], { description: 'The control charts of a product.' })
  spcCharts(@Args('productCode') productCode: string): Promise<SpcChartModel[]> {
    return this.spc.charts(productCode);
  }

  @Query(() => SpcChartModel, { description: 'One control chart.' })
  spcChart(@Args('id', { type: () => ID }) id: string): Promise<SpcChartModel> {
    return this.spc.chart(id);
  }

  @Query(() => [SpcEventModel], {
    description: 'SPC events, newest first (at most 500): by chart, by status (OPEN, ACKNOWLEDGED), by roll.',
  })
  async spcEvents(
    @Args('chartId', { type: () => ID, nullable: true }) chartId?: string,
    @Args('status', { type: () => String, nullable: true }) status?: string,
    @Args('roll', { type: () => String, nullable: true }) roll?: string,
  ): Promise<SpcEventModel[]> {
    if (status && status !== 'OPEN' && status !== 'ACKNOWLEDGED')
      throw new DomainError('VALIDATION_FAILED', `status must be OPEN or ACKNOWLEDGED, got ${status}`, [
        { path: 'status', message: 'expected OPEN or ACKNOWLEDGED' },
      ]);
    if (chartId) await this.spc.chart(chartId);
    return (await this.spc.events({ chartId, status, roll })).map(toEvent);
  }

  @Roles(...ENGINEERING)
  @Mutation(() => SpcChartModel, {
    description:
      'Create a control chart for a product (ENGINEER or ADMIN; audited). A job adds the points of the product’s newest 500 binned sheets (not judged).',
  })
  async createSpcChart(@CurrentActor() actor: Actor, @Args('input') input: CreateSpcChartInput): Promise<SpcChartModel> {
    const chart = await this.spc.createChart(actor, input);
    // Its points from the product's sheets already binned, so a baseline can be chosen at once (stored
    // as pending with the chart: if Redis is down now, the sweeper queues it).
    await this.queue.requestBackfill(chart.id);
    return chart;
  }

  @Roles(...ENGINEERING)
  @Mutation(() => SpcLimitsModel, {
    description:
      'Freeze a chart’s limits from baseline sheets as its next version, signed (password again and meaning; ENGINEER or ADMIN; audited).',
  })
  freezeSpcLimits(
    @CurrentActor() actor: Actor,
    @Args('input') input: FreezeSpcLimitsInput,
    @Args('signature', { type: () => SignatureInput }) signature: SignatureInput,
    @Context('req') req: Parameters<typeof clientAddressOf>[0],
  ): Promise<SpcLimitsModel> {
    return this.spc.freezeLimits(actor, input.chartId, input.baselineSheets, input.reason, signature, clientAddressOf(req));
  }

  @Roles(...ENGINEERING)
  @Mutation(() => SpcEventModel, {
    description: 'Acknowledge an SPC event with a comment (ENGINEER or ADMIN; audited). Its holds stay until released in tracking.',
  })
  async acknowledgeSpcEvent(
    @CurrentActor() actor: Actor,
    @Args('id', { type: () => ID }) id: string,
    @Args('comment') comment: string,
  ): Promise<SpcEventModel> {
    if (!/^[0-9a-f-]{36}$/i.test(id))
      throw new DomainError('NOT_FOUND', `Unknown SPC event ${id}`, [{ path: 'id', message: 'expected the id of an SPC event' }]);
    if (comment.length > 2000)
      throw new DomainError('VALIDATION_FAILED', `The comment is ${comment.length} characters, at most 2000 are kept`, [
        { path: 'comment', message: 'expected at most 2000 characters' },
      ]);
    return toEvent(await this.spc.acknowledge(actor, id, comment));
  }

  @ResolveField(() => [SpcLimitsModel], { description: 'Every frozen version, oldest first.' })
  limits(@Parent() chart: SpcChartEntity): Promise<SpcLimitsModel[]> {
    return this.spc.limitsHistory(chart.id);
  }

  @ResolveField(() => [SpcPointModel], { description: 'The newest points in landing order.' })
  async points(
    @Parent() chart: SpcChartEntity,
    @Args('last', { type: () => Int, defaultValue: 200 }) last: number,
  ): Promise<SpcPointModel[]> {
    if (!Number.isInteger(last) || last < 1 || last > 5000)
      throw new DomainError('VALIDATION_FAILED', `last must be from 1 to 5000, got ${last}`, [
        { path: 'last', message: 'expected 1 to 5000' },
      ]);
    return (await this.spc.chartedPoints(chart.id, last)).map(toPoint);
  }

  @ResolveField(() => [SpcEventModel])
  async events(@Parent() chart: SpcChartEntity): Promise<SpcEventModel[]> {
    return (await this.spc.events({ chartId: chart.id })).map(toEvent);
  }
}

@Resolver()
export class PatternsResolver {
  constructor(private readonly patterns: PatternsService) {}

  @Query(() => SheetPatternsModel, {
    nullable: true,
    description: 'The spatial classes of a sheet’s current results; null until its analysis has run.',
  })
  async sheetPatterns(@Args('sheet') sheet: string): Promise<SheetPatternsModel | null> {
    const p = await this.patterns.sheetPattern(sheet);
    return p ? toSheetPatterns(p) : null;
  }

  @Query(() => RollPatternsModel, { nullable: true, description: 'The spatial classes of a roll; null until its analysis has run.' })
  async rollPatterns(@Args('roll') roll: string): Promise<RollPatternsModel | null> {
    const p = await this.patterns.rollPattern(roll);
    return p ? toRollPatterns(p) : null;
  }

  @Query(() => StackedMapModel, {
    description: 'Failure rate and metric mean per (row, col) over a roll’s tested sheets or a list of sheets.',
  })
  stackedMap(
    @Args('roll', { type: () => String, nullable: true }) roll?: string,
    @Args('sheets', { type: () => [String], nullable: true }) sheets?: string[],
    @Args('metric', { type: () => String, defaultValue: 'ASR', description: 'ASR, OCV, R_OHMIC or R_CT.' }) metric = 'ASR',
  ): Promise<StackedMapModel> {
    if (!(metric in MAP_METRICS))
      throw new DomainError('VALIDATION_FAILED', `metric must be one of ${Object.keys(MAP_METRICS).join(', ')}, got ${metric}`, [
        { path: 'metric', message: 'expected a cell metric' },
      ]);
    if (sheets && sheets.length > 2000)
      throw new DomainError('VALIDATION_FAILED', `At most 2000 sheets per stacked map, got ${sheets.length}`, [
        { path: 'sheets', message: 'expected at most 2000 sheets' },
      ]);
    return this.patterns.stackedMap({ roll, sheets }, metric as MapMetric).then((m) => ({
      ...m,
      positions: m.positions.map((p) => ({ ...p, metricMean: Number.isFinite(p.metricMean) ? p.metricMean : null })),
      repeaters: m.repeaters.map((p) => ({ ...p, metricMean: Number.isFinite(p.metricMean) ? p.metricMean : null })),
    }));
  }
}

@Resolver()
export class CorrelationResolver {
  constructor(
    private readonly correlation: CorrelationService,
    private readonly queue: AnalyticsQueue,
  ) {}

  @Roles(...ENGINEERING)
  @Mutation(() => RollCorrelationModel, {
    description: 'Correlate a roll’s cell metric with the process values at each cell (a job; poll rollCorrelation).',
  })
  async requestRollCorrelation(
    @CurrentActor() actor: Actor,
    @Args('roll') roll: string,
    @Args('metric', { type: () => String, defaultValue: 'ASR' }) metric: string,
  ): Promise<RollCorrelationModel> {
    const { entity, enqueue } = await this.correlation.request(actor, roll, metric);
    if (enqueue) await this.queue.correlateRoll(roll, metric);
    return toCorrelation(entity);
  }

  @Query(() => RollCorrelationModel, {
    nullable: true,
    description: 'The newest correlation of a roll’s metric with its process values; null if never requested.',
  })
  async rollCorrelation(
    @Args('roll') roll: string,
    @Args('metric', { type: () => String, defaultValue: 'ASR' }) metric: string,
  ): Promise<RollCorrelationModel | null> {
    const c = await this.correlation.get(roll, metric);
    return c ? toCorrelation(c) : null;
  }
}

function toCorrelation(c: RollCorrelationEntity): RollCorrelationModel {
  const r = c.result as RollCorrelationResult | null;
  const fin = (v: number) => (Number.isFinite(v) ? v : null);
  return {
    rollBarcode: c.rollBarcode,
    metric: c.metric,
    status: c.status,
    error: c.error,
    requestedBy: c.requestedBy,
    requestedAt: c.requestedAt,
    completedAt: c.completedAt,
    cellsSampled: r?.cellsSampled ?? null,
    cellsWithProcessData: r?.cellsWithProcessData ?? null,
    channels: r?.channels ?? [],
    failedVsPassed: (r?.failedVsPassed ?? []).map((d) => ({
      ...d,
      meanFailed: fin(d.meanFailed),
      meanPassed: fin(d.meanPassed),
      difference: fin(d.difference),
    })),
    scatter: r?.scatter ?? [],
  };
}

/** test-data's fields on tracking's Sheet. */
@Resolver(() => AnalyticsSheetRef)
export class SheetAnalyticsResolver {
  constructor(
    private readonly patternsService: PatternsService,
    private readonly spc: SpcService,
  ) {}

  @ResolveField(() => SheetPatternsModel, { nullable: true, description: 'The sheet’s spatial pattern classes (test-data).' })
  async patterns(@Parent() sheet: AnalyticsSheetRef): Promise<SheetPatternsModel | null> {
    const p = await this.patternsService.sheetPattern(sheet.barcode);
    return p ? toSheetPatterns(p) : null;
  }

  @ResolveField(() => [SpcPointModel], { description: 'The sheet’s points on its product’s control charts (test-data).' })
  async spcPoints(@Parent() sheet: AnalyticsSheetRef): Promise<SpcPointModel[]> {
    return (await this.spc.pointsOfSheet(sheet.barcode)).map(toPoint);
  }
}

/** test-data's fields on tracking's Roll. */
@Resolver(() => AnalyticsRollRef)
export class RollAnalyticsResolver {
  constructor(
    private readonly patternsService: PatternsService,
    private readonly spc: SpcService,
    private readonly correlationService: CorrelationService,
  ) {}

  @ResolveField(() => RollPatternsModel, { nullable: true, description: 'The roll’s spatial pattern classes (test-data).' })
  async patterns(@Parent() roll: AnalyticsRollRef): Promise<RollPatternsModel | null> {
    const p = await this.patternsService.rollPattern(roll.barcode);
    return p ? toRollPatterns(p) : null;
  }

  @ResolveField(() => [SheetPatternsModel], { description: 'The spatial classes of each of the roll’s analysed sheets (test-data).' })
  async sheetPatterns(@Parent() roll: AnalyticsRollRef): Promise<SheetPatternsModel[]> {
    return (await this.patternsService.sheetPatternsOfRoll(roll.barcode)).map(toSheetPatterns);
  }

  @ResolveField(() => [SpcPointModel], { description: 'The roll’s sheets’ points on the control charts (test-data).' })
  async spcPoints(@Parent() roll: AnalyticsRollRef): Promise<SpcPointModel[]> {
    return (await this.spc.pointsOfRoll(roll.barcode)).map(toPoint);
  }

  @ResolveField(() => RollCorrelationModel, {
    nullable: true,
    description: 'The roll’s newest correlation of a metric with its process values (test-data).',
  })
  async correlation(
    @Parent() roll: AnalyticsRollRef,
    @Args('metric', { type: () => String, defaultValue: 'ASR' }) metric: string,
  ): Promise<RollCorrelationModel | null> {
    const c = await this.correlationService.get(roll.barcode, metric);
    return c ? toCorrelation(c) : null;
  }

  @ResolveField(() => [SpcEventModel], { description: 'SPC events with points on this roll (test-data).' })
  async spcEvents(@Parent() roll: AnalyticsRollRef): Promise<SpcEventModel[]> {
    return (await this.spc.events({ roll: roll.barcode })).map(toEvent);
  }
}

function toPoint({ limits, ...p }: ChartedPoint): SpcPointModel {
  return {
    ...p,
    seq: Number(p.seq),
    centre: limits?.centre ?? null,
    lcl: limits?.lcl ?? null,
    ucl: limits?.ucl ?? null,
    dispersionCentre: limits?.dispersionCentre ?? null,
    dispersionLcl: limits?.dispersionLcl ?? null,
    dispersionUcl: limits?.dispersionUcl ?? null,
  };
}

function toEvent(e: SpcEventEntity): SpcEventModel {
  return {
    id: e.id,
    chartId: e.chartId,
    rule: e.rule,
    ruleText: RUN_RULE_TEXT[e.rule as RunRule] ?? e.rule,
    panel: e.panel,
    limitsVersion: e.limitsVersion,
    atSheet: e.atSheet,
    points: e.points as SpcEventPointModel[],
    reason: e.reason,
    holds: ((e.holds as Array<Partial<SpcHoldModel>>) ?? []).map((h) => ({
      roll: h.roll as string,
      sheet: h.sheet ?? null,
      mdFromMm: h.mdFromMm ?? null,
      mdToMm: h.mdToMm ?? null,
      holdId: h.holdId as string,
    })),
    holdError: e.holdError,
    status: e.status,
    acknowledgedBy: e.acknowledgedBy,
    acknowledgedAt: e.acknowledgedAt,
    comment: e.ackComment,
    createdAt: e.createdAt,
  };
}

function toSheetPatterns(p: SheetPatternEntity): SheetPatternsModel {
  return {
    sheetBarcode: p.sheetBarcode,
    sheet: { barcode: p.sheetBarcode },
    rollBarcode: p.rollBarcode,
    classes: p.classes,
    failRate: p.failRate,
    findings: p.findings as PatternFindingModel[],
    classifiedAt: p.classifiedAt,
  };
}

function toRollPatterns(p: RollPatternEntity): RollPatternsModel {
  return {
    rollBarcode: p.rollBarcode,
    roll: { barcode: p.rollBarcode },
    sheets: p.sheets,
    classes: p.classes,
    failRate: p.failRate,
    findings: p.findings as PatternFindingModel[],
    classifiedAt: p.classifiedAt,
  };
}
