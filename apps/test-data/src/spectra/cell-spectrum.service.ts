import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { DEFAULT_FEATURE_CIRCUIT } from '@mes/eis';
import { DomainError } from '@mes/service-core';
import { decodeFrequencies, decodeSpectrum } from '@mes/sheet-test';
import type { CellSpectrumModel } from './cell-spectrum.model';
import { fittedCurve } from './fitted-curve';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface SpectrumRow {
  sheet_test_id: string;
  test_id: string;
  received_at: Date;
  temperature_c: number;
  rows: number;
  cols: number;
  frequencies: Buffer | null;
  frequency_count: number;
  status: string | null;
  ocv_v: number | null;
  spectrum: Buffer | null;
  features: Record<string, unknown> | null;
}

@Injectable()
export class CellSpectrumService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * The spectrum of the test that counts for the cell (its current result), or of the test named;
   * null when the cell was never tested. The fit comes from the stored features, not a new fit.
   */
  async cellSpectrum(sheet: string, row: number, col: number, sheetTestId?: string): Promise<CellSpectrumModel | null> {
    if (sheetTestId !== undefined && !UUID.test(sheetTestId)) {
      throw new DomainError('VALIDATION_FAILED', `sheetTestId ${JSON.stringify(sheetTestId)} is not a sheet test id`, [
        { path: 'sheetTestId', message: 'expected a sheet test id (uuid) from sheetTests' },
      ]);
    }
    const tests = await this.db.query<{ id: string; rows: number; cols: number }[]>(
      `SELECT id, rows, cols FROM test_data.sheet_tests WHERE sheet_barcode = $1 ORDER BY received_at DESC`,
      [sheet],
    );
    if (!tests.length) return null;
    const { rows, cols } = tests[0];
    if (!Number.isInteger(row) || !Number.isInteger(col) || row < 0 || col < 0 || row >= rows || col >= cols) {
      throw new DomainError('VALIDATION_FAILED', `Cell (${row}, ${col}) is outside the ${rows} x ${cols} grid of sheet ${sheet}`, [
        { path: row < 0 || row >= rows ? 'row' : 'col', message: `expected row 0..${rows - 1} and col 0..${cols - 1}` },
      ]);
    }
    let testId = sheetTestId;
    if (testId === undefined) {
      const current = await this.db.query<{ sheet_test_id: string }[]>(
        `SELECT sheet_test_id FROM test_data.current_cell_results WHERE sheet_barcode = $1 AND row = $2 AND col = $3`,
        [sheet, row, col],
      );
      // Not binned yet: the newest test still has the raw spectrum to show.
      testId = current[0]?.sheet_test_id ?? tests[0].id;
    } else if (!tests.some((t) => t.id === testId)) {
      throw new DomainError('NOT_FOUND', `Sheet test ${testId} is not a test of sheet ${sheet}`, [
        { path: 'sheetTestId', message: 'expected one of the ids sheetTests(sheet) lists' },
      ]);
    }
    const found = await this.db.query<SpectrumRow[]>(
      `SELECT t.id AS sheet_test_id, t.test_id, t.received_at, t.temperature_c, t.rows, t.cols, t.frequencies, t.frequency_count,
              c.status, c.ocv_v, c.spectrum, f.features
         FROM test_data.sheet_tests t
         LEFT JOIN test_data.sheet_test_cells c ON c.sheet_test_id = t.id AND c.row = $2 AND c.col = $3
         LEFT JOIN test_data.cell_features f ON f.sheet_test_id = t.id AND f.row = $2 AND f.col = $3
        WHERE t.id = $1`,
      [testId, row, col],
    );
    const r = found[0];
    const frequenciesHz = r.frequencies ? decodeFrequencies(r.frequencies, Number(r.frequency_count)) : [];
    const z = r.spectrum && frequenciesHz.length ? decodeSpectrum(r.spectrum, frequenciesHz.length) : { zReOhm: [], zImOhm: [] };
    const features = r.features;
    const base: CellSpectrumModel = {
      sheet,
      row,
      col,
      sheetTestId: String(r.sheet_test_id),
      testId: String(r.test_id),
      receivedAt: r.received_at,
      temperatureC: Number(r.temperature_c),
      status: r.status ?? 'NOT_MEASURED',
      ocvV: r.ocv_v === null ? null : Number(r.ocv_v),
      frequenciesHz,
      zReOhm: z.zReOhm,
      zImOhm: z.zImOhm,
      signature: typeof features?.signature === 'string' ? features.signature : null,
      signatureReason: typeof features?.signatureReason === 'string' ? features.signatureReason : null,
      fit: null,
      fitMissingReason: null,
    };
    if (!frequenciesHz.length) return { ...base, fitMissingReason: 'This test measured OCV only: there is no spectrum to fit' };
    if (r.status === null) return { ...base, fitMissingReason: 'The rig posted no measurement for this cell in this test' };
    if (!r.spectrum) return { ...base, fitMissingReason: `No spectrum for this cell (status ${r.status})` };
    if (!features) return { ...base, fitMissingReason: 'The cell is not fitted yet: its test is still being binned' };
    const params = features.fitParams as Record<string, unknown> | undefined;
    if (!params || !Object.keys(params).length)
      return { ...base, fitMissingReason: 'The fit did not produce parameters for this cell (see its signature)' };
    try {
      const curve = fittedCurve(DEFAULT_FEATURE_CIRCUIT, params, frequenciesHz);
      return {
        ...base,
        fit: {
          circuit: curve.circuit,
          parameters: curve.paramNames.map((name, i) => ({ name, value: curve.params[i] })),
          relRms: typeof features.fitRelRms === 'number' ? features.fitRelRms : null,
          converged: features.fitConverged === true,
          zReOhm: curve.atMeasured.zReOhm,
          zImOhm: curve.atMeasured.zImOhm,
          fineFrequenciesHz: curve.fineFrequenciesHz,
          fineZReOhm: curve.fineZReOhm,
          fineZImOhm: curve.fineZImOhm,
        },
      };
    } catch (e) {
      return { ...base, fitMissingReason: `The stored fit cannot be drawn: ${(e as Error).message}` };
    }
  }
}
