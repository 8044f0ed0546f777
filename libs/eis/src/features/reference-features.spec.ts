import { readFileSync } from 'node:fs';
import path from 'node:path';
import { featurePopulation, POPULATION_AREA_CM2 } from '../__fixtures__/feature-population';
import { EisFitter } from '../fit/eis-fitter';
import { createFeatureExtractor, DEFAULT_FEATURE_CIRCUIT, WarmStart } from './cell-features';

interface ReferenceCell {
  kind: string;
  signature: string;
  kkM: number;
  kkRms: number;
  converged: boolean;
  fitRelRms: number;
  params: number[];
}

// The features of 1,000 cells as the implementation before the speed-ups computed them (recorded by
// __fixtures__/record-feature-reference.ts; the file says with what). The fast fitter and KK solver must give the same.
const reference = JSON.parse(readFileSync(path.join(__dirname, '../__fixtures__/feature-reference.json'), 'utf8')) as {
  recordedWith: string;
  circuit: string;
  cells: ReferenceCell[];
};

describe(`features of the reference population against ${reference.recordedWith}`, () => {
  const cells = featurePopulation(reference.cells.length);
  const extractor = createFeatureExtractor(cells[0].spectrum.freqHz);
  const now = cells.map((c) =>
    extractor.extract(c.spectrum.zRe, c.spectrum.zIm, { ocvV: c.ocvV, activeAreaCm2: POPULATION_AREA_CM2, temperatureC: 25 }),
  );
  const rel = (a: number, b: number) => (a === b ? 0 : Math.abs(a / b - 1));

  it('is the population it was recorded on (every kind of cell, same circuit)', () => {
    expect(reference.circuit).toBe(DEFAULT_FEATURE_CIRCUIT);
    expect(cells.map((c) => c.kind)).toEqual(reference.cells.map((c) => c.kind));
    expect(new Set(reference.cells.map((c) => c.signature))).toEqual(new Set(['NORMAL', 'SHORT', 'OPEN', 'LEAKY', 'NOISY']));
  });

  it('gives every cell the same signature and the same Kramers-Kronig M and residual', () => {
    const differ = now.flatMap((f, i) => {
      const r = reference.cells[i];
      return f.signature !== r.signature || f.kkM !== r.kkM || rel(f.kkRmsResidual, r.kkRms) > 1e-5
        ? [`cell ${i}: ${f.signature} M ${f.kkM} rms ${f.kkRmsResidual} (was ${r.signature} M ${r.kkM} rms ${r.kkRms})`]
        : [];
    });
    expect(differ).toEqual([]);
  });

  it('fits every parameter of every good cell within 0.1 % of the reference, converged as it was', () => {
    const differ: string[] = [];
    now.forEach((f, i) => {
      const r = reference.cells[i];
      if (r.signature !== 'NORMAL') return;
      if (f.fitConverged !== r.converged) differ.push(`cell ${i}: converged ${f.fitConverged} (was ${r.converged})`);
      Object.values(f.fitParams).forEach((v, k) => {
        if (rel(v, r.params[k]) > 1e-3) differ.push(`cell ${i} parameter ${k}: ${v} (was ${r.params[k]})`);
      });
    });
    expect(differ).toEqual([]);
    expect(reference.cells.filter((r) => r.signature === 'NORMAL').length).toBeGreaterThan(800);
  });

  // The default circuit does not describe a short or a leaky cell: some of their parameters run to a
  // bound or along a flat valley, where rounding in another order ends elsewhere along it. What
  // matters there is that the fit is as good (their bins come from the signature, checked above).
  it('fits the shorted, leaky and noisy cells at least as well as the reference did', () => {
    const worse = now.flatMap((f, i) => {
      const r = reference.cells[i];
      return r.signature !== 'NORMAL' && r.signature !== 'OPEN' && !(f.fitRelRms <= r.fitRelRms * 1.01)
        ? [`cell ${i} (${r.kind}): rms ${f.fitRelRms} (was ${r.fitRelRms})`]
        : [];
    });
    expect(worse).toEqual([]);
  });

  // An open cell is only the fixture's stray capacitance: the reference fitted the battery circuit to
  // it anyway (and got nothing meaningful); now it is not fitted, and says so by empty fit features.
  it('does not fit an open cell: no parameters, NaN fit values, the model-free intercept', () => {
    const opens = now.flatMap((f, i) => (reference.cells[i].signature === 'OPEN' ? [f] : []));
    expect(opens.length).toBeGreaterThan(5);
    for (const f of opens) {
      expect(f.fitParams).toEqual({});
      expect(f.fitRelRms).toBeNaN();
      expect(f.fitConverged).toBe(false);
      expect(f.rLiponOhm).toBeNaN();
      expect(f.rOhmicOhm).toBe(f.rOhmicModelFreeOhm);
    }
  });

  // A run of cells warm-started from each other, as the worker fits a chunk of a sheet: the same
  // signatures, the same parameters within 0.1 %, and far fewer iterations (else the warm start is not
  // in use). The fitter is wrapped only to count its iterations.
  it('gives the same features when each fit starts from the last good one (WarmStart), in under half the iterations', () => {
    const count = (warm: boolean) => {
      const fitter = new EisFitter(DEFAULT_FEATURE_CIRCUIT, cells[0].spectrum.freqHz.length);
      const fit = fitter.fit.bind(fitter);
      const iterations = new Array<number>(cells.length).fill(0); // by cell (an open cell is not fitted)
      let cell = 0;
      fitter.fit = (spectrum, options) => {
        const r = fit(spectrum, options);
        iterations[cell] += r.iterations;
        return r;
      };
      const ex = createFeatureExtractor(cells[0].spectrum.freqHz, { fitter });
      const warmStart = warm ? new WarmStart() : undefined;
      const features = cells.map((c, i) => {
        cell = i;
        return ex.extract(c.spectrum.zRe, c.spectrum.zIm, {
          ocvV: c.ocvV,
          activeAreaCm2: POPULATION_AREA_CM2,
          temperatureC: 25,
          warmStart,
        });
      });
      return { features, iterations };
    };
    const cold = count(false);
    const warm = count(true);
    const differ: string[] = [];
    warm.features.forEach((f, i) => {
      const r = reference.cells[i];
      if (f.signature !== r.signature) differ.push(`cell ${i}: ${f.signature} (was ${r.signature})`);
      if (r.signature !== 'NORMAL') return;
      if (f.fitConverged !== r.converged) differ.push(`cell ${i}: converged ${f.fitConverged} (was ${r.converged})`);
      Object.values(f.fitParams).forEach((v, k) => {
        if (rel(v, r.params[k]) > 1e-3) differ.push(`cell ${i} parameter ${k}: ${v} (was ${r.params[k]})`);
      });
    });
    expect(differ).toEqual([]);
    const good = (its: number[]) => its.reduce((sum, n, i) => sum + (reference.cells[i].signature === 'NORMAL' ? n : 0), 0);
    expect(good(warm.iterations)).toBeLessThan(good(cold.iterations) / 2);
  });
});
