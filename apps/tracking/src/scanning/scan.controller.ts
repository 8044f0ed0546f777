import { Controller, HttpCode, Post, Req, UseFilters } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import type { Request } from 'express';
import { TokenService, type Actor } from '@mes/auth';
import { DomainError, readJsonBody, RestErrorFilter, validationFailed } from '@mes/service-core';
import { ScanInput, type ScanResultModel } from './scan.model';
import { ScanService } from './scan.service';

/** A scan is a few short fields; anything far larger is not one. */
const MAX_SCAN_BODY_BYTES = 16 * 1024;

/**
 * `POST /api/v1/scans`: the `scan` mutation for scanner terminals, without GraphQL on the way
 * (the gateway streams it here as it is). The body is the mutation's input, the answer its
 * ScanResult with every field; the same ScanService does the work, so the checks, refusals,
 * holds and audit records are the mutation's. Any role may scan, as with the mutation.
 */
@Controller('api/v1/scans')
@UseFilters(RestErrorFilter)
export class ScanController {
  constructor(
    private readonly scans: ScanService,
    private readonly tokens: TokenService,
  ) {}

  @Post()
  @HttpCode(200)
  async scan(@Req() req: Request): Promise<ScanResultModel> {
    let actor: Actor;
    try {
      actor = this.authenticate(req);
    } catch (e) {
      req.resume(); // the body unread, so the connection can carry the next scan
      throw e;
    }
    return this.scans.scan(actor, await scanInputOf(await readJsonBody(req, MAX_SCAN_BODY_BYTES)));
  }

  /** The same checks and messages as the GraphQL guard. */
  private authenticate(req: Request): Actor {
    const m = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '');
    if (!m) throw new DomainError('UNAUTHENTICATED', 'Authentication required: send Authorization: Bearer <token> from the login mutation');
    const actor = this.tokens.verify(m[1].trim());
    if (!actor) throw new DomainError('UNAUTHENTICATED', 'The bearer token is invalid or expired: log in again');
    return actor;
  }
}

/**
 * The body as a ScanInput, checked by the same class-validator rules as the mutation's input (error
 * paths named `input.<field>` as there). GraphQL's own type checks (a field it does not know, a
 * missing one) are done here by the whitelist and the rules.
 */
async function scanInputOf(body: unknown): Promise<ScanInput> {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new DomainError('VALIDATION_FAILED', 'The body must be a JSON object: { barcode, stationCode, action, ... }', [
      { path: 'input', message: 'expected an object' },
    ]);
  const input = plainToInstance(ScanInput, body);
  const errors = await validate(input, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length) throw validationFailed(errors);
  return input;
}
