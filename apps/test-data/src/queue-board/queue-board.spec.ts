import type { NextFunction, Request, Response } from 'express';
import { Role, TokenService } from '@mes/auth';
import { adminOnly, QUEUE_BOARD_COOKIE } from './queue-board';

describe('the queue dashboard’s door (adminOnly)', () => {
  const tokens = new TokenService('s'.repeat(40), 3600);
  const tokenOf = (role: Role) => tokens.sign({ userId: `u-${role}`, username: role.toLowerCase(), role });
  const call = (req: { method?: string; path?: string; headers?: Record<string, string> }) => {
    const answer: { status?: number; body?: unknown; headers: Record<string, string>; passed: boolean } = { headers: {}, passed: false };
    const res = {
      status(s: number) {
        answer.status = s;
        return this;
      },
      json(b: unknown) {
        answer.body = b;
      },
      end() {},
      setHeader(k: string, v: string) {
        answer.headers[k] = v;
      },
    } as unknown as Response;
    adminOnly(tokens, 3600)(
      { method: 'GET', path: '/', headers: {}, ...req } as Request,
      res,
      (() => (answer.passed = true)) as NextFunction,
    );
    return answer;
  };

  it('lets an ADMIN through, by bearer token or by the dashboard cookie', () => {
    expect(call({ headers: { authorization: `Bearer ${tokenOf(Role.ADMIN)}` } }).passed).toBe(true);
    expect(call({ headers: { cookie: `other=1; ${QUEUE_BOARD_COOKIE}=${tokenOf(Role.ADMIN)}` } }).passed).toBe(true);
  });

  it('refuses every other role with 403 and no or a bad token with 401, saying why', () => {
    for (const role of [Role.ENGINEER, Role.OPERATOR]) {
      const a = call({ headers: { authorization: `Bearer ${tokenOf(role)}` } });
      expect(a).toMatchObject({ passed: false, status: 403 });
      expect(JSON.stringify(a.body)).toContain(`is ${role}`);
      expect(call({ headers: { cookie: `${QUEUE_BOARD_COOKIE}=${tokenOf(role)}` } })).toMatchObject({ passed: false, status: 403 });
    }
    expect(call({})).toMatchObject({ passed: false, status: 401 });
    expect(call({ headers: { authorization: 'Bearer forged.token.here' } })).toMatchObject({ passed: false, status: 401 });
    const otherSecret = new TokenService('t'.repeat(40), 3600).sign({ userId: 'x', username: 'x', role: Role.ADMIN });
    expect(call({ headers: { authorization: `Bearer ${otherSecret}` } })).toMatchObject({ passed: false, status: 401 });
  });

  it('gives a cookie only for a bearer ADMIN token, limited to the dashboard path', () => {
    const ok = call({ method: 'POST', path: '/session', headers: { authorization: `Bearer ${tokenOf(Role.ADMIN)}` } });
    expect(ok).toMatchObject({ passed: false, status: 204 });
    expect(ok.headers['set-cookie']).toMatch(/; Path=\/admin\/queues; HttpOnly; SameSite=Strict; Max-Age=3600$/);
    // A cookie cannot renew itself into a new one.
    expect(call({ method: 'POST', path: '/session', headers: { cookie: `${QUEUE_BOARD_COOKIE}=${tokenOf(Role.ADMIN)}` } })).toMatchObject({
      status: 401,
    });
  });
});
