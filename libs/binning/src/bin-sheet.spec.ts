import { binSheet, binSheetWithStats } from './bin-sheet';
import { defaultAsMadeRuleSet } from './default-rule-set';
import { goodCell, ruleSetWith } from './testing';
import { BinningInput, Rule } from './types';

const ctx = { activeAreaCm2: 1 };

/** n good cells with ASR spread evenly over ±5 % around 150 Ω·cm². */
function sheet(n: number): BinningInput[] {
  return Array.from({ length: n }, (_, i) => {
    const asr = 150 * (0.95 + (0.1 * i) / Math.max(1, n - 1));
    return goodCell({ row: Math.floor(i / 10), col: i % 10, asrOhmCm2: asr, asr25COhmCm2: asr });
  });
}

describe('binSheet: rule kinds', () => {
  it('measurement: NO_CONTACT → soft bin 0 / hard 0 (retest), and missing required values → 0', () => {
    const rs = ruleSetWith([{ id: 'contact', kind: 'measurement', softBin: 0, requireMetrics: ['lowFreqAbsZOhm'] }]);
    const [nc, noZ, ok] = binSheet(
      rs,
      [goodCell({ status: 'NO_CONTACT', ocvV: null }), goodCell({ lowFreqAbsZOhm: null }), goodCell()],
      ctx,
    );
    expect(nc).toMatchObject({ softBin: 0, hardBin: 0, binName: 'RIG_FAULT', ruleId: 'contact', value: 'NO_CONTACT' });
    expect(noZ).toMatchObject({ softBin: 0, metric: 'lowFreqAbsZOhm', value: null });
    expect(ok.pass).toBe(true);
  });

  it('signature rules fail on the listed signatures only', () => {
    const rs = ruleSetWith([
      { id: 'short', kind: 'signature', softBin: 10, signatures: ['SHORT'] },
      { id: 'open', kind: 'signature', softBin: 12, signatures: ['OPEN'] },
    ]);
    const r = binSheet(rs, [goodCell({ signature: 'SHORT' }), goodCell({ signature: 'OPEN' }), goodCell({ signature: 'LEAKY' })], ctx);
    expect(r.map((x) => x.softBin)).toEqual([10, 12, 1]);
    expect(r[0]).toMatchObject({ binName: 'FAIL_SHORT', hardBin: 2, ruleId: 'short', metric: 'signature', value: 'SHORT' });
  });

  it('static limits report the value against the limit; `when` gates the rule; onMissing decides nulls', () => {
    const rs = ruleSetWith([
      {
        id: 'short-z',
        kind: 'staticLimit',
        softBin: 10,
        metric: 'lowFreqAbsZOhm',
        lower: 1e4,
        when: [{ metric: 'lowFreqPhaseDeg', above: -45 }],
      },
      { id: 'hiz', kind: 'staticLimit', softBin: 13, metric: 'asrOhmCm2', upper: 500, onMissing: 'fail' },
    ]);
    const r = binSheet(
      rs,
      [
        goodCell({ lowFreqAbsZOhm: 120, lowFreqPhaseDeg: -3 }),
        goodCell({ lowFreqAbsZOhm: 5000, lowFreqPhaseDeg: -85 }), // capacitive: not a short
        goodCell({ asrOhmCm2: 900 }),
        goodCell({ asrOhmCm2: null, rOhmicOhm: null }),
      ],
      ctx,
    );
    expect(r[0]).toMatchObject({
      softBin: 10,
      ruleId: 'short-z',
      ruleKind: 'staticLimit',
      metric: 'lowFreqAbsZOhm',
      value: 120,
      limit: { lower: 1e4, upper: null },
    });
    expect(r[0].reason).toBe('lowFreqAbsZOhm 120 < lower limit 10000');
    expect(r[1].pass).toBe(true);
    expect(r[2]).toMatchObject({ softBin: 13, value: 900, limit: { lower: null, upper: 500 } });
    expect(r[3]).toMatchObject({ softBin: 13, value: null, reason: 'asrOhmCm2 missing' });
  });

  it('asrOhmCm2 falls back to (rOhmic + rLipon + rCt) x area', () => {
    const rs = ruleSetWith([{ id: 'hiz', kind: 'staticLimit', softBin: 13, metric: 'asrOhmCm2', upper: 500 }]);
    const cell = goodCell({ asrOhmCm2: null, rOhmicOhm: 10, rLiponOhm: 50, rCtOhm: 190 });
    const [r] = binSheet(rs, [cell], { activeAreaCm2: 4 });
    expect(r).toMatchObject({ softBin: 13, value: 1000 });
  });

  it('OCV window', () => {
    const rs = ruleSetWith([{ id: 'ocv', kind: 'ocvWindow', softBin: 14, lower: -0.05, upper: 1.5 }]);
    const r = binSheet(rs, [goodCell({ ocvV: 2.1 }), goodCell({ ocvV: -0.2 }), goodCell({ ocvV: 0 })], ctx);
    expect(r.map((x) => x.softBin)).toEqual([14, 14, 1]);
    expect(r[0]).toMatchObject({ metric: 'ocvV', value: 2.1, limit: { lower: -0.05, upper: 1.5 } });
  });

  it('fit quality: not converged, relative RMS, KK residual', () => {
    const rs = ruleSetWith([
      { id: 'fit', kind: 'fitQuality', softBin: 17, requireConverged: true, maxFitRelRms: 0.05, maxKkResidual: 0.05 },
    ]);
    const r = binSheet(
      rs,
      [
        goodCell({ fitConverged: false }),
        goodCell({ fitRelRms: 0.08 }),
        goodCell({ kkMaxResidual: 0.2 }),
        goodCell({ fitConverged: null }),
        goodCell(),
      ],
      ctx,
    );
    expect(r.map((x) => x.softBin)).toEqual([17, 17, 17, 17, 1]);
    expect(r[0]).toMatchObject({ metric: 'fitConverged', value: false });
    expect(r[1]).toMatchObject({ metric: 'fitRelRms', value: 0.08, limit: { lower: null, upper: 0.05 } });
    expect(r[2]).toMatchObject({ metric: 'kkMaxResidual', value: 0.2 });
  });
});

describe('binSheet: first failing rule decides', () => {
  const rules: Rule[] = [
    { id: 'contact', kind: 'measurement', softBin: 0 },
    { id: 'short', kind: 'signature', softBin: 10, signatures: ['SHORT'] },
    { id: 'ocv', kind: 'ocvWindow', softBin: 14, lower: -0.05, upper: 1.5 },
    { id: 'hiz', kind: 'staticLimit', softBin: 13, metric: 'asrOhmCm2', upper: 500 },
  ];

  it('a cell failing several rules gets the bin of the earliest one', () => {
    const bad = goodCell({ signature: 'SHORT', ocvV: 3, asrOhmCm2: 900 });
    expect(binSheet(ruleSetWith(rules), [bad], ctx)[0]).toMatchObject({ softBin: 10, ruleId: 'short' });
    // the same cell under a rule set where the OCV rule comes first
    const reordered = [rules[0], rules[2], rules[1], rules[3]];
    expect(binSheet(ruleSetWith(reordered), [bad], ctx)[0]).toMatchObject({ softBin: 14, ruleId: 'ocv' });
    const noContact = goodCell({ status: 'NO_CONTACT', signature: 'SHORT' });
    expect(binSheet(ruleSetWith(rules), [noContact], ctx)[0].softBin).toBe(0);
  });

  it('records the rule set name and version with every result, and keeps the input order', () => {
    const cells = sheet(5);
    cells[2] = goodCell({ row: 0, col: 2, asrOhmCm2: 900 });
    const r = binSheet(ruleSetWith(rules), cells, ctx);
    expect(r.map((x) => [x.row, x.col])).toEqual(cells.map((c) => [c.row, c.col]));
    expect(r.every((x) => x.ruleSetName === 'test' && x.ruleSetVersion === 3)).toBe(true);
    expect(r[2].softBin).toBe(13);
  });

  it('rejects a sheet whose cell area differs from the rule set product', () => {
    const rs = { ...ruleSetWith(rules), product: { activeAreaCm2: 1 } };
    expect(() => binSheet(rs, sheet(3), { activeAreaCm2: 0.25 })).toThrow(/1 cm².*0.25 cm²/);
  });

  it('refuses an invalid rule set', () => {
    const rs = ruleSetWith([{ id: 'x', kind: 'signature', softBin: 42, signatures: ['SHORT'] }]);
    expect(() => binSheet(rs, sheet(3), ctx)).toThrow(/soft bin 42 is not defined/);
  });
});

describe('binSheet: dynamic limits (part-average testing)', () => {
  const pat: Rule = {
    id: 'pat',
    kind: 'dynamicLimit',
    softBin: 16,
    metric: 'asrOhmCm2',
    side: 'both',
    scale: 'log',
    k: 6,
    minPopulation: 30,
  };

  it('flags in-spec outliers relative to their sheet, and reports the sheet limits', () => {
    const cells = sheet(100);
    cells[10] = goodCell({ asrOhmCm2: 260 }); // within any static limit, but far from its peers
    cells[20] = goodCell({ asrOhmCm2: 90 });
    const { results, stats } = binSheetWithStats(ruleSetWith([pat]), cells, ctx);
    expect(results.filter((r) => r.softBin === 16).map((r) => r.value)).toEqual([260, 90]);
    expect(results[10]).toMatchObject({ ruleId: 'pat', binName: 'FAIL_OUTLIER', metric: 'asrOhmCm2' });
    const st = stats.dynamicLimits[0];
    expect(st).toMatchObject({ ruleId: 'pat', applied: true, population: 100 });
    expect(st.median).toBeCloseTo(150, 0);
    expect(results[10].limit).toEqual({ lower: st.lower, upper: st.upper });
    expect(st.lower as number).toBeGreaterThan(90);
    expect(st.upper as number).toBeLessThan(260);
    expect(results.filter((r) => r.pass)).toHaveLength(98);
  });

  it('computes statistics only over cells that passed the earlier rules', () => {
    // 40 shorts with tiny ASR would drag the median down if they were counted
    const cells = sheet(60).concat(Array.from({ length: 40 }, () => goodCell({ signature: 'SHORT', asrOhmCm2: 2 })));
    const rs = ruleSetWith([{ id: 'short', kind: 'signature', softBin: 10, signatures: ['SHORT'] }, pat]);
    const { results, stats } = binSheetWithStats(rs, cells, ctx);
    expect(stats.dynamicLimits[0].population).toBe(60);
    expect(stats.dynamicLimits[0].median).toBeCloseTo(150, 0);
    expect(results.filter((r) => r.softBin === 10)).toHaveLength(40);
    expect(results.filter((r) => r.pass)).toHaveLength(60);
  });

  it('is skipped below the minimum population, and honours one-sided limits and the half-width floor', () => {
    const few = binSheetWithStats(ruleSetWith([pat]), [...sheet(10), goodCell({ asrOhmCm2: 5000 })], ctx);
    expect(few.stats.dynamicLimits[0]).toMatchObject({ applied: false, population: 11 });
    expect(few.results[10].pass).toBe(true);

    // identical values: MAD = 0, the floor keeps ±10 % open
    const flat = Array.from({ length: 50 }, () => goodCell({ asrOhmCm2: 150 }));
    flat.push(goodCell({ asrOhmCm2: 160 }), goodCell({ asrOhmCm2: 120 }));
    const upperOnly: Rule = { ...pat, side: 'upper', minHalfWidth: Math.log(1.1) };
    const r = binSheet(ruleSetWith([upperOnly]), flat, ctx);
    expect(r[50].pass).toBe(true); // +6.7 % < +10 %
    expect(r[51].pass).toBe(true); // low side not tested
    const r2 = binSheet(ruleSetWith([{ ...upperOnly, minHalfWidth: 0 }]), flat, ctx);
    expect(r2[50].softBin).toBe(16);
  });
});

describe('binSheet: grading', () => {
  it('grades passing cells by ASR relative to the sheet median of the passing cells', () => {
    const cells = Array.from({ length: 9 }, () => goodCell({ asrOhmCm2: 200 }));
    cells.push(
      goodCell({ asrOhmCm2: 225 }), // +12.5 % → 1
      goodCell({ asrOhmCm2: 150 }), // −25 % → 2
      goodCell({ asrOhmCm2: 300 }), // +50 % → 3
      goodCell({ asrOhmCm2: null, rCtOhm: null }), // no value → lowest grade
      goodCell({ asrOhmCm2: 5, signature: 'SHORT' }), // failed, not in the median
    );
    const rs = ruleSetWith([{ id: 'short', kind: 'signature', softBin: 10, signatures: ['SHORT'] }]);
    const { results, stats } = binSheetWithStats(rs, cells, ctx);
    expect(stats.grading).toEqual({ ruleId: 'grade', metric: 'asrOhmCm2', population: 12, median: 200 });
    expect(results.slice(9).map((r) => r.softBin)).toEqual([1, 2, 3, 3, 10]);
    expect(results[10]).toMatchObject({
      ruleId: 'grade',
      ruleKind: 'grading',
      hardBin: 1,
      binName: 'PASS_B',
      value: 150,
      limit: { lower: 140, upper: 260 },
    });
    expect(results[10].reason).toContain('-25.0 % from the sheet median 200');
  });

  it("side 'upper' only penalises values above the median", () => {
    const cells = [...Array.from({ length: 5 }, () => goodCell({ asrOhmCm2: 200 })), goodCell({ asrOhmCm2: 100 })];
    const r = binSheet(ruleSetWith([], { side: 'upper' }), cells, ctx);
    expect(r[5].softBin).toBe(1);
  });

  // Its speed is measured by `npm run bench` (binning), not asserted here: a loaded machine made a
  // 100 ms bound fail with nothing wrong.
  it('bins a whole 2,500-cell sheet: one passing result per cell', () => {
    const rs = defaultAsMadeRuleSet(1);
    const cells = Array.from({ length: 2500 }, (_, i) => goodCell({ asrOhmCm2: 150 + (i % 37), lowFreqPhaseDeg: -82 + (i % 7) * 0.1 }));
    const r = binSheet(rs, cells, ctx);
    expect(r).toHaveLength(2500);
    expect(r.every((c) => c.softBin >= 1 && c.softBin <= 9)).toBe(true);
  });
});
