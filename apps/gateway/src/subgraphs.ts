import type { MesConfig } from '@mes/config';

export interface SubgraphEndpoint {
  name: string;
  /** The subgraph's GraphQL URL. */
  url: string;
}

/** Every subgraph the gateway composes; later services add themselves here. */
export function subgraphsOf(config: MesConfig): SubgraphEndpoint[] {
  return [
    { name: 'tracking', url: config.tracking.url },
    { name: 'test-data', url: config.testData.url },
    { name: 'process', url: config.process.url },
    { name: 'assembly', url: config.assembly.url },
  ];
}

/** A subgraph's health endpoint sits beside its /graphql. */
export function healthUrlOf(subgraph: SubgraphEndpoint): string {
  const url = new URL(subgraph.url);
  url.pathname = url.pathname.replace(/\/graphql\/?$/, '') + '/health';
  return url.toString();
}

/** The REST paths of /api/v1 and the service that owns each. */
export function restRoutesOf(config: MesConfig): { prefix: string; target: string }[] {
  return [
    { prefix: '/api/v1/scans', target: new URL(config.tracking.url).origin }, // scanner terminals, the scan mutation without GraphQL
    { prefix: '/api/v1/sheet-tests', target: new URL(config.testData.url).origin },
    { prefix: '/api/v1/inspections', target: new URL(config.testData.url).origin },
    { prefix: '/api/v1/equipment-traces', target: new URL(config.process.url).origin },
    { prefix: '/api/v1/pick-maps', target: new URL(config.assembly.url).origin },
    { prefix: '/api/v1/stack-tests', target: new URL(config.assembly.url).origin },
    { prefix: '/api/v1/exports', target: new URL(config.testData.url).origin },
    { prefix: '/api/v1/live', target: new URL(config.testData.url).origin }, // server-sent events for the web UI
    { prefix: '/api/v1/lab-spectra', target: new URL(config.testData.url).origin },
    { prefix: '/admin/queues', target: new URL(config.testData.url).origin }, // Bull Board, ADMIN only (test-data checks)
  ];
}
