import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { In, type DataSource } from 'typeorm';
import { RollCorrelationEntity } from '../analytics.entities';
import { MAP_METRICS, type MapMetric } from '../metric-columns';

/** A roll's tested cell as a correlation samples it. */
export interface CorrelationCell {
  sheet_barcode: string;
  row: number;
  col: number;
  soft_bin: number;
  value: number | null;
}

/** Correlation requests and results (one per roll and metric) and the cells they sample. */
@Injectable()
export class CorrelationRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async rollHasBinnedSheets(roll: string): Promise<boolean> {
    const tested = await this.db.query<Array<{ n: number }>>(
      `SELECT count(*)::int AS n FROM test_data.sheet_yields WHERE roll_barcode = $1`,
      [roll],
    );
    return tested[0].n > 0;
  }

  get(roll: string, metric: string): Promise<RollCorrelationEntity | null> {
    return this.db.getRepository(RollCorrelationEntity).findOne({ where: { rollBarcode: roll, metric } });
  }

  async queue(roll: string, metric: string, requestedBy: string): Promise<RollCorrelationEntity> {
    const repo = this.db.getRepository(RollCorrelationEntity);
    return repo.save(
      repo.create({
        rollBarcode: roll,
        metric,
        status: 'QUEUED',
        result: null,
        error: null,
        requestedBy,
        requestedAt: new Date(),
        completedAt: null,
      }),
    );
  }

  async update(
    roll: string,
    metric: string,
    change: Pick<Partial<RollCorrelationEntity>, 'status' | 'error' | 'completedAt'> & { result?: object },
  ): Promise<void> {
    await this.db.getRepository(RollCorrelationEntity).update({ rollBarcode: roll, metric }, change);
  }

  /**
   * Correlations whose roll's results changed after they were computed (the roll was re-classified
   * since: a sheet landed, was retested or re-binned), computed at least `minAgeSeconds` ago, so a roll
   * under test is re-correlated at most that often; a failed refresh counts as a try (refreshFailed),
   * so a process service that is down is asked once a minute too. Oldest first. A correlation waiting
   * or running is left alone (its job reads the newest cells anyway).
   */
  stale(minAgeSeconds: number, limit: number): Promise<Array<{ roll: string; metric: string }>> {
    return this.db.query(
      `SELECT c.roll_barcode AS roll, c.metric
         FROM test_data.roll_correlations c
         JOIN test_data.roll_patterns p ON p.roll_barcode = c.roll_barcode
        WHERE c.status IN ('DONE', 'FAILED') AND p.classified_at > c.completed_at
          AND greatest(c.completed_at, c.requested_at) < now() - make_interval(secs => $1)
        ORDER BY c.completed_at LIMIT $2`,
      [minAgeSeconds, limit],
    );
  }

  /**
   * A refreshed result replaces the stored one only if no request came in meanwhile (a request resets
   * the row to QUEUED and its own job writes the result): false when the row was not DONE or FAILED.
   * `asOf` is when the cells were read, so results that land while the job runs make it stale again.
   */
  async storeRefreshed(roll: string, metric: string, result: object, asOf: Date): Promise<boolean> {
    const updated = await this.db
      .getRepository(RollCorrelationEntity)
      .update(settled(roll, metric), { status: 'DONE', result, error: null, completedAt: asOf });
    return (updated.affected ?? 0) > 0;
  }

  /** A refresh failed: the stored result stays, with why the newer one is missing; the try counts for the minute. */
  async refreshFailed(roll: string, metric: string, error: string): Promise<void> {
    await this.db.getRepository(RollCorrelationEntity).update(settled(roll, metric), { error, requestedAt: new Date() });
  }

  /** The roll's tested cells (rig faults left out) along MD, then CD, with the metric's value. */
  cells(roll: string, metric: MapMetric): Promise<CorrelationCell[]> {
    return this.db.query<CorrelationCell[]>(
      `SELECT sheet_barcode, row, col, soft_bin, ${MAP_METRICS[metric]} AS value FROM test_data.current_cell_results
        WHERE roll_barcode = $1 AND soft_bin <> 0 ORDER BY md_mm NULLS LAST, cd_mm, sheet_barcode, row, col`,
      [roll],
    );
  }
}

/** A roll's correlation of a metric when no job of an engineer's request waits or runs for it (DONE or FAILED). */
function settled(roll: string, metric: string) {
  return { rollBarcode: roll, metric, status: In(['DONE', 'FAILED']) };
}
