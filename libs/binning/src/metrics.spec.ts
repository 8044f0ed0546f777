import { toBinningInput } from './metrics';

describe('toBinningInput', () => {
  it('maps an @mes/eis CellFeatures-like object, turning NaN into null', () => {
    const features = {
      signature: 'NORMAL',
      rOhmicOhm: 2.5,
      rLiponOhm: 61,
      rCtOhm: NaN,
      asrOhmCm2: NaN,
      rOhmic25COhm: 2.5,
      rLipon25COhm: 61,
      rCt25COhm: NaN,
      asr25COhmCm2: NaN,
      lowFreqAbsZOhm: 3.7e4,
      lowFreqPhaseDeg: -82.5,
      fitRelRms: 0.012,
      fitConverged: false,
      kkMaxResidual: 0.02,
      signatureReason: 'ignored',
    };
    expect(toBinningInput({ row: 1, col: 2, ocvV: 0.3 }, features)).toEqual({
      row: 1,
      col: 2,
      status: 'OK',
      ocvV: 0.3,
      rOhmicOhm: 2.5,
      rLiponOhm: 61,
      rCtOhm: null,
      asrOhmCm2: null,
      rOhmic25COhm: 2.5,
      rLipon25COhm: 61,
      rCt25COhm: null,
      asr25COhmCm2: null,
      lowFreqAbsZOhm: 3.7e4,
      lowFreqPhaseDeg: -82.5,
      fitRelRms: 0.012,
      fitConverged: false,
      kkMaxResidual: 0.02,
      signature: 'NORMAL',
    });
  });

  it('a NO_CONTACT cell without features has only nulls', () => {
    const b = toBinningInput({ row: 0, col: 0, status: 'NO_CONTACT' }, null);
    expect(b.status).toBe('NO_CONTACT');
    expect(b.signature).toBeNull();
    expect(b.lowFreqAbsZOhm).toBeNull();
    expect(toBinningInput({}, { signature: 'WEIRD' }).signature).toBeNull();
  });
});
