import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { Actor } from '@mes/auth';
import { intervalProblem, type MdInterval } from '@mes/geometry';
import {
  actualValueProblems,
  armAt,
  closeExcursion,
  describeLimitViolation,
  limitViolations,
  runStartProblem,
  targetLifeProblem,
  type ActualValues,
  type ParameterDefinition,
} from '@mes/process';
import { DomainError } from '@mes/service-core';
import { TrackingClient, type TrackedEquipment } from '@mes/tracking-client';
import { recordAudit } from '../audit/process-audit.repository';
import { isRunId } from '../common/ids';
import { refuseIfProblems } from '../common/problems';
import type { ExperimentArmRecord, ProcessRunEntity, RecipeEntity } from '../database/process.entities';
import { EquipmentRepository } from '../equipment/equipment.repository';
import { EquipmentService } from '../equipment/equipment.service';
import { AlarmService, type NewAlarm } from '../holds/alarm.service';
import type { CompleteProcessRunInput, StartProcessRunInput } from './run.model';
import { RunRepository } from './run.repository';

interface RunUnit {
  kind: 'ROLL' | 'SHEET';
  barcode: string;
  rollBarcode: string;
  sheetBarcode: string | null;
  productCode: string;
  segment: MdInterval;
  stepState: string;
  stationCode: string | null;
}

const fmt = (mm: number) => (Number.isInteger(mm) ? String(mm) : mm.toFixed(1));
export const describeRegion = (roll: string, start: number, end: number) => `roll ${roll} MD [${fmt(start)}, ${fmt(end)}) mm`;

/** Process runs: track-in with a recipe on a roll segment or a sheet, and track-out with the actual values. */
@Injectable()
export class RunService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly runs: RunRepository,
    private readonly tracking: TrackingClient,
    private readonly equipment: EquipmentService,
    private readonly equipmentRows: EquipmentRepository,
    private readonly alarms: AlarmService,
  ) {}

  async start(actor: Actor, input: StartProcessRunInput): Promise<ProcessRunEntity> {
    const equipment = await this.tracking.equipment(input.equipmentCode);
    if (!equipment)
      throw new DomainError('NOT_FOUND', `Unknown equipment ${input.equipmentCode}`, [
        { path: 'input.equipmentCode', message: 'expected an equipment code registered in tracking' },
      ]);
    const unit = await this.unit(input, equipment);
    const recipe = await this.runs.recipeVersion(input.recipe.name, input.recipe.version);
    if (!recipe)
      throw new DomainError('NOT_FOUND', `Unknown recipe ${input.recipe.name} version ${input.recipe.version}`, [
        { path: 'input.recipe', message: 'expected an existing recipe version' },
      ]);
    if (recipe.state !== 'RELEASED') {
      throw new DomainError(
        'RECIPE_NOT_RELEASED',
        `Recipe ${recipe.name} version ${recipe.version} is ${recipe.state}; only a RELEASED version can run`,
        [{ path: 'input.recipe.version', message: 'expected a RELEASED version' }],
      );
    }
    if (recipe.operation !== equipment.operation) {
      throw new DomainError(
        'RECIPE_NOT_ALLOWED',
        `Recipe ${recipe.name} is a ${recipe.operation} recipe; equipment ${equipment.code} performs ${equipment.operation}`,
        [{ path: 'input.recipe.name', message: `expected a ${equipment.operation} recipe` }],
      );
    }
    await this.requireAllowed(unit.productCode, equipment, recipe);
    const arm = await this.experimentArm(unit, equipment.operation, recipe);

    return this.db.transaction(async (m) => {
      const eq = await this.equipment.ensure(m, equipment.code, actor.username);
      const stateProblem = runStartProblem(eq.e10State, { experiment: arm !== null });
      if (stateProblem) throw new DomainError('EQUIPMENT_NOT_AVAILABLE', `Equipment ${eq.code}: ${stateProblem}`);
      const lifeProblem = targetLifeProblem(eq.targetConsumedKwh, eq.targetLifeKwh);
      if (lifeProblem)
        throw new DomainError(
          'EQUIPMENT_NOT_AVAILABLE',
          `Equipment ${eq.code} target ${eq.targetId ?? '(unnamed)'}: ${lifeProblem}; replace the target (replaceTarget) first`,
        );
      await this.runs.lockRollOperation(m, unit.rollBarcode, equipment.operation);
      const overlap = await this.runs.overlapping(m, unit.rollBarcode, equipment.operation, unit.segment.startMm, unit.segment.endMm);
      if (overlap) {
        throw new DomainError(
          'CONFLICT',
          `${describeRegion(unit.rollBarcode, unit.segment.startMm, unit.segment.endMm)} overlaps run ${overlap.id} (${overlap.state}, MD [${fmt(overlap.md_start_mm)}, ${fmt(overlap.md_end_mm)}) mm) at ${equipment.operation}; a segment runs an operation once`,
        );
      }
      const run = await this.runs.insert(m, {
        id: randomUUID(),
        rollBarcode: unit.rollBarcode,
        sheetBarcode: unit.sheetBarcode,
        productCode: unit.productCode,
        operation: equipment.operation,
        stationCode: equipment.stationCode,
        equipmentCode: equipment.code,
        recipeId: recipe.id,
        mdStartMm: unit.segment.startMm,
        mdEndMm: unit.segment.endMm,
        mdMode: unit.kind === 'ROLL' ? 'WEB' : 'BATCH',
        state: 'RUNNING',
        experimentId: arm?.experimentId ?? null,
        condition: arm?.arm.condition ?? null,
        actuals: null,
        energyKwh: 0,
        traceSamples: '0',
        traceState: null,
        startedBy: actor.username,
        startedAt: new Date(),
        completedBy: null,
        completedAt: null,
      });
      await this.equipment.changeState(m, eq, 'PRODUCTIVE', actor.username, `run ${run.id} started`);
      await recordAudit(m, {
        actor: actor.username,
        action: 'RUN_STARTED',
        entityType: 'PROCESS_RUN',
        entityId: run.id,
        details: { unit: unit.barcode, recipe: `${recipe.name}@${recipe.version}`, equipment: equipment.code, segment: unit.segment },
      });
      // Tracking's track-in is the last step inside the transaction: if tracking refuses (a hold, a
      // queue-time breach), nothing of the run is stored.
      if (unit.stepState !== 'IN_PROCESS') {
        await this.tracking.scanAs(actor, {
          barcode: unit.barcode,
          stationCode: equipment.stationCode,
          equipmentCode: equipment.code,
          action: 'TRACK_IN',
        });
      }
      return run;
    });
  }

  async complete(actor: Actor, input: CompleteProcessRunInput): Promise<ProcessRunEntity> {
    if (!isRunId(input.runId)) throw new DomainError('NOT_FOUND', `Unknown process run ${input.runId}`);
    const { actuals, problems } = collectActuals(input.actuals);
    const { run, alarmIds } = await this.db.transaction(async (m) => {
      const run = await this.runs.lock(m, input.runId);
      if (!run) throw new DomainError('NOT_FOUND', `Unknown process run ${input.runId}`);
      if (run.state !== 'RUNNING')
        throw new DomainError('CONFLICT', `Process run ${run.id} was completed at ${run.completedAt?.toISOString()} by ${run.completedBy}`);
      const recipe = await this.runs.recipeOf(m, run);
      refuseIfProblems(`Run ${run.id} (${recipe.name} version ${recipe.version}) not completed`, [
        ...problems,
        ...actualValueProblems(recipe.parameters, actuals, 'input.actuals'),
      ]);

      const now = new Date();
      const alarms: NewAlarm[] = limitViolations(recipe.parameters, actuals).map((v) => ({
        kind: 'ACTUAL_LIMIT',
        subject: v.parameter,
        mdStartMm: run.mdStartMm,
        mdEndMm: run.mdEndMm,
        reason: `${describeLimitViolation(v)} in run ${run.id} (${recipe.name} v${recipe.version} on ${run.equipmentCode}, ${describeRegion(run.rollBarcode, run.mdStartMm, run.mdEndMm)})`,
      }));
      // Trace excursions still open at track-out end here.
      for (const [channel, open] of Object.entries(run.traceState?.open ?? {})) {
        const band = recipe.traceBands.find((b) => b.channel === channel);
        const closed = band ? closeExcursion(open, band.minDurationS) : null;
        if (band && closed) alarms.push(...excursionAlarms(run, recipe, channel, closed, open.heldToMdMm));
      }
      const energy = run.energyKwh > 0 ? run.energyKwh : energyFromActuals(recipe.parameters, actuals, run.startedAt, now);
      Object.assign(run, {
        state: 'COMPLETED',
        actuals,
        completedBy: actor.username,
        completedAt: now,
        energyKwh: energy,
        traceState: run.traceState ? { ...run.traceState, open: {} } : null,
      });
      await this.runs.save(m, run);
      const saved = await this.alarms.record(m, run, alarms);
      const eq = await this.equipment.ensure(m, run.equipmentCode, actor.username);
      if (energy > 0) await this.equipmentRows.addTargetConsumption(m, eq.code, energy);
      const others = await this.runs.runningOnEquipment(m, eq.code);
      if (others === 0 && eq.e10State === 'PRODUCTIVE')
        await this.equipment.changeState(m, eq, 'STANDBY', actor.username, `run ${run.id} completed`);
      await recordAudit(m, {
        actor: actor.username,
        action: 'RUN_COMPLETED',
        entityType: 'PROCESS_RUN',
        entityId: run.id,
        details: { actuals, alarms: saved.length, energyKwh: energy },
      });

      const stillRunning = await this.runs.stillRunning(m, run);
      if (input.trackOut ?? stillRunning === 0) {
        await this.tracking.scanAs(actor, {
          barcode: run.sheetBarcode ?? run.rollBarcode,
          stationCode: run.stationCode,
          equipmentCode: run.equipmentCode,
          action: 'TRACK_OUT',
        });
      }
      return { run, alarmIds: saved.map((a) => a.id) };
    });
    await this.alarms.placePendingHolds(alarmIds);
    return run;
  }

  /** The roll or sheet the run is for, checked against the equipment's operation, with its MD segment. */
  private async unit(input: StartProcessRunInput, equipment: TrackedEquipment): Promise<RunUnit> {
    const sheet = input.unitBarcode.startsWith('S-') ? await this.tracking.sheet(input.unitBarcode) : null;
    let unit: RunUnit & { status: string; operation: string | null; holds: { id: string; reason: string }[] };
    if (sheet) {
      if (input.mdStartMm !== undefined || input.mdEndMm !== undefined) {
        throw new DomainError(
          'VALIDATION_FAILED',
          `A run on sheet ${sheet.barcode} covers the whole sheet; give mdStartMm/mdEndMm only for roll runs`,
          [{ path: 'input.mdStartMm', message: 'expected no MD segment for a sheet' }],
        );
      }
      unit = {
        kind: 'SHEET',
        barcode: sheet.barcode,
        rollBarcode: sheet.rollBarcode,
        sheetBarcode: sheet.barcode,
        productCode: sheet.productCode,
        segment: { startMm: sheet.mdStartMm, endMm: sheet.mdEndMm },
        stepState: sheet.stepState,
        stationCode: sheet.stationCode,
        status: sheet.status,
        operation: sheet.operation,
        holds: sheet.activeHolds,
      };
    } else {
      const roll = await this.tracking.trackedRoll(input.unitBarcode);
      if (!roll)
        throw new DomainError('UNKNOWN_BARCODE', `Unknown barcode ${input.unitBarcode}: expected a roll or sheet barcode`, [
          { path: 'input.unitBarcode', message: 'expected a roll or sheet barcode' },
        ]);
      const segment = { startMm: input.mdStartMm ?? 0, endMm: input.mdEndMm ?? roll.lengthMm };
      const problem = intervalProblem(segment, roll.lengthMm);
      if (problem)
        throw new DomainError('VALIDATION_FAILED', `Invalid segment on roll ${roll.barcode}: ${problem}`, [
          { path: 'input.mdEndMm', message: problem },
        ]);
      unit = {
        kind: 'ROLL',
        barcode: roll.barcode,
        rollBarcode: roll.barcode,
        sheetBarcode: null,
        productCode: roll.productCode,
        segment,
        stepState: roll.stepState,
        stationCode: roll.stationCode,
        status: roll.status,
        operation: roll.operation,
        holds: roll.activeHolds,
      };
    }
    const label = unit.kind === 'ROLL' ? 'Roll' : 'Sheet';
    if (unit.status !== 'ACTIVE') throw new DomainError('UNIT_NOT_ACTIVE', `${label} ${unit.barcode} is ${unit.status}`);
    if (unit.operation !== equipment.operation) {
      throw new DomainError(
        'WRONG_OPERATION',
        `${label} ${unit.barcode} is at ${unit.operation ?? 'the end of its route'}, not ${equipment.operation} (equipment ${equipment.code} at ${equipment.stationCode})`,
      );
    }
    if (unit.stepState === 'IN_PROCESS' && unit.stationCode !== equipment.stationCode) {
      throw new DomainError(
        'ALREADY_IN_PROCESS',
        `${label} ${unit.barcode} is tracked in at station ${unit.stationCode}, not ${equipment.stationCode}`,
      );
    }
    if (unit.holds.length)
      throw new DomainError(
        'UNIT_ON_HOLD',
        `${label} ${unit.barcode} is on hold: ${unit.holds[0].reason} (hold ${unit.holds[0].id}); an engineer must release it first`,
      );
    return unit;
  }

  private async requireAllowed(productCode: string, equipment: TrackedEquipment, recipe: RecipeEntity): Promise<void> {
    const step = await this.runs.routeStep(productCode, equipment.operation);
    if (!step || !step.recipeNames.includes(recipe.name)) {
      const allowed = step?.recipeNames.length ? `allowed: ${step.recipeNames.join(', ')}` : 'none are allowed yet (setRouteStepRecipes)';
      throw new DomainError(
        'RECIPE_NOT_ALLOWED',
        `Recipe ${recipe.name} is not allowed for product ${productCode} at ${equipment.operation}; ${allowed}`,
        [{ path: 'input.recipe.name', message: 'expected a recipe the route step allows' }],
      );
    }
    if (step.equipmentCodes.length && !step.equipmentCodes.includes(equipment.code)) {
      throw new DomainError(
        'RECIPE_NOT_ALLOWED',
        `Equipment ${equipment.code} is not allowed for product ${productCode} at ${equipment.operation}; allowed: ${step.equipmentCodes.join(', ')}`,
        [{ path: 'input.equipmentCode', message: 'expected equipment the route step allows' }],
      );
    }
  }

  /** Inside an experiment, a segment must lie in one arm and run that arm's recipe version. */
  private async experimentArm(
    unit: RunUnit,
    operation: string,
    recipe: RecipeEntity,
  ): Promise<{ experimentId: string; arm: ExperimentArmRecord } | null> {
    const experiment = await this.runs.experimentOn(unit.rollBarcode, operation);
    if (!experiment) return null;
    const arm = armAt(experiment.arms, unit.segment) as ExperimentArmRecord | null;
    const arms = experiment.arms
      .map((a) => `${a.condition} [${fmt(a.mdStartMm)}, ${fmt(a.mdEndMm)}) ${a.recipeName} v${a.recipeVersion}`)
      .join('; ');
    if (!arm) {
      throw new DomainError(
        'VALIDATION_FAILED',
        `${describeRegion(unit.rollBarcode, unit.segment.startMm, unit.segment.endMm)} is not inside one arm of experiment ${experiment.code} (${arms}); start one run per arm`,
        [{ path: 'input.mdStartMm', message: 'expected a segment inside one experiment arm' }],
      );
    }
    if (arm.recipeId !== recipe.id) {
      throw new DomainError(
        'RECIPE_NOT_ALLOWED',
        `Experiment ${experiment.code} runs ${arm.recipeName} v${arm.recipeVersion} on arm ${arm.condition}, not ${recipe.name} v${recipe.version}`,
        [{ path: 'input.recipe', message: `expected ${arm.recipeName} version ${arm.recipeVersion}` }],
      );
    }
    return { experimentId: experiment.id, arm };
  }

  byId(id: string, m?: EntityManager): Promise<ProcessRunEntity | null> {
    return this.runs.byId(id, m);
  }

  list(filter: { rollBarcode?: string; equipmentCode?: string; state?: string; limit: number }): Promise<ProcessRunEntity[]> {
    return this.runs.list(filter);
  }
}

/** GraphQL actuals to a parameter -> value map; a value given twice or as both number and text is refused. */
export function collectActuals(input: { parameter: string; value?: number | null; text?: string | null }[]): {
  actuals: ActualValues;
  problems: { path: string; message: string }[];
} {
  const actuals: ActualValues = {};
  const problems: { path: string; message: string }[] = [];
  input.forEach((a, i) => {
    const hasValue = a.value !== undefined && a.value !== null;
    const hasText = a.text !== undefined && a.text !== null;
    if (a.parameter in actuals)
      problems.push({ path: `input.actuals[${i}].parameter`, message: `${a.parameter} is given twice; expected each parameter once` });
    else if (hasValue === hasText)
      problems.push({
        path: `input.actuals[${i}]`,
        message: `expected exactly one of value (NUMBER) or text (ENUM, TEXT) for ${a.parameter}`,
      });
    else actuals[a.parameter] = hasValue ? (a.value as number) : (a.text as string);
  });
  return { actuals, problems };
}

/** Without a power trace, a sputter target's energy is the recorded power over the run's duration. */
function energyFromActuals(defs: ParameterDefinition[], actuals: ActualValues, from: Date, to: Date): number {
  const power = defs.find((d) => d.type === 'NUMBER' && d.unit === 'W' && /^(power|dc_power|rf_power)(_w)?$/.test(d.name));
  const watts = power ? actuals[power.name] : undefined;
  if (typeof watts !== 'number' || watts <= 0) return 0;
  return (watts * (to.getTime() - from.getTime())) / 3.6e9;
}

export function excursionAlarms(
  run: ProcessRunEntity,
  recipe: RecipeEntity,
  channel: string,
  e: { startMs: number; endMs: number; mdStartMm: number; mdEndMm: number; worst: number },
  heldToMdMm: number | null,
): NewAlarm[] {
  const band = recipe.traceBands.find((b) => b.channel === channel);
  // A BATCH run (a sheet) is affected as a whole, so one hold per excursion is enough; a WEB run
  // only where the web was in the zone, beyond what an earlier hold of the excursion covers.
  if (run.mdMode === 'BATCH' && heldToMdMm !== null) return [];
  let [start, end] = run.mdMode === 'BATCH' ? [run.mdStartMm, run.mdEndMm] : [e.mdStartMm, e.mdEndMm];
  if (run.mdMode === 'WEB' && heldToMdMm !== null) {
    start = Math.max(start, heldToMdMm);
    if (end <= start) return [];
  }
  const setpoint = band ? describeBand(band, recipe) : '';
  return [
    {
      kind: 'TRACE_BAND',
      subject: channel,
      mdStartMm: start,
      mdEndMm: end,
      reason:
        `${channel} out of band ${setpoint} for ${((e.endMs - e.startMs) / 1000).toFixed(0)} s (worst ${e.worst.toPrecision(3)}) ` +
        `from ${new Date(e.startMs).toISOString()} to ${new Date(e.endMs).toISOString()} in run ${run.id} (${recipe.name} v${recipe.version} on ${run.equipmentCode}): ${describeRegion(run.rollBarcode, start, end)}`,
    },
  ];
}

function describeBand(band: RecipeEntity['traceBands'][number], recipe: RecipeEntity): string {
  const target = band.setpoint ?? recipe.parameters.find((p) => p.name === band.setpointParameter)?.target;
  return `(${target} ± ${band.tolerancePct} %, over ${band.minDurationS} s)`;
}
