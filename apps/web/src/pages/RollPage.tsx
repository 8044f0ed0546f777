import { useEffect, useMemo, useRef, useState, type FormEvent, type MouseEvent } from 'react';
import { gql } from '../api';
import { robustRange } from '../colour-scale';
import { BarcodePicker, ErrorBox, ExportLinks, formatValue, Legend, MetricSelect, recordPerf, type Metric } from '../components';
import { cellAt, gridImage, paint, type Grid } from '../heatmap';
import { unpackFloat32 } from '../packed';
import { metricOfFinding, PatternList, RollPatternOverlay, usePatterns } from '../patterns';
import { go, href } from '../router';

interface RollInfo {
  barcode: string;
  productCode: string;
  widthMm: number;
  lengthMm: number;
  status: string;
  operation: string | null;
  sheets: { barcode: string; mdStartMm: number; mdEndMm: number }[];
}

interface RollMap {
  mdStepMm: number;
  cdStepMm: number;
  mdBins: number;
  cdBins: number;
  valuesFloat32: string;
}

const MAP_W = 1100;
const MAP_H = 260;

const knownRolls = () =>
  gql<{ rolls: { barcode: string }[] }>('{ rolls(limit: 500) { barcode } }').then((d) => d.rolls.map((r) => r.barcode));

function RollPicker() {
  return <BarcodePicker route="roll" title="Roll map" label="Roll barcode" loadKnown={knownRolls} />;
}

/** `#/roll/<barcode>[/<mdFromMm>/<mdToMm>]`: a region in the route (an SPC hold's link) is selected and zoomed to. */
export default function RollPage({ barcode, region }: { barcode?: string; region?: { mdFrom: string; mdTo: string } }) {
  return barcode ? <RollMapView key={`${barcode}/${region?.mdFrom}/${region?.mdTo}`} barcode={barcode} region={region} /> : <RollPicker />;
}

function RollMapView({ barcode, region }: { barcode: string; region?: { mdFrom: string; mdTo: string } }) {
  const [metric, setMetric] = useState<Metric>('SOFT_BIN');
  const [info, setInfo] = useState<RollInfo | null>(null);
  const [map, setMap] = useState<RollMap | null>(null);
  const [values, setValues] = useState<Float32Array | null>(null);
  const [pareto, setPareto] = useState<{ softBin: number; binName: string; count: number }[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [view, setView] = useState<{ mdFrom: number; mdTo: number } | null>(null);
  const [mdFrom, setMdFrom] = useState(region?.mdFrom ?? '');
  const [mdTo, setMdTo] = useState(region?.mdTo ?? '');
  const patterns = usePatterns('roll', barcode);
  const [finding, setFinding] = useState(0);
  const [dragFrom, setDragFrom] = useState<number | null>(null);
  const [reason, setReason] = useState('');
  const [holdResult, setHoldResult] = useState<{ ok: boolean; text: string } | null>(null);
  const [hover, setHover] = useState<string | null>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const shownOnce = useRef(false);

  useEffect(() => {
    gql<{ roll: RollInfo }>(
      'query($b: String!) { roll(barcode: $b) { barcode productCode widthMm lengthMm status operation sheets { barcode mdStartMm mdEndMm } } }',
      { b: barcode },
    ).then(
      (d) => setInfo(d.roll),
      (e: Error) => setError(e.message),
    );
  }, [barcode]);
  useEffect(() => {
    let stale = false;
    gql<{ rollMap: RollMap; binPareto: { softBin: number; binName: string; count: number }[] }>(
      'query($r: String!, $m: CellMetric!) { rollMap(roll: $r, metric: $m) { mdStepMm cdStepMm mdBins cdBins valuesFloat32 } binPareto(roll: $r) { softBin binName count } }',
      { r: barcode, m: metric },
    ).then(
      (d) => {
        if (stale) return;
        setMap(d.rollMap);
        setValues(unpackFloat32(d.rollMap.valuesFloat32));
        setPareto(d.binPareto);
      },
      (e: Error) => !stale && setError(e.message),
    );
    return () => {
      stale = true;
    };
  }, [barcode, metric]);

  // A region in the route: zoom to it (with a margin of a tenth of its length) once the map's steps are known.
  const [routeFrom, routeTo] = [region?.mdFrom, region?.mdTo];
  useEffect(() => {
    if (!map || routeFrom === undefined || routeTo === undefined) return;
    const [from, to] = [Number(routeFrom), Number(routeTo)];
    if (!(to > from)) return;
    const margin = (to - from) / 10;
    setView({
      mdFrom: Math.max(0, Math.floor((from - margin) / map.mdStepMm)),
      mdTo: Math.min(map.mdBins, Math.ceil((to + margin) / map.mdStepMm)),
    });
  }, [map, routeFrom, routeTo]);

  const grid: Grid | null = map ? { mdCount: map.mdBins, cdCount: map.cdBins } : null;
  const bins = metric === 'SOFT_BIN';
  const range = useMemo(() => (values ? (bins ? { min: 0, max: 9 } : robustRange(values)) : null), [values, bins]);
  const v = view ?? (grid ? { mdFrom: 0, mdTo: grid.mdCount } : { mdFrom: 0, mdTo: 1 });

  useEffect(() => {
    if (!grid || !values || !canvas.current) return;
    const t0 = performance.now();
    paint(canvas.current, gridImage(grid, values, range, bins, v.mdFrom, v.mdTo), MAP_W, MAP_H);
    recordPerf('rollDrawMs', performance.now() - t0);
    if (!shownOnce.current) {
      shownOnce.current = true;
      recordPerf('rollShownMs', performance.now()); // from navigation start
    }
  }, [grid?.mdCount, grid?.cdCount, values, range, bins, v.mdFrom, v.mdTo]);

  const mmToX = (mm: number) => (map ? ((mm / map.mdStepMm - v.mdFrom) / (v.mdTo - v.mdFrom)) * MAP_W : 0);
  const xToMm = (x: number) => (map ? Math.round((v.mdFrom + (x / MAP_W) * (v.mdTo - v.mdFrom)) * map.mdStepMm) : 0);
  const selFrom = Number(mdFrom);
  const selTo = Number(mdTo);
  const selValid = mdFrom !== '' && mdTo !== '' && Number.isFinite(selFrom) && Number.isFinite(selTo) && selTo > selFrom;

  const onDown = (e: MouseEvent<HTMLCanvasElement>) => {
    const x = e.clientX - e.currentTarget.getBoundingClientRect().left;
    setDragFrom(xToMm(x));
    setMdFrom(String(xToMm(x)));
    setMdTo('');
  };
  const onMove = (e: MouseEvent<HTMLCanvasElement>) => {
    if (!grid || !map || !values) return;
    const r = e.currentTarget.getBoundingClientRect();
    const x = e.clientX - r.left;
    if (dragFrom !== null) {
      const mm = xToMm(x);
      setMdFrom(String(Math.min(dragFrom, mm)));
      setMdTo(String(Math.max(dragFrom, mm)));
    }
    const c = cellAt(grid, r.width, r.height, x, e.clientY - r.top, v);
    setHover(
      c
        ? `MD ${(c.md * map.mdStepMm).toFixed(0)}–${((c.md + 1) * map.mdStepMm).toFixed(0)} mm, CD ${(c.cd * map.cdStepMm).toFixed(0)}–${((c.cd + 1) * map.cdStepMm).toFixed(0)} mm: ${formatValue(metric, values[c.md * grid.cdCount + c.cd])}`
        : null,
    );
  };

  const placeHold = async (e: FormEvent) => {
    e.preventDefault();
    if (!selValid)
      return setHoldResult({
        ok: false,
        text: 'Select an MD region first: drag across the map or type MD from and to (mm), to greater than from',
      });
    try {
      const d = await gql<{ placeHold: { id: string } }>('mutation($i: PlaceHoldInput!) { placeHold(input: $i) { id } }', {
        i: { target: 'ROLL_REGION', rollBarcode: barcode, mdFromMm: selFrom, mdToMm: selTo, reason: reason.trim() },
      });
      setHoldResult({
        ok: true,
        text: `Hold ${d.placeHold.id} placed on ${barcode} MD ${selFrom}–${selTo} mm: every sheet there is refused at its stations until an engineer releases it.`,
      });
      setReason('');
    } catch (err) {
      setHoldResult({ ok: false, text: (err as Error).message });
    }
  };

  return (
    <section aria-labelledby="roll-title" className="roll-page">
      <h1 id="roll-title">
        Roll <span className="mono">{barcode}</span>
      </h1>
      <ErrorBox error={error} />
      {info && (
        <p className="muted">
          {info.productCode} · {info.widthMm} mm x {(info.lengthMm / 1000).toFixed(1)} m · {info.sheets.length} sheets ·{' '}
          {info.status.toLowerCase()}
          {info.operation ? `, at ${info.operation}` : ''}
        </p>
      )}
      {info && (
        <nav className="page-links" aria-label="Analyses of this roll">
          <a href={href('yield', barcode)}>Yield</a>
          <a href={href('stacked', barcode)}>Stacked map</a>
          <a href={href('correlation', barcode)}>Correlation with process data</a>
          <a href={href('spc', info.productCode)}>SPC of {info.productCode}</a>
        </nav>
      )}
      <div className="toolbar">
        <MetricSelect id="roll-metric" value={metric} onChange={setMetric} />
        {map && (
          <span className="muted">
            {map.mdBins} x {map.cdBins} bins of {map.mdStepMm} x {map.cdStepMm} mm
          </span>
        )}
        <ExportLinks
          onError={setError}
          files={(['cells.csv', 'cells.stdf', 'bins.csv'] as const).map((f) => ({
            label: f,
            path: `/api/v1/exports/rolls/${encodeURIComponent(barcode)}/${f}`,
            fileName: `${barcode}-${f}`,
            title: f === 'cells.stdf' ? 'the roll as one STDF lot, each sheet a wafer' : undefined,
          }))}
        />
      </div>
      {grid && (
        <div className="map-frame">
          <div className="map-wrap" style={{ width: MAP_W, height: MAP_H }}>
            <canvas
              ref={canvas}
              data-testid="roll-canvas"
              role="img"
              aria-label={`${metric} map of roll ${barcode}; drag to select an MD region, or type it below`}
              onMouseDown={onDown}
              onMouseMove={onMove}
              onMouseUp={() => setDragFrom(null)}
              onMouseLeave={() => {
                setDragFrom(null);
                setHover(null);
              }}
            />
            <svg className="overlay" width={MAP_W} height={MAP_H} aria-hidden="true">
              {info?.sheets.map((s) => {
                const x = mmToX(s.mdStartMm);
                return x >= 0 && x <= MAP_W ? <line key={s.barcode} x1={x} x2={x} y1={0} y2={MAP_H} className="sheet-edge" /> : null;
              })}
              {patterns?.findings[finding] && (
                <RollPatternOverlay finding={patterns.findings[finding]} mmToX={mmToX} width={MAP_W} height={MAP_H} />
              )}
              {selValid && (
                <rect
                  x={mmToX(selFrom)}
                  width={Math.max(1, mmToX(selTo) - mmToX(selFrom))}
                  y={0}
                  height={MAP_H}
                  className="selection"
                  data-testid="selection"
                />
              )}
            </svg>
          </div>
          <div className="axis-x" aria-hidden="true">
            Operator side at the bottom · MD {((v.mdFrom * (map?.mdStepMm ?? 0)) / 1000).toFixed(2)} m →{' '}
            {((v.mdTo * (map?.mdStepMm ?? 0)) / 1000).toFixed(2)} m, direction of travel →
          </div>
        </div>
      )}
      <div className="hover-panel" aria-live="polite">
        {hover ?? <span className="muted">Lines mark sheet boundaries. Point at a bin to read it.</span>}
      </div>
      {info && info.sheets.length > 0 && (
        <details className="sheet-links">
          <summary>Sheets of this roll ({info.sheets.length})</summary>
          <ul>
            {info.sheets.map((s) => (
              <li key={s.barcode}>
                <a href={href('sheet', s.barcode)}>{s.barcode}</a>{' '}
                <span className="muted">
                  MD {s.mdStartMm}–{s.mdEndMm} mm
                </span>
              </li>
            ))}
          </ul>
        </details>
      )}
      <Legend metric={metric} range={range} bins={pareto} />
      <PatternList
        patterns={patterns}
        selected={finding}
        onSelect={(i) => {
          setFinding(i);
          if (patterns?.findings[i]) setMetric(metricOfFinding(patterns.findings[i]));
        }}
        what="roll"
      />
      <form className="region-form" onSubmit={(e) => void placeHold(e)} aria-labelledby="region-title">
        <h2 id="region-title">Region</h2>
        <label htmlFor="md-from">MD from (mm)</label>
        <input id="md-from" inputMode="decimal" value={mdFrom} onChange={(e) => setMdFrom(e.target.value)} />
        <label htmlFor="md-to">MD to (mm)</label>
        <input id="md-to" inputMode="decimal" value={mdTo} onChange={(e) => setMdTo(e.target.value)} />
        <button
          type="button"
          disabled={!selValid || !map}
          onClick={() =>
            map &&
            setView({
              mdFrom: Math.max(0, Math.floor(selFrom / map.mdStepMm)),
              mdTo: Math.min(map.mdBins, Math.ceil(selTo / map.mdStepMm)),
            })
          }
        >
          Zoom to region
        </button>
        <button type="button" disabled={!view} onClick={() => setView(null)}>
          Whole roll
        </button>
        <label htmlFor="hold-reason">Hold reason</label>
        <input
          id="hold-reason"
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          placeholder="e.g. LiPON rate sagged; check films"
        />
        <button type="submit" className="danger" disabled={!selValid || reason.trim().length < 3}>
          Place hold on region
        </button>
        {holdResult && (
          <p className={holdResult.ok ? 'form-ok' : 'form-error'} role={holdResult.ok ? 'status' : 'alert'} data-testid="hold-result">
            {holdResult.text}
          </p>
        )}
      </form>
    </section>
  );
}
