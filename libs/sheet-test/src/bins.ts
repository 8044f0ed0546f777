/**
 * Soft bins of the contract (docs/contracts.md "Bins"): 0 the measurement or the rig failed (retest
 * allowed), 1 the best pass grade, 2..9 lower pass grades, 10 and above fail bins. Every soft bin
 * maps to one hard bin (the rule set says which).
 */

/** A soft bin: an integer from 0 up. */
export type SoftBin = number;
/** A hard bin: an integer from 0 up, as the rule set defines them. */
export type HardBin = number;

export const RIG_FAULT_SOFT_BIN = 0;
export const BEST_PASS_SOFT_BIN = 1;
export const LOWEST_PASS_SOFT_BIN = 9;
export const FIRST_FAIL_SOFT_BIN = 10;

export function isSoftBin(v: unknown): v is SoftBin {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0;
}

/** Soft bin 0: the measurement or the rig failed, not the cell; the cell may be retested. */
export function isRigFault(bin: SoftBin): boolean {
  return bin === RIG_FAULT_SOFT_BIN;
}

/** Soft bins 1..9: the cell passes, 1 the best grade. */
export function isPassGrade(bin: SoftBin): boolean {
  return Number.isInteger(bin) && bin >= BEST_PASS_SOFT_BIN && bin <= LOWEST_PASS_SOFT_BIN;
}

/** Soft bins 10 and above: the cell fails (the first failing rule decided which). */
export function isFailBin(bin: SoftBin): boolean {
  return Number.isInteger(bin) && bin >= FIRST_FAIL_SOFT_BIN;
}

/** The cell-state NO_CONTACT always bins to soft bin 0 (contract). */
export const NO_CONTACT_SOFT_BIN: SoftBin = RIG_FAULT_SOFT_BIN;
