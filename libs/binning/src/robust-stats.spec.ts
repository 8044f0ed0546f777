import { median, medianAndMad } from './robust-stats';

describe('robust statistics', () => {
  it('median of odd, even and empty inputs', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });

  it('MAD ignores a gross outlier', () => {
    expect(medianAndMad([1, 2, 3, 4, 1000])).toEqual({ median: 3, mad: 1 });
  });

  it('does not reorder the caller array', () => {
    const a = [5, 1, 4];
    medianAndMad(a);
    expect(a).toEqual([5, 1, 4]);
  });
});
