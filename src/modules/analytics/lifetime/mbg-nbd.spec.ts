import { cdnowSummary } from './cdnow.fixtures';
import { hyp2f1 } from './hyp2f1';
import { fitMbgNbd, mbgNbdExpectedPurchases, mbgNbdProbabilityAlive, type MbgNbdParams } from './mbg-nbd';

/**
 * Independent maximum-likelihood fit of MBG/NBD on the same data: docs/reference/mbgnbd_cdnow_fit.py (numpy/scipy,
 * the paper's likelihood written with Beta functions, L-BFGS-B from three starts) prints
 * r=0.524838 alpha=6.182993 a=0.891356 b=1.613999 loglik=-9582.1327 (lifetimes' documentation shows the same fit).
 */
const reference: MbgNbdParams = { r: 0.524838, alpha: 6.182993, a: 0.891356, b: 1.613999 };

const expectWithin = (actual: number, expected: number, relative: number) =>
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(relative * Math.abs(expected));

describe('fitMbgNbd', () => {
  it('matches the independent scipy fit of CDNOW within 0.1% (r 0.5248, alpha 6.1830, a 0.8914, b 1.6140)', () => {
    const fit = fitMbgNbd(cdnowSummary());
    expect(fit.converged).toBe(true);
    for (const name of ['r', 'alpha', 'a', 'b'] as const) expectWithin(fit.params[name], reference[name], 0.001);
    expect(fit.logLikelihood).toBeCloseTo(-9582.1327, 2);
  });

  it('rejects data it cannot fit with readable errors', () => {
    expect(() => fitMbgNbd([])).toThrow(/no customers/);
    expect(() => fitMbgNbd([{ frequency: 0, recency: 0, T: 0 }])).toThrow(/every T is 0/);
    expect(() => fitMbgNbd([{ frequency: 1.5, recency: 0, T: 1 }])).toThrow(/integer/);
  });
});

describe('mbgNbdProbabilityAlive', () => {
  it('falls with T for one-time buyers (BG/NBD keeps them at 1)', () => {
    let previous = 1;
    for (const T of [1, 5, 10, 20, 40, 80]) {
      const alive = mbgNbdProbabilityAlive(reference, { frequency: 0, recency: 0, T });
      expect(alive).toBeLessThan(previous);
      previous = alive;
    }
    // 1 / (1 + a/b ((alpha+T)/alpha)^r)
    const { r, alpha, a, b } = reference;
    expectWithin(mbgNbdProbabilityAlive(reference, { frequency: 0, recency: 0, T: 38.86 }), 1 / (1 + (a / b) * Math.pow((alpha + 38.86) / alpha, r)), 1e-12);
  });
});

describe('mbgNbdExpectedPurchases', () => {
  it('equals the paper’s form with 2F1(r+x, b+x+1; a+b+x; z) (lifetimes’ ModifiedBetaGeoFitter)', () => {
    const { r, alpha, a, b } = reference;
    for (const [t, c] of [
      [39, { frequency: 2, recency: 30.43, T: 38.86 }],
      [10, { frequency: 0, recency: 0, T: 38.86 }],
      [52, { frequency: 7, recency: 29, T: 31 }],
    ] as const) {
      const x = c.frequency;
      const z = t / (alpha + c.T + t);
      const bracket = 1 - Math.pow((alpha + c.T) / (alpha + c.T + t), r + x) * hyp2f1(r + x, b + x + 1, a + b + x, z);
      const literal = (((a + b + x) / (a - 1)) * bracket) / (1 + (a / (b + x)) * Math.pow((alpha + c.T) / (alpha + c.recency), r + x));
      expectWithin(mbgNbdExpectedPurchases(reference, t, c), literal, 1e-10);
    }
    expect(Math.abs(mbgNbdExpectedPurchases(reference, 0, { frequency: 1, recency: 1, T: 2 }))).toBe(0);
  });
});
