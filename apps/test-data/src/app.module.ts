import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { ApolloFederationDriver, type ApolloFederationDriverConfig } from '@nestjs/apollo';
import { Controller, Get, HttpStatus, Logger, Module, Res, ValidationPipe, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { GraphQLModule } from '@nestjs/graphql';
import { getDataSourceToken, InjectDataSource, TypeOrmModule } from '@nestjs/typeorm';
import type { Response } from 'express';
import type { DataSource } from 'typeorm';
import { GqlAuthGuard, TokenService } from '@mes/auth';
import type { MesConfig } from '@mes/config';
import { formatGraphqlError, validationFailed } from '@mes/service-core';
import { testDataDataSourceOptions } from './database/test-data-data-source';
import { RestErrorFilter } from './ingest/rest-error.filter';
import { SheetTestIngestService } from './ingest/sheet-test-ingest.service';
import { SheetTestQueue } from './ingest/sheet-test.queue';
import { INGEST_LIMITS, SheetTestsController } from './ingest/sheet-tests.controller';
import { ResultsResolver } from './results/results.resolver';
import { ResultsService } from './results/results.service';
import { SheetTestStatusService } from './results/sheet-test-status.service';
import { RigResolver } from './rigs/rig.resolver';
import { RigService } from './rigs/rig.service';
import { TrackingClient } from '@mes/tracking-client';

const errorLog = new Logger('GraphQL');

@Controller('health')
class HealthController {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  @Get()
  async health(@Res() res: Response): Promise<void> {
    try {
      await this.db.query('SELECT 1');
      res.status(HttpStatus.OK).json({ status: 'ok', service: 'test-data' });
    } catch (e) {
      res.status(HttpStatus.SERVICE_UNAVAILABLE).json({ status: 'down', service: 'test-data', down: ['postgresql'], error: e instanceof Error ? e.message : String(e) });
    }
  }
}

/** Rig registry, sheet-test ingest (REST) and results (GraphQL subgraph) over the `test_data` schema. */
@Module({})
export class TestDataAppModule {
  static forConfig(config: MesConfig): DynamicModule {
    const tokens = new TokenService(config.auth.jwtSecret, config.auth.tokenTtlSeconds);
    return {
      module: TestDataAppModule,
      imports: [
        TypeOrmModule.forRoot(testDataDataSourceOptions(config.databaseUrl)),
        GraphQLModule.forRoot<ApolloFederationDriverConfig>({
          driver: ApolloFederationDriver,
          autoSchemaFile: { federation: 2 },
          sortSchema: true,
          plugins: [ApolloServerPluginInlineTraceDisabled()],
          context: ({ req }: { req: unknown }) => ({ req }),
          formatError: (formatted, error) =>
            formatGraphqlError(formatted, error, (id, e) => errorLog.error(`errorId=${id} ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`)),
        }),
      ],
      controllers: [HealthController, SheetTestsController],
      providers: [
        { provide: TokenService, useValue: tokens },
        { provide: TrackingClient, useValue: new TrackingClient(config.tracking.url, tokens, 'test-data') },
        { provide: SheetTestQueue, useFactory: (db: DataSource) => new SheetTestQueue(config.redisUrl, config.queuePrefix, db), inject: [getDataSourceToken()] },
        { provide: APP_GUARD, useClass: GqlAuthGuard },
        { provide: APP_FILTER, useClass: RestErrorFilter },
        { provide: APP_PIPE, useValue: new ValidationPipe({ transform: true, forbidUnknownValues: false, exceptionFactory: (errors) => validationFailed(errors) }) },
        { provide: INGEST_LIMITS, useValue: { maxBodyBytes: config.testData.maxBodyBytes } },
        RigService,
        RigResolver,
        SheetTestIngestService,
        SheetTestStatusService,
        ResultsService,
        ResultsResolver,
      ],
    };
  }
}
