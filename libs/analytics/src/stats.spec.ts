import {
  binomialSf,
  c4,
  chiSquareSf,
  erfc,
  gammaP,
  logGamma,
  madSigma,
  median,
  normalCdf,
  normalQuantile,
  stdDev,
  wilsonInterval,
} from './stats';

describe('statistics against known values', () => {
  it('log-gamma and factorials', () => {
    expect(logGamma(1)).toBeCloseTo(0, 12);
    expect(logGamma(5)).toBeCloseTo(Math.log(24), 12);
    expect(logGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 12);
  });

  it('normal distribution', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(1.959963985)).toBeCloseTo(0.975, 6);
    expect(normalCdf(-3)).toBeCloseTo(0.0013499, 6);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 5);
    expect(normalQuantile(0.001)).toBeCloseTo(-3.090232, 5);
    expect(erfc(0)).toBeCloseTo(1, 7);
    expect(() => normalQuantile(1.5)).toThrow(/between 0 and 1/);
  });

  it('chi-square tail (tables: 3.841 at df 1, 5.991 at df 2, 18.307 at df 10 are the 5 % points)', () => {
    expect(chiSquareSf(3.841459, 1)).toBeCloseTo(0.05, 5);
    expect(chiSquareSf(5.991465, 2)).toBeCloseTo(0.05, 5);
    expect(chiSquareSf(18.307038, 10)).toBeCloseTo(0.05, 5);
    expect(chiSquareSf(0, 3)).toBe(1);
    expect(gammaP(1, 1)).toBeCloseTo(1 - Math.exp(-1), 12);
  });

  it('binomial upper tail', () => {
    // P(X ≥ 8 | n = 10, p = 0.5) = (45 + 10 + 1) / 1024
    expect(binomialSf(8, 10, 0.5)).toBeCloseTo(56 / 1024, 12);
    expect(binomialSf(0, 10, 0.3)).toBe(1);
    expect(binomialSf(11, 10, 0.3)).toBe(0);
    expect(binomialSf(1, 3, 0.1)).toBeCloseTo(1 - 0.9 ** 3, 12);
  });

  it('Wilson interval (10 of 20 at 95 %: 0.2993 to 0.7007)', () => {
    const w = wilsonInterval(10, 20);
    expect(w.low).toBeCloseTo(0.2993, 4);
    expect(w.high).toBeCloseTo(0.7007, 4);
    expect(wilsonInterval(0, 10).low).toBe(0);
  });

  it('descriptive statistics and c4', () => {
    expect(median([3, 1, NaN, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
    expect(stdDev([2, 4, 4, 4, 5, 5, 7, 9])).toBeCloseTo(2.13809, 5);
    expect(madSigma([1, 2, 3, 4, 100])).toBeCloseTo(1.4826, 4);
    expect(c4(2)).toBeCloseTo(0.7979, 4);
    expect(c4(25)).toBeCloseTo(0.9896, 4);
  });
});
