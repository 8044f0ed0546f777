import { createHash } from 'node:crypto';
import { DEFECT_CLASSES, type DefectClass, type SheetAlignment, type SheetLayout } from '@mes/geometry';
import { parseTimestamp } from './timestamp';
import { MAX_PROBLEM_DETAILS, type SheetTestProblem } from './types';
import { describeValue } from './validate';

/**
 * An inspection station's (AOI) post: the defects it found on one sheet (docs/contracts.md
 * "Inspection results"). Positions are sheet millimetres: MD from the sheet's leading edge, CD from
 * the web's operator side; sizes are the defect's largest extent in micrometres.
 */
export interface InspectionDefect {
  class: DefectClass;
  mdMm: number;
  cdMm: number;
  sizeUm: number;
  image: string | null;
}

export interface InspectionBody {
  inspectionId: string;
  sheet: string;
  inspectedAt: string;
  alignment: SheetAlignment;
  defects: InspectionDefect[];
}

export type InspectionValidation = { ok: true; value: InspectionBody } | { ok: false; details: SheetTestProblem[]; problems: number };

export const INSPECTION_ID_MAX_LENGTH = 64;
export const MAX_DEFECTS_PER_INSPECTION = 100_000;
export const IMAGE_REF_MAX_LENGTH = 512;
/** Larger than any defect that leaves a cell worth testing; catches mm sent as µm. */
export const MAX_DEFECT_SIZE_UM = 100_000;
/** A fiducial fit further off than this is a failed fit, not a misregistration to record. */
export const MAX_ALIGNMENT_OFFSET_MM = 20;
export const MAX_ALIGNMENT_ROTATION_DEG = 5;

const TOP_FIELDS = ['inspectionId', 'sheet', 'inspectedAt', 'alignment', 'defects'];
const DEFECT_FIELDS = ['class', 'mdMm', 'cdMm', 'sizeUm', 'image'];
const CLASS_SET = new Set<string>(DEFECT_CLASSES);
const DEFECT_FIELD_SET = new Set(DEFECT_FIELDS);
const ID_PATTERN = /^[A-Za-z0-9._:-]+$/;

class Problems {
  readonly list: SheetTestProblem[] = [];
  total = 0;
  add(path: string, message: string): void {
    this.total++;
    if (this.total <= MAX_PROBLEM_DETAILS) this.list.push({ path, message });
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

function checkId(p: Problems, path: string, v: unknown): void {
  if (typeof v !== 'string' || v.length === 0 || v.length > INSPECTION_ID_MAX_LENGTH || !ID_PATTERN.test(v)) {
    p.add(path, `expected 1 to ${INSPECTION_ID_MAX_LENGTH} characters of A-Z a-z 0-9 . _ : -, got ${describeValue(v)}`);
  }
}

function checkUnknown(p: Problems, path: string, o: Record<string, unknown>, known: string[]): void {
  for (const k of Object.keys(o)) {
    if (!known.includes(k)) p.add(path ? `${path}.${k}` : k, `unknown field: expected only ${known.join(', ')}`);
  }
}

/**
 * Checks an inspection body in one pass without any lookup; every problem gets a path and says what
 * was expected (the first MAX_PROBLEM_DETAILS are listed, all are counted).
 */
export function validateInspectionBody(raw: unknown): InspectionValidation {
  const p = new Problems();
  if (!isObject(raw)) {
    p.add('', `expected a JSON object with ${TOP_FIELDS.join(', ')}, got ${describeValue(raw)}`);
    return { ok: false, details: p.list, problems: p.total };
  }
  checkUnknown(p, '', raw, TOP_FIELDS);
  checkId(p, 'inspectionId', raw.inspectionId);
  checkId(p, 'sheet', raw.sheet);
  if (typeof raw.inspectedAt !== 'string' || parseTimestamp(raw.inspectedAt) === null) {
    p.add('inspectedAt', `expected an ISO-8601 timestamp with a zone, such as 2026-11-22T10:00:00Z, got ${describeValue(raw.inspectedAt)}`);
  }
  let alignment: SheetAlignment = { offsetMdMm: 0, offsetCdMm: 0, rotationDeg: 0 };
  if (raw.alignment !== undefined) {
    const a = raw.alignment;
    if (!isObject(a)) p.add('alignment', `expected an object with offsetMdMm, offsetCdMm and rotationDeg, got ${describeValue(a)}`);
    else {
      checkUnknown(p, 'alignment', a, ['offsetMdMm', 'offsetCdMm', 'rotationDeg']);
      for (const [k, limit, unit] of [
        ['offsetMdMm', MAX_ALIGNMENT_OFFSET_MM, 'mm'],
        ['offsetCdMm', MAX_ALIGNMENT_OFFSET_MM, 'mm'],
        ['rotationDeg', MAX_ALIGNMENT_ROTATION_DEG, '°'],
      ] as const) {
        if (!isFiniteNumber(a[k]) || Math.abs(a[k]) > limit)
          p.add(`alignment.${k}`, `expected a number from -${limit} to ${limit} ${unit}, got ${describeValue(a[k])}`);
      }
      alignment = { offsetMdMm: a.offsetMdMm as number, offsetCdMm: a.offsetCdMm as number, rotationDeg: a.rotationDeg as number };
    }
  }
  const defects = raw.defects;
  if (!Array.isArray(defects)) {
    p.add('defects', `expected an array of defects (empty when the sheet is clean), got ${describeValue(defects)}`);
  } else if (defects.length > MAX_DEFECTS_PER_INSPECTION) {
    p.add('defects', `expected at most ${MAX_DEFECTS_PER_INSPECTION} defects, got ${defects.length}`);
  } else {
    for (let i = 0; i < defects.length; i++) {
      const d: unknown = defects[i];
      const at = `defects[${i}]`;
      if (!isObject(d)) {
        p.add(at, `expected an object with ${DEFECT_FIELDS.join(', ')}, got ${describeValue(d)}`);
        continue;
      }
      for (const k in d) if (!DEFECT_FIELD_SET.has(k)) p.add(`${at}.${k}`, `unknown field: expected only ${DEFECT_FIELDS.join(', ')}`);
      if (typeof d.class !== 'string' || !CLASS_SET.has(d.class))
        p.add(`${at}.class`, `expected one of ${DEFECT_CLASSES.join(', ')}, got ${describeValue(d.class)}`);
      if (!isFiniteNumber(d.mdMm) || d.mdMm < 0)
        p.add(`${at}.mdMm`, `expected millimetres >= 0 from the sheet's leading edge, got ${describeValue(d.mdMm)}`);
      if (!isFiniteNumber(d.cdMm) || d.cdMm < 0)
        p.add(`${at}.cdMm`, `expected millimetres >= 0 from the web's operator side, got ${describeValue(d.cdMm)}`);
      if (!isFiniteNumber(d.sizeUm) || d.sizeUm <= 0 || d.sizeUm > MAX_DEFECT_SIZE_UM) {
        p.add(`${at}.sizeUm`, `expected micrometres > 0 and <= ${MAX_DEFECT_SIZE_UM}, got ${describeValue(d.sizeUm)}`);
      }
      if (
        d.image !== undefined &&
        d.image !== null &&
        (typeof d.image !== 'string' || d.image.length === 0 || d.image.length > IMAGE_REF_MAX_LENGTH)
      ) {
        p.add(
          `${at}.image`,
          `expected an image reference of 1 to ${IMAGE_REF_MAX_LENGTH} characters (or null), got ${describeValue(d.image)}`,
        );
      }
    }
  }
  if (p.total > 0) {
    if (p.total > p.list.length) {
      const more = p.total - p.list.length;
      p.list.push({ path: '', message: `${more} more problem${more === 1 ? '' : 's'} not listed (only the first ${p.list.length} are)` });
    }
    return { ok: false, details: p.list, problems: p.total };
  }
  return {
    ok: true,
    value: {
      inspectionId: raw.inspectionId as string,
      sheet: raw.sheet as string,
      inspectedAt: raw.inspectedAt as string,
      alignment,
      defects: (defects as Record<string, unknown>[]).map((d) => ({
        class: d.class as DefectClass,
        mdMm: d.mdMm as number,
        cdMm: d.cdMm as number,
        sizeUm: d.sizeUm as number,
        image: (d.image as string | null | undefined) ?? null,
      })),
    },
  };
}

/** One line for the error answer: the first problem, with how many more there are. */
export function inspectionValidationMessage(details: readonly SheetTestProblem[], problems = details.length): string {
  const first = details[0];
  const where = first.path === '' ? '' : `${first.path}: `;
  const rest = problems > 1 ? ` (and ${problems - 1} more problem${problems === 2 ? '' : 's'}, see details)` : '';
  return `invalid inspection: ${where}${first.message}${rest}`;
}

/**
 * Problems only the sheet's layout can show: a defect beyond the sheet's length. (CD has no upper
 * bound here: the web width belongs to the roll.) Listed like body problems.
 */
export function checkDefectsOnSheet(body: InspectionBody, layout: Pick<SheetLayout, 'sheetLengthMdMm'>): SheetTestProblem[] {
  const out: SheetTestProblem[] = [];
  let count = 0;
  body.defects.forEach((d, i) => {
    if (d.mdMm > layout.sheetLengthMdMm) {
      count++;
      if (out.length < MAX_PROBLEM_DETAILS)
        out.push({ path: `defects[${i}].mdMm`, message: `expected at most the sheet length ${layout.sheetLengthMdMm} mm, got ${d.mdMm}` });
    }
  });
  if (count > out.length) out.push({ path: '', message: `${count - out.length} more defects beyond the sheet not listed` });
  return out;
}

/**
 * The content an inspection id stands for: a repeat with the same content is answered as before,
 * other content under the same id is refused. The timestamp counts as an instant (zone-independent).
 */
export function inspectionContentHash(body: InspectionBody): string {
  const ts = parseTimestamp(body.inspectedAt);
  if (ts === null)
    throw new RangeError(`inspectedAt is not a valid timestamp: ${JSON.stringify(body.inspectedAt)}; validate the body first`);
  const h = createHash('sha256');
  const a = body.alignment;
  h.update(
    `mes.inspection.v1|${body.inspectionId}|${body.sheet}|${ts.epochSeconds}.${ts.fraction}|${a.offsetMdMm}|${a.offsetCdMm}|${a.rotationDeg}|`,
  );
  // One update per 1,000 defects: a hash update per defect costs more than the text it hashes. The
  // image is written with its length first, so no image text can pass for the next field.
  let chunk = '';
  const defects = body.defects;
  for (let i = 0; i < defects.length; i++) {
    const d = defects[i];
    chunk += d.class + ',' + d.mdMm + ',' + d.cdMm + ',' + d.sizeUm + ',' + (d.image === null ? '-' : d.image.length + ':' + d.image) + ';';
    if (i % 1000 === 999) {
      h.update(chunk);
      chunk = '';
    }
  }
  h.update(chunk);
  return h.digest('hex');
}
