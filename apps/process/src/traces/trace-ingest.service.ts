import { createHash } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import {
  absoluteTimesMs,
  bandSetpoint,
  cursorProblem,
  findExcursions,
  integrateKwh,
  mapTimesToMd,
  parseTraceBatch,
  zoneMd,
  type OpenExcursion,
  type TraceBatch,
} from '@mes/process';
import { DomainError, monthOf, withMonthPartition } from '@mes/service-core';
import { recordAudit } from '../audit/process-audit.repository';
import { isRunId } from '../common/ids';
import type { EquipmentEntity, TraceState } from '../database/process.entities';
import { EquipmentRepository } from '../equipment/equipment.repository';
import { AlarmService, type NewAlarm } from '../holds/alarm.service';
import { RunRepository } from '../runs/run.repository';
import { excursionAlarms } from '../runs/run.service';
import { TRACE_PARTITIONS } from './trace-partitions';
import { TraceRepository, type StoredTraceBatch } from './trace.repository';

export interface TraceBatchAnswer {
  httpStatus: 200 | 201;
  body: {
    runId: string;
    batchId: string;
    samples: number;
    mdStartMm: number;
    mdEndMm: number;
    alarms: { id: string; subject: string; mdStartMm: number; mdEndMm: number; reason: string }[];
  };
}

/**
 * Equipment trace batches: validated, mapped from time to MD (per deposition zone), stored compactly
 * (one row per batch and one per channel, float32), checked against the recipe's alarm bands, all in
 * one transaction; holds for excursions are placed after commit.
 */
@Injectable()
export class TraceIngestService {
  private readonly logger = new Logger(TraceIngestService.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly traces: TraceRepository,
    private readonly runs: RunRepository,
    private readonly equipment: EquipmentRepository,
    private readonly alarms: AlarmService,
  ) {}

  async ingest(equipmentCode: string, body: unknown, raw: Buffer | null): Promise<TraceBatchAnswer> {
    const parsed = parseTraceBatch(body);
    if (!parsed.batch) {
      const p = parsed.problems[0];
      throw new DomainError(
        'VALIDATION_FAILED',
        `Trace batch refused: ${p.path}: ${p.message}${parsed.problems.length > 1 ? ` (and ${parsed.problems.length - 1} more)` : ''}; nothing was stored`,
        parsed.problems,
      );
    }
    const batch = parsed.batch;
    if (!isRunId(batch.runId))
      throw new DomainError('NOT_FOUND', `Unknown process run ${batch.runId}`, [
        { path: 'runId', message: 'expected the id startProcessRun returned' },
      ]);
    const contentHash = createHash('sha256')
      .update(raw ?? JSON.stringify(body))
      .digest('hex');

    // The batch goes to the partition of its run's start month: should that month have none (the
    // keeper has not run), it is made and the whole transaction run again.
    let runStartedAt: Date | null = null;
    const storeOnce = () =>
      this.db.transaction(async (m) => {
        const run = await this.runs.lock(m, batch.runId);
        if (!run)
          throw new DomainError('NOT_FOUND', `Unknown process run ${batch.runId}`, [
            { path: 'runId', message: 'expected the id startProcessRun returned' },
          ]);
        if (run.equipmentCode !== equipmentCode) {
          throw new DomainError('FORBIDDEN', `Run ${run.id} runs on equipment ${run.equipmentCode}; this key belongs to ${equipmentCode}`);
        }
        runStartedAt = run.startedAt;
        const earlier = await this.traces.earlier(m, run.id, batch.batchId);
        if (earlier) {
          if (earlier.contentHash !== contentHash) {
            throw new DomainError(
              'CONFLICT',
              `Batch ${batch.batchId} of run ${run.id} was already stored with different content; a batch id names one batch`,
            );
          }
          return { duplicate: true as const, run, earlier };
        }
        if (run.state !== 'RUNNING')
          throw new DomainError(
            'CONFLICT',
            `Run ${run.id} was completed at ${run.completedAt?.toISOString()}; traces are taken while a run is running`,
          );
        const recipe = await this.runs.recipeOf(m, run);
        const equipment = await this.equipment.byCode(equipmentCode, m);
        if (!equipment) throw new Error(`Equipment ${equipmentCode} of run ${run.id} has no row in process.equipment`);
        const state: TraceState = run.traceState ?? { lastTMs: -Infinity, cursor: null, lastPower: null, open: {} };
        const times = absoluteTimesMs(batch);
        if (times[0] <= state.lastTMs) {
          throw new DomainError(
            'CONFLICT',
            `Batch ${batch.batchId} starts at ${new Date(times[0]).toISOString()}, not after the run's previous batch ended (${new Date(state.lastTMs).toISOString()}); batches of a run come in time order`,
            [{ path: 'tS[0]', message: 'expected a time after the previous batch' }],
          );
        }
        const channel = (name: string) => batch.channels.find((c) => c.name === name)?.values;
        let md: Float64Array;
        if (run.mdMode === 'WEB') {
          const speed = channel('web_speed');
          const encoder = channel('encoder_md');
          if (!speed && !encoder) {
            throw new DomainError(
              'VALIDATION_FAILED',
              `Run ${run.id} moves the web (a roll run): each batch needs a web_speed (m/min) or encoder_md (mm) channel to place samples on the roll`,
              [{ path: 'channels', message: 'expected a web_speed or encoder_md channel' }],
            );
          }
          const problem = cursorProblem(state.cursor, times);
          if (problem) throw new DomainError('CONFLICT', `Batch ${batch.batchId}: ${problem}`);
          const mapped = mapTimesToMd(times, { speedMPerMin: speed, encoderMm: encoder, cursor: state.cursor, md0Mm: run.mdStartMm });
          md = mapped.mdMm;
          state.cursor = mapped.cursor;
        } else {
          md = new Float64Array(times.length).fill(run.mdStartMm);
        }

        const power = channel('power');
        if (power) {
          run.energyKwh += integrateKwh(times, power, state.lastPower);
          state.lastPower = { tMs: times[times.length - 1], powerW: power[power.length - 1] };
        }
        const alarms: NewAlarm[] = [];
        const channelMd = new Map<string, Float64Array>();
        for (const c of batch.channels) {
          const offset = equipment.zoneOffsetsMm[c.name] ?? 0;
          channelMd.set(c.name, offset === 0 ? md : zoneMd(md, offset));
        }
        for (const band of recipe.traceBands) {
          const values = channel(band.channel);
          if (!values) continue;
          const found = findExcursions(
            times,
            channelMd.get(band.channel) as Float64Array,
            values,
            { setpoint: bandSetpoint(band, recipe.parameters), tolerancePct: band.tolerancePct, minDurationS: band.minDurationS },
            state.open[band.channel] ?? null,
          );
          const open = state.open[band.channel];
          for (const e of found.closed)
            alarms.push(...excursionAlarms(run, recipe, band.channel, e, e.startMs === open?.startMs ? open.heldToMdMm : null));
          if (found.open) {
            // Long enough already: hold what was made so far instead of waiting for the rate to come back.
            const next: OpenExcursion = { ...found.open };
            if (next.endMs - next.startMs >= band.minDurationS * 1000) {
              const upTo = Math.max(next.mdStartMm, next.mdEndMm);
              alarms.push(...excursionAlarms(run, recipe, band.channel, next, next.heldToMdMm));
              next.heldToMdMm = upTo;
            }
            state.open[band.channel] = next;
          } else {
            delete state.open[band.channel];
          }
        }
        state.lastTMs = times[times.length - 1];
        await this.traces.insert(m, storedBatch(run, run.mdMode === 'WEB', batch, times, md, equipment, contentHash));
        run.traceState = state;
        run.traceSamples = String(Number(run.traceSamples) + times.length);
        await this.traces.saveRunTrace(m, run.id, { traceState: state, traceSamples: run.traceSamples, energyKwh: run.energyKwh });
        const saved = await this.alarms.record(m, run, alarms);
        if (saved.length)
          await recordAudit(m, {
            actor: `equipment:${equipmentCode}`,
            action: 'TRACE_ALARM',
            entityType: 'PROCESS_RUN',
            entityId: run.id,
            details: { batchId: batch.batchId, alarms: saved.map((a) => a.id) },
          });
        const [mdMin, mdMax] = extent(md);
        return { duplicate: false as const, run, saved, mdMin, mdMax };
      });
    const result = await withMonthPartition(this.db, TRACE_PARTITIONS, () => monthOf(runStartedAt ?? new Date()), storeOnce, this.logger);

    if (result.duplicate) {
      const e = result.earlier;
      return {
        httpStatus: 200,
        body: { runId: e.runId, batchId: e.batchId, samples: e.samples, mdStartMm: e.mdMinMm, mdEndMm: e.mdMaxMm, alarms: [] },
      };
    }
    await this.alarms.placePendingHolds(result.saved.map((a) => a.id));
    return {
      httpStatus: 201,
      body: {
        runId: result.run.id,
        batchId: batch.batchId,
        samples: batch.tS.length,
        mdStartMm: result.mdMin,
        mdEndMm: result.mdMax,
        alarms: result.saved.map((a) => ({ id: a.id, subject: a.subject, mdStartMm: a.mdStartMm, mdEndMm: a.mdEndMm, reason: a.reason })),
      },
    };
  }
}

/** A batch as stored: times and MD relative to its first sample, each channel with its zone offset and summary. */
function storedBatch(
  run: { id: string; startedAt: Date },
  movesWeb: boolean,
  batch: TraceBatch,
  times: Float64Array,
  md: Float64Array,
  equipment: EquipmentEntity,
  contentHash: string,
): StoredTraceBatch {
  const t0 = times[0];
  const md0 = md[0];
  const rel = new Float64Array(times.length);
  const relMd = new Float64Array(md.length);
  for (let i = 0; i < times.length; i++) {
    rel[i] = (times[i] - t0) / 1000;
    relMd[i] = md[i] - md0;
  }
  const [lo, hi] = extent(md);
  // Channels are looked up by MD with their zone offsets applied: the batch's range covers them all.
  const offsets = batch.channels.map((c) => equipment.zoneOffsetsMm[c.name] ?? 0);
  return {
    runId: run.id,
    batchId: batch.batchId,
    contentHash,
    t0Ms: t0,
    lastMs: times[times.length - 1],
    md0Mm: md0,
    mdMinMm: lo + Math.min(0, ...offsets),
    mdMaxMm: hi + Math.max(0, ...offsets),
    relTimesS: rel,
    relMdMm: movesWeb ? relMd : null,
    channels: batch.channels.map((c, i) => ({
      name: c.name,
      unit: c.unit,
      zoneOffsetMm: offsets[i],
      values: c.values,
      ...summary(c.values),
    })),
  };
}

function extent(a: Float64Array): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < a.length; i++) {
    if (a[i] < lo) lo = a[i];
    if (a[i] > hi) hi = a[i];
  }
  return [lo, hi];
}

function summary(values: Float64Array): { min: number; max: number; mean: number } {
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
  }
  return { min, max, mean: sum / values.length };
}
