import { Controller, Get, Inject, Param, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { DomainError, readJsonBody } from '@mes/service-core';
import type { RigEntity } from '@mes/test-data-store';
import { SheetTestStatusService } from '../results/sheet-test-status.service';
import { RigService, SHEET_TEST_OPERATION } from '../rigs/rig.service';
import { TrackingClient } from '@mes/tracking-client';
import { SheetTestIngestService } from './sheet-test-ingest.service';

export const INGEST_LIMITS = Symbol('INGEST_LIMITS');

/** The rig-facing REST contract (docs/contracts.md "Rig ingest"); every call carries X-Api-Key. */
@Controller('api/v1/sheet-tests')
export class SheetTestsController {
  constructor(
    private readonly rigs: RigService,
    private readonly ingest: SheetTestIngestService,
    private readonly status: SheetTestStatusService,
    private readonly tracking: TrackingClient,
    @Inject(INGEST_LIMITS) private readonly limits: { maxBodyBytes: number },
  ) {}

  @Post()
  async post(@Req() req: Request, @Res() res: Response): Promise<void> {
    const rig = await this.rig(req);
    const body = await readJsonBody(req, this.limits.maxBodyBytes);
    const answer = await this.ingest.ingest(rig, body, header(req, 'x-correlation-id'));
    res.status(answer.httpStatus).json(answer.body);
  }

  @Get('queue')
  async queue(@Req() req: Request, @Res() res: Response): Promise<void> {
    const rig = await this.rig(req);
    const sheets = await this.tracking.sheetsWaitingAt(SHEET_TEST_OPERATION);
    const mine = sheets.filter((s) => s.activeHolds.length === 0 && (s.stationCode === null || s.stationCode === rig.stationCode));
    res.json(mine.map((s) => ({ sheet: s.barcode, rows: s.rows, cols: s.cols, cellActiveAreaCm2: s.cellActiveAreaCm2 })));
  }

  @Get(':sheetTestId')
  async get(@Req() req: Request, @Res() res: Response, @Param('sheetTestId') sheetTestId: string): Promise<void> {
    await this.rig(req);
    res.json(await this.status.status(sheetTestId));
  }

  private async rig(req: Request): Promise<RigEntity> {
    const rig = await this.rigs.authenticate(header(req, 'x-api-key'));
    if (!rig) {
      req.resume();
      throw new DomainError(
        'UNAUTHENTICATED',
        header(req, 'x-api-key')
          ? 'Unknown API key: register the rig (registerRig) and send the key it returned'
          : 'Missing X-Api-Key header: rigs authenticate with the key registerRig returned',
      );
    }
    // A stack test rig's key is a good key, but not for sheet tests.
    const operation = this.rigs.operationOf(rig);
    if (operation !== SHEET_TEST_OPERATION) {
      req.resume();
      throw new DomainError(
        'FORBIDDEN',
        `Rig ${rig.name} belongs to station ${rig.stationCode} (${operation}), not to a ${SHEET_TEST_OPERATION} station: it cannot post sheet tests`,
      );
    }
    return rig;
  }
}

function header(req: Request, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}
