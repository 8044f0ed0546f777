import { useEffect, useState } from 'react';
import { gql, loadSession } from '../api';
import { BarcodePicker, ErrorBox } from '../components';
import { href } from '../router';

interface Layer {
  layerIndex: number;
  cellCode: string;
  sheetBarcode: string;
  row: number;
  col: number;
  rollBarcode: string;
  mdMm: number;
  softBin: number;
  hardBin: number | null;
  asrOhmCm2: number | null;
  capacityMah: number;
  carrier: string | null;
  position: number | null;
}
interface StackTest {
  testId: string;
  stationCode: string;
  ocvV: number;
  bin: string;
  reason: string;
  deviation: number | null;
  suspectLayer: number | null;
  testedBy: string;
  testedAt: string;
}
interface Stack {
  barcode: string;
  productCode: string;
  workOrder: string | null;
  status: string;
  layersPlanned: number;
  bin: string | null;
  binReason: string | null;
  stationCode: string;
  createdBy: string;
  createdAt: string;
  layers: Layer[];
  tests: StackTest[];
  onHold: boolean;
  activeHolds: { holdId: string; reason: string; cellCode: string }[];
}

const STACK = `query($b: String!) { stack(barcode: $b) { barcode productCode workOrder status layersPlanned bin binReason stationCode createdBy createdAt
  layers { layerIndex cellCode sheetBarcode row col rollBarcode mdMm softBin hardBin asrOhmCm2 capacityMah carrier position }
  tests { testId stationCode ocvV bin reason deviation suspectLayer testedBy testedAt }
  onHold activeHolds { holdId reason cellCode } } }`;

const noKnownStacks = () => Promise.resolve<string[]>([]);

export default function StackPage({ barcode }: { barcode?: string }) {
  return barcode ? (
    <StackView key={barcode} barcode={barcode} />
  ) : (
    <BarcodePicker route="stack" title="Stack" label="Stack barcode" loadKnown={noKnownStacks} />
  );
}

function StackView({ barcode }: { barcode: string }) {
  // Operators open a stack from the station; the sheet, roll and cell pages are engineers'.
  const engineer = loadSession()?.role !== 'OPERATOR';
  const link = (to: string, text: string, parts: (string | number)[]) => (engineer ? <a href={href(to, ...parts)}>{text}</a> : text);
  const [stack, setStack] = useState<Stack | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    gql<{ stack: Stack }>(STACK, { b: barcode }).then(
      (d) => setStack(d.stack),
      (e: Error) => setError(e.message),
    );
  }, [barcode]);

  return (
    <section aria-labelledby="stack-title">
      <h1 id="stack-title">
        Stack <span className="mono">{barcode}</span>
      </h1>
      <ErrorBox error={error} />
      {stack && (
        <>
          <p className="muted">
            {stack.productCode}
            {stack.workOrder ? `, work order ${stack.workOrder}` : ''} · {stack.layers.length} of {stack.layersPlanned} layers ·{' '}
            {stack.status.toLowerCase()} · built at {stack.stationCode} by {stack.createdBy}, {new Date(stack.createdAt).toLocaleString()}
          </p>
          <div className={`verdict ${stack.bin === 'PASS' ? 'ok' : stack.bin ? 'bad' : ''}`} data-testid="stack-verdict">
            {stack.bin ? (
              <>
                <strong>{stack.bin.replace('_', ' ')}</strong>: {stack.binReason}
              </>
            ) : (
              <span>Not tested yet</span>
            )}
          </div>
          {stack.onHold && (
            <div className="holds-box" role="note" aria-label="Holds on this stack">
              <h3>On hold through its cells</h3>
              <ul>
                {stack.activeHolds.map((h) => (
                  <li key={`${h.holdId}-${h.cellCode}`}>
                    <strong>{h.reason}</strong>{' '}
                    <span className="muted">
                      (hold {h.holdId}, on layer cell {h.cellCode})
                    </span>
                  </li>
                ))}
              </ul>
            </div>
          )}
          <h2>Layers, bottom first</h2>
          <table className="table" data-testid="stack-layers">
            <thead>
              <tr>
                <th scope="col">Layer</th>
                <th scope="col">Cell</th>
                <th scope="col">Sheet</th>
                <th scope="col">(row, col)</th>
                <th scope="col">Roll, MD</th>
                <th scope="col">Soft bin (grade)</th>
                <th scope="col">Hard bin</th>
                <th scope="col">ASR (Ω·cm²)</th>
                <th scope="col">Capacity (mAh)</th>
              </tr>
            </thead>
            <tbody>
              {stack.layers.map((l) => (
                <tr key={l.layerIndex}>
                  <td>{l.layerIndex}</td>
                  <td>
                    <span className="mono">{link('cell', l.cellCode, [l.sheetBarcode, l.row, l.col])}</span>
                  </td>
                  <td>{link('sheet', l.sheetBarcode, [l.sheetBarcode])}</td>
                  <td>
                    ({l.row}, {l.col})
                  </td>
                  <td>
                    {link('roll', l.rollBarcode, [l.rollBarcode])} {l.mdMm.toFixed(0)} mm
                  </td>
                  <td>{l.softBin}</td>
                  <td>{l.hardBin ?? '—'}</td>
                  <td>{l.asrOhmCm2 === null ? '—' : l.asrOhmCm2.toFixed(1)}</td>
                  <td>{l.capacityMah.toFixed(3)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <h2>Final tests</h2>
          {stack.tests.length === 0 ? (
            <p className="muted">None yet.</p>
          ) : (
            <table className="table" data-testid="stack-tests">
              <thead>
                <tr>
                  <th scope="col">Test</th>
                  <th scope="col">Station</th>
                  <th scope="col">OCV (V)</th>
                  <th scope="col">Bin</th>
                  <th scope="col">Reason</th>
                  <th scope="col">Deviation from 1/Σ(1/Z)</th>
                  <th scope="col">When, by</th>
                </tr>
              </thead>
              <tbody>
                {stack.tests.map((t) => (
                  <tr key={t.testId}>
                    <td className="mono">{t.testId}</td>
                    <td>{t.stationCode}</td>
                    <td>{t.ocvV.toFixed(3)}</td>
                    <td>{t.bin}</td>
                    <td>
                      {t.reason}
                      {t.suspectLayer !== null ? ` (layer ${t.suspectLayer})` : ''}
                    </td>
                    <td>{t.deviation === null ? '—' : `${(t.deviation * 100).toFixed(1)} %`}</td>
                    <td>
                      {new Date(t.testedAt).toLocaleString()}, {t.testedBy}
                    </td>
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
