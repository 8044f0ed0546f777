import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { encodeFloat32 } from '@mes/process';
import { ProcessRunEntity, type TraceState } from '../database/process.entities';

/** One stored batch: its samples' times and MD positions relative to the first, and its channels. */
export interface StoredTraceBatch {
  runId: string;
  batchId: string;
  contentHash: string;
  t0Ms: number;
  lastMs: number;
  md0Mm: number;
  /** The MD range the batch's channels cover, their zone offsets applied. */
  mdMinMm: number;
  mdMaxMm: number;
  /** Seconds after t0, one a sample. */
  relTimesS: Float64Array;
  /** MD after md0, one a sample; null where the run does not move the web. */
  relMdMm: Float64Array | null;
  channels: { name: string; unit: string; zoneOffsetMm: number; values: Float64Array; min: number; max: number; mean: number }[];
}

/**
 * Equipment trace batches, stored compactly (one row a batch, one a channel, float32), and the
 * trace state a run carries from one batch to the next. Every call takes the ingest's transaction.
 */
@Injectable()
export class TraceRepository {
  /**
   * A batch of the run stored before under this batch id, if any. The run's started_at is read in
   * the statement (exactly, to the microsecond), and PostgreSQL reads that month's partition only.
   */
  async earlier(
    m: EntityManager,
    runId: string,
    batchId: string,
  ): Promise<{ contentHash: string; runId: string; batchId: string; samples: number; mdMinMm: number; mdMaxMm: number } | null> {
    const rows = await m.query(EARLIER_BATCH_SQL, [runId, batchId]);
    return rows[0] ?? null;
  }

  async insert(m: EntityManager, b: StoredTraceBatch): Promise<void> {
    await m.query(
      `INSERT INTO process.trace_batches (run_id, batch_id, content_hash, samples, first_at, last_at, t0_ms, md0_mm, md_min_mm, md_max_mm, t_s, md_mm, run_started_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, (SELECT started_at FROM process.process_runs WHERE id = $1))`,
      [
        b.runId,
        b.batchId,
        b.contentHash,
        b.relTimesS.length,
        new Date(b.t0Ms),
        new Date(b.lastMs),
        b.t0Ms,
        b.md0Mm,
        b.mdMinMm,
        b.mdMaxMm,
        encodeFloat32(b.relTimesS),
        b.relMdMm ? encodeFloat32(b.relMdMm) : Buffer.alloc(0),
      ],
    );
    await m.query(
      `INSERT INTO process.trace_channels (run_id, batch_id, run_started_at, channel, unit, zone_offset_mm, values, min, max, mean)
       SELECT $1, $2, (SELECT started_at FROM process.process_runs WHERE id = $1), * FROM unnest($3::varchar[], $4::varchar[], $5::float8[], $6::bytea[], $7::float8[], $8::float8[], $9::float8[])`,
      [
        b.runId,
        b.batchId,
        b.channels.map((c) => c.name),
        b.channels.map((c) => c.unit),
        b.channels.map((c) => c.zoneOffsetMm),
        b.channels.map((c) => encodeFloat32(c.values)),
        b.channels.map((c) => c.min),
        b.channels.map((c) => c.max),
        b.channels.map((c) => c.mean),
      ],
    );
  }

  /** What the run carries to its next batch: the trace state, the samples so far, the energy so far. */
  async saveRunTrace(
    m: EntityManager,
    runId: string,
    trace: { traceState: TraceState; traceSamples: string; energyKwh: number },
  ): Promise<void> {
    await m.update(ProcessRunEntity, { id: runId }, trace);
  }
}

/** earlier: $1 the run, $2 the batch id; the run's started_at names the partition. */
export const EARLIER_BATCH_SQL = `SELECT run_id AS "runId", batch_id AS "batchId", content_hash AS "contentHash", samples, md_min_mm AS "mdMinMm", md_max_mm AS "mdMaxMm"
   FROM process.trace_batches
  WHERE run_id = $1 AND batch_id = $2 AND run_started_at = (SELECT started_at FROM process.process_runs WHERE id = $1)`;
