/**
 * A product's sheet-test policy: how often a sheet with rig-fault cells (soft bin 0) waits at its
 * test for a retest, and the yield below which a tested sheet is held for engineering.
 */
export interface TestPolicy {
  /** Retests a sheet waits for while it still has rig-fault cells (0: never waits). */
  maxRetests: number;
  /** A sheet whose yield (pass / (pass + fail)) is below this fraction is held; 0 never holds. */
  yieldHoldBelow: number;
}

/** The policy of a product nobody has set one for. */
export const DEFAULT_TEST_POLICY: Readonly<TestPolicy> = Object.freeze({ maxRetests: 1, yieldHoldBelow: 0.8 });

export const MAX_RETESTS_LIMIT = 10;

/** Every problem of a proposed policy as { path, message }; empty when it is valid. */
/** A value for a message: String() throws on an object whose toString is not a function, and says nothing for []. */
function shown(v: unknown): string {
  if (typeof v === 'number' || typeof v === 'boolean' || v === null || v === undefined) return String(v);
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  return Array.isArray(v) ? 'an array' : `a ${typeof v}`;
}

export function validateTestPolicy(policy: { maxRetests: unknown; yieldHoldBelow: unknown }): { path: string; message: string }[] {
  const issues: { path: string; message: string }[] = [];
  const r = policy.maxRetests;
  if (typeof r !== 'number' || !Number.isInteger(r) || r < 0 || r > MAX_RETESTS_LIMIT) {
    issues.push({ path: 'maxRetests', message: `expected a whole number of retests from 0 to ${MAX_RETESTS_LIMIT}, got ${shown(r)}` });
  }
  const y = policy.yieldHoldBelow;
  if (typeof y !== 'number' || !Number.isFinite(y) || y < 0 || y > 1) {
    issues.push({
      path: 'yieldHoldBelow',
      message: `expected a yield fraction from 0 to 1 (0.8 holds sheets below 80 %), got ${shown(y)}`,
    });
  }
  return issues;
}

/** A binned sheet's current standing: its cells' current results counted by kind. */
export interface SheetStanding {
  pass: number;
  fail: number;
  rigFault: number;
  /** Tests of the sheet binned so far (the first one included). */
  testsDone: number;
}

export type SheetDisposition =
  | { kind: 'WAITS_FOR_RETEST'; rigFault: number }
  | { kind: 'TRACKED_OUT'; yieldFraction: number; good: number; reject: number }
  | { kind: 'HELD'; yieldFraction: number; good: number; reject: number; reason: string };

/**
 * What happens to a sheet once a test of it is binned: it waits at its test while it has rig-fault
 * cells and retests left; otherwise it is tracked out with its good and reject counts (rig faults
 * left count as rejects), and held when its yield is below the policy's threshold.
 */
export function sheetDisposition(standing: SheetStanding, policy: TestPolicy, testId: string): SheetDisposition {
  if (standing.rigFault > 0 && standing.testsDone <= policy.maxRetests) return { kind: 'WAITS_FOR_RETEST', rigFault: standing.rigFault };
  const tested = standing.pass + standing.fail;
  const yieldFraction = tested ? standing.pass / tested : 0;
  const counts = { yieldFraction, good: standing.pass, reject: standing.fail + standing.rigFault };
  if (yieldFraction < policy.yieldHoldBelow) {
    const pct = (x: number) => `${(100 * x).toFixed(1).replace(/\.0$/, '')} %`;
    return {
      kind: 'HELD',
      ...counts,
      reason: `${holdReasonPrefix(testId)} yield ${pct(yieldFraction)} is below the threshold of ${pct(policy.yieldHoldBelow)}`,
    };
  }
  return { kind: 'TRACKED_OUT', ...counts };
}

/** Every low-yield hold reason starts with this, so a repeated finish can see its hold is placed already. */
export function holdReasonPrefix(testId: string): string {
  return `Sheet test ${testId}:`;
}
