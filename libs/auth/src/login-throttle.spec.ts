import { decideLogin, type LoginThrottlePolicy } from './login-throttle';

describe('login throttle', () => {
  const policy: LoginThrottlePolicy = { perUser: 5, perAddress: 20, windowSeconds: 900 };
  const now = new Date('2026-12-01T12:00:00Z');
  const ago = (s: number) => new Date(now.getTime() - s * 1000);
  const times = (n: number, firstAgo: number, step = 1) => Array.from({ length: n }, (_, i) => ago(firstAgo - i * step));

  it('allows attempts below both limits', () => {
    expect(decideLogin({ user: times(4, 60), address: times(19, 60) }, now, policy)).toEqual({ allowed: true });
    expect(decideLogin({ user: [], address: [] }, now, policy)).toEqual({ allowed: true });
  });

  it('blocks a username at its fifth failure until the oldest counted one leaves the window', () => {
    // failures 100, 99, 98, 97, 96 s ago: the oldest leaves the 900 s window in 800 s
    expect(decideLogin({ user: times(5, 100), address: [] }, now, policy)).toEqual({
      allowed: false,
      scope: 'user',
      retryAfterSeconds: 800,
    });
  });

  it('counts only the newest `limit` failures: the wait ends when the limit-th newest leaves the window', () => {
    // 7 failures 700..694 s ago: 5th newest was 698 s ago, leaves in 202 s
    expect(decideLogin({ user: times(7, 700), address: [] }, now, policy)).toEqual({
      allowed: false,
      scope: 'user',
      retryAfterSeconds: 202,
    });
  });

  it('ignores failures older than the window and any in the future', () => {
    const old = times(10, 2000);
    expect(decideLogin({ user: [...old, ago(-30)], address: [] }, now, policy)).toEqual({ allowed: true });
    expect(decideLogin({ user: times(5, 901), address: [] }, now, policy)).toEqual({ allowed: true });
  });

  it('blocks an address at its twentieth failure, whatever usernames it tried', () => {
    expect(decideLogin({ user: [], address: times(20, 300, 10) }, now, policy)).toEqual({
      allowed: false,
      scope: 'address',
      retryAfterSeconds: 600,
    });
  });

  it('names the longer wait when both are blocked, and never waits less than a second', () => {
    const decision = decideLogin({ user: times(5, 899.5), address: times(20, 100) }, now, policy);
    expect(decision).toEqual({ allowed: false, scope: 'address', retryAfterSeconds: 800 });
    expect(decideLogin({ user: times(5, 899.9, 0), address: [] }, now, policy)).toEqual({
      allowed: false,
      scope: 'user',
      retryAfterSeconds: 1,
    });
  });
});
