import { correlation, CyclerCsvError, cyclingStats, parseCyclerCsv } from './cycling';

describe('cycler CSV', () => {
  it('reads the generic layout and computes CE where it is empty', () => {
    const { layout, rows } = parseCyclerCsv(
      'cycle,charge_mah,discharge_mah,ce_pct,discharge_energy_mwh,end_voltage_v\n1,1.05,1.0,,3.9,4.2\n2,1.0,0.999,99.9,3.89,4.2\n',
    );
    expect(layout).toBe('GENERIC');
    expect(rows[0]).toEqual({
      cycle: 1,
      chargeMah: 1.05,
      dischargeMah: 1.0,
      coulombicEfficiencyPct: 95.24,
      dischargeEnergyMwh: 3.9,
      endVoltageV: 4.2,
    });
    expect(rows[1].coulombicEfficiencyPct).toBe(99.9);
  });

  it('reads an Arbin cycle statistics export in Ah and Wh', () => {
    const csv =
      'Data_Point,Cycle_Index,Test_Time(s),Charge_Capacity(Ah),Discharge_Capacity(Ah),Charge_Energy(Wh),Discharge_Energy(Wh),V_Max_On_Cycle(V)\n1,1,3600,0.00105,0.001,0.0042,0.0039,4.2\n2,2,7200,0.001,0.00099,0.004,0.00386,4.2\n';
    const { layout, rows } = parseCyclerCsv(csv);
    expect(layout).toBe('ARBIN');
    expect(rows[1].dischargeMah).toBeCloseTo(0.99, 12);
    expect(rows[1].dischargeEnergyMwh).toBeCloseTo(3.86, 12);
    expect(rows[1].coulombicEfficiencyPct).toBe(99);
  });

  it('refuses a file with every problem named by line', () => {
    expect(() => parseCyclerCsv('foo,bar\n1,2')).toThrow('unknown layout');
    try {
      parseCyclerCsv('cycle,charge_mah,discharge_mah\n1,1,x\n2,1,1\n2,1,1\n');
      throw new Error('expected a refusal');
    } catch (e) {
      expect(e).toBeInstanceOf(CyclerCsvError);
      expect((e as CyclerCsvError).problems).toEqual([
        { line: 2, message: 'discharge capacity "x" is not a number' },
        { line: 4, message: 'cycle 2 does not follow cycle 2' },
      ]);
      expect((e as Error).message).toMatch(/line 2: discharge capacity "x" is not a number/);
    }
  });
});

describe('cycling statistics', () => {
  it('finds retention, cycles to 95 % and 80 %, and CE statistics', () => {
    const rows = Array.from({ length: 300 }, (_, i) => ({
      cycle: i + 1,
      chargeMah: 1,
      dischargeMah: 1 - i * 0.001,
      coulombicEfficiencyPct: i === 0 ? 90 : 99.9,
      dischargeEnergyMwh: null,
      endVoltageV: null,
    }));
    const s = cyclingStats(rows);
    expect(s.retention).toBeCloseTo(0.701, 9);
    expect(s.cyclesTo95).toBe(52);
    expect(s.cyclesTo80).toBe(202);
    expect(s.minCePct).toBe(90);
    expect(s.meanCeAfterFirstPct).toBe(99.9);
  });

  it('correlates paired values', () => {
    expect(correlation([1, 2, 3, 4], [2, 4, 6, 8])).toBeCloseTo(1, 12);
    expect(correlation([1, 2, 3], [3, 2, 1])).toBeCloseTo(-1, 12);
    expect(correlation([1, 1, 1], [1, 2, 3])).toBeNull();
  });
});
