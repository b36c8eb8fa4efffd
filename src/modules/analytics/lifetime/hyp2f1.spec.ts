import { hyp2f1 } from './hyp2f1';

describe('hyp2f1', () => {
  it('matches the closed form 2F1(1, 1; 2; z) = -ln(1 - z) / z, including z near 1 and z < 0', () => {
    for (const z of [0.001, 0.5, 0.9, 0.99, -0.5, -0.95]) {
      expect(hyp2f1(1, 1, 2, z)).toBeCloseTo(-Math.log1p(-z) / z, 12);
    }
  });

  it('matches 2F1(a, b; b; z) = (1 - z)^-a', () => {
    expect(hyp2f1(0.37, 2.5, 2.5, 0.8)).toBeCloseTo(Math.pow(0.2, -0.37), 12);
    expect(hyp2f1(-1.7, 0.25, 0.25, 0.3)).toBeCloseTo(Math.pow(0.7, 1.7), 12);
  });

  it('matches 2F1(1/2, 1/2; 3/2; z^2) = asin(z) / z', () => {
    expect(hyp2f1(0.5, 0.5, 1.5, 0.81)).toBeCloseTo(Math.asin(0.9) / 0.9, 12);
  });

  it('matches the complete elliptic integral: 2F1(1/2, 1/2; 1; 1/2) = 2 K(1/sqrt 2) / pi', () => {
    // K(1/sqrt 2) = Gamma(1/4)^2 / (4 sqrt(pi)) = 1.8540746773013719 (Abramowitz & Stegun 17.3.36).
    expect(hyp2f1(0.5, 0.5, 1, 0.5)).toBeCloseTo((2 * 1.8540746773013719) / Math.PI, 13);
  });

  it('is a polynomial when a is a non-positive integer', () => {
    // 2F1(-2, b; c; z) = 1 - 2bz/c + b(b+1)z^2 / (c(c+1)); with b = 3, c = 4, z = 0.5: 1 - 0.75 + 0.15 = 0.4
    expect(hyp2f1(-2, 3, 4, 0.5)).toBeCloseTo(0.4, 14);
    expect(hyp2f1(0, 3, 4, 0.9)).toBe(1);
  });

  it('is 1 at z = 0', () => {
    expect(hyp2f1(2.3, -0.7, 1.1, 0)).toBe(1);
  });

  it('rejects arguments outside the series domain', () => {
    expect(() => hyp2f1(1, 1, 2, 1)).toThrow(/\|z\| < 1/);
    expect(() => hyp2f1(1, 1, 2, -1.5)).toThrow(RangeError);
    expect(() => hyp2f1(1, 1, 0, 0.5)).toThrow(/c must not be/);
    expect(() => hyp2f1(1, 1, -3, 0.5)).toThrow(/c must not be/);
    expect(() => hyp2f1(NaN, 1, 2, 0.5)).toThrow(/finite/);
    expect(() => hyp2f1(1, 1, 2, 0.999, { maxTerms: 100 })).toThrow(/did not converge/);
  });
});

describe('hyp2f1 near z = 1 (transformation to 1 - z)', () => {
  test('matches closed forms where the plain series would need millions of terms', () => {
    // 2F1(a, b; b; z) = (1 - z)^-a
    expect(hyp2f1(0.5, 1.7, 1.7, 0.9999)).toBeCloseTo(100, 8);
    // 2F1(1/2, 1/2; 3/2; x^2) = asin(x) / x
    const x = Math.sqrt(0.999999);
    expect(hyp2f1(0.5, 0.5, 1.5, x * x)).toBeCloseTo(Math.asin(x) / x, 8);
  });

  test('agrees with the plain series just above the switch-over point', () => {
    for (const [a, b, c] of [[0.7, 1.3, 2.9], [2.4, -0.2, 3.1], [1.1, 0.6, 0.8]]) {
      const viaSeries = hyp2f1(a, b, c, 0.9); // still the series
      const viaTransform = hyp2f1(a, b, c, 0.9 + 1e-12); // the transformation
      expect(Math.abs(viaTransform - viaSeries) / Math.abs(viaSeries)).toBeLessThan(1e-8);
    }
  });

  test('the BG/NBD case that never settled as a series: a < 1, a new customer, a long horizon', () => {
    // z = t / (alpha + T + t) = 0.9998; second parameter a - 1 < 0: the series converged only like k^-1.45.
    // Reference values from mpmath.hyp2f1 (50 digits).
    expect(hyp2f1(0.79 + 2.43 - 1 - 0.24, 0.79 - 1, 0.79 + 2.43 - 1, 0.9998)).toBeCloseTo(0.472647893660181, 10);
    expect(hyp2f1(2.4, -0.2, 3.1, 0.95)).toBeCloseTo(0.732524106691783, 10);
    expect(hyp2f1(1.1, 0.6, 0.8, 0.97)).toBeCloseTo(20.8648601784991, 8);
  });
});
