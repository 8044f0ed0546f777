/**
 * The analytics charts (control chart, yield intervals, scatter) as small SVGs on the axes of
 * plots.tsx: tens to hundreds of points each, which a chart library would not draw any better.
 */
import { Axes, fmt, PAD, ticks } from './plots';

/** A linear scale of [v0, v1] onto [p0, p1] pixels. */
function scale(v0: number, v1: number, p0: number, p1: number): (v: number) => number {
  const span = v1 - v0 || 1;
  return (v) => p0 + ((v - v0) / span) * (p1 - p0);
}

/** Min and max of the finite values, widened by a margin so marks do not sit on the frame. */
function extent(values: number[], margin = 0.06): [number, number] {
  const fin = values.filter(Number.isFinite);
  if (!fin.length) return [0, 1];
  const lo = Math.min(...fin);
  const hi = Math.max(...fin);
  const pad = (hi - lo || Math.abs(hi) || 1) * margin;
  return [lo - pad, hi + pad];
}

export interface ChartPointView {
  /** What the point is (its sheet), read by screen readers and in the tooltip. */
  label: string;
  /** Null leaves the point's place empty (the first point has no moving range). */
  value: number | null;
  lcl: number | null;
  ucl: number | null;
  /** The point's own centre line (an s chart's c4(n) σ follows the subgroup size); else `centre` of the chart. */
  centre?: number | null;
  /** The point belongs to a run-rule violation. */
  violated: boolean;
}

const CW = 900;
const CH = 280;

/**
 * A control chart: points in landing order, the centre line, the 3σ limits (a step line: X̄-S and
 * p limits follow each point's subgroup size), and the points of rule violations in red. The second
 * chart of a pair (moving range or s) is drawn by the same component, shorter, under the first, with
 * the same x positions.
 */
export function ControlChart({
  title,
  points,
  centre,
  yLabel,
  height = CH,
  testId = 'control-chart',
}: {
  title: string;
  points: ChartPointView[];
  centre: number | null;
  yLabel: string;
  height?: number;
  testId?: string;
}) {
  if (!points.length) return <p className="muted">No points yet: they land as sheets are binned.</p>;
  const [y0, y1] = extent(points.flatMap((p) => [p.value ?? NaN, p.lcl ?? NaN, p.ucl ?? NaN, p.centre ?? NaN, centre ?? NaN]));
  const sx = scale(0, Math.max(1, points.length - 1), PAD.l + 8, CW - PAD.r - 8);
  const sy = scale(y0, y1, height - PAD.b, PAD.t);
  const stepPath = (pick: (p: ChartPointView) => number | null | undefined) => {
    let d = '';
    points.forEach((p, i) => {
      const v = pick(p);
      if (v === null || v === undefined) return;
      const half = points.length > 1 ? (sx(1) - sx(0)) / 2 : 8;
      d += `${d ? 'L' : 'M'}${(sx(i) - half).toFixed(1)},${sy(v).toFixed(1)}L${(sx(i) + half).toFixed(1)},${sy(v).toFixed(1)}`;
    });
    return d;
  };
  // The series is broken where a point has no value.
  let series = '';
  let pen = 'M';
  points.forEach((p, i) => {
    if (p.value === null) {
      pen = 'M';
      return;
    }
    series += `${pen}${sx(i).toFixed(1)},${sy(p.value).toFixed(1)}`;
    pen = 'L';
  });
  const xs = ticks(1, points.length, Math.min(10, points.length)).filter((t) => Number.isInteger(t));
  const ownCentre = centre === null && points.some((p) => p.centre !== undefined && p.centre !== null);
  return (
    <svg
      viewBox={`0 0 ${CW} ${height}`}
      className="plot chart-wide"
      // .chart-wide is CW x CH: a shorter chart keeps the same width and scale.
      style={height === CH ? undefined : { height: `${height}px` }}
      role="img"
      aria-label={title}
      data-testid={testId}
    >
      <Axes
        xs={xs.map((t) => t - 1)}
        xTick={(t) => String(t + 1)}
        ys={ticks(y0, y1, height < CH ? 3 : 5)}
        xLabel="point (landing order)"
        yLabel={yLabel}
        sx={sx}
        sy={sy}
        w={CW}
        h={height}
      />
      {centre !== null && <line className="centre-line" x1={PAD.l} x2={CW - PAD.r} y1={sy(centre)} y2={sy(centre)} />}
      {ownCentre && <path className="centre-line" d={stepPath((p) => p.centre)} fill="none" />}
      <path className="limit-line" d={stepPath((p) => p.ucl)} fill="none" />
      <path className="limit-line" d={stepPath((p) => p.lcl)} fill="none" />
      <path className="series-path" d={series} fill="none" />
      {points.map((p, i) =>
        p.value === null ? null : (
          <circle key={i} cx={sx(i)} cy={sy(p.value)} r={p.violated ? 5 : 3} className={p.violated ? 'point violated' : 'point'}>
            <title>{`${p.label}: ${fmt(p.value)}${p.violated ? ' (rule violation)' : ''}`}</title>
          </circle>
        ),
      )}
    </svg>
  );
}

export interface IntervalRow {
  label: string;
  value: number | null;
  low: number | null;
  high: number | null;
}

/**
 * Yields (0..1) with their confidence intervals as error bars, one row per condition. The axis spans
 * the intervals (not 0-100 %): yields of 97 to 99 % would otherwise be one dot.
 */
export function IntervalChart({ title, rows }: { title: string; rows: IntervalRow[] }) {
  const rowH = 28;
  const h = PAD.t + rows.length * rowH + 34;
  const left = 160;
  const w = 680;
  const [e0, e1] = extent(
    rows.flatMap((r) => [r.low ?? NaN, r.high ?? NaN, r.value ?? NaN]),
    0.15,
  );
  const xTicks = ticks(Math.max(0, e0), Math.min(1, e1), 6);
  const [x0, x1] = [Math.min(Math.max(0, e0), xTicks[0] ?? 0), Math.max(Math.min(1, e1), xTicks[xTicks.length - 1] ?? 1)];
  const sx = scale(x0, x1, left, w - 40);
  const digits = x1 - x0 < 0.05 ? 1 : 0;
  return (
    <svg
      viewBox={`0 0 ${w} ${h}`}
      width={w}
      height={h}
      className="interval-chart"
      role="img"
      aria-label={title}
      data-testid="interval-chart"
    >
      {xTicks.map((t) => (
        <g key={t} className="axes">
          <line className="grid" x1={sx(t)} x2={sx(t)} y1={PAD.t} y2={h - 28} />
          <text x={sx(t)} y={h - 12} textAnchor="middle">
            {(t * 100).toFixed(digits)} %
          </text>
        </g>
      ))}
      {rows.map((r, i) => {
        const y = PAD.t + i * rowH + rowH / 2;
        return (
          <g key={r.label}>
            <text x={left - 8} y={y + 4} textAnchor="end" className="label">
              {r.label.length > 22 ? `${r.label.slice(0, 21)}…` : r.label}
            </text>
            {r.low !== null && r.high !== null && (
              <g className="error-bar">
                <line x1={sx(r.low)} x2={sx(r.high)} y1={y} y2={y} />
                <line x1={sx(r.low)} x2={sx(r.low)} y1={y - 6} y2={y + 6} />
                <line x1={sx(r.high)} x2={sx(r.high)} y1={y - 6} y2={y + 6} />
              </g>
            )}
            {r.value !== null && <circle cx={sx(r.value)} cy={y} r={4} className="point" />}
          </g>
        );
      })}
    </svg>
  );
}

/** The metric against one process channel at the sampled cells, with the least-squares line. */
export function ScatterPlot({ title, x, y, xLabel, yLabel }: { title: string; x: number[]; y: number[]; xLabel: string; yLabel: string }) {
  const W = 520;
  const H = 340;
  const [x0, x1] = extent(x);
  const [y0, y1] = extent(y);
  const sx = scale(x0, x1, PAD.l, W - PAD.r);
  const sy = scale(y0, y1, H - PAD.b, PAD.t);
  const n = x.length;
  const mx = x.reduce((s, v) => s + v, 0) / n;
  const my = y.reduce((s, v) => s + v, 0) / n;
  const sxx = x.reduce((s, v) => s + (v - mx) ** 2, 0);
  const slope = sxx > 0 ? x.reduce((s, v, i) => s + (v - mx) * (y[i] - my), 0) / sxx : 0;
  return (
    <svg viewBox={`0 0 ${W} ${H}`} className="plot scatter" role="img" aria-label={title} data-testid="scatter">
      <Axes xs={ticks(x0, x1)} ys={ticks(y0, y1)} xLabel={xLabel} yLabel={yLabel} sx={sx} sy={sy} w={W} h={H} />
      <g className="series-points">
        {x.map((v, i) => (
          <circle key={i} cx={sx(v)} cy={sy(y[i])} r={2.4} />
        ))}
      </g>
      {n > 1 && <line className="series-line" x1={sx(x0)} x2={sx(x1)} y1={sy(my + slope * (x0 - mx))} y2={sy(my + slope * (x1 - mx))} />}
    </svg>
  );
}
