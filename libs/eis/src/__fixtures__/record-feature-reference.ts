/**
 * Records the features of the reference population (feature-population.ts) as this checkout computes
 * them, into feature-reference.json beside it. Run it only on the
 * implementation a faster one is to be checked against (reference-features.spec.ts reads the file):
 *   node tools/run-ts.mjs libs/eis/src/__fixtures__/record-feature-reference.ts <what it was recorded with>
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { createFeatureExtractor, DEFAULT_FEATURE_CIRCUIT } from '../features/cell-features';
import { featurePopulation, POPULATION_AREA_CM2 } from './feature-population';

const CELLS = 1000;
const recordedWith = process.argv[2];
if (!recordedWith) throw new Error('say what the reference is recorded with (for example a commit), as the first argument');
const cells = featurePopulation(CELLS);
const extractor = createFeatureExtractor(cells[0].spectrum.freqHz);
const out = {
  recordedWith,
  circuit: DEFAULT_FEATURE_CIRCUIT,
  cells: cells.map((c) => {
    const f = extractor.extract(c.spectrum.zRe, c.spectrum.zIm, { ocvV: c.ocvV, activeAreaCm2: POPULATION_AREA_CM2, temperatureC: 25 });
    return {
      kind: c.kind,
      signature: f.signature,
      kkM: f.kkM,
      kkRms: Number(f.kkRmsResidual.toPrecision(7)),
      converged: f.fitConverged,
      fitRelRms: Number(f.fitRelRms.toPrecision(7)),
      params: Object.values(f.fitParams).map((v) => Number(v.toPrecision(7))),
    };
  }),
};
const file = path.join(__dirname, 'feature-reference.json');
writeFileSync(file, `${JSON.stringify(out)}\n`);
console.log(`${CELLS} cells recorded with ${recordedWith} into ${path.relative(process.cwd(), file)}`);
