import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { DataSource, EntityManager } from 'typeorm';
import { SheetTestEntity } from '../sheet-test.entities';

/** A posted sheet test's header row, as ingest stores it (QUEUED for binning). */
export interface NewSheetTest {
  id: string;
  testId: string;
  contentHash: string;
  rigId: string;
  sheetBarcode: string;
  rollBarcode: string;
  rows: number;
  cols: number;
  cellAreaCm2: number;
  startedAt: string;
  temperatureC: number;
  /** The test's frequencies, encoded; null for a DC-only test. */
  frequencies: Buffer | null;
  frequencyCount: number;
  cellCount: number;
  mdStartMm: number;
  layout: unknown;
  productCode: string;
  /** When ingest took it: the header's and every cell's partition key (the month). */
  receivedAt: Date;
}

/**
 * The rig's side of the sheet_tests tables: a test by its rig-given testId, and a new test stored as
 * its header and every cell (one binary COPY). Writes take the ingest's transaction.
 */
@Injectable()
export class SheetTestRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  byTestId(testId: string): Promise<SheetTestEntity | null> {
    return this.db.getRepository(SheetTestEntity).findOne({ where: { testId } });
  }

  /** The header row; false when the testId was taken meanwhile (nothing stored). */
  async insertHeader(m: EntityManager, t: NewSheetTest): Promise<boolean> {
    const inserted = await m.query<unknown[]>(
      `INSERT INTO test_data.sheet_tests (id, test_id, content_hash, rig_id, sheet_barcode, roll_barcode, rows, cols, cell_area_cm2,
         started_at, temperature_c, frequencies, frequency_count, cell_count, md_start_mm, layout, product_code, status, received_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, 'QUEUED', $18)
       ON CONFLICT (test_id) DO NOTHING RETURNING id`,
      [
        t.id,
        t.testId,
        t.contentHash,
        t.rigId,
        t.sheetBarcode,
        t.rollBarcode,
        t.rows,
        t.cols,
        t.cellAreaCm2,
        t.startedAt,
        t.temperatureC,
        t.frequencies,
        t.frequencyCount,
        t.cellCount,
        t.mdStartMm,
        JSON.stringify(t.layout),
        t.productCode,
        t.receivedAt,
      ],
    );
    return inserted.length > 0;
  }

  /** Every cell of the test, as PostgreSQL's binary COPY rows (sheet_test_id, received_at, row, col, status, ocv_v, spectrum). */
  async copyCells(m: EntityManager, rows: Buffer): Promise<void> {
    if (!m.queryRunner) throw new Error('The cells of a sheet test are copied inside the transaction that stores its header');
    const client = (await m.queryRunner.connect()) as PoolClient;
    await new Promise<void>((resolve, reject) => {
      const stream = client.query(
        copyFrom(
          'COPY test_data.sheet_test_cells (sheet_test_id, received_at, row, col, status, ocv_v, spectrum) FROM STDIN (FORMAT binary)',
        ),
      );
      stream.on('finish', () => resolve());
      stream.on('error', reject);
      stream.end(rows);
    });
  }
}
