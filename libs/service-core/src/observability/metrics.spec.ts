import type { IncomingMessage, ServerResponse } from 'node:http';
import { answerMetrics, BoundedLabels, operationLabel, routeLabel } from './metrics';

describe('metric labels stay kinds of requests, not one series per thing', () => {
  it('uses the matched route pattern where there is one', () => {
    expect(routeLabel({ baseUrl: '', route: { path: '/api/v1/sheet-tests/:id' }, originalUrl: '/api/v1/sheet-tests/9f1c' })).toBe(
      '/api/v1/sheet-tests/:id',
    );
  });

  it('replaces ids and barcodes in an unmatched path and cuts it at four segments', () => {
    expect(routeLabel({ originalUrl: '/api/v1/sheet-tests/3fa85f64-5717-4562-b3fc-2c963f66afa6?x=1' })).toBe('/api/v1/sheet-tests/:id');
    expect(routeLabel({ originalUrl: '/api/v1/exports/sheets/S-R0001-0003/stdf' })).toBe('/api/v1/exports/sheets');
    expect(routeLabel({ originalUrl: '/graphql' })).toBe('/graphql');
    expect(routeLabel({ originalUrl: '/' })).toBe('/');
  });

  it('keeps plain operation names and folds the rest', () => {
    expect(operationLabel('SheetMap')).toBe('SheetMap');
    expect(operationLabel(undefined)).toBe('anonymous');
    expect(operationLabel('drop table; --')).toBe('invalid-name');
    expect(operationLabel('x'.repeat(65))).toBe('invalid-name');
  });
});

describe('who may read /metrics', () => {
  const ask = async (remoteAddress: string, access: { token?: string }, authorization?: string) => {
    const req = { headers: authorization ? { authorization } : {}, socket: { remoteAddress } } as unknown as IncomingMessage;
    const answer = { status: 0, body: '' };
    const res = {
      set statusCode(s: number) {
        answer.status = s;
      },
      setHeader: () => undefined,
      end: (b: string) => void (answer.body = b),
    } as unknown as ServerResponse;
    await answerMetrics(req, res, access);
    return answer;
  };

  it('without METRICS_TOKEN: this host only', async () => {
    expect((await ask('127.0.0.1', {})).status).toBe(200);
    expect((await ask('::1', {})).status).toBe(200);
    const remote = await ask('10.0.4.17', {});
    expect(remote.status).toBe(403);
    expect(remote.body).toContain('METRICS_TOKEN');
  });

  it('with METRICS_TOKEN: whoever sends it, from anywhere, and nobody else (not even this host)', async () => {
    const token = 'scrape-token-0123456789';
    expect((await ask('10.0.4.17', { token }, `Bearer ${token}`)).status).toBe(200);
    expect((await ask('10.0.4.17', { token }, 'Bearer scrape-token-0123456780')).status).toBe(401);
    expect((await ask('127.0.0.1', { token })).status).toBe(401);
    expect((await ask('127.0.0.1', { token }, token)).status).toBe(401); // not as a bearer token
  });
});

describe('BoundedLabels', () => {
  it('keeps the first values by name and counts the rest as other', () => {
    const labels = new BoundedLabels(2);
    expect(['/a', '/b', '/c', '/a', '/d', '/b'].map((v) => labels.label(v))).toEqual(['/a', '/b', 'other', '/a', 'other', '/b']);
  });
});
