import { useEffect, useRef, useState, type FormEvent } from 'react';
import { downloadWithToken } from './api';
import { binColour, rgbCss, viridis, type ScaleRange } from './colour-scale';
import { go } from './router';

export const METRICS = [
  { value: 'OCV_V', label: 'OCV', unit: 'V', digits: 4 },
  { value: 'R_OHMIC_OHM', label: 'R_ohmic', unit: 'Ω', digits: 2 },
  { value: 'R_CT_OHM', label: 'R_ct', unit: 'Ω', digits: 1 },
  { value: 'ASR_OHM_CM2', label: 'ASR', unit: 'Ω·cm²', digits: 1 },
  { value: 'SOFT_BIN', label: 'Soft bin', unit: '', digits: 0 },
] as const;
export type Metric = (typeof METRICS)[number]['value'];

export function metricInfo(m: Metric) {
  return METRICS.find((x) => x.value === m) ?? METRICS[0];
}

export function formatValue(m: Metric, v: number): string {
  if (!Number.isFinite(v)) return 'not tested';
  const info = metricInfo(m);
  return `${v.toFixed(info.digits)}${info.unit ? ` ${info.unit}` : ''}`;
}

export function MetricSelect({ id, value, onChange }: { id: string; value: Metric; onChange: (m: Metric) => void }) {
  return (
    <>
      <label htmlFor={id}>Metric</label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value as Metric)}>
        {METRICS.map((m) => (
          <option key={m.value} value={m.value}>
            {m.label}
            {m.unit ? ` (${m.unit})` : ''}
          </option>
        ))}
      </select>
    </>
  );
}

/** The viridis bar of a map's colour scale with its two ends. */
export function ScaleBar({
  min,
  max,
  format,
  note,
}: {
  min: number | null;
  max: number | null;
  format: (v: number) => string;
  note?: string;
}) {
  const bar = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const c = bar.current;
    if (!c) return;
    const ctx = c.getContext('2d') as CanvasRenderingContext2D;
    for (let x = 0; x < c.width; x++) {
      ctx.fillStyle = rgbCss(viridis(x / (c.width - 1)));
      ctx.fillRect(x, 0, 1, c.height);
    }
  }, []);
  const lo = min === null ? '?' : format(min);
  const hi = max === null ? '?' : format(max);
  return (
    <div className="legend" aria-label={`Colour scale from ${lo} to ${hi}`} role="img">
      <span>{min === null ? '—' : lo}</span>
      <canvas ref={bar} width={240} height={14} data-testid="legend-bar" />
      <span>{max === null ? '—' : hi}</span>
      {note && <span className="muted">{note}</span>}
    </div>
  );
}

/** The colour scale of a map: a bar with its range for a metric, swatches for soft bins. */
export function Legend({
  metric,
  range,
  bins,
}: {
  metric: Metric;
  range: ScaleRange | null;
  bins: { softBin: number; binName: string; count: number }[];
}) {
  if (metric === 'SOFT_BIN') {
    return (
      <ul className="legend-bins" aria-label="Soft bin colours">
        {bins.map((b) => (
          <li key={b.softBin}>
            <span className="swatch" style={{ background: rgbCss(binColour(b.softBin)) }} /> {b.softBin} {b.binName}{' '}
            <span className="muted">({b.count})</span>
          </li>
        ))}
        <li>
          <span className="swatch" style={{ background: 'rgb(214, 214, 214)' }} /> not tested
        </li>
      </ul>
    );
  }
  return (
    <ScaleBar
      min={range?.min ?? null}
      max={range?.max ?? null}
      format={(v) => formatValue(metric, v)}
      note="2nd–98th percentile; grey: not tested"
    />
  );
}

export function ErrorBox({ error }: { error: string | null }) {
  return error ? (
    <p className="form-error" role="alert">
      {error}
    </p>
  ) : null;
}

export interface ExportFile {
  /** What the link says (the file's kind: results.csv, cells.stdf, ...). */
  label: string;
  /** REST path under the gateway. */
  path: string;
  /** Name the browser saves it as. */
  fileName: string;
  title?: string;
}

/**
 * The page's export downloads. Each goes through fetch with the session's token (a plain link could not
 * send it), so the link says "downloading" until the file is saved: a roll's cells take seconds.
 */
export function ExportLinks({ files, onError }: { files: ExportFile[]; onError: (message: string) => void }) {
  const [pending, setPending] = useState<Set<string>>(new Set());
  const download = (f: ExportFile) => {
    setPending((p) => new Set(p).add(f.label));
    void downloadWithToken(f.path, f.fileName)
      .catch((e: Error) => onError(e.message))
      .finally(() =>
        setPending((p) => {
          const next = new Set(p);
          next.delete(f.label);
          return next;
        }),
      );
  };
  return (
    <span className="exports" data-testid="exports">
      Export:{' '}
      {files.map((f) => (
        <button
          key={f.label}
          type="button"
          className="link"
          title={f.title}
          disabled={pending.has(f.label)}
          aria-busy={pending.has(f.label)}
          onClick={() => download(f)}
        >
          {pending.has(f.label) ? `${f.label} (downloading…)` : f.label}
        </button>
      ))}
    </span>
  );
}

/** Benchmarks read these figures from the page (tools/bench/web.bench.ts). */
export function recordPerf(name: 'sheetInteractiveMs' | 'rollDrawMs' | 'rollShownMs' | 'hoverMs', ms: number): void {
  const w = window as unknown as { __mesPerf?: Record<string, number[]> };
  w.__mesPerf ??= {};
  (w.__mesPerf[name] ??= []).push(ms);
}

/**
 * The page a map opens on when no unit is named: a barcode field with the known units to choose
 * from (a scanner types into it too), opening `#/<route>/<barcode>`.
 */
export function BarcodePicker(props: {
  route: 'roll' | 'sheet' | 'stack';
  title: string;
  label: string;
  loadKnown: () => Promise<string[]>;
}) {
  const { route, title, label, loadKnown } = props;
  const [barcode, setBarcode] = useState('');
  const [known, setKnown] = useState<string[]>([]);
  useEffect(() => {
    loadKnown().then(setKnown, () => undefined);
  }, [loadKnown]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (barcode.trim()) go(route, barcode.trim());
  };
  return (
    <section aria-labelledby={`pick-${route}-title`}>
      <h1 id={`pick-${route}-title`}>{title}</h1>
      <form onSubmit={submit} className="inline-form">
        <label htmlFor={`${route}-barcode`}>{label}</label>
        <input id={`${route}-barcode`} list={`known-${route}s`} value={barcode} onChange={(e) => setBarcode(e.target.value)} autoFocus />
        <datalist id={`known-${route}s`}>
          {known.map((b) => (
            <option key={b} value={b} />
          ))}
        </datalist>
        <button type="submit" className="primary">
          Open
        </button>
      </form>
    </section>
  );
}

/** The meaning of an electronic signature, as the server's SignatureMeaning. */
export type SignatureMeaning = 'APPROVED' | 'REVIEWED' | 'RESPONSIBLE';
export interface Signature {
  password: string;
  meaning: SignatureMeaning;
  comment?: string;
}

const MEANINGS: { value: SignatureMeaning; label: string }[] = [
  { value: 'APPROVED', label: 'Approved: I approve this release' },
  { value: 'REVIEWED', label: 'Reviewed: I reviewed it' },
  { value: 'RESPONSIBLE', label: 'Responsible: I take responsibility for it' },
];

/**
 * The electronic signature of a release (a hold disposition, a rule set, a recipe): the signed-in
 * user types the password again and says what the signature means. `onSign` does the release; its
 * error (a wrong password, say) stays in the dialog so the user can try again.
 */
export function SignatureDialog({
  title,
  what,
  onSign,
  onCancel,
}: {
  title: string;
  what: string;
  onSign: (signature: Signature) => Promise<void>;
  onCancel: () => void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const [password, setPassword] = useState('');
  const [meaning, setMeaning] = useState<SignatureMeaning>('APPROVED');
  const [comment, setComment] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal?.();
    return () => dialog?.close?.();
  }, []);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await onSign({ password, meaning, ...(comment.trim() ? { comment: comment.trim() } : {}) });
    } catch (err) {
      setError((err as Error).message);
      setPassword('');
    } finally {
      setBusy(false);
    }
  };
  return (
    <dialog ref={ref} className="panel signature-dialog" aria-labelledby="signature-title" onCancel={onCancel}>
      <form onSubmit={(e) => void submit(e)}>
        <h2 id="signature-title">{title}</h2>
        <p>{what}</p>
        <fieldset>
          <legend>Meaning of your signature</legend>
          {MEANINGS.map((m) => (
            <label key={m.value}>
              <input
                type="radio"
                name="signature-meaning"
                value={m.value}
                checked={meaning === m.value}
                onChange={() => setMeaning(m.value)}
              />{' '}
              {m.label}
            </label>
          ))}
        </fieldset>
        <label htmlFor="signature-password">Your password (signs as the signed-in user)</label>
        <input
          id="signature-password"
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          required
          autoFocus
        />
        <label htmlFor="signature-comment">Comment (optional)</label>
        <input id="signature-comment" value={comment} onChange={(e) => setComment(e.target.value)} maxLength={2000} />
        <ErrorBox error={error} />
        <button type="submit" className="primary" disabled={busy || !password}>
          Sign
        </button>{' '}
        <button type="button" onClick={onCancel} disabled={busy}>
          Cancel
        </button>
      </form>
    </dialog>
  );
}
