import type { Circuit, CircuitElement, CircuitNode } from '../circuit/circuit';

/**
 * Automatic initial guesses from the shape of a spectrum.
 *
 * The circuit's top-level series chain is split into blocks:
 * - 'series-R': resistors in series: the high-frequency intercept (shared when there are several);
 * - 'arc': parallel blocks: each gets a resistance (arc width on the real axis), a time constant
 *   (1 / (2π f_apex) of its -Im peak) and a CPE exponent (from the arc's depression, height / width);
 * - 'tail': other series elements (C, CPE, W, Wo, Ws, L): sized from the low-frequency end (or, for L,
 *   from the high-frequency end).
 * Arcs are assigned to -Im peaks in order: the first parallel block in the string gets the highest-
 * frequency peak. When fewer peaks are visible than blocks (overlapping arcs), the blocks are spread
 * around the visible peak. Variants > 0 give alternative starts for restarts.
 */
export interface GuessBlock {
  kind: 'series-R' | 'arc' | 'tail';
  node: CircuitNode;
}

export function planGuessBlocks(circuit: Circuit): GuessBlock[] {
  const top = circuit.root.kind === 'series' ? circuit.root.children : [circuit.root];
  return top.map((node): GuessBlock => {
    if (node.kind === 'parallel') return { kind: 'arc', node };
    if (node.kind === 'element' && node.element.type === 'R') return { kind: 'series-R', node };
    return { kind: 'tail', node };
  });
}

/** Scratch buffers for the guess; sized to the spectrum, reused across calls. */
export interface GuessWorkspace {
  peaks: Int32Array;
  prominence: Float64Array;
  smooth: Float64Array;
  arcR: Float64Array;
  arcTau: Float64Array;
  arcN: Float64Array;
}

export function createGuessWorkspace(capacity: number, arcs: number): GuessWorkspace {
  return {
    peaks: new Int32Array(Math.max(capacity, 1)),
    prominence: new Float64Array(Math.max(capacity, 1)),
    smooth: new Float64Array(Math.max(capacity, 1)),
    arcR: new Float64Array(Math.max(arcs, 1)),
    arcTau: new Float64Array(Math.max(arcs, 1)),
    arcN: new Float64Array(Math.max(arcs, 1)),
  };
}

const clamp = (x: number, lo: number, hi: number): number => (x < lo ? lo : x > hi ? hi : x);

/** n of a ZARC from its apex height h and width r: h / r = tan(n π / 4) / 2. */
function exponentFromDepression(h: number, r: number): number {
  if (!(r > 0) || !(h > 0)) return 0.85;
  return clamp((4 / Math.PI) * Math.atan((2 * h) / r), 0.5, 0.92);
}

/** Visits every element of a subtree. */
function forEachElement(node: CircuitNode, fn: (el: CircuitElement) => void): void {
  if (node.kind === 'element') fn(node.element);
  else for (const c of node.children) forEachElement(c, fn);
}

/**
 * Writes a guess into params. f (descending), x = Re Z, y = -Im Z over n points.
 * variant 0 is the plain guess; 1.. are alternatives (skewed arc split, wider time constants, jitter).
 */
export function guessParameters(
  circuit: Circuit,
  blocks: readonly GuessBlock[],
  f: Float64Array,
  x: Float64Array,
  y: Float64Array,
  n: number,
  params: Float64Array,
  ws: GuessWorkspace,
  variant = 0,
  rand: () => number = Math.random,
): void {
  // Scale of the spectrum, used as a floor for resistances.
  let zMax = 0;
  for (let i = 0; i < n; i++) zMax = Math.max(zMax, Math.hypot(x[i], y[i]));
  if (!(zMax > 0)) zMax = 1;
  const rFloor = zMax * 1e-6;

  // 1. High-frequency intercept.
  let r0: number;
  if (y[0] <= 0) {
    let i = 1;
    while (i < n && y[i] <= 0) i++;
    if (i < n) {
      const t = y[i] - y[i - 1] !== 0 ? -y[i - 1] / (y[i] - y[i - 1]) : 0;
      r0 = x[i - 1] + t * (x[i] - x[i - 1]);
    } else r0 = x[0];
  } else {
    r0 = x[0] - 0.16 * y[0];
    if (n > 1 && x[1] < x[0]) r0 = Math.min(r0, x[1] - 0.16 * y[1]);
  }
  if (!(r0 > rFloor)) r0 = Math.max(x[0] * 0.5, rFloor);

  // 2. End of the arc region: the first -Im minimum seen from the low-frequency end, when the circuit
  //    has a capacitive/diffusive tail and the data rise again toward low frequency.
  let hasTail = false;
  let nArcs = 0;
  let nSeriesR = 0;
  for (const b of blocks) {
    if (b.kind === 'arc') nArcs++;
    else if (b.kind === 'series-R') nSeriesR++;
    else if (b.node.kind === 'element' && b.node.element.type !== 'L') hasTail = true;
  }
  let iv = n - 1;
  if (hasTail) {
    while (iv > 0 && y[iv - 1] <= y[iv]) iv--;
    if (iv === 0) iv = n - 1; // tail everywhere: no visible arc end
  }
  const rArcs = Math.max(x[iv] - r0, rFloor * 10);

  // 3. -Im peaks in the arc region: local maxima of the lightly smoothed -Im, kept when their
  //    prominence (height above the higher of the two valleys that separate them from a higher peak or
  //    the edge) is at least 10 % of the highest point, so that noise ripples are ignored. Edges count as
  //    zero, so an arc whose apex lies just outside the sweep still yields a peak at the edge.
  const ys = ws.smooth;
  for (let i = 0; i <= iv; i++) {
    const l = i > 0 ? y[i - 1] : y[i];
    const r = i < iv ? y[i + 1] : y[i];
    ys[i] = 0.25 * l + 0.5 * y[i] + 0.25 * r;
  }
  let yTop = 0;
  for (let i = 0; i <= iv; i++) if (ys[i] > yTop) yTop = ys[i];
  const peaks = ws.peaks;
  const prom = ws.prominence;
  let k = 0;
  for (let i = 0; i <= iv; i++) {
    const h = ys[i];
    if (!(h > 0)) continue;
    if ((i > 0 && ys[i - 1] > h) || (i < iv && ys[i + 1] >= h)) continue;
    let leftMin = h;
    let j = i - 1;
    for (; j >= 0 && ys[j] <= h; j--) if (ys[j] < leftMin) leftMin = ys[j];
    if (j < 0) leftMin = Math.min(leftMin, 0);
    let rightMin = h;
    j = i + 1;
    for (; j <= iv && ys[j] <= h; j++) if (ys[j] < rightMin) rightMin = ys[j];
    if (j > iv) rightMin = Math.min(rightMin, 0);
    const pr = h - Math.max(leftMin, rightMin);
    if (pr >= 0.1 * yTop) {
      peaks[k] = i;
      prom[k] = pr;
      k++;
    }
  }
  // keep the most prominent peaks first
  for (let a = 0; a < k; a++) {
    for (let b = a + 1; b < k; b++) {
      if (prom[b] > prom[a]) {
        const t = peaks[a];
        peaks[a] = peaks[b];
        peaks[b] = t;
        const q = prom[a];
        prom[a] = prom[b];
        prom[b] = q;
      }
    }
  }
  const used = Math.min(k, nArcs);
  for (let a = 0; a < used; a++) {
    for (let b = a + 1; b < used; b++) {
      if (peaks[b] < peaks[a]) {
        const t = peaks[a];
        peaks[a] = peaks[b];
        peaks[b] = t;
      }
    }
  }

  const arcR = ws.arcR;
  const arcTau = ws.arcTau;
  const arcN = ws.arcN;
  const fHi = f[0];
  const fLo = f[Math.max(iv, 0)];
  if (nArcs > 0) {
    if (used === nArcs) {
      // An arc cut off by the top of the sweep (-Im still well above 0 at f_max): place the intercept
      // by symmetry about the apex, R0 ≈ Re(apex) - (Re(valley after it) - Re(apex)).
      const p0 = peaks[0];
      if (y[0] > 0.1 * y[p0]) {
        let v0 = p0;
        const stop = nArcs > 1 ? peaks[1] : iv;
        for (let i = p0; i <= stop; i++) if (y[i] < y[v0]) v0 = i;
        const r0Sym = 2 * x[p0] - x[v0];
        if (r0Sym < r0) r0 = Math.max(r0Sym, rFloor, 0.02 * x[0]);
      }
      let prevRe = r0;
      for (let a = 0; a < nArcs; a++) {
        const p = peaks[a];
        let endRe: number;
        if (a === nArcs - 1) endRe = x[iv];
        else {
          let vi = p;
          for (let i = p; i <= peaks[a + 1]; i++) if (y[i] < y[vi]) vi = i;
          endRe = x[vi];
        }
        const r = Math.max(endRe - prevRe, rArcs * 0.02);
        arcR[a] = r;
        arcTau[a] = 1 / (2 * Math.PI * f[p]);
        arcN[a] = exponentFromDepression(y[p], r);
        prevRe = endRe;
      }
    } else if (used > 0) {
      // fewer peaks than arcs: spread the arcs around the strongest peak, one decade apart
      const p = peaks[0];
      const tau0 = 1 / (2 * Math.PI * f[p]);
      const nDep = exponentFromDepression(y[p], rArcs);
      for (let a = 0; a < nArcs; a++) {
        arcR[a] = rArcs / nArcs;
        arcTau[a] = tau0 * Math.pow(10, a - (nArcs - 1) / 2);
        arcN[a] = clamp(nDep + 0.1, 0.6, 0.95);
      }
    } else {
      // no visible peak: spread the arcs log-uniformly over the arc region
      const lhi = Math.log(1 / (2 * Math.PI * fHi));
      const llo = Math.log(1 / (2 * Math.PI * fLo));
      for (let a = 0; a < nArcs; a++) {
        arcR[a] = rArcs / nArcs;
        arcTau[a] = Math.exp(lhi + ((a + 0.5) / nArcs) * (llo - lhi));
        arcN[a] = 0.85;
      }
    }
    applyVariant(variant, nArcs, arcR, arcTau, arcN, rand);
  }

  // 4. Write the parameters block by block. Diffusion tails get a time constant between the slowest
  //    arc and the end of the sweep (geometric middle).
  let tauArc = nArcs > 0 ? arcTau[0] : 1 / (2 * Math.PI * fHi);
  for (let a = 1; a < nArcs; a++) tauArc = Math.max(tauArc, arcTau[a]);
  const tauSlow = Math.sqrt(tauArc / (2 * Math.PI * f[n - 1]));
  const wLo = 2 * Math.PI * f[n - 1];
  const wHi = 2 * Math.PI * fHi;
  let arc = 0;
  for (const b of blocks) {
    if (b.kind === 'series-R') {
      params[(b.node as { element: CircuitElement }).element.paramOffset] = r0 / Math.max(nSeriesR, 1);
    } else if (b.kind === 'arc') {
      const r = arcR[arc];
      const tau = arcTau[arc];
      const nn = arcN[arc];
      arc++;
      forEachElement(b.node, (el) => guessArcElement(el, params, r, tau, nn));
    } else {
      forEachElement(b.node, (el) => guessTailElement(el, params, f, x, y, n, iv, wLo, wHi, r0, rArcs, tauSlow));
    }
  }
  for (let i = 0; i < circuit.paramCount; i++) {
    if (!Number.isFinite(params[i]) || params[i] <= 0) params[i] = circuit.paramKinds[i] === 'exponent' ? 0.85 : 1e-3;
  }
  if (variant >= 3) {
    // jittered restarts: also move every element outside the simple arcs (tails, Warburgs inside
    // blocks) by up to a decade, since their guesses are the crudest
    arc = 0;
    for (const b of blocks) {
      const simpleArc = b.kind === 'arc' && b.node.kind === 'parallel' && b.node.children.every((c) => c.kind === 'element');
      if (b.kind === 'series-R' || simpleArc) continue;
      forEachElement(b.node, (el) => {
        for (let j = 0; j < el.paramCount; j++) {
          const idx = el.paramOffset + j;
          if (circuit.paramKinds[idx] === 'exponent') params[idx] = 0.5 + 0.45 * rand();
          else params[idx] *= Math.exp((rand() * 2 - 1) * Math.log(10));
        }
      });
    }
  }
}

function applyVariant(
  variant: number,
  nArcs: number,
  arcR: Float64Array,
  arcTau: Float64Array,
  arcN: Float64Array,
  rand: () => number,
): void {
  if (variant === 0) return;
  let total = 0;
  for (let a = 0; a < nArcs; a++) total += arcR[a];
  if (variant === 1 || variant === 2) {
    // skew the split of the real-axis width toward the first (1) or the last (2) arc, and pull the
    // time constants apart by a decade
    for (let a = 0; a < nArcs; a++) {
      const w = nArcs === 1 ? 1 : variant === 1 ? (nArcs - a) ** 2 : (a + 1) ** 2;
      arcR[a] = w;
    }
    let s = 0;
    for (let a = 0; a < nArcs; a++) s += arcR[a];
    for (let a = 0; a < nArcs; a++) {
      arcR[a] = (arcR[a] / s) * total;
      arcTau[a] *= Math.pow(10, a - (nArcs - 1) / 2);
      arcN[a] = variant === 1 ? 0.9 : 0.7;
    }
    return;
  }
  // random jitter: resistances x/÷ 3, time constants x/÷ 10, n in [0.6, 0.95]
  for (let a = 0; a < nArcs; a++) {
    arcR[a] *= Math.exp((rand() * 2 - 1) * Math.log(3));
    arcTau[a] *= Math.exp((rand() * 2 - 1) * Math.log(10));
    arcN[a] = 0.6 + 0.35 * rand();
  }
}

function guessArcElement(el: CircuitElement, p: Float64Array, r: number, tau: number, n: number): void {
  const o = el.paramOffset;
  switch (el.type) {
    case 'R':
      p[o] = r;
      break;
    case 'C':
      p[o] = tau / r;
      break;
    case 'CPE':
      p[o] = Math.pow(tau, n) / r;
      p[o + 1] = n;
      break;
    case 'L':
      p[o] = tau * r * 1e-3;
      break;
    case 'W':
      p[o] = r / Math.sqrt(tau);
      break;
    case 'Wo':
    case 'Ws':
      p[o] = r;
      p[o + 1] = tau * 100;
      break;
  }
}

function guessTailElement(
  el: CircuitElement,
  p: Float64Array,
  f: Float64Array,
  x: Float64Array,
  y: Float64Array,
  n: number,
  iv: number,
  wLo: number,
  wHi: number,
  r0: number,
  rArcs: number,
  tauSlow: number,
): void {
  const o = el.paramOffset;
  const yLo = Math.max(y[n - 1], (r0 + rArcs) * 0.1);
  switch (el.type) {
    case 'R':
      p[o] = r0;
      break;
    case 'C':
      p[o] = 1 / (wLo * yLo);
      break;
    case 'CPE': {
      // exponent from the log-log slope of -Im over the tail
      let nn = 0.9;
      if (n - 1 - iv >= 2) {
        const a = Math.max(iv, n - 4);
        const slope = Math.log(y[n - 1] / y[a]) / Math.log(f[a] / f[n - 1]);
        if (Number.isFinite(slope)) nn = clamp(slope, 0.5, 0.99);
      }
      p[o] = Math.sin((nn * Math.PI) / 2) / (yLo * Math.pow(wLo, nn));
      p[o + 1] = nn;
      break;
    }
    case 'W':
      p[o] = yLo * Math.sqrt(wLo);
      break;
    case 'Wo':
    case 'Ws':
      p[o] = Math.max(x[n - 1] - x[iv], rArcs * 0.5, r0);
      p[o + 1] = tauSlow;
      break;
    case 'L': {
      const li = -y[0];
      p[o] = li > 0 ? li / wHi : (r0 * 1e-3) / wHi;
      break;
    }
  }
}
