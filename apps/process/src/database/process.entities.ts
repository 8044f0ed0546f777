import { ProcessAuditEntity } from '../audit/process-audit.entity';
import { EquipmentEntity, EquipmentStateChangeEntity } from '../equipment/equipment.entities';
import { ExperimentEntity } from '../experiments/experiment.entity';
import { ProcessAlarmEntity } from '../holds/process-alarm.entity';
import { ProductSettingsEntity } from '../thickness/product-settings.entity';
import { RecipeEntity, RouteStepRecipesEntity } from '../recipes/recipe.entities';
import { ProcessRunEntity } from '../runs/process-run.entity';
import { ThicknessMapEntity } from '../thickness/thickness-map.entity';
import { TraceBatchEntity, TraceChannelEntity } from '../traces/trace.entities';

// Each entity lives in the folder of the module that owns it; this file keeps the one list of the
// `process` schema's tables (the migrations must match it: schema.integration-spec.ts).
export * from '../audit/process-audit.entity';
export * from '../equipment/equipment.entities';
export * from '../experiments/experiment.entity';
export * from '../holds/process-alarm.entity';
export * from '../thickness/product-settings.entity';
export * from '../recipes/recipe.entities';
export * from '../runs/process-run.entity';
export * from '../thickness/thickness-map.entity';
export * from '../traces/trace.entities';

export const PROCESS_ENTITIES = [
  RecipeEntity,
  RouteStepRecipesEntity,
  EquipmentEntity,
  EquipmentStateChangeEntity,
  ExperimentEntity,
  ProcessRunEntity,
  TraceBatchEntity,
  TraceChannelEntity,
  ProcessAlarmEntity,
  ThicknessMapEntity,
  ProductSettingsEntity,
  ProcessAuditEntity,
];
