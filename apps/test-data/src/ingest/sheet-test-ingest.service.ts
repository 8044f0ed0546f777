import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { DomainError, monthOf, withMonthPartition } from '@mes/service-core';
import {
  acceptArrowSheetTest,
  checkGridColumns,
  columnsOfBody,
  headerOf,
  contentHashOfColumns,
  copyRowsBinary,
  encodeColumns,
  encodeFrequencies,
  validateSheetTestBody,
  validationMessage,
  type ArrowSheetTest,
  type EncodedSheetCells,
  type SheetTestColumns,
  type SheetTestHeader,
} from '@mes/sheet-test';
import { TEST_DATA_PARTITIONS, type RigEntity, type SheetTestEntity, SheetTestRepository } from '@mes/test-data-store';
import { SHEET_TEST_OPERATION } from '../rigs/rig.service';
import { TrackingClient, type TrackedSheet } from '@mes/tracking-client';
import { SheetTestQueue } from './sheet-test.queue';

export interface IngestAnswer {
  httpStatus: 200 | 202;
  body: { sheetTestId: string; sheet: string; cells: number; status: string };
  /** Milliseconds per step, in order (the controller's Server-Timing header). */
  timings: [string, number][];
}

/** Laps of one request: each call records the time since the previous one under a name. */
export function stopwatch(): { lap: (name: string) => void; laps: [string, number][] } {
  const laps: [string, number][] = [];
  let t = performance.now();
  return {
    laps,
    lap(name) {
      const now = performance.now();
      laps.push([name, now - t]);
      t = now;
    },
  };
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

  /** A JSON body (parsed, unvalidated). */
  async ingest(rig: RigEntity, raw: unknown, correlationId?: string, watch = stopwatch()): Promise<IngestAnswer> {
    const checked = validateSheetTestBody(raw);
    if (!checked.ok) throw new DomainError('VALIDATION_FAILED', validationMessage(checked.details, checked.problems), checked.details);
    const columns = columnsOfBody(checked.value);
    watch.lap('validate');
    return this.accept(rig, headerOf(checked.value), columns, correlationId, watch);
  }

  /** An Arrow body's columns (ArrowBodyDecoder): the same rules, judged column by column. */
  async ingestArrow(rig: RigEntity, test: ArrowSheetTest, correlationId?: string, watch = stopwatch()): Promise<IngestAnswer> {
    const checked = acceptArrowSheetTest(test);
    if (!checked.ok) throw new DomainError('VALIDATION_FAILED', validationMessage(checked.details, checked.problems), checked.details);
    watch.lap('validate');
    return this.accept(rig, checked.header, checked.columns, correlationId, watch);
  }

  private async accept(
    rig: RigEntity,
    header: SheetTestHeader,
    columns: SheetTestColumns,
    correlationId: string | undefined,
    watch: ReturnType<typeof stopwatch>,
  ): Promise<IngestAnswer> {
    // The two lookups go out first and the hash and the encoding are computed while they are away
    // (about 20 ms of round trips against 5 ms of CPU for a full sheet). A failed sheet lookup
    // matters only when this is not a repeat, which still answers while tracking is away.
    const lookups = Promise.all([
      this.tests.byTestId(header.testId),
      this.tracking.sheet(header.sheet).then(
        (found) => ({ found, error: null }),
        (error: unknown) => ({ found: null, error }),
      ),
    ]);
    const hash = contentHashOfColumns(header, columns);
    const encoded = encodeColumns(columns);
    watch.lap('hash+encode');
    const [earlier, lookup] = await lookups;
    watch.lap('lookups');
    if (earlier) return this.repeated(earlier, header.testId, hash, watch);
    if (lookup.error) throw lookup.error;
    const sheet = lookup.found;
    if (!sheet)
      throw new DomainError('NOT_FOUND', `Unknown sheet ${header.sheet}: expected the barcode of a sheet`, [
        { path: 'sheet', message: 'expected a known sheet barcode' },
      ]);
    const grid = checkGridColumns(columns, { rows: sheet.rows, cols: sheet.cols });
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
    const stored = await this.store(id, rig, header, hash, sheet, encoded);
    watch.lap('store');
    if (!stored) {
      // Another post of the same testId committed first: answer as for a repeat.
      const winner = await this.tests.byTestId(header.testId);
      if (winner) return this.repeated(winner, header.testId, hash, watch);
    }
    await this.queue.enqueue(id, correlationId).catch((e: unknown) => {
      // Stored durably: the sweeper re-enqueues tests left QUEUED, so the rig need not retry.
      this.logger.warn(`sheet test ${id} stored but not enqueued yet: ${e instanceof Error ? e.message : String(e)}`);
    });
    watch.lap('enqueue');
    return {
      httpStatus: 202,
      body: { sheetTestId: id, sheet: header.sheet, cells: columns.count, status: 'QUEUED' },
      timings: watch.laps,
    };
  }

  private repeated(earlier: SheetTestEntity, testId: string, hash: string, watch: ReturnType<typeof stopwatch>): IngestAnswer {
    if (earlier.contentHash !== hash) {
      throw new DomainError(
        'CONFLICT',
        `testId ${testId} was already used for different content (sheet test ${earlier.id}); use a new testId for a new test`,
      );
    }
    return {
      httpStatus: 200,
      body: { sheetTestId: earlier.id, sheet: earlier.sheetBarcode, cells: earlier.cellCount, status: earlier.status },
      timings: watch.laps,
    };
  }

  /** The header and every cell, all or nothing. False when the testId was taken meanwhile. */
  private async store(
    id: string,
    rig: RigEntity,
    body: SheetTestHeader,
    hash: string,
    sheet: TrackedSheet,
    encoded: EncodedSheetCells,
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
    body: SheetTestHeader,
    hash: string,
    sheet: TrackedSheet,
    encoded: EncodedSheetCells,
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
        cellCount: encoded.count,
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
