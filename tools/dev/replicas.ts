/**
 * `--workers N --replicas M`: which processes to start and the environment of each. Replica k (0 is
 * the first) of a subgraph listens on its base port + 100 k; every process gets each subgraph's
 * replica URLs as a comma-separated list, turned so that replica k's own calls go to replica k of
 * the others (the gateway spreads over the whole list, see ReplicaSet).
 */
export interface ScaleOptions {
  workers: number;
  replicas: number;
}

export const SUBGRAPHS = [
  { app: 'tracking', portVar: 'TRACKING_PORT', urlVar: 'TRACKING_URL' },
  { app: 'test-data', portVar: 'TEST_DATA_PORT', urlVar: 'TEST_DATA_URL' },
  { app: 'process', portVar: 'PROCESS_PORT', urlVar: 'PROCESS_URL' },
  { app: 'assembly', portVar: 'ASSEMBLY_PORT', urlVar: 'ASSEMBLY_URL' },
] as const;

export type SubgraphApp = (typeof SUBGRAPHS)[number]['app'];

/** Parse `--workers N` and `--replicas M` (1 to 16 each; both 1 when absent). */
export function parseScaleArgs(args: readonly string[]): ScaleOptions {
  const out: ScaleOptions = { workers: 1, replicas: 1 };
  for (let i = 0; i < args.length; i++) {
    const m = /^--(workers|replicas)(?:=(.*))?$/.exec(args[i]);
    if (!m) throw new Error(`Unknown argument ${args[i]}: expected --workers N and/or --replicas M`);
    const raw = m[2] ?? args[++i];
    const n = Number(raw);
    if (raw === undefined || !/^\d+$/.test(raw) || n < 1 || n > 16)
      throw new Error(`--${m[1]} needs a whole number from 1 to 16, got ${raw === undefined ? 'nothing' : JSON.stringify(raw)}`);
    out[m[1] as keyof ScaleOptions] = n;
  }
  return out;
}

/** The port of replica k of a subgraph whose first replica listens on `base`. */
export const replicaPort = (base: number, k: number) => base + 100 * k;

/** Each subgraph's replica URLs, as a comma-separated list starting at replica `first`. */
export function replicaUrlEnv(host: string, ports: Record<SubgraphApp, number>, replicas: number, first = 0): Record<string, string> {
  const env: Record<string, string> = {};
  for (const s of SUBGRAPHS) {
    const urls = Array.from({ length: replicas }, (_, k) => `http://${host}:${replicaPort(ports[s.app], (first + k) % replicas)}/graphql`);
    env[s.urlVar] = urls.join(',');
  }
  return env;
}

/** The environment of replica k of a subgraph (its port, and replica k of the others first). */
export function replicaEnv(
  app: SubgraphApp,
  k: number,
  host: string,
  ports: Record<SubgraphApp, number>,
  replicas: number,
): Record<string, string> {
  const portVar = SUBGRAPHS.find((s) => s.app === app)?.portVar as string;
  return { ...replicaUrlEnv(host, ports, replicas, k), [portVar]: String(replicaPort(ports[app], k)) };
}
