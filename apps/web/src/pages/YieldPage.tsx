import { useEffect, useState, type FormEvent } from 'react';
import { gql } from '../api';
import { binColour, rgbCss } from '../colour-scale';
import { IntervalChart } from '../charts';
import { ErrorBox } from '../components';
import { go, href } from '../router';

interface BinCount {
  softBin: number;
  hardBin: number;
  binName: string;
  count: number;
}
interface Condition {
  condition: string;
  runs: number;
  cellsTested: number;
  cellsPassed: number;
  firstPassYield: number | null;
  finalYield: number | null;
  finalYieldLow: number | null;
  finalYieldHigh: number | null;
  pValueVsOthers: number | null;
}
interface Comparison {
  conditions: Condition[];
  test: string;
  statistic: number | null;
  degreesOfFreedom: number | null;
  pValue: number | null;
  significant: boolean;
  confidence: number;
}
const COMPARISON =
  'conditions { condition runs cellsTested cellsPassed firstPassYield finalYield finalYieldLow finalYieldHigh pValueVsOthers } test statistic degreesOfFreedom pValue significant confidence';
const TEST_NAME: Record<string, string> = { FISHER_EXACT: 'Fisher’s exact test', CHI_SQUARE: 'chi-square test', NONE: 'no test' };
const pFmt = (p: number | null) => (p === null ? '—' : p < 1e-4 ? p.toExponential(1) : p.toFixed(4));
const pct = (v: number | null) => (v === null ? '—' : `${(v * 100).toFixed(1)} %`);

function Pareto({ bins, label }: { bins: BinCount[]; label: string }) {
  const total = bins.reduce((s, b) => s + b.count, 0);
  const max = Math.max(1, ...bins.map((b) => b.count));
  let cum = 0;
  return (
    <table className="table pareto" aria-label={label}>
      <thead>
        <tr>
          <th scope="col">Bin</th>
          <th scope="col">Cells</th>
          <th scope="col">Share</th>
          <th scope="col">Cumulative</th>
        </tr>
      </thead>
      <tbody>
        {bins.map((b) => {
          cum += b.count;
          return (
            <tr key={b.softBin}>
              <td>
                <span className="swatch" style={{ background: rgbCss(binColour(b.softBin)) }} /> {b.softBin} {b.binName}{' '}
                <span className="muted">(hard {b.hardBin})</span>
              </td>
              <td>
                <span className="bar" style={{ width: `${(b.count / max) * 160}px` }} /> {b.count}
              </td>
              <td>{pct(total ? b.count / total : null)}</td>
              <td>{pct(total ? cum / total : null)}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

export default function YieldPage({ roll }: { roll?: string }) {
  const [input, setInput] = useState(roll ?? '');
  const [rollYield, setRollYield] = useState<{
    sheetsTested: number;
    cellsTested: number;
    firstPassYield: number | null;
    finalYield: number | null;
  } | null>(null);
  const [pareto, setPareto] = useState<BinCount[]>([]);
  const [sheets, setSheets] = useState<{ barcode: string }[]>([]);
  const [sheet, setSheet] = useState('');
  const [sheetPareto, setSheetPareto] = useState<BinCount[]>([]);
  const [op, setOp] = useState('INTERLAYER');
  const [param, setParam] = useState('material');
  const [byParam, setByParam] = useState<Comparison | null>(null);
  const [experiment, setExperiment] = useState('');
  const [byArm, setByArm] = useState<Comparison | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!roll) return;
    gql<{ rollYield: typeof rollYield; binPareto: BinCount[]; roll: { sheets: { barcode: string }[] } }>(
      'query($r: String!) { rollYield(roll: $r) { sheetsTested cellsTested firstPassYield finalYield } binPareto(roll: $r) { softBin hardBin binName count } roll(barcode: $r) { sheets { barcode } } }',
      { r: roll },
    ).then(
      (d) => {
        setRollYield(d.rollYield);
        setPareto(d.binPareto);
        setSheets(d.roll.sheets);
        setError(null);
      },
      (e: Error) => setError(e.message),
    );
  }, [roll]);
  useEffect(() => {
    if (!sheet) return;
    gql<{ binPareto: BinCount[] }>('query($s: String!) { binPareto(sheet: $s) { softBin hardBin binName count } }', { s: sheet }).then(
      (d) => setSheetPareto(d.binPareto),
      (e: Error) => setError(e.message),
    );
  }, [sheet]);

  const open = (e: FormEvent) => {
    e.preventDefault();
    if (input.trim()) go('yield', input.trim());
  };
  const loadParam = (e: FormEvent) => {
    e.preventDefault();
    gql<{ c: Comparison }>(
      `query($o: String!, $p: String!, $r: [String!]) { c: yieldByParameterComparison(operation: $o, parameter: $p, rollBarcodes: $r) { ${COMPARISON} } }`,
      { o: op, p: param, r: roll ? [roll] : null },
    ).then(
      (d) => setByParam(d.c),
      (err: Error) => setError(err.message),
    );
  };
  const loadArm = (e: FormEvent) => {
    e.preventDefault();
    gql<{ c: Comparison }>(`query($c: String!) { c: experimentYieldComparison(code: $c) { ${COMPARISON} } }`, {
      c: experiment.trim(),
    }).then(
      (d) => setByArm(d.c),
      (err: Error) => setError(err.message),
    );
  };
  const conditions = (c: Comparison, what: string) => (
    <div data-testid={`comparison-${what}`}>
      <p className={c.significant ? 'verdict bad' : 'verdict'} data-testid="yield-test">
        {c.test === 'NONE' ? (
          'Fewer than two tested conditions: nothing to compare.'
        ) : (
          <>
            {TEST_NAME[c.test] ?? c.test}
            {c.statistic !== null ? `: χ² = ${c.statistic.toFixed(2)}, ${c.degreesOfFreedom} degrees of freedom` : ''}, p = {pFmt(c.pValue)}
            .{' '}
            <strong>
              {c.significant
                ? `The final yields differ beyond chance (at ${Math.round(c.confidence * 100)} % confidence).`
                : `No difference beyond chance at ${Math.round(c.confidence * 100)} % confidence: it may be noise.`}
            </strong>
          </>
        )}
      </p>
      <table className="table">
        <thead>
          <tr>
            <th scope="col">Condition</th>
            <th scope="col">Runs</th>
            <th scope="col">Cells passed / tested</th>
            <th scope="col">First pass</th>
            <th scope="col">Final</th>
            <th scope="col">{Math.round(c.confidence * 100)} % interval (Wilson)</th>
            <th scope="col">p against the others</th>
          </tr>
        </thead>
        <tbody>
          {c.conditions.map((r) => (
            <tr key={r.condition}>
              <td>{r.condition}</td>
              <td>{r.runs}</td>
              <td>
                {r.cellsPassed} / {r.cellsTested}
              </td>
              <td>{pct(r.firstPassYield)}</td>
              <td>{pct(r.finalYield)}</td>
              <td>
                {pct(r.finalYieldLow)} – {pct(r.finalYieldHigh)}
              </td>
              <td>{pFmt(r.pValueVsOthers)}</td>
            </tr>
          ))}
          {c.conditions.length === 0 && (
            <tr>
              <td colSpan={7} className="muted">
                No tested cells under any condition.
              </td>
            </tr>
          )}
        </tbody>
      </table>
      {c.conditions.length > 0 && (
        <IntervalChart
          title={`Final yield by ${what} with ${Math.round(c.confidence * 100)} % intervals`}
          rows={c.conditions.map((r) => ({ label: r.condition, value: r.finalYield, low: r.finalYieldLow, high: r.finalYieldHigh }))}
        />
      )}
    </div>
  );

  return (
    <section aria-labelledby="yield-title">
      <h1 id="yield-title">Yield</h1>
      <form onSubmit={open} className="inline-form">
        <label htmlFor="yield-roll">Roll</label>
        <input id="yield-roll" value={input} onChange={(e) => setInput(e.target.value)} />
        <button type="submit" className="primary">
          Show
        </button>
      </form>
      <ErrorBox error={error} />
      {roll && rollYield && (
        <>
          <div className="kpis" data-testid="roll-yield">
            <div>
              <span className="kpi">{pct(rollYield.firstPassYield)}</span> first-pass yield
            </div>
            <div>
              <span className="kpi">{pct(rollYield.finalYield)}</span> final yield
            </div>
            <div>
              <span className="kpi">{rollYield.cellsTested}</span> cells on {rollYield.sheetsTested} sheets tested
            </div>
          </div>
          <p>
            <a href={href('roll', roll)}>Roll map of {roll}</a>
          </p>
          <h2>Bin Pareto of roll {roll}</h2>
          <Pareto bins={pareto} label={`Bin Pareto of roll ${roll}`} />
          <h2>Bin Pareto of one sheet</h2>
          <label htmlFor="pareto-sheet">Sheet</label>{' '}
          <select id="pareto-sheet" value={sheet} onChange={(e) => setSheet(e.target.value)}>
            <option value="">choose a sheet</option>
            {sheets.map((s) => (
              <option key={s.barcode} value={s.barcode}>
                {s.barcode}
              </option>
            ))}
          </select>
          {sheet && <Pareto bins={sheetPareto} label={`Bin Pareto of sheet ${sheet}`} />}
        </>
      )}
      <h2>Yield by recipe parameter</h2>
      <form onSubmit={loadParam} className="inline-form">
        <label htmlFor="yp-op">Operation</label>
        <input id="yp-op" value={op} onChange={(e) => setOp(e.target.value)} />
        <label htmlFor="yp-param">Parameter</label>
        <input id="yp-param" value={param} onChange={(e) => setParam(e.target.value)} placeholder="e.g. material" />
        <button type="submit">Show</button>
      </form>
      {byParam && conditions(byParam, 'parameter')}
      <h2>Yield by experiment arm</h2>
      <form onSubmit={loadArm} className="inline-form">
        <label htmlFor="ye-code">Experiment</label>
        <input id="ye-code" value={experiment} onChange={(e) => setExperiment(e.target.value)} />
        <button type="submit">Show</button>
      </form>
      {byArm && conditions(byArm, 'arm')}
    </section>
  );
}
