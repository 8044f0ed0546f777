import { Role, type Actor } from '@mes/auth';
import { createTestDatabase, type TestDatabase } from '@mes/testing';
import type { TrackingClient } from '@mes/tracking-client';
import { DataSource } from 'typeorm';
import { migrateTestData, testDataDataSourceOptions, RigRepository, AuditTrailRepository } from '@mes/test-data-store';
import { RigService } from '../rigs/rig.service';
import { AuditService } from './audit.service';

/** The test-data audit trail: every mutation writes one record with its change; the database refuses to rewrite it. */
describe('test-data audit trail', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let rigs: RigService;
  const engineer: Actor = { userId: '7', username: 'erik', role: Role.ENGINEER };
  const tracking = {
    station: async (code: string) =>
      code === 'TST-1' ? { code, operation: 'SHEET_TEST' } : code === 'LCO-1' ? { code, operation: 'LCO_DEPOSITION' } : null,
  } as unknown as TrackingClient;
  const records = () => ds.query(`SELECT actor, action, entity_type, entity_key, before, after FROM test_data.audit_records ORDER BY id`);

  beforeAll(async () => {
    db = await createTestDatabase('tdaudit');
    await migrateTestData(db.url);
    ds = new DataSource({ ...testDataDataSourceOptions(db.url), logging: false });
    await ds.initialize();
    rigs = new RigService(ds, new RigRepository(ds), tracking, new AuditService(new AuditTrailRepository(ds)));
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('records registerRig with who did it and the rig (never its key)', async () => {
    const { rig, apiKey } = await rigs.register(engineer, 'RIG A', 'TST-1');
    const [record] = await records();
    expect(record).toEqual({
      actor: 'erik',
      action: 'REGISTER_RIG',
      entity_type: 'Rig',
      entity_key: rig.id,
      before: null,
      after: { id: rig.id, name: 'RIG A', stationCode: 'TST-1' },
    });
    expect(JSON.stringify(record)).not.toContain(apiKey.split('.')[1]);
  });

  it('records nothing for a refused registration', async () => {
    const before = (await records()).length;
    await expect(rigs.register(engineer, 'RIG A', 'TST-1')).rejects.toThrow('A rig named RIG A is already registered');
    await expect(rigs.register(engineer, 'RIG B', 'LCO-1')).rejects.toThrow(
      'Station LCO-1 performs LCO_DEPOSITION; a rig belongs at a SHEET_TEST, STACK_TEST or INSPECTION station',
    );
    await expect(rigs.register(engineer, '  ', 'TST-1')).rejects.toThrow(/^Invalid rig name/);
    expect((await records()).length).toBe(before);
    expect(Number((await ds.query(`SELECT count(*) AS n FROM test_data.rigs`))[0].n)).toBe(1);
  });

  it('is append-only: the database refuses UPDATE and DELETE', async () => {
    await expect(ds.query(`UPDATE test_data.audit_records SET actor = 'mallory'`)).rejects.toThrow(
      'audit records are append-only (UPDATE refused)',
    );
    await expect(ds.query(`DELETE FROM test_data.audit_records`)).rejects.toThrow('audit records are append-only (DELETE refused)');
  });
});
