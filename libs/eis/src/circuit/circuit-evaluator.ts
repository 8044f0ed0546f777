import type { Circuit, CircuitElement, CircuitNode } from './circuit';
import type { ElementType } from './elements';

const enum Op {
  R,
  C,
  L,
  CPE,
  W,
  Wo,
  Ws,
  Series,
  Parallel,
  /** Fused p(R, CPE): Z = R / (1 + R Q (jw)^n). */
  Zarc,
  /** Fused p(R, C): Z = R / (1 + jw R C). */
  Rc,
}

const OP_OF_TYPE: Record<ElementType, Op> = {
  R: Op.R,
  C: Op.C,
  L: Op.L,
  CPE: Op.CPE,
  W: Op.W,
  Wo: Op.Wo,
  Ws: Op.Ws,
};

/** One step of the post-order program that evaluates a circuit tree. */
interface Instr {
  op: Op;
  /** Node slot written by this step. */
  node: number;
  /** First parameter of the element (element steps) or of the subtree. */
  paramStart: number;
  /** One past the last parameter of the subtree. */
  paramEnd: number;
  /** Child node slots (series and parallel). */
  children: Int32Array;
  /** Fused blocks: parameter index of R and of the capacitive element (Q or C; n follows Q). */
  rIndex: number;
  cIndex: number;
  /** Parameter range of each child (parallel only). */
  childStart: Int32Array;
  childEnd: Int32Array;
}

const HALF_PI = Math.PI / 2;

/** A parallel block of exactly one resistor and one C or CPE, evaluated in closed form. */
function fusedBlock(node: CircuitNode): { r: CircuitElement; c: CircuitElement } | undefined {
  if (node.kind !== 'parallel' || node.children.length !== 2) return undefined;
  const [a, b] = node.children;
  if (a.kind !== 'element' || b.kind !== 'element') return undefined;
  const isCap = (t: string) => t === 'C' || t === 'CPE';
  if (a.element.type === 'R' && isCap(b.element.type)) return { r: a.element, c: b.element };
  if (b.element.type === 'R' && isCap(a.element.type)) return { r: b.element, c: a.element };
  return undefined;
}

/**
 * Evaluates a circuit and its analytic Jacobian over a frequency vector, into buffers that are allocated
 * once (capacity = the largest number of frequencies seen) and reused. Not thread-safe, not re-entrant:
 * one evaluator per fitter.
 *
 * Derivatives are accumulated in place: every element writes dZ/dp for its own parameters; a series node
 * leaves them alone (dZ/dZi = 1); a parallel node multiplies the derivatives of child i by
 * dZ/dZi = (Z / Zi)^2. Because the parameters of a subtree are contiguous, each parallel node touches
 * one contiguous range per child.
 *
 * Layout: re[i], im[i] for frequency i; dRe[k * capacity + i], dIm[k * capacity + i] for parameter k.
 */
export class CircuitEvaluator {
  readonly paramCount: number;
  capacity = 0;
  n = 0;
  re: Float64Array = new Float64Array(0);
  im: Float64Array = new Float64Array(0);
  dRe = new Float64Array(0);
  dIm = new Float64Array(0);
  private omega = new Float64Array(0);
  private logOmega = new Float64Array(0);
  private invSqrtOmega = new Float64Array(0);
  private factorRe = new Float64Array(0);
  private factorIm = new Float64Array(0);
  private nodeRe: Float64Array[] = [];
  private nodeIm: Float64Array[] = [];
  private readonly program: Instr[] = [];
  private readonly nodeCount: number;
  private readonly rootNode: number;

  constructor(
    readonly circuit: Circuit,
    capacity = 64,
  ) {
    this.paramCount = circuit.paramCount;
    let nextNode = 0;
    const compile = (node: CircuitNode): { slot: number; start: number; end: number } => {
      if (node.kind === 'element') {
        const slot = nextNode++;
        const el = node.element;
        this.program.push({
          op: OP_OF_TYPE[el.type],
          node: slot,
          paramStart: el.paramOffset,
          paramEnd: el.paramOffset + el.paramCount,
          children: new Int32Array(0),
          childStart: new Int32Array(0),
          childEnd: new Int32Array(0),
          rIndex: -1,
          cIndex: -1,
        });
        return { slot, start: el.paramOffset, end: el.paramOffset + el.paramCount };
      }
      const fused = fusedBlock(node);
      if (fused) {
        const slot = nextNode++;
        const start = Math.min(fused.r.paramOffset, fused.c.paramOffset);
        const end = Math.max(fused.r.paramOffset + 1, fused.c.paramOffset + fused.c.paramCount);
        this.program.push({
          op: fused.c.type === 'CPE' ? Op.Zarc : Op.Rc,
          node: slot,
          paramStart: start,
          paramEnd: end,
          children: new Int32Array(0),
          childStart: new Int32Array(0),
          childEnd: new Int32Array(0),
          rIndex: fused.r.paramOffset,
          cIndex: fused.c.paramOffset,
        });
        return { slot, start, end };
      }
      const kids = node.children.map(compile);
      const slot = nextNode++;
      const start = Math.min(...kids.map((k) => k.start));
      const end = Math.max(...kids.map((k) => k.end));
      this.program.push({
        op: node.kind === 'series' ? Op.Series : Op.Parallel,
        node: slot,
        paramStart: start,
        paramEnd: end,
        children: Int32Array.from(kids.map((k) => k.slot)),
        childStart: Int32Array.from(kids.map((k) => k.start)),
        childEnd: Int32Array.from(kids.map((k) => k.end)),
        rIndex: -1,
        cIndex: -1,
      });
      return { slot, start, end };
    };
    this.rootNode = compile(circuit.root).slot;
    this.nodeCount = nextNode;
    this.ensureCapacity(capacity);
  }

  /** Grows the buffers when needed (allocation happens only here). */
  ensureCapacity(capacity: number): void {
    if (capacity <= this.capacity) return;
    const p = this.paramCount;
    this.capacity = capacity;
    this.omega = new Float64Array(capacity);
    this.logOmega = new Float64Array(capacity);
    this.invSqrtOmega = new Float64Array(capacity);
    this.factorRe = new Float64Array(capacity);
    this.factorIm = new Float64Array(capacity);
    this.dRe = new Float64Array(p * capacity);
    this.dIm = new Float64Array(p * capacity);
    this.nodeRe = [];
    this.nodeIm = [];
    for (let k = 0; k < this.nodeCount; k++) {
      this.nodeRe.push(new Float64Array(capacity));
      this.nodeIm.push(new Float64Array(capacity));
    }
    // The root's buffers are the outputs.
    this.re = this.nodeRe[this.rootNode];
    this.im = this.nodeIm[this.rootNode];
    // Frequencies must be set again after the buffers were replaced.
    this.n = 0;
  }

  /** Sets the frequency vector (Hz) and precomputes omega, log(omega), 1/sqrt(omega). */
  setFrequencies(freqHz: ArrayLike<number>): void {
    const n = freqHz.length;
    this.ensureCapacity(n);
    this.n = n;
    for (let i = 0; i < n; i++) {
      const w = 2 * Math.PI * freqHz[i];
      this.omega[i] = w;
      this.logOmega[i] = Math.log(w);
      this.invSqrtOmega[i] = 1 / Math.sqrt(w);
    }
  }

  /**
   * Evaluates Z at the current frequencies; with jacobian = true also dZ/dp for every parameter.
   * Results are in re/im (length n) and dRe/dIm (stride capacity).
   */
  evaluate(params: ArrayLike<number>, jacobian: boolean): void {
    const n = this.n;
    const cap = this.capacity;
    const dRe = this.dRe;
    const dIm = this.dIm;
    const omega = this.omega;
    const logOmega = this.logOmega;
    const isw = this.invSqrtOmega;
    const prog = this.program;
    for (let s = 0; s < prog.length; s++) {
      const ins = prog[s];
      const zr = this.nodeRe[ins.node];
      const zi = this.nodeIm[ins.node];
      const k = ins.paramStart;
      const o0 = k * cap;
      const o1 = o0 + cap;
      switch (ins.op) {
        case Op.R: {
          const r = params[k];
          for (let i = 0; i < n; i++) {
            zr[i] = r;
            zi[i] = 0;
          }
          if (jacobian) {
            for (let i = 0; i < n; i++) {
              dRe[o0 + i] = 1;
              dIm[o0 + i] = 0;
            }
          }
          break;
        }
        case Op.C: {
          // Z = -j / (w C); dZ/dC = -Z / C
          const c = params[k];
          const invC = 1 / c;
          for (let i = 0; i < n; i++) {
            const v = -invC / omega[i];
            zr[i] = 0;
            zi[i] = v;
            if (jacobian) {
              dRe[o0 + i] = 0;
              dIm[o0 + i] = -v * invC;
            }
          }
          break;
        }
        case Op.L: {
          const l = params[k];
          for (let i = 0; i < n; i++) {
            zr[i] = 0;
            zi[i] = omega[i] * l;
            if (jacobian) {
              dRe[o0 + i] = 0;
              dIm[o0 + i] = omega[i];
            }
          }
          break;
        }
        case Op.CPE: {
          // Z = Q^-1 w^-n e^{-j n pi/2}; dZ/dQ = -Z/Q; dZ/dn = -(ln w + j pi/2) Z
          const q = params[k];
          const nn = params[k + 1];
          const invQ = 1 / q;
          const cr = Math.cos(nn * HALF_PI) * invQ;
          const ci = -Math.sin(nn * HALF_PI) * invQ;
          for (let i = 0; i < n; i++) {
            const lw = logOmega[i];
            const m = Math.exp(-nn * lw);
            const a = cr * m;
            const b = ci * m;
            zr[i] = a;
            zi[i] = b;
            if (jacobian) {
              dRe[o0 + i] = -a * invQ;
              dIm[o0 + i] = -b * invQ;
              // -(lw + j pi/2)(a + j b) = -(lw a - pi/2 b) - j (lw b + pi/2 a)
              dRe[o1 + i] = -(lw * a - HALF_PI * b);
              dIm[o1 + i] = -(lw * b + HALF_PI * a);
            }
          }
          break;
        }
        case Op.W: {
          // Z = A (1 - j) / sqrt(w)
          const aw = params[k];
          for (let i = 0; i < n; i++) {
            const v = isw[i];
            zr[i] = aw * v;
            zi[i] = -aw * v;
            if (jacobian) {
              dRe[o0 + i] = v;
              dIm[o0 + i] = -v;
            }
          }
          break;
        }
        case Op.Wo:
        case Op.Ws:
          this.evalFiniteWarburg(ins.op === Op.Wo, params[k], params[k + 1], zr, zi, o0, o1, jacobian);
          break;
        case Op.Series: {
          const ch = ins.children;
          const first = ch[0];
          const fr = this.nodeRe[first];
          const fi = this.nodeIm[first];
          for (let i = 0; i < n; i++) {
            zr[i] = fr[i];
            zi[i] = fi[i];
          }
          for (let c = 1; c < ch.length; c++) {
            const cr = this.nodeRe[ch[c]];
            const ci = this.nodeIm[ch[c]];
            for (let i = 0; i < n; i++) {
              zr[i] += cr[i];
              zi[i] += ci[i];
            }
          }
          break;
        }
        case Op.Parallel:
          this.evalParallel(ins, zr, zi, jacobian);
          break;
        case Op.Zarc:
          this.evalZarc(params[ins.rIndex], params[ins.cIndex], params[ins.cIndex + 1], ins, zr, zi, jacobian);
          break;
        case Op.Rc:
          this.evalRc(params[ins.rIndex], params[ins.cIndex], ins, zr, zi, jacobian);
          break;
      }
    }
  }

  /**
   * p(R, CPE): T = R Q w^n e^{j n pi/2}, D = 1 + T, Z = R / D.
   * dZ/dR = 1/D^2; with U = R T / D^2: dZ/dQ = -U / Q, dZ/dn = -U (ln w + j pi/2).
   */
  private evalZarc(r: number, q: number, nn: number, ins: Instr, zr: Float64Array, zi: Float64Array, jacobian: boolean): void {
    const n = this.n;
    const cap = this.capacity;
    const logOmega = this.logOmega;
    const dRe = this.dRe;
    const dIm = this.dIm;
    const oR = ins.rIndex * cap;
    const oQ = ins.cIndex * cap;
    const oN = oQ + cap;
    const rq = r * q;
    const c = Math.cos(nn * HALF_PI) * rq;
    const sn = Math.sin(nn * HALF_PI) * rq;
    const invQ = 1 / q;
    for (let i = 0; i < n; i++) {
      const lw = logOmega[i];
      const m = Math.exp(nn * lw);
      const tr = c * m;
      const ti = sn * m;
      const dr = 1 + tr;
      const inv = 1 / (dr * dr + ti * ti);
      const ir = dr * inv; // 1/D
      const ii = -ti * inv;
      zr[i] = r * ir;
      zi[i] = r * ii;
      if (jacobian) {
        const i2r = ir * ir - ii * ii; // 1/D^2
        const i2i = 2 * ir * ii;
        dRe[oR + i] = i2r;
        dIm[oR + i] = i2i;
        const ur = r * (tr * i2r - ti * i2i);
        const ui = r * (tr * i2i + ti * i2r);
        dRe[oQ + i] = -ur * invQ;
        dIm[oQ + i] = -ui * invQ;
        dRe[oN + i] = -(ur * lw - ui * HALF_PI);
        dIm[oN + i] = -(ui * lw + ur * HALF_PI);
      }
    }
  }

  /** p(R, C): T = j w R C, Z = R / (1 + T); dZ/dR = 1/D^2, dZ/dC = -R T / (C D^2). */
  private evalRc(r: number, cc: number, ins: Instr, zr: Float64Array, zi: Float64Array, jacobian: boolean): void {
    const n = this.n;
    const cap = this.capacity;
    const omega = this.omega;
    const dRe = this.dRe;
    const dIm = this.dIm;
    const oR = ins.rIndex * cap;
    const oC = ins.cIndex * cap;
    const rc = r * cc;
    for (let i = 0; i < n; i++) {
      const ti = omega[i] * rc;
      const inv = 1 / (1 + ti * ti);
      const ir = inv;
      const ii = -ti * inv;
      zr[i] = r * ir;
      zi[i] = r * ii;
      if (jacobian) {
        const i2r = ir * ir - ii * ii;
        const i2i = 2 * ir * ii;
        dRe[oR + i] = i2r;
        dIm[oR + i] = i2i;
        // -R T / (C D^2) = -R (j ti) (i2r + j i2i) / C = R ti (i2i - j i2r) / C
        const k = (r * ti) / cc;
        dRe[oC + i] = k * i2i;
        dIm[oC + i] = -k * i2r;
      }
    }
  }

  private evalParallel(ins: Instr, zr: Float64Array, zi: Float64Array, jacobian: boolean): void {
    const n = this.n;
    const cap = this.capacity;
    const ch = ins.children;
    const nc = ch.length;
    const dRe = this.dRe;
    const dIm = this.dIm;
    // admittance sum
    const ar0 = this.nodeRe[ch[0]];
    const ai0 = this.nodeIm[ch[0]];
    for (let i = 0; i < n; i++) {
      const a = ar0[i];
      const b = ai0[i];
      const inv = 1 / (a * a + b * b);
      zr[i] = a * inv;
      zi[i] = -b * inv;
    }
    for (let c = 1; c < nc; c++) {
      const ar = this.nodeRe[ch[c]];
      const ai = this.nodeIm[ch[c]];
      for (let i = 0; i < n; i++) {
        const a = ar[i];
        const b = ai[i];
        const inv = 1 / (a * a + b * b);
        zr[i] += a * inv;
        zi[i] -= b * inv;
      }
    }
    // Z = 1 / Y
    for (let i = 0; i < n; i++) {
      const yr = zr[i];
      const yi = zi[i];
      const inv = 1 / (yr * yr + yi * yi);
      zr[i] = yr * inv;
      zi[i] = -yi * inv;
    }
    if (!jacobian) return;
    const fr = this.factorRe;
    const fi = this.factorIm;
    for (let c = 0; c < nc; c++) {
      const p0 = ins.childStart[c];
      const p1 = ins.childEnd[c];
      if (p1 <= p0) continue;
      const ar = this.nodeRe[ch[c]];
      const ai = this.nodeIm[ch[c]];
      // factor = (Z / Zc)^2
      for (let i = 0; i < n; i++) {
        const a = ar[i];
        const b = ai[i];
        const inv = 1 / (a * a + b * b);
        const r = zr[i];
        const m = zi[i];
        const tr = (r * a + m * b) * inv;
        const ti = (m * a - r * b) * inv;
        fr[i] = tr * tr - ti * ti;
        fi[i] = 2 * tr * ti;
      }
      for (let p = p0; p < p1; p++) {
        const o = p * cap;
        for (let i = 0; i < n; i++) {
          const dr = dRe[o + i];
          const di = dIm[o + i];
          dRe[o + i] = fr[i] * dr - fi[i] * di;
          dIm[o + i] = fr[i] * di + fi[i] * dr;
        }
      }
    }
  }

  /**
   * Finite-length Warburg, x = sqrt(j w tau) = s (1 + j), s = sqrt(w tau / 2).
   * Open:  Z = Z0 coth(x)/x, dZ/dtau = -Z0/(2 tau) (csch^2 x + coth(x)/x)
   * Short: Z = Z0 tanh(x)/x, dZ/dtau =  Z0/(2 tau) (sech^2 x - tanh(x)/x)
   */
  private evalFiniteWarburg(
    open: boolean,
    z0: number,
    tau: number,
    zr: Float64Array,
    zi: Float64Array,
    o0: number,
    o1: number,
    jacobian: boolean,
  ): void {
    const n = this.n;
    const omega = this.omega;
    const dRe = this.dRe;
    const dIm = this.dIm;
    const half = z0 / (2 * tau);
    for (let i = 0; i < n; i++) {
      const s = Math.sqrt((omega[i] * tau) / 2);
      // tanh(s + j s) = (sinh 2s + j sin 2s) / (cosh 2s + cos 2s)
      let tr: number;
      let ti: number;
      const two = 2 * s;
      if (two > 40) {
        tr = 1;
        ti = 0;
      } else {
        const e = Math.exp(two);
        const sh = (e - 1 / e) / 2;
        const chh = (e + 1 / e) / 2;
        const den = chh + Math.cos(two);
        tr = sh / den;
        ti = Math.sin(two) / den;
      }
      // 1/x = (1 - j) / (2 s)
      const ixr = 1 / two;
      const ixi = -1 / two;
      let fr: number; // f(x) = tanh(x)/x or coth(x)/x
      let fi: number;
      let gr: number; // bracket term for dZ/dtau
      let gi: number;
      if (open) {
        const inv = 1 / (tr * tr + ti * ti);
        const cr = tr * inv; // coth = 1/tanh
        const ci = -ti * inv;
        fr = cr * ixr - ci * ixi;
        fi = cr * ixi + ci * ixr;
        // csch^2 = coth^2 - 1
        const c2r = cr * cr - ci * ci - 1;
        const c2i = 2 * cr * ci;
        gr = -(c2r + fr);
        gi = -(c2i + fi);
      } else {
        fr = tr * ixr - ti * ixi;
        fi = tr * ixi + ti * ixr;
        if (s < 1e-2) {
          // sech^2 x - tanh(x)/x = -2x^2/3 + 8x^4/15, x^2 = 2 j s^2, x^4 = -4 s^4
          const s2 = s * s;
          gr = (-32 / 15) * s2 * s2;
          gi = (-4 / 3) * s2;
        } else {
          // sech^2 = 1 - tanh^2
          const s2r = 1 - (tr * tr - ti * ti);
          const s2i = -2 * tr * ti;
          gr = s2r - fr;
          gi = s2i - fi;
        }
      }
      zr[i] = z0 * fr;
      zi[i] = z0 * fi;
      if (jacobian) {
        dRe[o0 + i] = fr;
        dIm[o0 + i] = fi;
        dRe[o1 + i] = half * gr;
        dIm[o1 + i] = half * gi;
      }
    }
  }
}
