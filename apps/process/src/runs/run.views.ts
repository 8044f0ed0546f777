import { Injectable } from '@nestjs/common';
import { limitViolations, type ParameterDefinition } from '@mes/process';
import type { ProcessRunEntity, RecipeEntity } from '../database/process.entities';
import { AlarmService } from '../holds/alarm.service';
import type { ActualValueModel, ProcessRunModel } from './run.model';
import { RunRepository } from './run.repository';

export function actualValues(defs: ParameterDefinition[], actuals: Record<string, number | string> | null): ActualValueModel[] {
  if (!actuals) return [];
  const out = new Set(limitViolations(defs, actuals).map((v) => v.parameter));
  return Object.entries(actuals).map(([parameter, v]) => {
    const d = defs.find((x) => x.name === parameter);
    return {
      parameter,
      value: typeof v === 'number' ? v : null,
      text: typeof v === 'string' ? v : null,
      unit: d?.unit ?? null,
      target: typeof d?.target === 'number' ? d.target : null,
      lowerLimit: d?.lowerLimit ?? null,
      upperLimit: d?.upperLimit ?? null,
      inSpec: !out.has(parameter),
    };
  });
}

/** Runs as the graph shows them, with recipe, experiment and alarms in three queries for any number of runs. */
@Injectable()
export class RunViews {
  constructor(
    private readonly store: RunRepository,
    private readonly alarms: AlarmService,
  ) {}

  async of(runs: ProcessRunEntity[]): Promise<ProcessRunModel[]> {
    if (runs.length === 0) return [];
    const recipeIds = [...new Set(runs.map((r) => r.recipeId))];
    const experimentIds = [...new Set(runs.map((r) => r.experimentId).filter((x): x is string => x !== null))];
    const [recipes, experiments, alarms] = await Promise.all([
      this.store.recipesByIds(recipeIds),
      this.store.experimentsByIds(experimentIds),
      this.alarms.ofRuns(runs.map((r) => r.id)),
    ]);
    return runs.map((run) => {
      const recipe = recipes.find((r) => r.id === run.recipeId) as RecipeEntity;
      return {
        id: run.id,
        rollBarcode: run.rollBarcode,
        sheetBarcode: run.sheetBarcode,
        productCode: run.productCode,
        operation: run.operation,
        stationCode: run.stationCode,
        equipmentCode: run.equipmentCode,
        recipeName: recipe.name,
        recipeVersion: recipe.version,
        mdStartMm: run.mdStartMm,
        mdEndMm: run.mdEndMm,
        state: run.state,
        experimentCode: experiments.find((e) => e.id === run.experimentId)?.code ?? null,
        condition: run.condition,
        actuals: actualValues(recipe.parameters, run.actuals),
        energyKwh: run.energyKwh,
        traceSamples: Number(run.traceSamples),
        startedBy: run.startedBy,
        startedAt: run.startedAt,
        completedBy: run.completedBy,
        completedAt: run.completedAt,
        alarms: alarms.filter((a) => a.runId === run.id),
      };
    });
  }
}
