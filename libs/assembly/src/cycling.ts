/**
 * Cycler results of sample stacks, one row per cycle, and the statistics engineers compare across
 * stacks: capacity retention, cycles to 95 % and 80 % of the first discharge, coulombic efficiency.
 */

export interface CycleRow {
  cycle: number;
  chargeMah: number;
  dischargeMah: number;
  /** Discharge / charge, percent, to 0.01 %. */
  coulombicEfficiencyPct: number;
  dischargeEnergyMwh: number | null;
  endVoltageV: number | null;
}

export class CyclerCsvError extends Error {
  constructor(readonly problems: { line: number; message: string }[]) {
    super(
      `cycler CSV refused: ${problems
        .slice(0, 5)
        .map((p) => `line ${p.line}: ${p.message}`)
        .join('; ')}${problems.length > 5 ? `; and ${problems.length - 5} more` : ''}`,
    );
    this.name = 'CyclerCsvError';
  }
}

/**
 * Two layouts are read, told apart by their header:
 * - GENERIC (this MES): `cycle,charge_mah,discharge_mah,ce_pct,discharge_energy_mwh,end_voltage_v`
 *   (ce_pct, energy and end voltage may be empty; CE is then discharge / charge).
 * - ARBIN cycle statistics export: `Cycle_Index`, `Charge_Capacity(Ah)`, `Discharge_Capacity(Ah)`,
 *   `Discharge_Energy(Wh)`, and optionally `V_Max_On_Cycle(V)` or `Voltage(V)`; other columns are ignored.
 */
export function parseCyclerCsv(text: string): { layout: 'GENERIC' | 'ARBIN'; rows: CycleRow[] } {
  const lines = text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '');
  if (lines.length < 2) throw new CyclerCsvError([{ line: 1, message: 'expected a header line and at least one cycle' }]);
  const header = splitCsv(lines[0]).map((h) => h.trim());
  const find = (...names: string[]) => header.findIndex((h) => names.some((n) => h.toLowerCase() === n.toLowerCase()));
  let layout: 'GENERIC' | 'ARBIN';
  let col: { cycle: number; charge: number; discharge: number; ce: number; energy: number; endV: number };
  let scale = 1;
  if (find('cycle') >= 0) {
    layout = 'GENERIC';
    col = {
      cycle: find('cycle'),
      charge: find('charge_mah'),
      discharge: find('discharge_mah'),
      ce: find('ce_pct'),
      energy: find('discharge_energy_mwh'),
      endV: find('end_voltage_v'),
    };
  } else if (find('Cycle_Index') >= 0) {
    layout = 'ARBIN';
    scale = 1000; // Ah -> mAh, Wh -> mWh
    col = {
      cycle: find('Cycle_Index'),
      charge: find('Charge_Capacity(Ah)'),
      discharge: find('Discharge_Capacity(Ah)'),
      ce: -1,
      energy: find('Discharge_Energy(Wh)'),
      endV: find('V_Max_On_Cycle(V)', 'Voltage(V)'),
    };
  } else {
    throw new CyclerCsvError([
      {
        line: 1,
        message: `unknown layout: expected a "cycle" column (generic) or "Cycle_Index" (Arbin), got ${header.slice(0, 6).join(', ')}`,
      },
    ]);
  }
  const missing = (['charge', 'discharge'] as const).filter((k) => col[k] < 0);
  if (missing.length)
    throw new CyclerCsvError([
      {
        line: 1,
        message: `missing column(s) ${missing.map((k) => (layout === 'GENERIC' ? `${k}_mah` : k === 'charge' ? 'Charge_Capacity(Ah)' : 'Discharge_Capacity(Ah)')).join(', ')}`,
      },
    ]);
  const problems: { line: number; message: string }[] = [];
  const rows: CycleRow[] = [];
  for (let i = 1; i < lines.length; i++) {
    const f = splitCsv(lines[i]);
    const num = (idx: number, name: string, required: boolean): number | null => {
      const raw = idx >= 0 ? (f[idx] ?? '').trim() : '';
      if (raw === '') {
        if (required) problems.push({ line: i + 1, message: `${name} is empty` });
        return null;
      }
      const v = Number(raw);
      if (!Number.isFinite(v)) {
        problems.push({ line: i + 1, message: `${name} "${raw}" is not a number` });
        return null;
      }
      return v;
    };
    const cycle = num(col.cycle, 'cycle', true);
    const charge = num(col.charge, 'charge capacity', true);
    const discharge = num(col.discharge, 'discharge capacity', true);
    const ce = num(col.ce, 'ce_pct', false);
    const energy = num(col.energy, 'discharge energy', false);
    const endV = num(col.endV, 'end voltage', false);
    if (cycle === null || charge === null || discharge === null) continue;
    if (!Number.isInteger(cycle) || cycle < 1) problems.push({ line: i + 1, message: `cycle ${cycle} is not a whole number >= 1` });
    if (charge < 0 || discharge < 0) problems.push({ line: i + 1, message: 'capacities must not be negative' });
    if (rows.length && cycle <= rows[rows.length - 1].cycle)
      problems.push({ line: i + 1, message: `cycle ${cycle} does not follow cycle ${rows[rows.length - 1].cycle}` });
    const chargeMah = charge * scale;
    const dischargeMah = discharge * scale;
    rows.push({
      cycle,
      chargeMah,
      dischargeMah,
      coulombicEfficiencyPct: round2(ce ?? (chargeMah > 0 ? (100 * dischargeMah) / chargeMah : 0)),
      dischargeEnergyMwh: energy === null ? null : energy * scale,
      endVoltageV: endV,
    });
  }
  if (problems.length) throw new CyclerCsvError(problems);
  return { layout, rows };
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

function splitCsv(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

export interface CyclingStats {
  cycles: number;
  firstDischargeMah: number;
  lastDischargeMah: number;
  /** Last discharge / first discharge. */
  retention: number;
  /** The first cycle whose discharge falls below 95 % (80 %) of the first; null when it never does. */
  cyclesTo95: number | null;
  cyclesTo80: number | null;
  meanCePct: number;
  minCePct: number;
  /** Mean CE from cycle 2 on: the first cycle plates the lithium anode and loses more. */
  meanCeAfterFirstPct: number | null;
}

export function cyclingStats(rows: readonly CycleRow[]): CyclingStats {
  if (rows.length === 0) throw new RangeError('no cycles');
  const first = rows[0].dischargeMah;
  const below = (frac: number) => rows.find((r) => r.dischargeMah < frac * first)?.cycle ?? null;
  const ce = rows.map((r) => r.coulombicEfficiencyPct);
  const later = ce.slice(1);
  return {
    cycles: rows.length,
    firstDischargeMah: first,
    lastDischargeMah: rows[rows.length - 1].dischargeMah,
    retention: first > 0 ? rows[rows.length - 1].dischargeMah / first : 0,
    cyclesTo95: below(0.95),
    cyclesTo80: below(0.8),
    meanCePct: round2(ce.reduce((s, v) => s + v, 0) / ce.length),
    minCePct: Math.min(...ce),
    meanCeAfterFirstPct: later.length ? round2(later.reduce((s, v) => s + v, 0) / later.length) : null,
  };
}

/** Pearson correlation of paired values (e.g. retention against mean layer ASR); null below 3 pairs or without spread. */
export function correlation(xs: readonly number[], ys: readonly number[]): number | null {
  const n = Math.min(xs.length, ys.length);
  if (n < 3) return null;
  const mx = xs.slice(0, n).reduce((s, v) => s + v, 0) / n;
  const my = ys.slice(0, n).reduce((s, v) => s + v, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (xs[i] - mx) * (ys[i] - my);
    sxx += (xs[i] - mx) ** 2;
    syy += (ys[i] - my) ** 2;
  }
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : null;
}
