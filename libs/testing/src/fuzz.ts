/**
 * Arbitraries for fuzzing external inputs with fast-check: any JSON a client could send (with the
 * awkward keys and numbers a hostile or broken client sends), and corruptions of a valid value (a
 * field removed, retyped, duplicated, an unknown field added), which reach deeper into a validator
 * than random values do. Pure: no services.
 */
import fc from 'fast-check';

export type JsonLike = null | boolean | number | string | JsonLike[] | { [key: string]: JsonLike };

/** Keys that trip naive code: prototype names, empty, control characters, long ones. */
export const awkwardKey: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.string({ maxLength: 12 }), weight: 4 },
  { arbitrary: fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', '', ' ', '\u0000'), weight: 2 },
  { arbitrary: fc.string({ minLength: 41, maxLength: 200 }), weight: 1 },
);

/** Numbers of every awkward kind (JSON cannot carry NaN or ±Infinity, but a pure validator must bear them). */
export const awkwardNumber: fc.Arbitrary<number> = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.constantFrom(0, -0, -1, 1e308, -1e308, 3.5e38, Number.MAX_SAFE_INTEGER + 2, Number.EPSILON, NaN, Infinity, -Infinity),
);

/** An own property, as JSON.parse makes one: `o.__proto__ = v` would set the prototype instead. */
function setOwn(o: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Any JSON-like value (numbers include NaN and ±Infinity unless `jsonOnly`), at most `depth` deep. */
export function anyJson(depth = 3, jsonOnly = false): fc.Arbitrary<unknown> {
  const num = jsonOnly ? fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true })) : awkwardNumber;
  const leaf = fc.oneof(fc.constant(null), fc.boolean(), num, fc.string({ maxLength: 20 }));
  const { value } = fc.letrec<{ value: unknown }>((tie) => ({
    value: fc.oneof(
      { depthSize: 'small', maxDepth: depth },
      leaf,
      fc.array(tie('value'), { maxLength: 4 }),
      fc.array(fc.tuple(awkwardKey, tie('value')), { maxLength: 4 }).map((entries) => {
        const o: Record<string, unknown> = {};
        for (const [k, v] of entries) setOwn(o, k, v);
        return o;
      }),
    ),
  }));
  return value;
}

type Mutation = { at: number; op: 'replace' | 'delete' | 'insert' | 'duplicate' | 'retype'; key: string; value: unknown };

interface Slot {
  parent: Record<string, unknown> | unknown[] | null;
  key: string | number;
  value: unknown;
}

function slots(root: unknown): Slot[] {
  const out: Slot[] = [{ parent: null, key: '', value: root }];
  for (let i = 0; i < out.length && out.length < 5000; i++) {
    const v = out[i].value;
    if (Array.isArray(v)) v.forEach((x, j) => out.push({ parent: v, key: j, value: x }));
    else if (v !== null && typeof v === 'object')
      for (const k of Object.keys(v)) out.push({ parent: v as Record<string, unknown>, key: k, value: (v as Record<string, unknown>)[k] });
  }
  return out;
}

function retyped(v: unknown): unknown {
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') return v === '' ? 0 : Number.isNaN(Number(v)) ? [v] : Number(v);
  if (typeof v === 'boolean') return v ? 1 : 'false';
  if (Array.isArray(v)) return v.length > 0 ? v[0] : {};
  if (v === null) return 'null';
  return [v];
}

function apply(root: unknown, m: Mutation): unknown {
  const all = slots(root);
  const s = all[m.at % all.length];
  const set = (value: unknown) => {
    if (s.parent === null) root = value;
    else if (Array.isArray(s.parent)) s.parent[s.key as number] = value;
    else setOwn(s.parent, s.key as string, value);
  };
  switch (m.op) {
    case 'replace':
      set(m.value);
      break;
    case 'retype':
      set(retyped(s.value));
      break;
    case 'delete':
      if (Array.isArray(s.parent)) s.parent.splice(s.key as number, 1);
      else if (s.parent) delete s.parent[s.key as string];
      else root = undefined;
      break;
    case 'insert':
      if (Array.isArray(s.value)) s.value.push(m.value);
      else if (s.value !== null && typeof s.value === 'object') setOwn(s.value as Record<string, unknown>, m.key, m.value);
      else set(m.value);
      break;
    case 'duplicate':
      if (Array.isArray(s.parent)) s.parent.splice(s.key as number, 0, structuredClone(s.value));
      else set([s.value, s.value]);
      break;
  }
  return root;
}

/** `valid` with 1 to `max` random corruptions (the valid value itself is not changed). */
export function corrupted(valid: unknown, max = 3): fc.Arbitrary<unknown> {
  const mutation: fc.Arbitrary<Mutation> = fc.record({
    at: fc.nat(),
    op: fc.constantFrom('replace', 'delete', 'insert', 'duplicate', 'retype'),
    key: awkwardKey,
    value: anyJson(2),
  });
  return fc.array(mutation, { minLength: 1, maxLength: max }).map((ms) => {
    let v: unknown = structuredClone(valid);
    for (const m of ms) v = apply(v, m);
    return v;
  });
}

/** Random bytes with the first bytes of a valid gzip stream sometimes kept, so the decoder goes past its header check. */
export function damagedBytes(valid: Uint8Array): fc.Arbitrary<Uint8Array> {
  return fc.oneof(
    fc.nat({ max: Math.max(0, valid.length - 1) }).map((n) => valid.slice(0, n)), // truncated
    fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }).map((flips) => {
      const out = Uint8Array.from(valid); // bytes overwritten
      for (const [at, b] of flips) out[at % out.length] = b;
      return out;
    }),
    fc.uint8Array({ maxLength: 64 }).map((tail) => Uint8Array.from([...valid, ...tail])), // trailing garbage
    fc.uint8Array({ maxLength: 256 }), // noise
  );
}

/** Runs per property in the unit tier; FUZZ_RUNS raises it for a longer session on one input. */
export const UNIT_FUZZ_RUNS = Number(process.env.FUZZ_RUNS ?? 2000);
