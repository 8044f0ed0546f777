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

  it('rejects a port that is not a number', () => {
    expect(() => loadConfig({ MES_JWT_SECRET: secret, PORT: 'eighty' })).toThrow(/^Invalid configuration: PORT/);
  });

  it('refuses to start without a signing secret', () => {
    expect(() => loadConfig({})).toThrow(/MES_JWT_SECRET \(unset\)/);
  });

  it('never prints a password from a URL', () => {
    expect(redactUrl('postgres://mes:hunter2@db:5432/mes')).toBe('postgres://mes:***@db:5432/mes');
  });
});
