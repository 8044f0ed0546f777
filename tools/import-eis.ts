/**
 * `npm run import-eis -- FILE... --sheet S --cell ROW,COL --ocv V --api-key KEY`: reads lab impedance
 * files (Gamry .DTA, EC-Lab .mpt, ZPlot .z, Autolab text, VersaStudio .par, PowerSuite/Parstat text,
 * CH Instruments text, plain CSV) and posts each as a sheet test of a lab rig through the rigs' own
 * ingest API, so the spectra are fitted and binned like the line's. Each file is one test of its cell (its own frequency list);
 * the same file imported again is answered as a repeat and stored once.
 *
 * Exit codes: 0 every file stored (or already stored); 2 bad flags or a file that cannot be read
 * (nothing is posted then); 1 the MES refused a test.
 */
import { readFileSync, statSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { IMPEDANCE_FORMATS, ImpedanceFileError, labSheetTestBody, parseImpedanceFile, type ImpedanceFormat } from '@mes/interop';

export const USAGE = `Usage: npm run import-eis -- FILE... --sheet <barcode> --cell <row,col> --ocv <volts> [options]

Posts lab impedance spectra as sheet tests of a lab rig (register one with registerRig at the sheet's
test station; its key goes in --api-key or MES_RIG_API_KEY). The sheet must be waiting at its test
operation, as for any rig.

Options:
  --sheet <barcode>      the sheet the cell belongs to (required)
  --cell <row,col>       the cell; give it once for all files or once per file, in order (required)
  --ocv <volts>          open-circuit voltage before the sweep (required by the ingest contract)
  --temperature <degC>   measurement temperature                                   [25]
  --started-at <iso>     when the measurement started                              [the file's modification time]
  --format <name>        ${IMPEDANCE_FORMATS.join(' | ')}   [from the name and content]
  --url <url>            MES base URL                                              [http://127.0.0.1:3000]
  --api-key <key>        the lab rig's key                                         [env MES_RIG_API_KEY]
  -h, --help             this text`;

export class UsageError extends Error {
  override name = 'UsageError';
}

export interface ImportCommand {
  files: string[];
  sheet: string;
  cells: { row: number; col: number }[];
  ocvV: number;
  temperatureC: number;
  startedAt?: string;
  format?: ImpedanceFormat;
  url: string;
  apiKey: string;
}

export function parseImportArgs(argv: string[], env: Record<string, string | undefined>): ImportCommand | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        sheet: { type: 'string' },
        cell: { type: 'string', multiple: true },
        ocv: { type: 'string' },
        temperature: { type: 'string' },
        'started-at': { type: 'string' },
        format: { type: 'string' },
        url: { type: 'string' },
        'api-key': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const v = parsed.values;
  if (v.help) return 'help';
  const files = parsed.positionals;
  if (!files.length) throw new UsageError('no FILE given: name one or more impedance files');
  if (!v.sheet) throw new UsageError('--sheet is required: the barcode of the sheet the cell belongs to');
  const cells = (v.cell ?? []).map((c) => {
    const m = /^(\d+),(\d+)$/.exec(c.trim());
    if (!m) throw new UsageError(`--cell ${c}: expected ROW,COL (two whole numbers, e.g. 12,3)`);
    return { row: Number(m[1]), col: Number(m[2]) };
  });
  if (!cells.length) throw new UsageError('--cell is required: ROW,COL of the measured cell');
  if (cells.length !== 1 && cells.length !== files.length)
    throw new UsageError(`${cells.length} --cell for ${files.length} files: give one for all files or one per file`);
  const ocvV = Number(v.ocv);
  if (v.ocv === undefined || !Number.isFinite(ocvV))
    throw new UsageError(`--ocv ${v.ocv ?? '(missing)'}: expected the open-circuit voltage in volts`);
  const temperatureC = v.temperature === undefined ? 25 : Number(v.temperature);
  if (!Number.isFinite(temperatureC)) throw new UsageError(`--temperature ${v.temperature}: expected degrees Celsius`);
  if (v['started-at'] !== undefined && Number.isNaN(Date.parse(v['started-at'])))
    throw new UsageError(`--started-at ${v['started-at']}: expected an ISO 8601 time`);
  if (v.format !== undefined && !IMPEDANCE_FORMATS.includes(v.format as ImpedanceFormat))
    throw new UsageError(`--format ${v.format}: expected one of ${IMPEDANCE_FORMATS.join(', ')}`);
  const apiKey = v['api-key'] ?? env.MES_RIG_API_KEY;
  if (!apiKey) throw new UsageError('no rig key: pass --api-key or set MES_RIG_API_KEY (registerRig returns it once)');
  return {
    files,
    sheet: v.sheet,
    cells,
    ocvV,
    temperatureC,
    url: (v.url ?? 'http://127.0.0.1:3000').replace(/\/$/, ''),
    apiKey,
    ...(v['started-at'] ? { startedAt: new Date(v['started-at']).toISOString() } : {}),
    ...(v.format ? { format: v.format as ImpedanceFormat } : {}),
  };
}

/** Reads every file first (so a bad one posts nothing), then posts one test per file. */
export async function runImport(
  cmd: ImportCommand,
  log: (line: string) => void,
  readFile = (f: string) => readFileSync(f, 'utf8'),
  mtime = (f: string) => statSync(f).mtime,
): Promise<number> {
  const bodies = cmd.files.map((file, i) => {
    const spectrum = parseImpedanceFile(file, readFile(file), cmd.format);
    const cell = cmd.cells.length === 1 ? cmd.cells[0] : cmd.cells[i];
    return {
      file,
      spectrum,
      body: labSheetTestBody({
        spectrum,
        sheet: cmd.sheet,
        row: cell.row,
        col: cell.col,
        ocvV: cmd.ocvV,
        temperatureC: cmd.temperatureC,
        startedAt: cmd.startedAt ?? mtime(file).toISOString(),
      }),
    };
  });
  let failed = 0;
  for (const { file, spectrum, body } of bodies) {
    const res = await fetch(`${cmd.url}/api/v1/sheet-tests`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': cmd.apiKey },
      body: JSON.stringify(body),
    });
    const answer = (await res.json().catch(() => ({}))) as {
      sheetTestId?: string;
      status?: string;
      error?: { code: string; message: string };
    };
    if (res.status === 202 || res.status === 200) {
      log(
        `${file}: ${spectrum.format}, ${spectrum.freqHz.length} points -> sheet test ${answer.sheetTestId} (${res.status === 200 ? 'already stored' : answer.status})`,
      );
    } else {
      failed++;
      log(`${file}: refused (${res.status} ${answer.error?.code ?? ''}): ${answer.error?.message ?? 'no error body'}`);
    }
  }
  return failed ? 1 : 0;
}

if (require.main === module) {
  void (async () => {
    try {
      const cmd = parseImportArgs(process.argv.slice(2), process.env);
      if (cmd === 'help') {
        console.log(USAGE);
        return 0;
      }
      return await runImport(cmd, (l) => console.log(l));
    } catch (e) {
      if (
        e instanceof UsageError ||
        e instanceof ImpedanceFileError ||
        e instanceof RangeError ||
        (e as NodeJS.ErrnoException).code === 'ENOENT'
      ) {
        console.error(`import-eis: ${(e as Error).message}`);
        return 2;
      }
      console.error(`import-eis: ${e instanceof Error ? e.message : String(e)}`);
      return 1;
    }
  })().then((code) => process.exit(code));
}
