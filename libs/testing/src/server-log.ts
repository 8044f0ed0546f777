import { closeSync, mkdirSync, openSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Where the apps a suite starts write their log lines (LOG_LEVEL error), one file per database and
 * app. `npm test` sets it; unset, the apps' output is dropped as before.
 */
export const TEST_LOG_DIR_ENV = 'MES_TEST_LOG_DIR';

/** A file descriptor to give an app as its standard output, or 'ignore' when no log directory is set. */
export function appLogOutput(database: string, app: string): number | 'ignore' {
  const dir = process.env[TEST_LOG_DIR_ENV];
  if (!dir) return 'ignore';
  mkdirSync(dir, { recursive: true });
  return openSync(path.join(dir, `${database}-${app}.log`), 'a');
}

/** Closes a descriptor appLogOutput opened (the child keeps its own copy). */
export function closeAppLogOutput(out: number | 'ignore'): void {
  if (typeof out === 'number') closeSync(out);
}

/**
 * The server's log lines that name `errorId`: an "Internal error <id>" answer says no more than the
 * id, and on CI the apps' logs are not otherwise seen, so a failing call carries them in its message.
 */
export function serverLogLines(errorId: string): string[] {
  const dir = process.env[TEST_LOG_DIR_ENV];
  if (!dir || !/^[0-9a-f-]{36}$/.test(errorId)) return [];
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.log'));
  } catch {
    return [];
  }
  const lines: string[] = [];
  for (const f of files) {
    for (const line of readFileSync(path.join(dir, f), 'utf8').split('\n')) {
      if (!line.includes(errorId)) continue;
      // The apps write one JSON event a line (not a terminal); its message and stack read better unescaped.
      try {
        const e = JSON.parse(line) as { app?: string; message?: string; stack?: string };
        lines.push(`[${e.app ?? f}] ${e.message ?? ''}${e.stack ? `\n${e.stack}` : ''}`);
      } catch {
        lines.push(`[${f}] ${line}`);
      }
    }
  }
  return lines;
}

/** The errorIds of an answer's internal errors, with what the servers logged under each. */
export function serverLogsFor(errors: readonly { extensions?: Record<string, unknown> }[] | undefined): string {
  const ids = (errors ?? []).map((e) => e.extensions?.errorId).filter((id): id is string => typeof id === 'string');
  const lines = ids.flatMap(serverLogLines);
  return lines.length ? `\nthe servers logged:\n${lines.join('\n')}` : '';
}
