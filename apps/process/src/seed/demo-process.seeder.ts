import { Injectable, Logger } from '@nestjs/common';
import { Role, type Actor } from '@mes/auth';
import { TrackingClient } from '@mes/tracking-client';
import { EquipmentService } from '../equipment/equipment.service';
import type { ParameterTypeEnum } from '../recipes/recipe.model';
import { RecipeRepository } from '../recipes/recipe.repository';
import { DEMO_SEED, RecipeService } from '../recipes/recipe.service';
import { ThicknessService } from '../thickness/thickness.service';
import { DEMO_LCO_UTILIZATION, DEMO_PRODUCT, DEMO_RECIPES, DEMO_TARGETS } from './demo-recipes';

const SYSTEM: Actor = { userId: '0', username: 'system', role: Role.ADMIN };

/** Seeds the demo recipes through the services engineers use, once tracking has its demo line. */
@Injectable()
export class DemoProcessSeeder {
  private readonly logger = new Logger(DemoProcessSeeder.name);

  constructor(
    private readonly recipeRows: RecipeRepository,
    private readonly recipes: RecipeService,
    private readonly equipment: EquipmentService,
    private readonly thickness: ThicknessService,
    private readonly tracking: TrackingClient,
  ) {}

  async seedIfEmpty(): Promise<boolean> {
    if ((await this.recipeRows.count()) > 0) return false;
    const product = await this.tracking.product(DEMO_PRODUCT);
    if (!product) {
      this.logger.warn(`no product ${DEMO_PRODUCT} in tracking: the demo recipes are not seeded`);
      return false;
    }
    for (const r of DEMO_RECIPES) {
      await this.recipes.create(SYSTEM, {
        name: r.name,
        operation: r.operation,
        description: r.description,
        parameters: r.parameters.map((p) => ({
          name: p.name,
          unit: p.unit ?? undefined,
          type: p.type as ParameterTypeEnum,
          target: typeof p.target === 'number' ? p.target : undefined,
          targetText: typeof p.target === 'string' ? p.target : undefined,
          lowerLimit: p.lowerLimit ?? undefined,
          upperLimit: p.upperLimit ?? undefined,
          required: p.required,
          allowedValues: p.allowedValues ?? undefined,
        })),
        traceBands: r.traceBands.map((b) => ({
          channel: b.channel,
          setpointParameter: b.setpointParameter ?? undefined,
          setpoint: b.setpoint ?? undefined,
          tolerancePct: b.tolerancePct,
          minDurationS: b.minDurationS,
        })),
      });
      await this.recipes.transition(SYSTEM, r.name, 1, 'RELEASED', DEMO_SEED);
    }
    for (const operation of new Set(DEMO_RECIPES.map((r) => r.operation))) {
      if (!product.operations.includes(operation)) continue;
      await this.recipes.setRouteStepRecipes(SYSTEM, {
        productCode: DEMO_PRODUCT,
        operation,
        recipeNames: DEMO_RECIPES.filter((r) => r.operation === operation).map((r) => r.name),
        equipmentCodes: [],
      });
    }
    for (const t of DEMO_TARGETS) {
      await this.equipment.replaceTarget(SYSTEM, t.equipmentCode, t.targetId);
      await this.equipment.configure(SYSTEM, { equipmentCode: t.equipmentCode, targetLifeKwh: t.lifeKwh });
    }
    await this.thickness.setLcoUtilization(SYSTEM, DEMO_PRODUCT, DEMO_LCO_UTILIZATION);
    this.logger.log(`Seeded ${DEMO_RECIPES.length} released demo recipes for ${DEMO_PRODUCT}`);
    return true;
  }
}
