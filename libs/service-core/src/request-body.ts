import { gunzip } from 'node:zlib';
import type { Request } from 'express';
import { DomainError } from './domain-error';

/**
 * The raw body, at most `limit` bytes. An oversized body is refused only once it has been read to
 * its end (up to a hard cap): answering in the middle of an upload makes the sender (or the gateway
 * in between) see a reset connection instead of the 413.
 */
function readLimited(req: Request, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let refused: DomainError | null = null;
    const declared = Number(req.headers['content-length'] ?? NaN);
    if (Number.isFinite(declared) && declared > limit) refused = tooLarge(limit, `${declared} bytes declared`);
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (refused) {
        if (size > 8 * limit) req.destroy(); // not worth reading further
        return;
      }
      if (size > limit) refused = tooLarge(limit, `more than ${limit} bytes sent`);
      else chunks.push(chunk);
    });
    req.on('end', () => (refused ? reject(refused) : resolve(Buffer.concat(chunks, size))));
    req.on('error', (e) => reject(refused ?? new DomainError('VALIDATION_FAILED', `The request body could not be read: ${e.message}`)));
  });
}

function tooLarge(limit: number, what: string): DomainError {
  return new DomainError('PAYLOAD_TOO_LARGE', `The body is too large (${what}); the limit is ${limit} bytes`, [], { limitBytes: limit });
}

/** The media type of a request, without parameters, in lower case ('' when there is none). */
export function mediaTypeOf(req: Request): string {
  return String(req.headers['content-type'] ?? '')
    .split(';')[0]
    .trim()
    .toLowerCase();
}

/**
 * A rig's body as bytes: content type one of `accepted` (else 415 naming them), size capped before
 * and after gunzip, a truncated or corrupt gzip stream refused. Read here rather than by a global
 * body parser so each of these answers has the contract's shape.
 */
export async function readBody(req: Request, limit: number, accepted: readonly string[]): Promise<{ mediaType: string; bytes: Buffer }> {
  const type = mediaTypeOf(req);
  if (!accepted.includes(type)) {
    req.resume();
    throw new DomainError('UNSUPPORTED_MEDIA_TYPE', `Content-Type ${type || '(none)'} is not accepted: expected ${accepted.join(' or ')}`);
  }
  const encoding = String(req.headers['content-encoding'] ?? 'identity')
    .trim()
    .toLowerCase();
  if (encoding !== 'identity' && encoding !== 'gzip') {
    req.resume();
    throw new DomainError('UNSUPPORTED_MEDIA_TYPE', `Content-Encoding ${encoding} is not accepted: expected gzip or none`);
  }
  let raw = await readLimited(req, limit);
  if (encoding === 'gzip') {
    raw = await new Promise<Buffer>((resolve, reject) =>
      gunzip(raw, { maxOutputLength: limit }, (e, out) => {
        if (!e) return resolve(out);
        if (e instanceof RangeError || /larger than|maxOutputLength/i.test(e.message)) return reject(tooLarge(limit, 'after gunzip'));
        reject(
          new DomainError('VALIDATION_FAILED', `The gzip body is corrupt or truncated: ${e.message}`, [
            { path: '', message: 'expected a complete gzip stream' },
          ]),
        );
      }),
    );
  }
  return { mediaType: type, bytes: raw };
}

/** JSON.parse of a body read by readBody, refused with the parser's message when it is not JSON. */
export function parseJsonBody(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch (e) {
    throw new DomainError('VALIDATION_FAILED', `The body is not valid JSON: ${e instanceof Error ? e.message : String(e)}`, [
      { path: '', message: 'expected a JSON object' },
    ]);
  }
}

/** The JSON body of a rig's post (sheet tests, stack tests, lab spectra): readBody, then JSON.parse. */
export async function readJsonBody(req: Request, limit: number): Promise<unknown> {
  return parseJsonBody((await readBody(req, limit, ['application/json'])).bytes);
}
