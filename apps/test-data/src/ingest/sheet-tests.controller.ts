import { Controller, Get, Inject, Param, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { DomainError, parseJsonBody, readBody } from '@mes/service-core';
import { ARROW_FILE_MEDIA_TYPE, ARROW_STREAM_MEDIA_TYPE } from '@mes/sheet-test';
import type { RigEntity } from '@mes/test-data-store';
import { SheetTestStatusService } from '../results/sheet-test-status.service';
import { RigService, SHEET_TEST_OPERATION } from '../rigs/rig.service';
import { TrackingClient } from '@mes/tracking-client';
import { ArrowBodyDecoder } from './arrow-body.decoder';
import { SheetTestIngestService, stopwatch, type IngestAnswer } from './sheet-test-ingest.service';

export const INGEST_LIMITS = Symbol('INGEST_LIMITS');
const BODY_TYPES = ['application/json', ARROW_STREAM_MEDIA_TYPE, ARROW_FILE_MEDIA_TYPE];

/** The rig-facing REST contract (docs/contracts.md "Rig ingest"); every call carries X-Api-Key. */
@Controller('api/v1/sheet-tests')
export class SheetTestsController {
  constructor(
    private readonly rigs: RigService,
    private readonly ingest: SheetTestIngestService,
    private readonly status: SheetTestStatusService,
    private readonly tracking: TrackingClient,
    private readonly arrow: ArrowBodyDecoder,
    @Inject(INGEST_LIMITS) private readonly limits: { maxBodyBytes: number },
  ) {}

  @Post()
  async post(@Req() req: Request, @Res() res: Response): Promise<void> {
    const watch = stopwatch();
    const rig = await this.rig(req);
    watch.lap('rig');
    // JSON, or the same test as an Arrow IPC stream (docs/contracts.md "Rig ingest", binary body).
    const { mediaType, bytes } = await readBody(req, this.limits.maxBodyBytes, BODY_TYPES);
    watch.lap('read');
    const correlationId = header(req, 'x-correlation-id');
    let answer: IngestAnswer;
    if (mediaType === 'application/json') {
      const body = parseJsonBody(bytes);
      watch.lap('parse');
      answer = await this.ingest.ingest(rig, body, correlationId, watch);
    } else {
      const test = await this.arrow.decode(bytes);
      watch.lap('decode');
      answer = await this.ingest.ingestArrow(rig, test, correlationId, watch);
    }
    // Where the time of an accepted post went (W3C Server-Timing: browsers and benches read it).
    res.setHeader('Server-Timing', answer.timings.map(([name, ms]) => `${name};dur=${ms.toFixed(1)}`).join(', '));
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
