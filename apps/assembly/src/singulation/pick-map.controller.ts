import { Controller, Get, Headers, Param, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { pickMapCsv, type PickStrategy } from '@mes/assembly';
import { TokenService } from '@mes/auth';
import { DomainError } from '@mes/service-core';
import { SingulationService } from './singulation.service';

/** The transfer map as the picking machine reads it: GET /api/v1/pick-maps/{sheet}.csv?strategy=GRADED|KITS (Bearer token). */
@Controller('api/v1/pick-maps')
export class PickMapController {
  constructor(
    private readonly singulation: SingulationService,
    private readonly tokens: TokenService,
  ) {}

  @Get(':file')
  async csv(
    @Param('file') file: string,
    @Query('strategy') strategy: string | undefined,
    @Headers('authorization') auth: string | undefined,
    @Res() res: Response,
  ): Promise<void> {
    const match = auth ? /^Bearer\s+(.+)$/i.exec(auth) : null;
    if (!match)
      throw new DomainError('UNAUTHENTICATED', 'Authentication required: send Authorization: Bearer <token> from the login mutation');
    if (!this.tokens.verify(match[1].trim()))
      throw new DomainError('UNAUTHENTICATED', 'The bearer token is invalid or expired: log in again');
    if (!file.endsWith('.csv')) throw new DomainError('NOT_FOUND', `Unknown pick-map file ${file}: expected <sheet>.csv`);
    const s = (strategy ?? 'GRADED').toUpperCase();
    if (s !== 'GRADED' && s !== 'KITS')
      throw new DomainError('VALIDATION_FAILED', `strategy ${strategy}: expected GRADED or KITS`, [
        { path: 'strategy', message: 'expected GRADED or KITS' },
      ]);
    const map = await this.singulation.pickMap(decodeURIComponent(file.slice(0, -4)), s as PickStrategy);
    res.status(200).type('text/csv; charset=utf-8').setHeader('content-disposition', `attachment; filename="${map.sheet}-pick-map.csv"`);
    res.send(pickMapCsv(map));
  }
}
