import { Role, type Actor } from '@mes/auth';
import { DomainError } from '@mes/service-core';
import { createTestDatabase, type TestDatabase } from '@mes/testing';
import type { TrackingClient } from '@mes/tracking-client';
import { DataSource } from 'typeorm';
import { migrateTestData, testDataDataSourceOptions, AuditTrailRepository, TestPolicyRepository } from '@mes/test-data-store';
import { AuditService } from '../audit/audit.service';
import { TestPolicyService } from './test-policy.service';

describe('per-product test policies', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let policies: TestPolicyService;
  const engineer: Actor = { userId: '7', username: 'erik', role: Role.ENGINEER };
  const tracking = { product: async (code: string) => (code === 'TFB-0505' ? { code } : null) } as unknown as TrackingClient;
  const stored = async () => ({
    policies: Number((await ds.query(`SELECT count(*) AS n FROM test_data.product_test_policies`))[0].n),
    audit: Number((await ds.query(`SELECT count(*) AS n FROM test_data.audit_records`))[0].n),
  });

  beforeAll(async () => {
    db = await createTestDatabase('tdpolicy');
    await migrateTestData(db.url);
    ds = new DataSource({ ...testDataDataSourceOptions(db.url), logging: false });
    await ds.initialize();
    policies = new TestPolicyService(ds, new TestPolicyRepository(ds), tracking, new AuditService(new AuditTrailRepository(ds)));
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('answers the defaults for a product nobody has set a policy for', async () => {
    expect(await policies.policy('TFB-0505')).toEqual({
      productCode: 'TFB-0505',
      maxRetests: 1,
      yieldHoldBelow: 0.8,
      isDefault: true,
      updatedBy: null,
      updatedAt: null,
    });
  });

  it('sets a policy and audits it with the values before and after', async () => {
    const set = await policies.setPolicy(engineer, { productCode: 'TFB-0505', maxRetests: 2, yieldHoldBelow: 0.9 });
    expect(set).toMatchObject({ productCode: 'TFB-0505', maxRetests: 2, yieldHoldBelow: 0.9, isDefault: false, updatedBy: 'erik' });
    expect(await policies.policy('TFB-0505')).toMatchObject({ maxRetests: 2, yieldHoldBelow: 0.9, isDefault: false });
    await policies.setPolicy(engineer, { productCode: 'TFB-0505', maxRetests: 0, yieldHoldBelow: 0.5 });
    const audit = await ds.query(`SELECT actor, action, entity_key, before, after FROM test_data.audit_records ORDER BY id`);
    expect(audit).toEqual([
      {
        actor: 'erik',
        action: 'SET_TEST_POLICY',
        entity_key: 'TFB-0505',
        before: { maxRetests: 1, yieldHoldBelow: 0.8, default: true },
        after: { productCode: 'TFB-0505', maxRetests: 2, yieldHoldBelow: 0.9 },
      },
      {
        actor: 'erik',
        action: 'SET_TEST_POLICY',
        entity_key: 'TFB-0505',
        before: { productCode: 'TFB-0505', maxRetests: 2, yieldHoldBelow: 0.9 },
        after: { productCode: 'TFB-0505', maxRetests: 0, yieldHoldBelow: 0.5 },
      },
    ]);
  });

  it('refuses bad values and unknown products with what was expected, and stores nothing', async () => {
    const before = await stored();
    const refusal = await policies
      .setPolicy(engineer, { productCode: 'TFB-0505', maxRetests: 11, yieldHoldBelow: 1.2 })
      .catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(DomainError);
    expect(refusal).toMatchObject({
      code: 'VALIDATION_FAILED',
      message:
        'Invalid test policy for TFB-0505: maxRetests: expected a whole number of retests from 0 to 10, got 11; yieldHoldBelow: expected a yield fraction from 0 to 1 (0.8 holds sheets below 80 %), got 1.2',
      details: [
        { path: 'maxRetests', message: 'expected a whole number of retests from 0 to 10, got 11' },
        { path: 'yieldHoldBelow', message: 'expected a yield fraction from 0 to 1 (0.8 holds sheets below 80 %), got 1.2' },
      ],
    });
    await expect(policies.setPolicy(engineer, { productCode: 'NOPE', maxRetests: 1, yieldHoldBelow: 0.8 })).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: 'Unknown product NOPE: expected the code of a product in tracking',
    });
    await expect(policies.policy('NOPE')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await stored()).toEqual(before);
  });
});
