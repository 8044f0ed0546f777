import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { DomainError, monthOf, withMonthPartition } from '@mes/service-core';
import {
  checkGrid,
  contentHash,
  copyRowsBinary,
  encodeFrequencies,
  encodeSheetCells,
  validateSheetTestBody,
  validationMessage,
  type SheetTestBody,
} from '@mes/sheet-test';
import { TEST_DATA_PARTITIONS, type RigEntity, type SheetTestEntity } from '@mes/test-data-store';
import { SHEET_TEST_OPERATION } from '../rigs/rig.service';
import { TrackingClient, type TrackedSheet } from '@mes/tracking-client';
import { SheetTestQueue } from './sheet-test.queue';
import { SheetTestRepository } from './sheet-test.repository';

export interface IngestAnswer {
  httpStatus: 200 | 202;
  body: { sheetTestId: string; sheet: string; cells: number; status: string };
}

/**
 * Accepting a rig's sheet test: validate everything that can be checked without the database, check
 * the sheet against tracking, then store the whole test (header + every cell in one binary COPY) in
 * one transaction, and only then enqueue it for binning.
 */
@Injectable()
export class SheetTestIngestService {
  private readonly logger = new Logger(SheetTestIngestService.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly tests: SheetTestRepository,
    private readonly tracking: TrackingClient,
    private readonly queue: SheetTestQueue,
  ) {}

  async ingest(rig: RigEntity, raw: unknown, correlationId?: string): Promise<IngestAnswer> {
    const checked = validateSheetTestBody(raw);
    if (!checked.ok) throw new DomainError('VALIDATION_FAILED', validationMessage(checked.details, checked.problems), checked.details);
    const body = checked.value;
    const hash = contentHash(body);

    const earlier = await this.tests.byTestId(body.testId);
    if (earlier) return this.repeated(earlier, body, hash);

    const sheet = await this.tracking.sheet(body.sheet);
    if (!sheet)
      throw new DomainError('NOT_FOUND', `Unknown sheet ${body.sheet}: expected the barcode of a sheet`, [
        { path: 'sheet', message: 'expected a known sheet barcode' },
      ]);
    const grid = checkGrid(body, { rows: sheet.rows, cols: sheet.cols });
    if (!grid.ok) throw new DomainError('VALIDATION_FAILED', validationMessage(grid.details, grid.problems), grid.details);
    if (sheet.status !== 'ACTIVE' || sheet.operation !== SHEET_TEST_OPERATION) {
      throw new DomainError(
        'CONFLICT',
        `Sheet ${sheet.barcode} is not at ${SHEET_TEST_OPERATION}: it is ${sheet.status}${sheet.operation ? ` at ${sheet.operation}` : ''}`,
      );
    }
    if (sheet.activeHolds.length) {
      throw new DomainError(
        'CONFLICT',
        `Sheet ${sheet.barcode} is on hold: ${sheet.activeHolds[0].reason} (hold ${sheet.activeHolds[0].id})`,
      );
    }
    if (sheet.stationCode && sheet.stationCode !== rig.stationCode) {
      throw new DomainError(
        'FORBIDDEN',
        `Sheet ${sheet.barcode} is tracked in at station ${sheet.stationCode}; rig ${rig.name} belongs to station ${rig.stationCode}`,
      );
    }

    const id = randomUUID();
    const encoded = encodeSheetCells(body);
    const stored = await this.store(id, rig, body, hash, sheet, encoded);
    if (!stored) {
      // Another post of the same testId committed first: answer as for a repeat.
      const winner = await this.tests.byTestId(body.testId);
      if (winner) return this.repeated(winner, body, hash);
    }
    await this.queue.enqueue(id, correlationId).catch((e: unknown) => {
      // Stored durably: the sweeper re-enqueues tests left QUEUED, so the rig need not retry.
      this.logger.warn(`sheet test ${id} stored but not enqueued yet: ${e instanceof Error ? e.message : String(e)}`);
    });
    return { httpStatus: 202, body: { sheetTestId: id, sheet: body.sheet, cells: body.cells.length, status: 'QUEUED' } };
  }

  private repeated(earlier: SheetTestEntity, body: SheetTestBody, hash: string): IngestAnswer {
    if (earlier.contentHash !== hash) {
      throw new DomainError(
        'CONFLICT',
        `testId ${body.testId} was already used for different content (sheet test ${earlier.id}); use a new testId for a new test`,
      );
    }
    return {
      httpStatus: 200,
      body: { sheetTestId: earlier.id, sheet: earlier.sheetBarcode, cells: earlier.cellCount, status: earlier.status },
    };
  }

  /** The header and every cell, all or nothing. False when the testId was taken meanwhile. */
  private async store(
    id: string,
    rig: RigEntity,
    body: SheetTestBody,
    hash: string,
    sheet: TrackedSheet,
    encoded: ReturnType<typeof encodeSheetCells>,
  ): Promise<boolean> {
    // The partition keeper makes months ahead; should it not have run (or the clock jumped), the
    // missing month is made here and the test stored again (the first transaction rolled back whole).
    return withMonthPartition(
      this.db,
      TEST_DATA_PARTITIONS,
      () => monthOf(new Date()),
      () => this.storeOnce(id, rig, body, hash, sheet, encoded),
      this.logger,
    );
  }

  private storeOnce(
    id: string,
    rig: RigEntity,
    body: SheetTestBody,
    hash: string,
    sheet: TrackedSheet,
    encoded: ReturnType<typeof encodeSheetCells>,
  ): Promise<boolean> {
    // Set here (millisecond precision), written to the header and to every cell: the cells' partition key.
    const receivedAt = new Date();
    return this.db.transaction(async (m) => {
      const stored = await this.tests.insertHeader(m, {
        id,
        testId: body.testId,
        contentHash: hash,
        rigId: rig.id,
        sheetBarcode: body.sheet,
        rollBarcode: sheet.rollBarcode,
        rows: sheet.rows,
        cols: sheet.cols,
        cellAreaCm2: sheet.cellActiveAreaCm2,
        startedAt: body.startedAt,
        temperatureC: body.temperatureC,
        frequencies: body.frequenciesHz ? encodeFrequencies(body.frequenciesHz) : null,
        frequencyCount: body.frequenciesHz?.length ?? 0,
        cellCount: body.cells.length,
        mdStartMm: sheet.mdStartMm,
        layout: sheet.layout,
        productCode: sheet.productCode,
        receivedAt,
      });
      if (!stored) return false;
      await this.tests.copyCells(
        m,
        copyRowsBinary(encoded, [
          { type: 'uuid', value: id },
          { type: 'timestamptz', value: receivedAt },
        ]),
      );
      return true;
    });
  }
}
