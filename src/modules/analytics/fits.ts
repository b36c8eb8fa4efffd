import {
  bgNbdProbabilityAlive, customerLifetimeValue, fitBgNbd, fitGammaGamma, summarizeTransactions,
  type BgNbdParams, type CustomerSummary, type GammaGammaParams,
} from './lifetime';
import { mineAssociationRules, type RuleMiningOptions, type RuleMiningResult } from './rules/association-rules';
import { segmentCustomers, type SegmentationResult } from './segments/segments';

/**
 * The CPU-heavy population fits as plain jobs (typed arrays in, JSON-able results out), so that they can run
 * on a worker thread (fit-pool.ts) while the server keeps answering requests.
 */
export const WEEK_DAYS = 7;
const AT_RISK_KEPT = 500;
/** BG/NBD a or b above this means the fit slid down a degenerate ridge. */
const DEGENERATE = 1e4;

export interface LifetimeFit {
  bg: BgNbdParams | null;
  gg: GammaGammaParams | null;
  bgLogLikelihood: number;
  bgConverged: boolean;
  ggConverged: boolean;
  subjects: number;
  repeatCustomers: number;
  atRisk: { customerId: number; churnRisk: number; value: number }[];
}

/** Some closed forms have no value for extreme parameters (a 2F1 series that does not converge): null, not a failure. */
export function orNull(f: () => number): number | null {
  try {
    const v = f();
    return Number.isFinite(v) ? v : null;
  } catch (e) {
    if (e instanceof RangeError) return null;
    throw e;
  }
}

/** Spend per customer and day (parallel arrays) as lifetimes-style summaries in weeks. */
export function weeklySummaries(customerIds: ArrayLike<number>, ats: ArrayLike<number>, cents: ArrayLike<number>, asOf: number): CustomerSummary[] {
  const tx = new Array(customerIds.length);
  for (let i = 0; i < customerIds.length; i++) tx[i] = { customerId: customerIds[i], at: ats[i], amount: cents[i] / 100 };
  return summarizeTransactions(tx, { asOf, timeUnitDays: WEEK_DAYS });
}

export interface LifetimeJob {
  customerIds: Float64Array;
  ats: Float64Array;
  cents: Float64Array;
  asOf: number;
}

/** BG/NBD + Gamma-Gamma on every customer, and the customers most at risk by churn risk x value. */
export function fitLifetimePopulation(job: LifetimeJob): LifetimeFit {
  const summaries = weeklySummaries(job.customerIds, job.ats, job.cents, job.asOf);
  let bg: BgNbdParams | null = null;
  let gg: GammaGammaParams | null = null;
  let bgLogLikelihood = 0;
  let bgConverged = false;
  let ggConverged = false;
  try {
    let fit = fitBgNbd(summaries);
    // Without a dropout signal the likelihood runs along a ridge to a, b -> infinity, where the closed forms
    // are useless (a 2F1 with parameters of 1e8): regularise as lifetimes advises (penalizer_coef).
    if (fit.params.a > DEGENERATE || fit.params.b > DEGENERATE) fit = fitBgNbd(summaries, { penalizer: 0.001 });
    ({ params: bg, logLikelihood: bgLogLikelihood, converged: bgConverged } = fit);
  } catch {
    bg = null; // not enough data: reported as converged false
  }
  const repeaters = summaries.filter((s) => s.frequency > 0 && s.monetaryValue > 0);
  try {
    ({ params: gg, converged: ggConverged } = fitGammaGamma(repeaters));
  } catch {
    gg = null;
  }
  const atRisk = bg
    ? summaries
        .map((s) => {
          const alive = bgNbdProbabilityAlive(bg!, s);
          // Without a value estimate (no Gamma-Gamma, or a 2F1 that does not converge) nothing is at stake to rank by.
          const value = gg ? orNull(() => customerLifetimeValue(bg!, gg!, s, { horizonDays: 365, timeUnitDays: WEEK_DAYS })) ?? 0 : 0;
          return { customerId: Number(s.customerId), churnRisk: 1 - alive, value };
        })
        .sort((x, y) => y.churnRisk * y.value - x.churnRisk * x.value || x.customerId - y.customerId)
        .slice(0, AT_RISK_KEPT)
    : [];
  return { bg, gg, bgLogLikelihood, bgConverged, ggConverged, subjects: summaries.length, repeatCustomers: repeaters.length, atRisk };
}

export interface SegmentsJob {
  /** Row-major feature values, `features.length` per customer. */
  values: Float64Array;
  features: string[];
  k: number;
  seed: number;
  restarts: number;
}

export function fitSegments(job: SegmentsJob): SegmentationResult {
  const d = job.features.length;
  const rows: number[][] = [];
  for (let i = 0; i < job.values.length; i += d) rows.push(Array.from(job.values.subarray(i, i + d)));
  return segmentCustomers(rows, job.features, { k: job.k, seed: job.seed, restarts: job.restarts });
}

export interface RulesJob {
  /** Item ids of all baskets back to back; basket b is items[starts[b] .. starts[b + 1]). */
  items: Int32Array;
  starts: Int32Array;
  itemCount: number;
  options: RuleMiningOptions;
}

export function mineRules(job: RulesJob): RuleMiningResult {
  const baskets: Int32Array[] = [];
  for (let b = 0; b + 1 < job.starts.length; b++) baskets.push(job.items.subarray(job.starts[b], job.starts[b + 1]));
  return mineAssociationRules(baskets, job.itemCount, job.options);
}

export const FIT_JOBS = { lifetime: fitLifetimePopulation, segments: fitSegments, rules: mineRules };
export type FitJobs = typeof FIT_JOBS;
