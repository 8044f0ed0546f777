import { Client } from 'pg';
import { monthOf, partitionName } from '@mes/service-core';
import { STACK_START_MS, startProcessTestStack, type ProcessTestStack } from '@mes/process-testing';

/** A 1 Hz batch on target: web at 0.05 m/min, QCM rate 10 Å/s, power 2000 W. */
function batch(runId: string, batchId: string, t0: Date, n: number) {
  const tS = Array.from({ length: n }, (_, i) => i);
  return {
    batchId,
    runId,
    t0: t0.toISOString(),
    tS,
    channels: {
      web_speed: { unit: 'm/min', values: tS.map(() => 0.05) },
      qcm_rate: { unit: 'Å/s', values: tS.map(() => 10) },
      power: { unit: 'W', values: tS.map(() => 2000) },
    },
  };
}

/**
 * A trace batch posted for a run whose start month has no partitions (the keeper has not run):
 * ingest makes the month and stores the whole batch; when the month cannot be made (a long read
 * holds the table), the coater gets a 503 and nothing of the batch is stored, the run's trace state
 * included.
 */
describe('equipment trace ingest into a month without partitions', () => {
  let stack: ProcessTestStack;
  let key: string;
  let runId: string;
  let month: string;
  const t0 = new Date(Date.now() - 3600_000);
  const post = (body: unknown) =>
    fetch(`${stack.origin}/api/v1/equipment-traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': key },
      body: JSON.stringify(body),
    });
  const exists = async (name: string) =>
    (await stack.query<{ t: string | null }>(`SELECT to_regclass($1) AS t`, [`process.${name}`]))[0].t !== null;
  const rowsOf = async (batchId: string) =>
    stack.query<{ p: string; n: number }>(
      `SELECT tableoid::regclass::text AS p, count(*)::int AS n FROM process.trace_channels WHERE run_id = $1 AND batch_id = $2 GROUP BY 1`,
      [runId, batchId],
    );
  const samples = async () =>
    Number((await stack.query<{ n: string }>(`SELECT trace_samples AS n FROM process.process_runs WHERE id = $1`, [runId]))[0].n);

  beforeAll(async () => {
    stack = await startProcessTestStack('tracemiss');
    const run = await stack.admin.ok(`mutation($i: StartProcessRunInput!) { startProcessRun(input: $i) { id } }`, {
      i: {
        unitBarcode: 'R0002',
        equipmentCode: 'SPT-LCO-1',
        recipe: { name: 'LCO-SPUTTER-10UM', version: 1 },
        mdStartMm: 0,
        mdEndMm: 4000,
      },
    });
    runId = run.startProcessRun.id as string;
    const started = await stack.query<{ s: Date }>(`SELECT started_at AS s FROM process.process_runs WHERE id = $1`, [runId]);
    month = monthOf(started[0].s);
    key = (await stack.admin.ok('mutation { issueEquipmentKey(equipmentCode: "SPT-LCO-1") { apiKey } }')).issueEquipmentKey
      .apiKey as string;
  }, STACK_START_MS);
  afterAll(async () => {
    await stack?.close();
  });

  it("makes the run's start month's partitions at ingest when they are missing, and stores the whole batch in them", async () => {
    for (const t of ['trace_batches', 'trace_channels']) await stack.query(`DROP TABLE process.${partitionName(t, month)}`);
    const stored = await post(batch(runId, 'b1', t0, 600));
    expect(stored.status).toBe(201);
    expect(await stored.json()).toMatchObject({ runId, batchId: 'b1', samples: 600, alarms: [] });
    expect(await exists(partitionName('trace_batches', month))).toBe(true);
    expect(await rowsOf('b1')).toEqual([{ p: `process.${partitionName('trace_channels', month)}`, n: 3 }]);
    expect(await samples()).toBe(600);
    expect((await post(batch(runId, 'b1', t0, 600))).status).toBe(200);
  });

  it('answers 503 with nothing of the batch stored when the month cannot be made, and stores it posted again once it can', async () => {
    // The month's partitions (with b1) moved aside by hand, and a long report holding the batches table.
    for (const t of ['trace_batches', 'trace_channels']) {
      await stack.query(`ALTER TABLE process.${t} DETACH PARTITION process.${partitionName(t, month)}`);
      await stack.query(`ALTER TABLE process.${partitionName(t, month)} RENAME TO ${t}_aside`);
    }
    const b2 = batch(runId, 'b2', new Date(t0.getTime() + 600_000), 600);
    const report = new Client({ connectionString: stack.db.url });
    await report.connect();
    try {
      await report.query('BEGIN');
      await report.query('SELECT count(*) FROM process.trace_batches');
      const refused = await post(b2);
      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).toBe('60');
      expect(((await refused.json()) as { error: { code: string; message: string } }).error).toMatchObject({
        code: 'SERVICE_UNAVAILABLE',
        message: `Storage has no partition for ${month} and could not make one: nothing was stored; post again later`,
      });
      await report.query('COMMIT');
    } finally {
      await report.end();
    }
    // Nothing of b2: no rows, and the run's trace state (samples, MD cursor) as b1 left it.
    expect(await rowsOf('b2')).toEqual([]);
    expect(
      (await stack.query<{ n: number }>(`SELECT count(*)::int AS n FROM process.trace_batches_aside WHERE batch_id = 'b2'`))[0].n,
    ).toBe(0);
    expect(await samples()).toBe(600);

    const stored = await post(b2);
    expect(stored.status).toBe(201);
    const body = (await stored.json()) as { mdStartMm: number };
    // b2 carries on from where b1 ended on the roll: the trace state was not advanced by the refused post
    expect(body.mdStartMm).toBeCloseTo((600 * 50) / 60, 6);
    expect(await rowsOf('b2')).toEqual([{ p: `process.${partitionName('trace_channels', month)}`, n: 3 }]);
    expect(await samples()).toBe(1200);
  });
});
