import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { Actor } from '@mes/auth';
import { experimentArmProblems } from '@mes/process';
import { DomainError } from '@mes/service-core';
import { TrackingClient } from '@mes/tracking-client';
import { recordAudit } from '../audit/process-audit';
import { refuseIfProblems } from '../common/problems';
import {
  ExperimentEntity,
  ProcessRunEntity,
  RecipeEntity,
  RouteStepRecipesEntity,
  type ExperimentArmRecord,
} from '../database/process.entities';
import type { CreateExperimentInput } from './experiment.model';

/** Experiments: alternate recipe versions on MD regions of one roll, so yield can be compared by condition. */
@Injectable()
export class ExperimentService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly tracking: TrackingClient,
  ) {}

  async create(actor: Actor, input: CreateExperimentInput): Promise<ExperimentEntity> {
    const roll = await this.tracking.trackedRoll(input.rollBarcode);
    if (!roll)
      throw new DomainError('UNKNOWN_BARCODE', `Unknown roll ${input.rollBarcode}`, [
        { path: 'input.rollBarcode', message: 'expected a roll barcode' },
      ]);
    const product = await this.tracking.product(roll.productCode);
    if (!product?.operations.includes(input.operation)) {
      throw new DomainError('VALIDATION_FAILED', `Product ${roll.productCode} has no ${input.operation} step`, [
        { path: 'input.operation', message: 'expected an operation of the roll’s route' },
      ]);
    }
    const problems = experimentArmProblems(
      input.arms.map((a) => ({ condition: a.condition, mdStartMm: a.mdStartMm, mdEndMm: a.mdEndMm })),
      roll.lengthMm,
      'input.arms',
    );
    const step = await this.db
      .getRepository(RouteStepRecipesEntity)
      .findOne({ where: { productCode: roll.productCode, operation: input.operation } });
    const arms: ExperimentArmRecord[] = [];
    for (const [i, a] of input.arms.entries()) {
      const r = await this.db.getRepository(RecipeEntity).findOne({ where: { name: a.recipe.name, version: a.recipe.version } });
      const path = `input.arms[${i}].recipe`;
      if (!r) problems.push({ path, message: `expected an existing recipe version, got ${a.recipe.name} v${a.recipe.version}` });
      else if (r.state !== 'RELEASED')
        problems.push({ path, message: `${r.name} v${r.version} is ${r.state}; expected a RELEASED version` });
      else if (r.operation !== input.operation)
        problems.push({ path, message: `${r.name} is a ${r.operation} recipe; expected a ${input.operation} recipe` });
      else if (!step?.recipeNames.includes(r.name))
        problems.push({ path, message: `${r.name} is not allowed for ${roll.productCode} at ${input.operation}` });
      else
        arms.push({
          condition: a.condition,
          mdStartMm: a.mdStartMm,
          mdEndMm: a.mdEndMm,
          recipeId: r.id,
          recipeName: r.name,
          recipeVersion: r.version,
        });
    }
    refuseIfProblems(`Experiment ${input.code} not created`, problems);
    return this.db.transaction(async (m) => {
      await m.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`runs:${roll.barcode}:${input.operation}`]);
      if (await m.exists(ExperimentEntity, { where: { code: input.code } }))
        throw new DomainError('CONFLICT', `Experiment ${input.code} already exists`);
      const other = await m.getRepository(ExperimentEntity).findOne({ where: { rollBarcode: roll.barcode, operation: input.operation } });
      if (other) throw new DomainError('CONFLICT', `Roll ${roll.barcode} already has experiment ${other.code} at ${input.operation}`);
      const [ran] = await m.query<{ n: number }[]>(
        `SELECT count(*)::int AS n FROM process.process_runs WHERE roll_barcode = $1 AND operation = $2`,
        [roll.barcode, input.operation],
      );
      if (ran.n > 0)
        throw new DomainError(
          'CONFLICT',
          `Roll ${roll.barcode} already has ${ran.n} run(s) at ${input.operation}; an experiment is planned before the runs`,
        );
      const saved = await m.save(
        m.create(ExperimentEntity, {
          code: input.code,
          purpose: input.purpose,
          rollBarcode: roll.barcode,
          operation: input.operation,
          arms,
          createdBy: actor.username,
        }),
      );
      await recordAudit(m, {
        actor: actor.username,
        action: 'EXPERIMENT_CREATED',
        entityType: 'EXPERIMENT',
        entityId: saved.code,
        details: { roll: roll.barcode, operation: input.operation, arms },
      });
      return saved;
    });
  }

  async byCode(code: string): Promise<ExperimentEntity | null> {
    return this.db.getRepository(ExperimentEntity).findOne({ where: { code } });
  }

  async list(rollBarcode?: string): Promise<ExperimentEntity[]> {
    return this.db.getRepository(ExperimentEntity).find({ where: rollBarcode ? { rollBarcode } : {}, order: { id: 'DESC' }, take: 500 });
  }

  /** The runs of an experiment's arms, in MD order. */
  runsOf(experimentId: string): Promise<ProcessRunEntity[]> {
    return this.db.getRepository(ProcessRunEntity).find({ where: { experimentId }, order: { mdStartMm: 'ASC' } });
  }
}
