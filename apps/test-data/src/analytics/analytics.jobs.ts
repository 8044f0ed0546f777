import type { Job } from 'bullmq';
import {
  ANALYTICS_JOBS,
  type AnalyticsJobName,
  type AnalyzeRollPayload,
  type AnalyzeSheetPayload,
  type BackfillChartPayload,
  type CorrelateRollPayload,
} from '@mes/queue-contracts';
import type { CorrelationService } from './correlation.service';
import type { PatternsService } from './patterns.service';
import type { MapMetric, SheetMapsRepository } from '@mes/test-data-store';
import type { SpcService } from './spc.service';

export interface AnalyticsJobDeps {
  maps: Pick<SheetMapsRepository, 'sheet'>;
  patterns: Pick<PatternsService, 'classifySheet' | 'classifyRoll'>;
  spc: Pick<SpcService, 'recordSheet' | 'backfill'>;
  correlation: Pick<CorrelationService, 'run' | 'refresh'>;
  /** Schedules the roll's re-classification (debounced by the queue). */
  rollLater: (roll: string) => Promise<void>;
}

/** The handler of every job of the yield-analytics queue; each is idempotent (results keyed by sheet, chart and rule). */
export function analyticsJobHandlers({
  maps,
  patterns,
  spc,
  correlation,
  rollLater,
}: AnalyticsJobDeps): Record<AnalyticsJobName, (job: Job) => Promise<unknown>> {
  return {
    [ANALYTICS_JOBS.analyzeSheet]: async (job: Job) => {
      const { sheet } = job.data as AnalyzeSheetPayload;
      const t0 = performance.now();
      const map = await maps.sheet(sheet);
      if (!map) return { skipped: `sheet ${sheet} has no binned results` };
      const c = await patterns.classifySheet(map);
      const t1 = performance.now();
      const spcResult = await spc.recordSheet(map);
      await rollLater(map.roll);
      return { classes: c.classes, ...spcResult, classifyMs: Math.round(t1 - t0), spcMs: Math.round(performance.now() - t1) };
    },
    [ANALYTICS_JOBS.analyzeRoll]: async (job: Job) => {
      const { roll } = job.data as AnalyzeRollPayload;
      const c = await patterns.classifyRoll(roll);
      return c ? { classes: c.classes, failRate: c.failRate } : { skipped: `roll ${roll} has no binned sheets` };
    },
    [ANALYTICS_JOBS.correlateRoll]: async (job: Job) => {
      const { roll, metric, refresh } = job.data as CorrelateRollPayload;
      if (refresh) {
        const r = await correlation.refresh(roll, metric as MapMetric);
        if (!r) return { skipped: `correlation of ${roll} ${metric} was requested meanwhile: its own job computes it` };
        return { refreshed: true, cellsSampled: r.cellsSampled, first: r.channels[0]?.channel ?? null };
      }
      const r = await correlation.run(roll, metric as MapMetric);
      return { cellsSampled: r.cellsSampled, cellsWithProcessData: r.cellsWithProcessData, first: r.channels[0]?.channel ?? null };
    },
    [ANALYTICS_JOBS.backfillChart]: async (job: Job) => {
      const { chartId } = job.data as BackfillChartPayload;
      return spc.backfill(chartId);
    },
  };
}
