import { standardize } from './standardize';

describe('standardize', () => {
  it('centres and scales each column by its population standard deviation', () => {
    // column 0: mean 3, variance ((-2)^2 + 0 + 2^2) / 3 = 8/3
    const { z, means, stds } = standardize([
      [1, 10],
      [3, 20],
      [5, 60],
    ]);
    expect(means).toEqual([3, 30]);
    expect(stds[0]).toBeCloseTo(Math.sqrt(8 / 3), 12);
    // column 1: deviations -20, -10, 30 -> variance 1400/3
    expect(stds[1]).toBeCloseTo(Math.sqrt(1400 / 3), 12);
    expect(z[0][0]).toBeCloseTo(-2 / Math.sqrt(8 / 3), 12);
    expect(z[1][0]).toBe(0);
    expect(z[2][1]).toBeCloseTo(30 / Math.sqrt(1400 / 3), 12);
  });

  it('gives a constant column std 1 and z-scores 0, even when its mean is not exact', () => {
    const { z, means, stds } = standardize([[0.1], [0.1], [0.1]]);
    expect(means).toEqual([0.1]);
    expect(stds).toEqual([1]);
    expect(z).toEqual([[0], [0], [0]]);
  });

  it('rejects empty rows and NaN', () => {
    expect(() => standardize([])).toThrow(RangeError);
    expect(() => standardize([[1], [Number.NaN]])).toThrow(TypeError);
  });
});
