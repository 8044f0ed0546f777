import { PG_SESSION_OPTIONS, withStartupLock } from '@mes/service-core';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { ASSEMBLY_ENTITIES } from './assembly.entities';
import { ASSEMBLY_MIGRATIONS } from './migrations';

/** The assembly service owns the `assembly` schema and nothing else. */
export function assemblyDataSourceOptions(databaseUrl: string): DataSourceOptions {
  return {
    type: 'postgres',
    url: databaseUrl,
    entities: ASSEMBLY_ENTITIES,
    migrations: ASSEMBLY_MIGRATIONS,
    migrationsTableName: 'assembly_migrations',
    synchronize: false,
    logging: ['error'],
    extra: { max: 10, application_name: 'mes-assembly', options: PG_SESSION_OPTIONS },
  };
}

export function createAssemblyDataSource(databaseUrl: string): DataSource {
  return new DataSource(assemblyDataSourceOptions(databaseUrl));
}

export async function migrateAssembly(databaseUrl: string): Promise<void> {
  // One replica migrates at a time; the next finds nothing left to run.
  await withStartupLock(databaseUrl, 'migrations', async () => {
    const ds = createAssemblyDataSource(databaseUrl);
    await ds.initialize();
    try {
      await ds.query('CREATE SCHEMA IF NOT EXISTS assembly');
      await ds.runMigrations({ transaction: 'each' });
    } finally {
      await ds.destroy();
    }
  });
}
