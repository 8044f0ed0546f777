import type { MesConfig } from '@mes/config';
import { ReplicaSet } from '@mes/service-core';

export interface SubgraphEndpoint {
  name: string;
  /** The subgraph's GraphQL URL (its first replica's: the one the supergraph is composed from). */
  url: string;
  /** Every replica's GraphQL URL; the gateway sends each request to the next (ReplicaSet). */
  urls: string[];
}

/** Every subgraph the gateway composes; later services add themselves here. */
export function subgraphsOf(config: MesConfig): SubgraphEndpoint[] {
  return [
    { name: 'tracking', url: config.tracking.url, urls: config.tracking.urls },
    { name: 'test-data', url: config.testData.url, urls: config.testData.urls },
    { name: 'process', url: config.process.url, urls: config.process.urls },
    { name: 'assembly', url: config.assembly.url, urls: config.assembly.urls },
  ];
}

/** A subgraph's health endpoint sits beside its /graphql (of its first replica, or of `replicaUrl`). */
export function healthUrlOf(subgraph: SubgraphEndpoint, replicaUrl = subgraph.url): string {
  const url = new URL(replicaUrl);
  url.pathname = url.pathname.replace(/\/graphql\/?$/, '') + '/health';
  return url.toString();
}

export interface RestRoute {
  prefix: string;
  /** The origins of the owning service's replicas. */
  targets: ReplicaSet;
}

/** The REST paths of /api/v1 and the service that owns each (its replicas, taken in turn). */
export function restRoutesOf(config: MesConfig): RestRoute[] {
  const origins = (name: string, urls: string[]) =>
    new ReplicaSet(
      name,
      urls.map((u) => new URL(u).origin),
    );
  const replicas = {
    tracking: origins('tracking', config.tracking.urls),
    testData: origins('test-data', config.testData.urls),
    process: origins('process', config.process.urls),
    assembly: origins('assembly', config.assembly.urls),
  };
  return [
    { prefix: '/api/v1/scans', targets: replicas.tracking }, // scanner terminals, the scan mutation without GraphQL
    { prefix: '/api/v1/sheet-tests', targets: replicas.testData },
    { prefix: '/api/v1/inspections', targets: replicas.testData },
    { prefix: '/api/v1/equipment-traces', targets: replicas.process },
    { prefix: '/api/v1/pick-maps', targets: replicas.assembly },
    { prefix: '/api/v1/stack-tests', targets: replicas.assembly },
    { prefix: '/api/v1/exports', targets: replicas.testData },
    { prefix: '/api/v1/live', targets: replicas.testData }, // server-sent events for the web UI
    { prefix: '/api/v1/lab-spectra', targets: replicas.testData },
    { prefix: '/admin/queues', targets: replicas.testData }, // Bull Board, ADMIN only (test-data checks)
  ];
}
