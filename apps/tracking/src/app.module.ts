import type { ApolloFederationDriverConfig } from '@nestjs/apollo';
import { Module, ValidationPipe, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { GraphQLModule } from '@nestjs/graphql';
import { TypeOrmModule } from '@nestjs/typeorm';
import { GqlAuthGuard, TokenService } from '@mes/auth';
import type { MesConfig } from '@mes/config';
import { databaseHealthController, GraphqlExceptionFilter, subgraphGraphqlOptions, validationFailed } from '@mes/service-core';
import { trackingDataSourceOptions } from './database/tracking-data-source';
import { DemoLineSeeder } from './seed/demo-line.seeder';
import { MES_CONFIG } from './tracking.config';
import {
  AuditModule,
  HistoryModule,
  HoldsModule,
  IdentityModule,
  MasterDataModule,
  MaterialModule,
  PatterningModule,
  ScanningModule,
} from './tracking.modules';

/** Config and token checking, available to every module of the service. */
@Module({})
class CoreModule {
  static forConfig(config: MesConfig): DynamicModule {
    const providers = [
      { provide: MES_CONFIG, useValue: config },
      { provide: TokenService, useValue: new TokenService(config.auth.jwtSecret, config.auth.tokenTtlSeconds) },
    ];
    return { module: CoreModule, global: true, providers, exports: providers.map((p) => p.provide) };
  }
}

@Module({})
export class TrackingAppModule {
  static forConfig(config: MesConfig): DynamicModule {
    return {
      module: TrackingAppModule,
      imports: [
        CoreModule.forConfig(config),
        TypeOrmModule.forRoot(trackingDataSourceOptions(config.databaseUrl)),
        GraphQLModule.forRoot<ApolloFederationDriverConfig>(subgraphGraphqlOptions()),
        AuditModule,
        IdentityModule,
        MasterDataModule,
        MaterialModule,
        HoldsModule,
        PatterningModule,
        ScanningModule,
        HistoryModule,
      ],
      controllers: [databaseHealthController('tracking')],
      providers: [
        { provide: APP_GUARD, useClass: GqlAuthGuard },
        { provide: APP_FILTER, useClass: GraphqlExceptionFilter },
        {
          provide: APP_PIPE,
          useValue: new ValidationPipe({
            transform: true,
            forbidUnknownValues: false,
            exceptionFactory: (errors) => validationFailed(errors),
          }),
        },
        DemoLineSeeder,
      ],
    };
  }
}
