import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { gql } from '../api';
import { ControlChart, type ChartPointView } from '../charts';
import { ErrorBox, SignatureDialog, type Signature } from '../components';
import { go, href } from '../router';

interface Limits {
  version: number;
  centre: number;
  sigma: number;
  dispersionCentre: number;
  baselineSheets: string[];
  reason: string;
  frozenBy: string;
  frozenAt: string;
  signatureMeaning: string | null;
}
interface Point {
  sheetBarcode: string;
  rollBarcode: string;
  seq: number;
  value: number;
  n: number | null;
  z: number | null;
  /** Limits under the chart's current version (null before limits are frozen). */
  centre: number | null;
  lcl: number | null;
  ucl: number | null;
  /** The second chart: moving range or s, and its centre and limits for this point. */
  dispersion: number | null;
  dispersionCentre: number | null;
  dispersionLcl: number | null;
  dispersionUcl: number | null;
}
interface SpcEvent {
  id: string;
  rule: string;
  ruleText: string;
  panel: 'MAIN' | 'DISPERSION';
  atSheet: string;
  reason: string;
  points: { sheet: string; roll: string; value: number; z: number | null }[];
  holds: { roll: string; sheet: string | null; mdFromMm: number | null; mdToMm: number | null; holdId: string }[];
  holdError: string | null;
  status: string;
  acknowledgedBy: string | null;
  acknowledgedAt: string | null;
  comment: string | null;
  createdAt: string;
}
interface Chart {
  id: string;
  name: string;
  metric: string;
  statistic: string;
  chartType: string;
  zones: number;
  zone: number | null;
  rules: string[];
  limitsVersion: number;
  backfillPending: boolean;
  limits: Limits[];
  points: Point[];
  events: SpcEvent[];
}

const CHARTS = `query($p: String!) { spcCharts(productCode: $p) { id name metric statistic chartType zones zone rules limitsVersion backfillPending
  limits { version centre sigma dispersionCentre baselineSheets reason frozenBy frozenAt signatureMeaning }
  points(last: 300) { sheetBarcode rollBarcode seq value n z centre lcl ucl dispersion dispersionCentre dispersionLcl dispersionUcl }
  events { id rule ruleText panel atSheet reason points { sheet roll value z } holds { roll sheet mdFromMm mdToMm holdId } holdError
    status acknowledgedBy acknowledgedAt comment createdAt } } }`;

/** What the second chart of each chart type plots (p charts have none). */
const DISPERSION: Record<string, { name: string; axis: string } | undefined> = {
  I_MR: { name: 'moving range', axis: 'moving range' },
  XBAR_S: { name: 's', axis: 'subgroup s' },
};

/** The sheets whose points make up a violation on one of the two charts. */
function violatedSheets(chart: Chart, panel: SpcEvent['panel']): Set<string> {
  return new Set(chart.events.filter((e) => e.panel === panel).flatMap((e) => e.points.map((p) => p.sheet)));
}

/** The main chart's points with the limits the MES judged them by (each point's own on X̄-S and p charts). */
function chartPoints(chart: Chart): ChartPointView[] {
  const violated = violatedSheets(chart, 'MAIN');
  return chart.points.map((p) => ({
    label: `sheet ${p.sheetBarcode}`,
    value: p.value,
    lcl: p.lcl,
    ucl: p.ucl,
    violated: violated.has(p.sheetBarcode),
  }));
}

/** The second chart's points (the moving range or s), in the same places as the main chart's. */
function dispersionPoints(chart: Chart): ChartPointView[] {
  const violated = violatedSheets(chart, 'DISPERSION');
  return chart.points.map((p) => ({
    label: `sheet ${p.sheetBarcode}`,
    value: p.dispersion,
    lcl: p.dispersionLcl,
    ucl: p.dispersionUcl,
    centre: p.dispersionCentre,
    violated: violated.has(p.sheetBarcode),
  }));
}

export default function SpcPage({ product }: { product?: string }) {
  const [input, setInput] = useState(product ?? 'TFB-0505');
  const [charts, setCharts] = useState<Chart[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [showAcknowledged, setShowAcknowledged] = useState(false);

  const load = useCallback(() => {
    if (!product) return;
    gql<{ spcCharts: Chart[] }>(CHARTS, { p: product }).then(
      (d) => {
        setCharts(d.spcCharts);
        setError(null);
      },
      (e: Error) => setError(e.message),
    );
  }, [product]);
  useEffect(load, [load]);

  const open = (e: FormEvent) => {
    e.preventDefault();
    if (input.trim()) go('spc', input.trim());
  };
  return (
    <section aria-labelledby="spc-title">
      <h1 id="spc-title">SPC{product ? ` of ${product}` : ''}</h1>
      <form onSubmit={open} className="inline-form">
        <label htmlFor="spc-product">Product</label>
        <input id="spc-product" value={input} onChange={(e) => setInput(e.target.value)} />
        <button type="submit" className="primary">
          Show
        </button>
        <label>
          <input type="checkbox" checked={showAcknowledged} onChange={(e) => setShowAcknowledged(e.target.checked)} /> show acknowledged
          events
        </label>
      </form>
      <ErrorBox error={error} />
      {product && <NewChartForm product={product} onCreated={load} />}
      {charts && charts.length === 0 && <p className="muted">{product} has no control charts yet.</p>}
      {charts?.map((c) => (
        <ChartSection key={c.id} chart={c} showAcknowledged={showAcknowledged} onChanged={load} />
      ))}
    </section>
  );
}

function ChartSection({ chart, showAcknowledged, onChanged }: { chart: Chart; showAcknowledged: boolean; onChanged: () => void }) {
  const limits = chart.limits.find((l) => l.version === chart.limitsVersion);
  const second = DISPERSION[chart.chartType];
  const open = chart.events.filter((e) => e.status === 'OPEN');
  const shown = showAcknowledged ? chart.events : open;
  return (
    <section className="spc-chart" aria-labelledby={`chart-${chart.id}`} data-testid="spc-chart">
      <h2 id={`chart-${chart.id}`}>{chart.name}</h2>
      <p className="muted">
        {chart.chartType.replace('_', '-')} of {chart.statistic.toLowerCase().replace('_', ' ')} of {chart.metric}
        {chart.zone !== null ? `, CD zone ${chart.zone} of ${chart.zones}` : ''} · rules {chart.rules.join(', ')} ·{' '}
        {limits
          ? `limits v${limits.version}: centre ${limits.centre.toPrecision(4)}, frozen by ${limits.frozenBy}${limits.signatureMeaning ? ` (signed ${limits.signatureMeaning.toLowerCase()})` : ''} from ${limits.baselineSheets.length} sheets (${limits.reason})`
          : 'no limits frozen yet: points are kept, not judged'}{' '}
        · <strong>{open.length}</strong> open event{open.length === 1 ? '' : 's'}
      </p>
      {chart.backfillPending && (
        <p className="muted" role="status">
          Adding the points of the product’s binned sheets…
        </p>
      )}
      <ControlChart
        title={`${chart.name}: ${chart.points.length} points${limits ? ', centre line and 3σ limits' : ''}; ${open.length} open events`}
        points={chartPoints(chart)}
        centre={limits?.centre ?? null}
        yLabel={chart.chartType === 'P' ? 'fraction defective' : chart.metric}
      />
      {second && (
        <ControlChart
          title={`${chart.name}, ${second.name} chart: ${chart.points.filter((p) => p.dispersion !== null).length} points${limits ? ', centre line and 3σ limits' : ''}; ${open.filter((e) => e.panel === 'DISPERSION').length} open events`}
          points={dispersionPoints(chart)}
          centre={chart.chartType === 'I_MR' ? (limits?.dispersionCentre ?? null) : null}
          yLabel={second.axis}
          height={190}
          testId="dispersion-chart"
        />
      )}
      <p className="plot-key muted">
        <span className="key-centre" /> centre line <span className="key-limit" /> 3σ limits <span className="key-violated" /> points of a
        rule violation
        {second
          ? ` · below: the ${second.name} chart (${chart.chartType === 'I_MR' ? 'limits D3/D4 · MR̄' : 'limits B3/B4 · c4 σ for each zone’s n'})`
          : ''}
      </p>
      <FreezeForm chart={chart} onFrozen={onChanged} />
      {shown.length > 0 && (
        <ul className="event-list" aria-label={`SPC events of ${chart.name}`}>
          {shown.map((e) => (
            <EventItem key={e.id} event={e} chartType={chart.chartType} onChanged={onChanged} />
          ))}
        </ul>
      )}
    </section>
  );
}

function EventItem({ event, chartType, onChanged }: { event: SpcEvent; chartType: string; onChanged: () => void }) {
  const [comment, setComment] = useState('');
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  const acknowledge = async (e: FormEvent) => {
    e.preventDefault();
    try {
      await gql('mutation($id: ID!, $c: String!) { acknowledgeSpcEvent(id: $id, comment: $c) { status } }', {
        id: event.id,
        c: comment.trim(),
      });
      setResult({ ok: true, text: 'Acknowledged.' });
      onChanged();
    } catch (err) {
      setResult({ ok: false, text: (err as Error).message });
    }
  };
  return (
    <li className={`event ${event.status === 'OPEN' ? 'open' : ''}`} data-testid="spc-event">
      <div>
        <strong>{event.rule}</strong> {event.ruleText}
        {event.panel === 'DISPERSION' ? ` on the ${DISPERSION[chartType]?.name ?? 'second'} chart` : ''} at sheet{' '}
        <a href={href('sheet', event.atSheet)}>{event.atSheet}</a>{' '}
        <span className="muted">({new Date(event.createdAt).toLocaleString()})</span>
      </div>
      <div className="muted">
        Points:{' '}
        {event.points.map((p, i) => (
          <span key={p.sheet}>
            {i > 0 && ', '}
            <a href={href('sheet', p.sheet)}>{p.sheet}</a> {p.value.toPrecision(4)}
            {p.z !== null ? ` (z ${p.z.toFixed(1)})` : ''}
          </span>
        ))}
      </div>
      <div>
        Holds:{' '}
        {event.holds.length === 0 && <span className="muted">{event.holdError ? `not placed yet: ${event.holdError}` : 'none'}</span>}
        {event.holds.map((h) => (
          <span key={h.holdId} className="hold-link">
            {h.mdFromMm !== null && h.mdToMm !== null ? (
              <a href={href('roll', h.roll, Math.floor(h.mdFromMm), Math.ceil(h.mdToMm))}>
                {h.roll} MD {Math.floor(h.mdFromMm)}–{Math.ceil(h.mdToMm)} mm
              </a>
            ) : (
              <a href={href('sheet', h.sheet ?? '')}>{h.sheet}</a>
            )}{' '}
            <span className="muted">(hold {h.holdId})</span>
          </span>
        ))}
      </div>
      {event.status === 'OPEN' ? (
        <form className="inline-form" onSubmit={(e) => void acknowledge(e)}>
          <label htmlFor={`ack-${event.id}`}>Comment</label>
          <input
            id={`ack-${event.id}`}
            className="wide"
            value={comment}
            onChange={(e) => setComment(e.target.value)}
            placeholder="cause found, action taken"
          />
          <button type="submit" disabled={comment.trim().length < 3}>
            Acknowledge
          </button>
        </form>
      ) : (
        <div className="form-ok">
          Acknowledged by {event.acknowledgedBy}: {event.comment}
        </div>
      )}
      {result && (
        <p className={result.ok ? 'form-ok' : 'form-error'} role={result.ok ? 'status' : 'alert'}>
          {result.text}
        </p>
      )}
    </li>
  );
}

const RULES = [
  ['NELSON_1', 'one point beyond 3σ'],
  ['NELSON_2', 'nine points on one side'],
  ['NELSON_3', 'six points rising or falling'],
  ['NELSON_4', 'fourteen points alternating'],
  ['NELSON_5', 'two of three beyond 2σ'],
  ['NELSON_6', 'four of five beyond 1σ'],
  ['NELSON_7', 'fifteen within 1σ'],
  ['NELSON_8', 'eight beyond 1σ either side'],
  ['WE_1', 'one point beyond 3σ'],
  ['WE_2', 'two of three beyond 2σ'],
  ['WE_3', 'four of five beyond 1σ'],
  ['WE_4', 'eight on one side'],
] as const;

/** A new chart of the product; the MES adds the points of the product's newest sheets by a job. */
function NewChartForm({ product, onCreated }: { product: string; onCreated: () => void }) {
  const [name, setName] = useState('');
  const [kind, setKind] = useState<'MEAN' | 'SD' | 'YIELD'>('MEAN');
  const [metric, setMetric] = useState('ASR');
  const [chartType, setChartType] = useState<'I_MR' | 'XBAR_S'>('XBAR_S');
  const [zones, setZones] = useState(5);
  const [zone, setZone] = useState('');
  const [rules, setRules] = useState<string[]>(['NELSON_1', 'NELSON_2', 'NELSON_3', 'NELSON_5']);
  const [hold, setHold] = useState(true);
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const input =
      kind === 'YIELD'
        ? {
            productCode: product,
            name: name.trim(),
            metric: 'YIELD',
            statistic: 'YIELD',
            chartType: 'P',
            zones: 1,
            zone: null,
            rules,
            holdOnViolation: hold,
          }
        : {
            productCode: product,
            name: name.trim(),
            metric,
            statistic: kind === 'MEAN' ? 'ZONE_MEAN' : 'ZONE_SD',
            chartType: kind === 'SD' ? 'I_MR' : chartType,
            zones,
            zone: zone === '' ? null : Number(zone),
            rules,
            holdOnViolation: hold,
          };
    try {
      await gql('mutation($i: CreateSpcChartInput!) { createSpcChart(input: $i) { id } }', { i: input });
      setResult({ ok: true, text: `Chart ${input.name} created; its points from the newest binned sheets of ${product} are being added.` });
      setName('');
      onCreated();
      // The backfill is a job: show its points as they arrive.
      for (const ms of [1500, 5000]) setTimeout(onCreated, ms);
    } catch (err) {
      setResult({ ok: false, text: (err as Error).message });
    }
  };
  const toggle = (rule: string) => setRules((r) => (r.includes(rule) ? r.filter((x) => x !== rule) : [...r, rule]));
  return (
    <details className="new-chart">
      <summary>New control chart</summary>
      <form className="region-form" onSubmit={(e) => void submit(e)} aria-label="New control chart">
        <label htmlFor="chart-name">Name</label>
        <input id="chart-name" value={name} onChange={(e) => setName(e.target.value)} placeholder="ASR zone 3" />
        <label htmlFor="chart-kind">Statistic</label>
        <select id="chart-kind" value={kind} onChange={(e) => setKind(e.target.value as typeof kind)}>
          <option value="MEAN">zone mean of a metric</option>
          <option value="SD">zone spread (σ) of a metric</option>
          <option value="YIELD">fraction defective (p chart)</option>
        </select>
        {kind !== 'YIELD' && (
          <>
            <label htmlFor="chart-metric">Metric</label>
            <select id="chart-metric" value={metric} onChange={(e) => setMetric(e.target.value)}>
              {['ASR', 'OCV', 'R_OHMIC', 'R_CT'].map((m) => (
                <option key={m}>{m}</option>
              ))}
            </select>
            {kind === 'MEAN' && (
              <>
                <label htmlFor="chart-type">Chart</label>
                <select id="chart-type" value={chartType} onChange={(e) => setChartType(e.target.value as typeof chartType)}>
                  <option value="XBAR_S">X̄-S (zone as subgroup)</option>
                  <option value="I_MR">individuals / moving range</option>
                </select>
              </>
            )}
            <label htmlFor="chart-zones">CD zones</label>
            <input
              id="chart-zones"
              type="number"
              min={1}
              max={50}
              value={zones}
              onChange={(e) => {
                setZones(Number(e.target.value));
                setZone('');
              }}
            />
            <label htmlFor="chart-zone">Zone</label>
            <select id="chart-zone" value={zone} onChange={(e) => setZone(e.target.value)}>
              <option value="">whole sheet</option>
              {Array.from({ length: Math.max(0, Math.min(50, zones)) }, (_, z) => (
                <option key={z} value={z}>
                  {z}
                </option>
              ))}
            </select>
          </>
        )}
        <fieldset className="rules">
          <legend>Run rules</legend>
          {RULES.map(([rule, text]) => (
            <label key={rule} title={text}>
              <input type="checkbox" checked={rules.includes(rule)} onChange={() => toggle(rule)} /> {rule.replace('_', ' ')}
            </label>
          ))}
        </fieldset>
        <label>
          <input type="checkbox" checked={hold} onChange={(e) => setHold(e.target.checked)} /> hold the region of a violation
        </label>
        <button type="submit" className="primary" disabled={!name.trim() || !rules.length}>
          Create chart
        </button>
        {result && (
          <p className={result.ok ? 'form-ok' : 'form-error'} role={result.ok ? 'status' : 'alert'}>
            {result.text}
          </p>
        )}
      </form>
    </details>
  );
}

/**
 * Limits from a window of the chart's points the engineer chooses, frozen as the chart's next version.
 * Frozen limits decide which material is held, so the freeze is signed (password again and meaning)
 * in the signature dialog; the MES's refusals (a sheet without results, a wrong password) show there.
 */
function FreezeForm({ chart, onFrozen }: { chart: Chart; onFrozen: () => void }) {
  const n = chart.points.length;
  const [from, setFrom] = useState(1);
  const [to, setTo] = useState(Math.min(n, 25));
  const [reason, setReason] = useState('');
  const [signing, setSigning] = useState(false);
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  useEffect(() => {
    // Points arrive after the page first loads (a new chart's backfill): keep a sensible window.
    setTo((t) => (t < 2 ? Math.min(n, 25) : Math.min(t, n)));
  }, [n]);
  if (n < 2) return null;
  const lo = Math.max(1, Math.min(from, n));
  const hi = Math.max(lo, Math.min(to, n));
  const baseline = chart.points.slice(lo - 1, hi);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setResult(null);
    setSigning(true);
  };
  const sign = async (signature: Signature) => {
    const d = await gql<{ freezeSpcLimits: { version: number; centre: number } }>(
      'mutation($i: FreezeSpcLimitsInput!, $s: SignatureInput!) { freezeSpcLimits(input: $i, signature: $s) { version centre } }',
      { i: { chartId: chart.id, baselineSheets: baseline.map((p) => p.sheetBarcode), reason: reason.trim() }, s: signature },
    );
    setSigning(false);
    setResult({ ok: true, text: `Limits v${d.freezeSpcLimits.version} frozen: centre ${d.freezeSpcLimits.centre.toPrecision(4)}.` });
    setReason('');
    onFrozen();
  };
  const id = chart.id;
  return (
    <>
      <form className="inline-form freeze-form" onSubmit={submit} aria-label={`Freeze limits of ${chart.name}`}>
        <label htmlFor={`from-${id}`}>Baseline from point</label>
        <input id={`from-${id}`} type="number" min={1} max={n} value={from} onChange={(e) => setFrom(Number(e.target.value))} />
        <label htmlFor={`to-${id}`}>to</label>
        <input id={`to-${id}`} type="number" min={1} max={n} value={to} onChange={(e) => setTo(Number(e.target.value))} />
        <span className="muted" data-testid="baseline-window">
          {baseline.length} sheets, {baseline[0]?.sheetBarcode} … {baseline.at(-1)?.sheetBarcode}
        </span>
        <label htmlFor={`reason-${id}`}>Reason</label>
        <input
          id={`reason-${id}`}
          className="wide"
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          placeholder="stable run, no known issue"
        />
        <button type="submit" disabled={baseline.length < 2 || !reason.trim()}>
          Freeze limits v{chart.limitsVersion + 1}
        </button>
        {result && (
          <p className={result.ok ? 'form-ok' : 'form-error'} role={result.ok ? 'status' : 'alert'}>
            {result.text}
          </p>
        )}
      </form>
      {signing && (
        <SignatureDialog
          title={`Sign the limits v${chart.limitsVersion + 1} of ${chart.name}`}
          what={`From ${baseline.length} sheets, ${baseline[0]?.sheetBarcode} to ${baseline.at(-1)?.sheetBarcode}: sheets that land from now on are judged against them, and a violation holds material.`}
          onSign={sign}
          onCancel={() => setSigning(false)}
        />
      )}
    </>
  );
}
