import {
  bgNbdProbabilityAlive, customerLifetimeValue, fitBgNbd, fitGammaGamma, summarizeTransactions,
  type BgNbdParams, type CustomerSummary, type GammaGammaParams,
} from './lifetime';
import { mineAssociationRules, type RuleMiningOptions, type RuleMiningResult } from './rules/association-rules';
import { segmentCustomers, type SegmentationResult } from './segments/segments';
import { encodeCollaborative, fitCollaborative, type CollaborativeOptions, type EncodedCollaborativeModel } from './recommendations/collaborative';
import { evaluateRecommenders, type EvaluationOptions, type RecommenderEvaluation } from './recommendations/evaluate';
import type { PurchaseBasket } from './recommendations/offline-evaluation';
import type { ProductFeatures } from './recommendations/recommend';

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

export interface RecommenderJob {
  /** Item indices (into productIds) of all customers back to back; customer r is items[starts[r] .. starts[r + 1]). */
  items: Int32Array;
  starts: Int32Array;
  /** Product id of each item index. */
  productIds: Float64Array;
  options: CollaborativeOptions;
}

export interface RecommenderFit {
  model: EncodedCollaborativeModel;
  productIds: number[];
}

export function fitRecommender(job: RecommenderJob): RecommenderFit {
  const model = fitCollaborative({ items: job.items, starts: job.starts, itemCount: job.productIds.length }, job.options);
  return { model: encodeCollaborative(model), productIds: Array.from(job.productIds) };
}

export interface EvaluationJob {
  /** One entry per purchase line, grouped by purchase. */
  purchaseIds: Float64Array;
  customerIds: Float64Array;
  ats: Float64Array;
  productIds: Float64Array;
  catalogue: ProductFeatures[];
  options: EvaluationOptions[];
}

export function evaluateRecommendersJob(job: EvaluationJob): RecommenderEvaluation[] {
  const purchases: PurchaseBasket[] = [];
  for (let i = 0; i < job.purchaseIds.length; i++) {
    const last = purchases[purchases.length - 1];
    if (last && last.purchaseId === job.purchaseIds[i]) last.productIds.push(job.productIds[i]);
    else purchases.push({ purchaseId: job.purchaseIds[i], customerId: job.customerIds[i], at: job.ats[i], productIds: [job.productIds[i]] });
  }
  return job.options.map((o) => evaluateRecommenders(purchases, job.catalogue, o));
}

export const FIT_JOBS = {
  lifetime: fitLifetimePopulation, segments: fitSegments, rules: mineRules, recommender: fitRecommender, evaluateRecommenders: evaluateRecommendersJob,
};
export type FitJobs = typeof FIT_JOBS;
