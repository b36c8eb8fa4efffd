import {
  bestByHoldout, customerLifetimeValue, fitGammaGamma, fitPurchaseModel, probabilityAlive, splitCalibrationHoldout, summarizeTransactions, validatePurchaseModels,
  type CustomerSummary, type GammaGammaParams, type PurchaseModelKind, type PurchaseModelParams, type PurchaseModelValidation, type Transaction,
} from './lifetime';
import type { SpendBacktest } from './forecast/backtest';
import { mineAssociationRules, type RuleMiningOptions, type RuleMiningResult } from './rules/association-rules';
import { fitRfmModel, type RfmModel } from './rfm/rfm';
import { segmentCustomers, type SegmentationResult } from './segments/segments';
import { fitValueTiers, type ValueTierModel } from './value/value';
import { encodeCollaborative, fitCollaborative, type CollaborativeOptions, type EncodedCollaborativeModel } from './recommendations/collaborative';
import { evaluateRecommenders, type EvaluationOptions, type RecommenderEvaluation } from './recommendations/evaluate';
import { encodeLikelyBuyers, likelyBuyers, type EncodedLikelyBuyers } from './recommendations/likely-buyers';
import type { PurchaseBasket } from './recommendations/offline-evaluation';
import type { ProductFeatures } from './recommendations/recommend';

/**
 * The CPU-heavy population fits as plain jobs (typed arrays in, JSON-able results out), so that they can run
 * on a worker thread (fit-pool.ts) while the server keeps answering requests.
 */
export const WEEK_DAYS = 7;
const AT_RISK_KEPT = 500;

/**
 * The purchase model behind churnRisk, atRiskCustomers and spend forecasts unless a query picks another. Chosen by
 * holdout validation on CDNOW (README, "Lifetime models"): Pareto/NBD predicts holdout purchases with the lowest
 * mean absolute error per customer, and unlike BG/NBD it lets a one-time buyer's P(alive) fall with time.
 */
export const DEFAULT_PURCHASE_MODEL: PurchaseModelKind = 'PARETO_NBD';

export interface LifetimeFit {
  /** Which purchase model was fitted. */
  model: PurchaseModelKind;
  /** Its parameters, null when it could not be fitted (no customers, no observation time). */
  fit: PurchaseModelParams | null;
  gg: GammaGammaParams | null;
  logLikelihood: number;
  converged: boolean;
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
  /** Default: DEFAULT_PURCHASE_MODEL. */
  model?: PurchaseModelKind;
}

/** Churn risk (1 - P(alive)) by ascending customer id: two typed arrays, 16 bytes a customer. */
export interface ChurnColumns {
  customerIds: Float64Array;
  churnRisk: Float64Array;
}

function churnColumns(scored: { id: number; risk: number }[]): ChurnColumns {
  scored.sort((a, b) => a.id - b.id);
  return { customerIds: Float64Array.from(scored, (x) => x.id), churnRisk: Float64Array.from(scored, (x) => x.risk) };
}

/**
 * A purchase model + Gamma-Gamma on every customer, and the customers most at risk by churn risk x value; with
 * every customer's churn risk as columns (kept in the process, not stored: the model is what instances share).
 */
export function fitLifetimePopulation(job: LifetimeJob): LifetimeFit & { churn: ChurnColumns } {
  const model = job.model ?? DEFAULT_PURCHASE_MODEL;
  const summaries = weeklySummaries(job.customerIds, job.ats, job.cents, job.asOf);
  let fit: PurchaseModelParams | null = null;
  let gg: GammaGammaParams | null = null;
  let logLikelihood = 0;
  let converged = false;
  let ggConverged = false;
  try {
    ({ params: fit, logLikelihood, converged } = fitPurchaseModel(model, summaries));
  } catch {
    fit = null; // not enough data: reported as converged false
  }
  const repeaters = summaries.filter((s) => s.frequency > 0 && s.monetaryValue > 0);
  try {
    ({ params: gg, converged: ggConverged } = fitGammaGamma(repeaters));
  } catch {
    gg = null;
  }
  const scored: { id: number; risk: number }[] = [];
  const atRisk = fit
    ? summaries
        .map((s) => {
          const computed = orNull(() => probabilityAlive(fit!, s));
          if (computed != null) scored.push({ id: Number(s.customerId), risk: 1 - computed });
          const alive = computed ?? 1;
          // Without a value estimate (no Gamma-Gamma, or a 2F1 that does not converge) nothing is at stake to rank by.
          const clv = gg ? orNull(() => customerLifetimeValue(fit!, gg!, s, { horizonDays: 365, timeUnitDays: WEEK_DAYS })) ?? 0 : 0;
          // The value at stake is what she is worth if still a customer: every model's expectation is P(alive) x the
          // expectation given alive, so CLV / P(alive). Ranking by the plain CLV would weigh the risk twice and bury
          // exactly the lapsed customers a win-back is for.
          const value = alive > 0 ? clv / alive : 0;
          return { customerId: Number(s.customerId), churnRisk: 1 - alive, value };
        })
        .sort((x, y) => y.churnRisk * y.value - x.churnRisk * x.value || x.customerId - y.customerId)
        .slice(0, AT_RISK_KEPT)
    : [];
  return { model, fit, gg, logLikelihood, converged, ggConverged, subjects: summaries.length, repeatCustomers: repeaters.length, atRisk, churn: churnColumns(scored) };
}

export interface PopulationJob {
  /** Per buyer: total spend (cents), days since the last purchase, purchases. */
  totals: Float64Array;
  recencyDays: Float64Array;
  frequencies: Float64Array;
}

/** Value tiers and RFM quintile breakpoints of every buyer (RFM: null without buyers). */
export function fitPopulation(job: PopulationJob): { tiers: ValueTierModel; rfm: RfmModel | null } {
  const tiers = fitValueTiers(job.totals);
  const rows = Array.from(job.totals, (monetary, i) => ({ recencyDays: job.recencyDays[i], frequency: job.frequencies[i], monetary }));
  return { tiers, rfm: rows.length ? fitRfmModel(rows) : null };
}

export interface ChurnJob {
  customerIds: Float64Array;
  ats: Float64Array;
  cents: Float64Array;
  asOf: number;
  fit: PurchaseModelParams;
}

/** 1 - P(alive) of every customer with purchases under a fitted purchase model, by ascending customer id. */
export function churnTable(job: ChurnJob): ChurnColumns {
  const scored: { id: number; risk: number }[] = [];
  for (const s of weeklySummaries(job.customerIds, job.ats, job.cents, job.asOf)) {
    const alive = orNull(() => probabilityAlive(job.fit, s));
    if (alive != null) scored.push({ id: Number(s.customerId), risk: 1 - alive });
  }
  return churnColumns(scored);
}

export interface HoldoutJob {
  /** Spend per customer and day up to the end of the holdout period (parallel arrays). */
  customerIds: Float64Array;
  ats: Float64Array;
  cents: Float64Array;
  calibrationEnd: number;
  holdoutEnd: number;
  models: PurchaseModelKind[];
}

export interface HoldoutResult {
  customers: number;
  holdoutWeeks: number;
  actualPurchases: number;
  models: PurchaseModelValidation[];
  /** The model with the lowest mean absolute error of holdout purchases per customer. */
  best: PurchaseModelKind;
}

function transactionsOf(job: { customerIds: ArrayLike<number>; ats: ArrayLike<number>; cents: ArrayLike<number> }): Transaction[] {
  const tx = new Array<Transaction>(job.customerIds.length);
  for (let i = 0; i < tx.length; i++) tx[i] = { customerId: job.customerIds[i], at: job.ats[i], amount: job.cents[i] / 100 };
  return tx;
}

/** Holdout validation of the purchase models (lifetime/holdout.ts) on a calibration / holdout split of the data. */
export function holdoutValidation(job: HoldoutJob): HoldoutResult {
  const split = splitCalibrationHoldout(transactionsOf(job), { calibrationEnd: job.calibrationEnd, holdoutEnd: job.holdoutEnd, timeUnitDays: WEEK_DAYS });
  const models = validatePurchaseModels(split, job.models);
  return {
    customers: split.customers.length, holdoutWeeks: split.holdoutDuration,
    actualPurchases: split.customers.reduce((s, c) => s + c.holdoutFrequency, 0), models, best: bestByHoldout(models),
  };
}

/** Backtest of the per-customer spend forecasts on the same split (forecast/backtest.ts). */
export function spendForecastBacktest(job: HoldoutJob): SpendBacktest {
  // Loaded on first use: the linear trend's ml-regression would add ~75 ms to every fresh fit worker's start.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { spendBacktest } = require('./forecast/backtest') as typeof import('./forecast/backtest');
  return spendBacktest(transactionsOf(job), { calibrationEnd: job.calibrationEnd, holdoutEnd: job.holdoutEnd, timeUnitDays: WEEK_DAYS }, job.models);
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
  /** Customer id of each row: given, the fit also ranks every product's likely buyers. */
  customerIds?: Float64Array;
  options: CollaborativeOptions;
}

/** Customers kept per product for Product.likelyBuyers (its largest `first`). */
export const LIKELY_BUYERS_KEPT = 100;
/** Sources (products whose buyers may want a product) considered per product for likelyBuyers. */
export const LIKELY_BUYER_SOURCES = 20;

export interface RecommenderFit {
  model: EncodedCollaborativeModel;
  productIds: number[];
  /** Each product's likely buyers (item indices as in productIds), when the job had customer ids. */
  likelyBuyers?: EncodedLikelyBuyers;
}

export function fitRecommender(job: RecommenderJob): RecommenderFit {
  const rows = { items: job.items, starts: job.starts, itemCount: job.productIds.length };
  const model = fitCollaborative(rows, job.options);
  const fit: RecommenderFit = { model: encodeCollaborative(model), productIds: Array.from(job.productIds) };
  if (job.customerIds) {
    fit.likelyBuyers = encodeLikelyBuyers(likelyBuyers(model, { ...rows, groupIds: job.customerIds }, { first: LIKELY_BUYERS_KEPT, sources: LIKELY_BUYER_SOURCES }));
  }
  return fit;
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
  population: fitPopulation, lifetime: fitLifetimePopulation, churn: churnTable, holdout: holdoutValidation, backtest: spendForecastBacktest, segments: fitSegments, rules: mineRules,
  recommender: fitRecommender, evaluateRecommenders: evaluateRecommendersJob,
};
export type FitJobs = typeof FIT_JOBS;
