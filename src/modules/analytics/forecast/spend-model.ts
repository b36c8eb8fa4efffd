import { expectedPurchasesCurve, gammaGammaExpectedValue, probabilityAlive, type GammaGammaParams, type PurchaseModelCustomer, type PurchaseModelParams } from '../lifetime';
import { seededRandom } from '../segments/random';

const DAY_MS = 86_400_000;
const { exp, floor, log, max, min, round, sqrt, cos, PI, ceil } = Math;

export interface ModelSpendMonth {
  /** YYYY-MM */
  month: string;
  /** Expected spend in the month: expected purchases x expected order value. */
  value: number;
  /** 10th and 90th percentiles of the simulated spend in the month (an 80 % interval); null without simulation. */
  low: number | null;
  high: number | null;
}

export interface ModelSpendForecast {
  months: ModelSpendMonth[];
  total: number;
  totalLow: number | null;
  totalHigh: number | null;
  expectedPurchases: number;
  expectedOrderValue: number;
  probabilityAlive: number;
  /** Mean of the simulated totals: the closed-form total within Monte Carlo error (a check of the simulation); null without. */
  simulatedMean: number | null;
}

export interface ModelSpendOptions {
  /** The day the customer summary is taken at (its T): the forecast covers the days after it. */
  asOf: number;
  months: number;
  /** Days per time unit of the summary and the model (7: weeks). */
  timeUnitDays: number;
  /** Seed of the simulation behind the interval; combine with the customer id for per-customer streams. */
  seed: number;
  /** Simulated futures per customer. Default 1000; 0 skips the simulation (no interval), for callers that do not show it. */
  draws?: number;
  /** Order value when there is no Gamma-Gamma fit (nobody repeated yet): e.g. the customer's own mean. */
  fallbackOrderValue?: number;
}

/**
 * The months after `asOf`: the first is the month of the day after asOf (so a forecast as of 1997-09-30 starts
 * with 1997-10), each one's end given as days after asOf (inclusive of its last day).
 */
export function monthsAfter(asOf: number, months: number): { labels: string[]; endDays: number[] } {
  const asOfDay = floor(asOf / DAY_MS);
  const next = new Date((asOfDay + 1) * DAY_MS);
  const first = next.getUTCFullYear() * 12 + next.getUTCMonth();
  const labels: string[] = [];
  const endDays: number[] = [];
  for (let k = 0; k < months; k++) {
    const m = first + k;
    const y = floor(m / 12);
    labels.push(`${String(y).padStart(4, '0')}-${String(m - y * 12 + 1).padStart(2, '0')}`);
    endDays.push(floor(Date.UTC(y, m - y * 12 + 1, 1) / DAY_MS) - 1 - asOfDay);
  }
  return { labels, endDays };
}

/**
 * Spend per future month from the purchase process: expected purchases in each month from the lifetime model
 * (conditional on the customer's history), times Gamma-Gamma's expected order value for her. The 80 % interval
 * comes from simulating her future: alive or not (P(alive)), her purchase rate from its posterior Gamma(r+x,
 * alpha+T), her remaining lifetime (Pareto/NBD: exponential, rate from Gamma(s, beta+T); BG family: a drop-out
 * chance after each purchase from its posterior Beta), and each order's value from Gamma-Gamma's posterior.
 */
export function modelSpendForecast(
  model: PurchaseModelParams,
  gg: GammaGammaParams | null,
  c: PurchaseModelCustomer & { monetaryValue: number },
  options: ModelSpendOptions,
): ModelSpendForecast {
  const { months, timeUnitDays, seed, draws = 1000 } = options;
  if (!Number.isInteger(months) || months < 1) throw new RangeError(`months must be a positive integer, got ${months}`);
  const { labels, endDays } = monthsAfter(options.asOf, months);
  const ends = endDays.map((d) => d / timeUnitDays);
  const cumulative = expectedPurchasesCurve(model, ends, c);
  const orderValue = gg ? gammaGammaExpectedValue(gg, c) : options.fallbackOrderValue ?? 0;
  const alive = probabilityAlive(model, c);

  if (!Number.isInteger(draws) || draws < 0) throw new RangeError(`draws must be a non-negative integer, got ${draws}`);
  const expected = cumulative[cumulative.length - 1];
  const monthValue = (k: number) => max(0, cumulative[k] - (k ? cumulative[k - 1] : 0)) * orderValue;
  if (draws === 0) {
    return {
      months: labels.map((month, k) => ({ month, value: monthValue(k), low: null, high: null })), total: expected * orderValue, totalLow: null, totalHigh: null,
      expectedPurchases: expected, expectedOrderValue: orderValue, probabilityAlive: alive, simulatedMean: null,
    };
  }
  const sims = simulate(model, gg, c, ends, alive, orderValue, seededRandom(seed), draws);
  const quantile = (values: Float64Array, q: number) => values[min(values.length - 1, max(0, round(q * (values.length - 1))))];
  const out: ModelSpendMonth[] = labels.map((month, k) => {
    const column = sims.byMonth[k].sort();
    return { month, value: monthValue(k), low: quantile(column, 0.1), high: quantile(column, 0.9) };
  });
  const simulatedMean = sims.total.reduce((sum, v) => sum + v, 0) / draws;
  const totals = sims.total.sort();
  return {
    months: out, total: expected * orderValue, totalLow: quantile(totals, 0.1), totalHigh: quantile(totals, 0.9),
    expectedPurchases: expected, expectedOrderValue: orderValue, probabilityAlive: alive, simulatedMean,
  };
}

function simulate(
  model: PurchaseModelParams,
  gg: GammaGammaParams | null,
  c: PurchaseModelCustomer & { monetaryValue: number },
  ends: number[],
  alive: number,
  orderValue: number,
  uniform: () => number,
  draws: number,
): { byMonth: Float64Array[]; total: Float64Array } {
  const byMonth = ends.map(() => new Float64Array(draws));
  const total = new Float64Array(draws);
  const x = c.frequency;
  const { r, alpha } = model.params;
  for (let d = 0; d < draws; d++) {
    if (uniform() >= alive) continue; // already gone: nothing more
    const rate = gammaSample(r + x, uniform) / (alpha + c.T);
    // Lifetime left (Pareto/NBD) or purchases left before dropping out (BG family).
    let lifeLeft = Infinity;
    let purchasesLeft = Infinity;
    if (model.kind === 'PARETO_NBD') {
      const mu = gammaSample(model.params.s, uniform) / (model.params.beta + c.T);
      lifeLeft = -log(1 - uniform()) / mu;
    } else {
      const g1 = gammaSample(model.params.a, uniform);
      const g2 = gammaSample(model.params.b + x + (model.kind === 'MBG_NBD' ? 1 : 0), uniform);
      const p = g1 / (g1 + g2);
      // Drop-out after the K-th future purchase: K ~ Geometric(p) on 1, 2, ...
      purchasesLeft = p > 0 ? max(1, ceil(log(1 - uniform()) / log(1 - p))) : Infinity;
      if (!(purchasesLeft > 0)) purchasesLeft = Infinity; // p = 1 round-off guard
    }
    // Her mean order value: Gamma-Gamma's posterior of nu, Gamma(q + p x, v + x m); without a fit, a constant.
    const nu = gg ? gammaSample(gg.q + gg.p * x, uniform) / (gg.v + x * c.monetaryValue) : 0;
    let start = 0;
    for (let k = 0; k < ends.length && purchasesLeft > 0; k++) {
      const end = min(ends[k], lifeLeft);
      if (end <= start) break;
      let n = poissonSample(rate * (end - start), uniform);
      if (n > purchasesLeft) n = purchasesLeft;
      purchasesLeft -= n;
      if (n > 0) {
        const spend = gg ? gammaSample(n * gg.p, uniform) / nu : n * orderValue;
        byMonth[k][d] = spend;
        total[d] += spend;
      }
      start = ends[k];
    }
  }
  return { byMonth, total };
}

/** Marsaglia–Tsang gamma variate (shape k, scale 1). */
function gammaSample(k: number, uniform: () => number): number {
  if (k < 1) return gammaSample(k + 1, uniform) * Math.pow(uniform() || Number.MIN_VALUE, 1 / k);
  const d = k - 1 / 3;
  const cc = 1 / sqrt(9 * d);
  for (;;) {
    let z: number;
    let v: number;
    do {
      z = normalSample(uniform);
      v = 1 + cc * z;
    } while (v <= 0);
    v = v * v * v;
    const u = uniform();
    if (log(u) < 0.5 * z * z + d - d * v + d * log(v)) return d * v;
  }
}

function normalSample(uniform: () => number): number {
  return sqrt(-2 * log(1 - uniform())) * cos(2 * PI * uniform());
}

/** Poisson variate: inversion for small means, a rounded normal above 50 (the interval's resolution is coarser). */
function poissonSample(mean: number, uniform: () => number): number {
  if (!(mean > 0)) return 0;
  if (mean > 50) return max(0, round(mean + sqrt(mean) * normalSample(uniform)));
  const limit = exp(-mean);
  let n = 0;
  let p = uniform();
  while (p > limit) {
    n++;
    p *= uniform();
  }
  return n;
}
