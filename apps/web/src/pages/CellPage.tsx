import { useEffect, useState } from 'react';
import { gql } from '../api';
import { ErrorBox } from '../components';
import { BodePlot, NyquistPlot, type Series } from '../plots';
import { href } from '../router';

interface TestResult {
  testId: string;
  sheetTestId: string;
  receivedAt: string;
  ocvV: number | null;
  rOhmicOhm: number | null;
  rCtOhm: number | null;
  asrOhmCm2: number | null;
  softBin: number;
  hardBin: number;
  binName: string;
  ruleId: string;
  ruleSetVersion: number;
  reason: string | null;
}

interface Spectrum {
  testId: string;
  status: string;
  temperatureC: number;
  frequenciesHz: number[];
  zReOhm: number[];
  zImOhm: number[];
  signature: string | null;
  signatureReason: string | null;
  fitMissingReason: string | null;
  fit: {
    circuit: string;
    relRms: number | null;
    converged: boolean;
    parameters: { name: string; value: number; stdError: number | null }[];
    fineFrequenciesHz: number[];
    fineZReOhm: number[];
    fineZImOhm: number[];
  } | null;
}

interface Provenance {
  rollBarcode: string;
  mdMm: number;
  cdMm: number;
  predictedCapacityUah: number | null;
  layers: {
    operation: string;
    run: { id: string; equipmentCode: string; recipeName: string; recipeVersion: number };
    traces: { channel: string; unit: string; mean: number; min: number; max: number }[];
  }[];
  thickness: { layer: string; thicknessUm: number; instrument: string }[];
}

const RESULT_FIELDS = 'testId sheetTestId receivedAt ocvV rOhmicOhm rCtOhm asrOhmCm2 softBin hardBin binName ruleId ruleSetVersion reason';
const n = (v: number | null, d: number) => (v === null ? '—' : v.toFixed(d));

/** A fitted value whose standard error is at least the value itself: the spectrum does not determine it. */
const notDetermined = (value: number, stdError: number) => stdError >= Math.abs(value);

/** A fitted parameter's standard error and its share of the value; "not determined" when it exceeds the value. */
function stdErrorText(value: number, stdError: number | null): string {
  if (stdError === null) return '—';
  const share = notDetermined(value, stdError) ? 'not determined' : `${(Math.abs(stdError / value) * 100).toPrecision(2)} %`;
  return `${stdError.toPrecision(2)} (${share})`;
}

/** The stacks holding this cell (assembly's where-used of its sheet, narrowed to the cell). */
function useStacksOfCell(cellCode: string | null, sheet: string | undefined): string[] {
  const [stacks, setStacks] = useState<string[]>([]);
  useEffect(() => {
    if (!cellCode || !sheet) return;
    gql<{ stacksWhereUsed: { barcode: string; cellCodes: string[] }[] }>(
      'query($s: String!) { stacksWhereUsed(sheet: $s) { barcode cellCodes } }',
      { s: sheet },
    ).then(
      (d) => setStacks(d.stacksWhereUsed.filter((x) => x.cellCodes.includes(cellCode)).map((x) => x.barcode)),
      () => undefined, // the assembly service down: the cell page still shows its results
    );
  }, [cellCode, sheet]);
  return stacks;
}

export default function CellPage({ sheet, row, col }: { sheet?: string; row: number; col: number }) {
  const [result, setResult] = useState<(TestResult & { history: TestResult[] }) | null | undefined>(undefined);
  const [spectrum, setSpectrum] = useState<Spectrum | null | undefined>(undefined);
  const [testChoice, setTestChoice] = useState<string | undefined>(undefined);
  const [prov, setProv] = useState<Provenance | null>(null);
  const [provError, setProvError] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [wholeNyquist, setWholeNyquist] = useState(false);
  const valid = !!sheet && Number.isInteger(row) && Number.isInteger(col);
  const stacks = useStacksOfCell(valid ? `${sheet}-R${row}C${col}` : null, sheet);

  useEffect(() => {
    if (!valid) return;
    gql<{ cellResult: (TestResult & { history: TestResult[] }) | null }>(
      `query($s: String!, $r: Int!, $c: Int!) { cellResult(sheet: $s, row: $r, col: $c) { ${RESULT_FIELDS} history { ${RESULT_FIELDS} } } }`,
      { s: sheet, r: row, c: col },
    ).then(
      (d) => setResult(d.cellResult),
      (e: Error) => setError(e.message),
    );
    gql<{ cellProvenance: Provenance }>(
      'query($s: String!, $r: Int!, $c: Int!) { cellProvenance(sheet: $s, row: $r, col: $c) { rollBarcode mdMm cdMm predictedCapacityUah layers { operation run { id equipmentCode recipeName recipeVersion } traces { channel unit mean min max } } thickness { layer thicknessUm instrument } } }',
      { s: sheet, r: row, c: col },
    ).then(
      (d) => setProv(d.cellProvenance),
      (e: Error) => setProvError(e.message),
    );
  }, [sheet, row, col, valid]);
  useEffect(() => {
    if (!valid) return;
    gql<{ cellSpectrum: Spectrum | null }>(
      'query($s: String!, $r: Int!, $c: Int!, $t: String) { cellSpectrum(sheet: $s, row: $r, col: $c, sheetTestId: $t) { testId status temperatureC frequenciesHz zReOhm zImOhm signature signatureReason fitMissingReason fit { circuit relRms converged parameters { name value stdError } fineFrequenciesHz fineZReOhm fineZImOhm } } }',
      { s: sheet, r: row, c: col, t: testChoice ?? null },
    ).then(
      (d) => setSpectrum(d.cellSpectrum),
      (e: Error) => setError(e.message),
    );
  }, [sheet, row, col, valid, testChoice]);

  if (!valid)
    return (
      <p className="form-error" role="alert">
        A cell page needs #/cell/&lt;sheet&gt;/&lt;row&gt;/&lt;col&gt; with whole-number row and col.
      </p>
    );
  const series: Series[] = spectrum
    ? [{ name: 'measured', f: spectrum.frequenciesHz, re: spectrum.zReOhm, im: spectrum.zImOhm, kind: 'points' }]
    : [];
  if (spectrum?.fit)
    series.push({ name: 'fit', f: spectrum.fit.fineFrequenciesHz, re: spectrum.fit.fineZReOhm, im: spectrum.fit.fineZImOhm, kind: 'line' });
  // The Nyquist view opens on the arcs (R0 + R1 + R2 and a margin): the blocking tail of a good cell
  // runs to hundreds of kΩ. Without a trusted fit it shows the whole spectrum.
  const p = Object.fromEntries((spectrum?.fit?.parameters ?? []).map((x) => [x.name, x.value]));
  const arcsView = spectrum?.fit && [p.R0, p.R1, p.R2].every((v) => Number.isFinite(v) && v > 0) ? 1.6 * (p.R0 + p.R1 + p.R2) : undefined;
  const tests = [...new Map((result?.history ?? []).map((h) => [h.sheetTestId, h])).values()];
  // R_ohmic is the fitted R0 when the fit is trusted; under a LiPON arc not closed at the top
  // frequency the spectrum often does not determine it (its error exceeds it), and the page says so.
  const r0 = spectrum?.fit?.parameters.find((x) => x.name === 'R0');
  const r0Note =
    result && r0 && r0.stdError !== null && r0.value === result.rOhmicOhm && notDetermined(r0.value, r0.stdError)
      ? ` (not determined by the spectrum: ± ${r0.stdError.toPrecision(2)} Ω)`
      : null;

  return (
    <section aria-labelledby="cell-title" className="cell-page">
      <h1 id="cell-title">
        Cell{' '}
        <span className="mono">
          {sheet}-R{row}C{col}
        </span>
      </h1>
      <p className="muted">
        <a href={href('sheet', sheet)}>Back to sheet {sheet}</a>
        {stacks.map((s) => (
          <span key={s}>
            {' '}
            · layer of stack <a href={href('stack', s)}>{s}</a>
          </span>
        ))}
      </p>
      <ErrorBox error={error} />
      {result === null && <p>This cell was never tested.</p>}
      {result && (
        <div className="cell-summary" data-testid="cell-summary">
          <div className={`bin-badge bin-${result.softBin}`}>
            Bin {result.softBin} · {result.binName}
          </div>
          <dl className="facts">
            <dt>OCV</dt>
            <dd>{n(result.ocvV, 4)} V</dd>
            <dt>R_ohmic</dt>
            <dd data-testid="r-ohmic">
              {n(result.rOhmicOhm, 2)} Ω{r0Note && <span className="muted">{r0Note}</span>}
            </dd>
            <dt>R_ct</dt>
            <dd>{n(result.rCtOhm, 1)} Ω</dd>
            <dt>ASR</dt>
            <dd>{n(result.asrOhmCm2, 1)} Ω·cm²</dd>
            <dt>Decided by</dt>
            <dd>
              rule {result.ruleId}, rule set v{result.ruleSetVersion}
              {result.reason ? `: ${result.reason}` : ''}
            </dd>
          </dl>
        </div>
      )}
      <h2>Impedance spectrum</h2>
      {tests.length > 1 && (
        <p>
          <label htmlFor="test-choice">Test </label>
          <select id="test-choice" value={testChoice ?? ''} onChange={(e) => setTestChoice(e.target.value || undefined)}>
            <option value="">the one that counts</option>
            {tests.map((t) => (
              <option key={t.sheetTestId} value={t.sheetTestId}>
                {t.testId} ({new Date(t.receivedAt).toLocaleString()})
              </option>
            ))}
          </select>
        </p>
      )}
      {spectrum === null && <p className="muted">No spectrum: the cell was never tested.</p>}
      {spectrum && (
        <>
          <p className="muted" data-testid="spectrum-facts">
            Test {spectrum.testId} at {spectrum.temperatureC} °C · {spectrum.frequenciesHz.length} frequencies ·{' '}
            {spectrum.signature ?? 'no signature'}
            {spectrum.signatureReason ? ` (${spectrum.signatureReason})` : ''}
            {spectrum.fit
              ? ` · fit ${spectrum.fit.circuit}, rel. RMS ${spectrum.fit.relRms === null ? '—' : (spectrum.fit.relRms * 100).toFixed(2)} %${spectrum.fit.converged ? '' : ' (not converged)'}`
              : ` · ${spectrum.fitMissingReason ?? 'no fit'}`}
          </p>
          <div className="plots">
            <NyquistPlot
              series={series}
              maxReOhm={wholeNyquist ? undefined : arcsView}
              title={`Nyquist plot of cell ${sheet}-R${row}C${col}: measured points and fitted model`}
            />
            <BodePlot series={series} title={`Bode plot of cell ${sheet}-R${row}C${col}`} />
          </div>
          <p className="plot-key">
            <span className="key-points" /> measured <span className="key-line" /> fitted model
            {arcsView !== undefined && (
              <button type="button" className="link" onClick={() => setWholeNyquist((w) => !w)}>
                {wholeNyquist ? 'Nyquist: zoom to the arcs' : 'Nyquist: whole spectrum'}
              </button>
            )}
          </p>
          {spectrum.fit && (
            <details>
              <summary>Fitted parameters</summary>
              <table className="table">
                <thead>
                  <tr>
                    <th scope="col">Parameter</th>
                    <th scope="col">Value</th>
                    <th scope="col">± 1 σ</th>
                  </tr>
                </thead>
                <tbody>
                  {spectrum.fit.parameters.map((p) => (
                    <tr key={p.name}>
                      <td className="mono">{p.name}</td>
                      <td>{p.value.toPrecision(4)}</td>
                      <td>{stdErrorText(p.value, p.stdError)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </details>
          )}
        </>
      )}
      {valid && <CellDefects sheet={sheet} row={row} col={col} />}
      {result && (
        <>
          <h2>History</h2>
          <table className="table" data-testid="history">
            <thead>
              <tr>
                <th scope="col">Test</th>
                <th scope="col">Received</th>
                <th scope="col">Rule set</th>
                <th scope="col">Bin</th>
                <th scope="col">Rule</th>
                <th scope="col">OCV (V)</th>
                <th scope="col">ASR (Ω·cm²)</th>
              </tr>
            </thead>
            <tbody>
              {result.history.map((h) => (
                <tr key={`${h.sheetTestId}-${h.ruleSetVersion}`}>
                  <td>{h.testId}</td>
                  <td>{new Date(h.receivedAt).toLocaleString()}</td>
                  <td>v{h.ruleSetVersion}</td>
                  <td>
                    {h.softBin} {h.binName}
                  </td>
                  <td>{h.ruleId}</td>
                  <td>{n(h.ocvV, 4)}</td>
                  <td>{n(h.asrOhmCm2, 1)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      <h2>Provenance</h2>
      {provError && <p className="muted">{provError}</p>}
      {prov && (
        <>
          <p className="muted">
            Roll {prov.rollBarcode} at MD {prov.mdMm.toFixed(1)} mm, CD {prov.cdMm.toFixed(1)} mm
            {prov.predictedCapacityUah !== null ? ` · predicted capacity ${prov.predictedCapacityUah.toFixed(1)} µAh` : ''}
          </p>
          {prov.layers.length === 0 ? (
            <p className="muted">No process runs recorded for this cell’s position.</p>
          ) : (
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">Operation</th>
                  <th scope="col">Recipe</th>
                  <th scope="col">Equipment</th>
                  <th scope="col">Traces at the cell (mean, min–max)</th>
                </tr>
              </thead>
              <tbody>
                {prov.layers.map((l) => (
                  <tr key={l.run.id}>
                    <td>{l.operation}</td>
                    <td>
                      {l.run.recipeName} v{l.run.recipeVersion}
                    </td>
                    <td>{l.run.equipmentCode}</td>
                    <td>
                      {l.traces
                        .map((t) => `${t.channel} ${t.mean.toPrecision(3)} (${t.min.toPrecision(3)}–${t.max.toPrecision(3)}) ${t.unit}`)
                        .join('; ') || '—'}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {prov.thickness.length > 0 && (
            <p>Layers: {prov.thickness.map((t) => `${t.layer} ${t.thicknessUm.toFixed(2)} µm (${t.instrument})`).join(' · ')}</p>
          )}
        </>
      )}
    </section>
  );
}

interface CellDefect {
  inspectionId: string;
  seq: number;
  defectClass: string;
  sizeUm: number;
  zone: string;
  mdMm: number;
  cdMm: number;
  image: string | null;
}

/** What the sheet's newest inspection saw in or next to this cell, with the defect that decided a visual bin marked. */
function CellDefects({ sheet, row, col }: { sheet: string; row: number; col: number }) {
  const [found, setFound] = useState<{ decidingDefect: string | null; defects: CellDefect[] } | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    gql<{ cellResult: { decidingDefect: string | null; defects: CellDefect[] } | null }>(
      'query($s: String!, $r: Int!, $c: Int!) { cellResult(sheet: $s, row: $r, col: $c) { decidingDefect defects { inspectionId seq defectClass sizeUm zone mdMm cdMm image } } }',
      { s: sheet, r: row, c: col },
    ).then(
      (d) => setFound(d.cellResult),
      (e: Error) => setError(e.message),
    );
  }, [sheet, row, col]);
  if (error) return <ErrorBox error={error} />;
  if (!found) return null;
  return (
    <>
      <h2>Defects</h2>
      {found.defects.length === 0 ? (
        <p className="muted" data-testid="defects">
          The sheet's inspection saw nothing in or next to this cell (or the sheet was not inspected).
        </p>
      ) : (
        <table className="table" data-testid="defects">
          <thead>
            <tr>
              <th scope="col">Defect</th>
              <th scope="col">Class</th>
              <th scope="col">Size (µm)</th>
              <th scope="col">Where</th>
              <th scope="col">Sheet MD, CD (mm)</th>
              <th scope="col">Image</th>
            </tr>
          </thead>
          <tbody>
            {found.defects.map((d) => {
              const ref = `${d.inspectionId}#${d.seq}`;
              return (
                <tr key={ref}>
                  <td>
                    {ref}
                    {ref === found.decidingDefect ? ' (decided the bin)' : ''}
                  </td>
                  <td>{d.defectClass}</td>
                  <td>{d.sizeUm}</td>
                  <td>{d.zone === 'ACTIVE' ? 'active area' : d.zone.toLowerCase()}</td>
                  <td>
                    {d.mdMm.toFixed(2)}, {d.cdMm.toFixed(2)}
                  </td>
                  <td>{d.image ?? '—'}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </>
  );
}
