import { IntrospectAndCompose, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloGatewayDriver, type ApolloGatewayDriverConfig } from '@nestjs/apollo';
import { Logger, Module, type DynamicModule } from '@nestjs/common';
import { GraphQLModule } from '@nestjs/graphql';
import type { MesConfig } from '@mes/config';
import { CLIENT_ADDRESS_HEADER } from '@mes/auth';
import { describeUnexpected, formatGatewayError, graphqlMetricsPlugin, ReplicaSet, traceHeaders } from '@mes/service-core';
import { heatMapPassThrough, stringifyGatewayResult } from './heat-map-pass-through';
import { queryLimitRules } from './query-limits';
import { HealthController } from './health/health.controller';
import { HealthService } from './health/health.service';
import { RestFallbackController } from './rest/rest-fallback.controller';
import { subgraphsOf } from './subgraphs';

const errorLog = new Logger('GraphQL');

interface GatewayContext {
  authorization?: string;
  correlationId?: string;
  clientAddress?: string;
}

/** Passes the caller's token and correlation id on to every subgraph; auth is checked there. */
class AuthForwardingDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  override willSendRequest({
    request,
    context,
  }: Parameters<NonNullable<RemoteGraphQLDataSource<GatewayContext>['willSendRequest']>>[0]): void {
    if (context.authorization) request.http?.headers.set('authorization', context.authorization);
    if (context.correlationId) request.http?.headers.set('x-correlation-id', context.correlationId);
    // W3C traceparent of the active span (tracing on): the subgraph's request span is its child.
    for (const [name, value] of Object.entries(traceHeaders())) request.http?.headers.set(name, value);
    // Always set from the connection, so a client cannot choose the address the login throttle counts.
    request.http?.headers.set(CLIENT_ADDRESS_HEADER, context.clientAddress ?? 'unknown');
  }
}

@Module({})
export class GatewayModule {
  static forConfig(config: MesConfig, options: { pollIntervalMs?: number } = {}): DynamicModule {
    // Each subgraph's replicas, taken in turn per request (a refused connection goes on to the next).
    const replicas = new Map(subgraphsOf(config).map((sg) => [sg.url, new ReplicaSet(sg.name, sg.urls)]));
    const fetcherOf = (url: string) => (replicas.get(url) ?? new ReplicaSet(url, [url])).fetcher(fetch);
    return {
      module: GatewayModule,
      imports: [
        GraphQLModule.forRoot<ApolloGatewayDriverConfig>({
          driver: ApolloGatewayDriver,
          server: {
            plugins: [graphqlMetricsPlugin(), heatMapPassThrough(config.testData.url, fetcherOf(config.testData.url))],
            stringifyResult: stringifyGatewayResult,
            validationRules: queryLimitRules(),
            // No stack trace or server path reaches a client, whatever NODE_ENV is (npm start leaves it unset).
            includeStacktraceInErrorResponses: false,
            formatError: (formatted, error) =>
              formatGatewayError(formatted, error, (id, e) => errorLog.error(`errorId=${id} ${describeUnexpected(e)}`)),
            context: ({
              req,
            }: {
              req: { headers: Record<string, string | undefined>; socket: { remoteAddress?: string } };
            }): GatewayContext => ({
              authorization: req.headers.authorization,
              correlationId: req.headers['x-correlation-id'],
              clientAddress: req.socket.remoteAddress,
            }),
          },
          gateway: {
            supergraphSdl: new IntrospectAndCompose({
              subgraphs: subgraphsOf(config),
              // Composed once at start (the subgraphs are up by then: the start order waits for their
              // health). A redeployed subgraph's new fields appear when the gateway restarts; polling
              // is only for a caller that asks for it (pollIntervalMs).
              ...(options.pollIntervalMs ? { pollIntervalInMs: options.pollIntervalMs } : {}),
            }),
            // Node's own fetch (undici, keep-alive) instead of the default make-fetch-happen, whose
            // per-request agent and cache bookkeeping cost more CPU than the subgraph call itself;
            // spread over the subgraph's replicas.
            buildService: ({ url }) => new AuthForwardingDataSource({ url, fetcher: fetcherOf(url ?? '') as never }),
          },
        }),
      ],
      controllers: [HealthController, RestFallbackController],
      providers: [{ provide: HealthService, useFactory: () => new HealthService(config) }],
    };
  }
}
