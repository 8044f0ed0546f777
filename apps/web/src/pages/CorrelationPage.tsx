import { useCallback, useEffect, useState } from 'react';
import { gql } from '../api';
import { ScatterPlot } from '../charts';
import { ErrorBox } from '../components';
import { href } from '../router';

interface Channel {
  channel: string;
  n: number;
  pearson: number;
  spearman: number;
  pValue: number;
  slope: number;
}
interface Difference {
  channel: string;
  nFailed: number;
  nPassed: number;
  meanFailed: number | null;
  meanPassed: number | null;
  difference: number | null;
  pValue: number;
}
interface Correlation {
  status: string;
  error: string | null;
  requestedBy: string;
  requestedAt: string;
  completedAt: string | null;
  cellsSampled: number | null;
  cellsWithProcessData: number | null;
  channels: Channel[];
  failedVsPassed: Difference[];
  scatter: { channel: string; channelValues: number[]; metricValues: number[] }[];
}

const FIELDS = `status error requestedBy requestedAt completedAt cellsSampled cellsWithProcessData
  channels { channel n pearson spearman pValue slope }
  failedVsPassed { channel nFailed nPassed meanFailed meanPassed difference pValue }
  scatter { channel channelValues metricValues }`;
const METRICS = [
  { value: 'ASR', label: 'ASR (Ω·cm²)' },
  { value: 'OCV', label: 'OCV (V)' },
  { value: 'R_OHMIC', label: 'R_ohmic (Ω)' },
  { value: 'R_CT', label: 'R_ct (Ω)' },
];
const running = (c: Correlation | null) => c?.status === 'QUEUED' || c?.status === 'RUNNING';
const pFmt = (p: number) => (p < 1e-4 ? p.toExponential(1) : p.toFixed(4));
const num = (v: number | null) => (v === null ? '—' : v.toPrecision(4));

export default function CorrelationPage({ roll }: { roll: string }) {
  const [metric, setMetric] = useState('ASR');
  const [corr, setCorr] = useState<Correlation | null>(null);
  const [loaded, setLoaded] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [chosen, setChosen] = useState<string | null>(null);

  const load = useCallback(
    () =>
      gql<{ rollCorrelation: Correlation | null }>(
        `query($r: String!, $m: String!) { rollCorrelation(roll: $r, metric: $m) { ${FIELDS} } }`,
        {
          r: roll,
          m: metric,
        },
      ).then(
        (d) => {
          setCorr(d.rollCorrelation);
          setLoaded(true);
        },
        (e: Error) => setError(e.message),
      ),
    [roll, metric],
  );
  useEffect(() => {
    setLoaded(false);
    setChosen(null);
    void load();
  }, [load]);
  // While the job runs, ask again every second: the page shows its progress and then its result.
  useEffect(() => {
    if (!running(corr)) return;
    const t = setTimeout(() => void load(), 1000);
    return () => clearTimeout(t);
  }, [corr, load]);

  const refresh = () => {
    setError(null);
    gql<{ requestRollCorrelation: Correlation }>(
      `mutation($r: String!, $m: String!) { requestRollCorrelation(roll: $r, metric: $m) { ${FIELDS} } }`,
      { r: roll, m: metric },
    ).then(
      (d) => setCorr(d.requestRollCorrelation),
      (e: Error) => setError(e.message),
    );
  };

  const scatter = corr?.scatter.find((s) => s.channel === chosen) ?? corr?.scatter[0] ?? null;
  const metricLabel = METRICS.find((m) => m.value === metric)?.label ?? metric;
  return (
    <section aria-labelledby="corr-title">
      <h1 id="corr-title">
        Correlation of roll <span className="mono">{roll}</span>
      </h1>
      <p className="muted">
        Each sampled cell’s metric against the process values where it was made (traces at its MD, thickness maps at its MD and CD): what
        was different when these cells were made. <a href={href('roll', roll)}>Roll map</a> ·{' '}
        <a href={href('stacked', roll)}>stacked map</a>
      </p>
      <div className="toolbar">
        <label htmlFor="corr-metric">Metric</label>
        <select id="corr-metric" value={metric} onChange={(e) => setMetric(e.target.value)}>
          {METRICS.map((m) => (
            <option key={m.value} value={m.value}>
              {m.label}
            </option>
          ))}
        </select>
        <button type="button" className="primary" onClick={refresh} disabled={running(corr)}>
          {corr ? 'Compute again' : 'Compute'}
        </button>
        <span className="live" role="status" aria-live="polite" data-testid="corr-status">
          {!loaded
            ? 'Loading…'
            : !corr
              ? 'Never computed for this metric'
              : running(corr)
                ? `${corr.status === 'QUEUED' ? 'Queued' : 'Running'}: asking the process service for each sampled cell…`
                : corr.status === 'FAILED'
                  ? `Failed: ${corr.error}`
                  : `Done ${corr.completedAt ? new Date(corr.completedAt).toLocaleString() : ''}: ${corr.cellsWithProcessData} of ${corr.cellsSampled} sampled cells had process data (requested by ${corr.requestedBy}; computed again when the roll’s results change, at most once a minute)${corr.error ? `. The last refresh failed: ${corr.error}` : ''}`}
        </span>
        {running(corr) && <progress aria-label="Correlation in progress" />}
      </div>
      <ErrorBox error={error} />
      {corr && corr.status === 'DONE' && (
        <div className="corr-layout">
          <div>
            <h2>Channels, strongest first</h2>
            <table className="table" data-testid="channels">
              <thead>
                <tr>
                  <th scope="col">Channel</th>
                  <th scope="col">Cells</th>
                  <th scope="col">Pearson r</th>
                  <th scope="col">Spearman ρ</th>
                  <th scope="col">p</th>
                  <th scope="col">Slope</th>
                </tr>
              </thead>
              <tbody>
                {corr.channels.map((c) => {
                  const plottable = corr.scatter.some((s) => s.channel === c.channel);
                  return (
                    <tr key={c.channel} aria-current={scatter?.channel === c.channel ? 'true' : undefined}>
                      <td>
                        {plottable ? (
                          <button type="button" className="link" onClick={() => setChosen(c.channel)}>
                            {c.channel}
                          </button>
                        ) : (
                          c.channel
                        )}
                      </td>
                      <td>{c.n}</td>
                      <td className={Math.abs(c.pearson) >= 0.5 ? 'strong' : undefined}>{c.pearson.toFixed(3)}</td>
                      <td>{c.spearman.toFixed(3)}</td>
                      <td>{pFmt(c.pValue)}</td>
                      <td>{c.slope.toPrecision(3)}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
            {corr.failedVsPassed.length > 0 && (
              <>
                <h2>Failed against passing cells</h2>
                <table className="table" data-testid="failed-vs-passed">
                  <thead>
                    <tr>
                      <th scope="col">Channel</th>
                      <th scope="col">Mean where failed (n)</th>
                      <th scope="col">Mean where passed (n)</th>
                      <th scope="col">p</th>
                    </tr>
                  </thead>
                  <tbody>
                    {corr.failedVsPassed.slice(0, 8).map((d) => (
                      <tr key={d.channel}>
                        <td>{d.channel}</td>
                        <td>
                          {num(d.meanFailed)} ({d.nFailed})
                        </td>
                        <td>
                          {num(d.meanPassed)} ({d.nPassed})
                        </td>
                        <td>{pFmt(d.pValue)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </>
            )}
          </div>
          {scatter && (
            <div>
              <h2>
                {metricLabel} against {scatter.channel}
              </h2>
              <ScatterPlot
                title={`${metricLabel} of ${scatter.metricValues.length} passing cells against ${scatter.channel}`}
                x={scatter.channelValues}
                y={scatter.metricValues}
                xLabel={scatter.channel}
                yLabel={metricLabel}
              />
              <p className="plot-key muted">
                <span className="key-points" /> sampled cells <span className="key-line" /> least squares
              </p>
            </div>
          )}
        </div>
      )}
    </section>
  );
}
