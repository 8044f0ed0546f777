import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { mapDefects } from '@mes/geometry';
import { DomainError } from '@mes/service-core';
import {
  checkDefectsOnSheet,
  inspectionContentHash,
  inspectionValidationMessage,
  validateInspectionBody,
  type InspectionBody,
} from '@mes/sheet-test';
import { type InspectionEntity, type RigEntity, InspectionsRepository } from '@mes/test-data-store';
import { TrackingClient } from '@mes/tracking-client';
import { SheetTestQueue } from '../ingest/sheet-test.queue';

export interface InspectionAnswer {
  httpStatus: 200 | 201;
  body: { inspection: string; inspectionId: string; sheet: string; defects: number; active: number; kerf: number; border: number };
}

/**
 * Accepting an inspection station's defect list: validate without lookups, check the sheet with
 * tracking, map every defect to its cell with the measured alignment (@mes/geometry), store the
 * inspection and its defects in one transaction, then have the sheet's binned tests binned again
 * with the defects (a keyed job: the sheet's tests still binning read them when they finish).
 */
@Injectable()
export class InspectionIngestService {
  private readonly logger = new Logger(InspectionIngestService.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly tracking: TrackingClient,
    private readonly queue: SheetTestQueue,
    private readonly inspections: InspectionsRepository,
  ) {}

  async ingest(rig: RigEntity, raw: unknown): Promise<InspectionAnswer> {
    const checked = validateInspectionBody(raw);
    if (!checked.ok)
      throw new DomainError('VALIDATION_FAILED', inspectionValidationMessage(checked.details, checked.problems), checked.details);
    const body = checked.value;
    const hash = inspectionContentHash(body);
    const earlier = await this.byInspectionId(body.inspectionId);
    if (earlier) return this.repeated(earlier, body, hash);

    const sheet = await this.tracking.sheet(body.sheet);
    if (!sheet)
      throw new DomainError('NOT_FOUND', `Unknown sheet ${body.sheet}: expected the barcode of a sheet`, [
        { path: 'sheet', message: 'expected a known sheet barcode' },
      ]);
    const outside = checkDefectsOnSheet(body, sheet.layout);
    if (outside.length) throw new DomainError('VALIDATION_FAILED', inspectionValidationMessage(outside), outside);

    const places = mapDefects(
      sheet.layout,
      body.alignment,
      body.defects.map((d) => d.mdMm),
      body.defects.map((d) => d.cdMm),
    );
    const id = randomUUID();
    const stored = await this.db.transaction(async (m) => {
      if (!(await this.inspections.insertInspection(m, { id, body, hash, rigId: rig.id, sheet }))) return false;
      if (body.defects.length) await this.inspections.insertDefects(m, id, sheet.barcode, body.defects, places);
      return true;
    });
    if (!stored) {
      // Another post of the same inspectionId committed first: answer as for a repeat.
      const winner = await this.byInspectionId(body.inspectionId);
      if (winner) return this.repeated(winner, body, hash);
    }
    await this.queue.enqueueInspectedSheet(id, sheet.barcode).catch((e: unknown) => {
      this.logger.warn(
        `inspection ${id} stored but the re-binning of ${sheet.barcode} not enqueued: ${e instanceof Error ? e.message : String(e)}`,
      );
    });
    const counts = [0, 0, 0];
    for (const z of places.zone) counts[z]++;
    return {
      httpStatus: 201,
      body: {
        inspection: id,
        inspectionId: body.inspectionId,
        sheet: sheet.barcode,
        defects: body.defects.length,
        active: counts[0],
        kerf: counts[1],
        border: counts[2],
      },
    };
  }

  private byInspectionId(inspectionId: string): Promise<InspectionEntity | null> {
    return this.inspections.byInspectionId(inspectionId);
  }

  private async repeated(earlier: InspectionEntity, body: InspectionBody, hash: string): Promise<InspectionAnswer> {
    if (earlier.contentHash !== hash) {
      throw new DomainError(
        'CONFLICT',
        `inspectionId ${body.inspectionId} was already used for different content (inspection ${earlier.id} of sheet ${earlier.sheetBarcode}); use a new inspectionId for a new inspection`,
      );
    }
    const zones = await this.inspections.defectsByZone(earlier.id);
    const n = (z: string) => zones.find((r) => r.zone === z)?.n ?? 0;
    return {
      httpStatus: 200,
      body: {
        inspection: earlier.id,
        inspectionId: earlier.inspectionId,
        sheet: earlier.sheetBarcode,
        defects: earlier.defectCount,
        active: n('ACTIVE'),
        kerf: n('KERF'),
        border: n('BORDER'),
      },
    };
  }
}
