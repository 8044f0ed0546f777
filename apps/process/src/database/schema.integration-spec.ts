import { createTestDatabase, type TestDatabase } from '@mes/testing';
import { DataSource } from 'typeorm';
import { migrateProcess, processDataSourceOptions } from './process-data-source';

describe('process schema', () => {
  let db: TestDatabase;
  let ds: DataSource;
  beforeAll(async () => {
    db = await createTestDatabase('procschema');
    await migrateProcess(db.url);
    ds = new DataSource({ ...processDataSourceOptions(db.url), logging: false });
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

  it('keeps audit records append-only', async () => {
    await ds.query(`INSERT INTO process.audit_records (actor, action, entity_type, entity_id, details) VALUES ('a', 'X', 'RECIPE', 'R@1', '{}')`);
    await expect(ds.query(`UPDATE process.audit_records SET actor = 'b'`)).rejects.toThrow(/append-only/);
    await expect(ds.query(`DELETE FROM process.audit_records`)).rejects.toThrow(/append-only/);
  });

  it('migrates down and up again', async () => {
    for (let i = 0; i < ds.migrations.length; i++) await ds.undoLastMigration();
    expect((await ds.query(`SELECT to_regclass('process.process_runs') AS t`))[0].t).toBeNull();
    await ds.runMigrations();
    expect((await ds.query(`SELECT to_regclass('process.process_runs') AS t`))[0].t).toBe('process.process_runs');
  });
});
