import { PG_SESSION_OPTIONS, withStartupLock } from '@mes/service-core';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { PROCESS_MIGRATIONS } from './migrations';
import { PROCESS_ENTITIES } from './process.entities';

/** The process service owns the `process` schema and nothing else. */
export function processDataSourceOptions(databaseUrl: string): DataSourceOptions {
  return {
    type: 'postgres',
    url: databaseUrl,
    entities: PROCESS_ENTITIES,
    migrations: PROCESS_MIGRATIONS,
    migrationsTableName: 'process_migrations',
    synchronize: false,
    logging: ['error'],
    extra: { max: 20, application_name: 'mes-process', options: PG_SESSION_OPTIONS },
  };
}

export function createProcessDataSource(databaseUrl: string): DataSource {
  return new DataSource(processDataSourceOptions(databaseUrl));
}

export async function migrateProcess(databaseUrl: string): Promise<void> {
  // One replica migrates at a time; the next finds nothing left to run.
  await withStartupLock(databaseUrl, 'migrations', async () => {
    const ds = createProcessDataSource(databaseUrl);
    await ds.initialize();
    try {
      await ds.query('CREATE SCHEMA IF NOT EXISTS process');
      await ds.runMigrations({ transaction: 'each' });
    } finally {
      await ds.destroy();
    }
  });
}
