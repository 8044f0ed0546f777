import { createHash } from 'node:crypto';
import type { LabSpectrum } from './impedance-file';

/** The contract allows at most 200 frequencies per test. */
export const MAX_FREQUENCIES = 200;

export interface LabCellMeasurement {
  spectrum: LabSpectrum;
  sheet: string;
  row: number;
  col: number;
  /** Open-circuit voltage measured before the sweep (V): the ingest contract requires it for a measured cell. */
  ocvV: number;
  temperatureC: number;
  /** When the measurement started (ISO 8601); the file's own time is not trusted across instruments. */
  startedAt: string;
}

/**
 * A lab spectrum as the body a rig posts (the ingest contract): one cell of one sheet, its own
 * frequency list. The testId is derived from what is measured (sheet, cell, frequencies, values), so
 * importing the same file twice is the same test, answered as a repeat, never stored twice.
 */
export function labSheetTestBody(m: LabCellMeasurement): Record<string, unknown> {
  const s = m.spectrum;
  if (s.freqHz.length > MAX_FREQUENCIES) {
    throw new RangeError(
      `${s.file}: ${s.freqHz.length} frequencies, the MES takes at most ${MAX_FREQUENCIES} per test: thin the sweep (every other point) before importing`,
    );
  }
  const hash = createHash('sha256')
    .update(JSON.stringify([m.sheet, m.row, m.col, s.freqHz, s.zRe, s.zIm, m.ocvV]))
    .digest('hex');
  return {
    testId: `LAB-${hash.slice(0, 40)}`,
    sheet: m.sheet,
    startedAt: m.startedAt,
    temperatureC: m.temperatureC,
    frequenciesHz: s.freqHz,
    cells: [{ row: m.row, col: m.col, ocvV: m.ocvV, zReOhm: s.zRe, zImOhm: s.zIm }],
  };
}
