import { Injectable } from '@nestjs/common';
import { DEFAULT_FEATURE_CIRCUIT } from '@mes/eis';
import { cellKey, type CellRef } from '@mes/geometry';
import { BatchLoader, DomainError } from '@mes/service-core';
import { decodeFrequencies, decodeSpectrum } from '@mes/sheet-test';
import type { CellSpectrumModel } from './cell-spectrum.model';
import { CellSpectrumRepository, type SpectrumRow } from '@mes/test-data-store';
import { fittedCurve } from './fitted-curve';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A cell, and the test to show (the one that counts when none is named). */
interface SpectrumRequest extends CellRef {
  sheetTestId?: string;
}
type SpectrumAnswer = { spectrum: CellSpectrumModel | null } | { error: DomainError };

const requestKey = (r: SpectrumRequest) => `${cellKey(r)}|${r.sheetTestId ?? ''}`;

@Injectable()
export class CellSpectrumService {
  /** The spectra asked for in one burst (Cell.spectrum over a list of cells) are read in three queries, not three per cell. */
  private readonly batch = new BatchLoader<SpectrumRequest, SpectrumAnswer>((requests) => this.answer(requests), requestKey, {
    spectrum: null,
  });

  constructor(private readonly store: CellSpectrumRepository) {}

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
    const answer = await this.batch.load({ sheetBarcode: sheet, row, col, sheetTestId });
    if ('error' in answer) throw answer.error;
    return answer.spectrum;
  }

  private async answer(requests: SpectrumRequest[]): Promise<Map<string, SpectrumAnswer>> {
    const out = new Map<string, SpectrumAnswer>();
    const tests = await this.store.testsOfSheets(requests.map((r) => r.sheetBarcode));
    const counting = await this.store.countingTests(requests.filter((r) => r.sheetTestId === undefined && tests.has(r.sheetBarcode)));
    const picks: { request: SpectrumRequest; sheetTestId: string }[] = [];
    for (const request of requests) {
      const { sheetBarcode: sheet, row, col, sheetTestId } = request;
      const list = tests.get(sheet);
      if (!list) {
        out.set(requestKey(request), { spectrum: null });
        continue;
      }
      const { rows, cols } = list[0];
      if (!Number.isInteger(row) || !Number.isInteger(col) || row < 0 || col < 0 || row >= rows || col >= cols) {
        out.set(requestKey(request), {
          error: new DomainError('VALIDATION_FAILED', `Cell (${row}, ${col}) is outside the ${rows} x ${cols} grid of sheet ${sheet}`, [
            { path: row < 0 || row >= rows ? 'row' : 'col', message: `expected row 0..${rows - 1} and col 0..${cols - 1}` },
          ]),
        });
        continue;
      }
      if (sheetTestId !== undefined && !list.some((t) => t.id === sheetTestId)) {
        out.set(requestKey(request), {
          error: new DomainError('NOT_FOUND', `Sheet test ${sheetTestId} is not a test of sheet ${sheet}`, [
            { path: 'sheetTestId', message: 'expected one of the ids sheetTests(sheet) lists' },
          ]),
        });
        continue;
      }
      // Not binned yet: the newest test still has the raw spectrum to show.
      picks.push({ request, sheetTestId: sheetTestId ?? counting.get(cellKey(request)) ?? list[0].id });
    }
    const rows = await this.store.spectra(picks.map((p) => ({ sheetTestId: p.sheetTestId, row: p.request.row, col: p.request.col })));
    for (const p of picks) {
      const r = rows.get(`${p.sheetTestId}|${p.request.row}|${p.request.col}`) as SpectrumRow;
      out.set(requestKey(p.request), { spectrum: toSpectrum(p.request, r) });
    }
    return out;
  }
}

/** A stored cell as the cell page shows it: spectrum, and the stored fit redrawn or why there is none. */
export function toSpectrum({ sheetBarcode: sheet, row, col }: CellRef, r: SpectrumRow): CellSpectrumModel {
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
    return {
      ...base,
      fitMissingReason:
        features.signature === 'OPEN'
          ? 'An open cell is not fitted: its spectrum is only the fixture’s stray capacitance, with no cell behind the probe'
          : 'The fit did not produce parameters for this cell (see its signature)',
    };
  try {
    const curve = fittedCurve(DEFAULT_FEATURE_CIRCUIT, params, frequenciesHz);
    return {
      ...base,
      fit: {
        circuit: curve.circuit,
        parameters: curve.paramNames.map((name, i) => ({ name, value: curve.params[i], stdError: stdErrorOf(features, name) })),
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

/** A stored parameter's standard error, when the features carry one (cells binned before it was kept do not). */
function stdErrorOf(features: Record<string, unknown>, name: string): number | null {
  const errors = features.fitStdErrors as Record<string, unknown> | undefined;
  const v = errors?.[name];
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}
