import { Injectable, Logger } from '@nestjs/common';
import { failedVsPassed, rankChannels, type CorrelationResult, type GroupDifference } from '@mes/analytics';
import type { Actor } from '@mes/auth';
import { DomainError } from '@mes/service-core';
import { type RollCorrelationEntity, CorrelationRepository, MAP_METRICS, type MapMetric } from '@mes/test-data-store';
import { ProcessClient, type CellProcessValues } from './process.client';

/** Cells asked of the process service per correlation: spread evenly along the roll. */
export const CORRELATION_CELLS = 300;
const PARALLEL_CALLS = 6;
/** Channels whose sampled pairs are kept for a scatter plot (the strongest first). */
export const SCATTER_CHANNELS = 5;

/** The sampled (channel value, metric value) pairs of one channel: what a scatter plot draws. */
export interface CorrelationScatter {
  channel: string;
  channelValues: number[];
  metricValues: number[];
}

export interface RollCorrelationResult {
  cellsSampled: number;
  cellsWithProcessData: number;
  /** Channels against the metric of the passing cells, strongest first. */
  channels: CorrelationResult[];
  /** What was different where cells failed, channels with the smallest p first. */
  failedVsPassed: GroupDifference[];
  /** The pairs behind the strongest channels (absent in results stored before it was kept). */
  scatter?: CorrelationScatter[];
}

/**
 * Cross-stage correlation of a roll: the cell metric against the process values at each cell's own MD
 * (and CD, for thickness maps), from the process service's cell provenance. Requested by an engineer,
 * computed by a job (hundreds of calls to the process service), kept per roll and metric, and computed
 * again by the sweeper's jobs when the roll's results change (at most once a CORRELATION_REFRESH_S).
 */
@Injectable()
export class CorrelationService {
  private readonly logger = new Logger('CorrelationService');

  constructor(
    private readonly correlations: CorrelationRepository,
    private readonly process: ProcessClient,
  ) {}

  /** Store the request (QUEUED) unless one is already waiting or running; the caller enqueues the job. */
  async request(actor: Actor, roll: string, metric: string): Promise<{ entity: RollCorrelationEntity; enqueue: boolean }> {
    if (!(metric in MAP_METRICS))
      throw new DomainError('VALIDATION_FAILED', `metric must be one of ${Object.keys(MAP_METRICS).join(', ')}, got ${metric}`, [
        { path: 'metric', message: 'expected a cell metric' },
      ]);
    if (!(await this.correlations.rollHasBinnedSheets(roll)))
      throw new DomainError('NOT_FOUND', `Roll ${roll} has no binned sheets: nothing to correlate`, [
        { path: 'roll', message: 'expected a roll with binned sheets' },
      ]);
    const existing = await this.correlations.get(roll, metric);
    if (existing && (existing.status === 'QUEUED' || existing.status === 'RUNNING')) return { entity: existing, enqueue: true };
    const entity = await this.correlations.queue(roll, metric, actor.username);
    return { entity, enqueue: true };
  }

  get(roll: string, metric: string): Promise<RollCorrelationEntity | null> {
    return this.correlations.get(roll, metric);
  }

  /** The job: sample cells along the roll, ask process for each, rank the channels. */
  async run(roll: string, metric: MapMetric): Promise<RollCorrelationResult> {
    await this.correlations.update(roll, metric, { status: 'RUNNING' });
    try {
      const result = await this.compute(roll, metric);
      await this.correlations.update(roll, metric, { status: 'DONE', result, error: null, completedAt: new Date() });
      return result;
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      await this.correlations.update(roll, metric, { status: 'FAILED', error: message, completedAt: new Date() });
      throw e;
    }
  }

  /**
   * A stored correlation whose roll's results changed since: computed again and put in place of the
   * old result, which stays shown meanwhile (the row is not set RUNNING). If an engineer's request
   * came in meanwhile, its own job writes the result and this one is dropped. A failure leaves the
   * old result, records why beside it (`error`) and is thrown; the sweeper tries again a minute later.
   */
  async refresh(roll: string, metric: MapMetric): Promise<RollCorrelationResult | null> {
    const asOf = new Date();
    let result: RollCorrelationResult;
    try {
      result = await this.compute(roll, metric);
    } catch (e) {
      await this.correlations.refreshFailed(roll, metric, `refresh failed: ${e instanceof Error ? e.message : String(e)}`);
      throw e;
    }
    return (await this.correlations.storeRefreshed(roll, metric, result, asOf)) ? result : null;
  }

  /** Correlations to compute again because their roll's results changed (see CorrelationRepository.stale). */
  stale(minAgeSeconds: number, limit: number): Promise<Array<{ roll: string; metric: string }>> {
    return this.correlations.stale(minAgeSeconds, limit);
  }

  private async compute(roll: string, metric: MapMetric): Promise<RollCorrelationResult> {
    const cells = await this.correlations.cells(roll, metric);
    if (!cells.length) throw new Error(`roll ${roll} has no tested cells`);
    // Evenly along MD; the stride is odd against the sheet width so CD positions vary too.
    const step = Math.max(1, Math.floor(cells.length / CORRELATION_CELLS)) | 1;
    const sample = cells.filter((_, i) => i % step === 0).slice(0, CORRELATION_CELLS);
    const values: Array<CellProcessValues | null> = new Array(sample.length).fill(null);
    for (let i = 0; i < sample.length; i += PARALLEL_CALLS) {
      const batch = sample.slice(i, i + PARALLEL_CALLS);
      const got = await Promise.all(batch.map((c) => this.process.cell(c.sheet_barcode, Number(c.row), Number(c.col))));
      got.forEach((v, k) => (values[i + k] = v));
    }
    const names = new Set<string>();
    for (const v of values) if (v) for (const k of [...Object.keys(v.traces), ...Object.keys(v.thickness)]) names.add(k);
    const channels: Record<string, Float64Array> = {};
    for (const name of names) channels[name] = Float64Array.from(values, (v) => (v ? (v.traces[name] ?? v.thickness[name] ?? NaN) : NaN));
    const passed = sample.map((c) => Number(c.soft_bin) >= 1 && Number(c.soft_bin) <= 9);
    const metricValues = Float64Array.from(sample, (c, i) => (passed[i] && c.value !== null ? Number(c.value) : NaN));
    const ranked = rankChannels(metricValues, channels).filter((r) => r.n >= 10);
    const failed = passed.map((p) => !p);
    const differences = [...names]
      .map((n) => failedVsPassed(n, channels[n], failed))
      .filter((d) => d.nFailed >= 2 && d.nPassed >= 2)
      .sort((a, b) => a.pValue - b.pValue);
    const scatter = ranked.slice(0, SCATTER_CHANNELS).map((r) => scatterOf(r.channel, channels[r.channel], metricValues));
    const withData = values.filter((v) => v !== null).length;
    this.logger.log(
      `roll ${roll}: ${metric} against ${names.size} process channels at ${withData} of ${sample.length} cells; first ${ranked[0]?.channel ?? 'none'}`,
    );
    return { cellsSampled: sample.length, cellsWithProcessData: withData, channels: ranked, failedVsPassed: differences, scatter };
  }
}

/** The cells where both the channel and the metric were measured. */
function scatterOf(channel: string, x: Float64Array, y: Float64Array): CorrelationScatter {
  const channelValues: number[] = [];
  const metricValues: number[] = [];
  for (let i = 0; i < x.length; i++)
    if (Number.isFinite(x[i]) && Number.isFinite(y[i])) {
      channelValues.push(x[i]);
      metricValues.push(y[i]);
    }
  return { channel, channelValues, metricValues };
}
