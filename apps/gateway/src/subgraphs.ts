import type { MesConfig } from '@mes/config';

export interface SubgraphEndpoint {
  name: string;
  /** The subgraph's GraphQL URL. */
  url: string;
}

/** Every subgraph the gateway composes; later services add themselves here. */
export function subgraphsOf(config: MesConfig): SubgraphEndpoint[] {
  return [{ name: 'tracking', url: config.tracking.url }];
}

/** A subgraph's health endpoint sits beside its /graphql. */
export function healthUrlOf(subgraph: SubgraphEndpoint): string {
  const url = new URL(subgraph.url);
  url.pathname = url.pathname.replace(/\/graphql\/?$/, '') + '/health';
  return url.toString();
}
