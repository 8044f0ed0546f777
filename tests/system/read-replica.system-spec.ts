import { Client } from 'pg';
import { simulateSheet, toSheetTestBody } from '@mes/simulator';
import { startMesProcesses, type MesProcesses } from '../support/mes-processes';
import { startOwnPostgres, startOwnReplica, type OwnPostgres, type OwnReplica } from '../support/own-services';

/**
 * The MES with a streaming read replica (DATABASE_READ_URL): sheets are posted and binned on the
 * primary, sheetMap and rollYield are answered from the replica and show what was written once the
 * replica has replayed it, and nothing is written to the replica (a hot standby refuses writes, and
 * every write of the run succeeded). Both servers are the spec's own clusters, never the shared one.
 */
describe('read replica: heat maps and yields from a streaming replica, writes on the primary', () => {
  let primary: OwnPostgres;
  let replica: OwnReplica;
  let mes: MesProcesses;
  let onPrimary: Client;
  let onReplica: Client;
  let rigKey: string;
  const serverUrl = process.env.MES_TEST_DATABASE_URL;

  beforeAll(async () => {
    primary = await startOwnPostgres();
    replica = await startOwnReplica(primary);
    process.env.MES_TEST_DATABASE_URL = primary.url; // createTestDatabase makes the MES's database there; it streams to the replica
    mes = await startMesProcesses('replica', {}, { readReplicaPort: replica.port });
    onPrimary = new Client({ connectionString: mes.db.url });
    await onPrimary.connect();
    const replicaUrl = new URL(mes.db.url);
    replicaUrl.port = String(replica.port);
    onReplica = new Client({ connectionString: replicaUrl.toString() });
    await onReplica.connect();
    rigKey = (await mes.admin.ok('mutation { registerRig(name: "RIG REPLICA", stationCode: "TST-1") { apiKey } }')).registerRig.apiKey;
  }, 900_000); // every app started on a machine shared with other suites
  afterAll(async () => {
    await onPrimary?.end().catch(() => undefined);
    await onReplica?.end().catch(() => undefined);
    await mes?.close();
    replica?.close();
    primary?.close();
    if (serverUrl === undefined) delete process.env.MES_TEST_DATABASE_URL;
    else process.env.MES_TEST_DATABASE_URL = serverUrl;
  });

  const postToDone = async (n: number) => {
    const sheet = `S-R0001-${String(n).padStart(4, '0')}`;
    const sim = simulateSheet({ seed: 160 + n, sheetIndex: n, rows: 10, cols: 10, cellActiveAreaCm2: 0.25 });
    const res = await fetch(`${mes.gatewayUrl}/api/v1/sheet-tests`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': rigKey },
      body: JSON.stringify(toSheetTestBody(sim, { testId: `REPLICA-${n}`, sheet, startedAt: '2026-11-22T10:00:00Z' })),
    });
    expect(res.status).toBe(202);
    const { sheetTestId } = (await res.json()) as { sheetTestId: string };
    for (let i = 0; i < 600; i++) {
      const r = await onPrimary.query(`SELECT status FROM test_data.sheet_tests WHERE id = $1`, [sheetTestId]);
      if (r.rows[0]?.status === 'DONE') return sheet;
      await new Promise((r) => setTimeout(r, 500));
    }
    throw new Error(`sheet test of ${sheet} not DONE within 5 minutes`);
  };
  const mapOf = async (sheet: string) =>
    ((await mes.admin.ok(`{ sheetMap(sheet: "${sheet}", metric: OCV_V) { values } }`)).sheetMap.values as (number | null)[]).filter(
      (v) => v !== null,
    ).length;
  /** The map values the primary has for the sheet (cells with an OCV: a cell without contact has none). */
  const valuesOnPrimary = async (sheet: string) =>
    (await onPrimary.query(`SELECT count(ocv_v)::int AS n FROM test_data.current_cell_results WHERE sheet_barcode = $1`, [sheet])).rows[0]
      .n as number;
  const testedOnRoll = async () => (await mes.admin.ok('{ rollYield(roll: "R0001") { cellsTested } }')).rollYield.cellsTested as number;

  it('is a streaming hot standby that refuses writes', async () => {
    expect((await onReplica.query('SELECT pg_is_in_recovery() AS r')).rows[0].r).toBe(true);
    const streaming = await new Client({ connectionString: primary.url });
    await streaming.connect();
    try {
      expect((await streaming.query(`SELECT state FROM pg_stat_replication`)).rows.map((r: { state: string }) => r.state)).toEqual([
        'streaming',
      ]);
    } finally {
      await streaming.end();
    }
    await expect(onReplica.query(`INSERT INTO test_data.roll_maps VALUES ('X', 1, 1, 1, now())`)).rejects.toThrow(
      'cannot execute INSERT in a read-only transaction',
    );
  });

  it('answers maps and yields from the replica: what the primary wrote shows once replayed, and not before', async () => {
    const first = await postToDone(1);
    // Within the replica's lag (loopback streaming: well under a second; a minute allowed on a busy machine).
    let seen = 0;
    for (let i = 0; i < 120 && seen === 0; i++) {
      seen = await mapOf(first);
      if (!seen) await new Promise((r) => setTimeout(r, 500));
    }
    expect(seen).toBeGreaterThan(90);
    expect(seen).toBe(await valuesOnPrimary(first));
    expect(await testedOnRoll()).toBe(100);

    // Replay paused: the primary has the next sheet's results, the maps (read on the replica) do not.
    await onReplica.query('SELECT pg_wal_replay_pause()');
    try {
      const second = await postToDone(2);
      expect(
        (await onPrimary.query(`SELECT count(*)::int AS n FROM test_data.current_cell_results WHERE sheet_barcode = $1`, [second])).rows[0]
          .n,
      ).toBe(100);
      expect(await mapOf(second)).toBe(0);
      expect(await testedOnRoll()).toBe(100);
    } finally {
      await onReplica.query('SELECT pg_wal_replay_resume()');
    }
    let tested = 0;
    for (let i = 0; i < 120 && tested < 200; i++) {
      tested = await testedOnRoll();
      if (tested < 200) await new Promise((r) => setTimeout(r, 500));
    }
    expect(tested).toBe(200);
    expect(await mapOf('S-R0001-0002')).toBe(await valuesOnPrimary('S-R0001-0002'));
  });

  it("reads on the replica through test-data's own connections, and writes none there", async () => {
    const reads = await onReplica.query(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'mes-test-data-reads' AND datname = current_database()`,
    );
    expect(reads.rows[0].n).toBeGreaterThan(0);
    const onPrimaryReads = await onPrimary.query(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'mes-test-data-reads'`,
    );
    expect(onPrimaryReads.rows[0].n).toBe(0);
  });
});
