import { ApolloFederationDriver, type ApolloFederationDriverConfig } from '@nestjs/apollo';
import { Logger, Module, ValidationPipe, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { GraphQLModule } from '@nestjs/graphql';
import { TypeOrmModule } from '@nestjs/typeorm';
import { GqlAuthGuard, TokenService } from '@mes/auth';
import type { MesConfig } from '@mes/config';
import { formatGraphqlError, GraphqlExceptionFilter, validationFailed } from '@mes/service-core';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { trackingDataSourceOptions } from './database/tracking-data-source';
import { HealthController } from './health/health.controller';
import { DemoLineSeeder } from './seed/demo-line.seeder';
import { MES_CONFIG } from './tracking.config';
import { AuditModule, HistoryModule, HoldsModule, IdentityModule, MasterDataModule, MaterialModule, ScanningModule } from './tracking.modules';

const errorLog = new Logger('GraphQL');

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
        GraphQLModule.forRoot<ApolloFederationDriverConfig>({
          driver: ApolloFederationDriver,
          autoSchemaFile: { federation: 2 },
          sortSchema: true,
          // Traces would go to Apollo's hosted studio, which this line does not use.
          plugins: [ApolloServerPluginInlineTraceDisabled()],
          context: ({ req }: { req: unknown }) => ({ req }),
          formatError: (formatted, error) =>
            formatGraphqlError(formatted, error, (id, e) => errorLog.error(`errorId=${id} ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`)),
        }),
        AuditModule,
        IdentityModule,
        MasterDataModule,
        MaterialModule,
        HoldsModule,
        ScanningModule,
        HistoryModule,
      ],
      controllers: [HealthController],
      providers: [
        { provide: APP_GUARD, useClass: GqlAuthGuard },
        { provide: APP_FILTER, useClass: GraphqlExceptionFilter },
        {
          provide: APP_PIPE,
          useValue: new ValidationPipe({ transform: true, forbidUnknownValues: false, exceptionFactory: (errors) => validationFailed(errors) }),
        },
        DemoLineSeeder,
      ],
    };
  }
}
