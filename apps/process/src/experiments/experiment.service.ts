import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { Actor } from '@mes/auth';
import { experimentArmProblems } from '@mes/process';
import { DomainError } from '@mes/service-core';
import { TrackingClient } from '@mes/tracking-client';
import { recordAudit } from '../audit/process-audit.repository';
import { refuseIfProblems } from '../common/problems';
import { ExperimentEntity, type ExperimentArmRecord, type ProcessRunEntity } from '../database/process.entities';
import { RunRepository } from '../runs/run.repository';
import type { CreateExperimentInput } from './experiment.model';
import { ExperimentRepository } from './experiment.repository';

/** Experiments: alternate recipe versions on MD regions of one roll, so yield can be compared by condition. */
@Injectable()
export class ExperimentService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly experiments: ExperimentRepository,
    private readonly runs: RunRepository,
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
    const step = await this.runs.routeStep(roll.productCode, input.operation);
    const arms: ExperimentArmRecord[] = [];
    for (const [i, a] of input.arms.entries()) {
      const r = await this.runs.recipeVersion(a.recipe.name, a.recipe.version);
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
      await this.runs.lockRollOperation(m, roll.barcode, input.operation);
      if (await this.experiments.byCode(input.code, m)) throw new DomainError('CONFLICT', `Experiment ${input.code} already exists`);
      const other = await this.experiments.onRollOperation(m, roll.barcode, input.operation);
      if (other) throw new DomainError('CONFLICT', `Roll ${roll.barcode} already has experiment ${other.code} at ${input.operation}`);
      const ran = await this.experiments.runsAt(m, roll.barcode, input.operation);
      if (ran > 0)
        throw new DomainError(
          'CONFLICT',
          `Roll ${roll.barcode} already has ${ran} run(s) at ${input.operation}; an experiment is planned before the runs`,
        );
      const saved = await this.experiments.insert(m, {
        code: input.code,
        purpose: input.purpose,
        rollBarcode: roll.barcode,
        operation: input.operation,
        arms,
        createdBy: actor.username,
      });
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

  byCode(code: string): Promise<ExperimentEntity | null> {
    return this.experiments.byCode(code);
  }

  list(rollBarcode?: string): Promise<ExperimentEntity[]> {
    return this.experiments.list(rollBarcode);
  }

  /** The runs of an experiment's arms, in MD order. */
  runsOf(experimentId: string): Promise<ProcessRunEntity[]> {
    return this.experiments.runsOf(experimentId);
  }
}
