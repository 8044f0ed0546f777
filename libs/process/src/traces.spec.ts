import {
  absoluteTimesMs,
  closeExcursion,
  cursorProblem,
  decodeFloat32,
  encodeFloat32,
  findExcursions,
  integrateKwh,
  mapTimesToMd,
  mergeStats,
  parseIsoInstantMs,
  parseTraceBatch,
  statsInMdRange,
  traceChannel,
  TRACE_CHANNELS,
  zoneMd,
  type Excursion,
  type MdCursor,
  type OpenExcursion,
  type TraceBatch,
} from './index';

const f64 = (xs: number[]) => Float64Array.from(xs);

function body(over: Record<string, unknown> = {}) {
  return {
    batchId: 'B-0001',
    runId: 'RUN-42',
    t0: '2025-03-14T09:26:53.500Z',
    tS: [0, 1, 2, 3],
    channels: {
      qcm_rate: { unit: 'Å/s', values: [12, 12.1, 11.9, 12] },
      web_speed: { unit: 'm/min', values: [0.5, 0.5, 0.5, 0.5] },
    },
    ...over,
  };
}

function parsed(b: unknown): TraceBatch {
  const r = parseTraceBatch(b);
  if (!r.batch) throw new Error(`unexpected problems: ${JSON.stringify(r.problems)}`);
  return r.batch;
}

function problemsOf(b: unknown) {
  const r = parseTraceBatch(b);
  expect(r.batch).toBeNull();
  return r.problems;
}

describe('trace channel catalogue', () => {
  it('has the line channels with their units and kinds', () => {
    const byName = Object.fromEntries(TRACE_CHANNELS.map((c) => [c.name, `${c.unit} ${c.kind}`]));
    expect(byName).toMatchObject({
      qcm_rate: 'Å/s GAUGE',
      power: 'W GAUGE',
      reflected_power: 'W GAUGE',
      pressure: 'mTorr GAUGE',
      ar_flow: 'sccm GAUGE',
      o2_flow: 'sccm GAUGE',
      n2_flow: 'sccm GAUGE',
      drum_temp: '°C GAUGE',
      substrate_temp: '°C GAUGE',
      furnace_temp: '°C GAUGE',
      source_temp: '°C GAUGE',
      web_speed: 'm/min SPEED',
      encoder_md: 'mm POSITION',
      arc_count: 'count COUNTER',
      shutter: 'state STATE',
      dew_point: '°C GAUGE',
      rh: '% GAUGE',
    });
    expect(new Set(TRACE_CHANNELS.map((c) => c.name)).size).toBe(TRACE_CHANNELS.length);
    expect(traceChannel('pressure')?.unit).toBe('mTorr');
    expect(traceChannel('Pressure')).toBeUndefined();
    expect(Object.isFrozen(TRACE_CHANNELS) && Object.isFrozen(TRACE_CHANNELS[0])).toBe(true);
  });
});

describe('parseTraceBatch', () => {
  it('converts a valid body to typed arrays with the catalogue units', () => {
    const b = parsed(
      body({
        channels: { qcm_rate: { unit: '\u212B/s', values: [1, 2, 3, 4] }, drum_temp: { unit: '℃', values: [-10, -10, -10.5, -11] } },
      }),
    );
    expect(b.batchId).toBe('B-0001');
    expect(b.runId).toBe('RUN-42');
    expect(b.t0Ms).toBe(Date.UTC(2025, 2, 14, 9, 26, 53, 500));
    expect(b.tS).toEqual(f64([0, 1, 2, 3]));
    expect(b.channels).toEqual([
      { name: 'qcm_rate', unit: 'Å/s', values: f64([1, 2, 3, 4]) },
      { name: 'drum_temp', unit: '°C', values: f64([-10, -10, -10.5, -11]) },
    ]);
    expect(absoluteTimesMs(b)).toEqual(f64([0, 1000, 2000, 3000].map((d) => b.t0Ms + d)));
  });

  it('parses 20,000 samples x 10 channels without problems', () => {
    const n = 20_000;
    const tS = Array.from({ length: n }, (_, i) => i * 0.1);
    const names = [
      'qcm_rate',
      'power',
      'reflected_power',
      'pressure',
      'ar_flow',
      'o2_flow',
      'drum_temp',
      'web_speed',
      'arc_count',
      'shutter',
    ];
    const channels = Object.fromEntries(
      names.map((name, k) => [name, { unit: traceChannel(name)!.unit, values: tS.map((t) => Math.sin(t + k) * 100) }]),
    );
    const r = parseTraceBatch(JSON.parse(JSON.stringify(body({ tS, channels }))));
    expect(r.problems).toEqual([]);
    expect(r.batch!.tS.length).toBe(n);
    expect(r.batch!.channels.map((c) => c.values.length)).toEqual(names.map(() => n));
    expect(r.batch!.channels[3].values[n - 1]).toBeCloseTo(Math.sin(tS[n - 1] + 3) * 100, 9);
  });

  it('refuses non-objects', () => {
    for (const b of [null, [], 'x', 3, undefined])
      expect(problemsOf(b)).toEqual([{ path: '$', message: expect.stringMatching(/^expected a JSON object, got /) }]);
  });

  it('names wrong JSON types with their paths', () => {
    expect(problemsOf({ batchId: 7, runId: '', t0: 1710000000000, tS: '0,1', channels: [], extra: true })).toEqual([
      { path: 'extra', message: 'unexpected property; expected only batchId, runId, t0, tS, channels' },
      { path: 'batchId', message: 'expected a non-blank string of 1 to 100 characters, got 7' },
      { path: 'runId', message: 'expected a non-blank string of 1 to 100 characters, got string ""' },
      { path: 't0', message: expect.stringMatching(/^expected an ISO-8601 date-time with seconds and a zone, .* got 1710000000000$/) },
      { path: 'tS', message: 'expected an array of 1 to 20000 numbers (seconds since t0), got string "0,1"' },
      { path: 'channels', message: 'expected an object of channels keyed by name, got an array' },
    ]);
    expect(problemsOf(body({ batchId: 'x'.repeat(101) }))[0].path).toBe('batchId');
  });

  it('requires t0 with a zone and a real calendar date', () => {
    for (const t0 of [
      '2025-03-14T09:26:53',
      '2025-02-29T00:00:00Z',
      '2025-03-14 09:26:53Z',
      '2025-03-14T24:00:00Z',
      '2025-03-14T09:26Z',
      '2025-13-01T00:00:00Z',
    ]) {
      expect(problemsOf(body({ t0 })).map((p) => p.path)).toEqual(['t0']);
    }
    expect(parsed(body({ t0: '2024-02-29T10:26:53.25+01:00' })).t0Ms).toBe(Date.UTC(2024, 1, 29, 9, 26, 53, 250));
  });

  it('refuses times that differ by less than the stored epoch milliseconds can hold (found by fuzzing: a 500 before)', () => {
    const channels = { web_speed: { unit: 'm/min', values: [0.05, 0.05, 0.05, 0.05] } };
    expect(problemsOf(body({ tS: [0, 1.0758012725520973e-305, 2, 3], channels }))).toEqual([
      {
        path: 'tS[1]',
        message: 'expected a time distinguishable from tS[0] (0) at millisecond epoch resolution, got 1.0758012725520973e-305',
      },
    ]);
    expect(parseTraceBatch(body({ tS: [0, 1e-6, 2, 3], channels })).problems).toEqual([]);
  });

  it('requires tS finite, >= 0 and strictly increasing', () => {
    const channels = { qcm_rate: { unit: 'Å/s', values: [1, 2, 3, 4, 5] } };
    expect(problemsOf(body({ tS: [0, 1, 1, -2, '4'], channels }))).toEqual([
      { path: 'tS[2]', message: 'expected times to increase strictly, got 1 after 1 at tS[1]' },
      { path: 'tS[3]', message: 'expected a finite number >= 0, got -2' },
      { path: 'tS[4]', message: 'expected a finite number >= 0, got string "4"' },
    ]);
    expect(problemsOf(body({ tS: [] }))[0]).toEqual({
      path: 'tS',
      message: 'expected an array of 1 to 20000 numbers (seconds since t0), got 0 elements',
    });
    expect(problemsOf(body({ tS: new Array(20_001).fill(0) }))[0].message).toMatch(/got 20001 elements$/);
  });

  it('checks channel names, units (naming the expected one), lengths and values', () => {
    const problems = problemsOf(
      body({
        channels: {
          qcm: { unit: 'Å/s', values: [1, 2, 3, 4] },
          pressure: { unit: 'Pa', values: [1, 2, 3, 4] },
          power: { unit: 'W', values: [1, 2, 3] },
          drum_temp: { unit: '°C', values: [1, null, 3, 'x'], scale: 1 },
          rh: [1, 2, 3, 4],
        },
      }),
    );
    expect(problems).toEqual([
      { path: 'channels.qcm', message: expect.stringMatching(/^unknown trace channel; expected one of qcm_rate, power, /) },
      { path: 'channels.pressure.unit', message: 'expected "mTorr" (the unit of pressure), got string "Pa"' },
      { path: 'channels.power.values', message: 'expected 4 values (one per element of tS), got 3' },
      { path: 'channels.drum_temp.scale', message: 'unexpected property; expected only unit, values' },
      { path: 'channels.drum_temp.values[1]', message: 'expected a finite number, got null' },
      { path: 'channels.drum_temp.values[3]', message: 'expected a finite number, got string "x"' },
      { path: 'channels.rh', message: 'expected an object { unit, values }, got an array' },
    ]);
  });

  it('requires 1 to 32 channels', () => {
    expect(problemsOf(body({ channels: {} }))).toEqual([{ path: 'channels', message: 'expected 1 to 32 channels, got 0' }]);
    const many = Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`c${i}`, {}]));
    expect(problemsOf(body({ channels: many }))[0]).toEqual({ path: 'channels', message: 'expected 1 to 32 channels, got 33' });
  });

  it('stops after 20 problems and says so', () => {
    const values = new Array(1000).fill(null);
    const problems = problemsOf(body({ tS: values.map((_, i) => i), channels: { power: { unit: 'W', values } } }));
    expect(problems).toHaveLength(21);
    expect(problems[19]).toEqual({ path: 'channels.power.values[19]', message: 'expected a finite number, got null' });
    expect(problems[20]).toEqual({ path: '$', message: 'more problems not listed (at most 20 are reported)' });
  });

  it('quotes odd channel names in paths', () => {
    expect(problemsOf(body({ channels: { 'a.b': {} } }))[0].path).toBe('channels["a.b"]');
  });
});

describe('parseIsoInstantMs', () => {
  it('reads offsets, lower-case designators and up to nanosecond fractions', () => {
    const base = Date.UTC(2025, 0, 1, 0, 0, 0);
    expect(parseIsoInstantMs('2025-01-01T00:00:00Z')).toBe(base);
    expect(parseIsoInstantMs('2025-01-01t05:30:00+0530')).toBe(base);
    expect(parseIsoInstantMs('2024-12-31T20:00:00-04:00')).toBe(base);
    expect(parseIsoInstantMs('2025-01-01T00:00:00.000123456z')).toBeCloseTo(base + 0.123456, 3);
    expect(parseIsoInstantMs('2025-01-01T00:00:60Z')).toBeNull();
    expect(parseIsoInstantMs('2025-01-01T00:00:00+24:00')).toBeNull();
    expect(parseIsoInstantMs('  2025-01-01T00:00:00Z')).toBeNull();
  });
});

describe('mapTimesToMd', () => {
  const MM_PER_S = 1000 / 60; // 1 m/min

  it('puts the first sample of a run at md0 and integrates the speed (trapezoid)', () => {
    const t = f64([0, 1000, 2000, 4000]);
    const speed = f64([1, 1, 3, 3]); // m/min
    const { mdMm, cursor } = mapTimesToMd(t, { speedMPerMin: speed, cursor: null, md0Mm: 250 });
    expect(Array.from(mdMm)).toEqual([250, 250 + MM_PER_S, 250 + 3 * MM_PER_S, 250 + 9 * MM_PER_S].map((x) => expect.closeTo(x, 9)));
    expect(cursor).toEqual({ tMs: 4000, mdMm: mdMm[3], speedMmPerS: 3 * MM_PER_S });
  });

  it('continues from the cursor, integrating the gap before the first sample: batches add up to the whole run', () => {
    const n = 1000;
    const t = new Float64Array(n);
    const speed = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      t[i] = 1.7e12 + i * 250 + (i > 600 ? 5000 : 0); // a 5 s gap between samples 600 and 601
      speed[i] = 0.5 + 0.2 * Math.sin(i / 30);
    }
    const whole = mapTimesToMd(t, { speedMPerMin: speed, cursor: null, md0Mm: 0 });
    let cursor: MdCursor | null = null;
    const pieces: number[] = [];
    for (const [a, b] of [
      [0, 1],
      [1, 333],
      [333, 601],
      [601, 1000],
    ]) {
      const r = mapTimesToMd(t.subarray(a, b), { speedMPerMin: speed.subarray(a, b), cursor, md0Mm: 0 });
      pieces.push(...r.mdMm);
      cursor = r.cursor;
    }
    expect(pieces.map((x, i) => Math.abs(x - whole.mdMm[i])).reduce((m, d) => Math.max(m, d), 0)).toBeLessThan(1e-9);
    expect(cursor).toEqual(whole.cursor);
    // the gap counts: 5 s at ~0.5 m/min is ~42 mm beyond a gap-free run
    expect(whole.mdMm[601] - whole.mdMm[600]).toBeGreaterThan(5.25 * 0.29 * MM_PER_S);
  });

  it('ignores md0 once a cursor exists, and lets MD run backwards on a negative speed', () => {
    const r = mapTimesToMd(f64([2000, 3000]), {
      speedMPerMin: f64([-6, -6]),
      cursor: { tMs: 1000, mdMm: 500, speedMmPerS: -100 },
      md0Mm: 9999,
    });
    expect(Array.from(r.mdMm)).toEqual([500 - 100, 500 - 200]);
  });

  it('takes the encoder reading as MD directly and estimates the cursor speed from it', () => {
    const r = mapTimesToMd(f64([0, 1000, 2000]), { encoderMm: f64([10, 20, 35]), cursor: null, md0Mm: 0 });
    expect(Array.from(r.mdMm)).toEqual([10, 20, 35]);
    expect(r.cursor).toEqual({ tMs: 2000, mdMm: 35, speedMmPerS: 15 });
    const next = mapTimesToMd(f64([3000]), { encoderMm: f64([50]), cursor: r.cursor, md0Mm: 0 });
    expect(next.cursor).toEqual({ tMs: 3000, mdMm: 50, speedMmPerS: 15 });
    const withSpeed = mapTimesToMd(f64([0, 1000]), { encoderMm: f64([0, 16]), speedMPerMin: f64([1, 1.2]), cursor: null, md0Mm: 5 });
    expect(Array.from(withSpeed.mdMm)).toEqual([0, 16]);
    expect(withSpeed.cursor.speedMmPerS).toBeCloseTo(20, 12);
  });

  it('throws without a speed or encoder channel, on length mismatch, and on batches not after the cursor', () => {
    expect(() => mapTimesToMd(f64([0]), { cursor: null, md0Mm: 0 })).toThrow(/needs a web_speed or an encoder_md channel/);
    expect(() => mapTimesToMd(f64([0, 1]), { speedMPerMin: f64([1]), cursor: null, md0Mm: 0 })).toThrow(
      /web_speed has 1 values, expected 2/,
    );
    const cursor = { tMs: Date.UTC(2025, 0, 1), mdMm: 0, speedMmPerS: 1 };
    const early = f64([cursor.tMs, cursor.tMs + 1]);
    expect(cursorProblem(cursor, early)).toBe(
      'expected the batch to start after the previous one ended (2025-01-01T00:00:00.000Z), got a first sample at 2025-01-01T00:00:00.000Z',
    );
    expect(() => mapTimesToMd(early, { speedMPerMin: f64([1, 1]), cursor, md0Mm: 0 })).toThrow(/start after the previous one ended/);
    expect(() => mapTimesToMd(f64([0, 0]), { speedMPerMin: f64([1, 1]), cursor: null, md0Mm: 0 })).toThrow(/increase strictly/);
    expect(cursorProblem(null, early)).toBeNull();
  });

  it('returns the cursor unchanged for an empty batch', () => {
    const cursor = { tMs: 5, mdMm: 6, speedMmPerS: 7 };
    expect(mapTimesToMd(f64([]), { speedMPerMin: f64([]), cursor, md0Mm: 0 })).toEqual({ mdMm: f64([]), cursor });
    expect(() => mapTimesToMd(f64([]), { speedMPerMin: f64([]), cursor: null, md0Mm: 0 })).toThrow(/at least one sample/);
  });

  it('zoneMd shifts by the zone offset without touching the input', () => {
    const md = f64([0, 10]);
    expect(zoneMd(md, -350)).toEqual(f64([-350, -340]));
    expect(md).toEqual(f64([0, 10]));
  });
});

describe('integrateKwh', () => {
  it('integrates power over time in kWh, batches adding up including the gap between them', () => {
    const hour = 3_600_000;
    expect(integrateKwh(f64([0, hour]), f64([1000, 1000]))).toBeCloseTo(1, 12);
    expect(integrateKwh(f64([0, hour]), f64([0, 2000]))).toBeCloseTo(1, 12);
    expect(integrateKwh(f64([5]), f64([1e6]))).toBe(0);
    expect(integrateKwh(f64([]), f64([]))).toBe(0);
    const t = f64([0, 600_000, 1_200_000, hour, 2 * hour]);
    const p = f64([2000, 2100, 1900, 2000, 500]);
    const whole = integrateKwh(t, p);
    const first = integrateKwh(t.subarray(0, 2), p.subarray(0, 2));
    const rest = integrateKwh(t.subarray(2), p.subarray(2), { tMs: t[1], powerW: p[1] });
    expect(first + rest).toBeCloseTo(whole, 12);
  });

  it('throws on mismatched lengths or a batch not after the previous sample', () => {
    expect(() => integrateKwh(f64([0, 1]), f64([1]))).toThrow(/power has 1 values, expected 2/);
    expect(() => integrateKwh(f64([0]), f64([1]), { tMs: 0, powerW: 1 })).toThrow(/after the previous one/);
  });
});

describe('findExcursions', () => {
  const band = { setpoint: 10, tolerancePct: 20, minDurationS: 2 }; // in band: [8, 12] inclusive
  const t = (n: number, t0 = 0) => f64(Array.from({ length: n }, (_, i) => t0 + i * 1000));

  it('finds maximal out-of-band runs lasting at least minDurationS (first to last out-of-band sample)', () => {
    const values = f64([10, 13, 14, 12.5, 10, 8, 12, 7, 10, 5, 5, 5, 5, 10]);
    const md = f64(Array.from(values, (_, i) => 100 + i * 5));
    const r = findExcursions(t(values.length), md, values, band, null);
    expect(r.open).toBeNull();
    expect(r.closed).toEqual<Excursion[]>([
      { startMs: 1000, endMs: 3000, mdStartMm: 105, mdEndMm: 115, worst: 14, min: 12.5, max: 14, samples: 3 },
      { startMs: 9000, endMs: 12000, mdStartMm: 145, mdEndMm: 160, worst: 5, min: 5, max: 5, samples: 4 },
    ]); // the single sample at 7000 ms (7) lasts 0 s and is dropped; 8 and 12 are in band
    expect(findExcursions(t(values.length), md, values, { ...band, minDurationS: 0 }, null).closed).toHaveLength(3);
  });

  it('reports the sample furthest from the setpoint as worst, on either side', () => {
    const r = findExcursions(t(4), f64([0, 1, 2, 3]), f64([13, 6.5, 13.4, 6]), { ...band, minDurationS: 0 }, null);
    expect(r.open).toMatchObject({ worst: 6, min: 6, max: 13.4, samples: 4 });
  });

  it('sorts the MD range when the MD decreases with time', () => {
    const r = findExcursions(t(3), f64([900, 880, 860]), f64([20, 20, 20]), { ...band, minDurationS: 0 }, null);
    expect(r.open).toMatchObject({ mdStartMm: 860, mdEndMm: 900, heldToMdMm: null });
  });

  it('handles a negative setpoint (the band is ± |setpoint|)', () => {
    const r = findExcursions(t(3), f64([0, 1, 2]), f64([-40, -47, -33]), { setpoint: -40, tolerancePct: 10, minDurationS: 0 }, null);
    expect(r.open).toMatchObject({ samples: 2, worst: -47, min: -47, max: -33 });
  });

  it('carries an excursion open across batches, whatever its duration, keeping heldToMdMm', () => {
    const first = findExcursions(t(3), f64([0, 1, 2]), f64([10, 10, 20]), band, null);
    expect(first.closed).toEqual([]);
    expect(first.open).toMatchObject({ startMs: 2000, endMs: 2000, samples: 1, heldToMdMm: null });
    const open: OpenExcursion = { ...first.open!, heldToMdMm: 2 };
    const frozen = Object.freeze({ ...open });
    const second = findExcursions(t(3, 3000), f64([3, 4, 5]), f64([21, 22, 23]), band, frozen);
    expect(frozen).toEqual(open); // the input is not modified
    expect(second.open).toEqual({
      startMs: 2000,
      endMs: 5000,
      mdStartMm: 2,
      mdEndMm: 5,
      worst: 23,
      min: 20,
      max: 23,
      samples: 4,
      heldToMdMm: 2,
    });
    const third = findExcursions(t(2, 6000), f64([6, 7]), f64([10, 10]), band, second.open);
    expect(third).toEqual({
      closed: [{ startMs: 2000, endMs: 5000, mdStartMm: 2, mdEndMm: 5, worst: 23, min: 20, max: 23, samples: 4 }],
      open: null,
    });
    // a short open excursion closed by the next batch is dropped
    expect(findExcursions(t(1, 3000), f64([3]), f64([10]), band, first.open).closed).toEqual([]);
  });

  it('gives the same excursions however the run is split into batches', () => {
    const n = 2000;
    const times = new Float64Array(n);
    const md = new Float64Array(n);
    const values = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      times[i] = 1.74e12 + i * 1000 + 0.1; // epoch ms carry rounding: 60 s must still count as 60 s
      md[i] = i * 8.3;
      values[i] = 10 + 4 * Math.sin(i / 37) * Math.sin(i / 11);
    }
    const bandLong = { setpoint: 10, tolerancePct: 20, minDurationS: 5 };
    const run = (cuts: number[]) => {
      const all: Excursion[] = [];
      let open: OpenExcursion | null = null;
      const edges = [0, ...cuts, n];
      for (let k = 0; k + 1 < edges.length; k++) {
        const [a, b] = [edges[k], edges[k + 1]];
        const r = findExcursions(times.subarray(a, b), md.subarray(a, b), values.subarray(a, b), bandLong, open);
        all.push(...r.closed);
        open = r.open;
      }
      const last = open ? closeExcursion(open, bandLong.minDurationS) : null;
      return last ? [...all, last] : all;
    };
    const whole = run([]);
    expect(whole.length).toBeGreaterThan(5);
    expect(whole.every((e) => e.endMs - e.startMs >= 5000 - 1e-3 && e.mdStartMm < e.mdEndMm)).toBe(true);
    expect(run([1, 500, 501, 1234, 1999])).toEqual(whole);
    expect(run(Array.from({ length: 199 }, (_, i) => (i + 1) * 10))).toEqual(whole);
  });

  it('counts a duration equal to minDurationS despite floating-point time', () => {
    const t0 = 1741944413123.4;
    const times = f64([t0, t0 + 0.1 * 1000 * 3 * 200]); // 60 s written as tS * 1000
    const r = findExcursions(times, f64([0, 1]), f64([20, 20]), { setpoint: 10, tolerancePct: 20, minDurationS: 60 }, null);
    expect(closeExcursion(r.open!, 60)).not.toBeNull();
    expect(closeExcursion(r.open!, 60.001)).toBeNull();
  });

  it('throws on a malformed band or mismatched lengths', () => {
    expect(() => findExcursions(t(2), f64([0]), f64([1, 2]), band, null)).toThrow(/expected as many/);
    expect(() => findExcursions(t(1), f64([0]), f64([1]), { ...band, tolerancePct: 0 }, null)).toThrow(/invalid band/);
  });
});

describe('float32 storage', () => {
  it('round-trips little-endian float32, also from an unaligned Buffer slice', () => {
    const values = [0, 1.5, -2.25, 12.345678, 3.4e38];
    const buf = encodeFloat32(values);
    expect(buf.length).toBe(20);
    expect(buf.subarray(4, 8)).toEqual(Buffer.from([0x00, 0x00, 0xc0, 0x3f])); // 1.5f, little-endian
    const padded = Buffer.concat([Buffer.from([9]), buf]).subarray(1); // byteOffset 1
    for (const b of [buf, padded, new Uint8Array(buf)]) {
      const back = decodeFloat32(b);
      expect(Array.from(back)).toEqual(values.map((v) => Math.fround(v)));
    }
    const decoded = decodeFloat32(buf);
    buf[0] = 0xff;
    expect(decoded[0]).toBe(0); // not aliased
    expect(decodeFloat32(Buffer.alloc(0))).toEqual(new Float32Array(0));
    expect(() => decodeFloat32(Buffer.alloc(6))).toThrow(/multiple of 4 bytes/);
  });
});

describe('statsInMdRange and mergeStats', () => {
  it('takes samples with from <= md < to, whichever way MD runs', () => {
    const values = [1, 2, 3, 4, 5];
    expect(statsInMdRange([0, 10, 20, 30, 40], values, 10, 40)).toEqual({ mean: 3, min: 2, max: 4, samples: 3 });
    expect(statsInMdRange(f64([40, 30, 20, 10, 0]), f64(values), 10, 40)).toEqual({ mean: 3, min: 2, max: 4, samples: 3 });
    expect(statsInMdRange([0, 10], [1, 2], 50, 60)).toBeNull();
    expect(statsInMdRange([0, 10], [1, 2], 10, 10)).toBeNull();
    expect(() => statsInMdRange([0], [1, 2], 0, 1)).toThrow(/expected as many values/);
  });

  it('merges parts weighted by their sample counts', () => {
    const a = statsInMdRange([0, 1, 2], [1, 2, 3], 0, 10)!;
    const b = statsInMdRange([5], [10], 0, 10)!;
    expect(mergeStats([a, { mean: 0, min: 0, max: 0, samples: 0 }, b])).toEqual({ mean: 4, min: 1, max: 10, samples: 4 });
    expect(mergeStats([])).toBeNull();
  });
});
