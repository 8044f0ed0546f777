import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { signatureAuditDetails, type Actor, type SignatureInput, type VerifiedSignature } from '@mes/auth';
import {
  parameterDefinitionProblems,
  recipeTransitionProblem,
  traceBandProblems,
  type ParameterDefinition,
  type RecipeState,
  type TraceBand,
} from '@mes/process';
import { DomainError } from '@mes/service-core';
import { TrackingClient } from '@mes/tracking-client';
import { recordAudit } from '../audit/process-audit.repository';
import { refuseIfProblems } from '../common/problems';
import type { RecipeEntity, RouteStepRecipesEntity } from '../database/process.entities';
import type {
  CreateRecipeInput,
  ParameterDefinitionModel,
  ParameterTypeEnum,
  RecipeModel,
  RecipeStateEnum,
  RouteStepRecipesInput,
} from './recipe.model';
import { RecipeRepository } from './recipe.repository';

export function toParameterDefinition(p: CreateRecipeInput['parameters'][number]): ParameterDefinition {
  return {
    name: p.name,
    unit: p.unit ?? null,
    type: p.type,
    target: p.target ?? p.targetText ?? null,
    lowerLimit: p.lowerLimit ?? null,
    upperLimit: p.upperLimit ?? null,
    required: p.required,
    allowedValues: p.allowedValues ?? null,
  };
}

export function toRecipeModel(r: RecipeEntity): RecipeModel {
  return {
    id: r.id,
    name: r.name,
    version: r.version,
    operation: r.operation,
    description: r.description,
    state: r.state as RecipeStateEnum,
    parameters: r.parameters.map((p): ParameterDefinitionModel => ({
      ...p,
      type: p.type as ParameterTypeEnum,
      target: typeof p.target === 'number' ? p.target : null,
      targetText: typeof p.target === 'string' ? p.target : null,
    })),
    traceBands: r.traceBands,
    createdBy: r.createdBy,
    createdAt: r.createdAt,
    releasedBy: r.releasedBy,
    releasedAt: r.releasedAt,
  };
}

/** The seeder's release of the demo recipes, the one release without a person's signature. */
export const DEMO_SEED = 'DEMO_SEED';

/** Recipes and their lifecycle, and what each product route step allows. */
@Injectable()
export class RecipeService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly recipes: RecipeRepository,
    private readonly tracking: TrackingClient,
  ) {}

  /** A new DRAFT: version 1 of a new name, or the next version of an existing name (same operation). */
  async create(actor: Actor, input: CreateRecipeInput): Promise<RecipeEntity> {
    const parameters = input.parameters.map(toParameterDefinition);
    const traceBands: TraceBand[] = input.traceBands.map((b) => ({
      channel: b.channel,
      setpointParameter: b.setpointParameter ?? null,
      setpoint: b.setpoint ?? null,
      tolerancePct: b.tolerancePct,
      minDurationS: b.minDurationS,
    }));
    refuseIfProblems(`Recipe ${input.name} is not valid`, [
      ...parameterDefinitionProblems(parameters, 'input.parameters'),
      ...traceBandProblems(traceBands, parameters, 'input.traceBands'),
    ]);
    return this.db.transaction(async (m) => {
      await this.recipes.lockName(m, input.name);
      const latest = await this.recipes.latestVersion(m, input.name);
      if (latest && latest.operation !== input.operation) {
        throw new DomainError(
          'CONFLICT',
          `Recipe ${input.name} is a ${latest.operation} recipe; a new version cannot change its operation to ${input.operation} (use a new name)`,
          [{ path: 'input.operation', message: `expected ${latest.operation}` }],
        );
      }
      const recipe = await this.recipes.insert(m, {
        name: input.name,
        version: (latest?.version ?? 0) + 1,
        operation: input.operation,
        description: input.description,
        state: 'DRAFT',
        parameters,
        traceBands,
        createdBy: actor.username,
        releasedBy: null,
        releasedAt: null,
        obsoletedAt: null,
      });
      await recordAudit(m, {
        actor: actor.username,
        action: 'RECIPE_CREATED',
        entityType: 'RECIPE',
        entityId: `${recipe.name}@${recipe.version}`,
        details: { parameters: parameters.length, traceBands: traceBands.length },
      });
      return recipe;
    });
  }

  /** DRAFT -> RELEASED (then immutable) or RELEASED -> OBSOLETE. */
  /** Release a DRAFT with an electronic signature: tracking checks the password first, so a refused signature changes nothing. */
  async release(actor: Actor, name: string, version: number, signature: SignatureInput, address: string): Promise<RecipeEntity> {
    const signed = await this.tracking.verifySignature(actor, signature, address);
    return this.transition(actor, name, version, 'RELEASED', signed);
  }

  /**
   * Move a recipe version on. A release carries the verified signature (RecipeService.release), or
   * DEMO_SEED for the demo recipes the seeder releases at first start (no person signs those: the
   * audit record says so).
   */
  async transition(
    actor: Actor,
    name: string,
    version: number,
    to: RecipeState,
    signed?: VerifiedSignature | typeof DEMO_SEED,
  ): Promise<RecipeEntity> {
    if (to === 'RELEASED' && !signed) throw new Error('A recipe is released only with a verified signature (RecipeService.release)');
    return this.db.transaction(async (m) => {
      const recipe = await this.recipes.lockVersion(m, name, version);
      if (!recipe) throw new DomainError('NOT_FOUND', `Unknown recipe ${name} version ${version}`);
      const problem = recipeTransitionProblem(recipe.state, to);
      if (problem) throw new DomainError('CONFLICT', `Recipe ${name} version ${version}: ${problem}`);
      const now = new Date();
      recipe.state = to;
      if (to === 'RELEASED') Object.assign(recipe, { releasedBy: actor.username, releasedAt: now });
      if (to === 'OBSOLETE') recipe.obsoletedAt = now;
      await this.recipes.save(m, recipe);
      await recordAudit(m, {
        actor: actor.username,
        action: `RECIPE_${to}`,
        entityType: 'RECIPE',
        entityId: `${name}@${version}`,
        ...(signed === DEMO_SEED ? { details: { unsigned: 'demo recipe released by the seeder at first start; no person signed' } } : {}),
      });
      if (signed && signed !== DEMO_SEED)
        await recordAudit(m, {
          actor: actor.username,
          action: 'SIGNATURE',
          entityType: 'RECIPE',
          entityId: `${name}@${version}`,
          details: signatureAuditDetails(signed, `RECIPE_${to} ${name}@${version}`),
        });
      return recipe;
    });
  }

  find(name: string, version: number, m?: EntityManager): Promise<RecipeEntity | null> {
    return this.recipes.find(name, version, m);
  }

  list(filter: { name?: string; operation?: string; state?: RecipeState }): Promise<RecipeEntity[]> {
    return this.recipes.list(filter);
  }

  /** Set which recipes and equipment a product's route step allows (replaces what was there). */
  async setRouteStepRecipes(actor: Actor, input: RouteStepRecipesInput): Promise<RouteStepRecipesEntity> {
    const product = await this.tracking.product(input.productCode);
    if (!product)
      throw new DomainError('NOT_FOUND', `Unknown product ${input.productCode}`, [
        { path: 'input.productCode', message: 'expected an existing product code' },
      ]);
    if (!product.operations.includes(input.operation)) {
      throw new DomainError(
        'VALIDATION_FAILED',
        `Product ${input.productCode} has no ${input.operation} step in its current route (${product.operations.join(', ')})`,
        [{ path: 'input.operation', message: 'expected an operation of the product route' }],
      );
    }
    const names = [...new Set(input.recipeNames)];
    if (names.length === 0)
      throw new DomainError('VALIDATION_FAILED', 'Expected at least one recipe name', [
        { path: 'input.recipeNames', message: 'expected at least one recipe name' },
      ]);
    const recipes = await this.recipes.operationsOf(names);
    const problems = names.flatMap((name, i) => {
      const r = recipes.find((x) => x.name === name);
      if (!r) return [{ path: `input.recipeNames[${i}]`, message: `expected an existing recipe name, got ${name}` }];
      if (r.operation !== input.operation)
        return [{ path: `input.recipeNames[${i}]`, message: `recipe ${name} is for ${r.operation}, expected a ${input.operation} recipe` }];
      return [];
    });
    const equipment = input.equipmentCodes.length ? await this.tracking.allEquipment() : [];
    for (const [i, code] of [...new Set(input.equipmentCodes)].entries()) {
      const e = equipment.find((x) => x.code === code);
      if (!e) problems.push({ path: `input.equipmentCodes[${i}]`, message: `expected an existing equipment code, got ${code}` });
      else if (e.operation !== input.operation)
        problems.push({
          path: `input.equipmentCodes[${i}]`,
          message: `${code} is at station ${e.stationCode} (${e.operation}), expected equipment of a ${input.operation} station`,
        });
    }
    refuseIfProblems(`Route step ${input.productCode}/${input.operation} not changed`, problems);
    return this.db.transaction(async (m) => {
      const row = await this.recipes.routeStepOrNew(m, input.productCode, input.operation);
      Object.assign(row, {
        recipeNames: names,
        equipmentCodes: [...new Set(input.equipmentCodes)],
        updatedBy: actor.username,
        updatedAt: new Date(),
      });
      const saved = await this.recipes.saveRouteStep(m, row);
      await recordAudit(m, {
        actor: actor.username,
        action: 'ROUTE_STEP_RECIPES_SET',
        entityType: 'ROUTE_STEP',
        entityId: `${input.productCode}/${input.operation}`,
        details: { recipeNames: names, equipmentCodes: saved.equipmentCodes },
      });
      return saved;
    });
  }

  routeStepRecipes(productCode: string, operation?: string): Promise<RouteStepRecipesEntity[]> {
    return this.recipes.routeSteps(productCode, operation);
  }
}
