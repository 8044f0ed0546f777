import { keyInvalidationProvider, MonthPartitionKeeper } from '@mes/service-core';
import { Global, Module, type DynamicModule } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { TokenService } from '@mes/auth';
import type { MesConfig } from '@mes/config';
import { TrackingClient } from '@mes/tracking-client';
import {
  TEST_DATA_PARTITIONS,
  AuditTrailRepository,
  READS,
  SheetTestRepository,
  InspectionsRepository,
  TestPolicyRepository,
  CellResultsRepository,
  RegionYieldRepository,
  ResultsRepository,
  RigRepository,
  RuleSetRepository,
} from '@mes/test-data-store';
import { AuditResolver } from './audit/audit.resolver';
import { AuditService } from './audit/audit.service';
import { LabSpectraController } from './exports/lab-spectra.controller';
import { ArrowBodyDecoder } from './ingest/arrow-body.decoder';
import { SheetTestIngestService } from './ingest/sheet-test-ingest.service';
import { SheetTestQueue } from './ingest/sheet-test.queue';
import { INGEST_LIMITS, SheetTestsController } from './ingest/sheet-tests.controller';
import { InspectionIngestService } from './inspections/inspection-ingest.service';
import { InspectionsController } from './inspections/inspections.controller';
import {
  CellResultDefectsResolver,
  InspectionQueriesResolver,
  RollInspectionResolver,
  SheetInspectionResolver,
} from './inspections/inspection.resolver';
import { TestPolicyResolver } from './policies/test-policy.resolver';
import { TestPolicyService } from './policies/test-policy.service';
import { CellResultsResolver, RollResultsResolver, SheetResultsResolver } from './results/material-results.resolver';
import { RegionYieldResolver } from './results/region-yield.resolver';
import { ResultsResolver } from './results/results.resolver';
import { ResultsService } from './results/results.service';
import { SheetTestStatusService } from './results/sheet-test-status.service';
import { RigResolver } from './rigs/rig.resolver';
import { RigService } from './rigs/rig.service';
import { RuleSetResolver } from './rule-sets/rule-set.resolver';
import { RuleSetService } from './rule-sets/rule-set.service';

/** What every module of the service uses: tokens, the tracking client, the sheet-test queue, ingest limits. */
@Global()
@Module({})
export class TestDataCoreModule {
  static forConfig(config: MesConfig): DynamicModule {
    const tokens = new TokenService(config.auth.jwtSecret, config.auth.tokenTtlSeconds);
    const providers = [
      { provide: TokenService, useValue: tokens },
      { provide: TrackingClient, useValue: new TrackingClient(config.tracking.url, tokens, 'test-data') },
      {
        provide: SheetTestQueue,
        useFactory: (db: DataSource) =>
          new SheetTestQueue({ url: config.redisUrl, mode: config.redisMode }, config.queuePrefix, db, {
            databaseUrl: config.databaseUrl,
            seconds: config.sweepIntervalSeconds,
          }),
        inject: [getDataSourceToken()],
      },
      { provide: INGEST_LIMITS, useValue: { maxBodyBytes: config.testData.maxBodyBytes } },
      // Arrow bodies decode on a thread whose heap is capped (a valid body needs about 3 times its size).
      { provide: ArrowBodyDecoder, useValue: new ArrowBodyDecoder(Math.max(128, Math.ceil((8 * config.testData.maxBodyBytes) / 2 ** 20))) },
      // Rig key revokes and rotations reach every replica of test-data at once (RigService's key cache).
      keyInvalidationProvider({ url: config.redisUrl, mode: config.redisMode }, `${config.queuePrefix}:rig-keys`),
      // This month's and the next three months' partitions of raw cells, features and results, made ahead.
      {
        provide: MonthPartitionKeeper,
        useFactory: (db: DataSource) => new MonthPartitionKeeper(db, TEST_DATA_PARTITIONS),
        inject: [getDataSourceToken()],
      },
      // No read replica configured: the maps' and yields' reads go to the primary.
      ...(config.databaseReadUrl ? [] : [{ provide: getDataSourceToken(READS), useExisting: getDataSourceToken() }]),
    ];
    return { module: TestDataCoreModule, providers, exports: providers.map((p) => p.provide) };
  }
}

/** The test-data audit trail: every other module writes through it. */
@Global()
@Module({ providers: [AuditTrailRepository, AuditService, AuditResolver], exports: [AuditService] })
export class AuditModule {}

/** Test rigs at SHEET_TEST and STACK_TEST stations and their API keys. */
@Module({ providers: [RigRepository, RigService, RigResolver], exports: [RigService] })
export class RigModule {}

/** Products' sheet-test policies: retests of rig faults, low-yield holds. */
@Module({ providers: [TestPolicyRepository, TestPolicyService, TestPolicyResolver] })
export class TestPolicyModule {}

/** Rule set versions of each product, and re-binning. */
@Module({ providers: [RuleSetRepository, RuleSetService, RuleSetResolver] })
export class RuleSetModule {}

/** Cell results, heat maps, yields and bin Paretos, also as fields of tracking's Roll, Sheet and Cell. */
@Module({
  providers: [
    ResultsRepository,
    ResultsService,
    ResultsResolver,
    RegionYieldRepository,
    RegionYieldResolver,
    SheetResultsResolver,
    RollResultsResolver,
    CellResultsRepository,
    CellResultsResolver,
    SheetTestStatusService,
  ],
  exports: [SheetTestStatusService],
})
export class ResultsModule {}

/** The rig-facing REST endpoints: post a sheet test, the rig's queue, a test's status; engineers' lab spectra go the same way. */
@Module({
  imports: [RigModule, ResultsModule],
  controllers: [SheetTestsController, LabSpectraController],
  providers: [SheetTestRepository, SheetTestIngestService],
})
export class IngestModule {}

/** Inspection (AOI) results: the stations' REST endpoint, defects mapped to cells, and the re-binning they cause. */
@Module({
  imports: [RigModule],
  controllers: [InspectionsController],
  providers: [
    InspectionIngestService,
    InspectionsRepository,
    InspectionQueriesResolver,
    SheetInspectionResolver,
    RollInspectionResolver,
    CellResultDefectsResolver,
  ],
})
export class InspectionModule {}

/** Every module of the service, for the app module to import. */
export const TEST_DATA_MODULES = [AuditModule, RigModule, TestPolicyModule, RuleSetModule, ResultsModule, IngestModule, InspectionModule];
