/**
 * How many failed logins a username and a client address may have in a window before further
 * attempts are refused, and for how long. Pure: the caller reads the recent failures from its store.
 * Per user against guessing one account's password (from anywhere), per address against one client
 * trying many accounts. A refused attempt is not checked at all (no password oracle) and is not
 * counted as a failure, so the wait ends when the oldest counted failure leaves the window.
 */
export interface LoginThrottlePolicy {
  /** Failures of one username within the window that block it. */
  perUser: number;
  /** Failures from one client address within the window that block it. */
  perAddress: number;
  windowSeconds: number;
}

export const DEFAULT_LOGIN_THROTTLE: LoginThrottlePolicy = { perUser: 5, perAddress: 20, windowSeconds: 15 * 60 };

export type LoginThrottleDecision = { allowed: true } | { allowed: false; scope: 'user' | 'address'; retryAfterSeconds: number };

/**
 * Decide on a login attempt at `now` from the failures of its username and of its address, each the
 * newest failures within the window (at least `limit` of them when there are that many; older or
 * extra ones change nothing).
 */
export function decideLogin(
  failures: { user: readonly Date[]; address: readonly Date[] },
  now: Date,
  policy: LoginThrottlePolicy = DEFAULT_LOGIN_THROTTLE,
): LoginThrottleDecision {
  const waits = [
    { scope: 'user' as const, wait: secondsUntilBelow(failures.user, policy.perUser, now, policy.windowSeconds) },
    { scope: 'address' as const, wait: secondsUntilBelow(failures.address, policy.perAddress, now, policy.windowSeconds) },
  ].filter((w) => w.wait > 0);
  if (!waits.length) return { allowed: true };
  const longest = waits.reduce((a, b) => (b.wait > a.wait ? b : a));
  return { allowed: false, scope: longest.scope, retryAfterSeconds: longest.wait };
}

/** Seconds until fewer than `limit` of `failures` lie within the window ending at `now`; 0 when already so. */
function secondsUntilBelow(failures: readonly Date[], limit: number, now: Date, windowSeconds: number): number {
  const windowMs = windowSeconds * 1000;
  const recent = failures
    .map((f) => f.getTime())
    .filter((t) => t > now.getTime() - windowMs && t <= now.getTime())
    .sort((a, b) => b - a);
  if (recent.length < limit) return 0;
  // The limit-th newest failure must leave the window for the count to drop below the limit.
  return Math.max(1, Math.ceil((recent[limit - 1] + windowMs - now.getTime()) / 1000));
}
