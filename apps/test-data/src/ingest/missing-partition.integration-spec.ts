import { createHash, randomBytes } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { Queue } from 'bullmq';
import { Client } from 'pg';
import { QUEUES } from '@mes/queue-contracts';
import { monthOf } from '@mes/service-core';
import { simulateSheet, toSheetTestBody } from '@mes/simulator';
import { migrateTestData, PARTITIONED_TABLES, partitionName } from '@mes/test-data-store';
import { STACK_START_MS, testConfig } from '@mes/testing';
import { startTrackingTestStack, type TrackingTestStack } from '@mes/tracking-testing';
import { startTestData } from '../bootstrap';

/**
 * A sheet test posted into a month whose partitions are missing (the partition keeper has not run):
 * ingest makes the month and stores the whole test; when the month cannot be made (a long read
 * holds the table), the rig gets a 503 and nothing is stored.
 */
describe('rig ingest into a month without partitions', () => {
  let tracking: TrackingTestStack;
  let app: INestApplication;
  let url: string;
  let sql: Client;
  let key: string;
  const prefix = `t-misspart-${randomBytes(4).toString('hex')}`;
  const month = monthOf(new Date());
  const sim = simulateSheet({ seed: 7, sheetIndex: 1, rows: 50, cols: 50, cellActiveAreaCm2: 0.25 });
  const body = JSON.stringify(
    toSheetTestBody(sim, { testId: 'MISSPART-0001', sheet: 'S-R0001-0001', startedAt: new Date().toISOString() }),
  );
  /** The cells posted with a spectrum (the rest are NO_CONTACT). */
  const measured = (JSON.parse(body) as { cells: { status?: string }[] }).cells.filter((c) => c.status !== 'NO_CONTACT').length;
  const post = () =>
    fetch(`${url}/api/v1/sheet-tests`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': key }, body });
  const count = async (table: string) => Number((await sql.query(`SELECT count(*) AS n FROM test_data.${table}`)).rows[0].n);
  /** The current month's partitions, as if the keeper had never made them. */
  const dropThisMonth = async () => {
    for (const t of PARTITIONED_TABLES) await sql.query(`DROP TABLE test_data.${partitionName(t, month)}`);
  };
  const exists = async (name: string) => (await sql.query(`SELECT to_regclass($1) AS t`, [`test_data.${name}`])).rows[0].t !== null;

  beforeAll(async () => {
    tracking = await startTrackingTestStack('misspart');
    await migrateTestData(tracking.db.url);
    const config = testConfig(tracking.db.url, {
      MES_JWT_SECRET: tracking.config.auth.jwtSecret,
      TRACKING_URL: tracking.url,
      BULLMQ_PREFIX: prefix,
    });
    app = await startTestData(config, 0);
    url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    sql = new Client({ connectionString: tracking.db.url });
    await sql.connect();
    const secret = randomBytes(32).toString('base64url');
    const rig = await sql.query(
      `INSERT INTO test_data.rigs (name, station_code, key_hash, created_by) VALUES ('RIG MISSING', 'TST-1', $1, 'test') RETURNING id`,
      [createHash('sha256').update(secret).digest('hex')],
    );
    key = `${rig.rows[0].id}.${secret}`;
  }, STACK_START_MS);

  afterAll(async () => {
    await app?.close();
    const queue = new Queue(QUEUES.sheetTests, { connection: { url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' }, prefix });
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
    await sql?.end();
    await tracking?.close();
  });

  const bodyOf = (testId: string) => JSON.stringify({ ...(JSON.parse(body) as object), testId });
  const postTest = (testId: string) =>
    fetch(`${url}/api/v1/sheet-tests`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': key },
      body: bodyOf(testId),
    });
  const expectStoredWhole = async (sheetTestId: string) => {
    expect(await count('sheet_tests')).toBe(1);
    const cells = await sql.query(
      `SELECT tableoid::regclass::text AS p, count(*)::int AS n, count(spectrum)::int AS spectra FROM test_data.sheet_test_cells WHERE sheet_test_id = $1 GROUP BY 1`,
      [sheetTestId],
    );
    expect(cells.rows).toEqual([{ p: `test_data.${partitionName('sheet_test_cells', month)}`, n: 2500, spectra: measured }]);
  };

  it("makes the current month's partitions at ingest when they are missing, and stores the whole test in them", async () => {
    await dropThisMonth();
    for (const t of PARTITIONED_TABLES) expect(await exists(partitionName(t, month))).toBe(false);
    const stored = await post();
    expect(stored.status).toBe(202);
    const answer = (await stored.json()) as { sheetTestId: string; cells: number; status: string };
    expect(answer).toMatchObject({ cells: 2500, status: 'QUEUED' });
    for (const t of PARTITIONED_TABLES) expect(await exists(partitionName(t, month))).toBe(true);
    await expectStoredWhole(answer.sheetTestId);
    // the same post again is the same test, not a second one
    expect((await post()).status).toBe(200);
    expect(await count('sheet_tests')).toBe(1);
  });

  it('answers 503 with nothing stored when the month cannot be made, and stores the test posted again once it can', async () => {
    await sql.query('DELETE FROM test_data.sheet_tests');
    await dropThisMonth();
    // A long report holds the raw cells table: making a partition of it waits for the report, and ingest waits 5 s at most.
    const report = new Client({ connectionString: tracking.db.url });
    await report.connect();
    try {
      await report.query('BEGIN');
      await report.query('SELECT count(*) FROM test_data.sheet_test_cells');
      const refused = await postTest('MISSPART-0002');
      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).toBe('60');
      expect(((await refused.json()) as { error: unknown }).error).toEqual({
        code: 'SERVICE_UNAVAILABLE',
        message: `Storage has no partition for ${month} and could not make one: nothing was stored; post again later`,
        details: [],
        retryAfterSeconds: 60,
      });
      await report.query('COMMIT');
    } finally {
      await report.end();
    }
    expect(await count('sheet_tests')).toBe(0);
    expect(await count('sheet_test_cells')).toBe(0);
    expect(await exists(partitionName('sheet_test_cells', month))).toBe(false);

    // The report is over: the rig posts the same test again, and ingest makes the month and stores it whole.
    const stored = await postTest('MISSPART-0002');
    expect(stored.status).toBe(202);
    await expectStoredWhole(((await stored.json()) as { sheetTestId: string }).sheetTestId);
  });
});
