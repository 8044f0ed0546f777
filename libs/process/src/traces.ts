import { childPath, describeValue, isObj, normalizeUnit, type Problem } from './problems';

// ---------------------------------------------------------------------------------------------
// Channel catalogue

export interface TraceChannelSpec {
  name: string;
  unit: string;
  description: string;
  kind: 'GAUGE' | 'COUNTER' | 'POSITION' | 'SPEED' | 'STATE';
}

export const TRACE_CHANNELS: readonly TraceChannelSpec[] = Object.freeze(
  [
    { name: 'qcm_rate', unit: 'Å/s', description: 'deposition rate from the quartz crystal monitor', kind: 'GAUGE' },
    { name: 'power', unit: 'W', description: 'forward power of the sputter or RF supply', kind: 'GAUGE' },
    { name: 'reflected_power', unit: 'W', description: 'reflected RF power', kind: 'GAUGE' },
    { name: 'pressure', unit: 'mTorr', description: 'process chamber pressure', kind: 'GAUGE' },
    { name: 'ar_flow', unit: 'sccm', description: 'argon mass flow', kind: 'GAUGE' },
    { name: 'o2_flow', unit: 'sccm', description: 'oxygen mass flow', kind: 'GAUGE' },
    { name: 'n2_flow', unit: 'sccm', description: 'nitrogen mass flow', kind: 'GAUGE' },
    { name: 'drum_temp', unit: '°C', description: 'coating drum temperature', kind: 'GAUGE' },
    { name: 'substrate_temp', unit: '°C', description: 'substrate (web) temperature', kind: 'GAUGE' },
    { name: 'furnace_temp', unit: '°C', description: 'anneal furnace temperature', kind: 'GAUGE' },
    { name: 'source_temp', unit: '°C', description: 'evaporation source temperature', kind: 'GAUGE' },
    { name: 'web_speed', unit: 'm/min', description: 'web line speed', kind: 'SPEED' },
    { name: 'encoder_md', unit: 'mm', description: 'machine-direction position from the web encoder', kind: 'POSITION' },
    { name: 'arc_count', unit: 'count', description: 'cumulative arc events of the supply', kind: 'COUNTER' },
    { name: 'shutter', unit: 'state', description: 'source shutter, 0 closed / 1 open', kind: 'STATE' },
    { name: 'dew_point', unit: '°C', description: 'dew point of the dry room or glovebox', kind: 'GAUGE' },
    { name: 'rh', unit: '%', description: 'relative humidity', kind: 'GAUGE' },
  ].map((c) => Object.freeze(c as TraceChannelSpec)),
);

const CHANNELS_BY_NAME = new Map(TRACE_CHANNELS.map((c) => [c.name, c]));
const NORMALIZED_UNIT_BY_NAME = new Map(TRACE_CHANNELS.map((c) => [c.name, normalizeUnit(c.unit)]));

export function traceChannel(name: string): TraceChannelSpec | undefined {
  return CHANNELS_BY_NAME.get(name);
}

// ---------------------------------------------------------------------------------------------
// The REST body equipment posts

export const TRACE_BATCH_LIMITS = Object.freeze({
  maxSamples: 20_000,
  maxChannels: 32,
  maxIdLength: 100,
  /** parseTraceBatch stops after this many problems (and says so in one more) */
  maxProblems: 20,
});

export interface TraceBatch {
  batchId: string;
  runId: string;
  /** t0 as epoch milliseconds (may carry a fraction for sub-millisecond t0) */
  t0Ms: number;
  /** seconds since t0, strictly increasing */
  tS: Float64Array;
  /** unit is the catalogue unit (an equivalent spelling such as U+212B 'Å' is normalised) */
  channels: { name: string; unit: string; values: Float64Array }[];
}

export type TraceBatchParse = { batch: TraceBatch; problems: [] } | { batch: null; problems: Problem[] };

const TOP_LEVEL_KEYS = ['batchId', 'runId', 't0', 'tS', 'channels'];
const CHANNEL_KEYS = ['unit', 'values'];

class ProblemSink {
  readonly list: Problem[] = [];
  full = false;
  add(path: string, message: string): void {
    if (this.full) return;
    if (this.list.length === TRACE_BATCH_LIMITS.maxProblems) {
      this.list.push({ path: '$', message: `more problems not listed (at most ${TRACE_BATCH_LIMITS.maxProblems} are reported)` });
      this.full = true;
      return;
    }
    this.list.push({ path, message });
  }
}

/**
 * Validates and converts the body of a trace batch POST. Never throws on bad input: returns the
 * problems with their JSON paths instead (at most 20, plus one saying there were more). Linear in the
 * number of samples and allocates nothing per sample, so a 20,000 x 32 batch stays cheap.
 * Unknown properties are refused so that a misspelt field is not silently dropped.
 */
export function parseTraceBatch(body: unknown): TraceBatchParse {
  const sink = new ProblemSink();
  if (!isObj(body)) return { batch: null, problems: [{ path: '$', message: `expected a JSON object, got ${describeValue(body)}` }] };
  const { maxSamples, maxChannels, maxIdLength } = TRACE_BATCH_LIMITS;

  for (const key of Object.keys(body)) {
    if (!TOP_LEVEL_KEYS.includes(key)) sink.add(childPath('', key), `unexpected property; expected only ${TOP_LEVEL_KEYS.join(', ')}`);
  }
  for (const key of ['batchId', 'runId'] as const) {
    const v = body[key];
    if (typeof v !== 'string' || v.trim() === '' || v.length > maxIdLength) {
      sink.add(key, `expected a non-blank string of 1 to ${maxIdLength} characters, got ${describeValue(v)}`);
    }
  }
  const t0Ms = typeof body.t0 === 'string' ? parseIsoInstantMs(body.t0) : null;
  if (t0Ms === null) {
    sink.add(
      't0',
      `expected an ISO-8601 date-time with seconds and a zone, e.g. 2025-03-14T09:26:53.589Z or 2025-03-14T10:26:53+01:00, got ${describeValue(body.t0)}`,
    );
  }

  // tS: finite, >= 0, strictly increasing
  let n = -1; // number of samples when tS is usable for the length check of the channels
  let tS: Float64Array | null = null;
  const rawT = body.tS;
  if (!Array.isArray(rawT) || rawT.length < 1 || rawT.length > maxSamples) {
    sink.add(
      'tS',
      `expected an array of 1 to ${maxSamples} numbers (seconds since t0), got ${Array.isArray(rawT) ? `${rawT.length} elements` : describeValue(rawT)}`,
    );
  } else {
    n = rawT.length;
    tS = new Float64Array(n);
    let prev = -Infinity;
    let prevIndex = -1;
    for (let i = 0; i < n && !sink.full; i++) {
      const v: unknown = rawT[i];
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
        sink.add(`tS[${i}]`, `expected a finite number >= 0, got ${describeValue(v)}`);
        continue;
      }
      if (v <= prev) sink.add(`tS[${i}]`, `expected times to increase strictly, got ${v} after ${prev} at tS[${prevIndex}]`);
      // The MES keeps each sample as t0 + tS in epoch milliseconds (a double): two times closer than
      // that can tell apart (about 0.2 µs today) would be one instant on the roll.
      else if (t0Ms !== null && prevIndex >= 0 && !(t0Ms + v * 1000 > t0Ms + prev * 1000))
        sink.add(`tS[${i}]`, `expected a time distinguishable from tS[${prevIndex}] (${prev}) at millisecond epoch resolution, got ${v}`);
      tS[i] = v;
      prev = v;
      prevIndex = i;
    }
  }

  const channels: TraceBatch['channels'] = [];
  const rawChannels = body.channels;
  if (!isObj(rawChannels)) {
    sink.add('channels', `expected an object of channels keyed by name, got ${describeValue(rawChannels)}`);
  } else {
    const names = Object.keys(rawChannels);
    if (names.length < 1 || names.length > maxChannels) {
      sink.add('channels', `expected 1 to ${maxChannels} channels, got ${names.length}`);
    }
    for (const name of names.slice(0, maxChannels)) {
      if (sink.full) break;
      const p = childPath('channels', name);
      const spec = CHANNELS_BY_NAME.get(name);
      if (!spec) {
        sink.add(p, `unknown trace channel; expected one of ${TRACE_CHANNELS.map((c) => c.name).join(', ')}`);
        continue;
      }
      const ch = rawChannels[name];
      if (!isObj(ch)) {
        sink.add(p, `expected an object { unit, values }, got ${describeValue(ch)}`);
        continue;
      }
      for (const key of Object.keys(ch)) {
        if (!CHANNEL_KEYS.includes(key)) sink.add(childPath(p, key), `unexpected property; expected only ${CHANNEL_KEYS.join(', ')}`);
      }
      if (typeof ch.unit !== 'string' || normalizeUnit(ch.unit) !== NORMALIZED_UNIT_BY_NAME.get(name)) {
        sink.add(`${p}.unit`, `expected ${JSON.stringify(spec.unit)} (the unit of ${name}), got ${describeValue(ch.unit)}`);
      }
      const raw = ch.values;
      if (!Array.isArray(raw)) {
        sink.add(`${p}.values`, `expected an array of numbers, got ${describeValue(raw)}`);
        continue;
      }
      if (n >= 0 && raw.length !== n) {
        sink.add(`${p}.values`, `expected ${n} values (one per element of tS), got ${raw.length}`);
        continue;
      }
      if (raw.length > maxSamples) {
        sink.add(`${p}.values`, `expected at most ${maxSamples} values, got ${raw.length}`);
        continue;
      }
      const values = new Float64Array(raw.length);
      for (let i = 0; i < raw.length; i++) {
        const v: unknown = raw[i];
        if (typeof v !== 'number' || !Number.isFinite(v)) {
          sink.add(`${p}.values[${i}]`, `expected a finite number, got ${describeValue(v)}`);
          if (sink.full) break;
          continue;
        }
        values[i] = v;
      }
      channels.push({ name, unit: spec.unit, values });
    }
  }

  if (sink.list.length > 0 || tS === null || t0Ms === null) return { batch: null, problems: sink.list };
  return {
    batch: { batchId: body.batchId as string, runId: body.runId as string, t0Ms, tS, channels },
    problems: [],
  };
}

const ISO_INSTANT = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:[.,](\d{1,9}))?(?:([Zz])|([+-])(\d{2}):?(\d{2}))$/;

/**
 * Epoch milliseconds of an ISO-8601 date-time with an explicit zone, or null. Written out rather
 * than Date.parse, which accepts zone-less strings (as local time) and rolls 2025-02-30 into March.
 */
export function parseIsoInstantMs(s: string): number | null {
  const m = ISO_INSTANT.exec(s);
  if (!m) return null;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return null;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day > daysInMonth) return null;
  let offsetMin = 0;
  if (!m[8]) {
    const oh = Number(m[10]);
    const om = Number(m[11]);
    if (oh > 23 || om > 59) return null;
    offsetMin = (m[9] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  const fractionMs = m[7] ? Number(`0.${m[7]}`) * 1000 : 0;
  const utc = new Date(0);
  utc.setUTCFullYear(year, month - 1, day); // setUTCFullYear keeps years 0..99 as written
  utc.setUTCHours(hour, minute, second, 0);
  return utc.getTime() + fractionMs - offsetMin * 60_000;
}

/** Epoch milliseconds of every sample: t0 + tS * 1000. */
export function absoluteTimesMs(batch: TraceBatch): Float64Array {
  const out = new Float64Array(batch.tS.length);
  const t0 = batch.t0Ms;
  for (let i = 0; i < out.length; i++) out[i] = t0 + batch.tS[i] * 1000;
  return out;
}

// ---------------------------------------------------------------------------------------------
// Time -> machine direction

/** Where the previous batch of a run ended; carried between batches. */
export interface MdCursor {
  tMs: number;
  mdMm: number;
  speedMmPerS: number;
}

const MM_PER_S_PER_M_PER_MIN = 1000 / 60;

/**
 * Why a batch cannot continue from the cursor (it starts at or before where the previous batch
 * ended: a resent or out-of-order batch), or null. mapTimesToMd throws in that case.
 */
export function cursorProblem(cursor: MdCursor | null, timesMs: ArrayLike<number>): string | null {
  if (!cursor || timesMs.length === 0) return null;
  if (timesMs[0] > cursor.tMs) return null;
  return `expected the batch to start after the previous one ended (${new Date(cursor.tMs).toISOString()}), got a first sample at ${new Date(timesMs[0]).toISOString()}`;
}

/**
 * MD position of each sample: md(t) = md0 + ∫ web speed dt (trapezoid, m/min -> mm/s). The first
 * sample of a run (cursor null) sits at md0Mm; later batches continue from the cursor, integrating
 * the gap between cursor.tMs and their first sample too (md0Mm is then ignored). With an encoder
 * channel the encoder reading is the MD directly (the speed channel then only feeds the cursor).
 * A negative speed (rewinding) makes MD decrease. Zone offsets are applied afterwards (zoneMd).
 * Throws when neither channel is given, lengths differ or times do not increase strictly.
 */
export function mapTimesToMd(
  timesMs: Float64Array,
  opts: { speedMPerMin?: Float64Array; encoderMm?: Float64Array; cursor: MdCursor | null; md0Mm: number },
): { mdMm: Float64Array; cursor: MdCursor } {
  const { speedMPerMin, encoderMm, cursor, md0Mm } = opts;
  const n = timesMs.length;
  if (!speedMPerMin && !encoderMm) throw new Error('mapTimesToMd needs a web_speed or an encoder_md channel to place samples on the roll');
  for (const [name, arr] of [
    ['web_speed', speedMPerMin],
    ['encoder_md', encoderMm],
  ] as const) {
    if (arr && arr.length !== n) throw new RangeError(`${name} has ${arr.length} values, expected ${n} (one per sample time)`);
  }
  if (n === 0) {
    if (cursor) return { mdMm: new Float64Array(0), cursor };
    throw new RangeError('mapTimesToMd needs at least one sample to start a run');
  }
  const problem = cursorProblem(cursor, timesMs);
  if (problem) throw new RangeError(problem);

  const md = new Float64Array(n);
  let prevT = cursor ? cursor.tMs : timesMs[0];
  for (let i = cursor ? 0 : 1; i < n; i++) {
    if (!(timesMs[i] > prevT)) throw new RangeError(`sample times must increase strictly, got ${timesMs[i]} after ${prevT} (index ${i})`);
    prevT = timesMs[i];
  }

  let speedMmPerS: number;
  if (encoderMm) {
    md.set(encoderMm);
    if (speedMPerMin) speedMmPerS = speedMPerMin[n - 1] * MM_PER_S_PER_M_PER_MIN;
    else if (n >= 2) speedMmPerS = ((md[n - 1] - md[n - 2]) * 1000) / (timesMs[n - 1] - timesMs[n - 2]);
    else if (cursor) speedMmPerS = ((md[0] - cursor.mdMm) * 1000) / (timesMs[0] - cursor.tMs);
    else speedMmPerS = 0;
  } else {
    const speed = speedMPerMin as Float64Array;
    let acc: number;
    let prevV: number;
    let start: number;
    if (cursor) {
      acc = cursor.mdMm;
      prevV = cursor.speedMmPerS;
      prevT = cursor.tMs;
      start = 0;
    } else {
      acc = md0Mm;
      md[0] = md0Mm;
      prevV = speed[0] * MM_PER_S_PER_M_PER_MIN;
      prevT = timesMs[0];
      start = 1;
    }
    for (let i = start; i < n; i++) {
      const v = speed[i] * MM_PER_S_PER_M_PER_MIN;
      const t = timesMs[i];
      acc += (prevV + v) * 0.5 * (t - prevT) * 0.001;
      md[i] = acc;
      prevV = v;
      prevT = t;
    }
    speedMmPerS = prevV;
  }
  return { mdMm: md, cursor: { tMs: timesMs[n - 1], mdMm: md[n - 1], speedMmPerS } };
}

/** MD at a deposition zone that sits zoneOffsetMm downstream (positive) of the reference point. */
export function zoneMd(mdMm: Float64Array, zoneOffsetMm: number): Float64Array {
  const out = new Float64Array(mdMm.length);
  for (let i = 0; i < out.length; i++) out[i] = mdMm[i] + zoneOffsetMm;
  return out;
}

/**
 * Energy in kWh by the trapezoid rule; with `previous` (the last sample of the previous batch) the
 * gap up to the first sample is included, so summing batches gives the run's energy.
 */
export function integrateKwh(timesMs: Float64Array, powerW: Float64Array, previous?: { tMs: number; powerW: number } | null): number {
  if (timesMs.length !== powerW.length)
    throw new RangeError(`power has ${powerW.length} values, expected ${timesMs.length} (one per sample time)`);
  if (timesMs.length === 0) return 0;
  let prevT = previous ? previous.tMs : timesMs[0];
  let prevP = previous ? previous.powerW : powerW[0];
  if (previous && !(timesMs[0] > previous.tMs)) {
    throw new RangeError(`expected the first sample after the previous one (${previous.tMs} ms), got ${timesMs[0]} ms`);
  }
  let wattMs = 0;
  for (let i = previous ? 0 : 1; i < timesMs.length; i++) {
    const t = timesMs[i];
    const p = powerW[i];
    wattMs += (prevP + p) * 0.5 * (t - prevT);
    prevT = t;
    prevP = p;
  }
  return wattMs / 3.6e9; // W·ms -> kWh
}

// ---------------------------------------------------------------------------------------------
// Alarm bands

/**
 * A maximal run of consecutive out-of-band samples. startMs/endMs are the times of its first and
 * LAST OUT-OF-BAND sample (not of the first sample back in band), so its duration is endMs - startMs
 * and a single sample lasts 0 s. mdStartMm <= mdEndMm are the smallest and largest MD of its samples
 * (sorted, as MD may run either way; equal for a single sample or a standing web). worst is the
 * sample value furthest from the setpoint; min/max are the extreme values.
 */
export interface Excursion {
  startMs: number;
  endMs: number;
  mdStartMm: number;
  mdEndMm: number;
  worst: number;
  min: number;
  max: number;
  samples: number;
}

/**
 * An excursion still running at the end of a batch. heldToMdMm is the caller's bookkeeping (e.g. how
 * far a hold already covers); findExcursions starts it at null and carries it unchanged.
 */
export interface OpenExcursion extends Excursion {
  heldToMdMm: number | null;
}

export interface BandCheck {
  setpoint: number;
  tolerancePct: number;
  minDurationS: number;
}

/** The inclusive band setpoint ± |setpoint| * tolerancePct / 100. */
export function bandLimits(setpoint: number, tolerancePct: number): { low: number; high: number } {
  const half = (Math.abs(setpoint) * tolerancePct) / 100;
  return { low: setpoint - half, high: setpoint + half };
}

// Sample times are t0 + tS * 1000 in doubles near 1.7e12 ms, so a 60 s excursion may compute as
// 59999.9999 ms: durations are compared with a microsecond of slack.
const DURATION_SLACK_MS = 1e-3;

function lastsLongEnough(e: Excursion, minDurationS: number): boolean {
  return e.endMs - e.startMs >= minDurationS * 1000 - DURATION_SLACK_MS;
}

function closed(e: OpenExcursion): Excursion {
  const { startMs, endMs, mdStartMm, mdEndMm, worst, min, max, samples } = e;
  return { startMs, endMs, mdStartMm, mdEndMm, worst, min, max, samples };
}

/**
 * Excursions of one channel outside its band in one batch. `open` is the excursion left running by
 * the previous batch of the run (it is not modified). Closed excursions shorter than minDurationS
 * are dropped; one still running at the end of the batch comes back as `open` whatever its
 * duration. Values are expected finite (parseTraceBatch guarantees it). Linear, no per-sample
 * allocation.
 */
export function findExcursions(
  timesMs: Float64Array,
  mdMm: Float64Array,
  values: Float64Array,
  band: BandCheck,
  open: OpenExcursion | null,
): { closed: Excursion[]; open: OpenExcursion | null } {
  const n = timesMs.length;
  if (mdMm.length !== n || values.length !== n) {
    throw new RangeError(`expected as many MD positions and values as times (${n}), got ${mdMm.length} and ${values.length}`);
  }
  const { setpoint, tolerancePct, minDurationS } = band;
  if (!Number.isFinite(setpoint) || !(tolerancePct > 0 && tolerancePct <= 100) || !(minDurationS >= 0)) {
    throw new RangeError(`invalid band: setpoint ${setpoint}, tolerancePct ${tolerancePct}, minDurationS ${minDurationS}`);
  }
  const { low, high } = bandLimits(setpoint, tolerancePct);
  const out: Excursion[] = [];
  let cur: OpenExcursion | null = open ? { ...open } : null;
  let worstDev = cur ? Math.abs(cur.worst - setpoint) : 0;

  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v >= low && v <= high) {
      if (cur) {
        if (lastsLongEnough(cur, minDurationS)) out.push(closed(cur));
        cur = null;
      }
      continue;
    }
    const t = timesMs[i];
    const md = mdMm[i];
    const dev = Math.abs(v - setpoint);
    if (!cur) {
      cur = { startMs: t, endMs: t, mdStartMm: md, mdEndMm: md, worst: v, min: v, max: v, samples: 1, heldToMdMm: null };
      worstDev = dev;
      continue;
    }
    cur.endMs = t;
    if (md < cur.mdStartMm) cur.mdStartMm = md;
    if (md > cur.mdEndMm) cur.mdEndMm = md;
    if (v < cur.min) cur.min = v;
    if (v > cur.max) cur.max = v;
    if (dev > worstDev) {
      worstDev = dev;
      cur.worst = v;
    }
    cur.samples++;
  }
  return { closed: out, open: cur };
}

/** Ends an excursion still open when the run ends: the excursion if it lasted minDurationS, else null. */
export function closeExcursion(open: OpenExcursion, minDurationS: number): Excursion | null {
  return lastsLongEnough(open, minDurationS) ? closed(open) : null;
}

// ---------------------------------------------------------------------------------------------
// Compact storage

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * float32 little-endian bytes, for one row per batch per channel. float32 keeps ~7 digits: store
 * times as seconds since t0 (not epoch ms) and MD in mm (0.06 mm resolution at 1 km).
 */
export function encodeFloat32(values: ArrayLike<number>): Buffer {
  const f32 = Float32Array.from(values);
  if (LITTLE_ENDIAN) return Buffer.from(f32.buffer, f32.byteOffset, f32.byteLength);
  const buf = Buffer.allocUnsafe(values.length * 4);
  for (let i = 0; i < f32.length; i++) buf.writeFloatLE(f32[i], i * 4);
  return buf;
}

/**
 * Inverse of encodeFloat32. Copies, so it works on Buffers at any byte offset (pg returns slices of
 * a larger pooled buffer) and the result does not alias the input.
 */
export function decodeFloat32(buf: Buffer | Uint8Array): Float32Array {
  if (buf.byteLength % 4 !== 0) throw new RangeError(`expected a multiple of 4 bytes of float32 data, got ${buf.byteLength}`);
  const bytes = new Uint8Array(buf); // copy: aligned and detached from the source
  if (LITTLE_ENDIAN) return new Float32Array(bytes.buffer, 0, bytes.byteLength / 4);
  const view = new DataView(bytes.buffer);
  const out = new Float32Array(bytes.byteLength / 4);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
}

export interface SeriesStats {
  mean: number;
  min: number;
  max: number;
  samples: number;
}

/** Statistics of the values whose MD lies in [fromMm, toMm) (MD may run either direction), or null when none. */
export function statsInMdRange(mdMm: ArrayLike<number>, values: ArrayLike<number>, fromMm: number, toMm: number): SeriesStats | null {
  if (mdMm.length !== values.length) throw new RangeError(`expected as many values as MD positions (${mdMm.length}), got ${values.length}`);
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  let samples = 0;
  for (let i = 0; i < mdMm.length; i++) {
    const md = mdMm[i];
    if (!(md >= fromMm && md < toMm)) continue;
    const v = values[i];
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
    samples++;
  }
  return samples === 0 ? null : { mean: sum / samples, min, max, samples };
}

/** Combines statistics of disjoint sample sets (e.g. one per stored batch); null when there are no samples. */
export function mergeStats(parts: SeriesStats[]): SeriesStats | null {
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  let samples = 0;
  for (const p of parts) {
    if (!p || p.samples <= 0) continue;
    sum += p.mean * p.samples;
    if (p.min < min) min = p.min;
    if (p.max > max) max = p.max;
    samples += p.samples;
  }
  return samples === 0 ? null : { mean: sum / samples, min, max, samples };
}
