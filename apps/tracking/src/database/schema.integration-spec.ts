import { createTestDatabase, type TestDatabase } from '@mes/testing';
import { DataSource } from 'typeorm';
import { migrateTracking } from '../bootstrap';
import { trackingDataSourceOptions } from './tracking-data-source';

describe('tracking schema', () => {
  let db: TestDatabase;
  let ds: DataSource;
  beforeAll(async () => {
    db = await createTestDatabase('schema');
    await migrateTracking(db.url);
    ds = new DataSource({ ...trackingDataSourceOptions(db.url), logging: false }); // the refusals below are expected
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

  it('keeps the audit trail append-only in the database itself', async () => {
    await ds.query(`INSERT INTO tracking.audit_records (actor, action, entity_type, entity_key) VALUES ('t', 'TEST', 'X', '1')`);
    await expect(ds.query(`UPDATE tracking.audit_records SET actor = 'mallory'`)).rejects.toThrow('audit records are append-only (UPDATE refused)');
    await expect(ds.query(`DELETE FROM tracking.audit_records`)).rejects.toThrow('audit records are append-only (DELETE refused)');
  });

  it('migrates down and up again', async () => {
    for (let i = 0; i < ds.migrations.length; i++) await ds.undoLastMigration();
    const undone = await ds.query(`SELECT to_regclass('tracking.rolls') AS t`);
    expect(undone[0].t).toBeNull();
    await ds.runMigrations();
    const redone = await ds.query(`SELECT to_regclass('tracking.rolls') AS t`);
    expect(redone[0].t).toBe('tracking.rolls');
  });
});
