import { Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { ConnectionOptions } from 'bullmq';
import { Cluster, Redis, type RedisOptions } from 'ioredis';

/** Where Redis is: one server, or any node of a Redis Cluster (the client finds the others). */
export interface RedisTarget {
  url: string;
  mode: 'standalone' | 'cluster';
}

/** A target from a URL (one server) or a target as it is. */
export function redisTargetOf(redis: string | RedisTarget): RedisTarget {
  return typeof redis === 'string' ? { url: redis, mode: 'standalone' } : redis;
}

/** A Redis client for the target: a plain client, or a cluster client seeded with the URL's node. */
export function redisClient(target: RedisTarget, options: RedisOptions = {}): Redis | Cluster {
  if (target.mode === 'standalone') return new Redis(target.url, options);
  const u = new URL(target.url);
  const { enableOfflineQueue, lazyConnect, ...nodeOptions } = options;
  return new Cluster([{ host: u.hostname, port: Number(u.port || 6379) }], {
    redisOptions: {
      ...nodeOptions,
      ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
      ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
      ...(u.protocol === 'rediss:' ? { tls: {} } : {}),
    },
    ...(enableOfflineQueue !== undefined ? { enableOfflineQueue } : {}),
    ...(lazyConnect !== undefined ? { lazyConnect } : {}),
  });
}

/**
 * The connection BullMQ gets. On one server, options (BullMQ makes and closes its own clients); on a
 * cluster, a cluster client BullMQ shares and duplicates for its blocking reads, closed by `close`
 * after the queues that use it. Blocking users (workers, queue events) need `blocking: true`
 * (BullMQ refuses a retry limit on them).
 */
export function bullConnection(
  target: RedisTarget,
  options: RedisOptions = {},
  blocking = false,
): { connection: ConnectionOptions; close: () => Promise<void> } {
  if (target.mode === 'standalone')
    return { connection: { url: target.url, ...options } as ConnectionOptions, close: async () => undefined };
  const client = redisClient(target, blocking ? { ...options, maxRetriesPerRequest: null } : options) as Cluster;
  client.on('error', () => undefined); // the queues built on it report their own errors
  return {
    connection: client as unknown as ConnectionOptions,
    close: async () => {
      await client.quit().catch(() => client.disconnect());
    },
  };
}

/**
 * Tells every replica of a service that something it may keep in memory changed (a rig's key was
 * revoked or rotated): Redis pub/sub on one channel. A replica trusts its cache only while its
 * subscription is up; on every (re)subscription it drops the whole cache, because messages sent
 * while it was away are lost. Publishing failures are logged, and the entries carry a time to live
 * as a last bound (see KeyCache).
 */
export class CrossReplicaInvalidation implements OnApplicationShutdown {
  private readonly logger = new Logger(CrossReplicaInvalidation.name);
  private readonly publisher: Redis | Cluster;
  private readonly subscriber: Redis | Cluster;
  private subscribed = false;
  private readonly handlers: { forget: (key: string) => void; forgetAll: () => void }[] = [];

  constructor(
    target: RedisTarget,
    readonly channel: string,
  ) {
    this.publisher = redisClient(target, { maxRetriesPerRequest: 1, enableOfflineQueue: false, lazyConnect: true });
    this.subscriber = redisClient(target, { lazyConnect: true });
    for (const c of [this.publisher, this.subscriber]) c.on('error', () => undefined);
    this.subscriber.on('message', (ch: string, key: string) => {
      if (ch === this.channel) for (const h of this.handlers) h.forget(key);
    });
    // A subscription that broke may have missed messages: distrust until subscribed again, then start empty.
    this.subscriber.on('close', () => {
      this.subscribed = false;
    });
    this.subscriber.on('ready', () => void this.subscribe());
  }

  /** Connect both clients; resolves once subscribed (or at once when Redis is away: the caches stay off). */
  async start(): Promise<void> {
    await Promise.all([
      this.publisher.connect().catch((e: unknown) => this.logger.warn(`invalidation publisher: ${String(e)}`)),
      this.subscriber.connect().catch((e: unknown) => this.logger.warn(`invalidation subscriber: ${String(e)}`)),
    ]);
    if (this.subscriber.status === 'ready' && !this.subscribed) await this.subscribe();
  }

  private async subscribe(): Promise<void> {
    try {
      await this.subscriber.subscribe(this.channel);
      for (const h of this.handlers) h.forgetAll();
      this.subscribed = true;
    } catch (e) {
      this.logger.warn(`could not subscribe to ${this.channel}: ${String(e)}`);
    }
  }

  /** Whether messages of other replicas reach this one now (a cache may be used only then). */
  get live(): boolean {
    return this.subscribed;
  }

  onInvalidate(forget: (key: string) => void, forgetAll: () => void): void {
    this.handlers.push({ forget, forgetAll });
  }

  /** Tell every replica (this one included) to forget `key`. */
  async publish(key: string): Promise<void> {
    for (const h of this.handlers) h.forget(key);
    try {
      await this.publisher.publish(this.channel, key);
    } catch (e) {
      this.logger.warn(
        `could not tell the other replicas to forget ${key} on ${this.channel} (they drop it within the cache's time to live): ${String(e)}`,
      );
    }
  }

  async close(): Promise<void> {
    this.subscribed = false;
    await Promise.all([this.publisher, this.subscriber].map((c) => c.quit().catch(() => c.disconnect())));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.close();
  }
}

/** Injection token of a service's CrossReplicaInvalidation of API keys. */
export const KEY_INVALIDATION = 'KEY_INVALIDATION';

/** The provider of KEY_INVALIDATION: connected before the app serves, closed with it. */
export function keyInvalidationProvider(target: RedisTarget, channel: string) {
  return {
    provide: KEY_INVALIDATION,
    useFactory: async (): Promise<CrossReplicaInvalidation> => {
      const invalidation = new CrossReplicaInvalidation(target, channel);
      await invalidation.start();
      return invalidation;
    },
  };
}

/**
 * Verified API keys of one process, shared-invalidated across replicas: an entry counts only while
 * the invalidation channel is live and for `ttlMs` at most, so a revoke on any replica is seen by
 * every replica at once, and within `ttlMs` even if a message was lost.
 */
export class KeyCache<V extends { id: string }> {
  private readonly entries = new Map<string, { value: V; until: number }>();

  constructor(
    private readonly invalidation: CrossReplicaInvalidation | null,
    private readonly ttlMs = 30_000,
    private readonly maxEntries = 1000,
    private readonly now: () => number = Date.now,
  ) {
    invalidation?.onInvalidate(
      (id) => this.forgetLocal(id),
      () => this.entries.clear(),
    );
  }

  get(key: string): V | undefined {
    if (!this.invalidation?.live) return undefined;
    const hit = this.entries.get(key);
    if (!hit) return undefined;
    if (hit.until <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return hit.value;
  }

  set(key: string, value: V): void {
    if (!this.invalidation?.live) return;
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    this.entries.set(key, { value, until: this.now() + this.ttlMs });
  }

  /** Forget every key of `id` here and on every other replica. */
  async forget(id: string): Promise<void> {
    if (this.invalidation) await this.invalidation.publish(id);
    else this.forgetLocal(id);
  }

  private forgetLocal(id: string): void {
    for (const [key, e] of this.entries) if (e.value.id === id) this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }
}
