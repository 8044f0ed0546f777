import { createTestDatabase, type TestDatabase } from '@mes/testing';
import { DataSource } from 'typeorm';
import { migrateTestData, testDataDataSourceOptions } from './test-data-data-source';

describe('test_data schema', () => {
  let db: TestDatabase;
  let ds: DataSource;
  beforeAll(async () => {
    db = await createTestDatabase('tdschema');
    await migrateTestData(db.url);
    ds = new DataSource({ ...testDataDataSourceOptions(db.url), logging: false });
    await ds.initialize();
  });
  afterAll(async () => {
    await ds.destroy();
    await db.drop();
  });

  it('matches the entities exactly after the migrations (nothing left to generate)', async () => {
    const pending = await ds.driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((q) => q.query)).toEqual([]);
  });

  it('migrates down and up again', async () => {
    for (let i = 0; i < ds.migrations.length; i++) await ds.undoLastMigration();
    expect((await ds.query(`SELECT to_regclass('test_data.sheet_tests') AS t`))[0].t).toBeNull();
    await ds.runMigrations();
    expect((await ds.query(`SELECT to_regclass('test_data.sheet_tests') AS t`))[0].t).toBe('test_data.sheet_tests');
  });
});
