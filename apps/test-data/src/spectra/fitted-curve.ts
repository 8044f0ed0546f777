import { evaluateCircuit, logFrequencies, parseCircuit } from '@mes/eis';

/** The fitted model of one cell, evaluated where it was measured and on a finer grid for drawing. */
export interface FittedCurve {
  circuit: string;
  paramNames: string[];
  params: number[];
  atMeasured: { zReOhm: number[]; zImOhm: number[] };
  fineFrequenciesHz: number[];
  fineZReOhm: number[];
  fineZImOhm: number[];
}

/**
 * Rebuild the fitted curve from the stored fit parameters (by name, as the feature extractor keeps
 * them): the spectrum is never fitted again here, so the page shows exactly what binning used.
 * Throws a RangeError naming the parameter when the stored set does not fit the circuit.
 */
export function fittedCurve(
  circuitSource: string,
  fitParams: Record<string, unknown>,
  frequenciesHz: number[],
  finePointsPerDecade = 20,
): FittedCurve {
  const circuit = parseCircuit(circuitSource);
  const params = circuit.paramNames.map((name) => {
    const v = fitParams[name];
    if (typeof v !== 'number' || !Number.isFinite(v))
      throw new RangeError(
        `fit parameter ${name} of circuit ${circuit.source} is ${v === undefined ? 'missing' : `not a finite number (${String(v)})`}`,
      );
    return v;
  });
  if (!frequenciesHz.length) throw new RangeError('no measured frequencies to evaluate the fit at');
  const measured = evaluateCircuit(circuit, params, frequenciesHz);
  const fMax = Math.max(...frequenciesHz);
  const fMin = Math.min(...frequenciesHz);
  const fine = fMax > fMin ? logFrequencies(fMax, fMin, finePointsPerDecade) : Float64Array.of(fMax);
  const fineZ = evaluateCircuit(circuit, params, fine);
  return {
    circuit: circuit.source,
    paramNames: circuit.paramNames,
    params,
    atMeasured: { zReOhm: Array.from(measured.re), zImOhm: Array.from(measured.im) },
    fineFrequenciesHz: Array.from(fine),
    fineZReOhm: Array.from(fineZ.re),
    fineZImOhm: Array.from(fineZ.im),
  };
}
