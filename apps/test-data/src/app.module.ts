import type { ApolloFederationDriverConfig } from '@nestjs/apollo';
import { Module, ValidationPipe, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { GraphQLModule } from '@nestjs/graphql';
import { getDataSourceToken, TypeOrmModule } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { GqlAuthGuard, TokenService } from '@mes/auth';
import type { MesConfig } from '@mes/config';
import { databaseHealthController, RestErrorFilter, subgraphGraphqlOptions, validationFailed } from '@mes/service-core';
import { AnalyticsModule } from './analytics/analytics.module';
import { AuditResolver } from './audit/audit.resolver';
import { AuditService } from './audit/audit.service';
import { testDataDataSourceOptions } from './database/test-data-data-source';
import { SheetTestIngestService } from './ingest/sheet-test-ingest.service';
import { SheetTestQueue } from './ingest/sheet-test.queue';
import { INGEST_LIMITS, SheetTestsController } from './ingest/sheet-tests.controller';
import { TestPolicyResolver } from './policies/test-policy.resolver';
import { TestPolicyService } from './policies/test-policy.service';
import { RegionYieldResolver } from './results/region-yield.resolver';
import { ResultsResolver } from './results/results.resolver';
import { ResultsService } from './results/results.service';
import { SheetTestStatusService } from './results/sheet-test-status.service';
import { RigResolver } from './rigs/rig.resolver';
import { RuleSetResolver } from './rule-sets/rule-set.resolver';
import { RuleSetService } from './rule-sets/rule-set.service';
import { RigService } from './rigs/rig.service';
import { TrackingClient } from '@mes/tracking-client';

/** Rig registry, sheet-test ingest (REST) and results (GraphQL subgraph) over the `test_data` schema. */
@Module({})
export class TestDataAppModule {
  static forConfig(config: MesConfig): DynamicModule {
    const tokens = new TokenService(config.auth.jwtSecret, config.auth.tokenTtlSeconds);
    return {
      module: TestDataAppModule,
      imports: [
        TypeOrmModule.forRoot(testDataDataSourceOptions(config.databaseUrl)),
        GraphQLModule.forRoot<ApolloFederationDriverConfig>(subgraphGraphqlOptions()),
        AnalyticsModule.forConfig(config),
      ],
      controllers: [databaseHealthController('test-data'), SheetTestsController],
      providers: [
        { provide: TokenService, useValue: tokens },
        { provide: TrackingClient, useValue: new TrackingClient(config.tracking.url, tokens, 'test-data') },
        { provide: SheetTestQueue, useFactory: (db: DataSource) => new SheetTestQueue(config.redisUrl, config.queuePrefix, db), inject: [getDataSourceToken()] },
        { provide: APP_GUARD, useClass: GqlAuthGuard },
        { provide: APP_FILTER, useClass: RestErrorFilter },
        { provide: APP_PIPE, useValue: new ValidationPipe({ transform: true, forbidUnknownValues: false, exceptionFactory: (errors) => validationFailed(errors) }) },
        { provide: INGEST_LIMITS, useValue: { maxBodyBytes: config.testData.maxBodyBytes } },
        AuditService,
        AuditResolver,
        RigService,
        RigResolver,
        TestPolicyService,
        TestPolicyResolver,
        RuleSetService,
        RuleSetResolver,
        SheetTestIngestService,
        SheetTestStatusService,
        ResultsService,
        ResultsResolver,
        RegionYieldResolver,
      ],
    };
  }
}
