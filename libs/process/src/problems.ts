/** One thing wrong with an input: where (a JSON-style path) and what was wrong and expected. */
export type Problem = { path: string; message: string };

/** A short description of a value for messages: `NaN`, `-2`, `string "abc"`, `null`, `an array`. */
export function describeValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  switch (typeof v) {
    case 'number':
      return String(v);
    case 'string':
      return `string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
    case 'boolean':
      return `boolean ${String(v)}`;
    case 'object':
      return 'an object';
    default:
      return typeof v;
  }
}

export type Obj = Record<string, unknown>;
export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
export const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** `base.key`, or `base["odd key"]` when the key is not an identifier, so paths stay unambiguous. */
export function childPath(base: string, key: string): string {
  const k = /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
  return base === '' ? k.replace(/^\./, '') : `${base}${k}`;
}

/** NFKC so that 'Å' (U+212B ANGSTROM SIGN) equals 'Å' and '℃' equals '°C'. */
export const normalizeUnit = (unit: string): string => unit.normalize('NFKC').trim();
