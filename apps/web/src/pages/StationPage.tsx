import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { gql, MesError, type Session } from '../api';
import { href } from '../router';
import { parseCellCode, ScanBurstDetector } from '../scan-burst';

interface Station {
  code: string;
  name: string;
  operation: string;
}

type Action = 'TRACK_IN' | 'TRACK_OUT';

interface UnitView {
  kind: string;
  barcode: string;
  productCode?: string;
  status?: string;
  operation: string | null;
  stepState?: string;
  stationCode?: string | null;
  nextOperation?: string | null;
  rollBarcode?: string;
  mdStartMm?: number;
  mdEndMm?: number;
  holds: Hold[];
}

interface Hold {
  id: string;
  target: string;
  reason: string;
  rollBarcode: string | null;
  sheetBarcode: string | null;
  mdFromMm: number | null;
  mdToMm: number | null;
  placedBy: string;
  placedAt: string;
}

interface Outcome {
  ok: boolean;
  barcode: string;
  title: string;
  message: string;
  code?: string;
}

interface QueueUnit {
  barcode: string;
  kind: string;
  stepState: string;
  createdAt: string;
  rollBarcode?: string;
  mdStartMm?: number;
  mdEndMm?: number;
  held?: string | null;
}

/** A stack as the stacking station shows it while it is built. */
interface BuildingStack {
  barcode: string;
  productCode: string;
  workOrder: string | null;
  status: string;
  step: string;
  layersPlanned: number;
  layers: { layerIndex: number; cellCode: string }[];
}

interface WorkOrder {
  code: string;
  stackProductCode: string;
  quantity: number;
  stacksStarted: number;
}

const STACK_FIELDS = 'barcode productCode workOrder status step layersPlanned layers { layerIndex cellCode }';
const STACKING = 'STACKING';
const WORK_ORDER_KEY = 'mes.workOrder';

const STATION_KEY = 'mes.station';
const ACTION_LABEL: Record<Action, string> = { TRACK_IN: 'Track in', TRACK_OUT: 'Track out' };
const UNIT_FIELDS = 'barcode productCode status operation stepSeq stepState stationCode';

/**
 * Whether a hold on the unit's roll stops it: a roll hold, this sheet's (or a cell's) hold, or an
 * MD region it overlaps. (Holds on rolls it was spliced or slit from are the MES's to apply: the
 * scan's refusal names them.)
 */
function holdStops(h: Hold, kind: string, unit: { barcode: string; rollBarcode?: string; mdStartMm?: number; mdEndMm?: number }): boolean {
  if (h.rollBarcode !== null && h.rollBarcode !== (unit.rollBarcode ?? unit.barcode) && h.target !== 'SHEET' && h.target !== 'CELL')
    return false;
  if (h.target === 'ROLL') return true;
  if (kind === 'Roll') return h.target === 'ROLL_REGION';
  if (h.target === 'SHEET' || h.target === 'CELL') return h.sheetBarcode === unit.barcode;
  return (
    h.target === 'ROLL_REGION' &&
    h.mdFromMm !== null &&
    h.mdToMm !== null &&
    h.mdFromMm < (unit.mdEndMm ?? 0) &&
    h.mdToMm > (unit.mdStartMm ?? 0)
  );
}

/** Looks a scanned code up as a roll or a sheet, with its holds and its next operation. */
async function lookUpUnit(barcode: string): Promise<UnitView | null> {
  type Unit = {
    barcode: string;
    productCode: string;
    status: string;
    operation: string | null;
    stepSeq: number;
    stepState: string;
    stationCode: string | null;
  };
  let unit: (Unit & { rollBarcode?: string; mdStartMm?: number; mdEndMm?: number }) | null = null;
  let kind = 'Roll';
  try {
    unit = (await gql<{ roll: Unit }>(`query($b: String!) { roll(barcode: $b) { ${UNIT_FIELDS} } }`, { b: barcode })).roll;
  } catch (e) {
    if (!(e instanceof MesError) || !['UNKNOWN_BARCODE', 'NOT_FOUND'].includes(e.code)) throw e;
  }
  if (!unit) {
    try {
      unit = (
        await gql<{ sheet: Unit & { rollBarcode: string; mdStartMm: number; mdEndMm: number } }>(
          `query($b: String!) { sheet(barcode: $b) { ${UNIT_FIELDS} rollBarcode mdStartMm mdEndMm } }`,
          { b: barcode },
        )
      ).sheet;
      kind = 'Sheet';
    } catch (e) {
      if (!(e instanceof MesError) || !['UNKNOWN_BARCODE', 'NOT_FOUND'].includes(e.code)) throw e;
    }
  }
  if (!unit) return null;
  const roll = unit.rollBarcode ?? unit.barcode;
  const [holds, routes] = await Promise.all([
    gql<{ holdList: Hold[] }>(
      'query($r: String!) { holdList(active: true, rollBarcode: $r) { id target reason rollBarcode sheetBarcode mdFromMm mdToMm placedBy placedAt } }',
      { r: roll },
    ),
    gql<{ routeVersions: { version: number; steps: { seq: number; operation: string }[] }[] }>(
      'query($p: String!) { routeVersions(productCode: $p) { version steps { seq operation } } }',
      { p: unit.productCode },
    ),
  ]);
  const mine = holds.holdList.filter((h) => holdStops(h, kind, unit));
  const steps = routes.routeVersions[0]?.steps ?? [];
  const at = steps.findIndex((s) => s.seq === unit.stepSeq);
  return { kind, ...unit, nextOperation: at >= 0 ? (steps[at + 1]?.operation ?? null) : null, holds: mine };
}

export function StationPage({ session }: { session: Session }) {
  const [stations, setStations] = useState<Station[]>([]);
  const [stationCode, setStationCode] = useState<string | null>(() => localStorage.getItem(STATION_KEY));
  const [action, setAction] = useState<Action>('TRACK_IN');
  const [code, setCode] = useState('');
  const [good, setGood] = useState('');
  const [reject, setReject] = useState('');
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [unit, setUnit] = useState<UnitView | null>(null);
  const [queue, setQueue] = useState<QueueUnit[]>([]);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const scanField = useRef<HTMLInputElement>(null);
  const station = stations.find((s) => s.code === stationCode) ?? null;
  // At a stacking station: the work order new stacks are started for (kept on the device) and the stack being built.
  const [workOrders, setWorkOrders] = useState<WorkOrder[]>([]);
  const [workOrder, setWorkOrder] = useState<string>(() => localStorage.getItem(WORK_ORDER_KEY) ?? '');
  const [building, setBuilding] = useState<BuildingStack | null>(null);
  const stacking = station?.operation === STACKING;

  useEffect(() => {
    if (!stacking) return;
    gql<{ workOrders: WorkOrder[] }>('{ workOrders(openOnly: true) { code stackProductCode quantity stacksStarted } }').then(
      (d) => setWorkOrders(d.workOrders),
      (e: Error) => setLoadError(e.message),
    );
  }, [stacking, building?.barcode]);

  /**
   * Stacking by scanning: a stack label starts a stack for the chosen work order (or takes up one
   * still being built); each cell code then becomes the next layer of that stack, in scan order.
   * Every refusal is the MES's own (not singulated, failed with its bin, a double scan, on hold...).
   */
  const stackingScan = useCallback(
    async (b: string): Promise<Outcome> => {
      if (b.startsWith('STK-')) {
        let st: BuildingStack | null = null;
        try {
          st = (await gql<{ stack: BuildingStack }>(`query($b: String!) { stack(barcode: $b) { ${STACK_FIELDS} } }`, { b })).stack;
        } catch (e) {
          if (!(e instanceof MesError) || e.code !== 'NOT_FOUND') throw e;
        }
        if (!st) {
          const wo = workOrders.find((w) => w.code === workOrder);
          if (!wo)
            throw new MesError(
              'NO_WORK_ORDER',
              `Choose the work order this stacker builds for, then scan ${b} again: a new stack is started for a work order.`,
            );
          st = (
            await gql<{ startStack: BuildingStack }>(`mutation($i: StartStackInput!) { startStack(input: $i) { ${STACK_FIELDS} } }`, {
              i: { barcode: b, productCode: wo.stackProductCode, workOrder: wo.code, stationCode },
            })
          ).startStack;
          setBuilding(st);
          return {
            ok: true,
            barcode: b,
            title: 'Stack started',
            message: `Stack ${b} for ${wo.code} (${wo.stackProductCode}): ${st.layersPlanned} layers. Scan layer 1.`,
          };
        }
        if (st.status === 'BUILDING') {
          setBuilding(st);
          return {
            ok: true,
            barcode: b,
            title: 'Stack taken up',
            message: `Stack ${b} has ${st.layers.length} of its ${st.layersPlanned} layers. Scan layer ${st.layers.length + 1}.`,
          };
        }
        setBuilding(null);
        // A built stack scanned here goes along its route as at any other station (or is told where it
        // is), and the screen points at its page, moved or refused, as other stations do.
        setUnit({ kind: 'Stack', barcode: b, operation: null, holds: [] });
        const k = (
          await gql<{ scanStack: { barcode: string; step: string; electrochemicalState: string; status: string } }>(
            'mutation($i: ScanStackInput!) { scanStack(input: $i) { barcode step electrochemicalState status } }',
            { i: { stackBarcode: b, stationCode } },
          )
        ).scanStack;
        return {
          ok: true,
          barcode: b,
          title: 'Stack scanned',
          message: `Stack ${k.barcode} is at ${k.step} (${k.status}, ${k.electrochemicalState}).`,
        };
      }
      if (!building) throw new MesError('NO_STACK', `Scan the stack label first, then its layers: ${b} was not added to any stack.`);
      const st = (
        await gql<{ addStackLayer: BuildingStack }>(`mutation($i: AddStackLayerInput!) { addStackLayer(input: $i) { ${STACK_FIELDS} } }`, {
          i: { stackBarcode: building.barcode, cellCode: b },
        })
      ).addStackLayer;
      const n = st.layers.length;
      if (st.status === 'BUILDING') {
        setBuilding(st);
        return {
          ok: true,
          barcode: b,
          title: `Layer ${n} of ${st.layersPlanned}`,
          message: `${b} is layer ${n} of stack ${st.barcode}. Scan layer ${n + 1}.`,
        };
      }
      setBuilding(null);
      return {
        ok: true,
        barcode: b,
        title: 'Stack built',
        message: `${b} is layer ${n}: stack ${st.barcode} has all its ${st.layersPlanned} layers. Scan its label at the next step of its route.`,
      };
    },
    [building, stationCode, workOrder, workOrders],
  );

  useEffect(() => {
    gql<{ stations: Station[] }>('{ stations { code name operation } }').then(
      (d) => setStations(d.stations),
      (e: Error) => setLoadError(e.message),
    );
  }, []);

  const refreshQueue = useCallback(async () => {
    if (!station) return;
    try {
      const d = await gql<{ rolls: QueueUnit[]; sheets: QueueUnit[]; holdList: Hold[] }>(
        'query($op: String!) { rolls(status: ACTIVE, operation: $op, limit: 50) { barcode stepState createdAt } sheets(status: ACTIVE, operation: $op, limit: 50) { barcode stepState createdAt rollBarcode mdStartMm mdEndMm } holdList(active: true, limit: 2000) { id target reason rollBarcode sheetBarcode mdFromMm mdToMm placedBy placedAt } }',
        { op: station.operation },
      );
      // Held units stay in the queue (they wait for this operation) but say so before anyone scans them.
      const heldBy = (u: QueueUnit, kind: string) => d.holdList.find((h) => holdStops(h, kind, u))?.reason ?? null;
      const all = [
        ...d.rolls.map((r) => ({ ...r, kind: 'Roll', held: heldBy(r, 'Roll') })),
        ...d.sheets.map((s) => ({ ...s, kind: 'Sheet', held: heldBy(s, 'Sheet') })),
      ];
      all.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
      setQueue(all);
    } catch (e) {
      setLoadError((e as Error).message);
    }
  }, [station]);
  useEffect(() => void refreshQueue(), [refreshQueue]);

  const focusScan = () => scanField.current?.focus();
  // After a scan is answered, the focus goes back to the scan field, unless the person moved on to
  // another field meanwhile (a count typed while the last unit still loads): taking it from there
  // sent their next keys into the scan field.
  const returnFocusToScan = () => {
    const at = document.activeElement;
    const typingElsewhere =
      at !== scanField.current && (at instanceof HTMLInputElement || at instanceof HTMLTextAreaElement || at instanceof HTMLSelectElement);
    if (!typingElsewhere) focusScan();
  };

  const submitScan = useCallback(
    async (barcode: string, typed: { good: string; reject: string } = { good, reject }) => {
      const b = barcode.trim();
      if (!b || !stationCode) return;
      setBusy(true);
      const counts =
        action === 'TRACK_OUT'
          ? {
              goodCount: typed.good === '' ? undefined : Number(typed.good),
              rejectCount: typed.reject === '' ? undefined : Number(typed.reject),
            }
          : {};
      if (stacking && (b.startsWith('STK-') || parseCellCode(b))) {
        setUnit(null); // a built stack's scan shows it again (stackingScan)
        try {
          setOutcome(await stackingScan(b));
        } catch (e) {
          const err = e instanceof MesError ? e : new MesError('ERROR', String(e));
          setOutcome({ ok: false, barcode: b, title: 'Refused', message: err.message, code: err.code });
        }
        setBusy(false);
        returnFocusToScan();
        return;
      }
      try {
        // A stack keeps its own route in the assembly service (stacking → formation → final test):
        // scanned at one of those stations, it moves there; tracking's scan knows no stacks.
        if (b.startsWith('STK-')) {
          const st = await gql<{ scanStack: { barcode: string; step: string; electrochemicalState: string; status: string } }>(
            'mutation($i: ScanStackInput!) { scanStack(input: $i) { barcode step electrochemicalState status } }',
            { i: { stackBarcode: b, stationCode } },
          );
          const k = st.scanStack;
          setOutcome({
            ok: true,
            barcode: k.barcode,
            title: 'Stack scanned',
            message: `Stack ${k.barcode} is at ${k.step} (${k.status}, ${k.electrochemicalState}).`,
          });
          setUnit({ kind: 'Stack', barcode: k.barcode, operation: k.step, holds: [] });
          setBusy(false);
          returnFocusToScan();
          return;
        }
        const d = await gql<{
          scan: {
            unitKind: string;
            barcode: string;
            operation: string | null;
            stepState: string;
            stationCode: string | null;
            repeated: boolean;
            event: { operation: string };
          };
        }>(
          'mutation($i: ScanInput!) { scan(input: $i) { unitKind barcode operation stepState stationCode repeated event { operation } } }',
          { i: { barcode: b, stationCode, action, ...counts } },
        );
        const s = d.scan;
        const done =
          action === 'TRACK_IN'
            ? `Tracked in at ${stationCode} for ${s.event.operation}`
            : `Tracked out of ${s.event.operation}; now waits for ${s.operation ?? 'nothing (route complete)'}`;
        setOutcome({
          ok: true,
          barcode: s.barcode,
          title: `${ACTION_LABEL[action]} OK`,
          message: s.repeated ? `${done}. Repeated scan: nothing changed.` : `${done}.`,
        });
        setGood('');
        setReject('');
      } catch (e) {
        const err = e instanceof MesError ? e : new MesError('ERROR', String(e));
        setOutcome({ ok: false, barcode: b, title: 'Refused', message: err.message, code: err.code });
      }
      try {
        const cell = parseCellCode(b);
        // Cells and stacks are not tracking's units: their panels link to their own pages.
        setUnit(
          cell
            ? { kind: 'Cell', barcode: b, operation: null, holds: [] }
            : b.startsWith('STK-')
              ? { kind: 'Stack', barcode: b, operation: null, holds: [] }
              : await lookUpUnit(b),
        );
      } catch {
        setUnit(null);
      }
      setBusy(false);
      void refreshQueue();
      returnFocusToScan();
    },
    [action, good, reject, stationCode, refreshQueue, stacking, stackingScan],
  );

  // A scanner does not wait for the screen: a code scanned while the last one is still answered
  // (or its unit still looked up) is queued with the mode and counts of the moment it was scanned,
  // and taken in order. The scan field is never disabled, since a disabled field drops the burst.
  const scanChain = useRef<Promise<void>>(Promise.resolve());
  const queueScan = useCallback(
    (barcode: string, typed?: { good: string; reject: string }) => {
      setCode('');
      const next = scanChain.current.then(() => submitScan(barcode, typed));
      scanChain.current = next.catch(() => undefined);
      return next;
    },
    [submitScan],
  );

  // A scanner's burst ending in Enter is a scan wherever the focus is (a count field, a button):
  // the field it typed into gets back the value it had before the burst. One listener for the
  // page's life (a burst must survive the re-renders its own keys cause); it reads the latest state.
  const latest = useRef({ good, reject, queueScan });
  latest.current = { good, reject, queueScan };
  useEffect(() => {
    const detector = new ScanBurstDetector();
    let before: { el: HTMLElement; value: string } | null = null;
    const restore: Record<string, (v: string) => void> = { 'good-count': setGood, 'reject-count': setReject };
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'F2') {
        e.preventDefault();
        setAction('TRACK_IN');
        focusScan();
        return;
      }
      if (e.key === 'F4') {
        e.preventDefault();
        setAction('TRACK_OUT');
        return;
      }
      const el = e.target as HTMLElement;
      if (e.key.length === 1 && detector.startsBurst(e.timeStamp)) before = el instanceof HTMLInputElement ? { el, value: el.value } : null;
      const scanned = detector.key(e.key, e.timeStamp);
      // Every unit code of the line has a letter (R..., S-..., STK-...); the count fields take digits.
      if (scanned && el !== scanField.current && /[A-Za-z]/.test(scanned)) {
        e.preventDefault();
        const typed = { good: latest.current.good, reject: latest.current.reject };
        if (before && before.el === el && restore[el.id]) {
          restore[el.id](before.value);
          if (el.id === 'good-count') typed.good = before.value;
          if (el.id === 'reject-count') typed.reject = before.value;
        }
        before = null;
        void latest.current.queueScan(scanned, typed);
      }
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, []);

  if (!station) {
    return (
      <section aria-labelledby="choose-title" className="station-choose">
        <h1 id="choose-title">Choose this terminal’s station</h1>
        <p className="muted">Chosen once: this device remembers it.</p>
        {loadError && (
          <p className="form-error" role="alert">
            {loadError}
          </p>
        )}
        <ul className="station-list">
          {stations.map((s) => (
            <li key={s.code}>
              <button
                type="button"
                onClick={() => {
                  localStorage.setItem(STATION_KEY, s.code);
                  setStationCode(s.code);
                }}
              >
                <strong>{s.code}</strong> <span>{s.name}</span> <span className="muted">{s.operation}</span>
              </button>
            </li>
          ))}
        </ul>
      </section>
    );
  }

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    void queueScan(code);
  };

  return (
    <div className="station">
      <section className="scan-panel" aria-labelledby="station-title">
        <div className="station-head">
          <h1 id="station-title">
            {station.code}{' '}
            <span className="muted">
              {station.name} · {station.operation}
            </span>
          </h1>
          <button
            type="button"
            className="link"
            onClick={() => {
              localStorage.removeItem(STATION_KEY);
              setStationCode(null);
            }}
          >
            Change station
          </button>
        </div>
        {stacking && (
          <div className="work-order">
            <label htmlFor="work-order">Work order for new stacks</label>
            <select
              id="work-order"
              value={workOrder}
              onChange={(e) => {
                setWorkOrder(e.target.value);
                localStorage.setItem(WORK_ORDER_KEY, e.target.value);
                focusScan();
              }}
            >
              <option value="">Choose…</option>
              {workOrders.map((w) => (
                <option key={w.code} value={w.code}>
                  {w.code} · {w.stackProductCode} · {w.stacksStarted} of {w.quantity} started
                </option>
              ))}
            </select>
          </div>
        )}
        <div className="action-switch" role="radiogroup" aria-label="Scan action">
          {(['TRACK_IN', 'TRACK_OUT'] as Action[]).map((a) => (
            <button
              key={a}
              type="button"
              role="radio"
              aria-checked={action === a}
              className={action === a ? 'on' : ''}
              onClick={() => {
                setAction(a);
                focusScan();
              }}
            >
              {ACTION_LABEL[a]} <kbd>{a === 'TRACK_IN' ? 'F2' : 'F4'}</kbd>
            </button>
          ))}
        </div>
        <form onSubmit={onSubmit} className="scan-form">
          <label htmlFor="scan-input">
            {stacking
              ? `Scan a stack label, then its layer cells in order (other units: ${ACTION_LABEL[action].toLowerCase()} at ${station.code})`
              : `Scan a barcode (${ACTION_LABEL[action].toLowerCase()} at ${station.code})`}
          </label>
          <input
            id="scan-input"
            ref={scanField}
            autoFocus
            autoComplete="off"
            spellCheck={false}
            value={code}
            aria-busy={busy}
            onChange={(e) => setCode(e.target.value)}
            onBlur={(e) => {
              // Keep the focus here unless the operator moved to another control on purpose.
              const next = e.relatedTarget as HTMLElement | null;
              if (!next || next === document.body) setTimeout(focusScan, 0);
            }}
          />
          {action === 'TRACK_OUT' && (
            <div className="counts">
              <label htmlFor="good-count">Good</label>
              <input
                id="good-count"
                inputMode="numeric"
                pattern="[0-9]*"
                value={good}
                onChange={(e) => setGood(e.target.value.replace(/\D/g, ''))}
              />
              <label htmlFor="reject-count">Reject</label>
              <input
                id="reject-count"
                inputMode="numeric"
                pattern="[0-9]*"
                value={reject}
                onChange={(e) => setReject(e.target.value.replace(/\D/g, ''))}
              />
            </div>
          )}
          {/* Never disabled: a disabled default button stops Enter from submitting the form. */}
          <button type="submit" className="primary" aria-busy={busy}>
            {ACTION_LABEL[action]}
          </button>
        </form>
        <div aria-live="assertive" className="outcome-region">
          {outcome && (
            <div
              className={outcome.ok ? 'outcome ok' : 'outcome refused'}
              role={outcome.ok ? 'status' : 'alert'}
              data-testid="scan-outcome"
            >
              <div className="outcome-title">
                {outcome.ok ? '✔' : '✖'} {outcome.title}: {outcome.barcode}
              </div>
              <div className="outcome-message">{outcome.message}</div>
              {outcome.code && <div className="outcome-code">{outcome.code}</div>}
            </div>
          )}
        </div>
        {stacking && building && <BuildingPanel stack={building} />}
        {unit && <UnitPanel unit={unit} />}
      </section>
      <aside className="queue" aria-labelledby="queue-title">
        <h2 id="queue-title">
          Waiting for {station.operation} <span className="muted">({queue.length})</span>
        </h2>
        {queue.length === 0 ? (
          <p className="muted">Nothing waits for this operation.</p>
        ) : (
          <ol>
            {queue.map((q) => (
              <li key={q.barcode}>
                <span className="mono">{q.barcode}</span>{' '}
                <span className="muted">
                  {q.kind.toLowerCase()} · {q.stepState === 'IN_PROCESS' ? 'in process' : 'waiting'} since{' '}
                  {new Date(q.createdAt).toLocaleString()}
                </span>
                {q.held && <span className="queue-held"> · on hold: {q.held}</span>}
              </li>
            ))}
          </ol>
        )}
      </aside>
      <p className="keys muted">Keys: scan or type a code and Enter · F2 track in · F4 track out · {session.username}</p>
    </div>
  );
}

function BuildingPanel({ stack }: { stack: BuildingStack }) {
  return (
    <section className="unit" aria-labelledby="building-title" data-testid="stack-building">
      <h2 id="building-title">
        Building <span className="mono">{stack.barcode}</span>{' '}
        <span className="muted">
          {stack.layers.length} of {stack.layersPlanned} layers · {stack.productCode}
          {stack.workOrder ? ` · ${stack.workOrder}` : ''}
        </span>
      </h2>
      {stack.layers.length === 0 ? (
        <p className="muted">No layer yet: scan the first cell.</p>
      ) : (
        <ol className="layers">
          {stack.layers.map((l) => (
            <li key={l.layerIndex} className="mono">
              {l.cellCode}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

function UnitPanel({ unit }: { unit: UnitView }) {
  return (
    <section className="unit" aria-labelledby="unit-title">
      <h2 id="unit-title">
        {unit.kind} <span className="mono">{unit.barcode}</span>
      </h2>
      {unit.kind === 'Cell' ? (
        <p className="muted">
          A singulated cell: its results are on the{' '}
          <a href={href('cell', ...Object.values(parseCellCode(unit.barcode) ?? {}))}>cell page</a>.
        </p>
      ) : unit.kind === 'Stack' ? (
        <p className="muted">
          A stack: its layers, final test and holds are on the <a href={href('stack', unit.barcode)}>stack page</a>.
        </p>
      ) : (
        <dl className="facts">
          <dt>Product</dt>
          <dd>{unit.productCode}</dd>
          <dt>Status</dt>
          <dd>{unit.status}</dd>
          <dt>Operation now</dt>
          <dd>
            {unit.operation ?? '—'}{' '}
            <span className="muted">({unit.stepState === 'IN_PROCESS' ? `in process at ${unit.stationCode ?? '?'}` : 'waiting'})</span>
          </dd>
          <dt>Next operation</dt>
          <dd>{unit.nextOperation ?? '—'}</dd>
          {unit.rollBarcode && (
            <>
              <dt>Roll</dt>
              <dd>
                {unit.rollBarcode}, MD {unit.mdStartMm}–{unit.mdEndMm} mm
              </dd>
            </>
          )}
        </dl>
      )}
      {unit.holds.length > 0 && (
        <div className="holds-box" role="note" aria-label="Holds on this unit">
          <h3>On hold</h3>
          <ul>
            {unit.holds.map((h) => (
              <li key={h.id}>
                <strong>{h.reason}</strong>{' '}
                <span className="muted">
                  (hold {h.id}, {h.target === 'ROLL_REGION' ? `MD ${h.mdFromMm}–${h.mdToMm} mm` : h.target.toLowerCase()}, by {h.placedBy})
                </span>
              </li>
            ))}
          </ul>
        </div>
      )}
      {unit.kind !== 'Cell' && (
        <p>
          <a href={href('label', unit.barcode)}>Print label for {unit.barcode}</a>
        </p>
      )}
    </section>
  );
}
