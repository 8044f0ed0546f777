import { useEffect, useRef, useState } from 'react';
import { gql, MesError } from '../api';
import { unitLabelZpl } from '../zpl';

interface LabelData {
  kind: string;
  barcode: string;
  lines: string[];
}

/** Facts printed on a unit's label; stacks and other kinds show their code alone until their service says more. */
async function labelData(barcode: string): Promise<LabelData> {
  try {
    const r = (
      await gql<{ roll: { productCode: string; supplierLot: string | null; widthMm: number; lengthMm: number } }>(
        'query($b: String!) { roll(barcode: $b) { productCode supplierLot widthMm lengthMm } }',
        { b: barcode },
      )
    ).roll;
    return {
      kind: 'Roll',
      barcode,
      lines: [`Product ${r.productCode}`, `${r.widthMm} mm x ${(r.lengthMm / 1000).toFixed(1)} m`, `Lot ${r.supplierLot ?? '—'}`],
    };
  } catch (e) {
    if (!(e instanceof MesError) || !['UNKNOWN_BARCODE', 'NOT_FOUND'].includes(e.code)) throw e;
  }
  try {
    const s = (
      await gql<{
        sheet: {
          productCode: string;
          rollBarcode: string;
          sheetIndex: number;
          mdStartMm: number;
          mdEndMm: number;
          rows: number;
          cols: number;
        };
      }>('query($b: String!) { sheet(barcode: $b) { productCode rollBarcode sheetIndex mdStartMm mdEndMm rows cols } }', { b: barcode })
    ).sheet;
    return {
      kind: 'Sheet',
      barcode,
      lines: [
        `Product ${s.productCode}`,
        `Roll ${s.rollBarcode} sheet ${s.sheetIndex}`,
        `MD ${s.mdStartMm}-${s.mdEndMm} mm`,
        `${s.rows} x ${s.cols} cells`,
      ],
    };
  } catch (e) {
    if (!(e instanceof MesError) || !['UNKNOWN_BARCODE', 'NOT_FOUND'].includes(e.code)) throw e;
  }
  if (barcode.startsWith('STK-')) return { kind: 'Stack', barcode, lines: [] };
  throw new MesError('UNKNOWN_BARCODE', `Unknown barcode ${barcode}: no roll, sheet or stack has it`);
}

/** A label for any unit kind: Code 128 for the scanners on the line, DataMatrix for small parts. */
export function UnitLabel({ data }: { data: LabelData }) {
  const code128 = useRef<HTMLCanvasElement>(null);
  const matrix = useRef<HTMLCanvasElement>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    // Only the two symbologies used, so the bundle carries their encoders and not all of bwip-js's.
    void import('bwip-js/browser').then((bwip) => {
      try {
        if (code128.current)
          bwip.code128(code128.current, {
            bcid: 'code128',
            text: data.barcode,
            scale: 3,
            height: 14,
            includetext: true,
            textxalign: 'center',
          });
        if (matrix.current) bwip.datamatrix(matrix.current, { bcid: 'datamatrix', text: data.barcode, scale: 4 });
      } catch (e) {
        setError(`The barcode cannot be drawn: ${(e as Error).message}`);
      }
    });
  }, [data.barcode]);
  return (
    <div className="label" data-testid="unit-label">
      <div className="label-kind">{data.kind}</div>
      <div className="label-code mono">{data.barcode}</div>
      <div className="label-codes">
        <canvas ref={code128} role="img" aria-label={`Code 128 barcode of ${data.barcode}`} />
        <canvas ref={matrix} role="img" aria-label={`DataMatrix of ${data.barcode}`} />
      </div>
      <ul className="label-lines">
        {data.lines.map((l) => (
          <li key={l}>{l}</li>
        ))}
      </ul>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

export default function LabelPage({ barcode }: { barcode?: string }) {
  const [data, setData] = useState<LabelData | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);
  useEffect(() => {
    setData(null);
    setError(null);
    if (barcode) labelData(barcode).then(setData, (e: Error) => setError(e.message));
  }, [barcode]);
  if (!barcode) return <p role="alert">No barcode: open a label from the station screen.</p>;
  const zpl = data ? unitLabelZpl(data.kind, data.barcode, data.lines) : '';
  return (
    <section aria-labelledby="label-title" className="label-page">
      <h1 id="label-title" className="no-print">
        Label for {barcode}
      </h1>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      {data && (
        <>
          <UnitLabel data={data} />
          <div className="no-print label-actions">
            <button type="button" className="primary" onClick={() => window.print()}>
              Print label
            </button>
            <button type="button" onClick={() => void navigator.clipboard?.writeText(zpl).then(() => setCopied(true))}>
              {copied ? 'ZPL copied' : 'Copy ZPL'}
            </button>
            <a href={URL.createObjectURL(new Blob([zpl], { type: 'text/plain' }))} download={`${data.barcode}.zpl`}>
              Download ZPL
            </a>
          </div>
          <details className="no-print">
            <summary>ZPL for a label printer</summary>
            <pre className="zpl" data-testid="zpl">
              {zpl}
            </pre>
          </details>
        </>
      )}
    </section>
  );
}
