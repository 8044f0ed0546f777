/**
 * Nyquist and Bode plots as SVG: a spectrum is ~50 points and its fit a few hundred, so a chart
 * library would ship far more code than these two small plots need.
 */
export interface Series {
  name: string;
  f: number[];
  re: number[];
  im: number[];
  kind: 'points' | 'line';
}

const W = 420;
const H = 300;
export const PAD = { l: 62, r: 12, t: 12, b: 42 };

export function ticks(min: number, max: number, n = 5): number[] {
  const span = max - min || 1;
  const step0 = span / n;
  const mag = 10 ** Math.floor(Math.log10(step0));
  const step = [1, 2, 5, 10].map((k) => k * mag).find((s) => s >= step0) ?? mag * 10;
  const out: number[] = [];
  for (let t = Math.ceil(min / step) * step; t <= max + step * 1e-9; t += step) out.push(Number(t.toPrecision(12)));
  return out;
}

/** Tick labels with SI prefixes (200 k, 1.5 M) rather than 2e+5. */
export function fmt(v: number): string {
  const a = Math.abs(v);
  if (a >= 1e6) return `${Number((v / 1e6).toPrecision(3))} M`;
  if (a >= 1e4) return `${Number((v / 1e3).toPrecision(3))} k`;
  if (a > 0 && a < 1e-2) return v.toExponential(0);
  return String(Number(v.toPrecision(3)));
}

/** Axes, grid lines and tick labels of a plot `w x h` (the viewBox), inside PAD. */
export function Axes({
  xs,
  ys,
  xLabel,
  yLabel,
  sx,
  sy,
  xLog,
  yLog,
  w = W,
  h = H,
  xTick = fmt,
}: {
  xs: number[];
  ys: number[];
  xLabel: string;
  yLabel: string;
  sx: (v: number) => number;
  sy: (v: number) => number;
  xLog?: boolean;
  yLog?: boolean;
  w?: number;
  h?: number;
  xTick?: (v: number) => string;
}) {
  return (
    <g className="axes">
      <line x1={PAD.l} x2={w - PAD.r} y1={h - PAD.b} y2={h - PAD.b} />
      <line x1={PAD.l} x2={PAD.l} y1={PAD.t} y2={h - PAD.b} />
      {xs.map((t) => (
        <g key={`x${t}`}>
          <line className="grid" x1={sx(t)} x2={sx(t)} y1={PAD.t} y2={h - PAD.b} />
          <text x={sx(t)} y={h - PAD.b + 16} textAnchor="middle">
            {xLog ? `1e${t}` : xTick(t)}
          </text>
        </g>
      ))}
      {ys.map((t) => (
        <g key={`y${t}`}>
          <line className="grid" x1={PAD.l} x2={w - PAD.r} y1={sy(t)} y2={sy(t)} />
          <text x={PAD.l - 6} y={sy(t) + 4} textAnchor="end">
            {yLog ? `1e${t}` : fmt(t)}
          </text>
        </g>
      ))}
      <text x={(PAD.l + w - PAD.r) / 2} y={h - 6} textAnchor="middle" className="label">
        {xLabel}
      </text>
      <text transform={`translate(14 ${(PAD.t + h - PAD.b) / 2}) rotate(-90)`} textAnchor="middle" className="label">
        {yLabel}
      </text>
    </g>
  );
}

function path(xs: number[], ys: number[]): string {
  return xs.map((x, i) => `${i ? 'L' : 'M'}${x.toFixed(1)},${ys[i].toFixed(1)}`).join('');
}

function Marks({ s, px, py }: { s: Series; px: number[]; py: number[] }) {
  return s.kind === 'line' ? (
    <path d={path(px, py)} className={`series-line ${s.name}`} fill="none" />
  ) : (
    <g className={`series-points ${s.name}`}>
      {px.map((x, i) => (
        <circle key={i} cx={x} cy={py[i]} r={2.6} />
      ))}
    </g>
  );
}

/**
 * -Im(Z) against Re(Z) on equal scales, so arcs look like the semicircles they are. `maxReOhm`
 * limits the view (the blocking tail of a good cell climbs to 100 kΩ and would flatten the arcs);
 * points beyond it are clipped, not moved.
 */
export function NyquistPlot({ series, title, maxReOhm }: { series: Series[]; title: string; maxReOhm?: number }) {
  const all = series
    .flatMap((s) => s.re.map((re, i) => [re, -s.im[i]] as const))
    .filter(([a, b]) => Number.isFinite(a) && Number.isFinite(b) && (maxReOhm === undefined || a <= maxReOhm));
  if (!all.length) return null;
  const x0 = Math.min(0, ...all.map((p) => p[0]));
  const y0 = Math.min(0, ...all.map((p) => p[1]));
  const x1 = maxReOhm ?? Math.max(...all.map((p) => p[0]));
  const y1 = Math.max(...all.map((p) => p[1]));
  // Equal ohms per pixel on both axes.
  const perPx = Math.max((x1 - x0) / (W - PAD.l - PAD.r), (y1 - y0) / (H - PAD.t - PAD.b)) || 1;
  const sx = (v: number) => PAD.l + (v - x0) / perPx;
  const sy = (v: number) => H - PAD.b - (v - y0) / perPx;
  const clipId = `nyq-clip-${maxReOhm ?? 'all'}`;
  return (
    <svg viewBox={`0 0 ${W} ${H}`} className="plot" role="img" aria-label={title} data-testid="nyquist">
      <defs>
        <clipPath id={clipId}>
          <rect x={PAD.l} y={PAD.t} width={W - PAD.l - PAD.r} height={H - PAD.t - PAD.b} />
        </clipPath>
      </defs>
      <Axes
        xs={ticks(x0, x0 + perPx * (W - PAD.l - PAD.r))}
        ys={ticks(y0, y0 + perPx * (H - PAD.t - PAD.b))}
        xLabel="Z′ (Ω)"
        yLabel="−Z″ (Ω)"
        sx={sx}
        sy={sy}
      />
      <g clipPath={`url(#${clipId})`}>
        {series.map((s) => (
          <Marks key={s.name} s={s} px={s.re.map(sx)} py={s.im.map((v) => sy(-v))} />
        ))}
      </g>
    </svg>
  );
}

/** |Z| (log) and phase against frequency (log): two panels sharing the frequency axis. */
export function BodePlot({ series, title }: { series: Series[]; title: string }) {
  const pts = series.flatMap((s) =>
    s.f.map((f, i) => ({ f, mag: Math.hypot(s.re[i], s.im[i]), ph: (Math.atan2(s.im[i], s.re[i]) * 180) / Math.PI })),
  );
  const good = pts.filter((p) => p.f > 0 && p.mag > 0);
  if (!good.length) return null;
  const lf = good.map((p) => Math.log10(p.f));
  const lm = good.map((p) => Math.log10(p.mag));
  const [fx0, fx1] = [Math.floor(Math.min(...lf)), Math.ceil(Math.max(...lf))];
  const [my0, my1] = [Math.floor(Math.min(...lm)), Math.ceil(Math.max(...lm))];
  const sx = (lv: number) => PAD.l + ((lv - fx0) / (fx1 - fx0 || 1)) * (W - PAD.l - PAD.r);
  const syMag = (lv: number) => H - PAD.b - ((lv - my0) / (my1 - my0 || 1)) * (H - PAD.t - PAD.b);
  const syPh = (deg: number) => H - PAD.b - ((deg + 90) / 90) * (H - PAD.t - PAD.b);
  const decades = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i);
  return (
    <div className="bode" role="group" aria-label={title} data-testid="bode">
      <svg viewBox={`0 0 ${W} ${H}`} className="plot" role="img" aria-label={`${title}: modulus`}>
        <Axes xs={decades(fx0, fx1)} ys={decades(my0, my1)} xLabel="f (Hz)" yLabel="|Z| (Ω)" sx={sx} sy={syMag} xLog yLog />
        {series.map((s) => (
          <Marks
            key={s.name}
            s={s}
            px={s.f.map((f) => sx(Math.log10(f)))}
            py={s.re.map((re, i) => syMag(Math.log10(Math.hypot(re, s.im[i]))))}
          />
        ))}
      </svg>
      <svg viewBox={`0 0 ${W} ${H}`} className="plot" role="img" aria-label={`${title}: phase`}>
        <Axes xs={decades(fx0, fx1)} ys={[-90, -60, -30, 0]} xLabel="f (Hz)" yLabel="phase (°)" sx={sx} sy={syPh} xLog />
        {series.map((s) => (
          <Marks
            key={s.name}
            s={s}
            px={s.f.map((f) => sx(Math.log10(f)))}
            py={s.re.map((re, i) => syPh(Math.max(-90, Math.min(0, (Math.atan2(s.im[i], re) * 180) / Math.PI))))}
          />
        ))}
      </svg>
    </div>
  );
}
