import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { In, type DataSource, type EntityManager } from 'typeorm';
import { isRunId } from '../common/ids';
import { ExperimentEntity, ProcessRunEntity, RecipeEntity, RouteStepRecipesEntity } from '../database/process.entities';

/**
 * The runs' queries: a run with its recipe, the recipes a route step allows, the experiment on a roll
 * segment, overlaps and what still runs; and what the graph shows of runs, any number at once. Reads
 * inside a run's start or completion take that transaction's manager.
 */
@Injectable()
export class RunRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  byId(id: string, m: EntityManager = this.db.manager): Promise<ProcessRunEntity | null> {
    return isRunId(id) ? m.getRepository(ProcessRunEntity).findOne({ where: { id } }) : Promise.resolve(null);
  }

  /** The run under a write lock, for its completion. */
  insert(m: EntityManager, run: Partial<ProcessRunEntity>): Promise<ProcessRunEntity> {
    return m.save(m.create(ProcessRunEntity, run));
  }

  async save(m: EntityManager, run: ProcessRunEntity): Promise<void> {
    await m.save(run);
  }

  lock(m: EntityManager, id: string): Promise<ProcessRunEntity | null> {
    return m.getRepository(ProcessRunEntity).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  list(filter: { rollBarcode?: string; equipmentCode?: string; state?: string; limit: number }): Promise<ProcessRunEntity[]> {
    return this.db.getRepository(ProcessRunEntity).find({
      where: {
        ...(filter.rollBarcode ? { rollBarcode: filter.rollBarcode } : {}),
        ...(filter.equipmentCode ? { equipmentCode: filter.equipmentCode } : {}),
        ...(filter.state ? { state: filter.state as 'RUNNING' } : {}),
      },
      order: { startedAt: 'DESC' },
      take: filter.limit,
    });
  }

  recipeVersion(name: string, version: number): Promise<RecipeEntity | null> {
    return this.db.getRepository(RecipeEntity).findOne({ where: { name, version } });
  }

  recipeOf(m: EntityManager, run: ProcessRunEntity): Promise<RecipeEntity> {
    return m.getRepository(RecipeEntity).findOneOrFail({ where: { id: run.recipeId } });
  }

  routeStep(productCode: string, operation: string): Promise<RouteStepRecipesEntity | null> {
    return this.db.getRepository(RouteStepRecipesEntity).findOne({ where: { productCode, operation } });
  }

  experimentOn(rollBarcode: string, operation: string): Promise<ExperimentEntity | null> {
    return this.db.getRepository(ExperimentEntity).findOne({ where: { rollBarcode, operation } });
  }

  /** Runs of one roll and operation start one at a time (their segments must not overlap). */
  async lockRollOperation(m: EntityManager, rollBarcode: string, operation: string): Promise<void> {
    await m.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`runs:${rollBarcode}:${operation}`]);
  }

  /** A run of the operation on the roll whose MD segment overlaps [startMm, endMm), if any. */
  async overlapping(
    m: EntityManager,
    rollBarcode: string,
    operation: string,
    startMm: number,
    endMm: number,
  ): Promise<{ id: string; md_start_mm: number; md_end_mm: number; state: string } | undefined> {
    const [overlap] = await m.query<{ id: string; md_start_mm: number; md_end_mm: number; state: string }[]>(
      `SELECT id, md_start_mm, md_end_mm, state FROM process.process_runs
        WHERE roll_barcode = $1 AND operation = $2 AND md_start_mm < $4 AND $3 < md_end_mm LIMIT 1`,
      [rollBarcode, operation, startMm, endMm],
    );
    return overlap;
  }

  async runningOnEquipment(m: EntityManager, equipmentCode: string): Promise<number> {
    const [r] = await m.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM process.process_runs WHERE equipment_code = $1 AND state = 'RUNNING'`,
      [equipmentCode],
    );
    return r.n;
  }

  /** Runs still RUNNING at the run's operation on its roll (and sheet, for batch runs). */
  async stillRunning(m: EntityManager, run: ProcessRunEntity): Promise<number> {
    const [r] = await m.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM process.process_runs WHERE roll_barcode = $1 AND operation = $2 AND state = 'RUNNING' AND sheet_barcode IS NOT DISTINCT FROM $3`,
      [run.rollBarcode, run.operation, run.sheetBarcode],
    );
    return r.n;
  }

  recipesByIds(ids: readonly string[]): Promise<RecipeEntity[]> {
    return ids.length ? this.db.getRepository(RecipeEntity).find({ where: { id: In([...ids]) } }) : Promise.resolve([]);
  }

  experimentsByIds(ids: readonly string[]): Promise<ExperimentEntity[]> {
    return ids.length ? this.db.getRepository(ExperimentEntity).find({ where: { id: In([...ids]) } }) : Promise.resolve([]);
  }
}
