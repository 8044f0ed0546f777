import { rollMapBase, tilesPerBin } from './roll-map-tiles';

describe('roll map tiles', () => {
  it('takes one sheet length along MD and one cell pitch across as the base', () => {
    expect(rollMapBase({ sheetLengthMdMm: 300, pitchCdMm: 5.5 })).toEqual({ mdStepMm: 300, cdStepMm: 5.5 });
  });

  it('counts whole tiles per bin only for exact whole multiples of the base', () => {
    expect(tilesPerBin(300, 300)).toBe(1);
    expect(tilesPerBin(900, 300)).toBe(3);
    expect(tilesPerBin(11, 5.5)).toBe(2);
    expect(tilesPerBin(16.5, 5.5)).toBe(3);
    expect(tilesPerBin(50, 5.5)).toBeNull();
    expect(tilesPerBin(150, 300)).toBeNull();
    expect(tilesPerBin(300.0000001, 300)).toBeNull();
    expect(tilesPerBin(0, 300)).toBeNull();
    expect(tilesPerBin(Number.NaN, 300)).toBeNull();
  });
});
