import type { ApolloFederationDriverConfig } from '@nestjs/apollo';
import { Module, ValidationPipe, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { GraphQLModule } from '@nestjs/graphql';
import { TypeOrmModule, type TypeOrmModuleOptions } from '@nestjs/typeorm';
import { GqlAuthGuard } from '@mes/auth';
import type { MesConfig } from '@mes/config';
import { databaseHealthController, RestErrorFilter, subgraphGraphqlOptions, validationFailed } from '@mes/service-core';
import { testDataDataSourceOptions, READS } from '@mes/test-data-store';
import { CellResultsRef, RollResultsRef, SheetResultsRef } from './results/material-results.model';
import { TEST_DATA_MODULES, TestDataCoreModule } from './test-data.modules';
import { ExportsModule } from './exports/exports.module';
import { LiveModule } from './live/live.module';
import { SpectraModule } from './spectra/spectra.module';
import { AnalyticsModule } from './analytics/analytics.module';

/** Rig registry, sheet-test ingest (REST) and results (GraphQL subgraph) over the `test_data` schema. */
@Module({})
export class TestDataAppModule {
  static forConfig(config: MesConfig): DynamicModule {
    return {
      module: TestDataAppModule,
      imports: [
        TypeOrmModule.forRoot(testDataDataSourceOptions(config.databaseUrl)),
        // Heat-map and yield reads on a read replica (never migrated, never written: a hot standby refuses writes).
        ...(config.databaseReadUrl ? [TypeOrmModule.forRoot(readsDataSourceOptions(config.databaseReadUrl))] : []),
        GraphQLModule.forRoot<ApolloFederationDriverConfig>({
          ...subgraphGraphqlOptions(),
          // Roll, Sheet and Cell are reached only through tracking's entities: no root field returns them here.
          buildSchemaOptions: { orphanedTypes: [RollResultsRef, SheetResultsRef, CellResultsRef] },
        }),
        TestDataCoreModule.forConfig(config),
        ...TEST_DATA_MODULES,
        ExportsModule,
        SpectraModule, // the web UI's spectrum and packed maps
        LiveModule.forConfig(config), // server-sent events when a sheet's results land
        AnalyticsModule.forConfig(config), // SPC, spatial patterns, stacked maps, correlation
      ],
      controllers: [databaseHealthController('test-data')],
      providers: [
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
    };
  }
}

/**
 * The read replica's data source: the primary's options and pool settings (the session options
 * among them), but a pool of 10 connections under a name of its own.
 */
function readsDataSourceOptions(databaseReadUrl: string): TypeOrmModuleOptions {
  const options = testDataDataSourceOptions(databaseReadUrl);
  return { ...options, name: READS, migrations: [], extra: { ...options.extra, max: 10, application_name: 'mes-test-data-reads' } };
}
