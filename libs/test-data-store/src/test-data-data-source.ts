import { PG_SESSION_OPTIONS, withStartupLock } from '@mes/service-core';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { TEST_DATA_MIGRATIONS } from './migrations';
import { TEST_DATA_ENTITIES } from './test-data.entities';

/** The test-data service owns the `test_data` schema and nothing else. */
export function testDataDataSourceOptions(databaseUrl: string): DataSourceOptions {
  return {
    type: 'postgres',
    url: databaseUrl,
    entities: TEST_DATA_ENTITIES,
    migrations: TEST_DATA_MIGRATIONS,
    migrationsTableName: 'test_data_migrations',
    synchronize: false,
    logging: ['error'],
    extra: { max: 20, application_name: 'mes-test-data', options: PG_SESSION_OPTIONS },
  };
}

export function createTestDataDataSource(databaseUrl: string): DataSource {
  return new DataSource(testDataDataSourceOptions(databaseUrl));
}

export async function migrateTestData(databaseUrl: string): Promise<void> {
  // One replica migrates at a time; the next finds nothing left to run.
  await withStartupLock(databaseUrl, 'migrations', async () => {
    const ds = createTestDataDataSource(databaseUrl);
    await ds.initialize();
    try {
      await ds.query('CREATE SCHEMA IF NOT EXISTS test_data');
      await ds.runMigrations({ transaction: 'each' });
    } finally {
      await ds.destroy();
    }
  });
}
