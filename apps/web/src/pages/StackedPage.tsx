import { useEffect, useMemo, useRef, useState, type MouseEvent } from 'react';
import { gql } from '../api';
import { robustRange, type ScaleRange } from '../colour-scale';
import { ErrorBox, ScaleBar } from '../components';
import { cellAt, gridImage, paint, type Grid } from '../heatmap';
import { href } from '../router';

interface Position {
  row: number;
  col: number;
  tested: number;
  failed: number;
  failRate: number;
  metricMean: number | null;
  repeatScore: number;
}
interface StackedMap {
  rows: number;
  cols: number;
  sheetBarcodes: string[];
  failRate: number;
  positions: Position[];
  repeaters: Position[];
}

const METRICS = [
  { value: 'ASR', label: 'ASR (Ω·cm²)' },
  { value: 'OCV', label: 'OCV (V)' },
  { value: 'R_OHMIC', label: 'R_ohmic (Ω)' },
  { value: 'R_CT', label: 'R_ct (Ω)' },
];
const CELL_PX = 9;
const pct = (v: number) => `${(v * 100).toFixed(1)} %`;

/** A position's failure rate or metric mean, row-major like every map (NaN where never tested). */
function layer(m: StackedMap, pick: (p: Position) => number | null): Float32Array {
  const out = new Float32Array(m.rows * m.cols).fill(NaN);
  for (const p of m.positions) out[p.row * m.cols + p.col] = p.tested ? (pick(p) ?? NaN) : NaN;
  return out;
}

/** One grid of the stacked map (rows along MD left to right, the operator side at the bottom, as on the sheet). */
function StackedCanvas(props: {
  grid: Grid;
  values: Float32Array;
  range: ScaleRange;
  label: string;
  testId: string;
  onCell: (c: { md: number; cd: number } | null) => void;
}) {
  const { grid, values, range, label, testId, onCell } = props;
  const canvas = useRef<HTMLCanvasElement>(null);
  const w = grid.mdCount * CELL_PX;
  const h = grid.cdCount * CELL_PX;
  useEffect(() => {
    if (canvas.current) paint(canvas.current, gridImage(grid, values, range, false), w, h);
  }, [grid, values, range, w, h]);
  const at = (e: MouseEvent<HTMLCanvasElement>) => {
    const r = e.currentTarget.getBoundingClientRect();
    onCell(cellAt(grid, r.width, r.height, e.clientX - r.left, e.clientY - r.top));
  };
  return (
    <figure className="stacked-figure">
      <figcaption>{label}</figcaption>
      <div className="map-wrap" style={{ width: w, height: h }}>
        <canvas ref={canvas} data-testid={testId} role="img" aria-label={label} onMouseMove={at} onMouseLeave={() => onCell(null)} />
      </div>
      <div className="axis-x" aria-hidden="true">
        ▼ operator side · rows (MD) →
      </div>
      <ScaleBar min={range.min} max={range.max} format={label.startsWith('Failure') ? pct : (v) => v.toPrecision(3)} />
    </figure>
  );
}

export default function StackedPage({ roll }: { roll: string }) {
  const [metric, setMetric] = useState('ASR');
  const [map, setMap] = useState<StackedMap | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [cursor, setCursor] = useState<{ md: number; cd: number } | null>(null);

  useEffect(() => {
    let stale = false;
    gql<{ stackedMap: StackedMap }>(
      'query($r: String!, $m: String!) { stackedMap(roll: $r, metric: $m) { rows cols sheetBarcodes failRate positions { row col tested failed failRate metricMean repeatScore } repeaters { row col tested failed failRate metricMean repeatScore } } }',
      { r: roll, m: metric },
    ).then(
      (d) => {
        if (stale) return;
        setMap(d.stackedMap);
        setError(null);
      },
      (e: Error) => !stale && setError(e.message),
    );
    return () => {
      stale = true;
    };
  }, [roll, metric]);

  const grid = useMemo<Grid | null>(() => (map ? { mdCount: map.rows, cdCount: map.cols } : null), [map]);
  const fail = useMemo(() => (map ? layer(map, (p) => p.failRate) : null), [map]);
  const mean = useMemo(() => (map ? layer(map, (p) => p.metricMean) : null), [map]);
  const failRange = useMemo(() => (fail ? { min: 0, max: Math.max(0.01, ...fail.filter(Number.isFinite)) } : null), [fail]);
  const meanRange = useMemo(() => (mean ? robustRange(mean) : null), [mean]);
  const at = cursor && map ? map.positions.find((p) => p.row === cursor.md && p.col === cursor.cd) : null;
  const metricLabel = METRICS.find((m) => m.value === metric)?.label ?? metric;

  return (
    <section aria-labelledby="stacked-title">
      <h1 id="stacked-title">
        Stacked map of roll <span className="mono">{roll}</span>
      </h1>
      <p className="muted">
        Each (row, col) over the roll’s tested sheets: positions that fail on sheet after sheet point at the probe card or the patterning
        mask, not the film. <a href={href('roll', roll)}>Roll map</a> · <a href={href('correlation', roll)}>correlation</a>
      </p>
      <div className="toolbar">
        <label htmlFor="stacked-metric">Metric</label>
        <select id="stacked-metric" value={metric} onChange={(e) => setMetric(e.target.value)}>
          {METRICS.map((m) => (
            <option key={m.value} value={m.value}>
              {m.label}
            </option>
          ))}
        </select>
        {map && (
          <span data-testid="stacked-summary">
            {map.sheetBarcodes.length} sheets · {map.rows} x {map.cols} positions · failure rate {pct(map.failRate)}
          </span>
        )}
      </div>
      <ErrorBox error={error} />
      {grid && fail && mean && failRange && meanRange && (
        <div className="stacked-maps">
          <StackedCanvas
            grid={grid}
            values={fail}
            range={failRange}
            label="Failure rate per position"
            testId="stacked-fail"
            onCell={setCursor}
          />
          <StackedCanvas
            grid={grid}
            values={mean}
            range={meanRange}
            label={`Mean ${metricLabel} of passing cells`}
            testId="stacked-mean"
            onCell={setCursor}
          />
        </div>
      )}
      <div className="hover-panel" aria-live="polite" data-testid="stacked-hover">
        {at ? (
          <strong>
            R{at.row}C{at.col}: failed on {at.failed} of {at.tested} sheets ({pct(at.failRate)}) · mean{' '}
            {at.metricMean === null ? '—' : at.metricMean.toPrecision(4)} · repeat score {at.repeatScore.toFixed(1)}
          </strong>
        ) : (
          <span className="muted">
            Point at a position to read it. Rows run along MD (left to right), the operator side is at the bottom.
          </span>
        )}
      </div>
      {map && (
        <>
          <h2>Positions failing beyond chance</h2>
          {map.repeaters.length === 0 ? (
            <p className="muted">None: no position fails more often than the roll’s failure rate explains.</p>
          ) : (
            <table className="table" data-testid="repeaters">
              <thead>
                <tr>
                  <th scope="col">Position</th>
                  <th scope="col">Failed / tested</th>
                  <th scope="col">Failure rate</th>
                  <th scope="col">Repeat score (−log10 p)</th>
                </tr>
              </thead>
              <tbody>
                {map.repeaters.slice(0, 20).map((p) => (
                  <tr key={`${p.row},${p.col}`}>
                    <td>
                      R{p.row}C{p.col}
                    </td>
                    <td>
                      {p.failed} / {p.tested}
                    </td>
                    <td>{pct(p.failRate)}</td>
                    <td>{p.repeatScore.toFixed(1)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </section>
  );
}
