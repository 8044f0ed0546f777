/**
 * `npm run simulate -- --url http://127.0.0.1:3000 --rolls 1 --sheets 20`: drives a running MES as a
 * line would (operators scanning, a cutter, a test rig posting OCV/EIS data) through its public APIs
 * only. The work is done by LineDriver (libs/simulator); this file parses the flags and prints.
 *
 * Exit codes: 0 done; 2 usage or setup errors (bad flags, no password, unreachable URL, login refused,
 * unknown product);
 * 1 the MES refused or failed a step during the run.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  EndOfLine,
  formatEndOfLineSummary,
  formatLineRunSummary,
  LineDriver,
  LineDriverError,
  lineRunTruth,
  type EndOfLineOptions,
  type LineDriverOptions,
} from '@mes/simulator';

export const USAGE = `Usage: npm run simulate -- [options]

Drives a running MES through its GraphQL and REST APIs: registers rolls, scans them through the ROLL
steps of the product's route, cuts them into sheets, scans the sheets up to SHEET_TEST and, when the
test-data service is deployed, posts simulated sheet tests as a rig (retesting soft-bin-0 cells).
With --end-of-line it goes on to the end of the line: singulates the binned sheets (a few cells
break), builds stacks from the stack proposal by scanning each layer, injects open and shorted
layers, posts every stack's final test, imports cycler results of sample stacks, and prints the
injected faults against those the stack test found.

Options:
  --url <url>            MES base URL (GraphQL at <url>/graphql, REST at <url>/api/v1)  [http://127.0.0.1:3000]
  --user <name>          user to log in as                                             [admin]
  --password <pw>        password [env MES_ADMIN_PASSWORD, else .data/admin-password from npm start]
  --product <code>       product to run                                                [TFB-0505]
  --rolls <n>            rolls to register (1-1000)                                    [1]
  --sheets <n>           sheets to cut from each roll (1-5000)                         [20]
  --seed <n>             seed of the simulated physics (integer)                       [1]
  --gzip                 post sheet tests with Content-Encoding: gzip
  --inspect              inspect each sheet at the INSPECTION station (AOI defects, alignment) before its test
  --misregistration <p>  percent of patterned sheets pushed past the layout tolerance    [2]
  --truth <file.json>    write the ground truth (per sheet: row, col, kind of every cell)
  --concurrency <n>      sheets driven at once (1-64)                                  [4]
  --max-retests <n>      retests of soft-bin-0 cells per sheet (0-5)                   [1]
  --test-timeout <s>     seconds to wait for one sheet test to be binned               [120]
  --prefix <text>        roll barcode prefix (barcodes are <prefix>-<n>)               [SIM-<timestamp>]
  --end-of-line          singulate, stack, stack-test and cycle after the sheet test
  --stacks <n>           stacks to build from the proposal (0-500)                     [12]
  --open-layers <n>      stacks built with one layer not connected                     [2]
  --shorted-layers <n>   stacks built with one shorted layer                           [2]
  --cycled <n>           passing stacks whose cycler results are imported (0-100)      [3]
  -h, --help             this text

Exit codes: 0 done; 2 bad flags or setup (unreachable URL, no password, login refused, unknown product);
1 the MES refused or failed a step, or the stack final test did not find exactly the injected faults.`;

/** A bad command line: printed as one line, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export type SimulateCommand =
  | { kind: 'help' }
  | { kind: 'run'; options: LineDriverOptions; truthFile?: string; endOfLine?: Required<Omit<EndOfLineOptions, 'cycles' | 'brokenRate'>> };

const OPTIONS = {
  url: { type: 'string' },
  user: { type: 'string' },
  password: { type: 'string' },
  product: { type: 'string' },
  rolls: { type: 'string' },
  sheets: { type: 'string' },
  seed: { type: 'string' },
  gzip: { type: 'boolean' },
  inspect: { type: 'boolean' },
  misregistration: { type: 'string' },
  truth: { type: 'string' },
  concurrency: { type: 'string' },
  'max-retests': { type: 'string' },
  'test-timeout': { type: 'string' },
  prefix: { type: 'string' },
  'end-of-line': { type: 'boolean' },
  stacks: { type: 'string' },
  'open-layers': { type: 'string' },
  'shorted-layers': { type: 'string' },
  cycled: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

function integer(flag: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined) return fallback;
  const v = /^[+-]?\d+$/.test(raw.trim()) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(v) || v < min || v > max) {
    throw new UsageError(`--${flag} must be an integer from ${min} to ${max}, got ${JSON.stringify(raw)}`);
  }
  return v;
}

/** Rewrites node:util parseArgs errors as one short line. */
function parseError(e: unknown): UsageError {
  const code = (e as { code?: string }).code;
  const message = e instanceof Error ? e.message : String(e);
  const option = /'(-{1,2}[^' ]+)/.exec(message)?.[1];
  switch (code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return new UsageError(`unknown option ${option ?? message}`);
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      if (/does not take an argument/.test(message)) return new UsageError(`${option ?? 'an option'} takes no value`);
      if (/ambiguous/.test(message))
        return new UsageError(`${option ?? 'an option'} needs a value (write ${option ?? '--option'}=<value> for one starting with "-")`);
      return new UsageError(`${option ?? 'an option'} needs a value`);
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return new UsageError(`unexpected argument ${/'([^']*)'/.exec(message)?.[1] ?? message}: every option is a --flag`);
    default:
      return new UsageError(message);
  }
}

/**
 * The command a command line asks for. `env` gives MES_ADMIN_PASSWORD; `passwordFile` is the file
 * npm start keeps the generated admin password in (read only when no password is given otherwise).
 */
export function parseSimulateArgs(
  argv: readonly string[],
  env: Record<string, string | undefined> = {},
  passwordFile?: string,
): SimulateCommand {
  let values: ReturnType<typeof parseArgs<{ args: string[]; options: typeof OPTIONS; strict: true; allowPositionals: false }>>['values'];
  try {
    values = parseArgs({ args: [...argv], options: OPTIONS, strict: true, allowPositionals: false }).values;
  } catch (e) {
    throw parseError(e);
  }
  if (values.help) return { kind: 'help' };

  const url = values.url ?? 'http://127.0.0.1:3000';
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`--url must be an http(s) URL such as http://127.0.0.1:3000, got ${JSON.stringify(url)}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new UsageError(`--url must be an http(s) URL such as http://127.0.0.1:3000, got ${JSON.stringify(url)}`);
  }
  const rolls = integer('rolls', values.rolls, 1, 1, 1000);
  const sheets = integer('sheets', values.sheets, 20, 1, 5000);
  const seed = integer('seed', values.seed, 1, -(2 ** 31), 2 ** 32 - 1);
  const concurrency = integer('concurrency', values.concurrency, 4, 1, 64);
  const maxRetests = integer('max-retests', values['max-retests'], 1, 0, 5);
  const testTimeoutS = integer('test-timeout', values['test-timeout'], 120, 1, 86_400);
  const product = values.product ?? 'TFB-0505';
  if (!product.trim()) throw new UsageError('--product must not be empty');
  const username = values.user ?? 'admin';
  if (!username.trim()) throw new UsageError('--user must not be empty');
  if (values.prefix !== undefined && !/^[A-Za-z0-9][A-Za-z0-9._:-]{0,40}$/.test(values.prefix)) {
    throw new UsageError(
      `--prefix must be 1-41 letters, digits, ".", "_", ":" or "-" (it starts roll barcodes), got ${JSON.stringify(values.prefix)}`,
    );
  }
  if (values.truth !== undefined && !values.truth.trim()) throw new UsageError('--truth needs a file name');
  const eolFlags = (['stacks', 'open-layers', 'shorted-layers', 'cycled'] as const).filter((f) => values[f] !== undefined);
  if (!values['end-of-line'] && eolFlags.length) throw new UsageError(`--${eolFlags[0]} needs --end-of-line`);
  let endOfLine: Required<Omit<EndOfLineOptions, 'cycles' | 'brokenRate'>> | undefined;
  if (values['end-of-line']) {
    const stacks = integer('stacks', values.stacks, 12, 0, 500);
    const openLayers = integer('open-layers', values['open-layers'], 2, 0, 500);
    const shortedLayers = integer('shorted-layers', values['shorted-layers'], 2, 0, 500);
    if (openLayers + shortedLayers > stacks)
      throw new UsageError(
        `--open-layers ${openLayers} and --shorted-layers ${shortedLayers} need ${openLayers + shortedLayers} stacks (one fault per stack), --stacks is ${stacks}`,
      );
    endOfLine = { stacks, openLayers, shortedLayers, cycled: integer('cycled', values.cycled, 3, 0, 100) };
  }

  let password = values.password ?? env.MES_ADMIN_PASSWORD;
  if (password === undefined && passwordFile && existsSync(passwordFile)) password = readFileSync(passwordFile, 'utf8').trim();
  if (!password) {
    throw new UsageError(
      `no password for ${username}: pass --password, set MES_ADMIN_PASSWORD, or run npm start (it keeps the admin password in .data/admin-password)`,
    );
  }

  return {
    kind: 'run',
    options: {
      url: url.replace(/\/+$/, ''),
      username,
      password,
      product,
      rolls,
      sheets,
      seed,
      gzip: values.gzip ?? false,
      concurrency,
      maxRetests,
      testTimeoutMs: testTimeoutS * 1000,
      keepTruth: values.truth !== undefined,
      ...(values.inspect ? { inspect: true } : {}),
      misregistrationRate: integer('misregistration', values.misregistration, 2, 0, 100) / 100,
      ...(values.prefix !== undefined ? { rollPrefix: values.prefix } : {}),
    },
    ...(values.truth !== undefined ? { truthFile: values.truth } : {}),
    ...(endOfLine ? { endOfLine } : {}),
  };
}

/** Setup problems the person running the simulator can fix: exit code 2 like a bad flag. */
const SETUP_ERRORS = new Set(['UNREACHABLE', 'NOT_AN_MES', 'LOGIN_FAILED', 'NOT_FOUND']);

export async function main(argv: readonly string[], env: Record<string, string | undefined> = process.env): Promise<number> {
  let command: SimulateCommand;
  try {
    command = parseSimulateArgs(argv, env, path.resolve(__dirname, '..', '.data', 'admin-password'));
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`simulate: ${e.message} (see --help)\n`);
      return 2;
    }
    throw e;
  }
  if (command.kind === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const log = (line: string) => process.stdout.write(`${line}\n`);
  const driver = new LineDriver({ ...command.options, log });
  try {
    const result = await driver.run();
    for (const line of formatLineRunSummary(result)) log(line);
    if (command.truthFile) {
      writeFileSync(command.truthFile, JSON.stringify(lineRunTruth(result)));
      log(`ground truth written to ${command.truthFile}`);
    }
    if (command.endOfLine) {
      const eol = await new EndOfLine(driver, result, command.endOfLine, log).run();
      for (const line of formatEndOfLineSummary(eol)) log(line);
      if (!eol.comparison.exact) {
        process.stderr.write(
          `simulate: the stack final test did not find exactly the injected faults (${eol.comparison.missed} missed, ${eol.comparison.falseAlarms} false alarms)\n`,
        );
        return 1;
      }
    }
    return 0;
  } catch (e) {
    if (e instanceof LineDriverError) {
      process.stderr.write(`simulate: ${e.message}\n`);
      return SETUP_ERRORS.has(e.code) ? 2 : 1;
    }
    process.stderr.write(`simulate: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return 1;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      process.stderr.write(`simulate: ${String(e)}\n`);
      process.exit(1);
    },
  );
}
