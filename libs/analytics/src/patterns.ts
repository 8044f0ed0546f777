/**
 * Spatial signatures of loss on a sheet or roll map (docs/yield-analytics.md): lanes and stripes across the web,
 * a smile or frown of the metric across the web, drift and steps along the web, defects repeating at a
 * roller's circumference, clusters beyond random, and edge effects. Each test compares what it sees
 * with what independent random defects at the map's own rate would give, so the score is a
 * significance (−log10 of a p-value, Bonferroni-corrected over the places looked at) and a map of
 * only random defects comes out as RANDOM.
 */
import { FAIL, MapGrid, PASS } from './map-grid';
import { binomialSf, chiSquareSf, madSigma, median } from './stats';

const { abs, floor, round, min, max, log10 } = Math;

export type PatternKind = 'CD_LANE' | 'CD_SMILE' | 'CD_FROWN' | 'MD_DRIFT' | 'MD_STEP' | 'MD_PERIODIC' | 'CLUSTER' | 'EDGE' | 'RANDOM';

export const PATTERN_KINDS: readonly PatternKind[] = [
  'CD_LANE',
  'CD_SMILE',
  'CD_FROWN',
  'MD_DRIFT',
  'MD_STEP',
  'MD_PERIODIC',
  'CLUSTER',
  'EDGE',
  'RANDOM',
];

export interface CellRef {
  row: number;
  col: number;
}

export interface PatternRegion {
  rowFrom: number;
  rowTo: number;
  colFrom: number;
  colTo: number;
  mdFromMm: number;
  mdToMm: number;
}

export interface PatternFinding {
  kind: PatternKind;
  /** Failure map or metric map. */
  source: 'FAIL' | 'METRIC';
  /** −log10 of the (corrected) p-value under random defects / noise, capped at 300. */
  score: number;
  /** Size of the effect in the map's own units (see `description`). */
  effect: number;
  description: string;
  /** The rectangle that holds the pattern (for a hold or a highlight). */
  region: PatternRegion;
  /** Lanes: the columns; edges: the columns of the CD edge strips. */
  cols?: number[];
  /** Periodic defects: the rows hit; steps and drifts: the rows from where the change starts. */
  rows?: number[];
  /** Clusters: the connected failing cells. */
  cells?: CellRef[];
  /** Periodic defects: the repeat distance along MD, mm (compare with roller circumferences). */
  repeatDistanceMm?: number;
  /** Edge effects: which sides. */
  sides?: Array<'CD_LOW' | 'CD_HIGH' | 'MD_LEAD' | 'MD_TRAIL'>;
}

export interface ClassifyOptions {
  /** Family-wise significance a systematic class must beat (each class, each map). Default 1e-4. */
  alpha: number;
  /** Smallest relative change of the metric that counts for smile/frown, drift and step (default 0.03 = 3 %). */
  minRelativeChange: number;
  /** Smallest repeat distance for periodic defects, in rows (default 3). */
  minPeriodRows: number;
  /** Width of the edge strips, cells (default 2). */
  edgeWidth: number;
}

export const DEFAULT_CLASSIFY_OPTIONS: ClassifyOptions = { alpha: 1e-4, minRelativeChange: 0.03, minPeriodRows: 3, edgeWidth: 2 };

export interface Classification {
  findings: PatternFinding[];
  /** The classes found, strongest first; ['RANDOM'] when no systematic class is found. */
  classes: PatternKind[];
  tested: number;
  failed: number;
  failRate: number;
}

const score = (p: number): number => min(300, -log10(max(p, 1e-300)));

function fullRegion(g: MapGrid): PatternRegion {
  return { rowFrom: 0, rowTo: g.rows - 1, colFrom: 0, colTo: g.cols - 1, mdFromMm: g.rowMdMm[0], mdToMm: g.rowMdMm[g.rows - 1] };
}

function rowsRegion(g: MapGrid, r0: number, r1: number, c0 = 0, c1 = g.cols - 1): PatternRegion {
  return { rowFrom: r0, rowTo: r1, colFrom: c0, colTo: c1, mdFromMm: g.rowMdMm[r0], mdToMm: g.rowMdMm[r1] };
}

/** Distance of each row to the nearest MD edge of its own sheet, in rows. */
function rowEdgeDistance(g: MapGrid): { lead: Int32Array; trail: Int32Array } {
  const lead = new Int32Array(g.rows);
  const trail = new Int32Array(g.rows);
  let start = 0;
  for (let r = 0; r <= g.rows; r++) {
    if (r === g.rows || g.rowSheet[r] !== g.rowSheet[start]) {
      for (let k = start; k < r; k++) {
        lead[k] = k - start;
        trail[k] = r - 1 - k;
      }
      start = r;
    }
  }
  return { lead, trail };
}

// ---------------------------------------------------------------------------------------------- edges

function findEdges(g: MapGrid, o: ClassifyOptions, excluded: Uint8Array): PatternFinding | null {
  const e = o.edgeWidth;
  if (g.cols < 2 * e + 3) return null;
  const { lead, trail } = rowEdgeDistance(g);
  const sideOf = (r: number, c: number): number => (c < e ? 0 : c >= g.cols - e ? 1 : lead[r] < e ? 2 : trail[r] < e ? 3 : -1);
  const f = [0, 0, 0, 0];
  const n = [0, 0, 0, 0];
  let fi = 0;
  let ni = 0;
  for (let r = 0; r < g.rows; r++) {
    for (let c = 0; c < g.cols; c++) {
      const v = g.fail[r * g.cols + c];
      if (v !== FAIL && v !== PASS) continue;
      const s = sideOf(r, c);
      if (s < 0) {
        ni++;
        if (v === FAIL) fi++;
      } else {
        n[s]++;
        if (v === FAIL) f[s]++;
      }
    }
  }
  if (ni === 0) return null;
  const pIn = max(fi / ni, 0.5 / ni);
  const names = ['CD_LOW', 'CD_HIGH', 'MD_LEAD', 'MD_TRAIL'] as const;
  const sides: Array<(typeof names)[number]> = [];
  let logp = 0;
  let rate = 0;
  for (let s = 0; s < 4; s++) {
    if (n[s] === 0) continue;
    const p = binomialSf(f[s], n[s], pIn) * 4;
    if (p < o.alpha && f[s] / n[s] > 3 * pIn) {
      sides.push(names[s]);
      logp += score(p);
      rate += f[s] / n[s];
    }
  }
  // One strip alone is a lane (CD) or a head/tail effect of one sheet; an edge effect frames the map.
  if (sides.length < 2) return null;
  for (let r = 0; r < g.rows; r++) {
    for (let c = 0; c < g.cols; c++) {
      const s = sideOf(r, c);
      if (s >= 0 && sides.includes(names[s])) excluded[r * g.cols + c] = 1;
    }
  }
  const cols: number[] = [];
  if (sides.includes('CD_LOW')) for (let c = 0; c < e; c++) cols.push(c);
  if (sides.includes('CD_HIGH')) for (let c = g.cols - e; c < g.cols; c++) cols.push(c);
  return {
    kind: 'EDGE',
    source: 'FAIL',
    score: min(300, logp),
    effect: rate / sides.length,
    description: `failure rate ${((100 * rate) / sides.length).toFixed(1)} % in the ${e}-cell edge strips (${sides.join(', ')}) against ${((100 * fi) / ni).toFixed(1)} % inside`,
    region: fullRegion(g),
    cols,
    sides,
  };
}

// ---------------------------------------------------------------------------------------------- lanes

function pooledRate(g: MapGrid, excluded: Uint8Array, skipCol?: Uint8Array): number {
  let f = 0;
  let n = 0;
  for (let i = 0; i < g.fail.length; i++) {
    if (excluded[i] || (skipCol && skipCol[i % g.cols])) continue;
    const v = g.fail[i];
    if (v === FAIL) f++;
    if (v === FAIL || v === PASS) n++;
  }
  return n ? max(f / n, 0.5 / n) : 0;
}

function findLanes(g: MapGrid, o: ClassifyOptions, excluded: Uint8Array): PatternFinding[] {
  const fc = new Int32Array(g.cols);
  const nc = new Int32Array(g.cols);
  const blocks = 5;
  const blockHits = Array.from({ length: g.cols }, () => new Uint8Array(blocks));
  for (let r = 0; r < g.rows; r++) {
    const b = min(blocks - 1, floor((r * blocks) / g.rows));
    for (let c = 0; c < g.cols; c++) {
      const i = r * g.cols + c;
      if (excluded[i]) continue;
      const v = g.fail[i];
      if (v === FAIL) {
        fc[c]++;
        blockHits[c][b] = 1;
      }
      if (v === FAIL || v === PASS) nc[c]++;
    }
  }
  // Reference rate without the columns that are far out (so a strong lane does not hide a weaker one).
  const p0 = pooledRate(g, excluded);
  const skip = new Uint8Array(g.cols);
  for (let c = 0; c < g.cols; c++) if (nc[c] && binomialSf(fc[c], nc[c], p0) < 1e-6) skip[c] = 1;
  const pRef = pooledRate(g, excluded, skip);
  const hit: Array<{ c: number; p: number }> = [];
  for (let c = 0; c < g.cols; c++) {
    if (!nc[c] || fc[c] < 3) continue;
    const p = binomialSf(fc[c], nc[c], pRef) * g.cols;
    let spread = 0;
    for (let b = 0; b < blocks; b++) spread += blockHits[c][b];
    // A lane runs along the web: its failures are spread over MD, not piled up in one place (a cluster).
    if (p < o.alpha && spread >= 3 && fc[c] / nc[c] > 3 * pRef) hit.push({ c, p });
  }
  const out: PatternFinding[] = [];
  for (let k = 0; k < hit.length;) {
    let j = k;
    while (j + 1 < hit.length && hit[j + 1].c === hit[j].c + 1) j++;
    const cols = hit.slice(k, j + 1).map((h) => h.c);
    let f = 0;
    let n = 0;
    for (const c of cols) {
      f += fc[c];
      n += nc[c];
    }
    out.push({
      kind: 'CD_LANE',
      source: 'FAIL',
      score: score(min(...hit.slice(k, j + 1).map((h) => h.p))),
      effect: f / n,
      description: `column${cols.length > 1 ? 's' : ''} ${cols[0]}${cols.length > 1 ? `-${cols[cols.length - 1]}` : ''} fail ${((100 * f) / n).toFixed(1)} % along the web against ${(100 * pRef).toFixed(1)} % elsewhere`,
      region: { ...fullRegion(g), colFrom: cols[0], colTo: cols[cols.length - 1] },
      cols,
    });
    for (let r = 0; r < g.rows; r++) for (const c of cols) excluded[r * g.cols + c] = 1;
    k = j + 1;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------- periodic

function findPeriodic(g: MapGrid, o: ClassifyOptions, excluded: Uint8Array): PatternFinding | null {
  const pRef = pooledRate(g, excluded);
  const alphaRow = min(1e-3, 0.005 / g.rows);
  // A roller mark can straddle two rows: rows are tested alone and in adjacent pairs (each at half the α).
  const fr = new Int32Array(g.rows);
  const nr = new Int32Array(g.rows);
  for (let r = 0; r < g.rows; r++) {
    for (let c = 0; c < g.cols; c++) {
      const i = r * g.cols + c;
      if (excluded[i]) continue;
      const v = g.fail[i];
      if (v === FAIL) fr[r]++;
      if (v === FAIL || v === PASS) nr[r]++;
    }
  }
  const rowP = new Float64Array(g.rows).fill(1);
  const test = (f: number, n: number): number => (f < 3 || f <= n * pRef + 2 ? 1 : binomialSf(f, n, pRef));
  const single = new Float64Array(g.rows);
  for (let r = 0; r < g.rows; r++) {
    single[r] = test(fr[r], nr[r]);
    if (single[r] < alphaRow / 2) rowP[r] = single[r];
  }
  for (let r = 0; r < g.rows; r++) {
    // A pair of rows neither of which is hot alone, within one sheet (a pair next to a hot row would only thicken it).
    if (r + 1 < g.rows && g.rowSheet[r + 1] === g.rowSheet[r] && rowP[r] === 1 && rowP[r + 1] === 1 && fr[r] > 0 && fr[r + 1] > 0) {
      const pair = test(fr[r] + fr[r + 1], nr[r] + nr[r + 1]);
      if (pair < alphaRow / 2) {
        rowP[r] = pair;
        rowP[r + 1] = pair;
      }
    }
  }
  const hot: Array<{ r: number; p: number }> = [];
  for (let r = 0; r < g.rows; r++) if (rowP[r] < 1) hot.push({ r, p: rowP[r] });
  if (hot.length < 3) return null;
  // Hot rows next to each other are one hit; a hit thicker than a few rows is a cluster or a step, not a roller mark.
  const groups: Array<{ rows: number[]; md: number; p: number }> = [];
  for (let k = 0; k < hot.length;) {
    let j = k;
    while (j + 1 < hot.length && g.rowMdMm[hot[j + 1].r] - g.rowMdMm[hot[j].r] <= 1.5 * g.pitchMdMm) j++;
    const rows = hot.slice(k, j + 1).map((h) => h.r);
    if (rows.length <= 3) {
      const md = rows.reduce((a, r) => a + g.rowMdMm[r], 0) / rows.length;
      groups.push({ rows, md, p: min(...hot.slice(k, j + 1).map((h) => h.p)) });
    }
    k = j + 1;
  }
  if (groups.length < 3 || groups.length > 400) return null;
  const minP = o.minPeriodRows * g.pitchMdMm;
  const tol = 0.75 * g.pitchMdMm;
  let best: { hits: number[]; period: number; coverage: number } | null = null;
  for (let a = 0; a < groups.length; a++) {
    for (let b = a + 1; b < groups.length; b++) {
      const d = groups[b].md - groups[a].md;
      for (let m = 1; d / m >= minP; m++) {
        const P = d / m;
        const hits: number[] = [];
        for (let k = 0; k < groups.length; k++) {
          const t = (groups[k].md - groups[a].md) / P;
          if (abs(t - round(t)) * P <= tol) hits.push(k);
        }
        if (hits.length < 3) continue;
        const span = groups[hits[hits.length - 1]].md - groups[hits[0]].md;
        const coverage = hits.length / (round(span / P) + 1);
        if (coverage < 0.6) continue;
        if (!best || hits.length > best.hits.length || (hits.length === best.hits.length && coverage > best.coverage + 1e-9)) {
          best = { hits, period: P, coverage };
        }
      }
    }
  }
  if (!best) return null;
  // The comb must explain most of the hot rows; otherwise the map is hot everywhere (a step or drift in failures).
  if (best.hits.length < 0.6 * groups.length) return null;
  // Least-squares repeat distance from the hits and their tooth numbers.
  const h = best.hits.map((k) => groups[k]);
  const k0 = h.map((x) => round((x.md - h[0].md) / best!.period));
  const km = k0.reduce((a, b) => a + b, 0) / k0.length;
  const xm = h.reduce((a, x) => a + x.md, 0) / h.length;
  let sxy = 0;
  let sxx = 0;
  h.forEach((x, i) => {
    sxy += (k0[i] - km) * (x.md - xm);
    sxx += (k0[i] - km) * (k0[i] - km);
  });
  const period = sxx > 0 ? sxy / sxx : best.period;
  const logp = h.reduce((a, x) => a + score(x.p * g.rows), 0);
  const rows = h.flatMap((x) => x.rows);
  for (const r of rows) for (let c = 0; c < g.cols; c++) excluded[r * g.cols + c] = 1;
  return {
    kind: 'MD_PERIODIC',
    source: 'FAIL',
    score: min(300, logp),
    effect: period,
    description: `failures repeat every ${period.toFixed(1)} mm along MD (${h.length} marks${best.coverage < 1 ? `, ${(100 * best.coverage).toFixed(0)} % of the repeats in between` : ''}): compare with roller circumferences`,
    region: rowsRegion(g, rows[0], rows[rows.length - 1]),
    rows,
    repeatDistanceMm: period,
  };
}

// ---------------------------------------------------------------------------------------------- clusters

/** Fixed 8-connected animals (polyplets) of 1..8 cells: how many shapes a component of that size can take. */
const POLYPLETS = [0, 1, 4, 20, 110, 638, 3832, 23592, 147941];
const polyplets = (s: number): number => (s < POLYPLETS.length ? POLYPLETS[s] : POLYPLETS[8] * 6.5 ** (s - 8));

function findClusters(g: MapGrid, o: ClassifyOptions, excluded: Uint8Array): PatternFinding[] {
  const p = pooledRate(g, excluded);
  let n = 0;
  for (let i = 0; i < g.fail.length; i++) if (!excluded[i] && (g.fail[i] === FAIL || g.fail[i] === PASS)) n++;
  const seen = new Uint8Array(g.fail.length);
  const stack = new Int32Array(g.fail.length);
  const out: PatternFinding[] = [];
  const lp = Math.log(p);
  for (let i0 = 0; i0 < g.fail.length; i0++) {
    if (seen[i0] || excluded[i0] || g.fail[i0] !== FAIL) continue;
    let top = 0;
    stack[top++] = i0;
    seen[i0] = 1;
    const members: number[] = [];
    while (top) {
      const i = stack[--top];
      members.push(i);
      const r = (i / g.cols) | 0;
      const c = i - r * g.cols;
      for (let dr = -1; dr <= 1; dr++) {
        const rr = r + dr;
        if (rr < 0 || rr >= g.rows) continue;
        // Sheets are separate pieces of film: a component does not cross a sheet boundary.
        if (g.rowSheet[rr] !== g.rowSheet[r]) continue;
        for (let dc = -1; dc <= 1; dc++) {
          const cc = c + dc;
          if (cc < 0 || cc >= g.cols) continue;
          const j = rr * g.cols + cc;
          if (!seen[j] && !excluded[j] && g.fail[j] === FAIL) {
            seen[j] = 1;
            stack[top++] = j;
          }
        }
      }
    }
    const s = members.length;
    if (s < 3) continue;
    // Expected number of components of this size or larger among n cells failing at random with rate p.
    const expected = n * polyplets(s) * Math.exp(s * lp);
    if (expected >= o.alpha) continue;
    let r0 = Infinity;
    let r1 = -1;
    let c0 = Infinity;
    let c1 = -1;
    const cells = members.map((i) => {
      const row = (i / g.cols) | 0;
      const col = i - row * g.cols;
      r0 = min(r0, row);
      r1 = max(r1, row);
      c0 = min(c0, col);
      c1 = max(c1, col);
      return { row, col };
    });
    cells.sort((a, b) => a.row - b.row || a.col - b.col);
    out.push({
      kind: 'CLUSTER',
      source: 'FAIL',
      score: score(expected),
      effect: s,
      description: `${s} connected failing cells in rows ${r0}-${r1}, cols ${c0}-${c1} (random failures at ${(100 * p).toFixed(1)} % make one this large with p ≈ ${expected.toExponential(1)})`,
      region: rowsRegion(g, r0, r1, c0, c1),
      cells,
    });
  }
  return out.sort((a, b) => b.score - a.score);
}

// ---------------------------------------------------------------------------------------------- metric

interface Profile {
  /** Positions (CD: −1..1; MD: mm) and values with their σ. */
  x: number[];
  y: number[];
  /** Map rows (MD) or cols (CD) each profile point stands for. */
  first: number[];
  last: number[];
}

/** Weighted least squares fit of y on the given basis columns; returns the residual sum of squares. */
function lsq(basis: number[][], y: number[]): { coef: number[]; rss: number } {
  const k = basis.length;
  const n = y.length;
  const A = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  const b = new Array<number>(k).fill(0);
  for (let i = 0; i < n; i++) {
    for (let p = 0; p < k; p++) {
      b[p] += basis[p][i] * y[i];
      for (let q = 0; q < k; q++) A[p][q] += basis[p][i] * basis[q][i];
    }
  }
  const coef = solve(A, b);
  let rss = 0;
  for (let i = 0; i < n; i++) {
    let f = 0;
    for (let p = 0; p < k; p++) f += coef[p] * basis[p][i];
    rss += (y[i] - f) ** 2;
  }
  return { coef, rss };
}

function solve(A: number[][], b: number[]): number[] {
  const n = b.length;
  const M = A.map((row, i) => [...row, b[i]]);
  for (let c = 0; c < n; c++) {
    let piv = c;
    for (let r = c + 1; r < n; r++) if (abs(M[r][c]) > abs(M[piv][c])) piv = r;
    [M[c], M[piv]] = [M[piv], M[c]];
    if (abs(M[c][c]) < 1e-12) return new Array<number>(n).fill(0);
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = M[r][c] / M[c][c];
      for (let k = c; k <= n; k++) M[r][k] -= f * M[c][k];
    }
  }
  return M.map((row, i) => row[n] / M[i][i]);
}

function passingMetric(g: MapGrid): Float64Array | null {
  if (!g.metric) return null;
  const v = new Float64Array(g.metric.length);
  let any = 0;
  for (let i = 0; i < v.length; i++) {
    v[i] = g.fail[i] === PASS && Number.isFinite(g.metric[i]) ? g.metric[i] : NaN;
    if (v[i] === v[i]) any++;
  }
  return any >= 10 ? v : null;
}

/** Profile noise from successive differences (insensitive to smooth trends and to a single step). */
function diffSigma(y: number[]): number {
  if (y.length < 4) return NaN;
  const d: number[] = [];
  for (let i = 1; i < y.length; i++) d.push(y[i] - y[i - 1]);
  return madSigma(d) / Math.SQRT2;
}

function findCdProfile(g: MapGrid, v: Float64Array, o: ClassifyOptions, level: number): PatternFinding[] {
  if (g.cols < 7) return [];
  const x: number[] = [];
  const y: number[] = [];
  const cols: number[] = [];
  const buf = new Float64Array(g.rows);
  for (let c = 0; c < g.cols; c++) {
    for (let r = 0; r < g.rows; r++) buf[r] = v[r * g.cols + c];
    const m = median(buf);
    if (!Number.isFinite(m)) continue;
    x.push((2 * c) / (g.cols - 1) - 1);
    y.push(m);
    cols.push(c);
  }
  if (y.length < 7) return [];
  const one = x.map(() => 1);
  const x2 = x.map((u) => u * u);
  // σ of the column profile from the residuals of a quadratic (robust: stripes are outliers).
  const quad = lsq([one, x, x2], y);
  const res = y.map((yi, i) => yi - (quad.coef[0] + quad.coef[1] * x[i] + quad.coef[2] * x2[i]));
  const sigma = max(madSigma(res), 1e-12 * abs(level));
  const out: PatternFinding[] = [];
  // Stripes: single columns far off the smooth profile.
  const stripe: number[] = [];
  res.forEach((e, i) => {
    if (abs(e) > 8 * sigma && abs(e) > o.minRelativeChange * abs(level)) stripe.push(i);
  });
  const keep = y.map((_, i) => !stripe.includes(i));
  const xs = x.filter((_, i) => keep[i]);
  const ys = y.filter((_, i) => keep[i]);
  const lin = lsq([xs.map(() => 1), xs], ys);
  const q2 = lsq([xs.map(() => 1), xs, xs.map((u) => u * u)], ys);
  const chi2 = (lin.rss - q2.rss) / (sigma * sigma);
  const a2 = q2.coef[2];
  const p = chiSquareSf(max(0, chi2), 1);
  if (p < o.alpha && abs(a2) >= o.minRelativeChange * abs(level)) {
    const kind = a2 > 0 ? 'CD_SMILE' : 'CD_FROWN';
    out.push({
      kind,
      source: 'METRIC',
      score: score(p),
      effect: a2 / abs(level),
      description: `across the web the metric is ${((100 * abs(a2)) / abs(level)).toFixed(1)} % ${a2 > 0 ? 'higher' : 'lower'} at the edges than in the centre`,
      region: fullRegion(g),
      cols: cols.filter((_, i) => abs(x[i]) >= 0.7),
    });
  }
  for (const i of stripe) {
    out.push({
      kind: 'CD_LANE',
      source: 'METRIC',
      score: score(2 * Math.exp(-0.5 * (res[i] / sigma) ** 2) * g.cols),
      effect: res[i] / abs(level),
      description: `column ${cols[i]} is ${((100 * res[i]) / abs(level)).toFixed(1)} % off the CD profile along the web (a stripe)`,
      region: { ...fullRegion(g), colFrom: cols[i], colTo: cols[i] },
      cols: [cols[i]],
    });
  }
  return out;
}

function mdProfile(g: MapGrid, v: Float64Array): Profile {
  const prof: Profile = { x: [], y: [], first: [], last: [] };
  // One point per row on a sheet; one per sheet on a roll (sheet-to-sheet scatter is the noise there).
  const perSheet = g.sheets > 1;
  let start = 0;
  const vals: number[] = [];
  for (let r = 0; r <= g.rows; r++) {
    const boundary = r === g.rows || (perSheet ? g.rowSheet[r] !== g.rowSheet[start] : r !== start);
    if (boundary && r > start) {
      const m = median(vals);
      if (Number.isFinite(m)) {
        prof.x.push((g.rowMdMm[start] + g.rowMdMm[r - 1]) / 2);
        prof.y.push(m);
        prof.first.push(start);
        prof.last.push(r - 1);
      }
      vals.length = 0;
      start = r;
    }
    if (r === g.rows) break;
    for (let c = 0; c < g.cols; c++) {
      const x = v[r * g.cols + c];
      if (x === x) vals.push(x);
    }
  }
  return prof;
}

function findMdProfile(g: MapGrid, v: Float64Array, o: ClassifyOptions, level: number): PatternFinding[] {
  const prof = mdProfile(g, v);
  const n = prof.y.length;
  if (n < 8) return [];
  const sigma = max(diffSigma(prof.y), 1e-12 * abs(level));
  const { x, y } = prof;
  const one = x.map(() => 1);
  const rss0 = lsq([one], y).rss;
  const lin = lsq([one, x], y);
  // Hinge (flat, then a ramp from t) and step (two levels, change after t): scan t over the profile.
  let hinge = { rss: Infinity, t: 0, coef: [0, 0] };
  let step = { rss: Infinity, t: 0, coef: [0, 0] };
  const minSide = max(3, floor(n / 10));
  for (let t = minSide; t <= n - minSide; t++) {
    const h = x.map((xi) => max(0, xi - x[t]));
    const fh = lsq([one, h], y);
    if (fh.rss < hinge.rss) hinge = { rss: fh.rss, t, coef: fh.coef };
    const h2 = x.map((_, i) => (i >= t ? 1 : 0));
    const fs = lsq([one, h2], y);
    if (fs.rss < step.rss) step = { rss: fs.rss, t, coef: fs.coef };
  }
  const s2 = sigma * sigma;
  const chiLin = (rss0 - lin.rss) / s2;
  const chiHinge = (rss0 - hinge.rss) / s2;
  const chiStep = (rss0 - step.rss) / s2;
  // The scans over t are many tests: charge them as extra degrees of freedom.
  const pLin = chiSquareSf(max(0, chiLin), 1);
  const pHinge = chiSquareSf(max(0, chiHinge), 3);
  const pStep = chiSquareSf(max(0, chiStep), 3);
  const span = x[n - 1] - x[0];
  const out: PatternFinding[] = [];
  const rampBetter = min(lin.rss, hinge.rss) <= step.rss;
  if (rampBetter) {
    // The hinge has two more parameters (its start, and the scan over it): it must earn them (BIC-like).
    const useHinge = hinge.rss < lin.rss && chiHinge - chiLin > 2 * Math.log(n);
    const p = useHinge ? pHinge : pLin;
    const change = useHinge ? hinge.coef[1] * (x[n - 1] - x[hinge.t]) : lin.coef[1] * span;
    const from = useHinge ? hinge.t : 0;
    if (p < o.alpha && abs(change) >= o.minRelativeChange * abs(level)) {
      out.push({
        kind: 'MD_DRIFT',
        source: 'METRIC',
        score: score(p),
        effect: change / abs(level),
        description: `the metric drifts ${((100 * change) / abs(level)).toFixed(1)} % along MD from ${x[from].toFixed(0)} mm to ${x[n - 1].toFixed(0)} mm`,
        region: rowsRegion(g, prof.first[from], prof.last[n - 1]),
        rows: [prof.first[from]],
      });
    }
  } else {
    const change = step.coef[1];
    if (pStep < o.alpha && abs(change) >= o.minRelativeChange * abs(level)) {
      out.push({
        kind: 'MD_STEP',
        source: 'METRIC',
        score: score(pStep),
        effect: change / abs(level),
        description: `the metric steps ${((100 * change) / abs(level)).toFixed(1)} % at MD ${x[step.t].toFixed(0)} mm`,
        region: rowsRegion(g, prof.first[step.t], prof.last[n - 1]),
        rows: [prof.first[step.t]],
      });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------- entry

/** Classify one sheet or roll map. Every systematic class found is reported; RANDOM when none is. */
export function classifyMap(g: MapGrid, options: Partial<ClassifyOptions> = {}): Classification {
  const o = { ...DEFAULT_CLASSIFY_OPTIONS, ...options };
  let tested = 0;
  let failed = 0;
  for (let i = 0; i < g.fail.length; i++) {
    if (g.fail[i] === FAIL) failed++;
    if (g.fail[i] === FAIL || g.fail[i] === PASS) tested++;
  }
  const findings: PatternFinding[] = [];
  // Cells explained by one class are left out of the later tests, so a lane is not also a cluster.
  const excluded = new Uint8Array(g.fail.length);
  const edge = findEdges(g, o, excluded);
  if (edge) findings.push(edge);
  findings.push(...findLanes(g, o, excluded));
  const periodic = findPeriodic(g, o, excluded);
  if (periodic) findings.push(periodic);
  findings.push(...findClusters(g, o, excluded));
  const v = passingMetric(g);
  if (v) {
    const level = median(v);
    if (Number.isFinite(level) && level !== 0) {
      findings.push(...findCdProfile(g, v, o, level));
      findings.push(...findMdProfile(g, v, o, level));
    }
  }
  const best = new Map<PatternKind, number>();
  for (const f of findings) best.set(f.kind, max(best.get(f.kind) ?? 0, f.score));
  const classes = [...best.entries()].sort((a, b) => b[1] - a[1]).map(([k]) => k);
  return { findings, classes: classes.length ? classes : ['RANDOM'], tested, failed, failRate: tested ? failed / tested : 0 };
}
