import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { gql } from '../api';
import { ErrorBox, SignatureDialog } from '../components';
import { href } from '../router';

interface Hold {
  id: string;
  target: string;
  rollBarcode: string | null;
  sheetBarcode: string | null;
  mdFromMm: number | null;
  mdToMm: number | null;
  row: number | null;
  col: number | null;
  reason: string;
  active: boolean;
  placedBy: string;
  placedAt: string;
  disposition: string | null;
  releasedBy: string | null;
  releaseComment: string | null;
}

function scope(h: Hold): string {
  switch (h.target) {
    case 'ROLL':
      return `roll ${h.rollBarcode}`;
    case 'ROLL_REGION':
      return `roll ${h.rollBarcode} MD ${h.mdFromMm}–${h.mdToMm} mm`;
    case 'SHEET':
      return `sheet ${h.sheetBarcode}`;
    case 'CELL':
      return `cell ${h.sheetBarcode} R${h.row}C${h.col}`;
    default:
      return h.target;
  }
}

export default function HoldsPage() {
  const [holds, setHolds] = useState<Hold[] | null>(null);
  const [activeOnly, setActiveOnly] = useState(true);
  const [roll, setRoll] = useState('');
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [releasing, setReleasing] = useState<Hold | null>(null);

  const load = useCallback(() => {
    gql<{ holdList: Hold[] }>(
      'query($a: Boolean, $r: String) { holdList(active: $a, rollBarcode: $r, limit: 500) { id target rollBarcode sheetBarcode mdFromMm mdToMm row col reason active placedBy placedAt disposition releasedBy releaseComment } }',
      { a: activeOnly ? true : null, r: roll.trim() || null },
    ).then(
      (d) => {
        setHolds(d.holdList);
        setError(null);
      },
      (e: Error) => setError(e.message),
    );
  }, [activeOnly, roll]);
  useEffect(load, [load]);

  const shown = (holds ?? []).filter((h) => !text || `${h.reason} ${scope(h)} ${h.placedBy}`.toLowerCase().includes(text.toLowerCase()));
  return (
    <section aria-labelledby="holds-title">
      <h1 id="holds-title">Holds</h1>
      <div className="toolbar">
        <label>
          <input type="checkbox" checked={activeOnly} onChange={(e) => setActiveOnly(e.target.checked)} /> Active only
        </label>
        <label htmlFor="holds-roll">Roll</label>
        <input id="holds-roll" value={roll} onChange={(e) => setRoll(e.target.value)} placeholder="any" />
        <label htmlFor="holds-text">Filter</label>
        <input id="holds-text" value={text} onChange={(e) => setText(e.target.value)} placeholder="reason, unit or person" />
      </div>
      <ErrorBox error={error} />
      <table className="table" data-testid="holds-table">
        <thead>
          <tr>
            <th scope="col">Hold</th>
            <th scope="col">On</th>
            <th scope="col">Reason</th>
            <th scope="col">Placed</th>
            <th scope="col">State</th>
            <th scope="col">
              <span className="sr-only">Action</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {shown.map((h) => (
            <tr key={h.id}>
              <td>{h.id}</td>
              <td>{h.rollBarcode ? <a href={href('roll', h.rollBarcode)}>{scope(h)}</a> : scope(h)}</td>
              <td>{h.reason}</td>
              <td>
                {h.placedBy}, {new Date(h.placedAt).toLocaleString()}
              </td>
              <td>
                {h.active ? (
                  <strong className="state-held">active</strong>
                ) : (
                  `${h.disposition?.toLowerCase()} by ${h.releasedBy}: ${h.releaseComment}`
                )}
              </td>
              <td>
                {h.active && (
                  <button type="button" onClick={() => setReleasing(h)}>
                    Disposition…
                  </button>
                )}
              </td>
            </tr>
          ))}
          {holds === null ? (
            <tr>
              <td colSpan={6} className="muted">
                Loading…
              </td>
            </tr>
          ) : (
            shown.length === 0 && (
              <tr>
                <td colSpan={6} className="muted">
                  No holds match.
                </td>
              </tr>
            )
          )}
        </tbody>
      </table>
      {releasing && (
        <ReleaseForm
          hold={releasing}
          onDone={() => {
            setReleasing(null);
            load();
          }}
        />
      )}
    </section>
  );
}

function ReleaseForm({ hold, onDone }: { hold: Hold; onDone: () => void }) {
  const [disposition, setDisposition] = useState('RELEASE');
  const [comment, setComment] = useState('');
  const [signing, setSigning] = useState(false);
  // A disposition is signed (password again and meaning): the form asks for the signature last, and
  // the server's refusals (a short comment, a wrong password) show in the signature dialog.
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setSigning(true);
  };
  // The dialog sits beside the form, not in it: a form inside a form would submit both.
  return (
    <>
      <form className="panel" onSubmit={(e) => void submit(e)} aria-labelledby="release-title">
        <h2 id="release-title">
          Disposition of hold {hold.id} ({scope(hold)})
        </h2>
        <p>{hold.reason}</p>
        <fieldset>
          <legend>Disposition</legend>
          {['RELEASE', 'REWORK', 'SCRAP'].map((d) => (
            <label key={d}>
              <input type="radio" name="disposition" value={d} checked={disposition === d} onChange={() => setDisposition(d)} />{' '}
              {d.toLowerCase()}
            </label>
          ))}
        </fieldset>
        <label htmlFor="release-comment">Comment (why)</label>
        <textarea id="release-comment" value={comment} onChange={(e) => setComment(e.target.value)} rows={3} autoFocus />
        <button type="submit" className="primary">
          Record disposition
        </button>{' '}
        <button type="button" onClick={onDone}>
          Cancel
        </button>
      </form>
      {signing && (
        <SignatureDialog
          title={`Sign the disposition of hold ${hold.id}`}
          what={`${disposition.toLowerCase()}: ${comment.trim()}`}
          onCancel={() => setSigning(false)}
          onSign={async (signature) => {
            await gql('mutation($i: ReleaseHoldInput!, $s: SignatureInput!) { releaseHold(input: $i, signature: $s) { id } }', {
              i: { holdId: hold.id, disposition, comment: comment.trim() },
              s: signature,
            });
            setSigning(false);
            onDone();
          }}
        />
      )}
    </>
  );
}
