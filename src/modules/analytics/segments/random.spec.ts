import { seededRandom } from './random';

describe('seededRandom', () => {
  it('repeats its sequence for the same seed and differs across seeds', () => {
    const draw = (seed: number) => {
      const random = seededRandom(seed);
      return Array.from({ length: 5 }, () => random());
    };
    expect(draw(7)).toEqual(draw(7));
    expect(draw(7)).not.toEqual(draw(8));
  });

  it('stays in [0, 1) with a mean near 1/2', () => {
    const random = seededRandom(1);
    let sum = 0;
    for (let i = 0; i < 10000; i++) {
      const value = random();
      expect(value >= 0 && value < 1).toBe(true);
      sum += value;
    }
    expect(sum / 10000).toBeCloseTo(0.5, 1);
  });

  it('rejects a seed that is not a safe integer', () => {
    expect(() => seededRandom(1.5)).toThrow(TypeError);
    expect(() => seededRandom(Number.NaN)).toThrow(TypeError);
  });
});
