import { Controller, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { DomainError } from '@mes/service-core';
import { EquipmentService } from '../equipment/equipment.service';
import { TraceIngestService } from './trace-ingest.service';

/**
 * Equipment-facing REST: trace batches, authenticated by the equipment's X-Api-Key (issueEquipmentKey).
 *
 *   POST /api/v1/equipment-traces  { batchId, runId, t0, tS: [s...], channels: { name: { unit, values } } }
 *   201 stored (with any alarms raised) | 200 the same batch again | 400 invalid | 401 | 403 another
 *   equipment's run | 404 unknown run | 409 batch id reused for other content, run completed, or out of order
 */
@Controller('api/v1/equipment-traces')
export class TraceController {
  constructor(
    private readonly equipment: EquipmentService,
    private readonly traces: TraceIngestService,
  ) {}

  @Post()
  async post(@Req() req: Request & { rawBody?: Buffer }, @Res() res: Response): Promise<void> {
    const key = req.headers['x-api-key'];
    const code = await this.equipment.authenticate(Array.isArray(key) ? key[0] : key);
    if (!code) {
      throw new DomainError(
        'UNAUTHENTICATED',
        key
          ? 'Unknown X-Api-Key: issue the equipment a key (issueEquipmentKey) and send it'
          : 'Missing X-Api-Key header: equipment authenticates with the key issueEquipmentKey returned',
      );
    }
    const answer = await this.traces.ingest(code, req.body, req.rawBody ?? null);
    res.status(answer.httpStatus).json(answer.body);
  }
}
