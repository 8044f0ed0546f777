import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { ExperimentEntity, ProcessRunEntity } from '../database/process.entities';

/** Experiments and the runs of their arms. */
@Injectable()
export class ExperimentRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  byCode(code: string, m: EntityManager = this.db.manager): Promise<ExperimentEntity | null> {
    return m.getRepository(ExperimentEntity).findOne({ where: { code } });
  }

  /** The newest 500 experiments, of one roll or of all. */
  insert(m: EntityManager, experiment: Partial<ExperimentEntity>): Promise<ExperimentEntity> {
    return m.save(m.create(ExperimentEntity, experiment));
  }

  list(rollBarcode?: string): Promise<ExperimentEntity[]> {
    return this.db.getRepository(ExperimentEntity).find({ where: rollBarcode ? { rollBarcode } : {}, order: { id: 'DESC' }, take: 500 });
  }

  onRollOperation(m: EntityManager, rollBarcode: string, operation: string): Promise<ExperimentEntity | null> {
    return m.getRepository(ExperimentEntity).findOne({ where: { rollBarcode, operation } });
  }

  /** How many runs the roll already has at the operation (an experiment is planned before any). */
  async runsAt(m: EntityManager, rollBarcode: string, operation: string): Promise<number> {
    const [ran] = await m.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM process.process_runs WHERE roll_barcode = $1 AND operation = $2`,
      [rollBarcode, operation],
    );
    return ran.n;
  }

  /** The runs of an experiment's arms, in MD order. */
  runsOf(experimentId: string): Promise<ProcessRunEntity[]> {
    return this.db.getRepository(ProcessRunEntity).find({ where: { experimentId }, order: { mdStartMm: 'ASC' } });
  }
}
