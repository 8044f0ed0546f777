import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import type { Request } from 'express';
import fc from 'fast-check';
import { anyJson, damagedBytes, UNIT_FUZZ_RUNS } from '@mes/testing';
import { DomainError } from './domain-error';
import { readJsonBody } from './request-body';

/**
 * The framing of every rig post (content type, gzip, size) fuzzed: whatever bytes arrive, the reader
 * hands back the JSON value they carry or refuses with a DomainError that says what was wrong. Never
 * another kind of error, never a hang.
 */

const LIMIT = 4096;

function request(body: Uint8Array, headers: Record<string, string>): Request {
  const req = Readable.from([Buffer.from(body)]) as unknown as Request;
  req.headers = headers;
  return req;
}

async function outcome(body: Uint8Array, headers: Record<string, string>): Promise<{ value: unknown } | { error: DomainError }> {
  try {
    return { value: await readJsonBody(request(body, headers), LIMIT) };
  } catch (e) {
    if (!(e instanceof DomainError)) throw new Error(`readJsonBody threw ${String(e)}, not a DomainError`);
    expect(['VALIDATION_FAILED', 'PAYLOAD_TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE']).toContain(e.code);
    // what was expected is in the message or in a detail naming where
    expect([e.message, ...e.details.map((d) => d.message)].join(' ')).toMatch(/expected|limit/);
    return { error: e };
  }
}

const json = { 'content-type': 'application/json' };
const gzipped = { ...json, 'content-encoding': 'gzip' };

describe('readJsonBody (fuzzed)', () => {
  it('reads back every JSON value sent plain or gzipped, and refuses one over the limit as too large', async () => {
    await fc.assert(
      fc.asyncProperty(anyJson(4, true), fc.boolean(), async (v, gz) => {
        const text = Buffer.from(JSON.stringify(v) ?? 'null');
        const r = await outcome(gz ? gzipSync(text) : text, gz ? gzipped : json);
        if (text.length > LIMIT) expect('error' in r && r.error.code).toBe('PAYLOAD_TOO_LARGE');
        else expect(r).toEqual({ value: JSON.parse(text.toString()) });
      }),
      { numRuns: UNIT_FUZZ_RUNS },
    );
  });

  it('answers damaged gzip streams and random bytes with the value or a clear refusal', async () => {
    const valid = gzipSync(Buffer.from(JSON.stringify({ testId: 'T-1', cells: [{ row: 0, col: 0, ocvV: 3.9 }] })));
    await fc.assert(
      fc.asyncProperty(damagedBytes(valid), fc.boolean(), async (bytes, gz) => {
        await outcome(bytes, gz ? gzipped : json);
      }),
      { numRuns: UNIT_FUZZ_RUNS },
    );
  });

  it('refuses any other content type or encoding with 415, whatever the body', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          'content-type': fc.string({ maxLength: 30 }),
          'content-encoding': fc.constantFrom('gzip', 'identity', 'br', 'deflate', ''),
        }),
        fc.uint8Array({ maxLength: 64 }),
        async (headers, bytes) => {
          const r = await outcome(bytes, headers);
          const type = headers['content-type'].split(';')[0].trim().toLowerCase();
          const enc = headers['content-encoding'].trim().toLowerCase();
          if (type !== 'application/json' || !['gzip', 'identity'].includes(enc))
            expect('error' in r && r.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
        },
      ),
      { numRuns: UNIT_FUZZ_RUNS },
    );
  });
});
