import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { impedanceFixtures as fx } from '@mes/interop';
import { parseImportArgs, runImport, UsageError } from './import-eis';

describe('import-eis', () => {
  const env = { MES_RIG_API_KEY: 'k1' };

  it('reads the flags: one cell for all files or one per file, the key from the environment', () => {
    const cmd = parseImportArgs(['a.mpt', 'b.DTA', '--sheet', 'S-1', '--cell', '3,4', '--ocv', '0.1'], env);
    expect(cmd).toMatchObject({
      files: ['a.mpt', 'b.DTA'],
      sheet: 'S-1',
      cells: [{ row: 3, col: 4 }],
      ocvV: 0.1,
      temperatureC: 25,
      apiKey: 'k1',
      url: 'http://127.0.0.1:3000',
    });
    expect(
      parseImportArgs(['a.mpt', 'b.mpt', '--sheet', 'S', '--cell', '1,2', '--cell', '1,3', '--ocv', '0', '--api-key', 'k2'], {}),
    ).toMatchObject({
      cells: [
        { row: 1, col: 2 },
        { row: 1, col: 3 },
      ],
      apiKey: 'k2',
    });
  });

  it.each<[string[], string]>([
    [['--sheet', 'S', '--cell', '1,2', '--ocv', '0'], 'no FILE given'],
    [['a.mpt', '--cell', '1,2', '--ocv', '0'], '--sheet is required'],
    [['a.mpt', '--sheet', 'S', '--cell', '1;2', '--ocv', '0'], '--cell 1;2: expected ROW,COL'],
    [['a.mpt', 'b.mpt', 'c.mpt', '--sheet', 'S', '--cell', '1,2', '--cell', '1,3', '--ocv', '0'], '2 --cell for 3 files'],
    [['a.mpt', '--sheet', 'S', '--cell', '1,2'], '--ocv (missing): expected the open-circuit voltage'],
    [['a.mpt', '--sheet', 'S', '--cell', '1,2', '--ocv', '0', '--format', 'xlsx'], '--format xlsx: expected one of'],
    [['a.mpt', '--sheet', 'S', '--cell', '1,2', '--ocv', '0', '--bogus'], "Unknown option '--bogus'"],
  ])('refuses %j: %s', (argv, message) => {
    expect(() => parseImportArgs(argv, env)).toThrow(UsageError);
    expect(() => parseImportArgs(argv, env)).toThrow(message);
  });

  describe('posting', () => {
    let server: Server;
    let url: string;
    const posts: { key: string; body: Record<string, unknown> }[] = [];
    beforeAll(async () => {
      server = createServer((req, res) => {
        let data = '';
        req.on('data', (c) => (data += c));
        req.on('end', () => {
          const body = JSON.parse(data) as Record<string, unknown>;
          posts.push({ key: String(req.headers['x-api-key']), body });
          const repeat = posts.filter((p) => p.body.testId === body.testId).length > 1;
          res
            .writeHead(repeat ? 200 : 202, { 'content-type': 'application/json' })
            .end(JSON.stringify({ sheetTestId: `id-${posts.length}`, status: 'QUEUED' }));
        });
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise<void>((r) => server.close(() => r())));

    const files: Record<string, string> = {
      'a.mpt': fx.biologicMpt(fx.randlesSweep()),
      'b.DTA': fx.gamryDta(fx.randlesSweep(21)),
      'bad.z': 'ZPlot2 Ascii\r\nno end of comments\r\n',
    };
    const read = (f: string): string => files[f];
    const mtime = (): Date => new Date('2026-11-22T09:00:00Z');

    it('posts one test per file to the rigs ingest with the rig key; a second import is answered as a repeat', async () => {
      const lines: string[] = [];
      const cmd = {
        ...(parseImportArgs(
          ['a.mpt', 'b.DTA', '--sheet', 'S-1', '--cell', '3,4', '--cell', '3,5', '--ocv', '0.1', '--url', url],
          env,
        ) as Exclude<ReturnType<typeof parseImportArgs>, 'help'>),
      };
      expect(await runImport(cmd, (l) => lines.push(l), read, mtime)).toBe(0);
      expect(
        posts.map((p) => [
          p.key,
          p.body.sheet,
          (p.body.cells as { col: number }[])[0].col,
          (p.body.frequenciesHz as number[]).length,
          p.body.startedAt,
        ]),
      ).toEqual([
        ['k1', 'S-1', 4, 31, '2026-11-22T09:00:00.000Z'],
        ['k1', 'S-1', 5, 21, '2026-11-22T09:00:00.000Z'],
      ]);
      expect(lines[0]).toMatch(/^a\.mpt: biologic-mpt, 31 points -> sheet test id-1 \(QUEUED\)$/);
      await runImport(cmd, (l) => lines.push(l), read, mtime);
      expect(lines[2]).toContain('(already stored)');
    });

    it('posts nothing when any file cannot be read', async () => {
      const before = posts.length;
      const cmd = parseImportArgs(['a.mpt', 'bad.z', '--sheet', 'S-1', '--cell', '3,4', '--ocv', '0.1', '--url', url], env) as Exclude<
        ReturnType<typeof parseImportArgs>,
        'help'
      >;
      await expect(runImport(cmd, () => undefined, read, mtime)).rejects.toThrow('bad.z: no "End Comments" line');
      expect(posts.length).toBe(before);
    });
  });
});
