import betaln from '@stdlib/math-base-special-betaln';
import { BgNbdCustomer, BgNbdParams, bgNbdExpectedPurchases, bgNbdProbabilityAlive, fitBgNbd } from './bg-nbd';
import { cdnowSummary } from './cdnow.fixtures';
import { hyp2f1 } from './hyp2f1';

// Published BG/NBD fit of CDNOW in weeks (Fader, Hardie & Lee 2005; lifetimes documentation).
const published: BgNbdParams = { r: 0.2426, alpha: 4.4135, a: 0.7929, b: 2.4259 };
const customer1: BgNbdCustomer = { frequency: 2, recency: 30.43, T: 38.86 };

const expectWithin = (actual: number, expected: number, relative: number) =>
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(relative * Math.abs(expected));

/**
 * Equation (10) by another route: the Gamma rate integrated in closed form, the Beta dropout
 * probability p numerically (Simpson, after p = s^(1/a) removes the p^(a−1) endpoint behaviour):
 *   E = ∫ p^(a−2) (1−p)^(b+x−1) [1 − (1 + p t/(α+T))^−(r+x)] dp
 *       / [B(a, b+x) + 1{x>0} B(a+1, b+x−1) ((α+T)/(α+t_x))^(r+x)]
 */
function expectedByQuadrature({ r, alpha, a, b }: BgNbdParams, t: number, c: BgNbdCustomer): number {
  const { frequency: x, recency, T } = c;
  const m = 1 / a;
  const integrand = (s: number): number => {
    if (s === 0) return (m * (r + x) * t) / (alpha + T); // the limit as p → 0
    const p = Math.pow(s, m);
    return m * Math.pow(s, -m) * Math.pow(1 - p, b + x - 1) * (1 - Math.pow(1 + (p * t) / (alpha + T), -(r + x)));
  };
  const steps = 20000;
  let integral = integrand(0) + integrand(1);
  for (let k = 1; k < steps; k++) integral += (k % 2 ? 4 : 2) * integrand(k / steps);
  integral /= 3 * steps;
  const alive = Math.exp(betaln(a, b + x));
  const dead = x > 0 ? Math.exp(betaln(a + 1, b + x - 1)) * Math.pow((alpha + T) / (alpha + recency), r + x) : 0;
  return integral / (alive + dead);
}

describe('fitBgNbd', () => {
  it('reproduces the published CDNOW fit in weeks (r 0.2426, alpha 4.4135, a 0.7929, b 2.4259)', () => {
    const fit = fitBgNbd(cdnowSummary());
    expect(fit.converged).toBe(true);
    expect(fit.subjects).toBe(2357);
    for (const name of ['r', 'alpha', 'a', 'b'] as const) expectWithin(fit.params[name], published[name], 0.001);
    // Fader, Hardie & Lee (2005) report a log-likelihood of −9582.4 for this fit.
    expect(fit.logLikelihood).toBeCloseTo(-9582.4, 1);
  });

  it('scales alpha with the time unit: in days alpha is about 30.89, the other parameters unchanged', () => {
    const days = cdnowSummary().map((c) => ({ frequency: c.frequency, recency: c.recency * 7, T: c.T * 7 }));
    const fit = fitBgNbd(days);
    expect(fit.converged).toBe(true);
    expectWithin(fit.params.alpha, 30.89, 0.001);
    for (const name of ['r', 'a', 'b'] as const) expectWithin(fit.params[name], published[name], 0.001);
  });

  it('returns converged: false with finite parameters when nobody has repeated (no maximum exists)', () => {
    const fit = fitBgNbd([
      { frequency: 0, recency: 0, T: 10 },
      { frequency: 0, recency: 0, T: 3 },
    ]);
    expect(fit.converged).toBe(false);
    for (const value of Object.values(fit.params)) expect(Number.isFinite(value)).toBe(true);
    expect(Number.isFinite(fit.logLikelihood)).toBe(true);
  });

  it('rejects data it cannot fit with readable errors', () => {
    expect(() => fitBgNbd([])).toThrow(/no customers/);
    expect(() => fitBgNbd([{ frequency: 0, recency: 0, T: 0 }])).toThrow(/every T is 0/);
    expect(() => fitBgNbd([{ frequency: NaN, recency: 0, T: 1 }])).toThrow(/frequency/);
    expect(() => fitBgNbd([{ frequency: 1.5, recency: 0, T: 1 }])).toThrow(/integer/);
    expect(() => fitBgNbd([{ frequency: 1, recency: NaN, T: 1 }])).toThrow(/recency/);
    expect(() => fitBgNbd([{ frequency: 1, recency: 2, T: 1 }])).toThrow(/recency <= T/);
    expect(() => fitBgNbd([{ frequency: 0, recency: 1, T: 2 }])).toThrow(/recency must be 0/);
    expect(() => fitBgNbd([{ frequency: 1, recency: 1, T: 2 }], { penalizer: NaN })).toThrow(/penalizer/);
  });
});

describe('bgNbdExpectedPurchases', () => {
  it('gives about 1.226 purchases in 39 weeks for customer 1 (x 2, t_x 30.43, T 38.86), as lifetimes', () => {
    const expected = bgNbdExpectedPurchases(published, 39, customer1);
    expect(expected).toBeCloseTo(1.226, 3);
    expectWithin(expected, expectedByQuadrature(published, 39, customer1), 1e-8);
  });

  it('equals lifetimes’ literal formula with 2F1(r+x, b+x; a+b+x−1; z) and the quadrature route', () => {
    const { r, alpha, a, b } = published;
    const cases: [number, BgNbdCustomer][] = [
      [10, { frequency: 0, recency: 0, T: 38.86 }],
      [52, { frequency: 1, recency: 1.71, T: 38.86 }],
      [5, { frequency: 7, recency: 29, T: 31 }],
      [200, { frequency: 3, recency: 2, T: 5 }],
    ];
    for (const [t, c] of cases) {
      const x = c.frequency;
      const z = t / (alpha + c.T + t);
      const hyp = hyp2f1(r + x, b + x, a + b + x - 1, z);
      const numerator = ((a + b + x - 1) / (a - 1)) * (1 - hyp * Math.pow((alpha + c.T) / (alpha + t + c.T), r + x));
      const denominator = 1 + (x > 0 ? (a / (b + x - 1)) * Math.pow((alpha + c.T) / (alpha + c.recency), r + x) : 0);
      const actual = bgNbdExpectedPurchases(published, t, c);
      expectWithin(actual, numerator / denominator, 1e-10);
      expectWithin(actual, expectedByQuadrature(published, t, c), 1e-7);
    }
  });

  it('is 0 for t = 0, grows with t, and stays finite for very frequent buyers', () => {
    expect(Math.abs(bgNbdExpectedPurchases(published, 0, customer1))).toBe(0);
    expect(bgNbdExpectedPurchases(published, 20, customer1)).toBeLessThan(bgNbdExpectedPurchases(published, 40, customer1));
    const heavy = bgNbdExpectedPurchases(published, 52, { frequency: 3000, recency: 150, T: 156 });
    expect(Number.isFinite(heavy)).toBe(true);
    expect(heavy).toBeGreaterThan(0);
  });

  it('rejects bad parameters, customers and horizons', () => {
    expect(() => bgNbdExpectedPurchases({ ...published, r: -1 }, 1, customer1)).toThrow(/parameter r/);
    expect(() => bgNbdExpectedPurchases({ ...published, a: 1 }, 1, customer1)).toThrow(/a = 1/);
    expect(() => bgNbdExpectedPurchases(published, -1, customer1)).toThrow(/t must be/);
    expect(() => bgNbdExpectedPurchases(published, 1, { frequency: 1, recency: 5, T: 4 })).toThrow(RangeError);
  });
});

describe('bgNbdProbabilityAlive', () => {
  it('is 1 for customers without repeat purchases, as in lifetimes', () => {
    expect(bgNbdProbabilityAlive(published, { frequency: 0, recency: 0, T: 38.86 })).toBe(1);
  });

  it('equals the share of the likelihood in which the customer is still alive', () => {
    // P(alive) = B(a, b+x) (α+T)^−(r+x) / [B(a, b+x) (α+T)^−(r+x) + B(a+1, b+x−1) (α+t_x)^−(r+x)]
    const { r, alpha, a, b } = published;
    for (const c of [customer1, { frequency: 1, recency: 1.71, T: 38.86 }, { frequency: 6, recency: 38, T: 38.86 }]) {
      const x = c.frequency;
      const alive = betaln(a, b + x) - (r + x) * Math.log(alpha + c.T);
      const dead = betaln(a + 1, b + x - 1) - (r + x) * Math.log(alpha + c.recency);
      expectWithin(bgNbdProbabilityAlive(published, c), 1 / (1 + Math.exp(dead - alive)), 1e-12);
    }
  });

  it('is lower for a customer who bought early and went quiet than for a recent buyer', () => {
    const quiet = bgNbdProbabilityAlive(published, { frequency: 1, recency: 1.71, T: 38.86 });
    const recent = bgNbdProbabilityAlive(published, { frequency: 1, recency: 38, T: 38.86 });
    expect(quiet).toBeLessThan(recent);
  });
});
