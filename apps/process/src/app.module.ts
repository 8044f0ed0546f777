import type { ApolloFederationDriverConfig } from '@nestjs/apollo';
import { Module, ValidationPipe, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { GraphQLModule } from '@nestjs/graphql';
import { TypeOrmModule } from '@nestjs/typeorm';
import { GqlAuthGuard, TokenService } from '@mes/auth';
import type { MesConfig } from '@mes/config';
import {
  databaseHealthController,
  KEY_INVALIDATION,
  keyInvalidationProvider,
  RestErrorFilter,
  subgraphGraphqlOptions,
  validationFailed,
} from '@mes/service-core';
import { TrackingClient } from '@mes/tracking-client';
import { processDataSourceOptions } from './database/process-data-source';
import { CellProcessRef, RollProcessRef, SheetProcessRef } from './provenance/material-provenance.model';
import {
  EquipmentModule,
  ExperimentModule,
  HoldsModule,
  ProvenanceModule,
  RecipeModule,
  RunModule,
  SeedModule,
  TraceModule,
} from './process.modules';
import { TestDataClient } from './yield/test-data.client';

/** Recipes, process runs, equipment traces and state, experiments and provenance over the `process` schema. */
@Module({})
export class ProcessAppModule {
  static forConfig(config: MesConfig): DynamicModule {
    const tokens = new TokenService(config.auth.jwtSecret, config.auth.tokenTtlSeconds);
    return {
      module: ProcessAppModule,
      global: true,
      imports: [
        TypeOrmModule.forRoot(processDataSourceOptions(config.databaseUrl)),
        GraphQLModule.forRoot<ApolloFederationDriverConfig>({
          ...subgraphGraphqlOptions(),
          // Roll, Sheet and Cell are reached only through tracking's entities: no root field returns them here.
          buildSchemaOptions: { orphanedTypes: [RollProcessRef, SheetProcessRef, CellProcessRef] },
        }),
        HoldsModule,
        RecipeModule,
        EquipmentModule,
        RunModule,
        TraceModule,
        ExperimentModule,
        ProvenanceModule,
        SeedModule,
      ],
      controllers: [databaseHealthController('process')],
      providers: [
        { provide: TokenService, useValue: tokens },
        { provide: TrackingClient, useValue: new TrackingClient(config.tracking.url, tokens, 'process') },
        { provide: TestDataClient, useValue: new TestDataClient(config.testData.url, tokens) },
        // Trace key changes reach every replica of process at once (EquipmentService's key cache).
        keyInvalidationProvider({ url: config.redisUrl, mode: config.redisMode }, `${config.queuePrefix}:equipment-keys`),
        { provide: APP_GUARD, useClass: GqlAuthGuard },
        { provide: APP_FILTER, useClass: RestErrorFilter },
        {
          provide: APP_PIPE,
          useValue: new ValidationPipe({
            transform: true,
            forbidUnknownValues: false,
            exceptionFactory: (errors) => validationFailed(errors),
          }),
        },
      ],
      exports: [TokenService, TrackingClient, TestDataClient, KEY_INVALIDATION],
    };
  }
}
