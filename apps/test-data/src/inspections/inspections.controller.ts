import { Controller, Inject, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { DomainError, readJsonBody } from '@mes/service-core';
import { INGEST_LIMITS } from '../ingest/sheet-tests.controller';
import { INSPECTION_OPERATION, RigService } from '../rigs/rig.service';
import { InspectionIngestService } from './inspection-ingest.service';

/**
 * The inspection-station REST contract (docs/contracts.md "Inspection results"):
 *
 *   POST /api/v1/inspections  { inspectionId, sheet, inspectedAt, alignment?, defects: [{ class, mdMm, cdMm, sizeUm, image? }] }
 *   201 stored and mapped | 200 the same inspection again | 400 invalid | 401 | 403 not an inspection
 *   station's key | 404 unknown sheet | 409 inspectionId reused for other content
 *
 * The station authenticates with X-Api-Key, the key registerRig gave it at an INSPECTION station.
 */
@Controller('api/v1/inspections')
export class InspectionsController {
  constructor(
    private readonly rigs: RigService,
    private readonly inspections: InspectionIngestService,
    @Inject(INGEST_LIMITS) private readonly limits: { maxBodyBytes: number },
  ) {}

  @Post()
  async post(@Req() req: Request, @Res() res: Response): Promise<void> {
    const key = header(req, 'x-api-key');
    const rig = await this.rigs.authenticate(key);
    if (!rig) {
      req.resume();
      throw new DomainError(
        'UNAUTHENTICATED',
        key
          ? 'Unknown API key: register the inspection station (registerRig at an INSPECTION station) and send the key it returned'
          : 'Missing X-Api-Key header: inspection stations authenticate with the key registerRig returned',
      );
    }
    if (this.rigs.operationOf(rig) !== INSPECTION_OPERATION) {
      req.resume();
      throw new DomainError(
        'FORBIDDEN',
        `Rig ${rig.name} belongs to station ${rig.stationCode} (${this.rigs.operationOf(rig)}), not to an ${INSPECTION_OPERATION} station: it cannot post inspections`,
      );
    }
    const body = await readJsonBody(req, this.limits.maxBodyBytes);
    const answer = await this.inspections.ingest(rig, body);
    res.status(answer.httpStatus).json(answer.body);
  }
}

function header(req: Request, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}
