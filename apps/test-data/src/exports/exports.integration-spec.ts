import { Module } from '@nestjs/common';
import { APP_FILTER, NestFactory } from '@nestjs/core';
import type { INestApplication } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { Pool } from 'pg';
import { Role, TokenService } from '@mes/auth';
import { defaultAsMadeRuleSet } from '@mes/binning';
import { readE142, readStdfRecords, stdfParts, writeE142 } from '@mes/interop';
import { RestErrorFilter } from '@mes/service-core';
import { createTestDatabase, type TestDatabase } from '@mes/testing';
import { migrateTestData, SheetTestStore, testDataDataSourceOptions } from '@mes/test-data-store';
import { ExportsModule } from './exports.module';

const LAYOUT = {
  rows: 20,
  cols: 25,
  cellMdMm: 5,
  cellCdMm: 5,
  pitchMdMm: 5.5,
  pitchCdMm: 6,
  firstCellMdMm: 15.25,
  firstCellCdMm: 15.25,
  sheetLengthMdMm: 300,
};
const ROLL = 'R-EXP';
const RULES = defaultAsMadeRuleSet(0.25);

/** Minimal RFC 4180 reader for the tests: quoted fields, doubled quotes, CRLF or LF. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') ((field += '"'), i++);
      else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') (row.push(field), (field = ''));
    else if (ch === '\n') (row.push(field), rows.push(row), (row = []), (field = ''));
    else if (ch !== '\r') field += ch;
  }
  if (field || row.length) (row.push(field), rows.push(row));
  return rows;
}

function records(text: string): Record<string, string>[] {
  const [header, ...rows] = parseCsv(text);
  return rows.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]])));
}

describe('exports (REST): CSV, STDF V4 and E142 of stored results', () => {
  let db: TestDatabase;
  let pool: Pool;
  let app: INestApplication;
  let base: string;
  let token: string;
  const tests: string[] = [];

  /** A binned test of a sheet: bins and values made up per cell, generated in SQL. */
  async function binnedTest(sheet: string, testNo: number, where = 'true'): Promise<string> {
    const id = randomUUID();
    const mdStart = 1000 + Number(sheet.slice(-1)) * 310;
    const rig = (await pool.query(`SELECT id FROM test_data.rigs LIMIT 1`)).rows[0].id;
    await pool.query(
      `INSERT INTO test_data.sheet_tests (id, test_id, content_hash, rig_id, sheet_barcode, roll_barcode, product_code, rows, cols, cell_area_cm2, started_at, temperature_c,
         frequency_count, cell_count, status, rule_set_version, md_start_mm, layout, received_at, completed_at)
       VALUES ($1, $2, repeat('0', 64), $3, $4, $5, 'TFB-X', 20, 25, 0.25, '2026-11-22T10:00:00Z', 24.5, 0, 500, 'DONE', 1, $6, $7, now() + make_interval(secs => $8), '2026-11-22T10:02:00Z')`,
      [id, `T-${sheet}-${testNo}`, rig, sheet, ROLL, mdStart, JSON.stringify(LAYOUT), testNo],
    );
    await pool.query(
      `INSERT INTO test_data.cell_features (sheet_test_id, row, col, status, ocv_v, received_at)
       SELECT $1, r, c, CASE WHEN (r * 25 + c) % 37 = 0 THEN 'NO_CONTACT' ELSE 'OK' END, NULL, (SELECT received_at FROM test_data.sheet_tests WHERE id = $1) FROM generate_series(0, 19) r, generate_series(0, 24) c`,
      [id],
    );
    await pool.query(
      `INSERT INTO test_data.cell_results (sheet_test_id, row, col, rule_set_version, sheet_barcode, ocv_v, r_ohmic_ohm, r_ct_ohm, asr_ohm_cm2,
                                           soft_bin, hard_bin, bin_name, rule_id, rule_set_name, md_mm, cd_mm, reason, received_at)
       SELECT $1, g.row, g.col, 1, $2, CASE WHEN g.bin = 0 THEN NULL ELSE 0.05 + ((g.row * 7 + g.col * 13 + $3) % 17) / 1000.0 END,
              CASE WHEN g.bin = 0 THEN NULL ELSE 1 + ((g.row * 3 + g.col) % 11) / 10.0 END,
              CASE WHEN g.bin = 0 OR (g.row + g.col) % 19 = 0 THEN NULL ELSE 20 + ((g.row + g.col * 5) % 23) + 1 / 3.0 END,
              CASE WHEN g.bin = 0 THEN NULL ELSE 5 + ((g.row * 11 + g.col) % 7) / 3.0 END,
              g.bin, CASE WHEN g.bin = 0 THEN 0 WHEN g.bin < 10 THEN 1 ELSE 2 END,
              CASE g.bin WHEN 0 THEN 'RIG_FAULT' WHEN 1 THEN 'PASS_A' WHEN 2 THEN 'PASS_B' WHEN 3 THEN 'PASS_C' ELSE 'FAIL_OCV' END,
              CASE WHEN g.bin = 0 THEN 'contact' ELSE 'grade' END, 'as-made-ocv-eis', $4 + 15.25 + g.row * 5.5, 15.25 + g.col * 6,
              CASE WHEN g.bin = 14 THEN 'OCV 1.6 V above 1.5, "window"' END, (SELECT received_at FROM test_data.sheet_tests WHERE id = $1)
         FROM (SELECT r AS row, c AS col,
                      CASE WHEN (r * 25 + c) % 37 = 0 THEN 0 WHEN (r + c + $3) % 29 = 0 THEN 14 ELSE 1 + (r + c * 2 + $3) % 3 END AS bin
                 FROM generate_series(0, 19) r, generate_series(0, 24) c) g
        WHERE ${where}`,
      [id, sheet, testNo, mdStart],
    );
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await new SheetTestStore(pool).refreshCurrentResults(client, sheet);
      await client.query('COMMIT');
    } finally {
      client.release();
    }
    return id;
  }

  async function get(path: string, auth = `Bearer ${token}`): Promise<Response> {
    return fetch(`${base}/api/v1/exports/${path}`, { headers: auth ? { authorization: auth } : {} });
  }

  beforeAll(async () => {
    db = await createTestDatabase('exports');
    await migrateTestData(db.url);
    pool = new Pool({ connectionString: db.url, max: 4 });
    pool.on('error', () => undefined);
    await pool.query(
      `INSERT INTO test_data.rigs (name, station_code, key_hash, created_by) VALUES ('RIG 7', 'TST-1', repeat('0', 64), 'test')`,
    );
    tests.push(await binnedTest('S-EXP-1', 1));
    tests.push(await binnedTest('S-EXP-2', 1));
    tests.push(await binnedTest('S-EXP-2', 2, '(g.row + g.col) % 4 = 0')); // a retest of a quarter of sheet 2
    const tokens = new TokenService('exports-test-secret', 3600);
    token = tokens.sign({ userId: 'u1', username: 'eng', role: Role.ENGINEER });
    @Module({
      imports: [TypeOrmModule.forRoot({ ...testDataDataSourceOptions(db.url), logging: false }), ExportsModule.register(tokens)],
      providers: [{ provide: APP_FILTER, useClass: RestErrorFilter }],
    })
    class ExportsTestModule {}
    app = await NestFactory.create(ExportsTestModule, { logger: false });
    await app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await app?.close();
    await pool?.end();
    await db?.drop();
  });

  it("a sheet's current results: one row per tested cell with the documented columns, values exactly as stored", async () => {
    const res = await get('sheets/S-EXP-2/results.csv');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(res.headers.get('content-disposition')).toContain('S-EXP-2_results.csv');
    const rows = records(await res.text());
    const stored = (await pool.query(`SELECT * FROM test_data.current_cell_results WHERE sheet_barcode = 'S-EXP-2' ORDER BY row, col`))
      .rows;
    expect(rows).toHaveLength(stored.length);
    expect(Object.keys(rows[0])).toEqual([
      'roll',
      'sheet',
      'row',
      'col',
      'cell_id',
      'md_mm',
      'cd_mm',
      'ocv_v',
      'r_ohmic_ohm',
      'r_ct_ohm',
      'asr_ohm_cm2',
      'soft_bin',
      'hard_bin',
      'bin_name',
      'pass',
      'tests',
      'first_soft_bin',
      'sheet_test_id',
      'rule_set_version',
    ]);
    rows.forEach((r, i) => {
      const s = stored[i];
      expect([r.cell_id, Number(r.row), Number(r.col), Number(r.soft_bin), r.pass, Number(r.tests)]).toEqual([
        `S-EXP-2-R${s.row}C${s.col}`,
        s.row,
        s.col,
        s.soft_bin,
        s.soft_bin >= 1 && s.soft_bin <= 9 ? 't' : 'f',
        s.tests,
      ]);
      for (const c of ['ocv_v', 'r_ohmic_ohm', 'r_ct_ohm', 'asr_ohm_cm2', 'md_mm', 'cd_mm'])
        expect(r[c] === '' ? null : Number(r[c])).toBe(s[c]);
    });
    expect(rows.some((r) => r.tests === '2')).toBe(true);
  });

  it('a sheet test: every cell of that test with status, rule and reason (quotes and commas quoted)', async () => {
    const rows = records(await (await get(`sheet-tests/${tests[0]}.csv`)).text());
    expect(rows).toHaveLength(500);
    expect(rows.filter((r) => r.status === 'NO_CONTACT').every((r) => r.soft_bin === '0' && r.ocv_v === '')).toBe(true);
    expect(rows.find((r) => r.soft_bin === '14')!.reason).toBe('OCV 1.6 V above 1.5, "window"');
    expect(new Set(rows.map((r) => r.test_id))).toEqual(new Set(['T-S-EXP-1-1']));
  });

  it("a roll's cells along the web, and bin summaries that add up to the cells", async () => {
    const cells = records(await (await get(`rolls/${ROLL}/cells.csv`)).text());
    expect(cells).toHaveLength(1000);
    const md = cells.map((c) => Number(c.md_mm));
    expect(md).toEqual([...md].sort((a, b) => a - b));
    for (const [path, n] of [
      [`rolls/${ROLL}/bins.csv`, 1000],
      ['sheets/S-EXP-1/bins.csv', 500],
    ] as const) {
      const bins = records(await (await get(path)).text());
      expect(Object.keys(bins[0])).toEqual(['soft_bin', 'hard_bin', 'bin_name', 'pass', 'cells', 'percent']);
      expect(bins.reduce((s, b) => s + Number(b.cells), 0)).toBe(n);
      expect(bins.reduce((s, b) => s + Number(b.percent), 0)).toBeCloseTo(100, 1);
    }
  });

  it('a sheet test as STDF: each cell read back with its bins and values', async () => {
    const res = await get(`sheet-tests/${tests[2]}.stdf`);
    expect(res.status).toBe(200);
    const recs = readStdfRecords(new Uint8Array(await res.arrayBuffer()));
    const { parts, firstPtr } = stdfParts(recs);
    const stored = (await pool.query(`SELECT * FROM test_data.cell_results WHERE sheet_test_id = $1 ORDER BY row, col`, [tests[2]])).rows;
    expect(parts).toHaveLength(stored.length);
    parts.forEach((p, i) => {
      expect([p.y, p.x, p.softBin, p.hardBin]).toEqual([stored[i].row, stored[i].col, stored[i].soft_bin, stored[i].hard_bin]);
      expect(p.results.get(1000)?.value ?? null).toBe(stored[i].ocv_v === null ? null : Math.fround(stored[i].ocv_v));
      expect(p.results.get(1200)?.value ?? null).toBe(stored[i].r_ct_ohm === null ? null : Math.fround(stored[i].r_ct_ohm));
    });
    expect(recs.find((r) => r.name === 'MIR')!.fields).toMatchObject({
      LOT_ID: ROLL,
      PART_TYP: 'TFB-X',
      NODE_NAM: 'RIG 7',
      TST_TEMP: '24.5',
      JOB_NAM: RULES.name,
    });
    expect(firstPtr.get(1000)).toMatchObject({ UNITS: 'V', LO_LIMIT: Math.fround(-0.05), HI_LIMIT: Math.fround(1.5) });
    expect(recs.find((r) => r.name === 'WCR')!.fields).toMatchObject({ DIE_HT: 5.5, DIE_WID: 6 });
  });

  /** Every cell of a file's parts against the current results stored for its sheet. */
  async function expectCurrentResults(parts: ReturnType<typeof stdfParts>['parts'], sheet: string): Promise<void> {
    const stored = (await pool.query(`SELECT * FROM test_data.current_cell_results WHERE sheet_barcode = $1 ORDER BY row, col`, [sheet]))
      .rows;
    expect(parts.map((p) => [p.y, p.x, p.softBin, p.hardBin, p.partId])).toEqual(
      stored.map((s) => [s.row, s.col, s.soft_bin, s.hard_bin, `${sheet}-R${s.row}C${s.col}`]),
    );
    parts.forEach((p, i) => {
      for (const [n, c] of [
        [1000, 'ocv_v'],
        [1100, 'r_ohmic_ohm'],
        [1200, 'r_ct_ohm'],
        [1300, 'asr_ohm_cm2'],
      ] as const)
        expect(p.results.get(n)?.value ?? null).toBe(stored[i][c] === null ? null : Math.fround(stored[i][c]));
    });
  }

  it("a sheet's current results as STDF: each cell's result that counts, from whichever test gave it", async () => {
    const res = await get('sheets/S-EXP-2/results.stdf');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toContain('S-EXP-2_results.stdf');
    const recs = readStdfRecords(new Uint8Array(await res.arrayBuffer()));
    const { parts } = stdfParts(recs);
    expect(parts).toHaveLength(500);
    expect(new Set(parts.map((p) => p.wafer))).toEqual(new Set(['S-EXP-2']));
    await expectCurrentResults(parts, 'S-EXP-2');
    expect(recs.find((r) => r.name === 'MIR')!.fields).toMatchObject({ LOT_ID: ROLL, PART_TYP: 'TFB-X', NODE_NAM: 'RIG 7', JOB_REV: '1' });
    expect(recs.find((r) => r.name === 'WRR')!.fields.PART_CNT).toBe(500);
  });

  it('a roll as an STDF lot: each sheet a wafer along the web, every cell with its current result', async () => {
    const res = await get(`rolls/${ROLL}/cells.stdf`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toContain(`${ROLL}_cells.stdf`);
    const recs = readStdfRecords(new Uint8Array(await res.arrayBuffer()));
    expect(recs.filter((r) => r.name === 'WIR').map((r) => r.fields.WAFER_ID)).toEqual(['S-EXP-1', 'S-EXP-2']);
    const { parts } = stdfParts(recs);
    for (const sheet of ['S-EXP-1', 'S-EXP-2'])
      await expectCurrentResults(
        parts.filter((p) => p.wafer === sheet),
        sheet,
      );
    const pcr = recs.find((r) => r.name === 'PCR')!.fields;
    const good = (
      await pool.query(
        `SELECT count(*)::int AS n FROM test_data.current_cell_results WHERE roll_barcode = $1 AND soft_bin BETWEEN 1 AND 9`,
        [ROLL],
      )
    ).rows[0].n;
    expect(pcr).toMatchObject({ PART_CNT: 1000, GOOD_CNT: good });
    expect(recs.find((r) => r.name === 'MIR')!.fields.START_T).toBe(Date.parse('2026-11-22T10:00:00Z') / 1000);
  });

  it("a sheet's E142 map: every cell's current soft bin in the contract's orientation, pass bins picked", async () => {
    const res = await get('sheets/S-EXP-2/e142.xml');
    expect(res.headers.get('content-type')).toMatch(/^application\/xml/);
    const map = readE142(await res.text());
    expect([map.substrateId, map.lotId, map.rows, map.cols, map.pitchXMm, map.pitchYMm]).toEqual(['S-EXP-2', ROLL, 20, 25, 6, 5.5]);
    const stored = (await pool.query(`SELECT row, col, soft_bin FROM test_data.current_cell_results WHERE sheet_barcode = 'S-EXP-2'`)).rows;
    const expected = new Array(500).fill(null);
    for (const s of stored) expected[s.row * 25 + s.col] = s.soft_bin;
    expect(map.codes).toEqual(expected);
    expect(map.bins.filter((b) => b.pick).map((b) => b.code)).toEqual([1, 2, 3]);
    expect(map.bins.map((b) => b.code)).toEqual(RULES.bins.map((b) => b.softBin));
  });

  it('refuses without a valid token, with clear errors for bad or unknown ids and barcodes', async () => {
    const cases: [string, string, number, string, RegExp][] = [
      ['sheets/S-EXP-1/results.csv', '', 401, 'UNAUTHENTICATED', /Missing bearer token/],
      ['sheets/S-EXP-1/results.csv', 'Bearer nope', 401, 'UNAUTHENTICATED', /Invalid or expired token/],
      ['sheet-tests/not-a-uuid.stdf', `Bearer ${token}`, 400, 'VALIDATION_FAILED', /is not a sheet test id: expected the UUID/],
      [`sheet-tests/${randomUUID()}.csv`, `Bearer ${token}`, 404, 'NOT_FOUND', /No sheet test/],
      ['sheets/S-NOPE/e142.xml', `Bearer ${token}`, 404, 'NOT_FOUND', /No binned results for sheet S-NOPE/],
      ['rolls/R-NOPE/cells.csv', `Bearer ${token}`, 404, 'NOT_FOUND', /No binned results for roll R-NOPE/],
      ['rolls/R-NOPE/cells.stdf', `Bearer ${token}`, 404, 'NOT_FOUND', /No binned results for roll R-NOPE/],
      ['sheets/S-NOPE/results.stdf', `Bearer ${token}`, 404, 'NOT_FOUND', /No binned results for sheet S-NOPE/],
      ['rolls/R-EXP/cells.stdf', '', 401, 'UNAUTHENTICATED', /Missing bearer token/],
      ["rolls/R'1/bins.csv", `Bearer ${token}`, 400, 'VALIDATION_FAILED', /is not a roll barcode/],
    ];
    for (const [path, auth, status, code, message] of cases) {
      const res = await get(path, auth);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect({ path, status: res.status, code: body.error.code }).toEqual({ path, status, code });
      expect(body.error.message).toMatch(message);
    }
  });

  describe("a picker's pick result", () => {
    const post = (sheet: string, xml: string, type = 'application/xml'): Promise<Response> =>
      fetch(`${base}/api/v1/exports/sheets/${sheet}/pick-result`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': type },
        body: xml,
      });

    /** What the picker sends back: code 1 PICKED for the cells it took, 2 LEFT for the rest. */
    async function pickResult(sheet: string, take: (softBin: number | null, i: number) => boolean, rows = 20, cols = 25): Promise<string> {
      const map = readE142(await (await get(`sheets/${sheet}/e142.xml`)).text());
      return writeE142({
        ...map,
        rows,
        cols,
        mapName: 'PickResult',
        bins: [
          { code: 1, count: 0, quality: 'Pass', description: 'PICKED', pick: true },
          { code: 2, count: 0, quality: 'Fail', description: 'LEFT', pick: false },
        ],
        codes: Array.from({ length: rows * cols }, (_, i) =>
          map.codes[i] === null || map.codes[i] === undefined ? null : take(map.codes[i], i) ? 1 : 2,
        ),
      });
    }

    it('stores what the picker did with each cell and counts picks of cells without a pass result', async () => {
      const xml = await pickResult('S-EXP-1', (bin, i) => (bin !== null && bin >= 1 && bin <= 9 && i !== 1) || i === 0);
      const res = await post('S-EXP-1', xml);
      expect(res.status).toBe(201);
      const answer = (await res.json()) as Record<string, number>;
      const current = (await pool.query(`SELECT row, col, soft_bin FROM test_data.current_cell_results WHERE sheet_barcode = 'S-EXP-1'`))
        .rows;
      const passing = current.filter((c) => c.soft_bin >= 1 && c.soft_bin <= 9 && c.row * 25 + c.col !== 1).length;
      const cell0 = current.find((c) => c.row === 0 && c.col === 0).soft_bin;
      const firstIsPass = cell0 >= 1 && cell0 <= 9;
      expect(answer).toEqual({
        sheet: 'S-EXP-1',
        cells: 500,
        picked: passing + (firstIsPass ? 0 : 1),
        notPicked: 500 - passing - (firstIsPass ? 0 : 1),
        pickedWithoutPassResult: firstIsPass ? 0 : 1,
      });
      const rows = records(await (await get('sheets/S-EXP-1/pick-result.csv')).text());
      expect(Object.keys(rows[0])).toEqual([
        'sheet',
        'row',
        'col',
        'cell_id',
        'code',
        'description',
        'picked',
        'soft_bin',
        'bin_name',
        'imported_at',
        'imported_by',
      ]);
      expect(rows[1]).toMatchObject({ row: '0', col: '1', description: 'LEFT', picked: 'f', imported_by: 'eng' });
      const audit = (await pool.query(`SELECT action, entity_key, after FROM test_data.audit_records WHERE action = 'IMPORT_PICK_RESULT'`))
        .rows;
      expect(audit).toEqual([{ action: 'IMPORT_PICK_RESULT', entity_key: 'S-EXP-1', after: answer }]);
    });

    it('a second pick result replaces the first', async () => {
      const res = await post('S-EXP-1', await pickResult('S-EXP-1', () => false));
      expect(((await res.json()) as { picked: number }).picked).toBe(0);
      const stored = (
        await pool.query(
          `SELECT count(*)::int AS n, count(*) FILTER (WHERE picked)::int AS picked FROM test_data.pick_result_cells WHERE sheet_barcode = 'S-EXP-1'`,
        )
      ).rows[0];
      expect(stored).toEqual({ n: 500, picked: 0 });
    });

    it('refuses a pick result of another sheet, of another grid, broken XML or another content type, and stores nothing', async () => {
      const before = (await pool.query(`SELECT count(*)::int AS n FROM test_data.pick_result_cells`)).rows[0].n;
      const other = await post('S-EXP-2', await pickResult('S-EXP-1', () => true));
      expect([other.status, ((await other.json()) as { error: { message: string } }).error.message]).toEqual([
        400,
        "The pick result is for substrate S-EXP-1, not sheet S-EXP-2: post it to that sheet's URL",
      ]);
      const xml = await pickResult('S-EXP-2', () => true);
      const grid = await post(
        'S-EXP-2',
        xml
          .replace('<Dimension X="25" Y="20"/>', '<Dimension X="25" Y="19"/>')
          .replace(/\s*<BinCode>[0-9A-F]+<\/BinCode>\s*<\/BinCodeMap>/, '</BinCodeMap>'),
      );
      expect([grid.status, ((await grid.json()) as { error: { message: string } }).error.message]).toEqual([
        400,
        'The pick result is a 19 x 25 map; sheet S-EXP-2 is 20 x 25',
      ]);
      const broken = await post('S-EXP-2', xml.slice(0, xml.length / 2));
      expect(broken.status).toBe(400);
      expect(((await broken.json()) as { error: { message: string } }).error.message).toMatch(
        /^pick result of S-EXP-2: line \d+, column \d+: not well-formed XML/,
      );
      expect((await post('S-EXP-2', xml, 'text/plain')).status).toBe(415);
      expect((await pool.query(`SELECT count(*)::int AS n FROM test_data.pick_result_cells`)).rows[0].n).toBe(before);
      expect((await get('sheets/S-EXP-2/pick-result.csv')).status).toBe(404);
    });
  });

  it('a test still binning cannot be exported yet', async () => {
    const id = randomUUID();
    await pool.query(
      `INSERT INTO test_data.sheet_tests (id, test_id, content_hash, rig_id, sheet_barcode, roll_barcode, rows, cols, cell_area_cm2, started_at, temperature_c, frequency_count, cell_count, status)
       SELECT $1, 'T-Q', repeat('0', 64), id, 'S-EXP-3', $2, 20, 25, 0.25, now(), 25, 0, 1, 'BINNING' FROM test_data.rigs LIMIT 1`,
      [id, ROLL],
    );
    const res = await get(`sheet-tests/${id}.stdf`);
    expect(res.status).toBe(409);
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain('is BINNING and has no binned results yet');
  });
});
