/**
 * Spatial pattern classes of a sheet or a roll (test-data's analysis): the list of findings, and
 * an SVG overlay that draws the chosen finding's cells or region on the heat map beneath it.
 */
import { useEffect, useState } from 'react';
import { gql } from './api';

export interface Finding {
  kind: string;
  source: string;
  score: number;
  effect: number;
  description: string;
  region: { rowFrom: number; rowTo: number; colFrom: number; colTo: number; mdFromMm: number; mdToMm: number };
  cols: number[] | null;
  rows: number[] | null;
  cells: { row: number; col: number }[] | null;
  repeatDistanceMm: number | null;
  sides: string[] | null;
}
export interface Patterns {
  classes: string[];
  failRate: number;
  findings: Finding[];
  classifiedAt: string;
}

const FIELDS =
  'classes failRate classifiedAt findings { kind source score effect description region { rowFrom rowTo colFrom colTo mdFromMm mdToMm } cols rows cells { row col } repeatDistanceMm sides }';

/** The patterns of a sheet or a roll; null until the analysis has run (or when it failed to load). */
export function usePatterns(of: 'sheet' | 'roll', barcode: string): Patterns | null {
  const [patterns, setPatterns] = useState<Patterns | null>(null);
  useEffect(() => {
    let stale = false;
    const query =
      of === 'sheet'
        ? `query($b: String!) { p: sheetPatterns(sheet: $b) { ${FIELDS} } }`
        : `query($b: String!) { p: rollPatterns(roll: $b) { ${FIELDS} } }`;
    gql<{ p: Patterns | null }>(query, { b: barcode }).then(
      (d) => !stale && setPatterns(d.p),
      () => undefined,
    );
    return () => {
      stale = true;
    };
  }, [of, barcode]);
  return patterns;
}

const KIND_TEXT: Record<string, string> = {
  CD_LANE: 'CD lane',
  CD_SMILE: 'CD smile',
  CD_FROWN: 'CD frown',
  MD_DRIFT: 'MD drift',
  MD_STEP: 'MD step',
  MD_PERIODIC: 'periodic along MD',
  CLUSTER: 'cluster',
  EDGE: 'edge effect',
  RANDOM: 'random',
};
export const kindText = (k: string) => KIND_TEXT[k] ?? k;

/** The findings, strongest first; choosing one draws it on the map. */
export function PatternList(props: { patterns: Patterns | null; selected: number; onSelect: (i: number) => void; what: string }) {
  const { patterns, selected, onSelect, what } = props;
  if (!patterns) return <p className="muted">No pattern analysis of this {what} yet: it runs when its results land.</p>;
  return (
    <section className="patterns" aria-labelledby="patterns-title" data-testid="patterns">
      <h2 id="patterns-title">
        Patterns: {patterns.classes.map(kindText).join(', ')}{' '}
        <span className="muted">
          (failure rate {(patterns.failRate * 100).toFixed(1)} %, classified {new Date(patterns.classifiedAt).toLocaleString()})
        </span>
      </h2>
      {patterns.findings.length > 0 && (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Class</th>
              <th scope="col">Map</th>
              <th scope="col">Score (−log10 p)</th>
              <th scope="col">What</th>
              <th scope="col">Repeat distance</th>
            </tr>
          </thead>
          <tbody>
            {patterns.findings.map((f, i) => (
              <tr key={i} aria-current={i === selected ? 'true' : undefined}>
                <td>
                  <button type="button" className="link" onClick={() => onSelect(i)} aria-pressed={i === selected}>
                    {kindText(f.kind)}
                  </button>
                </td>
                <td>{f.source === 'FAIL' ? 'failures' : 'metric'}</td>
                <td>{f.score.toFixed(1)}</td>
                <td>{f.description}</td>
                <td>{f.repeatDistanceMm ? `${f.repeatDistanceMm.toFixed(0)} mm` : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** Consecutive numbers as [first, last] runs: a lane of three columns is one band, not three. */
function runs(xs: number[]): [number, number][] {
  const out: [number, number][] = [];
  for (const x of [...xs].sort((a, b) => a - b)) {
    const last = out[out.length - 1];
    if (last && x === last[1] + 1) last[1] = x;
    else out.push([x, x]);
  }
  return out;
}

/**
 * A sheet finding over the sheet map: rows run left to right, col 0 at the bottom, `px` per cell.
 * Cells are filled; lanes, periodic rows and regions are outlined only, so the map stays readable.
 */
export function SheetPatternOverlay({ finding, cols, px }: { finding: Finding; cols: number; px: number }) {
  const r = finding.region;
  const y = (col: number) => (cols - 1 - col) * px;
  let marks;
  if (finding.cells?.length)
    marks = finding.cells.map((c) => (
      <rect key={`${c.row},${c.col}`} x={c.row * px} y={y(c.col)} width={px} height={px} className="pattern-cell" />
    ));
  else if (finding.cols?.length)
    marks = runs(finding.cols).map(([c0, c1]) => (
      <rect
        key={c0}
        x={r.rowFrom * px}
        y={y(c1)}
        width={(r.rowTo - r.rowFrom + 1) * px}
        height={(c1 - c0 + 1) * px}
        className="pattern-band"
      />
    ));
  else if (finding.rows?.length)
    marks = runs(finding.rows).map(([r0, r1]) => (
      <rect
        key={r0}
        x={r0 * px}
        y={y(r.colTo)}
        width={(r1 - r0 + 1) * px}
        height={(r.colTo - r.colFrom + 1) * px}
        className="pattern-band"
      />
    ));
  else
    marks = (
      <rect
        x={r.rowFrom * px}
        y={y(r.colTo)}
        width={(r.rowTo - r.rowFrom + 1) * px}
        height={(r.colTo - r.colFrom + 1) * px}
        className="pattern-band"
      />
    );
  return (
    <svg className="overlay pattern-overlay" width="100%" height="100%" aria-hidden="true" data-testid="pattern-overlay">
      {marks}
    </svg>
  );
}

/**
 * A roll finding over the roll map: its MD stretch outlined with a ribbon along the top edge, and for
 * a periodic defect a tick every repeat distance.
 */
export function RollPatternOverlay(props: { finding: Finding; mmToX: (mm: number) => number; width: number; height: number }) {
  const { finding, mmToX, width, height } = props;
  const x0 = Math.max(0, mmToX(finding.region.mdFromMm));
  const x1 = Math.min(width, mmToX(finding.region.mdToMm));
  const ticks: number[] = [];
  if (finding.repeatDistanceMm && finding.repeatDistanceMm > 0)
    for (let mm = finding.region.mdFromMm; mm <= finding.region.mdToMm && ticks.length < 500; mm += finding.repeatDistanceMm)
      ticks.push(mm);
  return (
    <g data-testid="pattern-overlay">
      {x1 > x0 && (
        <>
          <rect x={x0} width={Math.max(2, x1 - x0)} y={1} height={height - 2} className="pattern-band" />
          <rect x={x0} width={Math.max(2, x1 - x0)} y={0} height={6} className="pattern-ribbon" />
        </>
      )}
      {ticks.map((mm) => (
        <line key={mm} x1={mmToX(mm)} x2={mmToX(mm)} y1={0} y2={height} className="pattern-tick" />
      ))}
    </g>
  );
}

/** The map a finding was found on: a failure pattern shows on the bins, a metric pattern on ASR. */
export function metricOfFinding(f: Finding): 'SOFT_BIN' | 'ASR_OHM_CM2' {
  return f.source === 'FAIL' ? 'SOFT_BIN' : 'ASR_OHM_CM2';
}
