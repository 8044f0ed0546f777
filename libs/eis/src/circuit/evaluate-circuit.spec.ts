import { dropInductive, loadExampleData, loadReference } from '../__fixtures__/example-data';
import { logFrequencies } from '../frequencies';
import { evaluateCircuit, evaluateCircuitJacobian } from './evaluate-circuit';
import { parseCircuit } from './parse-circuit';

/** Minimal complex arithmetic, written independently of the evaluator, for the element formulas. */
type Cx = [number, number];
const add = (a: Cx, b: Cx): Cx => [a[0] + b[0], a[1] + b[1]];
const mul = (a: Cx, b: Cx): Cx => [a[0] * b[0] - a[1] * b[1], a[0] * b[1] + a[1] * b[0]];
const div = (a: Cx, b: Cx): Cx => {
  const d = b[0] * b[0] + b[1] * b[1];
  return [(a[0] * b[0] + a[1] * b[1]) / d, (a[1] * b[0] - a[0] * b[1]) / d];
};
const cexp = (a: Cx): Cx => [Math.exp(a[0]) * Math.cos(a[1]), Math.exp(a[0]) * Math.sin(a[1])];
const csqrt = (a: Cx): Cx => {
  const r = Math.hypot(a[0], a[1]);
  const t = Math.atan2(a[1], a[0]) / 2;
  return [Math.sqrt(r) * Math.cos(t), Math.sqrt(r) * Math.sin(t)];
};
/** tanh(a) = (1 - e^{-2a}) / (1 + e^{-2a}), stable for Re(a) >= 0 (sqrt(j w tau) always is). */
const ctanh = (a: Cx): Cx => {
  const e = cexp([-2 * a[0], -2 * a[1]]);
  return div([1 - e[0], -e[1]], [1 + e[0], e[1]]);
};
const jpow = (w: number, n: number): Cx => [Math.pow(w, n) * Math.cos((n * Math.PI) / 2), Math.pow(w, n) * Math.sin((n * Math.PI) / 2)];

const freqs = [1e6, 3.3e4, 120, 1, 0.02];

describe('evaluateCircuit: element definitions (as impedance.py)', () => {
  const at = (circuit: string, params: number[]) => evaluateCircuit(parseCircuit(circuit), params, freqs);
  const expectClose = (got: { re: Float64Array; im: Float64Array }, want: (w: number) => Cx) => {
    freqs.forEach((f, i) => {
      const z = want(2 * Math.PI * f);
      const scale = Math.hypot(z[0], z[1]);
      expect(Math.abs(got.re[i] - z[0])).toBeLessThanOrEqual(1e-12 * scale);
      expect(Math.abs(got.im[i] - z[1])).toBeLessThanOrEqual(1e-12 * scale);
    });
  };

  it('R, C, L', () => {
    expectClose(at('R1', [12.5]), () => [12.5, 0]);
    expectClose(at('C1', [2e-6]), (w) => div([1, 0], [0, w * 2e-6]));
    expectClose(at('L1', [3e-7]), (w) => [0, w * 3e-7]);
  });

  it('CPE: Z = 1 / (Q (jw)^n)', () => {
    expectClose(at('CPE1', [3e-5, 0.83]), (w) => div([1, 0], mul([3e-5, 0], jpow(w, 0.83))));
  });

  it('W: Z = A (1 - j) / sqrt(w)', () => {
    expectClose(at('W1', [7]), (w) => [7 / Math.sqrt(w), -7 / Math.sqrt(w)]);
  });

  it('Wo: Z = Z0 coth(sqrt(j w tau)) / sqrt(j w tau); Ws with tanh', () => {
    const x = (w: number) => csqrt([0, w * 0.35]);
    expectClose(at('Wo1', [4, 0.35]), (w) => div([4, 0], mul(ctanh(x(w)), x(w))));
    expectClose(at('Ws1', [4, 0.35]), (w) => mul([4, 0], div(ctanh(x(w)), x(w))));
  });

  it('series adds, parallel adds admittances, fused and generic parallel blocks agree', () => {
    const p = [2, 30, 1e-6, 0.9];
    const fused = at('R0-p(R1,CPE1)', p);
    const generic = at('R0-p(R1,CPE1,R9)', [...p, 1e300]);
    const byHand = (w: number): Cx => {
      const zc = div([1, 0], mul([1e-6, 0], jpow(w, 0.9)));
      return add([2, 0], div([1, 0], add([1 / 30, 0], div([1, 0], zc))));
    };
    expectClose(fused, byHand);
    expectClose(generic, byHand);
    const rc = at('p(C1,R1)', [1e-6, 30]);
    expectClose(rc, (w) => div([30, 0], [1, w * 30e-6]));
  });

  it('reproduces the residual impedance.py reports for its own fits of exampleData.csv', () => {
    const ref = loadReference();
    const data = loadExampleData(dropInductive);
    for (const fit of ref.fits) {
      const z = evaluateCircuit(parseCircuit(fit.circuit), fit.parameters, data.freqHz);
      let s = 0;
      for (let i = 0; i < data.freqHz.length; i++) {
        const m2 = data.zRe[i] ** 2 + data.zIm[i] ** 2;
        s += ((z.re[i] - data.zRe[i]) ** 2 + (z.im[i] - data.zIm[i]) ** 2) / m2;
      }
      const rms = Math.sqrt(s / (2 * data.freqHz.length));
      expect(Math.abs(rms / fit.rms_rel_residual - 1)).toBeLessThan(1e-9);
    }
  });

  it('checks the parameter count', () => {
    expect(() => evaluateCircuit(parseCircuit('R0-p(R1,C1)'), [1, 2], freqs)).toThrow(/takes 3 parameters/);
  });
});

describe('evaluateCircuitJacobian vs central finite differences', () => {
  const f = logFrequencies(1e6, 1e-2, 3);
  const cases: Array<[string, number[]]> = [
    ['R0-p(R1,CPE1)-p(R2,CPE2)', [5, 60, 2e-7, 0.9, 100, 3e-4, 0.8]],
    ['R0-p(R1,C1)-p(R2-Wo1,C2)', [0.016, 0.0087, 3.3, 0.0054, 0.063, 232, 0.22]],
    ['R0-p(R1,CPE1)-Ws1-W1-L1-C1', [1, 20, 1e-5, 0.75, 8, 0.4, 3, 1e-7, 2e-3]],
    ['p(R1,p(R2-CPE1,C1)-Wo1,L1)-R0', [50, 10, 1e-4, 0.7, 1e-7, 5, 2, 1e-3, 0.5]],
    ['R0-p(CPE1,R1)-p(C2,R2)-CPE3', [3, 1e-6, 0.92, 40, 2e-6, 300, 1e-6, 0.88]],
  ];

  it.each(cases)('%s', (text, params) => {
    const c = parseCircuit(text);
    const jac = evaluateCircuitJacobian(c, params, f);
    const base = evaluateCircuit(c, params, f);
    expect(Array.from(jac.re)).toEqual(Array.from(base.re));
    params.forEach((p, k) => {
      const h = Math.abs(p) * 1e-5;
      const up = params.slice();
      const dn = params.slice();
      up[k] += h;
      dn[k] -= h;
      const zu = evaluateCircuit(c, up, f);
      const zd = evaluateCircuit(c, dn, f);
      for (let i = 0; i < f.length; i++) {
        const fdRe = (zu.re[i] - zd.re[i]) / (2 * h);
        const fdIm = (zu.im[i] - zd.im[i]) / (2 * h);
        // tolerance: 1e-5 relative (truncation) plus the rounding error of the difference quotient
        const rounding = (8 * Number.EPSILON * Math.hypot(base.re[i], base.im[i])) / h;
        const scale = 1e-5 * Math.hypot(fdRe, fdIm) + rounding;
        expect(Math.abs(jac.dRe[k][i] - fdRe)).toBeLessThanOrEqual(scale);
        expect(Math.abs(jac.dIm[k][i] - fdIm)).toBeLessThanOrEqual(scale);
      }
    });
  });
});
