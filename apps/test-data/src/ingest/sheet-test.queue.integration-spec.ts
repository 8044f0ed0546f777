import { spawn, type ChildProcess } from 'node:child_process';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import { JOB_IDS, JOBS, QUEUES } from '@mes/queue-contracts';
import { createTestDatabase, freePort, stopProcess, type TestDatabase } from '@mes/testing';
import { migrateTestData, testDataDataSourceOptions } from '@mes/test-data-store';
import { SheetTestQueue } from './sheet-test.queue';

/** The sweeper hands the workers whatever PostgreSQL holds and Redis does not (any more). */
describe('sheet-test queue sweeper', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let producer: SheetTestQueue;
  let jobs: Queue;
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

  async function test(id: string, status: string, minutesAgo: number, disposition: string | null = null): Promise<void> {
    await ds.query(
      `INSERT INTO test_data.sheet_tests (id, test_id, content_hash, rig_id, sheet_barcode, roll_barcode, rows, cols, cell_area_cm2, started_at, temperature_c,
         frequency_count, cell_count, status, disposition, received_at)
       VALUES ($1::uuid, $1::text, repeat('0', 64), 1, 'S-1', 'R-1', 50, 50, 0.25, now(), 25, 0, 700, $2, $3, now() - make_interval(mins => $4))`,
      [id, status, disposition, minutesAgo],
    );
  }
  const ids = async () => (await jobs.getJobs(['waiting', 'delayed', 'prioritized'])).map((j) => String(j.id)).sort();

  beforeAll(async () => {
    db = await createTestDatabase('sweeper');
    await migrateTestData(db.url);
    ds = new DataSource({ ...testDataDataSourceOptions(db.url), logging: false });
    await ds.initialize();
    await ds.query(
      `INSERT INTO test_data.rigs (name, station_code, key_hash, created_by) VALUES ('RIG S', 'TST-1', repeat('0', 64), 'test')`,
    );
    producer = new SheetTestQueue(redisUrl, `t-${db.name}`, ds);
    jobs = new Queue(QUEUES.sheetTests, { connection: { url: redisUrl }, prefix: `t-${db.name}` });
  });
  afterAll(async () => {
    await jobs?.obliterate({ force: true }).catch(() => undefined);
    await jobs?.close();
    await producer?.onModuleDestroy();
    await ds?.destroy();
    await db?.drop();
  });

  it('re-adds stored tests that never reached Redis, and the jobs of tests that lost theirs, each once', async () => {
    const queued = '00000000-0000-0000-0000-00000000000a';
    const binning = '00000000-0000-0000-0000-00000000000b';
    const done = '00000000-0000-0000-0000-00000000000c';
    await test(queued, 'QUEUED', 1);
    await test(binning, 'BINNING', 30);
    await test(done, 'DONE', 30);
    await test('00000000-0000-0000-0000-00000000000d', 'DONE', 30, 'TRACKED_OUT'); // moved on: nothing to do
    await test('00000000-0000-0000-0000-00000000000e', 'BINNING', 1); // may still be binning: left alone
    await test('00000000-0000-0000-0000-00000000000f', 'DONE', 2 * 24 * 60); // from before dispositions were recorded: left alone
    expect(await producer.sweep(20, 600)).toBe(3);
    const expected = [
      JOB_IDS.binSheetTest(queued),
      JOB_IDS.fitCells(binning, 0),
      JOB_IDS.fitCells(binning, 1),
      JOB_IDS.fitCells(binning, 2),
      JOB_IDS.finishSheetTest(done),
    ].sort();
    expect(await ids()).toEqual(expected);
    await producer.sweep(20, 600);
    expect(await ids()).toEqual(expected);
    const chunk = await jobs.getJob(JOB_IDS.fitCells(binning, 2));
    expect([chunk?.name, chunk?.data]).toEqual([JOBS.fitCells, { sheetTestId: binning, chunk: 2, offset: 466, limit: 234 }]);
  });

  it('takes up again a job whose attempts ran out while storage was unavailable, and leaves other failures alone', async () => {
    const outage = '00000000-0000-0000-0000-000000000011';
    const broken = '00000000-0000-0000-0000-000000000012';
    await test(outage, 'QUEUED', 1);
    await test(broken, 'QUEUED', 1);
    const reasons: Record<string, string> = {
      [outage]: 'connect ECONNREFUSED 127.0.0.1:5432',
      [broken]: 'something the worker cannot handle',
    };
    for (const id of [outage, broken])
      await jobs.add(JOBS.binSheetTest, { sheetTestId: id }, { jobId: JOB_IDS.binSheetTest(id), attempts: 1 });
    // A worker of this test's own that fails both jobs once (their only attempt), as a worker does while PostgreSQL is down.
    let failed = 0;
    const worker = new Worker(
      QUEUES.sheetTests,
      async (job) => {
        throw new Error(reasons[(job.data as { sheetTestId: string }).sheetTestId] ?? 'not this test’s job');
      },
      { connection: { url: redisUrl }, prefix: `t-${db.name}` },
    );
    worker.on('failed', (job) => {
      if (job && job.attemptsMade >= 1 && reasons[(job.data as { sheetTestId: string }).sheetTestId]) failed++;
    });
    for (let i = 0; i < 200 && failed < 2; i++) await new Promise((r) => setTimeout(r, 50));
    await worker.close();
    expect(failed).toBe(2);

    await producer.sweep(20, 600);
    const retried = await jobs.getJob(JOB_IDS.binSheetTest(outage));
    expect([await retried?.getState(), retried?.attemptsMade]).toEqual(['waiting', 0]);
    expect(await (await jobs.getJob(JOB_IDS.binSheetTest(broken)))?.getState()).toBe('failed');
  });
});

/**
 * A Redis that restarts without persistence loses every job: on a Redis of its own (flushed here),
 * the sweeper finds the tests whose jobs are gone within its 30 s of grace, and leaves alone the work
 * Redis still holds.
 */
describe('sheet-test queue sweeper after a Redis flush', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let redis: ChildProcess;
  let redisUrl: string;
  let client: Redis;
  let producer: SheetTestQueue;
  let jobs: Queue;

  async function binningTest(id: string, status: string, secondsAgo: number): Promise<void> {
    await ds.query(
      `INSERT INTO test_data.sheet_tests (id, test_id, content_hash, rig_id, sheet_barcode, roll_barcode, rows, cols, cell_area_cm2, started_at, temperature_c,
         frequency_count, cell_count, status, received_at)
       VALUES ($1::uuid, $1::text, repeat('0', 64), 1, 'S-1', 'R-1', 50, 50, 0.25, now(), 25, 0, 700, $2, now() - make_interval(secs => $3))`,
      [id, status, secondsAgo],
    );
  }
  const ids = async () => (await jobs.getJobs(['waiting', 'delayed', 'prioritized'])).map((j) => String(j.id)).sort();

  beforeAll(async () => {
    const port = await freePort();
    redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    redisUrl = `redis://127.0.0.1:${port}`;
    client = new Redis(redisUrl, { lazyConnect: true });
    for (let i = 0; i < 50; i++) {
      if (
        await client.connect().then(
          () => true,
          () => false,
        )
      )
        break;
      await new Promise((r) => setTimeout(r, 100));
    }
    db = await createTestDatabase('sweeper_flush');
    await migrateTestData(db.url);
    ds = new DataSource({ ...testDataDataSourceOptions(db.url), logging: false });
    await ds.initialize();
    await ds.query(
      `INSERT INTO test_data.rigs (name, station_code, key_hash, created_by) VALUES ('RIG F', 'TST-1', repeat('0', 64), 'test')`,
    );
    producer = new SheetTestQueue(redisUrl, 'flush', ds);
    jobs = new Queue(QUEUES.sheetTests, { connection: { url: redisUrl }, prefix: 'flush' });
  });
  afterAll(async () => {
    await jobs?.close();
    await producer?.onModuleDestroy();
    client?.disconnect();
    if (redis) await stopProcess(redis);
    await ds?.destroy();
    await db?.drop();
  });

  it('re-adds the jobs Redis lost, once, and never doubles work that is still queued', async () => {
    const split = '00000000-0000-0000-0000-0000000000a1'; // its chunks were added by the worker
    const waiting = '00000000-0000-0000-0000-0000000000a2'; // its bin job waits behind a long queue
    const fresh = '00000000-0000-0000-0000-0000000000a3'; // within the grace period
    await binningTest(split, 'BINNING', 45);
    await binningTest(waiting, 'BINNING', 45);
    await binningTest(fresh, 'BINNING', 5);
    const chunks = [0, 1, 2].map((chunk) => JOB_IDS.fitCells(split, chunk));
    for (const [i, id] of chunks.entries())
      await jobs.add(JOBS.fitCells, { sheetTestId: split, chunk: i, offset: 0, limit: 1 }, { jobId: id });
    await jobs.add(JOBS.binSheetTest, { sheetTestId: waiting }, { jobId: JOB_IDS.binSheetTest(waiting) });
    const before = [...chunks, JOB_IDS.binSheetTest(waiting)].sort();

    // Live work: nothing is added, in particular no chunks beside the waiting test's bin job.
    expect(await producer.sweep()).toBe(0);
    expect(await ids()).toEqual(before);

    await client.flushall();
    expect(await ids()).toEqual([]);
    expect(await producer.sweep()).toBe(2);
    const readded = [split, waiting].flatMap((t) => [0, 1, 2].map((chunk) => JOB_IDS.fitCells(t, chunk))).sort();
    expect(await ids()).toEqual(readded);
    const chunk = await jobs.getJob(JOB_IDS.fitCells(waiting, 1));
    expect([chunk?.name, chunk?.data]).toEqual([JOBS.fitCells, { sheetTestId: waiting, chunk: 1, offset: 233, limit: 233 }]);

    // Once: the re-added jobs are live now.
    expect(await producer.sweep()).toBe(0);
    expect(await ids()).toEqual(readded);
  });
});
