/**
 * The body a stack test rig posts (POST /api/v1/stack-tests), checked in one pass without any
 * lookup: every problem with its JSON path, as the sheet-test validator reports them.
 */

export interface StackTestBody {
  testId: string;
  stack: string;
  ocvV: number;
  frequenciesHz: number[];
  zReOhm: number[];
  zImOhm: number[];
}

export interface StackTestBodyProblem {
  path: string;
  message: string;
}

export type StackTestBodyValidation = { ok: true; value: StackTestBody } | { ok: false; problems: StackTestBodyProblem[] };

export const STACK_TEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;
export const MAX_STACK_TEST_FREQUENCIES = 200;
const FIELDS = ['testId', 'stack', 'ocvV', 'frequenciesHz', 'zReOhm', 'zImOhm'];

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  return typeof v === 'object' ? 'an object' : `${typeof v} ${String(v)}`;
}

export function validateStackTestBody(body: unknown): StackTestBodyValidation {
  const problems: StackTestBodyProblem[] = [];
  const add = (path: string, message: string) => problems.push({ path, message });
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, problems: [{ path: '', message: `expected a JSON object with ${FIELDS.join(', ')}, got ${describe(body)}` }] };
  }
  const b = body as Record<string, unknown>;
  for (const k of Object.keys(b)) if (!FIELDS.includes(k)) add(k, `unknown field; the body has only ${FIELDS.join(', ')}`);
  if (typeof b.testId !== 'string' || !STACK_TEST_ID.test(b.testId))
    add('testId', `expected 1-64 characters of [A-Za-z0-9._:-], got ${describe(b.testId)}`);
  if (typeof b.stack !== 'string' || b.stack.length < 1 || b.stack.length > 64)
    add('stack', `expected the stack's barcode (1-64 characters), got ${describe(b.stack)}`);
  if (typeof b.ocvV !== 'number' || !Number.isFinite(b.ocvV) || b.ocvV < -1 || b.ocvV > 6)
    add('ocvV', `expected a number of volts from -1 to 6, got ${describe(b.ocvV)}`);
  let n = -1;
  const f = b.frequenciesHz;
  if (!Array.isArray(f) || f.length < 3 || f.length > MAX_STACK_TEST_FREQUENCIES) {
    add(
      'frequenciesHz',
      `expected an array of 3 to ${MAX_STACK_TEST_FREQUENCIES} frequencies, got ${Array.isArray(f) ? `${f.length} values` : describe(f)}`,
    );
  } else {
    n = f.length;
    const seen = new Set<number>();
    f.forEach((x, i) => {
      if (typeof x !== 'number' || !Number.isFinite(x) || x <= 0)
        add(`frequenciesHz[${i}]`, `expected a positive number of hertz, got ${describe(x)}`);
      else if (seen.has(x)) add(`frequenciesHz[${i}]`, `${x} Hz is listed twice; expected distinct frequencies`);
      else seen.add(x);
    });
  }
  for (const key of ['zReOhm', 'zImOhm'] as const) {
    const z = b[key];
    if (!Array.isArray(z)) {
      add(key, `expected an array of ohms, one per frequency, got ${describe(z)}`);
      continue;
    }
    if (n >= 0 && z.length !== n) add(key, `expected ${n} values (one per frequency), got ${z.length}`);
    z.forEach((x, i) => {
      if (typeof x !== 'number' || !Number.isFinite(x)) add(`${key}[${i}]`, `expected a finite number of ohms, got ${describe(x)}`);
    });
  }
  if (problems.length) return { ok: false, problems };
  return {
    ok: true,
    value: {
      testId: b.testId as string,
      stack: b.stack as string,
      ocvV: b.ocvV as number,
      frequenciesHz: f as number[],
      zReOhm: b.zReOhm as number[],
      zImOhm: b.zImOhm as number[],
    },
  };
}
