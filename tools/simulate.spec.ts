import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseSimulateArgs, UsageError } from './simulate';

const PW = ['--password', 'secret-pw'];

function usageError(argv: string[], env: Record<string, string> = {}, file?: string): string {
  try {
    parseSimulateArgs(argv, env, file);
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    return (e as Error).message;
  }
  throw new Error('expected a usage error');
}

describe('parseSimulateArgs', () => {
  it('has the documented defaults', () => {
    const c = parseSimulateArgs(PW);
    expect(c).toEqual({
      kind: 'run',
      options: {
        url: 'http://127.0.0.1:3000',
        username: 'admin',
        password: 'secret-pw',
        product: 'TFB-0505',
        rolls: 1,
        sheets: 20,
        seed: 1,
        gzip: false,
        concurrency: 4,
        maxRetests: 1,
        testTimeoutMs: 120_000,
        keepTruth: false,
        misregistrationRate: 0.02,
      },
    });
  });

  it('takes every flag', () => {
    const c = parseSimulateArgs([
      '--url',
      'http://mes.local:8080/',
      '--user',
      'eng1',
      '--password',
      'pw-123456',
      '--product',
      'TFB-1010',
      '--rolls',
      '3',
      '--sheets',
      '7',
      '--seed',
      '42',
      '--gzip',
      '--truth',
      'out/truth.json',
      '--concurrency',
      '8',
      '--max-retests',
      '2',
      '--test-timeout',
      '30',
      '--prefix',
      'RUN7',
      '--misregistration',
      '10',
    ]);
    expect(c).toEqual({
      kind: 'run',
      truthFile: 'out/truth.json',
      options: {
        url: 'http://mes.local:8080',
        username: 'eng1',
        password: 'pw-123456',
        product: 'TFB-1010',
        rolls: 3,
        sheets: 7,
        seed: 42,
        gzip: true,
        concurrency: 8,
        maxRetests: 2,
        testTimeoutMs: 30_000,
        keepTruth: true,
        misregistrationRate: 0.1,
        rollPrefix: 'RUN7',
      },
    });
    expect(parseSimulateArgs(['--rolls=2', ...PW])).toMatchObject({ options: { rolls: 2 } });
  });

  it('inspects each sheet only when asked', () => {
    expect(parseSimulateArgs([...PW, '--inspect'])).toMatchObject({ options: { inspect: true } });
    expect((parseSimulateArgs(PW) as { options: object }).options).not.toHaveProperty('inspect');
  });

  it('turns the end of the line on with its counts, and refuses them without it or beyond the stacks', () => {
    expect(parseSimulateArgs([...PW, '--end-of-line'])).toMatchObject({
      endOfLine: { stacks: 12, openLayers: 2, shortedLayers: 2, cycled: 3 },
    });
    expect(
      parseSimulateArgs([...PW, '--end-of-line', '--stacks', '5', '--open-layers', '1', '--shorted-layers', '4', '--cycled', '0']),
    ).toMatchObject({ endOfLine: { stacks: 5, openLayers: 1, shortedLayers: 4, cycled: 0 } });
    expect(parseSimulateArgs(PW)).not.toHaveProperty('endOfLine');
    expect(usageError([...PW, '--stacks', '5'])).toBe('--stacks needs --end-of-line');
    expect(usageError([...PW, '--end-of-line', '--stacks', '3'])).toBe(
      '--open-layers 2 and --shorted-layers 2 need 4 stacks (one fault per stack), --stacks is 3',
    );
    expect(usageError([...PW, '--end-of-line', '--cycled', '101'])).toBe('--cycled must be an integer from 0 to 100, got "101"');
  });

  it('asks for help', () => {
    expect(parseSimulateArgs(['--help'])).toEqual({ kind: 'help' });
    expect(parseSimulateArgs(['-h', '--rolls', '0'])).toEqual({ kind: 'help' });
  });

  it('finds the password in the flag, then MES_ADMIN_PASSWORD, then the file npm start writes', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'simulate-spec-'));
    try {
      const file = path.join(dir, 'admin-password');
      writeFileSync(file, 'from-file-pw\n');
      expect(parseSimulateArgs([], { MES_ADMIN_PASSWORD: 'from-env-pw' }, file)).toMatchObject({ options: { password: 'from-env-pw' } });
      expect(parseSimulateArgs(['--password', 'flag-pw'], { MES_ADMIN_PASSWORD: 'from-env-pw' }, file)).toMatchObject({
        options: { password: 'flag-pw' },
      });
      expect(parseSimulateArgs([], {}, file)).toMatchObject({ options: { password: 'from-file-pw' } });
      expect(usageError([], {}, path.join(dir, 'missing'))).toBe(
        'no password for admin: pass --password, set MES_ADMIN_PASSWORD, or run npm start (it keeps the admin password in .data/admin-password)',
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each([
    [['--rolls', '0'], '--rolls must be an integer from 1 to 1000, got "0"'],
    [['--rolls', '-1'], '--rolls needs a value (write --rolls=<value> for one starting with "-")'],
    [['--rolls=-1'], '--rolls must be an integer from 1 to 1000, got "-1"'],
    [['--rolls', '1.5'], '--rolls must be an integer from 1 to 1000, got "1.5"'],
    [['--sheets', 'many'], '--sheets must be an integer from 1 to 5000, got "many"'],
    [['--sheets', '5001'], '--sheets must be an integer from 1 to 5000, got "5001"'],
    [['--seed', '0x10'], '--seed must be an integer from -2147483648 to 4294967295, got "0x10"'],
    [['--max-retests', '9'], '--max-retests must be an integer from 0 to 5, got "9"'],
    [['--misregistration', '101'], '--misregistration must be an integer from 0 to 100, got "101"'],
    [['--bogus'], 'unknown option --bogus'],
    [['-x'], 'unknown option -x'],
    [['--rolls'], '--rolls needs a value'],
    [['--gzip=yes'], '--gzip takes no value'],
    [['extra'], 'unexpected argument extra: every option is a --flag'],
    [['--url', 'not a url'], '--url must be an http(s) URL such as http://127.0.0.1:3000, got "not a url"'],
    [['--url', 'ftp://mes'], '--url must be an http(s) URL such as http://127.0.0.1:3000, got "ftp://mes"'],
    [['--prefix', 'bad prefix'], '--prefix must be 1-41 letters, digits, ".", "_", ":" or "-" (it starts roll barcodes), got "bad prefix"'],
    [['--product', ''], '--product must not be empty'],
    [['--password'], '--password needs a value'],
  ])('refuses %j with one line', (argv, message) => {
    const m = usageError([...PW, ...argv]);
    expect(m).toBe(message);
    expect(m).not.toContain('\n');
  });
});
