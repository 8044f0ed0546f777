import { randomUUID } from 'node:crypto';
import net from 'node:net';
import { Queue, Worker } from 'bullmq';
import { Pool } from 'pg';
import { DataSource } from 'typeorm';
import { B3, B4, c4 } from '@mes/analytics';
import { Role, SignatureMeaning, type Actor, type SignatureInput } from '@mes/auth';
import { ANALYTICS_QUEUE, CORRELATION_REFRESH_S, JOB_IDS, JOBS, QUEUES } from '@mes/queue-contracts';
import { DomainError } from '@mes/service-core';
import { simulatePatternMap, type PatternSpec } from '@mes/simulator';
import { createTestDatabase, freePort, type TestDatabase } from '@mes/testing';
import type { TrackingClient } from '@mes/tracking-client';
import {
  migrateTestData,
  SheetTestStore,
  testDataDataSourceOptions,
  AuditTrailRepository,
  CorrelationRepository,
  PatternsRepository,
  SheetMapsRepository,
  SpcRepository,
} from '@mes/test-data-store';
import { AuditService } from '../audit/audit.service';
import { AnalyticsQueue } from './analytics.queue';
import { CorrelationService } from './correlation.service';
import type { ProcessClient } from './process.client';
import { PatternsService } from './patterns.service';
import { SpcService } from './spc.service';

const ROWS = 20;
const COLS = 20;
const PITCH = 6;
/** Sheet k of a roll starts at MD 1000 + k × 140 mm (20 rows of 6 mm and a 20 mm margin). */
const sheetStart = (k: number) => 1000 + k * (ROWS * PITCH + 20);

/**
 * Yield analytics on the real schema: SPC charts, limits, points, run-rule events and the holds they
 * ask tracking for (tracking is a recording stand-in: its own behaviour is tested in tracking);
 * sheet and roll pattern classes; stacked maps; and the queue that runs it all as sheets finish.
 */
describe('yield analytics', () => {
  let db: TestDatabase;
  let pool: Pool;
  let ds: DataSource;
  let rigId: string;
  let spc: SpcService;
  let patterns: PatternsService;
  let stored: PatternsRepository;
  let maps: SheetMapsRepository;
  let correlation: CorrelationService;
  const holds: Array<{ id: string; roll: string; from: number; to: number; reason: string; active: boolean }> = [];
  let trackingDown = false;
  /** Rolls whose hold calls fail (tracking refusing one roll's region while another's goes through). */
  const failingRolls = new Set<string>();
  const tracking = {
    product: async (code: string) => (code === 'TFB-0505' ? { code } : null),
    holdRollRegion: async (roll: string, from: number, to: number, reason: string) => {
      if (trackingDown || failingRolls.has(roll)) throw new Error('tracking answered 503');
      const id = `H-${holds.length + 1}`;
      holds.push({ id, roll, from, to, reason, active: true });
      return id;
    },
    activeHoldsOnRoll: async (roll: string) =>
      holds
        .filter((h) => h.roll === roll && h.active)
        .map((h) => ({
          id: h.id,
          target: 'ROLL_REGION',
          rollBarcode: roll,
          mdFromMm: h.from,
          mdToMm: h.to,
          sheetBarcode: null,
          reason: h.reason,
        })),
    holdSheet: async () => {
      throw new Error('not expected: every test sheet has an MD position');
    },
    // Tracking checks the password (tested there); this stand-in knows one.
    verifySignature: async (actor: Actor, signature: SignatureInput) => {
      if (signature.password !== PASSWORD)
        throw new DomainError('SIGNATURE_REJECTED', 'The password does not match the signed-in user', [
          { path: 'signature.password', message: 'expected the password of the signed-in user' },
        ]);
      return { signer: actor.username, meaning: signature.meaning, comment: signature.comment ?? null, signedAt: new Date() };
    },
  } as unknown as TrackingClient;
  const PASSWORD = 'erik-password';
  const signature: SignatureInput = { password: PASSWORD, meaning: SignatureMeaning.APPROVED };
  const freeze = (chartId: string, sheets: string[], reason: string, sig: SignatureInput = signature) =>
    spc.freezeLimits(engineer, chartId, sheets, reason, sig, '127.0.0.1');
  /**
   * Stands in for the process service's cell provenance: the LiPON deposition rate follows the same
   * drift as the R-PAT roll's ASR (from its halfway point), the LCO heater temperature is noise.
   */
  /** The process service refusing every call (a refresh then fails). */
  let processDown = false;
  const processStandIn = {
    cell: async (sheet: string, row: number) => {
      if (processDown) throw new Error('process answered 503');
      const k = Number(sheet.slice(-4));
      if (!sheet.startsWith('S-R-PAT-')) return null;
      const md = sheetStart(k) + PITCH / 2 + row * PITCH;
      const t = Math.min(1, Math.max(0, (md - sheetStart(12)) / (sheetStart(24) - sheetStart(12))));
      return {
        traces: { 'LIPON_DEP qcm_rate [A/s]': 2 * (1 - 0.15 * t), 'LCO_DEP heater [C]': 600 + Math.sin(md * 12.9898) * 3 },
        thickness: {},
      };
    },
  } as unknown as ProcessClient;
  const engineer: Actor = { userId: '7', username: 'erik', role: Role.ENGINEER };
  /** An event's recorded holds (jsonb on the entity). */
  const holdsOf = (e: { holds: unknown }) => e.holds as Array<{ roll: string; holdId: string }>;

  /** A binned test of a 20 x 20 sheet: soft bin 1 for passing cells, 14 (short) for failed ones, and the ASR map. */
  async function land(
    roll: string,
    k: number,
    patternsOnSheet: PatternSpec[],
    opts: { seed?: number; asrScale?: number; noise?: number } = {},
  ): Promise<string> {
    const sheet = `S-${roll}-${String(k).padStart(4, '0')}`;
    const m = simulatePatternMap({
      seed: opts.seed ?? 1000 + k,
      rows: ROWS,
      cols: COLS,
      pitchMdMm: PITCH,
      firstRowMdMm: sheetStart(k) + PITCH / 2,
      randomFailRate: 0.01,
      metricLevel: 40 * (opts.asrScale ?? 1),
      metricNoiseRel: opts.noise ?? 0.02,
      patterns: patternsOnSheet,
    });
    const id = randomUUID();
    await pool.query(
      `INSERT INTO test_data.sheet_tests (id, test_id, content_hash, rig_id, sheet_barcode, roll_barcode, product_code, rows, cols, cell_area_cm2, started_at, temperature_c,
         frequency_count, cell_count, status, rule_set_version, received_at, completed_at)
       VALUES ($1, $2, repeat('0', 64), $3, $4, $5, 'TFB-0505', $6, $7, 0.25, now(), 25, 0, $8, 'DONE', 1, now(), now())`,
      [id, `T-${sheet}-${id}`, rigId, sheet, roll, ROWS, COLS, ROWS * COLS],
    );
    const idx = Array.from({ length: ROWS * COLS }, (_, i) => i);
    await pool.query(
      `INSERT INTO test_data.cell_results (sheet_test_id, row, col, rule_set_version, sheet_barcode, soft_bin, hard_bin, bin_name, rule_id, rule_set_name, asr_ohm_cm2, md_mm, cd_mm, received_at)
       SELECT $1, u.r, u.c, 1, $2, u.b, CASE WHEN u.b = 1 THEN 1 ELSE 5 END, 'B' || u.b, 'r', 'rs', u.asr, u.md, 10 + 6 * u.c, (SELECT received_at FROM test_data.sheet_tests WHERE id = $1)
         FROM unnest($3::int[], $4::int[], $5::int[], $6::float8[], $7::float8[]) AS u(r, c, b, asr, md)`,
      [
        id,
        sheet,
        idx.map((i) => Math.floor(i / COLS)),
        idx.map((i) => i % COLS),
        idx.map((i) => (m.fail[i] ? 14 : 1)),
        idx.map((i) => (Number.isFinite(m.metric[i]) ? m.metric[i] : null)),
        idx.map((i) => sheetStart(k) + PITCH / 2 + Math.floor(i / COLS) * PITCH),
      ],
    );
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await new SheetTestStore(pool).refreshCurrentResults(client, sheet);
      await client.query('COMMIT');
    } finally {
      client.release();
    }
    return sheet;
  }

  const count = async (table: string) => Number((await ds.query(`SELECT count(*) AS n FROM test_data.${table}`))[0].n);

  beforeAll(async () => {
    db = await createTestDatabase('analytics');
    await migrateTestData(db.url);
    pool = new Pool({ connectionString: db.url, max: 3 });
    pool.on('error', () => undefined);
    ds = new DataSource({ ...testDataDataSourceOptions(db.url), logging: false });
    await ds.initialize();
    rigId = String(
      (
        await pool.query(
          `INSERT INTO test_data.rigs (name, station_code, key_hash, created_by) VALUES ('RIG A', 'TST-1', repeat('0', 64), 'test') RETURNING id`,
        )
      ).rows[0].id,
    );
    maps = new SheetMapsRepository(ds);
    spc = new SpcService(ds, new SpcRepository(ds), maps, tracking, new AuditService(new AuditTrailRepository(ds)));
    stored = new PatternsRepository(ds);
    patterns = new PatternsService(stored, maps);
    correlation = new CorrelationService(new CorrelationRepository(ds), processStandIn);
  });
  afterAll(async () => {
    await ds?.destroy();
    await pool?.end();
    await db?.drop();
  });

  it('refuses bad charts with what was expected and stores nothing', async () => {
    const good = {
      productCode: 'TFB-0505',
      name: 'ASR whole sheet',
      metric: 'ASR',
      statistic: 'ZONE_MEAN',
      chartType: 'I_MR',
      zones: 5,
      zone: null,
      rules: ['NELSON_1'],
    };
    const before = await count('spc_charts');
    const bad = await spc
      .createChart(engineer, { ...good, metric: 'ASR', statistic: 'YIELD', chartType: 'P', zone: 7, rules: ['NELSON_9'] })
      .catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(DomainError);
    expect((bad as DomainError).code).toBe('VALIDATION_FAILED');
    expect((bad as DomainError).details).toEqual([
      { path: 'chartType', message: 'a yield chart is metric YIELD, statistic YIELD and chart type P together' },
      { path: 'zone', message: 'expected a zone from 0 to 4 (or none for the whole sheet), got 7' },
      { path: 'rules.0', message: expect.stringContaining('got NELSON_9') },
    ]);
    await expect(spc.createChart(engineer, { ...good, statistic: 'ZONE_SD', chartType: 'XBAR_S' })).rejects.toMatchObject({
      details: [{ path: 'chartType', message: 'a zone spread is charted as individuals (I_MR)' }],
    });
    await expect(spc.createChart(engineer, { ...good, productCode: 'NOPE' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: 'Unknown product NOPE: expected the code of a product in tracking',
    });
    expect(await count('spc_charts')).toBe(before);
    await spc.createChart(engineer, { ...good, name: 'dup' });
    await expect(spc.createChart(engineer, { ...good, name: 'dup' })).rejects.toMatchObject({
      code: 'CONFLICT',
      message: 'Product TFB-0505 already has an SPC chart named dup',
    });
  });

  it('charts each landed sheet, freezes limits from a baseline, and holds the roll region of the points that break a rule', async () => {
    const chart = await spc.createChart(engineer, {
      productCode: 'TFB-0505',
      name: 'ASR zone 2',
      metric: 'ASR',
      statistic: 'ZONE_MEAN',
      chartType: 'I_MR',
      zones: 5,
      zone: 2,
      rules: ['NELSON_1', 'WE_2'],
    });
    const baseline: string[] = [];
    for (let k = 0; k < 12; k++) {
      const sheet = await land('R-SPC', k, []);
      baseline.push(sheet);
      await spc.recordSheet((await maps.sheet(sheet))!);
    }
    // Before limits: points are kept, not judged.
    expect((await spc.points(chart.id, 100)).map((p) => p.z)).toEqual(new Array(12).fill(null));

    await expect(freeze(chart.id, [baseline[0], 'S-NOPE'], 'first baseline')).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      details: [{ path: 'baselineSheets.1', message: 'sheet S-NOPE has no binned results' }],
    });
    await expect(freeze(chart.id, baseline, '  ')).rejects.toMatchObject({
      details: [{ path: 'reason', message: 'expected a non-empty reason' }],
    });
    // Freezing is signed: a wrong password is refused and stores nothing.
    await expect(
      freeze(chart.id, baseline, 'first twelve sheets of R-SPC', { password: 'wrong', meaning: SignatureMeaning.APPROVED }),
    ).rejects.toMatchObject({ code: 'SIGNATURE_REJECTED', details: [{ path: 'signature.password', message: expect.any(String) }] });
    expect((await spc.chart(chart.id)).limitsVersion).toBe(0);
    expect(await spc.limitsHistory(chart.id)).toEqual([]);
    const limits = await freeze(chart.id, baseline, 'first twelve sheets of R-SPC', {
      password: PASSWORD,
      meaning: SignatureMeaning.RESPONSIBLE,
      comment: 'baseline reviewed with the process owner',
    });
    expect(limits).toMatchObject({ version: 1, frozenBy: 'erik', baselineSheets: baseline, signatureMeaning: 'RESPONSIBLE' });
    expect(limits.centre).toBeGreaterThan(39);
    expect(limits.centre).toBeLessThan(41);
    const audit = await ds.query(`SELECT action, actor, after FROM test_data.audit_records WHERE entity_key = $1 ORDER BY id`, [chart.id]);
    expect(audit.map((a: { action: string }) => a.action)).toEqual(['CREATE_SPC_CHART', 'FREEZE_SPC_LIMITS', 'SIGNATURE']);
    expect(audit[1].after).toMatchObject({ limitsVersion: 1, reason: 'first twelve sheets of R-SPC' });
    expect(audit[2]).toMatchObject({
      actor: 'erik',
      after: {
        signer: 'erik',
        meaning: 'RESPONSIBLE',
        comment: 'baseline reviewed with the process owner',
        signed: 'FREEZE_SPC_LIMITS TFB-0505 ASR zone 2 v1',
        signedAt: expect.any(String),
      },
    });

    // Three sheets in control, then the ASR jumps by 10 % (far beyond 3σ of a zone mean).
    for (let k = 12; k < 15; k++) await spc.recordSheet((await maps.sheet(await land('R-SPC', k, [])))!);
    expect(await count('spc_events')).toBe(0);
    const jumped = await land('R-SPC', 15, [], { asrScale: 1.1 });
    // The other chart of the product (whole-sheet ASR, Nelson 1) has no limits yet: a point, no event.
    // On this chart the jump breaks rule 1 on both charts: the zone mean, and the moving range to sheet 14.
    expect(await spc.recordSheet((await maps.sheet(jumped))!)).toEqual({ points: 2, events: 2 });
    let events = await spc.events({ chartId: chart.id });
    expect(events.map((e) => [e.panel, e.rule]).sort()).toEqual([
      ['DISPERSION', 'NELSON_1'],
      ['MAIN', 'NELSON_1'],
    ]);
    const n1 = events.find((e) => e.panel === 'MAIN')!;
    const mr = events.find((e) => e.panel === 'DISPERSION')!;
    const [point15] = (await spc.chartedPoints(chart.id, 1)).slice(-1);
    expect(point15.sheetBarcode).toBe(jumped);
    expect(point15.dispersion).toBeCloseTo(Math.abs(point15.value - (await spc.points(chart.id, 2))[0].value), 10);
    expect(point15.dispersionZ).toBeGreaterThan(3);
    expect(point15.dispersion).toBeGreaterThan(point15.limits!.dispersionUcl!);
    expect(mr).toMatchObject({ atSheet: jumped, points: [{ sheet: jumped, value: point15.dispersion, z: point15.dispersionZ }] });
    expect(mr.reason).toMatch(
      new RegExp(
        `^SPC ASR zone 2 \\(TFB-0505\\): NELSON_1, one point beyond 3σ on the moving range chart, at sheet ${jumped} \\(\\d\\.\\d\\d, \\d+\\.\\d\\dσ\\)$`,
      ),
    );
    // Its hold is the main chart's: both events cover the MD region of the sheet, so the landing places one hold for both.
    const sheet15 = { roll: 'R-SPC', mdFromMm: sheetStart(15), mdToMm: sheetStart(15) + ROWS * PITCH };
    const held15 = { holdFromMm: sheet15.mdFromMm, holdToMm: sheet15.mdToMm };
    expect(mr.holds).toEqual([{ ...sheet15, ...held15, holdId: expect.stringMatching(/^H-/) }]);
    expect(n1.atSheet).toBe(jumped);
    expect(n1.reason).toMatch(
      new RegExp(`^SPC ASR zone 2 \\(TFB-0505\\): NELSON_1, one point beyond 3σ, at sheet ${jumped} \\(4\\d\\.\\d\\d, \\d+\\.\\d\\dσ\\)$`),
    );
    // One hold covers the MD region of the sheet whose point broke the rules; its reason names both events'.
    expect(n1.holds).toEqual([{ ...sheet15, ...held15, holdId: holdsOf(mr)[0].holdId }]);
    expect(holds.filter((h) => h.roll === 'R-SPC')).toEqual([
      { id: holdsOf(mr)[0].holdId, roll: 'R-SPC', from: sheet15.mdFromMm, to: sheet15.mdToMm, reason: expect.any(String), active: true },
    ]);
    expect(holds[holds.length - 1].reason.split('; ').sort()).toEqual([mr.reason, n1.reason].sort());
    // A second high sheet breaks two rules: two of three beyond 2σ (WE_2) over sheets 15 and 16, and Nelson 1 at 16.
    // The hold on sheet 15 does not cover 15-16, so the landing places one new hold over both sheets, shared by both events.
    const second = await land('R-SPC', 16, [], { asrScale: 1.1 });
    await spc.recordSheet((await maps.sheet(second))!);
    events = await spc.events({ chartId: chart.id });
    const we2 = events.find((e) => e.rule === 'WE_2')!;
    const n1at16 = events.find((e) => e.rule === 'NELSON_1' && e.atSheet === second)!;
    expect(we2.atSheet).toBe(second);
    expect((we2.points as Array<{ sheet: string }>).map((p) => p.sheet)).toEqual([jumped, second]);
    const held1516 = { holdFromMm: sheetStart(15), holdToMm: sheetStart(16) + ROWS * PITCH };
    expect(we2.holds).toEqual([
      { roll: 'R-SPC', mdFromMm: sheetStart(15), mdToMm: sheetStart(16) + ROWS * PITCH, ...held1516, holdId: expect.any(String) },
    ]);
    // Nelson 1 at sheet 16 records its own region (the sheet) and the shared hold that holds it.
    expect(n1at16.holds).toEqual([
      { roll: 'R-SPC', mdFromMm: sheetStart(16), mdToMm: sheetStart(16) + ROWS * PITCH, ...held1516, holdId: holdsOf(we2)[0].holdId },
    ]);
    expect(holds.filter((h) => h.roll === 'R-SPC')).toHaveLength(2);
    expect(holds[holds.length - 1].reason.split('; ').sort()).toEqual([we2.reason, n1at16.reason].sort());
    expect(
      events
        .filter((e) => e.rule === 'NELSON_1' && e.panel === 'MAIN')
        .map((e) => e.atSheet)
        .sort(),
    ).toEqual([jumped, second]);
    // Sheet 16 is as high as 15: a small moving range, no event on the second chart.
    expect(events.filter((e) => e.panel === 'DISPERSION').map((e) => e.atSheet)).toEqual([jumped]);

    // A retried job (the same sheet again) opens nothing new and holds nothing twice.
    const holdsBefore = holds.length;
    await spc.recordSheet((await maps.sheet(jumped))!);
    expect(await count('spc_events')).toBe(events.length);
    expect(holds.length).toBe(holdsBefore);

    // Acknowledgement: a comment is needed, and only once.
    await expect(spc.acknowledge(engineer, n1.id, ' ')).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    const acked = await spc.acknowledge(engineer, n1.id, 'LiPON target changed on sheet 15; checked');
    expect(acked).toMatchObject({
      status: 'ACKNOWLEDGED',
      acknowledgedBy: 'erik',
      ackComment: 'LiPON target changed on sheet 15; checked',
    });
    await expect(spc.acknowledge(engineer, n1.id, 'again')).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(spc.acknowledge(engineer, randomUUID(), 'x')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect((await spc.events({ roll: 'R-SPC' })).length).toBe(events.length);
    expect(await spc.events({ roll: 'R-OTHER' })).toEqual([]);
  });

  it('keeps an event whose hold failed and places the hold when the job runs again', async () => {
    const chart = await spc.createChart(engineer, {
      productCode: 'TFB-0505',
      name: 'yield',
      metric: 'YIELD',
      statistic: 'YIELD',
      chartType: 'P',
      zones: 1,
      rules: ['NELSON_1'],
    });
    const base: string[] = [];
    for (let k = 0; k < 5; k++) base.push(await land('R-P', k, [], { seed: 50 + k }));
    await freeze(chart.id, base, 'baseline');
    const bad = await land('R-P', 5, [{ kind: 'CD_LANE', cols: [3, 4, 5, 6, 7, 8], failProbability: 1 }]);
    trackingDown = true;
    const before = holds.length;
    await expect(spc.recordSheet((await maps.sheet(bad))!)).rejects.toThrow(
      /placing its hold failed \(tracking answered 503\); the job retries/,
    );
    const [ev] = await spc.events({ chartId: chart.id });
    expect(ev).toMatchObject({ rule: 'NELSON_1', atSheet: bad, holdError: 'tracking answered 503', holds: [] });
    trackingDown = false;
    await spc.recordSheet((await maps.sheet(bad))!);
    const [again] = await spc.events({ chartId: chart.id });
    expect(again.holdError).toBeNull();
    const sheet5 = { roll: 'R-P', mdFromMm: sheetStart(5), mdToMm: sheetStart(5) + ROWS * PITCH };
    expect(again.holds).toEqual([{ ...sheet5, holdFromMm: sheet5.mdFromMm, holdToMm: sheet5.mdToMm, holdId: expect.any(String) }]);
    // Placed once: the failed call placed nothing, the retry one hold, a further run none.
    await spc.recordSheet((await maps.sheet(bad))!);
    expect(holds.slice(before).map((h) => h.id)).toEqual([holdsOf(again)[0].holdId]);
    const points = await spc.points(chart.id, 10);
    expect(points[points.length - 1].value).toBeGreaterThan(0.25); // fraction defective with six dead columns
  });

  it('one hold per region: a later event joins an active hold covering it, and a retry places only the region an event still lacks', async () => {
    const chart = await spc.createChart(engineer, {
      productCode: 'TFB-0505',
      name: 'yield across rolls',
      metric: 'YIELD',
      statistic: 'YIELD',
      chartType: 'P',
      zones: 1,
      rules: ['NELSON_1', 'WE_2'],
    });
    const base: string[] = [];
    for (let k = 0; k < 5; k++) {
      base.push(await land('R-J1', k, [], { seed: 70 + k }));
      await spc.recordSheet((await maps.sheet(base[k]))!);
    }
    await freeze(chart.id, base, 'baseline');
    // One sheet in control under the frozen limits (the run rules judge points under the current limits only).
    await spc.recordSheet((await maps.sheet(await land('R-J1', 5, [], { seed: 75 })))!);
    const lane = [{ kind: 'CD_LANE' as const, cols: [3, 4, 5, 6, 7, 8], failProbability: 1 }];
    const region = (roll: string, k: number) => ({ roll, mdFromMm: sheetStart(k), mdToMm: sheetStart(k) + ROWS * PITCH });
    const before = holds.length;

    // The last sheet of R-J1 fails: Nelson 1, one hold on it.
    const bad1 = await land('R-J1', 6, lane);
    await spc.recordSheet((await maps.sheet(bad1))!);
    const [n1first] = await spc.events({ chartId: chart.id });
    expect(holds.slice(before)).toEqual([
      expect.objectContaining({ ...{ roll: 'R-J1' }, from: sheetStart(6), to: sheetStart(6) + ROWS * PITCH }),
    ]);
    const firstHold = holds[holds.length - 1].id;

    // The first sheet of R-J2 fails too, and tracking refuses R-J2's hold: Nelson 1 there, and WE_2 over both rolls.
    // WE_2's R-J1 region (sheet 6) is covered by the active hold on it: joined, not placed again; its R-J2 region fails.
    failingRolls.add('R-J2');
    const bad2 = await land('R-J2', 0, lane);
    await expect(spc.recordSheet((await maps.sheet(bad2))!)).rejects.toThrow(/placing its hold failed \(tracking answered 503\)/);
    let events = await spc.events({ chartId: chart.id });
    let we2 = events.find((e) => e.rule === 'WE_2')!;
    let n1 = events.find((e) => e.rule === 'NELSON_1' && e.atSheet === bad2)!;
    expect(we2.holds).toEqual([
      { ...region('R-J1', 6), holdFromMm: sheetStart(6), holdToMm: sheetStart(6) + ROWS * PITCH, holdId: firstHold },
    ]);
    expect(we2.holdError).toBe('tracking answered 503');
    expect(n1).toMatchObject({ holds: [], holdError: 'tracking answered 503' });
    expect(holds.length).toBe(before + 1);
    expect(n1first.holds).toHaveLength(1);

    // The retry places the one missing region once, shared by both events of the landing, and leaves R-J1 alone.
    failingRolls.clear();
    await spc.recordSheet((await maps.sheet(bad2))!);
    events = await spc.events({ chartId: chart.id });
    we2 = events.find((e) => e.rule === 'WE_2')!;
    n1 = events.find((e) => e.rule === 'NELSON_1' && e.atSheet === bad2)!;
    expect(holds.length).toBe(before + 2);
    const j2 = holds[holds.length - 1];
    expect(j2).toMatchObject({ roll: 'R-J2', from: sheetStart(0), to: sheetStart(0) + ROWS * PITCH });
    // Other frozen yield charts of the product broke Nelson 1 at the same sheet: their events share the hold too.
    expect(j2.reason.split('; ')).toEqual(expect.arrayContaining([n1.reason, we2.reason]));
    expect(we2.holdError).toBeNull();
    expect(holdsOf(we2).map((h) => [h.roll, h.holdId])).toEqual([
      ['R-J1', firstHold],
      ['R-J2', j2.id],
    ]);
    expect(n1).toMatchObject({ holdError: null, holds: [{ ...region('R-J2', 0), holdId: j2.id }] });
    await spc.recordSheet((await maps.sheet(bad2))!);
    expect(holds.length).toBe(before + 2);

    // A released hold is not joined: once R-J2's hold is released, a violation there gets a hold of its own.
    j2.active = false;
    const bad3 = await land('R-J2', 1, lane);
    await spc.recordSheet((await maps.sheet(bad3))!);
    const n1third = (await spc.events({ chartId: chart.id })).find((e) => e.rule === 'NELSON_1' && e.atSheet === bad3)!;
    expect(n1third.holds).toEqual([expect.objectContaining({ ...region('R-J2', 1), holdId: holds[holds.length - 1].id })]);
    expect(holds.length).toBe(before + 3);

    // The joinable holds are looked up by hold id: the active ones only, whatever else the product's events hold.
    const repo = new SpcRepository(ds);
    expect((await repo.spcHoldsAmong('TFB-0505', [firstHold, 'H-NONE'])).map((h) => [h.hold_id, h.roll])).toEqual([[firstHold, 'R-J1']]);
    expect(await repo.spcHoldsAmong('TFB-0505', [])).toEqual([]);
    expect(await repo.spcHoldsAmong('OTHER-PRODUCT', [firstHold])).toEqual([]);
    // Through the GIN index on the events' hold ids (with sequential scans off, as on a table of many events).
    const plan = await ds.transaction(async (m) => {
      await m.query('SET LOCAL enable_seqscan = off');
      const [{ 'QUERY PLAN': p }] = await m.query(
        `EXPLAIN (FORMAT JSON) SELECT id FROM test_data.spc_events e WHERE jsonb_path_query_array(e.holds, '$[*].holdId') ?| $1::text[]`,
        [[firstHold, 'H-NONE']],
      );
      return JSON.stringify(p);
    });
    expect(plan).toContain('ix_spc_events_holds');
  });

  it('X̄-S: the s chart judges each zone’s spread against B3/B4 limits for its own n, and a spread beyond them holds like the mean', async () => {
    const chart = await spc.createChart(engineer, {
      productCode: 'TFB-0505',
      name: 'ASR zone 1 X̄-S',
      metric: 'ASR',
      statistic: 'ZONE_MEAN',
      chartType: 'XBAR_S',
      zones: 5,
      zone: 1,
      rules: ['NELSON_1', 'NELSON_5'],
    });
    const base: string[] = [];
    for (let k = 0; k < 8; k++) {
      base.push(await land('R-XS', k, [], { seed: 700 + k }));
      await spc.recordSheet((await maps.sheet(base[k]))!);
    }
    const limits = await freeze(chart.id, base, 'R-XS baseline');
    // Three times the cell-to-cell noise: the zone's s is far above B4 · c4 σ; its mean barely moves.
    const noisy = await land('R-XS', 8, [], { seed: 708, noise: 0.06 });
    await spc.recordSheet((await maps.sheet(noisy))!);
    const points = await spc.chartedPoints(chart.id, 100);
    const last = points[points.length - 1];
    expect(last.sheetBarcode).toBe(noisy);
    const n = last.n!;
    expect(last.dispersion).toBe(last.spread);
    expect(last.limits!.dispersionCentre).toBeCloseTo(c4(n) * limits.sigma, 10);
    expect(last.limits!.dispersionUcl).toBeCloseTo(B4(n) * c4(n) * limits.sigma, 10);
    expect(last.limits!.dispersionLcl).toBeCloseTo(B3(n) * c4(n) * limits.sigma, 10);
    expect(last.limits!.ucl).toBeCloseTo(limits.centre + (3 * limits.sigma) / Math.sqrt(n), 10);
    expect(last.spread).toBeGreaterThan(last.limits!.dispersionUcl!);
    expect(last.dispersionZ).toBeGreaterThan(3);
    // Before limits the points were kept, not judged: nothing on the second chart either.
    expect(points.slice(0, 8).map((p) => p.dispersionZ)).toEqual(new Array(8).fill(null));
    const events = await spc.events({ chartId: chart.id });
    const s = events.find((e) => e.panel === 'DISPERSION' && e.atSheet === noisy)!;
    expect(s).toMatchObject({ rule: 'NELSON_1', points: [{ sheet: noisy, value: last.spread }] });
    expect(s.reason).toMatch(
      new RegExp(`^SPC ASR zone 1 X̄-S \\(TFB-0505\\): NELSON_1, one point beyond 3σ on the s chart, at sheet ${noisy} `),
    );
    expect(s.holds).toEqual([
      {
        roll: 'R-XS',
        mdFromMm: sheetStart(8),
        mdToMm: sheetStart(8) + ROWS * PITCH,
        holdFromMm: sheetStart(8),
        holdToMm: sheetStart(8) + ROWS * PITCH,
        holdId: expect.any(String),
      },
    ]);
    // Nelson 5 (two of three beyond 2σ) is not a rule of the s chart: skewed, its tail fractions do not hold.
    expect(events.filter((e) => e.panel === 'DISPERSION').map((e) => e.rule)).toEqual(['NELSON_1']);
  });

  it('a new chart gets the points of the product’s sheets already binned, oldest first, never judged, so history holds nothing', async () => {
    const input = {
      productCode: 'TFB-0505',
      metric: 'ASR',
      statistic: 'ZONE_MEAN',
      chartType: 'I_MR',
      zones: 5,
      zone: 0,
      rules: ['NELSON_1', 'NELSON_2'],
    };
    const chart = await spc.createChart(engineer, { ...input, name: 'ASR zone 0 from history' });
    expect(await spc.points(chart.id, 1000)).toEqual([]);
    const done = await spc.backfill(chart.id);
    const points = await spc.points(chart.id, 1000);
    expect(done).toEqual({ sheets: points.length, points: points.length });
    // R-SPC's sheets in the order they landed (the ASR jumped at sheet 15).
    const rspc = points.map((p) => p.sheetBarcode).filter((s) => s.startsWith('S-R-SPC-'));
    expect(rspc).toEqual(Array.from({ length: 17 }, (_, k) => `S-R-SPC-${String(k).padStart(4, '0')}`));
    expect(points.map((p) => p.z)).toEqual(points.map(() => null));

    // Only the newest sheets when the product has more.
    const few = await spc.createChart(engineer, { ...input, name: 'ASR zone 0, newest 3' });
    await spc.backfill(few.id, 3);
    expect((await spc.points(few.id, 100)).map((p) => p.sheetBarcode)).toEqual(points.slice(-3).map((p) => p.sheetBarcode));

    // Limits frozen and the history backfilled again: the jumped sheet is in it, yet nothing is judged or held.
    const holdsBefore = holds.length;
    await freeze(chart.id, rspc.slice(0, 12), 'R-SPC before the jump');
    await spc.backfill(chart.id);
    expect((await spc.points(chart.id, 1000)).map((p) => p.z)).toEqual(points.map(() => null));
    expect(await spc.events({ chartId: chart.id })).toEqual([]);
    expect(holds.length).toBe(holdsBefore);

    // A sheet that lands now is judged as any other.
    const landed = await land('R-SPC', 40, [], { asrScale: 1.1 });
    await spc.recordSheet((await maps.sheet(landed))!);
    expect((await spc.events({ chartId: chart.id })).map((e) => [e.panel, e.rule, e.atSheet]).sort()).toEqual([
      ['DISPERSION', 'NELSON_1', landed],
      ['MAIN', 'NELSON_1', landed],
    ]);
  });

  it('classifies sheets and the roll, and stacks the roll’s sheets', async () => {
    const lane = await land('R-PAT', 0, [{ kind: 'CD_LANE', cols: [9], failProbability: 0.9 }]);
    const c = await patterns.classifySheet((await maps.sheet(lane))!);
    expect(c.classes).toContain('CD_LANE');
    const stored = await patterns.sheetPattern(lane);
    expect(stored).toMatchObject({ sheetBarcode: lane, rollBarcode: 'R-PAT', classes: c.classes });
    expect((stored!.findings as Array<{ kind: string; cols?: number[] }>).find((f) => f.kind === 'CD_LANE')!.cols).toEqual([9]);
    // A roll whose ASR drifts up 15 % from its halfway point; the same cell (4, 4) is dead on every sheet.
    const sheets = 24;
    for (let k = 1; k < sheets; k++) {
      await land('R-PAT', k, [
        { kind: 'MD_DRIFT', fromMdMm: sheetStart(sheets / 2), toMdMm: sheetStart(sheets), relativeChange: 0.15 },
        { kind: 'CLUSTER', row: 4, col: 4, radius: 0, failProbability: 1 },
      ]);
    }
    const roll = await patterns.classifyRoll('R-PAT');
    expect(roll!.classes).toContain('MD_DRIFT');
    const drift = roll!.findings.find((f) => f.kind === 'MD_DRIFT')!;
    // The drift is found to start near the middle of the roll.
    expect(drift.region.mdFromMm).toBeGreaterThan(sheetStart(sheets / 2 - 3));
    expect(drift.region.mdFromMm).toBeLessThan(sheetStart(sheets / 2 + 3));
    expect((await patterns.rollPattern('R-PAT'))!.sheets).toBe(sheets);
    const stacked = await patterns.stackedMap({ roll: 'R-PAT' }, 'ASR');
    expect(stacked.sheetBarcodes.length).toBe(sheets);
    expect(stacked.repeaters[0]).toMatchObject({ row: 4, col: 4, failed: sheets - 1 });
    await expect(patterns.stackedMap({}, 'ASR')).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });

    // Cross-stage correlation: the LiPON rate, which drifts with the ASR, comes first; the heater (noise) does not correlate.
    await expect(correlation.request(engineer, 'R-PAT', 'THICKNESS')).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(correlation.request(engineer, 'R-NONE', 'ASR')).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: 'Roll R-NONE has no binned sheets: nothing to correlate',
    });
    expect((await correlation.request(engineer, 'R-PAT', 'ASR')).entity.status).toBe('QUEUED');
    const result = await correlation.run('R-PAT', 'ASR');
    expect(result.cellsSampled).toBeGreaterThan(200);
    expect(result.channels[0].channel).toBe('LIPON_DEP qcm_rate [A/s]');
    expect(result.channels[0].pearson).toBeLessThan(-0.5);
    expect(Math.abs(result.channels[1].pearson)).toBeLessThan(0.3);
    // The scatter keeps the pairs the ranking used: the strongest channel first, one metric value per channel value.
    const top = result.scatter?.[0];
    expect(top?.channel).toBe(result.channels[0].channel);
    expect(top?.channelValues.length).toBe(result.channels[0].n);
    expect(top?.metricValues.length).toBe(result.channels[0].n);
    expect(await correlation.get('R-PAT', 'ASR')).toMatchObject({ status: 'DONE', requestedBy: 'erik', error: null });
    await expect(patterns.stackedMap({ roll: 'R-NONE' }, 'ASR')).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: 'Roll R-NONE has no binned sheets',
    });
  });

  it('computes a stored correlation again once its roll’s results changed, keeping the old result until the new one replaces it', async () => {
    const before = (await correlation.get('R-PAT', 'ASR'))!;
    expect(before.status).toBe('DONE');
    // Nothing changed on the roll since it was computed.
    expect(await correlation.stale(0, 10)).toEqual([]);
    // A sheet lands and the roll is re-classified: stale, but not before CORRELATION_REFRESH_S has passed.
    await land('R-PAT', 24, [{ kind: 'MD_DRIFT', fromMdMm: sheetStart(12), toMdMm: sheetStart(24), relativeChange: 0.15 }]);
    await patterns.classifyRoll('R-PAT');
    expect(await correlation.stale(CORRELATION_REFRESH_S, 10)).toEqual([]);
    expect(await correlation.stale(0, 10)).toEqual([{ roll: 'R-PAT', metric: 'ASR' }]);
    const refreshed = await correlation.refresh('R-PAT', 'ASR');
    expect(refreshed!.channels[0].channel).toBe('LIPON_DEP qcm_rate [A/s]');
    const after = (await correlation.get('R-PAT', 'ASR'))!;
    expect(after).toMatchObject({ status: 'DONE', requestedBy: 'erik', error: null });
    expect(after.completedAt!.getTime()).toBeGreaterThan(before.completedAt!.getTime());
    expect(after.result).toEqual(JSON.parse(JSON.stringify(refreshed)));
    expect(await correlation.stale(0, 10)).toEqual([]);
    // The process service is down: the refresh fails, the result stays with why the newer one is missing,
    // and the try counts for the minute (not asked again at every sweep).
    await ds.query(
      `UPDATE test_data.roll_correlations SET completed_at = completed_at - interval '1 hour', requested_at = requested_at - interval '1 hour'`,
    );
    await land('R-PAT', 26, []);
    await patterns.classifyRoll('R-PAT');
    const computed = (await correlation.get('R-PAT', 'ASR'))!.completedAt;
    expect(await correlation.stale(CORRELATION_REFRESH_S, 10)).toEqual([{ roll: 'R-PAT', metric: 'ASR' }]);
    processDown = true;
    await expect(correlation.refresh('R-PAT', 'ASR')).rejects.toThrow('process answered 503');
    processDown = false;
    expect(await correlation.get('R-PAT', 'ASR')).toMatchObject({
      status: 'DONE',
      result: after.result,
      completedAt: computed,
      error: 'refresh failed: process answered 503',
    });
    expect(await correlation.stale(CORRELATION_REFRESH_S, 10)).toEqual([]);
    expect(await correlation.stale(0, 10)).toEqual([{ roll: 'R-PAT', metric: 'ASR' }]);
    expect(await correlation.refresh('R-PAT', 'ASR')).not.toBeNull();
    expect((await correlation.get('R-PAT', 'ASR'))!.error).toBeNull();
    // An engineer's request came in while the refresh ran: the request's own job writes the result.
    await land('R-PAT', 25, []);
    await patterns.classifyRoll('R-PAT');
    await correlation.request(engineer, 'R-PAT', 'ASR');
    expect(await correlation.stale(0, 10)).toEqual([]);
    expect(await correlation.refresh('R-PAT', 'ASR')).toBeNull();
    expect(await correlation.get('R-PAT', 'ASR')).toMatchObject({ status: 'QUEUED', result: null });
    await correlation.run('R-PAT', 'ASR');
  });

  it('analyses a sheet when the binning worker’s finish job for its test completes, and the roll after it', async () => {
    const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
    const prefix = `t-${db.name}`;
    const queue = new AnalyticsQueue({ redisUrl, prefix, sweepSeconds: 0 }, stored, maps, patterns, spc, correlation);
    queue.onModuleInit();
    const sheetTests = new Queue(QUEUES.sheetTests, { connection: { url: redisUrl }, prefix });
    // Stands in for the binning worker: completes the finish job.
    const binning = new Worker(QUEUES.sheetTests, async () => ({ disposition: 'PASSED' }), { connection: { url: redisUrl }, prefix });
    try {
      const sheet = await land('R-Q', 0, [
        { kind: 'EDGE', width: 1, sides: ['CD_LOW', 'CD_HIGH', 'MD_LEAD', 'MD_TRAIL'], failProbability: 0.8 },
      ]);
      const [{ id }] = await ds.query(`SELECT id FROM test_data.sheet_tests WHERE sheet_barcode = $1`, [sheet]);
      await new Promise((r) => setTimeout(r, 300)); // the queue events stream is read from now on
      await sheetTests.add(JOBS.finishSheetTest, { sheetTestId: id }, { jobId: JOB_IDS.finishSheetTest(id) });
      const deadline = Date.now() + 20_000;
      while (Date.now() < deadline && !(await patterns.rollPattern('R-Q'))) await new Promise((r) => setTimeout(r, 200));
      expect((await patterns.sheetPattern(sheet))!.classes).toContain('EDGE');
      expect((await patterns.rollPattern('R-Q'))!.sheets).toBe(1);
      // The sweeper finds nothing left to do.
      expect(await queue.sweep()).not.toContain(sheet);
      // Results newer than the sheet's pattern (a retest or a re-bin) are picked up by the sweeper.
      await ds.query(`UPDATE test_data.sheet_patterns SET classified_at = now() - interval '1 hour' WHERE sheet_barcode = $1`, [sheet]);
      expect(await queue.sweep()).toContain(sheet);
      // A correlation computed before the roll's newest results is queued again, once it is old enough.
      await ds.query(
        `INSERT INTO test_data.roll_correlations (roll_barcode, metric, status, result, requested_by, requested_at, completed_at)
         VALUES ('R-Q', 'ASR', 'DONE', '{}', 'erik', now() - interval '2 hours', now() - interval '2 hours'),
                ('R-Q', 'OCV', 'DONE', '{}', 'erik', now() - interval '2 hours', now() - interval '10 seconds')`,
      );
      await ds.query(`UPDATE test_data.roll_patterns SET classified_at = now() - interval '1 minute' WHERE roll_barcode = 'R-Q'`);
      const swept = await queue.sweep();
      expect(swept).toContain('R-Q ASR');
      expect(swept).not.toContain('R-Q OCV');
    } finally {
      await binning.close();
      await sheetTests.obliterate({ force: true }).catch(() => undefined);
      await sheetTests.close();
      await queue.onModuleDestroy();
    }
  });

  it('a chart created while Redis is unreachable keeps its backfill pending, and the sweeper queues it once Redis is back', async () => {
    const redis = new URL(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
    // The queue reaches the real Redis through a gate on a port of its own: shut, connections are cut and refused.
    const gate = await redisGate(redis.hostname, Number(redis.port || 6379));
    const prefix = `t-${db.name}-gate`;
    const queue = new AnalyticsQueue({ redisUrl: gate.url, prefix, sweepSeconds: 0 }, stored, maps, patterns, spc, correlation);
    queue.onModuleInit();
    const until = async <T>(what: () => Promise<T>, done: (v: T) => boolean): Promise<T> => {
      const deadline = Date.now() + 20_000;
      let v = await what();
      while (!done(v) && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 200));
        v = await what();
      }
      return v;
    };
    try {
      // Redis is up: the sweeper queues the charts made earlier in this file straight through the service (no job), and they are backfilled.
      gate.open();
      const earlier = await spc.backfillsPending();
      expect(earlier.length).toBeGreaterThan(0);
      expect(await queue.sweep(0)).toEqual(earlier);
      expect(
        await until(
          () => spc.backfillsPending(),
          (p) => p.length === 0,
        ),
      ).toEqual([]);
      // Then Redis goes away.
      await gate.shut();
      // What the createSpcChart mutation does: the chart is stored, the job cannot be queued, the request still succeeds.
      const chart = await spc.createChart(engineer, {
        productCode: 'TFB-0505',
        name: 'made while Redis was down',
        metric: 'ASR',
        statistic: 'ZONE_MEAN',
        chartType: 'I_MR',
        zones: 1,
        rules: ['NELSON_1'],
      });
      expect(await queue.requestBackfill(chart.id)).toBe(false);
      expect((await spc.chart(chart.id)).backfillPending).toBe(true);
      // Still down: the sweep cannot queue it either, and it stays pending (sweep(0): no sheets, only charts here).
      expect(await queue.sweep(0)).toEqual([]);
      expect(await spc.backfillsPending()).toContain(chart.id);

      gate.open();
      // Once the connection is back the sweeper queues it; the worker adds the history and clears the flag.
      expect(
        await until(
          () => queue.sweep(0),
          (q) => q.includes(chart.id),
        ),
      ).toContain(chart.id);
      expect(
        await until(
          async () => (await spc.chart(chart.id)).backfillPending,
          (p) => !p,
        ),
      ).toBe(false);
      const points = await spc.points(chart.id, 1000);
      expect(points.length).toBeGreaterThan(40);
      expect(points.map((p) => p.z)).toEqual(points.map(() => null));
      // Nothing left to queue; queuing it again anyway (a sweep racing the job) adds the same points, no more.
      expect(await queue.sweep(0)).toEqual([]);
      expect(await spc.backfill(chart.id)).toEqual({ sheets: points.length, points: points.length });
      expect((await spc.points(chart.id, 1000)).map((p) => p.sheetBarcode)).toEqual(points.map((p) => p.sheetBarcode));
    } finally {
      gate.open();
      await queue.onModuleDestroy();
      await gate.shut();
      const cleanup = new Queue(ANALYTICS_QUEUE, { connection: { url: redis.toString() }, prefix });
      await cleanup.obliterate({ force: true }).catch(() => undefined);
      await cleanup.close();
    }
  });
});

/**
 * A TCP gate to a Redis: while open, every connection to `url` is piped to the Redis; `shut()` cuts
 * the connections and refuses new ones (a client sees Redis go away and come back, and the shared
 * Redis is not touched).
 */
async function redisGate(host: string, port: number): Promise<{ url: string; open: () => void; shut: () => Promise<void> }> {
  const gatePort = await freePort();
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(port, host);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => {
        sockets.delete(s);
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream);
    upstream.pipe(client);
  });
  return {
    url: `redis://127.0.0.1:${gatePort}`,
    open: () => {
      if (!server.listening) server.listen(gatePort, '127.0.0.1');
    },
    shut: async () => {
      const closed = server.listening ? new Promise<void>((r) => server.close(() => r())) : Promise.resolve();
      for (const s of sockets) s.destroy();
      await closed;
    },
  };
}
