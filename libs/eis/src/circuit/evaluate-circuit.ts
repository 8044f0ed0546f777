import type { ComplexArrays } from '../spectrum';
import type { Circuit } from './circuit';
import { CircuitEvaluator } from './circuit-evaluator';

function checkParams(circuit: Circuit, params: ArrayLike<number>): void {
  if (params.length !== circuit.paramCount) {
    throw new RangeError(
      `circuit ${circuit.source} takes ${circuit.paramCount} parameters (${circuit.paramNames.join(', ')}), got ${params.length}`,
    );
  }
}

/** Impedance of the circuit at each frequency (Hz): Z = re + j im in ohms. */
export function evaluateCircuit(circuit: Circuit, params: ArrayLike<number>, freqHz: ArrayLike<number>): ComplexArrays {
  checkParams(circuit, params);
  const ev = new CircuitEvaluator(circuit, Math.max(1, freqHz.length));
  ev.setFrequencies(freqHz);
  ev.evaluate(params, false);
  return { re: ev.re.slice(0, ev.n), im: ev.im.slice(0, ev.n) };
}

/** Impedance plus its analytic Jacobian: dRe[k][i] = d re_i / d p_k, dIm[k][i] = d im_i / d p_k. */
export interface CircuitJacobian extends ComplexArrays {
  dRe: Float64Array[];
  dIm: Float64Array[];
}

/** Impedance and analytic Jacobian with respect to the (natural, untransformed) parameters. */
export function evaluateCircuitJacobian(circuit: Circuit, params: ArrayLike<number>, freqHz: ArrayLike<number>): CircuitJacobian {
  checkParams(circuit, params);
  const ev = new CircuitEvaluator(circuit, Math.max(1, freqHz.length));
  ev.setFrequencies(freqHz);
  ev.evaluate(params, true);
  const n = ev.n;
  const dRe: Float64Array[] = [];
  const dIm: Float64Array[] = [];
  for (let k = 0; k < circuit.paramCount; k++) {
    dRe.push(ev.dRe.slice(k * ev.capacity, k * ev.capacity + n));
    dIm.push(ev.dIm.slice(k * ev.capacity, k * ev.capacity + n));
  }
  return { re: ev.re.slice(0, n), im: ev.im.slice(0, n), dRe, dIm };
}
