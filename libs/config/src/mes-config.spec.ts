import { ConfigError, loadConfig, redactUrl } from './mes-config';

const secret = 'x'.repeat(32);

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const config = loadConfig({ MES_JWT_SECRET: secret });
    expect(config.databaseUrl).toBe('postgres://postgres@127.0.0.1:5432/mes');
    expect(config.redisUrl).toBe('redis://127.0.0.1:6379');
    expect(config.port).toBe(3000);
    expect(config.tracking.url).toBe('http://127.0.0.1:4001/graphql');
  });

  it('names the variable and the expectation in one line for a wrong DATABASE_URL', () => {
    expect(() => loadConfig({ MES_JWT_SECRET: secret, DATABASE_URL: 'mysql://root@localhost/mes' })).toThrow(
      new ConfigError('Invalid configuration: DATABASE_URL ("mysql://root@localhost/mes"): expected a postgres:// or postgresql:// URL'),
    );
  });

  it('has no read replica unless DATABASE_READ_URL names one, and refuses one that is not PostgreSQL', () => {
    expect(loadConfig({ MES_JWT_SECRET: secret }).databaseReadUrl).toBeNull();
    expect(loadConfig({ MES_JWT_SECRET: secret, DATABASE_READ_URL: 'postgres://reader@replica:5432/mes' }).databaseReadUrl).toBe(
      'postgres://reader@replica:5432/mes',
    );
    expect(() => loadConfig({ MES_JWT_SECRET: secret, DATABASE_READ_URL: 'http://replica/mes' })).toThrow(
      new ConfigError('Invalid configuration: DATABASE_READ_URL ("http://replica/mes"): expected a postgres:// or postgresql:// URL'),
    );
  });

  it('sweeps every 30 s unless MES_SWEEP_INTERVAL_S says otherwise, and refuses 0', () => {
    expect(loadConfig({ MES_JWT_SECRET: secret }).sweepIntervalSeconds).toBe(30);
    expect(loadConfig({ MES_JWT_SECRET: secret, MES_SWEEP_INTERVAL_S: '5' }).sweepIntervalSeconds).toBe(5);
    expect(() => loadConfig({ MES_JWT_SECRET: secret, MES_SWEEP_INTERVAL_S: '0' })).toThrow(/^Invalid configuration: MES_SWEEP_INTERVAL_S/);
  });

  it('rejects a port that is not a number', () => {
    expect(() => loadConfig({ MES_JWT_SECRET: secret, PORT: 'eighty' })).toThrow(/^Invalid configuration: PORT/);
  });

  it('refuses to start without a signing secret', () => {
    expect(() => loadConfig({})).toThrow(/MES_JWT_SECRET \(unset\)/);
  });

  it('never prints a password from a URL', () => {
    expect(redactUrl('postgres://mes:hunter2@db:5432/mes')).toBe('postgres://mes:***@db:5432/mes');
  });

  describe('tracing', () => {
    it('is off unless the environment turns it on', () => {
      expect(loadConfig({ MES_JWT_SECRET: secret }).tracing).toEqual({ mode: 'off', endpoint: undefined });
    });

    it('sends to an OTLP endpoint set alone', () => {
      const endpoint = 'http://127.0.0.1:4318';
      expect(loadConfig({ MES_JWT_SECRET: secret, OTEL_EXPORTER_OTLP_ENDPOINT: endpoint }).tracing).toEqual({ mode: 'otlp', endpoint });
    });

    it('stays off when MES_TRACING=off, even with an endpoint', () => {
      expect(
        loadConfig({ MES_JWT_SECRET: secret, MES_TRACING: 'off', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }).tracing.mode,
      ).toBe('off');
    });

    it('refuses otlp without an endpoint, and an unknown mode', () => {
      expect(() => loadConfig({ MES_JWT_SECRET: secret, MES_TRACING: 'otlp' })).toThrow(/OTEL_EXPORTER_OTLP_ENDPOINT \(unset\)/);
      expect(() => loadConfig({ MES_JWT_SECRET: secret, MES_TRACING: 'jaeger' })).toThrow(
        /^Invalid configuration: MES_TRACING \("jaeger"\)/,
      );
      expect(() => loadConfig({ MES_JWT_SECRET: secret, OTEL_EXPORTER_OTLP_ENDPOINT: 'grpc://c:4317' })).toThrow(/expected an http/);
    });
  });

  describe('scale-out', () => {
    it('reads several replica URLs of a subgraph, the first one as its own', () => {
      const config = loadConfig({ MES_JWT_SECRET: secret, TRACKING_URL: 'http://a:4001/graphql, http://b:4001/graphql' });
      expect(config.tracking.urls).toEqual(['http://a:4001/graphql', 'http://b:4001/graphql']);
      expect(config.tracking.url).toBe('http://a:4001/graphql');
      expect(config.testData.urls).toEqual(['http://127.0.0.1:4002/graphql']);
    });

    it('refuses a replica list with something that is not an http URL', () => {
      expect(() => loadConfig({ MES_JWT_SECRET: secret, PROCESS_URL: 'http://a/graphql,b:4003' })).toThrow(
        'Invalid configuration: PROCESS_URL ("http://a/graphql,b:4003"): expected http(s) URLs separated by commas',
      );
    });

    it('keeps the queue prefix mes on one Redis, and takes {mes} on a cluster', () => {
      expect(loadConfig({ MES_JWT_SECRET: secret }).queuePrefix).toBe('mes');
      expect(loadConfig({ MES_JWT_SECRET: secret, REDIS_MODE: 'cluster' })).toMatchObject({ redisMode: 'cluster', queuePrefix: '{mes}' });
      expect(loadConfig({ MES_JWT_SECRET: secret, REDIS_MODE: 'cluster', BULLMQ_PREFIX: '{line-2}' }).queuePrefix).toBe('{line-2}');
    });

    it('refuses a cluster prefix without a hash tag, and a half-braced prefix', () => {
      expect(() => loadConfig({ MES_JWT_SECRET: secret, REDIS_MODE: 'cluster', BULLMQ_PREFIX: 'line-2' })).toThrow(
        'Invalid configuration: BULLMQ_PREFIX ("line-2"): REDIS_MODE=cluster needs a hash tag prefix such as {line-2}, so each queue\'s keys share one slot',
      );
      expect(() => loadConfig({ MES_JWT_SECRET: secret, BULLMQ_PREFIX: '{mes' })).toThrow(
        /^Invalid configuration: BULLMQ_PREFIX \("\{mes"\)/,
      );
      expect(() => loadConfig({ MES_JWT_SECRET: secret, REDIS_MODE: 'sentinel' })).toThrow(/^Invalid configuration: REDIS_MODE/);
    });
  });
});
