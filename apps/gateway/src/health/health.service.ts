import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { Cluster, Redis } from 'ioredis';
import { redisClient } from '@mes/service-core';
import { Pool } from 'pg';
import type { MesConfig } from '@mes/config';
import { healthUrlOf, subgraphsOf } from '../subgraphs';

export interface HealthReport {
  status: 'ok' | 'down';
  down: string[];
  checks: Record<string, { ok: boolean; ms: number; error?: string }>;
}

const TIMEOUT_MS = 2000;

function withTimeout<T>(p: Promise<T>, what: string): Promise<T> {
  return Promise.race([
    p,
    new Promise<T>((_, reject) =>
      setTimeout(() => reject(new Error(`${what} did not answer within ${TIMEOUT_MS} ms`)), TIMEOUT_MS).unref(),
    ),
  ]);
}

/** What /health reports: PostgreSQL, Redis and every subgraph, checked in parallel. */
@Injectable()
export class HealthService implements OnModuleDestroy {
  private readonly pool: Pool;
  private readonly redis: Redis | Cluster;

  constructor(private readonly config: MesConfig) {
    this.pool = new Pool({ connectionString: config.databaseUrl, max: 1, connectionTimeoutMillis: TIMEOUT_MS });
    this.pool.on('error', () => undefined); // a dropped idle connection is reported by the next check
    this.redis = redisClient(
      { url: config.redisUrl, mode: config.redisMode },
      {
        lazyConnect: true,
        maxRetriesPerRequest: 1,
        enableOfflineQueue: false,
        retryStrategy: () => 1000,
      },
    );
    this.redis.on('error', () => undefined);
  }

  async check(): Promise<HealthReport> {
    const probes: Record<string, () => Promise<unknown>> = {
      postgresql: () => this.pool.query('SELECT 1'),
      redis: async () => {
        if (this.redis.status === 'wait') await this.redis.connect();
        return this.redis.ping();
      },
    };
    for (const sg of subgraphsOf(this.config)) {
      // Up while any replica is: the gateway sends past a replica that refuses connections.
      probes[`subgraph:${sg.name}`] = async () => {
        const answers = await Promise.all(
          sg.urls.map(async (replica) => {
            try {
              const res = await fetch(healthUrlOf(sg, replica), { signal: AbortSignal.timeout(TIMEOUT_MS) });
              return res.ok ? null : `${new URL(replica).host} answered ${res.status}`;
            } catch (e) {
              return `${new URL(replica).host}: ${e instanceof Error ? e.message : String(e)}`;
            }
          }),
        );
        const problems = answers.filter((a): a is string => a !== null);
        if (problems.length === sg.urls.length)
          throw new Error(sg.urls.length === 1 ? problems[0].replace(/^[^ ]+ /, '') : problems.join('; '));
      };
    }
    const entries = await Promise.all(
      Object.entries(probes).map(async ([name, probe]) => {
        const t0 = performance.now();
        try {
          await withTimeout(probe(), name);
          return [name, { ok: true, ms: Math.round(performance.now() - t0) }] as const;
        } catch (e) {
          return [name, { ok: false, ms: Math.round(performance.now() - t0), error: e instanceof Error ? e.message : String(e) }] as const;
        }
      }),
    );
    const checks = Object.fromEntries(entries);
    const down = entries.filter(([, c]) => !c.ok).map(([name]) => name);
    return { status: down.length ? 'down' : 'ok', down, checks };
  }

  async onModuleDestroy(): Promise<void> {
    this.redis.disconnect();
    await this.pool.end();
  }
}
