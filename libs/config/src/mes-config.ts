import { z } from 'zod';

/**
 * The one place that reads process.env (STYLE 5). Every app calls loadConfig() once at boot and
 * passes the typed result on; a wrong value stops the process with one line naming the variable.
 */
const postgresUrl = z
  .string()
  .url()
  .refine((v) => /^postgres(ql)?:\/\//.test(v), 'expected a postgres:// or postgresql:// URL');
const redisUrl = z
  .string()
  .url()
  .refine((v) => /^rediss?:\/\//.test(v), 'expected a redis:// or rediss:// URL');
const port = z.coerce.number().int().min(0).max(65535);
/** One URL, or several separated by commas: the replicas of one service (see replicaUrls). */
const urlList = z
  .string()
  .min(1)
  .refine(
    (v) => v.split(',').every((u) => URL.canParse(u.trim()) && /^https?:\/\//.test(u.trim())),
    'expected http(s) URLs separated by commas',
  )
  .optional();

const schema = z.object({
  DATABASE_URL: postgresUrl.default('postgres://postgres@127.0.0.1:5432/mes'),
  /** A streaming read replica of DATABASE_URL's database: test-data's heat-map and yield reads go there; unset: to DATABASE_URL. */
  DATABASE_READ_URL: postgresUrl.optional(),
  REDIS_URL: redisUrl.default('redis://127.0.0.1:6379'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: port.default(3000),
  TRACKING_PORT: port.default(4001),
  TRACKING_URL: urlList,
  TEST_DATA_PORT: port.default(4002),
  TEST_DATA_URL: urlList,
  PROCESS_PORT: port.default(4003),
  PROCESS_URL: urlList,
  ASSEMBLY_PORT: port.default(4004),
  ASSEMBLY_URL: urlList,
  TRACE_MAX_BODY_MB: z.coerce.number().positive().max(512).default(32),
  /** Largest sheet-test body accepted, after gunzip (a 2,500-cell, 200-point sheet is about 10 MB). */
  INGEST_MAX_BODY_MB: z.coerce.number().positive().max(1024).default(32),
  /** standalone: REDIS_URL is one Redis; cluster: REDIS_URL is any node of a Redis Cluster, which finds the rest. */
  REDIS_MODE: z.enum(['standalone', 'cluster']).default('standalone'),
  /**
   * Redis key prefix of every BullMQ queue: separate MES instances (or test stacks) on one Redis. On a
   * cluster it must be a hash tag ({mes}), so every key of a queue lies in one slot as BullMQ needs.
   */
  BULLMQ_PREFIX: z
    .string()
    .regex(/^(\{[A-Za-z0-9_-]{1,62}\}|[A-Za-z0-9_-]{1,64})$/, 'expected 1-64 letters, digits, "_" or "-", or such a name in braces ({mes})')
    .optional(),
  BINNING_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(2),
  /** Seconds between two sweeps of test-data's sweepers (work stored but not queued, sheets not analysed); one replica sweeps. */
  MES_SWEEP_INTERVAL_S: z.coerce.number().int().min(1).max(3600).default(30),
  MES_JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  MES_ADMIN_PASSWORD: z.string().min(8, 'must be at least 8 characters').optional(),
  MES_TOKEN_TTL_S: z.coerce
    .number()
    .int()
    .positive()
    .default(12 * 3600),
  MES_SEED_DEMO: z.enum(['true', 'false']).default('false'),
  LOG_LEVEL: z.enum(['error', 'warn', 'log', 'debug', 'verbose']).default('log'),
  /** json: one JSON event a line; pretty: one readable line; auto: pretty when standard output is a terminal. */
  LOG_FORMAT: z.enum(['auto', 'json', 'pretty']).default('auto'),
  /** Bearer token a Prometheus on another host sends to GET /metrics; unset: /metrics answers this host only. */
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  /** The binning worker's /metrics and /health listener (0: any free port; one per worker on a host). */
  BINNING_WORKER_PORT: port.default(4005),
  /** OpenTelemetry traces: off unless set; otlp sends to OTEL_EXPORTER_OTLP_ENDPOINT, console prints spans. */
  MES_TRACING: z.enum(['otlp', 'console', 'off']).optional(),
  /** OTLP/HTTP collector (e.g. http://127.0.0.1:4318); set alone, it turns tracing on. */
  OTEL_EXPORTER_OTLP_ENDPOINT: z
    .string()
    .url()
    .refine((v) => /^https?:\/\//.test(v), 'expected an http:// or https:// URL')
    .optional(),
});

export interface MesConfig {
  databaseUrl: string;
  /** Where heat-map and yield reads may go (a read replica); null: the primary, databaseUrl. */
  databaseReadUrl: string | null;
  redisUrl: string;
  redisMode: 'standalone' | 'cluster';
  host: string;
  port: number;
  /** url is the first of urls: the replica this process talks to; the gateway spreads over all of urls. */
  tracking: { port: number; url: string; urls: string[] };
  testData: { port: number; url: string; urls: string[]; maxBodyBytes: number };
  process: { port: number; url: string; urls: string[]; maxTraceBodyBytes: number };
  assembly: { port: number; url: string; urls: string[] };
  binning: { concurrency: number; port: number };
  queuePrefix: string;
  /** Seconds between two sweeps of each sweeper. */
  sweepIntervalSeconds: number;
  auth: { jwtSecret: string; tokenTtlSeconds: number; adminPassword: string | undefined };
  seedDemo: boolean;
  logLevel: 'error' | 'warn' | 'log' | 'debug' | 'verbose';
  logFormat: 'auto' | 'json' | 'pretty';
  metrics: { token: string | undefined };
  tracing: { mode: 'off' | 'console' | 'otlp'; endpoint: string | undefined };
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export function loadConfig(env: Record<string, string | undefined> = process.env): MesConfig {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const name = String(issue.path[0] ?? 'environment');
    const shown = env[name] === undefined ? 'unset' : JSON.stringify(redactUrl(env[name] ?? ''));
    throw new ConfigError(`Invalid configuration: ${name} (${shown}): ${issue.message}`);
  }
  const e = parsed.data;
  if (!e.MES_JWT_SECRET) {
    throw new ConfigError('Invalid configuration: MES_JWT_SECRET (unset): expected a secret of at least 32 characters to sign tokens');
  }
  if (e.MES_TRACING === 'otlp' && !e.OTEL_EXPORTER_OTLP_ENDPOINT) {
    throw new ConfigError(
      'Invalid configuration: OTEL_EXPORTER_OTLP_ENDPOINT (unset): MES_TRACING=otlp needs the collector URL, e.g. http://127.0.0.1:4318',
    );
  }
  const queuePrefix = e.BULLMQ_PREFIX ?? (e.REDIS_MODE === 'cluster' ? '{mes}' : 'mes');
  if (e.REDIS_MODE === 'cluster' && !queuePrefix.startsWith('{')) {
    throw new ConfigError(
      `Invalid configuration: BULLMQ_PREFIX (${JSON.stringify(queuePrefix)}): REDIS_MODE=cluster needs a hash tag prefix such as {${queuePrefix}}, so each queue's keys share one slot`,
    );
  }
  const host = e.HOST;
  const urls = (list: string | undefined, port: number) =>
    list ? list.split(',').map((u) => u.trim()) : [`http://${host}:${port}/graphql`];
  const tracking = urls(e.TRACKING_URL, e.TRACKING_PORT);
  const testData = urls(e.TEST_DATA_URL, e.TEST_DATA_PORT);
  const processUrls = urls(e.PROCESS_URL, e.PROCESS_PORT);
  const assembly = urls(e.ASSEMBLY_URL, e.ASSEMBLY_PORT);
  return {
    databaseUrl: e.DATABASE_URL,
    databaseReadUrl: e.DATABASE_READ_URL ?? null,
    redisUrl: e.REDIS_URL,
    redisMode: e.REDIS_MODE,
    host,
    port: e.PORT,
    tracking: { port: e.TRACKING_PORT, url: tracking[0], urls: tracking },
    testData: {
      port: e.TEST_DATA_PORT,
      url: testData[0],
      urls: testData,
      maxBodyBytes: Math.round(e.INGEST_MAX_BODY_MB * 1024 * 1024),
    },
    process: {
      port: e.PROCESS_PORT,
      url: processUrls[0],
      urls: processUrls,
      maxTraceBodyBytes: Math.round(e.TRACE_MAX_BODY_MB * 1024 * 1024),
    },
    assembly: { port: e.ASSEMBLY_PORT, url: assembly[0], urls: assembly },
    binning: { concurrency: e.BINNING_CONCURRENCY, port: e.BINNING_WORKER_PORT },
    sweepIntervalSeconds: e.MES_SWEEP_INTERVAL_S,
    queuePrefix,
    auth: { jwtSecret: e.MES_JWT_SECRET, tokenTtlSeconds: e.MES_TOKEN_TTL_S, adminPassword: e.MES_ADMIN_PASSWORD },
    seedDemo: e.MES_SEED_DEMO === 'true',
    logLevel: e.LOG_LEVEL,
    logFormat: e.LOG_FORMAT,
    metrics: { token: e.METRICS_TOKEN },
    tracing: {
      mode: e.MES_TRACING ?? (e.OTEL_EXPORTER_OTLP_ENDPOINT ? 'otlp' : 'off'),
      endpoint: e.OTEL_EXPORTER_OTLP_ENDPOINT,
    },
  };
}

/** Hide a password in a connection URL before it is printed. */
export function redactUrl(value: string): string {
  return value.replace(/(\/\/[^:/@]+:)[^@]*@/, '$1***@');
}

/** Run a process entry point: a ConfigError prints one line and exits 1, without a stack trace. */
export function exitOnConfigError(error: unknown): never {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
  throw error;
}

/** A process entry point's config: on a wrong value, one line on stderr and exit 1. */
export function loadConfigOrExit(env: Record<string, string | undefined> = process.env): MesConfig {
  try {
    return loadConfig(env);
  } catch (e) {
    exitOnConfigError(e);
  }
}
