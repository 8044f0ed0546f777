import { Queue } from 'bullmq';
import { Role, SignatureMeaning, type Actor, type SignatureInput } from '@mes/auth';
import { DomainError } from '@mes/service-core';
import { defaultAsMadeRuleSet } from '@mes/binning';
import { QUEUES } from '@mes/queue-contracts';
import { createTestDatabase, type TestDatabase } from '@mes/testing';
import type { TrackingClient } from '@mes/tracking-client';
import { DataSource } from 'typeorm';
import { migrateTestData, testDataDataSourceOptions, AuditTrailRepository, RuleSetRepository } from '@mes/test-data-store';
import { AuditService } from '../audit/audit.service';
import { SheetTestQueue } from '../ingest/sheet-test.queue';
import { RuleSetService } from './rule-set.service';

/** Rule set versions and rebin requests: what is stored, and that every refusal says what was expected and stores nothing. */
describe('rule set versions and rebin requests', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let queue: SheetTestQueue;
  let service: RuleSetService;
  const engineer: Actor = { userId: '7', username: 'erik', role: Role.ENGINEER };
  const signature: SignatureInput = { password: 'erik-password', meaning: SignatureMeaning.APPROVED };
  // Tracking's side of a signature (checking the password) is tested where tracking runs
  // (tests/system/signatures); here it answers as tracking does for the right and a wrong password.
  const tracking = {
    product: async (code: string) => (code === 'TFB-0505' ? { code, cellActiveAreaCm2: 0.25 } : null),
    verifySignature: async (actor: Actor, s: SignatureInput) => {
      if (s.password !== 'erik-password') throw new DomainError('SIGNATURE_REJECTED', `The signature of ${actor.username} was refused`);
      return { signer: actor.username, meaning: s.meaning, comment: s.comment ?? null, signedAt: new Date('2026-12-02T06:00:00Z') };
    },
  } as unknown as TrackingClient;
  const stored = async () => {
    const n = async (table: string) => Number((await ds.query(`SELECT count(*) AS n FROM test_data.${table}`))[0].n);
    return { ruleSets: await n('rule_sets'), rebins: await n('rebin_requests'), audit: await n('audit_records') };
  };

  beforeAll(async () => {
    db = await createTestDatabase('rulesets');
    await migrateTestData(db.url);
    ds = new DataSource({ ...testDataDataSourceOptions(db.url), logging: false });
    await ds.initialize();
    queue = new SheetTestQueue(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', `t-${db.name}`, ds);
    service = new RuleSetService(ds, new RuleSetRepository(ds), tracking, new AuditService(new AuditTrailRepository(ds)), queue);
    const rig = (
      await ds.query(
        `INSERT INTO test_data.rigs (name, station_code, key_hash, created_by) VALUES ('RIG R', 'TST-1', repeat('0', 64), 'test') RETURNING id`,
      )
    )[0].id as string;
    await ds.query(
      `INSERT INTO test_data.sheet_tests (id, test_id, content_hash, rig_id, sheet_barcode, roll_barcode, rows, cols, cell_area_cm2, started_at, temperature_c,
         frequency_count, cell_count, status, rule_set_version, product_code, received_at)
       VALUES (gen_random_uuid(), 'T-1', repeat('0', 64), $1, 'S-1', 'R-1', 1, 1, 0.25, now(), 25, 0, 1, 'DONE', 1, 'TFB-0505', '2026-11-22T10:00:00Z')`,
      [rig],
    );
  });
  afterAll(async () => {
    await queue?.onModuleDestroy();
    const jobs = new Queue(QUEUES.sheetTests, {
      connection: { url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' },
      prefix: `t-${db.name}`,
    });
    await jobs.obliterate({ force: true }).catch(() => undefined);
    await jobs.close();
    await ds?.destroy();
    await db?.drop();
  });

  it('starts a product at version 1, the library’s default rule set', async () => {
    const versions = await service.ruleSets('TFB-0505');
    expect(versions.map((v) => [v.version, v.status, v.name])).toEqual([[1, 'RELEASED', 'as-made-ocv-eis']]);
    expect(JSON.parse(versions[0].ruleSet)).toEqual(JSON.parse(JSON.stringify(defaultAsMadeRuleSet(0.25, 1))));
  });

  it('numbers a draft as the next version whatever it says, and releases it once', async () => {
    const draft = await service.createDraft(
      engineer,
      'TFB-0505',
      JSON.stringify({ ...defaultAsMadeRuleSet(0.25), version: 7, name: 'tight-ocv' }),
    );
    expect([draft.version, draft.status, draft.name]).toEqual([2, 'DRAFT', 'tight-ocv']);
    expect(JSON.parse(draft.ruleSet).version).toBe(2);
    const released = await service.release(engineer, 'TFB-0505', 2, { ...signature, comment: 'tighter OCV' }, '10.0.0.1');
    expect([released.status, released.releasedBy]).toEqual(['RELEASED', 'erik']);
    const [signed] = await ds.query(`SELECT actor, after FROM test_data.audit_records WHERE action = 'SIGNATURE'`);
    expect(signed).toEqual({
      actor: 'erik',
      after: {
        signer: 'erik',
        meaning: 'APPROVED',
        comment: 'tighter OCV',
        signedAt: '2026-12-02T06:00:00.000Z',
        signed: 'RELEASE_RULE_SET TFB-0505 v2',
      },
    });
  });

  it('a refused signature releases nothing and records nothing', async () => {
    const draft = await service.createDraft(engineer, 'TFB-0505', JSON.stringify(defaultAsMadeRuleSet(0.25)));
    const before = await stored();
    await expect(
      service.release(engineer, 'TFB-0505', draft.version, { ...signature, password: 'wrong' }, '10.0.0.1'),
    ).rejects.toMatchObject({
      code: 'SIGNATURE_REJECTED',
    });
    expect(await stored()).toEqual(before);
    expect((await service.ruleSets('TFB-0505')).find((v) => v.version === draft.version)?.status).toBe('DRAFT');
  });

  it('stores a rebin request for a sheet, a roll or a time range', async () => {
    const bySheet = await service.rebin(engineer, { sheet: 'S-1' });
    expect(bySheet).toMatchObject({ status: 'QUEUED', sheet: 'S-1', roll: null, requestedBy: 'erik' });
    expect(await service.rebinRequest(bySheet.id)).toMatchObject({ id: bySheet.id, status: 'QUEUED' });
    const byRange = await service.rebin(engineer, {
      receivedFrom: new Date('2026-11-22T00:00:00Z'),
      receivedTo: new Date('2026-11-23T00:00:00Z'),
    });
    expect(byRange.receivedFrom?.toISOString()).toBe('2026-11-22T00:00:00.000Z');
    const audit = await ds.query(`SELECT action FROM test_data.audit_records ORDER BY id`);
    expect(audit.map((a: { action: string }) => a.action)).toEqual([
      'CREATE_RULE_SET_DRAFT',
      'RELEASE_RULE_SET',
      'SIGNATURE',
      'CREATE_RULE_SET_DRAFT',
      'REBIN',
      'REBIN',
    ]);
  });

  it('refuses bad input with what was expected, and stores nothing', async () => {
    const before = await stored();
    const cases: [Promise<unknown>, string, string][] = [
      [service.createDraft(engineer, 'TFB-0505', '{"name": '), 'VALIDATION_FAILED', 'ruleSet is not valid JSON'],
      [
        service.createDraft(engineer, 'TFB-0505', JSON.stringify({ ...defaultAsMadeRuleSet(0.25), grading: null })),
        'VALIDATION_FAILED',
        'Invalid rule set for TFB-0505: ruleSet.grading',
      ],
      [
        service.createDraft(engineer, 'TFB-0505', JSON.stringify(defaultAsMadeRuleSet(0.5))),
        'VALIDATION_FAILED',
        "Invalid rule set for TFB-0505: ruleSet.product.activeAreaCm2: expected the product's cell area 0.25 cm², got 0.5",
      ],
      [service.createDraft(engineer, 'NOPE', JSON.stringify(defaultAsMadeRuleSet(0.25))), 'NOT_FOUND', 'Unknown product NOPE'],
      [service.release(engineer, 'TFB-0505', 9, signature, '10.0.0.1'), 'NOT_FOUND', 'Product TFB-0505 has no rule set version 9'],
      [
        service.release(engineer, 'TFB-0505', 1, signature, '10.0.0.1'),
        'CONFLICT',
        'Rule set TFB-0505 v1 is RELEASED already: only a DRAFT can be released',
      ],
      [service.rebin(engineer, {}), 'VALIDATION_FAILED', 'rebin needs exactly one scope'],
      [service.rebin(engineer, { sheet: 'S-1', roll: 'R-1' }), 'VALIDATION_FAILED', 'rebin needs exactly one scope'],
      [
        service.rebin(engineer, { receivedFrom: new Date('2026-11-22T00:00:00Z') }),
        'VALIDATION_FAILED',
        'A time range needs both receivedFrom and receivedTo',
      ],
      [
        service.rebin(engineer, { receivedFrom: new Date('2026-11-23T00:00:00Z'), receivedTo: new Date('2026-11-22T00:00:00Z') }),
        'VALIDATION_FAILED',
        'receivedFrom (2026-11-23T00:00:00.000Z) must be before receivedTo (2026-11-22T00:00:00.000Z)',
      ],
      [service.rebin(engineer, { roll: 'R-NONE' }), 'VALIDATION_FAILED', 'Nothing to re-bin: no binned tests of roll R-NONE'],
      [service.rebinRequest('not-an-id'), 'NOT_FOUND', 'Unknown rebin request not-an-id'],
    ];
    for (const [pending, code, message] of cases) {
      const error = (await pending.then(
        () => null,
        (e: unknown) => e,
      )) as { code: string; message: string } | null;
      expect({ code: error?.code, message: error?.message.slice(0, message.length) }).toEqual({ code, message });
    }
    expect(await stored()).toEqual(before);
  });
});
