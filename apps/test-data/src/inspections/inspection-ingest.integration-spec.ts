import { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import type { SheetLayout } from '@mes/geometry';
import { JOB_IDS, JOBS, QUEUES } from '@mes/queue-contracts';
import { DomainError } from '@mes/service-core';
import { createTestDatabase, type TestDatabase } from '@mes/testing';
import { migrateTestData, testDataDataSourceOptions, type RigEntity, InspectionsRepository } from '@mes/test-data-store';
import type { TrackedSheet, TrackingClient } from '@mes/tracking-client';
import { SheetTestQueue } from '../ingest/sheet-test.queue';
import { InspectionIngestService } from './inspection-ingest.service';

/** An inspection station's post against a real PostgreSQL and Redis: stored whole, mapped, idempotent, or refused with nothing stored. */
describe('inspection ingest', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let producer: SheetTestQueue;
  let jobs: Queue;
  let ingest: InspectionIngestService;
  let rig: RigEntity;
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  // 10 x 10 cells of 5 x 5 mm at 6 mm pitch, cell (0,0) centred at 10, 10.
  const layout: SheetLayout = {
    rows: 10,
    cols: 10,
    cellMdMm: 5,
    cellCdMm: 5,
    pitchMdMm: 6,
    pitchCdMm: 6,
    firstCellMdMm: 10,
    firstCellCdMm: 10,
    sheetLengthMdMm: 80,
  };
  const sheet: TrackedSheet = {
    barcode: 'S-I-0001',
    rollBarcode: 'R-I',
    productCode: 'TFB-I',
    mdStartMm: 1000,
    mdEndMm: 1080,
    rows: 10,
    cols: 10,
    cellActiveAreaCm2: 0.25,
    layout,
    status: 'ACTIVE',
    operation: 'INSPECTION',
    stepState: 'IN_PROCESS',
    stationCode: 'AOI-1',
    activeHolds: [],
  };
  const tracking = { sheet: async (b: string) => (b === sheet.barcode ? sheet : null) } as unknown as TrackingClient;
  const good = () => ({
    inspectionId: 'AOI-1-0001',
    sheet: 'S-I-0001',
    inspectedAt: '2026-11-22T10:00:00Z',
    alignment: { offsetMdMm: 1, offsetCdMm: 0, rotationDeg: 0 },
    defects: [
      // with the pattern 1 mm further along MD, cell (0,0)'s centre is at MD 11
      { class: 'PARTICLE', mdMm: 11, cdMm: 10, sizeUm: 80, image: 'aoi://1/0001/0.png' },
      { class: 'DEBRIS', mdMm: 13.8, cdMm: 10, sizeUm: 10 }, // 2.8 mm after (0,0)'s centre: the kerf, nearest (0,0)
      { class: 'SCRATCH', mdMm: 2, cdMm: 2, sizeUm: 300 }, // before the first row: the border
      { class: 'PINHOLE', mdMm: 17, cdMm: 22, sizeUm: 40 }, // centre of (1,2)
    ],
  });
  const stored = async () => ({
    inspections: Number((await ds.query(`SELECT count(*) AS n FROM test_data.inspections`))[0].n),
    defects: Number((await ds.query(`SELECT count(*) AS n FROM test_data.inspection_defects`))[0].n),
  });
  const refusal = (raw: unknown) =>
    ingest.ingest(rig, raw).then(
      () => {
        throw new Error('expected a refusal');
      },
      (e: unknown) => e as DomainError,
    );

  beforeAll(async () => {
    db = await createTestDatabase('inspect');
    await migrateTestData(db.url);
    ds = new DataSource({ ...testDataDataSourceOptions(db.url), logging: false });
    await ds.initialize();
    const rows = (await ds.query(
      `INSERT INTO test_data.rigs (name, station_code, operation, key_hash, created_by) VALUES ('AOI 1', 'AOI-1', 'INSPECTION', repeat('0', 64), 'test') RETURNING *`,
    )) as { id: string }[];
    rig = { id: String(rows[0].id), name: 'AOI 1', stationCode: 'AOI-1', operation: 'INSPECTION' } as RigEntity;
    producer = new SheetTestQueue(redisUrl, `t-${db.name}`, ds);
    jobs = new Queue(QUEUES.sheetTests, { connection: { url: redisUrl }, prefix: `t-${db.name}` });
    ingest = new InspectionIngestService(ds, tracking, producer, new InspectionsRepository(ds));
  });
  afterAll(async () => {
    await jobs?.obliterate({ force: true }).catch(() => undefined);
    await jobs?.close();
    await producer?.onModuleDestroy();
    await ds?.destroy();
    await db?.drop();
  });

  it('stores the inspection with every defect mapped to its cell, kerf or border, and asks for the sheet to be re-binned', async () => {
    const answer = await ingest.ingest(rig, good());
    expect(answer).toEqual({
      httpStatus: 201,
      body: { inspection: expect.any(String), inspectionId: 'AOI-1-0001', sheet: 'S-I-0001', defects: 4, active: 2, kerf: 1, border: 1 },
    });
    const defects = await ds.query(
      `SELECT seq, defect_class, zone, row, col, size_um, image_ref FROM test_data.inspection_defects WHERE inspection_uuid = $1 ORDER BY seq`,
      [answer.body.inspection],
    );
    expect(defects).toEqual([
      { seq: 0, defect_class: 'PARTICLE', zone: 'ACTIVE', row: 0, col: 0, size_um: 80, image_ref: 'aoi://1/0001/0.png' },
      { seq: 1, defect_class: 'DEBRIS', zone: 'KERF', row: 0, col: 0, size_um: 10, image_ref: null },
      { seq: 2, defect_class: 'SCRATCH', zone: 'BORDER', row: 0, col: 0, size_um: 300, image_ref: null },
      { seq: 3, defect_class: 'PINHOLE', zone: 'ACTIVE', row: 1, col: 2, size_um: 40, image_ref: null },
    ]);
    const [head] = await ds.query(`SELECT roll_barcode, md_start_mm, offset_md_mm, layout FROM test_data.inspections WHERE id = $1`, [
      answer.body.inspection,
    ]);
    expect(head).toEqual({ roll_barcode: 'R-I', md_start_mm: 1000, offset_md_mm: 1, layout });
    const job = await jobs.getJob(JOB_IDS.rebinInspectedSheet(answer.body.inspection));
    expect(job?.name).toBe(JOBS.rebinInspectedSheet);
    expect(job?.data).toEqual({ inspectionUuid: answer.body.inspection, sheet: 'S-I-0001' });
  });

  it('answers a repeat with the same content as before, and refuses the id with other content', async () => {
    const before = await stored();
    const again = await ingest.ingest(rig, { ...good(), inspectedAt: '2026-11-22T11:00:00+01:00' });
    expect(again).toMatchObject({ httpStatus: 200, body: { inspectionId: 'AOI-1-0001', defects: 4, active: 2, kerf: 1, border: 1 } });
    const other = good();
    other.defects[0].sizeUm = 81;
    const e = await refusal(other);
    expect(e).toBeInstanceOf(DomainError);
    expect(e.code).toBe('CONFLICT');
    expect(e.message).toMatch(/^inspectionId AOI-1-0001 was already used for different content/);
    expect(await stored()).toEqual(before);
  });

  it('refuses every bad body, an unknown sheet and defects beyond the sheet, storing nothing', async () => {
    const before = await stored();
    const cases: [unknown, string, string][] = [
      ['not json object', 'VALIDATION_FAILED', ''],
      [
        { ...good(), inspectionId: 'AOI-2', defects: [{ class: 'DUST', mdMm: 1, cdMm: 1, sizeUm: 5 }] },
        'VALIDATION_FAILED',
        'defects[0].class',
      ],
      [{ ...good(), inspectionId: 'AOI-3', alignment: { offsetMdMm: 0, offsetCdMm: 0 } }, 'VALIDATION_FAILED', 'alignment.rotationDeg'],
      [{ ...good(), inspectionId: 'AOI-4', inspectedAt: 'yesterday' }, 'VALIDATION_FAILED', 'inspectedAt'],
      [
        { ...good(), inspectionId: 'AOI-5', defects: [...good().defects, { class: 'PARTICLE', mdMm: 81, cdMm: 1, sizeUm: 5 }] },
        'VALIDATION_FAILED',
        'defects[4].mdMm',
      ],
      [{ ...good(), inspectionId: 'AOI-6', sheet: 'S-NOPE' }, 'NOT_FOUND', 'sheet'],
    ];
    for (const [raw, code, path] of cases) {
      const e = await refusal(raw);
      expect({ code: e.code, path: e.details?.[0]?.path ?? '' }).toEqual({ code, path });
      expect(e.message.length).toBeGreaterThan(20);
    }
    expect(await stored()).toEqual(before);
  });

  it('has the sweeper re-add the re-binning of an inspection whose job Redis lost, and not of one already applied', async () => {
    const lostOne = await ingest.ingest(rig, { ...good(), inspectionId: 'AOI-LOST' });
    const applied = await ingest.ingest(rig, { ...good(), inspectionId: 'AOI-APPLIED' });
    await ds.query(`UPDATE test_data.inspections SET rebinned_at = now() WHERE id = $1`, [applied.body.inspection]);
    for (const r of [lostOne, applied]) await (await jobs.getJob(JOB_IDS.rebinInspectedSheet(r.body.inspection)))?.remove();
    expect(await jobs.getJob(JOB_IDS.rebinInspectedSheet(lostOne.body.inspection))).toBeUndefined();
    await producer.sweep(0, 0);
    expect((await jobs.getJob(JOB_IDS.rebinInspectedSheet(lostOne.body.inspection)))?.data).toEqual({
      inspectionUuid: lostOne.body.inspection,
      sheet: 'S-I-0001',
    });
    expect(await jobs.getJob(JOB_IDS.rebinInspectedSheet(applied.body.inspection))).toBeUndefined();
  });

  it('stores a clean sheet as an inspection without defects', async () => {
    const answer = await ingest.ingest(rig, { ...good(), inspectionId: 'AOI-CLEAN', defects: [] });
    expect(answer.body).toMatchObject({ defects: 0, active: 0, kerf: 0, border: 0 });
  });
});
