import { cdnowSummary } from './cdnow.fixtures';
import { fitParetoNbd, paretoNbdExpectedPurchases, paretoNbdProbabilityAlive, type ParetoNbdParams } from './pareto-nbd';

// Published Pareto/NBD fit of CDNOW in weeks (Fader & Hardie's 2005 note; BTYD's and lifetimes' documentation).
const published: ParetoNbdParams = { r: 0.5534, alpha: 10.5802, s: 0.6061, beta: 11.6562 };

const expectWithin = (actual: number, expected: number, relative: number) =>
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(relative * Math.abs(expected));

describe('fitParetoNbd', () => {
  it('reproduces the published CDNOW fit within 1% (r 0.5534, alpha 10.5802, s 0.6061, beta 11.6562; LL -9,595)', () => {
    const fit = fitParetoNbd(cdnowSummary());
    expect(fit.converged).toBe(true);
    expect(fit.subjects).toBe(2357);
    for (const name of ['r', 'alpha', 's', 'beta'] as const) expectWithin(fit.params[name], published[name], 0.01);
    expect(Math.abs(fit.logLikelihood - -9595)).toBeLessThan(1);
  });

  it('rejects data it cannot fit with readable errors', () => {
    expect(() => fitParetoNbd([])).toThrow(/no customers/);
    expect(() => fitParetoNbd([{ frequency: 0, recency: 0, T: 0 }])).toThrow(/every T is 0/);
    expect(() => fitParetoNbd([{ frequency: 1, recency: 2, T: 1 }])).toThrow(/recency <= T/);
    expect(() => fitParetoNbd([{ frequency: 0, recency: 1, T: 2 }])).toThrow(/recency must be 0/);
  });
});

describe('paretoNbdProbabilityAlive', () => {
  it('gives a one-time buyer of 38.86 weeks about 0.30 and of 10 weeks about 0.64, falling with T', () => {
    expect(paretoNbdProbabilityAlive(published, { frequency: 0, recency: 0, T: 38.86 })).toBeCloseTo(0.295, 2);
    expect(paretoNbdProbabilityAlive(published, { frequency: 0, recency: 0, T: 10 })).toBeCloseTo(0.643, 2);
    let previous = 1;
    for (const T of [0, 1, 5, 10, 20, 40, 80, 160]) {
      const alive = paretoNbdProbabilityAlive(published, { frequency: 0, recency: 0, T });
      expect(alive).toBeLessThanOrEqual(previous);
      previous = alive;
    }
    expect(paretoNbdProbabilityAlive(published, { frequency: 0, recency: 0, T: 0 })).toBe(1);
  });

  it('is 1 when the last purchase is at T, and lower for a customer who went quiet than for a recent one', () => {
    expect(paretoNbdProbabilityAlive(published, { frequency: 3, recency: 20, T: 20 })).toBe(1);
    const quiet = paretoNbdProbabilityAlive(published, { frequency: 2, recency: 5, T: 38.86 });
    const recent = paretoNbdProbabilityAlive(published, { frequency: 2, recency: 35, T: 38.86 });
    expect(quiet).toBeLessThan(recent);
  });

  it('agrees on both sides of alpha = beta, where the 2F1 branch switches', () => {
    const c = { frequency: 2, recency: 30.43, T: 38.86 };
    const below = paretoNbdProbabilityAlive({ ...published, alpha: 11.6562 - 1e-7 }, c);
    const above = paretoNbdProbabilityAlive({ ...published, alpha: 11.6562 + 1e-7 }, c);
    expectWithin(below, above, 1e-6);
  });
});

describe('paretoNbdExpectedPurchases', () => {
  const c = { frequency: 2, recency: 30.43, T: 38.86 };
  it('is 0 at t = 0, grows with t, and starts at P(alive) (r+x)/(alpha+T) per week', () => {
    expect(Math.abs(paretoNbdExpectedPurchases(published, 0, c))).toBe(0);
    const small = paretoNbdExpectedPurchases(published, 1e-6, c) / 1e-6;
    expectWithin(small, (paretoNbdProbabilityAlive(published, c) * (published.r + 2)) / (published.alpha + c.T), 1e-5);
    expect(paretoNbdExpectedPurchases(published, 10, c)).toBeLessThan(paretoNbdExpectedPurchases(published, 39, c));
  });

  it('is continuous through s = 1, where the closed form has its log limit', () => {
    const at = (s: number) => paretoNbdExpectedPurchases({ ...published, s }, 39, c);
    expectWithin(at(1), (at(1 - 1e-6) + at(1 + 1e-6)) / 2, 1e-5);
  });
});
