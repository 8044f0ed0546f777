/**
 * Idempotency of rig posts: the same `testId` posted again answers 200 when its content is the same
 * and 409 when it differs. "The same content" is decided on a canonical form, hashed with SHA-256:
 *
 * - JSON layout does not matter: key order, whitespace and number spelling (`12.10`, `12.1`,
 *   `1.21e1`) disappear at JSON.parse; numbers enter the hash as their IEEE-754 float64 bits, with -0
 *   taken as 0. (Hashing numbers as bits, not as decimal text, also keeps the hash at ~1 ms for a
 *   full sheet: formatting 250,000 doubles as text costs tens of ms.)
 * - A missing `status` is OK; cells are taken in (row, col) order, so a rig that sends the same cells
 *   in another order posts the same content. `frequenciesHz` keep their posted order (the spectra follow it).
 * - `startedAt` is taken as the instant it denotes: `10:00:00Z` and `11:00:00+01:00` are the same,
 *   and so are `10:00:00Z` and `10:00:00.000Z`.
 *
 * Canonical form v1 (changing it would make re-posts of stored tests look different: add a v2 instead):
 *   UTF-8 of JSON.stringify(["mes.sheet-test.v1", testId, sheet, startedAtInstant, frequencyCount, cellCount])
 *   then float64 little-endian: temperatureC, each frequency, then per cell in (row, col) order:
 *   row, col, status (0 OK, 1 NO_CONTACT), ocvV (0 for NO_CONTACT), and for an OK cell of a test with
 *   frequencies its zReOhm values then its zImOhm values.
 * `startedAtInstant` is `<epoch seconds>` or `<epoch seconds>.<fraction without trailing zeros>`.
 *
 * The hash is of the posted doubles: store it with the test and compare stored hashes, do not recompute
 * it from the stored (float32) spectra.
 */
import { createHash } from 'node:crypto';
import { HOST_IS_LITTLE_ENDIAN } from './encoding';
import { parseTimestamp } from './timestamp';
import { columnsOfBody, rowMajorOrder, type SheetTestColumns } from './columns';
import { CELL_STATUS_CODE, type SheetTestBody, type SheetTestHeader } from './types';

export const CONTENT_HASH_VERSION = 'mes.sheet-test.v1';

/** Hex SHA-256 of the canonical form of a body that `validateSheetTestBody` accepted. */
export function contentHash(body: SheetTestBody): string {
  return contentHashOfColumns(body, columnsOfBody(body));
}

/** The same hash from the header and the cells' columns (a JSON body's, or an Arrow stream's). */
export function contentHashOfColumns(header: SheetTestHeader, columns: SheetTestColumns): string {
  const ts = parseTimestamp(header.startedAt);
  if (ts === null) throw new RangeError(`startedAt is not a valid timestamp: ${JSON.stringify(header.startedAt)}; validate the body first`);
  const instant = ts.fraction === '' ? String(ts.epochSeconds) : `${ts.epochSeconds}.${ts.fraction}`;
  const freqs = header.frequenciesHz ?? [];
  const n = freqs.length;
  const { count, status, ocv, zRe, zIm, points } = columns;
  if (points !== n) throw new RangeError(`the columns hold spectra of ${points} points, the header ${n} frequencies`);
  const order = rowMajorOrder(columns);
  let okCells = 0;
  for (let i = 0; i < count; i++) if (status[i] !== CELL_STATUS_CODE.NO_CONTACT) okCells++;

  const values = new Float64Array(1 + n + 4 * count + 2 * n * okCells);
  let o = 0;
  values[o++] = header.temperatureC + 0; // + 0 turns -0 into 0
  for (let j = 0; j < n; j++) values[o++] = freqs[j] + 0;
  for (let k = 0; k < count; k++) {
    const i = order[k];
    values[o++] = columns.rows[i];
    values[o++] = columns.cols[i];
    if (status[i] === CELL_STATUS_CODE.NO_CONTACT) {
      values[o++] = 1;
      values[o++] = 0;
      continue;
    }
    values[o++] = 0;
    values[o++] = ocv[i] + 0;
    const base = i * n;
    for (let j = 0; j < n; j++) values[o++] = zRe[base + j] + 0;
    for (let j = 0; j < n; j++) values[o++] = zIm[base + j] + 0;
  }
  const bytes = Buffer.from(values.buffer, values.byteOffset, values.byteLength);
  if (!HOST_IS_LITTLE_ENDIAN) bytes.swap64();
  return createHash('sha256')
    .update(JSON.stringify([CONTENT_HASH_VERSION, header.testId, header.sheet, instant, n, count]), 'utf8')
    .update(bytes)
    .digest('hex');
}
