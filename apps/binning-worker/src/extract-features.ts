import { createFeatureExtractor, WarmStart, type CellFeatures, type FeatureExtractor, type FeatureExtractorOptions } from '@mes/eis';
import { decodeSpectrum } from '@mes/sheet-test';
// Type only: this file runs in the fitting threads, which load no database code.
import type { RawCell } from '@mes/test-data-store';

/** One stored cell as a fitting thread gets it: the spectrum still in its compact float32 form. */
export type { RawCell };

export interface FeatureRequest {
  frequenciesHz: number[] | null;
  cellAreaCm2: number;
  temperatureC: number;
  cells: RawCell[];
}

/**
 * How the binning worker extracts features. A cell whose model-free signature is already SHORT or LEAKY
 * gets one fit start, not the fitter's 8: the blocking-cell circuit does not describe it, so further
 * starts rarely find a good fit, and they cost ~9 ms a cell (about 70 µs of a 2,500-cell sheet's
 * per-cell average). Its signature, and so its bin, is decided without the fit: every bin of the
 * simulator's sheet is the same (`npm run bench binning` counts them), and so are good cells' fits.
 */
export const BINNING_EXTRACTOR_OPTIONS: Readonly<FeatureExtractorOptions> = Object.freeze({ faultFitStarts: 1 });

/**
 * Features of every measured cell of a chunk (null for NO_CONTACT cells and OCV-only tests). The
 * extractor (its Kramers-Kronig basis and fitter) depends only on the frequency list, so one is kept
 * per list and reused across the chunks of a sheet and the sheets of a rig.
 */
export function extractFeatures(req: FeatureRequest, extractors = new Map<string, FeatureExtractor>()): (CellFeatures | null)[] {
  const freq = req.frequenciesHz;
  let extractor: FeatureExtractor | null = null;
  if (freq && freq.length) {
    const key = freq.join(',');
    extractor = extractors.get(key) ?? null;
    if (!extractor) {
      if (extractors.size >= 8) extractors.clear();
      extractor = createFeatureExtractor(freq, BINNING_EXTRACTOR_OPTIONS);
      extractors.set(key, extractor);
    }
  }
  // The chunk's cells are neighbours on the sheet (in row order): each fit starts from the last good one.
  const warmStart = new WarmStart();
  return req.cells.map((c) => {
    if (c.status !== 'OK' || !extractor || !c.spectrum || !freq) return null;
    const z = decodeSpectrum(c.spectrum, freq.length);
    return extractor.extract(z.zReOhm, z.zImOhm, {
      ocvV: c.ocvV ?? undefined,
      activeAreaCm2: req.cellAreaCm2,
      temperatureC: req.temperatureC,
      warmStart,
    });
  });
}
