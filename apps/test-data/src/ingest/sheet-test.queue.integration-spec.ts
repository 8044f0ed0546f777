import { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { JOB_IDS, JOBS, QUEUES } from '@mes/queue-contracts';
import { createTestDatabase, type TestDatabase } from '@mes/testing';
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
});
