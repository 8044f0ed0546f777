import {
  useCallback,
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  type FormEvent,
  type KeyboardEvent,
  type MouseEvent,
} from 'react';
import { gql, subscribeEvents } from '../api';
import { robustRange } from '../colour-scale';
import { BarcodePicker, ErrorBox, ExportLinks, formatValue, Legend, MetricSelect, recordPerf, type Metric } from '../components';
import { cellAt, gridImage, paint, pixelOf, type Grid } from '../heatmap';
import { unpackFloat32 } from '../packed';
import { metricOfFinding, PatternList, SheetPatternOverlay, usePatterns } from '../patterns';
import { DEFAULT_SHEET_METRIC, sheetMaps } from '../prefetch';
import { go, href } from '../router';

interface SheetInfo {
  barcode: string;
  rollBarcode: string;
  productCode: string;
  rows: number;
  cols: number;
  mdStartMm: number;
  mdEndMm: number;
  status: string;
  operation: string | null;
  stepState: string;
}

interface BinCount {
  softBin: number;
  hardBin: number;
  binName: string;
  count: number;
}

interface TestProgress {
  sheetTestId: string;
  status: string;
  cells: number;
  cellsBinned: number;
  disposition?: string | null;
}

const CELL_PX = 12;

const knownSheets = () =>
  gql<{ sheets: { barcode: string }[] }>('{ sheets(status: ACTIVE, limit: 500) { barcode } }').then((d) => d.sheets.map((s) => s.barcode));

function SheetPicker() {
  return <BarcodePicker route="sheet" title="Sheet heat map" label="Sheet barcode" loadKnown={knownSheets} />;
}

export default function SheetPage({ barcode }: { barcode?: string }) {
  return barcode ? <SheetMapView key={barcode} barcode={barcode} /> : <SheetPicker />;
}

function SheetMapView({ barcode }: { barcode: string }) {
  const [metric, setMetric] = useState<Metric>(DEFAULT_SHEET_METRIC);
  const [info, setInfo] = useState<SheetInfo | null>(null);
  const [dims, setDims] = useState<{ rows: number; cols: number } | null>(null);
  const [values, setValues] = useState<Float32Array | null>(null);
  const [binsMap, setBinsMap] = useState<Float32Array | null>(null);
  const [pareto, setPareto] = useState<BinCount[]>([]);
  const [progress, setProgress] = useState<TestProgress | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [cursor, setCursor] = useState<{ md: number; cd: number } | null>(null);
  const [rule, setRule] = useState<{ key: string; text: string } | null>(null);
  const [reloads, setReloads] = useState(0);
  const [tests, setTests] = useState<{ sheetTestId: string; status: string }[]>([]);
  const patterns = usePatterns('sheet', barcode);
  const [finding, setFinding] = useState(0);
  const [showPattern, setShowPattern] = useState(true);
  const [defects, setDefects] = useState<SheetDefect[]>([]);
  const [showDefects, setShowDefects] = useState(true);
  const canvas = useRef<HTMLCanvasElement>(null);
  const hoverStart = useRef<number | null>(null);
  const drawnOnce = useRef(false);

  useEffect(() => {
    gql<{ sheet: SheetInfo }>(
      'query($b: String!) { sheet(barcode: $b) { barcode rollBarcode productCode rows cols mdStartMm mdEndMm status operation stepState } }',
      { b: barcode },
    ).then(
      (d) => setInfo(d.sheet),
      (e: Error) => setError(e.message),
    );
  }, [barcode]);

  useEffect(() => {
    gql<{ sheetDefects: SheetDefect[] }>('query($s: String!) { sheetDefects(sheet: $s) { seq defectClass sizeUm zone row col } }', {
      s: barcode,
    }).then(
      (d) => setDefects(d.sheetDefects),
      () => setDefects([]),
    );
  }, [barcode, reloads]);

  // The maps (packed float32, started by the router while this page's code loaded) draw the sheet;
  // its facts and bin names come separately and fill in around it.
  useEffect(() => {
    let stale = false;
    sheetMaps(barcode, metric).then(
      (d) => {
        if (stale) return;
        setDims({ rows: d.m.rows, cols: d.m.cols });
        setValues(unpackFloat32(d.m.valuesFloat32));
        setBinsMap(unpackFloat32(d.b.valuesFloat32));
      },
      (e: Error) => !stale && setError(e.message),
    );
    gql<{ binPareto: BinCount[]; sheetTests: { sheetTestId: string; status: string }[] }>(
      'query($s: String!) { binPareto(sheet: $s) { softBin hardBin binName count } sheetTests(sheet: $s) { sheetTestId status } }',
      { s: barcode },
    ).then(
      (d) => {
        if (stale) return;
        setPareto(d.binPareto);
        setTests(d.sheetTests);
      },
      (e: Error) => !stale && setError(e.message),
    );
    return () => {
      stale = true;
    };
  }, [barcode, metric, reloads]);

  // Live: server-sent events as the sheet's test is binned; the maps are read again when cells land.
  useEffect(
    () =>
      subscribeEvents(`/api/v1/live/sheets/${encodeURIComponent(barcode)}`, (event, data) => {
        if (event !== 'sheet-test') return;
        const p = JSON.parse(data) as TestProgress;
        setProgress((old) => {
          if (old && (old.sheetTestId !== p.sheetTestId || old.cellsBinned !== p.cellsBinned || old.status !== p.status))
            setReloads((n) => n + 1);
          return p;
        });
      }),
    [barcode],
  );

  const grid: Grid | null = dims ? { mdCount: dims.rows, cdCount: dims.cols } : null;
  const bins = metric === 'SOFT_BIN';
  const range = useMemo(() => (values && !bins ? robustRange(values) : values ? { min: 0, max: 9 } : null), [values, bins]);
  const cssW = grid ? grid.mdCount * CELL_PX : 0;
  const cssH = grid ? grid.cdCount * CELL_PX : 0;

  useEffect(() => {
    if (!grid || !values || !canvas.current || values.length !== grid.mdCount * grid.cdCount) return;
    paint(canvas.current, gridImage(grid, values, range, bins), cssW, cssH);
    if (!drawnOnce.current) {
      drawnOnce.current = true;
      // From navigation start: what a bench opening this page cold measures.
      recordPerf('sheetInteractiveMs', performance.now());
    }
  }, [grid?.mdCount, grid?.cdCount, values, range, bins, cssW, cssH]);

  useLayoutEffect(() => {
    if (hoverStart.current !== null) {
      recordPerf('hoverMs', performance.now() - hoverStart.current);
      hoverStart.current = null;
    }
  }, [cursor]);

  // The rule that decided a cell is not in the map: ask for it once the pointer rests on a cell.
  useEffect(() => {
    if (!cursor) return;
    const key = `${cursor.md},${cursor.cd}`;
    const t = setTimeout(() => {
      gql<{ cellResult: { ruleId: string; ruleSetVersion: number; binName: string; reason: string | null } | null }>(
        'query($s: String!, $r: Int!, $c: Int!) { cellResult(sheet: $s, row: $r, col: $c) { ruleId ruleSetVersion binName reason } }',
        { s: barcode, r: cursor.md, c: cursor.cd },
      ).then(
        (d) =>
          setRule({
            key,
            text: d.cellResult
              ? `rule ${d.cellResult.ruleId} (rule set v${d.cellResult.ruleSetVersion})${d.cellResult.reason ? `: ${d.cellResult.reason}` : ''}`
              : 'never tested',
          }),
        () => undefined,
      );
    }, 150);
    return () => clearTimeout(t);
  }, [cursor, barcode]);

  const binName = (b: number) => pareto.find((p) => p.softBin === b)?.binName ?? '';
  const onMove = useCallback(
    (e: MouseEvent<HTMLCanvasElement>) => {
      if (!grid) return;
      const r = e.currentTarget.getBoundingClientRect();
      const c = cellAt(grid, r.width, r.height, e.clientX - r.left, e.clientY - r.top);
      if (c?.md === cursor?.md && c?.cd === cursor?.cd) return;
      hoverStart.current = performance.now();
      setCursor(c);
    },
    [grid, cursor],
  );
  const onKey = (e: KeyboardEvent<HTMLCanvasElement>) => {
    if (!grid) return;
    const c = cursor ?? { md: 0, cd: 0 };
    const moves: Record<string, [number, number]> = { ArrowRight: [1, 0], ArrowLeft: [-1, 0], ArrowUp: [0, 1], ArrowDown: [0, -1] };
    if (moves[e.key]) {
      e.preventDefault();
      hoverStart.current = performance.now();
      setCursor({
        md: Math.min(grid.mdCount - 1, Math.max(0, c.md + moves[e.key][0])),
        cd: Math.min(grid.cdCount - 1, Math.max(0, c.cd + moves[e.key][1])),
      });
    } else if (e.key === 'Enter' && cursor) {
      go('cell', barcode, cursor.md, cursor.cd);
    }
  };

  const at = cursor && grid && values ? cursor.md * grid.cdCount + cursor.cd : -1;
  const hoverText =
    at >= 0 && values && binsMap && cursor
      ? `Cell R${cursor.md}C${cursor.cd}: ${formatValue(metric, values[at])}${Number.isFinite(binsMap[at]) ? ` · bin ${binsMap[at]} ${binName(binsMap[at])}` : ''}`
      : null;
  const ruleText = cursor && rule?.key === `${cursor.md},${cursor.cd}` ? rule.text : cursor ? '…' : '';
  const px = cursor && grid ? pixelOf(grid, cursor.md, cursor.cd) : null;
  const shownFinding = showPattern ? patterns?.findings[finding] : undefined;
  const newestTest = tests.filter((t) => t.status === 'DONE').at(-1);
  const sheetPath = `/api/v1/exports/sheets/${encodeURIComponent(barcode)}`;

  return (
    <section aria-labelledby="sheet-title" className="sheet-page">
      <h1 id="sheet-title">
        Sheet <span className="mono">{barcode}</span>
      </h1>
      <ErrorBox error={error} />
      {info && (
        <p className="muted">
          Roll <a href={href('roll', info.rollBarcode)}>{info.rollBarcode}</a> · MD {info.mdStartMm}–{info.mdEndMm} mm · {info.rows} x{' '}
          {info.cols} cells · {info.status.toLowerCase()}, {info.operation ?? 'route complete'} (
          {info.stepState.toLowerCase().replace('_', ' ')})
        </p>
      )}
      {info && (
        <nav className="page-links" aria-label="Analyses of this sheet">
          <a href={href('stacked', info.rollBarcode)}>Stacked map of roll {info.rollBarcode}</a>
          <a href={href('correlation', info.rollBarcode)}>Correlation of roll {info.rollBarcode}</a>
          <a href={href('spc', info.productCode)}>SPC of {info.productCode}</a>
          <a href={href('yield', info.rollBarcode)}>Yield</a>
        </nav>
      )}
      <div className="toolbar">
        <MetricSelect id="sheet-metric" value={metric} onChange={setMetric} />
        <span className="live" role="status" aria-live="polite" data-testid="live-status">
          {progress
            ? `Test ${progress.status.toLowerCase()}: ${progress.cellsBinned} of ${progress.cells} cells binned${progress.disposition ? ` · ${progress.disposition.toLowerCase().replace(/_/g, ' ')}` : ''}`
            : 'No test yet · live'}
        </span>
        <ExportLinks
          onError={setError}
          files={[
            ...(['results.csv', 'results.stdf', 'bins.csv', 'e142.xml'] as const).map((f) => ({
              label: f,
              path: `${sheetPath}/${f}`,
              fileName: `${barcode}-${f}`,
            })),
            ...(newestTest
              ? (['csv', 'stdf'] as const).map((ext) => ({
                  label: `test.${ext}`,
                  path: `/api/v1/exports/sheet-tests/${newestTest.sheetTestId}.${ext}`,
                  fileName: `${barcode}-test-${newestTest.sheetTestId.slice(0, 8)}.${ext}`,
                  title: 'the newest binned test of the sheet',
                }))
              : []),
            {
              label: 'pick-map.csv',
              path: `/api/v1/pick-maps/${encodeURIComponent(barcode)}.csv`,
              fileName: `${barcode}-pick-map.csv`,
              title: 'what the picker is to pick',
            },
            {
              label: 'pick-result.csv',
              path: `${sheetPath}/pick-result.csv`,
              fileName: `${barcode}-pick-result.csv`,
              title: 'what the picker reported it did',
            },
          ]}
        />
      </div>
      {grid && (
        <div className="map-frame">
          <div className="axis-y" aria-hidden="true">
            CD ↑ (cols)
          </div>
          <div className="map-wrap" style={{ width: cssW, height: cssH }}>
            <canvas
              ref={canvas}
              data-testid="sheet-canvas"
              tabIndex={0}
              role="img"
              aria-label={`${metric} heat map of sheet ${barcode}, ${grid.mdCount} rows along MD by ${grid.cdCount} columns across; arrow keys move, Enter opens the cell`}
              onMouseMove={onMove}
              onMouseLeave={() => setCursor(null)}
              onKeyDown={onKey}
              onClick={(e) => {
                const r = e.currentTarget.getBoundingClientRect();
                const c = cellAt(grid, r.width, r.height, e.clientX - r.left, e.clientY - r.top);
                if (c) go('cell', barcode, c.md, c.cd);
              }}
            />
            {shownFinding && grid && <SheetPatternOverlay finding={shownFinding} cols={grid.cdCount} px={CELL_PX} />}
            {showDefects && grid && defects.length > 0 && <DefectOverlay defects={defects} cols={grid.cdCount} px={CELL_PX} />}
            {px && (
              <div
                className="cursor-box"
                style={{ left: px.x * CELL_PX, top: px.y * CELL_PX, width: CELL_PX, height: CELL_PX }}
                aria-hidden="true"
              />
            )}
          </div>
          <div className="axis-x" aria-hidden="true">
            ▼ operator side (bottom edge) · direction of travel (MD, rows) →
          </div>
        </div>
      )}
      <div className="hover-panel" data-testid="hover-panel" aria-live="polite">
        {hoverText ? (
          <>
            <strong>{hoverText}</strong> <span className="muted">{ruleText}</span>
          </>
        ) : (
          <span className="muted">Point at a cell (or focus the map and use the arrow keys) to read it; click or Enter opens it.</span>
        )}
      </div>
      <Legend metric={metric} range={range} bins={pareto} />
      {defects.length > 0 && (
        <label className="toggle">
          <input type="checkbox" checked={showDefects} onChange={(e) => setShowDefects(e.target.checked)} /> draw the inspection's{' '}
          {defects.length} defects on the map (a ring in the cell they are in or nearest to; filled when in the active area)
        </label>
      )}
      {patterns && patterns.findings.length > 0 && (
        <label className="toggle">
          <input type="checkbox" checked={showPattern} onChange={(e) => setShowPattern(e.target.checked)} /> draw the chosen pattern on the
          map
        </label>
      )}
      <PatternList
        patterns={patterns}
        selected={finding}
        onSelect={(i) => {
          setFinding(i);
          if (patterns?.findings[i]) setMetric(metricOfFinding(patterns.findings[i]));
        }}
        what="sheet"
      />
    </section>
  );
}

interface SheetDefect {
  seq: number;
  defectClass: string;
  sizeUm: number;
  zone: string;
  row: number;
  col: number;
}

/** The sheet's defects as rings over the heat map, in the map's orientation (rows along x, col 0 at the bottom). */
function DefectOverlay({ defects, cols, px }: { defects: SheetDefect[]; cols: number; px: number }) {
  return (
    <svg className="overlay defect-overlay" width="100%" height="100%" aria-hidden="true" data-testid="defect-overlay">
      {defects.map((d) => (
        <circle
          key={d.seq}
          cx={d.row * px + px / 2}
          cy={(cols - 1 - d.col) * px + px / 2}
          r={Math.max(2, Math.min(px / 2, 1.5 + Math.log10(d.sizeUm)))}
          className={d.zone === 'ACTIVE' ? 'defect active' : 'defect'}
        >
          <title>{`${d.defectClass} ${d.sizeUm} µm`}</title>
        </circle>
      ))}
    </svg>
  );
}
