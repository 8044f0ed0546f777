import { Module } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { MonthPartitionKeeper } from '@mes/service-core';
import { ProcessAuditResolver } from './audit/process-audit.resolver';
import { ProcessAuditRepository } from './audit/process-audit.repository';
import { EquipmentResolver } from './equipment/equipment.resolver';
import { EquipmentRepository } from './equipment/equipment.repository';
import { EquipmentService } from './equipment/equipment.service';
import { ExperimentResolver } from './experiments/experiment.resolver';
import { ExperimentRepository } from './experiments/experiment.repository';
import { ExperimentService } from './experiments/experiment.service';
import { AlarmRepository } from './holds/alarm.repository';
import { AlarmService } from './holds/alarm.service';
import { CellProcessResolver, RollProcessResolver, SheetProcessResolver } from './provenance/material-provenance.resolver';
import { ProvenanceRepository } from './provenance/provenance.repository';
import { ProvenanceResolver } from './provenance/provenance.resolver';
import { ProvenanceService } from './provenance/provenance.service';
import { RecipeResolver } from './recipes/recipe.resolver';
import { RecipeRepository } from './recipes/recipe.repository';
import { RecipeService } from './recipes/recipe.service';
import { RunResolver } from './runs/run.resolver';
import { RunService } from './runs/run.service';
import { RunRepository } from './runs/run.repository';
import { RunViews } from './runs/run.views';
import { DemoProcessSeeder } from './seed/demo-process.seeder';
import { ThicknessResolver } from './thickness/thickness.resolver';
import { ThicknessRepository } from './thickness/thickness.repository';
import { ThicknessService } from './thickness/thickness.service';
import { TraceController } from './traces/trace.controller';
import { TraceIngestService } from './traces/trace-ingest.service';
import { TraceRepository } from './traces/trace.repository';
import { TRACE_PARTITIONS } from './traces/trace-partitions';
import { YieldResolver } from './yield/yield.resolver';
import { YieldService } from './yield/yield.service';

/** Process alarms and the holds they place in tracking; the process audit trail. */
@Module({ providers: [AlarmRepository, AlarmService, ProcessAuditRepository, ProcessAuditResolver], exports: [AlarmService] })
export class HoldsModule {}

/** Recipes, their lifecycle, and what each product route step allows. */
@Module({ providers: [RecipeRepository, RecipeService, RecipeResolver], exports: [RecipeRepository, RecipeService] })
export class RecipeModule {}

/** SEMI E10 state, target life, zone offsets and trace keys. */
@Module({ providers: [EquipmentRepository, EquipmentService, EquipmentResolver], exports: [EquipmentRepository, EquipmentService] })
export class EquipmentModule {}

/** Process runs: track-in with a recipe, track-out with actuals. */
@Module({
  imports: [HoldsModule, EquipmentModule],
  providers: [RunRepository, RunService, RunViews, RunResolver],
  exports: [RunRepository, RunService, RunViews],
})
export class RunModule {}

/** Equipment trace batches (REST). */
@Module({
  imports: [HoldsModule, EquipmentModule, RunModule],
  controllers: [TraceController],
  providers: [
    TraceRepository,
    TraceIngestService,
    // This month's and the next three months' partitions of trace batches and channels, made ahead.
    {
      provide: MonthPartitionKeeper,
      useFactory: (db: DataSource) => new MonthPartitionKeeper(db, TRACE_PARTITIONS),
      inject: [getDataSourceToken()],
    },
  ],
})
export class TraceModule {}

/** Experiments: alternate recipe versions on MD regions of a roll. */
@Module({ imports: [RunModule], providers: [ExperimentRepository, ExperimentService, ExperimentResolver], exports: [ExperimentService] })
export class ExperimentModule {}

/** Layer thickness maps of rolls from metrology, and products' LCO utilisation. */
@Module({ providers: [ThicknessRepository, ThicknessService, ThicknessResolver], exports: [ThicknessService] })
export class ThicknessModule {}

/** Cell provenance, where-used, parameter trends and yield by condition. */
@Module({
  imports: [RunModule, ExperimentModule, ThicknessModule],
  providers: [
    ProvenanceRepository,
    ProvenanceService,
    ProvenanceResolver,
    RollProcessResolver,
    SheetProcessResolver,
    CellProcessResolver,
    YieldService,
    YieldResolver,
  ],
  exports: [ThicknessModule],
})
export class ProvenanceModule {}

@Module({ imports: [RecipeModule, EquipmentModule, ProvenanceModule], providers: [DemoProcessSeeder] })
export class SeedModule {}
