import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { ApolloFederationDriver, type ApolloFederationDriverConfig } from '@nestjs/apollo';
import { Controller, Get, HttpStatus, Logger, Res, type Type } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Response } from 'express';
import type { DataSource } from 'typeorm';
import { describeUnexpected, formatGraphqlError } from './graphql-errors';
import { graphqlMetricsPlugin } from './observability/metrics';
import { routeListOf, type RouteEntry } from './route-list';

const errorLog = new Logger('GraphQL');

/** The GraphQL setup every code-first federated subgraph of the MES shares. */
export function subgraphGraphqlOptions(): ApolloFederationDriverConfig {
  return {
    driver: ApolloFederationDriver,
    autoSchemaFile: { federation: 2 },
    sortSchema: true,
    // Traces would go to Apollo's hosted studio, which this line does not use.
    plugins: [ApolloServerPluginInlineTraceDisabled(), graphqlMetricsPlugin()],
    context: ({ req }: { req: unknown }) => ({ req }),
    // Apollo adds stack traces unless NODE_ENV is production or test, and npm start sets neither:
    // formatError drops them anyway, this keeps them from being built.
    includeStacktraceInErrorResponses: false,
    formatError: (formatted, error) =>
      formatGraphqlError(formatted, error, (id, e) => errorLog.error(`errorId=${id} ${describeUnexpected(e)}`)),
  };
}

/**
 * GET /health of a service that needs only its database: 200, or 503 naming PostgreSQL; and
 * GET /health/routes, the HTTP routes the service serves (the authorization test enumerates them).
 */
export function databaseHealthController(service: string): Type<unknown> {
  @Controller('health')
  class DatabaseHealthController {
    private readonly routeList: () => { routes: RouteEntry[] };

    constructor(
      @InjectDataSource() private readonly db: DataSource,
      adapter: HttpAdapterHost,
    ) {
      this.routeList = routeListOf(adapter);
    }

    @Get('routes')
    routes(): { routes: RouteEntry[] } {
      return this.routeList();
    }

    @Get()
    async health(@Res() res: Response): Promise<void> {
      try {
        await this.db.query('SELECT 1');
        res.status(HttpStatus.OK).json({ status: 'ok', service });
      } catch (e) {
        res
          .status(HttpStatus.SERVICE_UNAVAILABLE)
          .json({ status: 'down', service, down: ['postgresql'], error: e instanceof Error ? e.message : String(e) });
      }
    }
  }
  return DatabaseHealthController;
}
