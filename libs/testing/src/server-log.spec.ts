import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { serverLogLines, serverLogsFor, TEST_LOG_DIR_ENV } from './server-log';

describe('server log lookup for an internal error', () => {
  const id = '3e04c22a-c276-4b5c-aff2-ffe87eee5f82';
  let dir: string;
  const before = process.env[TEST_LOG_DIR_ENV];
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'mes-log-'));
    process.env[TEST_LOG_DIR_ENV] = dir;
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
    if (before === undefined) delete process.env[TEST_LOG_DIR_ENV];
    else process.env[TEST_LOG_DIR_ENV] = before;
  });

  it("finds the line naming the id in any app's log, its stack unescaped", () => {
    const event = {
      time: '2026-12-03T10:00:00.000Z',
      level: 'error',
      app: 'gateway',
      message: `errorId=${id} FetchError: socket hang up`,
      stack: 'at a\nat b',
    };
    writeFileSync(
      path.join(dir, 'mes_test_x-gateway.log'),
      `${JSON.stringify({ ...event, message: 'other' })}\n${JSON.stringify(event)}\n`,
    );
    writeFileSync(path.join(dir, 'mes_test_x-tracking.log'), 'not json at all\n');
    expect(serverLogLines(id)).toEqual([`[gateway] errorId=${id} FetchError: socket hang up\nat a\nat b`]);
    expect(serverLogsFor([{ extensions: { code: 'INTERNAL_SERVER_ERROR', errorId: id } }])).toContain('the servers logged:\n[gateway]');
  });

  it('says nothing when no log names the id, or no directory is set', () => {
    writeFileSync(path.join(dir, 'a-gateway.log'), 'plain line\n');
    expect(serverLogsFor([{ extensions: { errorId: id } }])).toBe('');
    delete process.env[TEST_LOG_DIR_ENV];
    expect(serverLogLines(id)).toEqual([]);
  });
});
