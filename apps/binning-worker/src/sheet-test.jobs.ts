import type { Logger } from '@nestjs/common';
import type { Job, Queue } from 'bullmq';
import {
  DEFAULT_JOB_OPTIONS,
  JOB_IDS,
  JOBS,
  sheetTestChunks,
  type FinishSheetTestPayload,
  type FitCellsPayload,
  type BinSheetTestPayload,
  type RebinInspectedSheetPayload,
  type RebinPayload,
  type JobName,
} from '@mes/queue-contracts';
import { holdReasonPrefix, sheetDisposition } from '@mes/binning';
import type { TrackingClient } from '@mes/tracking-client';
import { traceContextForJob } from '@mes/service-core';
import { binFittedCells } from './evaluate-sheet-test';
import type { FittingThreads } from './fitting-threads';
import { binningMetrics, productLabel, type BinningMetrics } from './binning.metrics';
import type { SheetTestStore, StoredSheetTest } from '@mes/test-data-store';

export interface SheetTestJobDeps {
  store: SheetTestStore;
  threads: Pick<FittingThreads, 'extract'>;
  tracking: Pick<TrackingClient, 'trackOutTestedSheet' | 'holdSheet' | 'sheet' | 'recountSheet'>;
  queue: Pick<Queue, 'add' | 'addBulk'>;
  logger: Pick<Logger, 'log' | 'warn'>;
  metrics?: BinningMetrics;
  /** Largest chunk (SHEET_TEST_CHUNK_CELLS unless a test wants small sheets in several chunks). */
  chunkCells?: number;
}

/**
 * The handler of every job of the sheet-test queue. bin-sheet-test splits a test into fit-cells
 * chunks; each chunk fits the cells it has no features for yet, writes them, and tries to finalize
 * the test (only the chunk that finds every cell fitted bins the sheet, under the test's row lock);
 * finish-sheet-test then moves the sheet on, once.
 */
export function sheetTestJobHandlers({
  store,
  threads,
  tracking,
  queue,
  logger,
  chunkCells,
  metrics = binningMetrics(),
}: SheetTestJobDeps): Record<JobName, (job: Job) => Promise<unknown>> {
  const finishLater = (test: StoredSheetTest, correlationId?: string) =>
    queue.add(JOBS.finishSheetTest, { sheetTestId: test.id, correlationId, trace: traceContextForJob() } satisfies FinishSheetTestPayload, {
      jobId: JOB_IDS.finishSheetTest(test.id),
    });

  return {
    [JOBS.binSheetTest]: async (job: Job) => {
      const { sheetTestId, correlationId } = job.data as BinSheetTestPayload;
      const test = await store.loadTest(sheetTestId);
      if (!test) throw new Error(`sheet test ${sheetTestId} does not exist`);
      if (test.status === 'DONE') {
        await finishLater(test, correlationId);
        return { alreadyDone: true };
      }
      await store.markBinning(sheetTestId);
      const chunks = sheetTestChunks(test.cellCount, chunkCells);
      await queue.addBulk(
        chunks.map((c) => ({
          name: JOBS.fitCells,
          data: { sheetTestId, ...c, correlationId, trace: traceContextForJob() } satisfies FitCellsPayload,
          opts: { ...DEFAULT_JOB_OPTIONS, jobId: JOB_IDS.fitCells(sheetTestId, c.chunk) },
        })),
      );
      return { chunks: chunks.length };
    },

    [JOBS.fitCells]: async (job: Job) => {
      const { sheetTestId, offset, limit, correlationId } = job.data as FitCellsPayload;
      const test = await store.loadTest(sheetTestId);
      if (!test) throw new Error(`sheet test ${sheetTestId} does not exist`);
      const ms: Record<string, number> = {};
      let t = performance.now();
      const lap = (name: string) => {
        ms[name] = Math.round(performance.now() - t);
        t = performance.now();
      };
      if (test.status !== 'DONE') {
        const raw = await store.chunkToFit(sheetTestId, offset, limit);
        lap('readMs');
        if (raw.length) {
          const features = await threads.extract({
            frequenciesHz: test.frequenciesHz,
            cellAreaCm2: test.cellAreaCm2,
            temperatureC: test.temperatureC,
            cells: raw,
          });
          lap('fitMs');
          await store.writeFeatures(
            sheetTestId,
            raw.map((c, i) => ({ row: c.row, col: c.col, status: c.status, ocvV: c.ocvV, features: features[i] })),
          );
          lap('writeMs');
        }
      }
      const outcome = await store.finalizeWhenComplete(test, async (cells, defects) => {
        const ruleSet = await store.activeRuleSet(test.productCode, test.cellAreaCm2);
        return {
          bins: binFittedCells(ruleSet, test.cellAreaCm2, cells, defects),
          ruleSetName: ruleSet.name,
          ruleSetVersion: ruleSet.version,
        };
      });
      lap('finalizeMs');
      if (outcome.done === 'not yet') return { fitted: outcome.fitted, ...ms };
      await finishLater(test, correlationId);
      if (outcome.done === 'now') {
        const product = productLabel(test.productCode);
        metrics.sheetsBinned.inc({ product });
        for (const b of outcome.bins) metrics.cellsBinned.inc({ product, soft_bin: String(b.softBin) }, b.count);
        logger.log(
          `sheet test ${test.testId} (${test.cellCount} cells) binned: ${outcome.bins.map((b) => `${b.softBin}:${b.count}`).join(' ')}`,
        );
      }
      return { ...outcome, ...ms };
    },

    [JOBS.finishSheetTest]: async (job: Job) => {
      const { sheetTestId } = job.data as FinishSheetTestPayload;
      const test = await store.loadTest(sheetTestId);
      if (!test) throw new Error(`sheet test ${sheetTestId} does not exist`);
      if (test.status !== 'DONE') throw new Error(`sheet test ${sheetTestId} is ${test.status}, not DONE: nothing to finish yet`);
      if (test.disposition) return { disposition: test.disposition };
      const [standing, policy] = await Promise.all([store.sheetStanding(test.sheet), store.testPolicy(test.productCode)]);
      const disposition = sheetDisposition(standing, policy, test.testId);
      if (disposition.kind === 'WAITS_FOR_RETEST') {
        // The sheet stays at its test operation until the rig has retested its rig-fault cells.
        logger.log(`sheet test ${test.testId}: ${disposition.rigFault} cells in soft bin 0; ${test.sheet} waits at its test for a retest`);
        await store.markDisposed(test.id, 'WAITS_FOR_RETEST');
        metrics.dispositions.inc({ product: productLabel(test.productCode), disposition: 'WAITS_FOR_RETEST' });
        return { waitsForRetest: disposition.rigFault };
      }
      await tracking.trackOutTestedSheet(test.sheet, test.rigStation, disposition.good, disposition.reject);
      if (disposition.kind === 'HELD') {
        // A retried finish job must not hold the sheet twice: the reason names the test.
        const held = (await tracking.sheet(test.sheet))?.activeHolds.some((h) => h.reason.startsWith(holdReasonPrefix(test.testId)));
        if (!held) await tracking.holdSheet(test.sheet, disposition.reason);
      }
      await store.markDisposed(test.id, disposition.kind);
      const product = productLabel(test.productCode);
      metrics.dispositions.inc({ product, disposition: disposition.kind });
      metrics.sheetYield.observe({ product }, disposition.yieldFraction);
      metrics.lastSheetYield.set({ product }, disposition.yieldFraction);
      logger.log(
        `sheet test ${test.testId}: ${test.sheet} tracked out${disposition.kind === 'HELD' ? ' and held' : ''}, yield ${(100 * disposition.yieldFraction).toFixed(1)} %`,
      );
      return { disposition: disposition.kind, yield: disposition.yieldFraction };
    },

    [JOBS.rebin]: async (job: Job) => {
      const { requestId } = job.data as RebinPayload;
      const request = await store.rebinRequest(requestId);
      if (!request) throw new Error(`rebin request ${requestId} does not exist`);
      if (request.status === 'DONE') return { alreadyDone: true };
      await store.markRebin(requestId, 'RUNNING');
      const ids = await store.testsInScope(request.scope);
      let rebinned = 0;
      for (const id of ids) {
        const test = await store.loadTest(id);
        if (!test) continue;
        const ruleSet = await store.activeRuleSet(test.productCode, test.cellAreaCm2);
        const changed = await store.rebinTest(test, ruleSet, (cells, defects) => ({
          bins: binFittedCells(ruleSet, test.cellAreaCm2, cells, defects),
          ruleSetName: ruleSet.name,
          ruleSetVersion: ruleSet.version,
        }));
        if (changed) rebinned++;
      }
      await store.markRebin(requestId, 'DONE', { testsInScope: ids.length, testsRebinned: rebinned });
      logger.log(`rebin ${requestId}: ${rebinned} of ${ids.length} tests re-binned`);
      return { testsInScope: ids.length, testsRebinned: rebinned };
    },

    [JOBS.rebinInspectedSheet]: async (job: Job) => {
      // Tests still binning read the defects when they finalize; only the DONE ones are binned again.
      const { sheet, inspectionUuid } = job.data as RebinInspectedSheetPayload;
      const ids = await store.doneTestsOfSheet(sheet);
      let rebinned = 0;
      let trackedOut: StoredSheetTest | null = null;
      for (const id of ids) {
        const test = await store.loadTest(id);
        if (!test) continue;
        const changed = await store.rebinWithInspection(test, (ruleSet, cells, defects) => ({
          bins: binFittedCells(ruleSet, test.cellAreaCm2, cells, defects),
          ruleSetName: ruleSet.name,
          ruleSetVersion: ruleSet.version,
        }));
        if (changed) rebinned++;
        if (test.disposition === 'TRACKED_OUT' || test.disposition === 'HELD') trackedOut = test;
      }
      if (trackedOut) {
        // The sheet left its test with the counts of the earlier bins: tracking gets the new ones.
        const [standing, policy] = await Promise.all([store.sheetStanding(sheet), store.testPolicy(trackedOut.productCode)]);
        const disposition = sheetDisposition(standing, { ...policy, maxRetests: 0 }, trackedOut.testId);
        if (disposition.kind !== 'WAITS_FOR_RETEST')
          await tracking.recountSheet(
            sheet,
            trackedOut.rigStation,
            disposition.good,
            disposition.reject,
            `re-binned with inspection ${inspectionUuid} after track-out: yield ${(100 * disposition.yieldFraction).toFixed(1)} %`,
          );
      }
      await store.markInspectionApplied(inspectionUuid);
      logger.log(`inspection ${inspectionUuid} of ${sheet}: ${rebinned} binned test(s) re-binned with its defects`);
      return { testsRebinned: rebinned };
    },
  };
}
