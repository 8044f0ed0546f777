import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * A secret from the environment, else the one kept under .data/, else a new one written there
 * (readable by this user only). `generated` says whether it was made just now.
 */
export function keptSecret(
  dataDir: string,
  file: string,
  fromEnv: string | undefined,
  bytes: number,
): { value: string; generated: boolean; file: string } {
  const where = path.join(dataDir, file);
  if (fromEnv) return { value: fromEnv, generated: false, file: where };
  if (existsSync(where)) return { value: readFileSync(where, 'utf8').trim(), generated: false, file: where };
  mkdirSync(dataDir, { recursive: true });
  const value = randomBytes(bytes).toString('base64url');
  writeFileSync(where, `${value}\n`, { mode: 0o600 });
  return { value, generated: true, file: where };
}
