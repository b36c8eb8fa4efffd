import type { DataSource } from 'typeorm';
import { analyticsReader } from '../../db/replicas';
import { breathe, BREATHE_EVERY } from '../../common/breathe';
import { AppError, badInput, ErrorCode } from '../../common/errors';
import { startOfMinute } from '../../common/time';
import { toGlobalId } from '../../common/global-id';
import { fromCents } from '../../common/money';
import { hydrator } from '../../common/sql';
import { outsideRequest } from '../../common/sql-stats';
import { Product } from '../catalog/product.entity';
import type { Customer } from '../customer/customer.entity';
import { AnalyticsData, birthAtOf, DAY_MS, type PopulationColumns, type PopulationRow, type SpendPoint } from './analytics.data';
import type {
  AssociationRules, CustomerLifetime, DemandForecastBacktest, CustomerRfm, CustomerSatisfaction, CustomerSegment, CustomerValue, DemandForecast, LifetimeModel, LifetimeValidation,
  NextBestAction, PainPoint, ProductRecommendation, SatisfactionPeriod, Segmentation, SpendForecast, SpendForecastBacktest,
} from './analytics.types';
import { DemandForecastMethodEnum, LifetimeModelKind, RecommendationSourceEnum, RuleItemLevel, SegmentFeature, SpendForecastMethod, ValueTierEnum } from './analytics.types';
import { forecastSeries, linearForecastInterval, monthlySeries } from './forecast/forecast';
import { modelSpendForecast, monthsAfter } from './forecast/spend-model';
import { customerLifetimeValue, expectedPurchases, gammaGammaExpectedValue, probabilityAlive, PURCHASE_MODEL_KINDS, type CustomerSummary, type PurchaseModelKind } from './lifetime';
import { FitPool } from './fit-pool';
import { DEFAULT_ANALYTIC_LIMITS, RULES_MAX_ITEMSETS, RULES_MAX_RULES, RULES_MIN_SUPPORT_COUNT, type AnalyticLimits } from './limits';
import { DEFAULT_PURCHASE_MODEL, orNull, weeklySummaries, WEEK_DAYS, type EvaluationJob, type FitJobs, type HoldoutResult, type LifetimeFit, type RecommenderFit } from './fits';
import { demandBacktest, type SpendBacktest } from './forecast/backtest';
import { ModelStore, type DataVersion, type StoredModel } from './model-store';
import { buildProductSpace, type ProductSpace } from './recommendations/recommend';
import { decodeCollaborative, type CollaborativeStrategy } from './recommendations/collaborative';
import type { EvaluationOptions, RecommenderEvaluation } from './recommendations/evaluate';
import { productModel, recommendHybrid, type ProductModel, type RecommendationStrategy } from './recommendations/hybrid';
import type { HoldOutProtocol } from './recommendations/offline-evaluation';
import { scoreRfm, type RfmModel } from './rfm/rfm';
import { rankPainPoints, summarizeFeedback, UNSATISFIED_MAX_SCORE, type FeedbackRow } from './satisfaction/satisfaction';
import { assignSegment, type SegmentModel } from './segments/segments';
import { purchaseFrequency, valueTier, type ValueTierModel } from './value/value';

export const DEFAULT_SEGMENT_FEATURES = [SegmentFeature.AGE, SegmentFeature.ANNUAL_INCOME, SegmentFeature.PURCHASE_FREQUENCY];
export const DEFAULT_SEGMENT_K = 4;
export const DEFAULT_SEED = 42;
const DEFAULT_SEGMENT_RESTARTS = 10;
const DEFAULT_SEGMENTS_KEY = `segments:${DEFAULT_SEGMENT_K}:${DEFAULT_SEGMENT_FEATURES.join(',')}:${DEFAULT_SEED}:${DEFAULT_SEGMENT_RESTARTS}`;
/** associationRules' defaults: the one rule set shared by instances; other arguments are per-process variants. */
export const DEFAULT_RULE_ARGS = { minSupport: 0.01, minConfidence: 0.3, minLift: 0, maxLength: 10 } as const;
const DEFAULT_RULES_KEY = `rules:${RuleItemLevel.PRODUCT}:${DEFAULT_RULE_ARGS.minSupport}:${DEFAULT_RULE_ARGS.minConfidence}:${DEFAULT_RULE_ARGS.minLift}:${DEFAULT_RULE_ARGS.maxLength}:live`;

/** The collaborative model the default recommendations serve (chosen by the offline evaluation, docs/analytics.md). */
export const DEFAULT_COLLABORATIVE: CollaborativeStrategy = 'EASE';
/**
 * Where a recommender is stored. "v2": the shared model also holds every product's likely buyers; a model
 * stored by an earlier version (key without it) is not read, so the first start after an upgrade fits anew.
 */
const recommenderKey = (strategy: CollaborativeStrategy) => `recommender:v2:${strategy}:live`;

export interface Catalogue {
  space: ProductSpace;
  byId: Map<number, Product>;
}

interface PopulationModel {
  tiers: ValueTierModel;
  rfm: RfmModel | null;
}

interface SegmentsModel {
  result: Omit<Segmentation, 'asOf' | 'fittedAt' | 'fitMs'>;
  model: SegmentModel;
}


interface RulesFit {
  transactionCount: number;
  itemsetCount: number;
  rules: { a: (string | number)[]; c: (string | number)[]; support: number; confidence: number; lift: number; leverage: number; conviction: number | null; count: number }[];
}

/** Per-customer stats (COMPLETED purchases) as of a date. */
export interface CustomerStats {
  purchaseCount: number;
  totalCents: number;
  firstAt: number | null;
  lastAt: number | null;
}


/** What a customer's segmentation features are computed from (null where unknown). */
interface FeatureInputs {
  birthAt: number | null;
  annualIncome: number | null;
  purchaseCount: number;
  totalCents: number;
  firstAt: number | null;
  lastAt: number | null;
}

function featureOf(f: SegmentFeature, r: FeatureInputs, asOf: number): number | null {
  switch (f) {
    case SegmentFeature.AGE: return r.birthAt == null ? null : (asOf - r.birthAt) / (365.2425 * DAY_MS);
    case SegmentFeature.ANNUAL_INCOME: return r.annualIncome;
    // Purchases after the asOf of a live model (made since it was fitted) count as made at asOf.
    case SegmentFeature.PURCHASE_FREQUENCY: return purchaseFrequency(r.purchaseCount, r.firstAt == null ? null : Math.min(r.firstAt, asOf), asOf);
    case SegmentFeature.RECENCY_DAYS: return r.lastAt == null ? null : Math.max(0, asOf - r.lastAt) / DAY_MS;
    case SegmentFeature.FREQUENCY: return r.purchaseCount;
    case SegmentFeature.MONETARY: return r.totalCents / 100;
  }
}

/** One customer's segmentation features as of a time (null where unknown). */
export function segmentFeatures(r: PopulationRow, features: readonly SegmentFeature[], asOf: number): (number | null)[] {
  const inputs: FeatureInputs = { ...r, birthAt: birthAtOf(r.birthDate) };
  return features.map((f) => featureOf(f, inputs, asOf));
}

const orNullNaN = (v: number) => (Number.isNaN(v) ? null : v);

/**
 * The population as one row-major feature matrix for the segments fit, filled in slices that give way to
 * requests (100k customers take ~0.3 s). Missing values (no birth date, no income, no purchase) take the
 * column mean, neutral after standardizing; the means are kept to impute customers scored later.
 */
export async function segmentMatrix(pop: PopulationColumns, features: readonly SegmentFeature[], asOf: number): Promise<{ values: Float64Array; means: number[] }> {
  const d = features.length;
  const rows = pop.ids.length;
  const values = new Float64Array(rows * d);
  const sums = new Float64Array(d);
  const counts = new Float64Array(d);
  // One object reused for every customer: nothing per customer is left for the GC.
  const r: FeatureInputs = { birthAt: null, annualIncome: null, purchaseCount: 0, totalCents: 0, firstAt: null, lastAt: null };
  for (let i = 0; i < rows; i++) {
    if (i > 0 && i % BREATHE_EVERY === 0) await breathe();
    r.birthAt = orNullNaN(pop.birthAt[i]);
    r.annualIncome = orNullNaN(pop.annualIncome[i]);
    r.purchaseCount = pop.purchaseCount[i];
    r.totalCents = pop.totalCents[i];
    r.firstAt = orNullNaN(pop.firstAt[i]);
    r.lastAt = orNullNaN(pop.lastAt[i]);
    for (let j = 0; j < d; j++) {
      const v = featureOf(features[j], r, asOf);
      if (v != null && Number.isFinite(v)) {
        values[i * d + j] = v;
        sums[j] += v;
        counts[j] += 1;
      } else values[i * d + j] = NaN;
    }
  }
  const means = Array.from(sums, (sum, j) => (counts[j] ? sum / counts[j] : 0));
  for (let i = 0; i < values.length; i++) if (Number.isNaN(values[i])) values[i] = means[i % d];
  return { values, means };
}

/** Simulated futures behind a forecast's 80 % interval (about 1 ms a customer for 3 months); none when no interval is asked for. */
const FORECAST_DRAWS = 1000;

/** Mean spend of the months with spend (the order value of last resort, when nobody has repeated yet). */
function averageOrderValue(points: SpendPoint[]): number {
  const paid = points.filter((p) => p.cents > 0);
  return paid.length ? paid.reduce((sum, p) => sum + p.cents, 0) / 100 / paid.length : 0;
}

/** A kept aggregate: what it was computed on, until when it is fresh, whether it settled, whether a recomputation runs. */
interface AggregateEntry { marks: string; until: number; value: Promise<unknown>; done: boolean; refreshing: boolean }

/** How long a dashboard aggregate is reused while the data marks stand (MODEL_REFRESH=background). */
export const AGGREGATE_TTL_MS = 60_000;

/** Loads what the analytic fields need (in batches), fits population models once, calls the pure maths. */
export class AnalyticsService {
  readonly data: AnalyticsData;
  readonly store: ModelStore;
  private catalogue: { key: string; built: Promise<Catalogue> } | null = null;

  /** Heavy fits run on a worker thread so that requests keep being answered meanwhile. */
  readonly fits: FitPool;

  /** Dashboard aggregates computed lately, by what they were computed on (MODEL_REFRESH=background only). */
  private readonly aggregates = new Map<string, AggregateEntry>();

  constructor(private readonly ds: DataSource, private readonly limits: AnalyticLimits = DEFAULT_ANALYTIC_LIMITS) {
    // Population reads go to a read replica when there is a healthy one (src/db/replicas.ts).
    this.data = new AnalyticsData(analyticsReader(ds));
    this.store = new ModelStore(ds, limits);
    this.fits = new FitPool({ timeoutMs: limits.fitTimeoutMs, sharedTimeoutMs: limits.sharedFitTimeoutMs, heapMb: limits.fitHeapMb });
  }

  /**
   * A dashboard aggregate (summaries, pain points, demand series) in MODEL_REFRESH=background, which accepts
   * answers a little behind the data: reused for AGGREGATE_TTL_MS while no customer, purchase or feedback was
   * added; after that, or once the data marks moved, the last value still answers at once while one
   * recomputation runs behind it (as stale models do), so a warm dashboard never waits for a rescan. Only a
   * key never computed waits. At most 256 keys are kept (arguments such as a category name are part of a key).
   */
  aggregate<T>(key: string, version: DataVersion, compute: () => Promise<T>): Promise<T> {
    if (this.limits.modelRefresh !== 'background') return compute();
    const marks = `${version.customers}|${version.purchases}|${version.feedback ?? ''}`;
    const now = Date.now();
    const hit = this.aggregates.get(key);
    if (hit) {
      // Least recently used leave first: keys a client invents (category names) cannot flush the dashboard's.
      this.aggregates.delete(key);
      this.aggregates.set(key, hit);
    }
    // A first computation still running is waited for within the first-fit bound, like a first fit.
    if (hit && !hit.done) return this.firstAggregate(key, hit.value as Promise<T>);
    if (hit && (hit.marks === marks && hit.until > now || hit.refreshing)) return hit.value as Promise<T>;
    if (hit) {
      hit.refreshing = true;
      outsideRequest(compute).then(
        (value) => this.aggregates.set(key, { marks, until: Date.now() + AGGREGATE_TTL_MS, value: Promise.resolve(value), done: true, refreshing: false }),
        () => (hit.refreshing = false), // the old value keeps answering; the next request tries again
      );
      return hit.value as Promise<T>;
    }
    if (this.aggregates.size >= 256) this.aggregates.delete(this.aggregates.keys().next().value!);
    const entry: AggregateEntry = { marks, until: now + AGGREGATE_TTL_MS, value: compute(), done: false, refreshing: false };
    entry.value.then(() => (entry.done = true), () => this.aggregates.get(key) === entry && this.aggregates.delete(key));
    this.aggregates.set(key, entry);
    return this.firstAggregate(key, entry.value as Promise<T>);
  }

  /** A key never computed: at most firstFitWaitMs, then SERVICE_UNAVAILABLE while the computation goes on for the next request. */
  private firstAggregate<T>(key: string, value: Promise<T>): Promise<T> {
    return this.store.firstWait(value, `dashboard:${key.split(':')[0]}`, `the ${key.split(':')[0]} figures are being computed for the first time; retry in a few seconds`);
  }

  static statsFromCustomer(c: Customer): CustomerStats {
    return { purchaseCount: c.purchaseCount, totalCents: c.totalSpentCents, firstAt: c.firstPurchaseAt?.getTime() ?? null, lastAt: c.lastPurchaseAt?.getTime() ?? null };
  }

  async statsAsOf(ids: readonly number[], asOf: Date): Promise<Map<number, CustomerStats>> {
    return new Map((await this.data.stats(ids, asOf)).map((r) => [r.id, r]));
  }

  // ---------------------------------------------------------------- population models

  /**
   * The population's columns, one read for every fit that asks while it runs (the population and segments
   * models are fitted together on a cold start: one pass over the customers instead of two). Only the columns
   * are shared, never kept: each fit builds its own job from them.
   */
  private populationColumns(asOf: Date | null): Promise<PopulationColumns> {
    if (asOf) return this.data.populationColumns(asOf);
    if (!this.liveColumns) {
      const read = this.data.populationColumns(null);
      this.liveColumns = read;
      const done = () => this.liveColumns === read && (this.liveColumns = null);
      read.then(done, done);
    }
    return this.liveColumns;
  }

  private liveColumns: Promise<PopulationColumns> | null = null;

  private modelOpts(asOf: Date | null, force?: boolean) {
    return { live: asOf == null, force };
  }

  private asOfKey(asOf: Date | null) {
    return asOf ? new Date(Math.floor(asOf.getTime() / DAY_MS) * DAY_MS).toISOString().slice(0, 10) : 'live';
  }

  /** `caller`: the API key asking, charged for a new variant (a past date). */
  population(version: DataVersion, asOf: Date | null, caller?: number) {
    return this.store.get<PopulationModel>(`population:${this.asOfKey(asOf)}`, 'population', version, { ...this.modelOpts(asOf), variant: asOf != null, caller }, async () => {
      const at = asOf ?? new Date();
      const pop = await this.populationColumns(asOf);
      // Quantiles of every buyer (sorts of a million values at L) on the fit worker, not the event loop.
      let buyers = 0;
      for (let i = 0; i < pop.ids.length; i++) if (pop.purchaseCount[i] > 0) buyers++;
      const job = { totals: new Float64Array(buyers), recencyDays: new Float64Array(buyers), frequencies: new Float64Array(buyers) };
      for (let i = 0, b = 0; i < pop.ids.length; i++) {
        if (!(pop.purchaseCount[i] > 0)) continue;
        // A buyer without a last purchase date counts from the epoch, as (at - null) did.
        const last = Number.isNaN(pop.lastAt[i]) ? 0 : pop.lastAt[i];
        job.totals[b] = pop.totalCents[i];
        job.recencyDays[b] = Math.floor((at.getTime() - last) / DAY_MS);
        job.frequencies[b++] = pop.purchaseCount[i];
      }
      const value = await this.fits.run('population', job, [job.totals.buffer, job.recencyDays.buffer, job.frequencies.buffer] as ArrayBuffer[], asOf ? 'request' : 'shared');
      return { value, asOf: at };
    });
  }

  segments(version: DataVersion, k: number, features: readonly SegmentFeature[], seed: number, restarts: number, force = false, caller?: number) {
    if (!Number.isInteger(k) || k < 2 || k > 12) throw badInput('k must be an integer from 2 to 12');
    if (!features.length || new Set(features).size !== features.length) throw badInput('features must be distinct and not empty');
    if (!Number.isInteger(restarts) || restarts < 1 || restarts > 20) throw badInput('restarts must be from 1 to 20');
    const key = `segments:${k}:${features.join(',')}:${seed}:${restarts}`;
    const variant = key !== DEFAULT_SEGMENTS_KEY;
    return this.store.get<SegmentsModel>(key, 'segments', version, { live: true, force, variant, caller }, async () => {
      const at = new Date();
      const pop = await this.populationColumns(null);
      const customers = pop.ids.length;
      if (customers < k) throw badInput(`need at least k = ${k} customers to segment, have ${customers}`);
      const { values, means } = await segmentMatrix(pop, features, at.getTime());
      let fit;
      try {
        fit = await this.fits.run('segments', { values, features: [...features], k, seed, restarts }, [values.buffer as ArrayBuffer], variant ? 'request' : 'shared');
      } catch (e) {
        // e.g. fewer distinct customers than k: the data cannot carry this many segments.
        if (e instanceof RangeError) throw badInput(`cannot segment into ${k}: ${e.message}`);
        throw e;
      }
      return {
        value: {
          result: { k, features: [...features], inertia: fit.inertia, segments: fit.segments, customers, seed },
          model: { ...fit.model, imputation: means } as SegmentModel,
        },
        asOf: at,
      };
    });
  }

  /** A purchase model (default: DEFAULT_PURCHASE_MODEL) + Gamma-Gamma, fitted on every customer as of a date. */
  lifetime(version: DataVersion, asOf: Date | null, force = false, caller?: number, model: PurchaseModelKind = DEFAULT_PURCHASE_MODEL) {
    const variant = asOf != null || model !== DEFAULT_PURCHASE_MODEL;
    return this.store.get<LifetimeFit>(`lifetime:${model}:${this.asOfKey(asOf)}`, 'lifetime', version, { ...this.modelOpts(asOf, force), variant, caller }, async () => {
      const at = asOf ?? new Date();
      const job = { ...(await this.data.dailySpendColumns(at)), asOf: at.getTime(), model };
      const { churn, ...value } = await this.fits.run('lifetime', job, [job.customerIds.buffer, job.ats.buffer, job.cents.buffer] as ArrayBuffer[], variant ? 'request' : 'shared');
      // Every customer's churn risk came with the fit: kept for churnByCustomer, not stored with the model.
      this.fittedChurn.set(value, new ChurnLookup(churn.customerIds, churn.churnRisk));
      return { value, asOf: at };
    });
  }

  /**
   * Holdout validation of every purchase model: fit each on the purchases up to calibrationEnd, predict every
   * customer's purchase days up to holdoutEnd, compare (lifetime/holdout.ts). A variant: kept in this process and
   * charged to its caller, fitted on the worker within the fit budget.
   */
  holdout(version: DataVersion, calibrationEnd: Date, holdoutEnd: Date, caller?: number) {
    return this.splitJob('holdout', version, calibrationEnd, holdoutEnd, caller);
  }

  /** Backtest of the per-customer spend forecasts on a calibration / holdout split: the same split and caching as holdout(). */
  backtest(version: DataVersion, calibrationEnd: Date, holdoutEnd: Date, caller?: number) {
    return this.splitJob('backtest', version, calibrationEnd, holdoutEnd, caller);
  }

  private splitJob<J extends 'holdout' | 'backtest'>(job: J, version: DataVersion, calibrationEnd: Date, holdoutEnd: Date, caller?: number) {
    const [cal, hold] = [this.asOfKey(calibrationEnd), this.asOfKey(holdoutEnd)];
    if (!(hold > cal)) throw badInput(`holdoutEnd (${hold}) must be a later day than calibrationEnd (${cal})`, { argument: 'holdoutEnd' });
    type Result = ReturnType<FitJobs[J]>;
    return this.store.get<Result>(`${job}:${cal}:${hold}`, job, version, { live: false, variant: true, caller }, async () => {
      const input = {
        ...(await this.data.dailySpendColumns(holdoutEnd)),
        calibrationEnd: calibrationEnd.getTime(),
        holdoutEnd: holdoutEnd.getTime(),
        models: [...PURCHASE_MODEL_KINDS],
      };
      try {
        const value = (await this.fits.run(job, input, [input.customerIds.buffer, input.ats.buffer, input.cents.buffer] as ArrayBuffer[])) as Result;
        return { value, asOf: holdoutEnd };
      } catch (e) {
        // Nobody bought in the calibration period, or nothing to fit on.
        if (e instanceof RangeError) throw badInput(`cannot validate on this split: ${e.message}`, { argument: 'calibrationEnd' });
        throw e;
      }
    });
  }

  /**
   * demandForecast's linear trend against naive and seasonal-naive on a calibration / holdout split: one GROUP BY over
   * the window, no fit; kept like a variant model (per process, charged to its caller) since the window can be long.
   */
  async demandBacktest(version: DataVersion, calibrationEnd: Date, holdoutEnd: Date, level: RuleItemLevel, caller?: number): Promise<DemandForecastBacktest> {
    const [cal, hold] = [this.asOfKey(calibrationEnd), this.asOfKey(holdoutEnd)];
    if (!(hold > cal)) throw badInput(`holdoutEnd (${hold}) must be a later day than calibrationEnd (${cal})`, { argument: 'holdoutEnd' });
    const m = await this.store.get<DemandForecastBacktest>(`demand:${level}:${cal}:${hold}`, 'demand', version, { live: false, variant: true, caller }, async () => {
      const next = new Date(Math.floor(calibrationEnd.getTime() / DAY_MS) * DAY_MS + DAY_MS);
      const from = new Date(Date.UTC(next.getUTCFullYear(), next.getUTCMonth() - 24, 1));
      const bySubject = new Map<string, { at: number; amount: number }[]>();
      for (const r of await this.data.monthlyUnitsByItem(level, from, holdoutEnd)) {
        const list = bySubject.get(r.item) ?? [];
        list.push({ at: r.at, amount: r.units });
        bySubject.set(r.item, list);
      }
      let b;
      try {
        b = demandBacktest([...bySubject.values()].map((points) => ({ points })), calibrationEnd.getTime(), holdoutEnd.getTime());
      } catch (e) {
        if (e instanceof RangeError) throw badInput(e.message, { argument: 'holdoutEnd' });
        throw e;
      }
      const value: DemandForecastBacktest = {
        calibrationEnd: cal, holdoutEnd: hold, level, subjects: b.subjects, holdoutMonths: b.holdoutMonths,
        methods: b.rows.map((r) => ({
          method: r.method as DemandForecastMethodEnum, rootMeanSquaredError: r.rootMeanSquaredError, meanAbsoluteError: r.meanAbsoluteError, spearman: r.spearman,
          predictedUnits: r.predictedTotal, actualUnits: r.actualTotal, soldForecastAtZero: r.positiveForecastAtZero,
        })),
      };
      return { value, asOf: holdoutEnd };
    });
    return m.value;
  }

  spendBacktestResult(calibrationEnd: Date, holdoutEnd: Date, r: SpendBacktest): SpendForecastBacktest {
    const buyers = r.rows[0]?.actualPositive ?? 0;
    return {
      calibrationEnd: this.asOfKey(calibrationEnd), holdoutEnd: this.asOfKey(holdoutEnd), customers: r.customers, holdoutWeeks: r.holdoutWeeks,
      holdoutMonths: r.holdoutMonths, holdoutBuyers: buyers, actualSpend: r.rows[0]?.actualTotal ?? 0,
      defaultMethod: SpendForecastMethod.PURCHASE_MODEL, defaultModel: DEFAULT_PURCHASE_MODEL as LifetimeModelKind,
      methods: r.rows.map((row) => ({
        method: row.method as SpendForecastMethod, model: row.model as LifetimeModelKind | null,
        rootMeanSquaredError: row.rootMeanSquaredError, meanAbsoluteError: row.meanAbsoluteError, spearman: row.spearman,
        predictedSpend: row.predictedTotal, actualSpend: row.actualTotal, buyersForecastAtZero: row.positiveForecastAtZero,
        shareOfBuyersForecastAtZero: row.actualPositive ? row.positiveForecastAtZero / row.actualPositive : 0,
      })),
    };
  }

  lifetimeValidationResult(calibrationEnd: Date, holdoutEnd: Date, r: HoldoutResult): LifetimeValidation {
    return {
      calibrationEnd: this.asOfKey(calibrationEnd), holdoutEnd: this.asOfKey(holdoutEnd), holdoutWeeks: r.holdoutWeeks, customers: r.customers,
      actualPurchases: r.actualPurchases, best: r.best as LifetimeModelKind, defaultModel: DEFAULT_PURCHASE_MODEL as LifetimeModelKind,
      models: r.models.map((m) => {
        const bg = m.fit.kind !== 'PARETO_NBD' ? m.fit.params : null;
        const pareto = m.fit.kind === 'PARETO_NBD' ? m.fit.params : null;
        return {
          model: m.model as LifetimeModelKind, r: m.fit.params.r, alpha: m.fit.params.alpha, a: bg?.a ?? null, b: bg?.b ?? null, s: pareto?.s ?? null, beta: pareto?.beta ?? null,
          logLikelihood: m.logLikelihood, converged: m.converged, predictedPurchases: m.predictedPurchases, actualPurchases: m.actualPurchases,
          meanAbsoluteError: m.meanAbsoluteError, rootMeanSquaredError: m.rootMeanSquaredError, byFrequency: m.byFrequency,
        };
      }),
    };
  }

  /**
   * Churn risk (1 - P(alive)) of every customer with a lifetime estimate, computed once per fitted lifetime
   * model: the BI summary and campaign audiences each used to recompute it for the whole population per request.
   */
  async churnByCustomer(life: { value: LifetimeFit; asOf: Date }): Promise<ChurnLookup> {
    if (this.churnCache?.model !== life.value) {
      const fit = life.value.fit;
      const table = (async () => {
        const fitted = this.fittedChurn.get(life.value);
        if (fitted) return fitted;
        if (!fit) return new ChurnLookup(new Float64Array(0), new Float64Array(0));
        // Read as typed columns and scored on the fit worker: a million customers never stall the event loop.
        const job = { ...(await this.data.dailySpendColumns(life.asOf)), asOf: life.asOf.getTime(), fit };
        const t = await this.fits.run('churn', job, [job.customerIds.buffer, job.ats.buffer, job.cents.buffer] as ArrayBuffer[], 'shared');
        return new ChurnLookup(t.customerIds, t.churnRisk);
      })();
      table.catch(() => this.churnCache?.table === table && (this.churnCache = null));
      this.churnCache = { model: life.value, table };
    }
    // A table never scored (a lifetime model loaded from the store) may queue behind other fits on the worker.
    return this.store.firstWait(this.churnCache.table, 'churn', 'churn risks are being scored for the first time; retry in a few seconds');
  }

  private churnCache: { model: LifetimeFit; table: Promise<ChurnLookup> } | null = null;
  /** Churn tables that came with a lifetime fit in this process (a model loaded from the store has none). */
  private readonly fittedChurn = new WeakMap<LifetimeFit, ChurnLookup>();

  summaries(points: SpendPoint[], asOf: Date): CustomerSummary[] {
    return weeklySummaries(points.map((p) => p.customerId), points.map((p) => p.at), points.map((p) => p.cents), asOf.getTime());
  }

  /**
   * Association rules. `caller` (the API key asking) is charged when the arguments are not the defaults of
   * `associationRules`; internal callers with fixed arguments (co-purchase boosts) pass none.
   */
  async rules(version: DataVersion, opts: { minSupport: number; minConfidence: number; minLift: number; maxLength: number; level: RuleItemLevel; asOf: Date | null; caller?: number }): Promise<StoredModel<RulesFit>> {
    const { minSupport, minConfidence, minLift, maxLength, level, asOf } = opts;
    const d = DEFAULT_RULE_ARGS;
    // The same itemsets as the shared default rule set, only a higher confidence or lift: a filter of its rules
    // (identical to mining them anew), so the dashboard's usual thresholds cost no fit of their own, even after a restart.
    if (level === RuleItemLevel.PRODUCT && asOf == null && minSupport === d.minSupport && maxLength === d.maxLength && minConfidence >= d.minConfidence && minLift >= d.minLift
      && (minConfidence !== d.minConfidence || minLift !== d.minLift)) {
      // A refusal of the shared set (its mining limits) leaves this stricter one to be mined as a variant; a shared
      // set still being fitted for the first time does not: that fit goes on and this request gets its 503.
      const base = await this.rules(version, { ...d, level, asOf: null })
        .catch((e) => (e instanceof AppError && e.code !== ErrorCode.SERVICE_UNAVAILABLE ? null : Promise.reject(e)));
      if (base) return this.filteredRules(base, minConfidence, minLift);
    }
    if (!(minSupport > 0 && minSupport <= 1)) throw badInput('minSupport must be in (0, 1]');
    if (!(minConfidence >= 0 && minConfidence <= 1)) throw badInput('minConfidence must be in [0, 1]');
    if (!(minLift >= 0 && minLift < 1e6)) throw badInput('minLift must be from 0 to 1e6');
    if (!Number.isInteger(maxLength) || maxLength < 2 || maxLength > 10) throw badInput('maxLength must be from 2 to 10');
    // Before any work: there are at most as many baskets as purchase ids, so this support can never be met.
    // Internal callers with fixed arguments (pairs for co-purchase boosts) are not held to it.
    const tooRare = (baskets: number) => opts.caller !== undefined && minSupport * baskets < RULES_MIN_SUPPORT_COUNT;
    const refuse = (baskets: number) =>
      badInput(`minSupport ${minSupport} is ${Math.ceil(minSupport * baskets)} of ${baskets} baskets; a rule must be seen in at least ${RULES_MIN_SUPPORT_COUNT} baskets (minSupport >= ${(RULES_MIN_SUPPORT_COUNT / Math.max(1, baskets)).toPrecision(2)})`,
        { argument: 'minSupport', limit: RULES_MIN_SUPPORT_COUNT });
    if (version.purchases > 0 && tooRare(version.purchases)) throw refuse(version.purchases);
    const key = `rules:${level}:${minSupport}:${minConfidence}:${minLift}:${maxLength}:${this.asOfKey(asOf)}`;
    const variant = opts.caller !== undefined && key !== DEFAULT_RULES_KEY;
    return this.store.get<RulesFit>(key, 'rules', version, { ...this.modelOpts(asOf), variant, caller: opts.caller }, async () => {
      const at = asOf ?? new Date();
      const { items, starts, names } = await this.data.baskets(level, at);
      const baskets = starts.length - 1;
      if (baskets > 0 && tooRare(baskets)) throw refuse(baskets);
      let mined;
      try {
        mined = await this.fits.run(
          'rules',
          { items, starts, itemCount: names.length, options: { minSupport, minConfidence, minLift, maxLength, maxItemsets: RULES_MAX_ITEMSETS, maxRules: RULES_MAX_RULES } },
          [items.buffer as ArrayBuffer, starts.buffer as ArrayBuffer],
          variant ? 'request' : 'shared',
        );
      } catch (e) {
        // The miner's own limits (too many itemsets or rules) and option checks: the query asked for too much.
        if (e instanceof RangeError) throw badInput(e.message, { argument: 'minSupport' });
        throw e;
      }
      return {
        value: {
          transactionCount: mined.transactionCount,
          itemsetCount: mined.itemsetCount,
          rules: mined.rules.map((r) => ({
            a: r.antecedent.map((i) => names[i]), c: r.consequent.map((i) => names[i]),
            support: r.support, confidence: r.confidence, lift: r.lift, leverage: r.leverage, conviction: r.conviction, count: r.count,
          })),
        },
        asOf: at,
      };
    });
  }

  /** A stricter view of a fitted rule set, kept per base model and thresholds (one object, so that callers can cache by it). */
  private filteredRules(base: StoredModel<RulesFit>, minConfidence: number, minLift: number): StoredModel<RulesFit> {
    let views = this.ruleViews.get(base.value);
    if (!views) this.ruleViews.set(base.value, (views = new Map()));
    const k = `${minConfidence}:${minLift}`;
    let view = views.get(k);
    if (!view) {
      if (views.size >= 32) views.clear();
      view = { ...base, value: { ...base.value, rules: base.value.rules.filter((r) => r.confidence >= minConfidence && r.lift >= minLift) } };
      views.set(k, view);
    }
    return view;
  }

  private readonly ruleViews = new WeakMap<RulesFit, Map<string, StoredModel<RulesFit>>>();

  /**
   * "Often bought with" boosts for recommendations: product pair rules (lift > 1) mined once like any
   * population model. On the seeded company they raise hit rate @10 from 19% to 22% (popularity: 17%).
   */
  async coPurchase(version: DataVersion): Promise<Map<number, { productId: number; lift: number }[]>> {
    const m = await this.rules(version, { minSupport: 0.001, minConfidence: 0.05, minLift: 1, maxLength: 2, level: RuleItemLevel.PRODUCT, asOf: null });
    const cached = this.coPurchaseCache;
    if (cached && cached.model === m.value) return cached.map;
    const map = new Map<number, { productId: number; lift: number }[]>();
    for (const r of m.value.rules) {
      const a = Number(r.a[0]);
      const list = map.get(a) ?? [];
      list.push({ productId: Number(r.c[0]), lift: r.lift });
      map.set(a, list);
    }
    this.coPurchaseCache = { model: m.value, map };
    return map;
  }

  private coPurchaseCache: { model: RulesFit; map: Map<number, { productId: number; lift: number }[]> } | null = null;

  /**
   * The collaborative recommender fitted on every customer's purchases (live): EASE by default (item-kNN
   * beyond EASE_MAX_ITEMS products), another strategy as a per-process variant charged to `caller`.
   */
  recommender(version: DataVersion, strategy: CollaborativeStrategy = DEFAULT_COLLABORATIVE, caller?: number) {
    const shared = strategy === DEFAULT_COLLABORATIVE;
    return this.store.get<RecommenderFit>(recommenderKey(strategy), 'recommender', version, { live: true, variant: !shared, caller }, async () => {
      const at = new Date();
      const { items, starts, names, groupIds } = await this.data.customerProducts(at);
      // The shared model also ranks each product's likely buyers (Product.likelyBuyers); a variant has no use for them.
      const job = { items, starts, productIds: Float64Array.from(names as number[]), customerIds: shared ? groupIds : undefined, options: { strategy } };
      const transfer = [job.items.buffer, job.starts.buffer, job.productIds.buffer, ...(job.customerIds ? [job.customerIds.buffer] : [])] as ArrayBuffer[];
      return { value: await this.fits.run('recommender', job, transfer, shared ? 'shared' : 'request'), asOf: at };
    });
  }

  /** The stored recommender decoded once per fitted model. */
  productModelOf(fit: RecommenderFit): ProductModel {
    let m = this.decoded.get(fit);
    if (!m) {
      m = productModel(decodeCollaborative(fit.model), fit.productIds);
      this.decoded.set(fit, m);
    }
    return m;
  }

  private readonly decoded = new WeakMap<RecommenderFit, ProductModel>();

  /**
   * Offline evaluation of every recommendation strategy on this database's purchases (seeded hold-out, see
   * recommendations/evaluate.ts), on the fit worker. A per-process variant charged to `caller`.
   */
  async evaluateRecommendations(
    version: DataVersion,
    opts: { protocols: HoldOutProtocol[]; seed: number; k: number; maxCases: number; minBasketItems: number; caller?: number },
  ): Promise<{ value: RecommenderEvaluation[]; asOf: Date; fitMs: number }> {
    const { protocols, seed, k, maxCases, minBasketItems } = opts;
    if (!Number.isInteger(k) || k < 1 || k > 50) throw badInput('k must be from 1 to 50');
    if (!Number.isInteger(maxCases) || maxCases < 1 || maxCases > 20_000) throw badInput('maxCases must be from 1 to 20000');
    if (!Number.isInteger(minBasketItems) || minBasketItems < 2 || minBasketItems > 50) throw badInput('minBasketItems must be from 2 to 50');
    if (!Number.isSafeInteger(seed)) throw badInput('seed must be an integer');
    const key = `recommender-evaluation:${[...new Set(protocols)].join(',')}:${seed}:${k}:${maxCases}:${minBasketItems}`;
    return this.store.get<RecommenderEvaluation[]>(key, 'recommender-evaluation', version, { live: true, variant: true, caller: opts.caller }, async () => {
      const at = new Date();
      const job = await this.evaluationJob(version, at, [...new Set(protocols)].map((protocol) => ({ protocol, seed, k, maxCases, minBasketItems })));
      const transfer = [job.purchaseIds.buffer, job.customerIds.buffer, job.ats.buffer, job.productIds.buffer] as ArrayBuffer[];
      return { value: await this.fits.run('evaluateRecommenders', job, transfer), asOf: at };
    });
  }

  /** Every COMPLETED purchase line up to `at` and the catalogue, as the evaluation job's input (also the CLI's). */
  async evaluationJob(version: DataVersion, at: Date, options: EvaluationOptions[]): Promise<EvaluationJob> {
    const [lines, catalogue] = await Promise.all([this.data.purchaseLines(at), this.productCatalogue(version)]);
    return {
      purchaseIds: Float64Array.from(lines, (l) => l.purchaseId),
      customerIds: Float64Array.from(lines, (l) => l.customerId),
      ats: Float64Array.from(lines, (l) => l.at),
      productIds: Float64Array.from(lines, (l) => l.productId),
      catalogue: [...catalogue.byId.values()].map((p) => ({ id: p.id, category: p.category, tags: p.tags, priceCents: p.priceCents })),
      options,
    };
  }

  /** The catalogue as content vectors, rebuilt only when products changed (once, however many ask at a time). */
  productCatalogue(version: DataVersion): Promise<Catalogue> {
    const key = `${version.products}:${version.productsUpdatedAt}`;
    if (this.catalogue?.key !== key) {
      const built = this.buildCatalogue();
      this.catalogue = { key, built };
      // A failed build is not kept: the next request tries again.
      built.catch(() => {
        if (this.catalogue?.built === built) this.catalogue = null;
      });
    }
    return this.catalogue.built;
  }

  private async buildCatalogue(): Promise<Catalogue> {
    const hydrate = hydrator(this.ds, Product);
    const products: Product[] = (await this.ds.query('SELECT * FROM products p WHERE p.deleted_at IS NULL')).map(hydrate);
    const space = buildProductSpace(products.map((p) => ({ id: p.id, category: p.category, tags: p.tags, priceCents: p.priceCents })));
    return { space, byId: new Map(products.map((p) => [p.id, p])) };
  }

  // ---------------------------------------------------------------- per-customer results (pure, no SQL)

  value(stats: CustomerStats, pop: PopulationModel, asOf: Date): CustomerValue {
    if (stats.lastAt != null && stats.lastAt > asOf.getTime()) asOf = new Date(stats.lastAt);
    return {
      purchaseCount: stats.purchaseCount,
      totalSpent: fromCents(stats.totalCents),
      averageOrderValue: stats.purchaseCount ? fromCents(Math.round(stats.totalCents / stats.purchaseCount)) : null,
      firstPurchaseAt: stats.firstAt == null ? null : new Date(stats.firstAt),
      lastPurchaseAt: stats.lastAt == null ? null : new Date(stats.lastAt),
      purchaseFrequency: purchaseFrequency(stats.purchaseCount, stats.firstAt, asOf.getTime()),
      tier: valueTier(pop.tiers, stats.totalCents) as ValueTierEnum,
      asOf,
    };
  }

  rfm(stats: CustomerStats, pop: PopulationModel, asOf: Date): CustomerRfm | null {
    if (!pop.rfm || stats.purchaseCount === 0 || stats.lastAt == null) return null;
    const recencyDays = Math.max(0, Math.floor((asOf.getTime() - stats.lastAt) / DAY_MS));
    const s = scoreRfm(pop.rfm, { recencyDays, frequency: stats.purchaseCount, monetary: stats.totalCents });
    return { recencyDays, frequency: stats.purchaseCount, monetary: fromCents(stats.totalCents), ...s, asOf };
  }

  segmentOf(c: Customer, model: SegmentsModel, asOf: Date): CustomerSegment {
    const row: PopulationRow = {
      id: c.id, birthDate: c.birthDate, annualIncome: c.annualIncome, country: c.country, purchaseCount: c.purchaseCount, totalCents: c.totalSpentCents,
      firstAt: c.firstPurchaseAt?.getTime() ?? null, lastAt: c.lastPurchaseAt?.getTime() ?? null,
    };
    const imputation = (model.model as SegmentModel & { imputation: number[] }).imputation;
    const features = segmentFeatures(row, model.result.features as SegmentFeature[], asOf.getTime()).map((v, j) => (v != null && Number.isFinite(v) ? v : imputation[j]));
    const id = assignSegment(model.model, features);
    return { id, label: model.result.segments[id].label, asOf };
  }

  lifetimeOf(summary: CustomerSummary | undefined, life: LifetimeFit, horizonDays: number, asOf: Date): CustomerLifetime | null {
    const fit = life.fit;
    if (!summary || !fit) return null;
    const alive = orNull(() => probabilityAlive(fit, summary));
    if (alive == null) return null;
    const expected = orNull(() => expectedPurchases(fit, horizonDays / WEEK_DAYS, summary));
    const aov = life.gg ? gammaGammaExpectedValue(life.gg, summary) : null;
    const clv = life.gg && expected != null ? orNull(() => customerLifetimeValue(fit, life.gg!, summary, { horizonDays, timeUnitDays: WEEK_DAYS })) : null;
    return { model: life.model as LifetimeModelKind, probabilityAlive: alive, churnRisk: 1 - alive, expectedPurchases: expected, expectedOrderValue: aov, clv, horizonDays, asOf };
  }

  satisfactionOf(rows: FeedbackRow[], asOf: Date): CustomerSatisfaction {
    return { ...summarizeFeedback(rows), asOf };
  }

  /** The linear trend through the monthly history (the LINEAR_TREND method, and the history fields of every forecast). */
  forecastOf(points: SpendPoint[], firstAt: number | null, asOf: Date, horizonMonths: number, historyMonths: number): SpendForecast {
    const series = monthlySeries(points.map((p) => ({ at: p.at, amount: p.cents / 100 })), {
      asOf: asOf.getTime(), months: historyMonths, startAt: firstAt ?? undefined,
    });
    const f = forecastSeries(series, horizonMonths);
    const interval = linearForecastInterval(f);
    return {
      method: SpendForecastMethod.LINEAR_TREND, model: null,
      months: f.months.map((m, h) => ({ month: m.month, spend: m.value, low: interval?.[h].low ?? null, high: interval?.[h].high ?? null })),
      total: f.months.reduce((sum, m) => sum + m.value, 0), totalLow: null, totalHigh: null, expectedPurchases: null, expectedOrderValue: null, probabilityAlive: null,
      history: f.history.map((m) => ({ month: m.month, spend: m.value })),
      slope: f.slope, intercept: f.intercept, r2: f.r2, trend: f.trend, insufficientHistory: f.insufficientHistory, asOf,
    };
  }

  /**
   * PURCHASE_MODEL: expected purchases per month after the lifetime model's asOf x Gamma-Gamma's expected order value,
   * with a simulated 80 % interval (forecast/spend-model.ts). Falls back to the linear trend when the model is not fitted.
   */
  modelForecastOf(
    points: SpendPoint[], firstAt: number | null, summary: CustomerSummary | undefined, life: { value: LifetimeFit; asOf: Date },
    customerId: number, horizonMonths: number, historyMonths: number, withInterval = true,
  ): SpendForecast {
    const linear = this.forecastOf(points, firstAt, life.asOf, horizonMonths, historyMonths);
    const fit = life.value.fit;
    if (!fit) return linear;
    const base = { ...linear, method: SpendForecastMethod.PURCHASE_MODEL, model: life.value.model as LifetimeModelKind, asOf: life.asOf };
    if (!summary) {
      // Never bought (as of the model): the purchase models describe customers from their first purchase on.
      const { labels } = monthsAfter(life.asOf.getTime(), horizonMonths);
      return {
        ...base, months: labels.map((month) => ({ month, spend: 0, low: 0, high: 0 })), total: 0, totalLow: 0, totalHigh: 0,
        expectedPurchases: 0, expectedOrderValue: null, probabilityAlive: null, insufficientHistory: true,
      };
    }
    let f;
    try {
      const gg = life.value.gg && life.value.gg.q > 1 ? life.value.gg : null;
      f = modelSpendForecast(fit, gg, summary, {
        asOf: life.asOf.getTime(), months: horizonMonths, timeUnitDays: WEEK_DAYS, seed: DEFAULT_SEED + customerId * 7919, fallbackOrderValue: averageOrderValue(points),
        draws: withInterval ? FORECAST_DRAWS : 0,
      });
    } catch (e) {
      if (e instanceof RangeError) return linear; // a closed form out of reach for extreme parameters
      throw e;
    }
    return {
      ...base, months: f.months.map((m) => ({ month: m.month, spend: m.value, low: m.low, high: m.high })), total: f.total, totalLow: f.totalLow, totalHigh: f.totalHigh,
      expectedPurchases: f.expectedPurchases, expectedOrderValue: f.expectedOrderValue, probabilityAlive: f.probabilityAlive, insufficientHistory: summary.frequency === 0,
    };
  }

  recommendationsOf(
    history: { productId: number; quantity: number; at: number }[],
    catalogue: Catalogue,
    collaborative: ProductModel | null,
    coPurchase: Map<number, { productId: number; lift: number }[]> | undefined,
    opts: { limit: number; excludePurchased: boolean; asOf: Date; strategy: RecommendationStrategy },
  ): ProductRecommendation[] {
    const recs = recommendHybrid(catalogue.space, collaborative, history.filter((h) => catalogue.byId.has(h.productId)), {
      asOf: opts.asOf.getTime(), limit: opts.limit, excludePurchased: opts.excludePurchased, coPurchase, strategy: opts.strategy,
      productName: (id) => catalogue.byId.get(id)?.name ?? `product ${id}`,
      productCategory: (id) => catalogue.byId.get(id)?.category ?? null,
    });
    return recs.flatMap((r) => {
      const product = catalogue.byId.get(r.productId);
      return product ? [{ product, score: r.score, reason: r.reason, source: r.source as RecommendationSourceEnum }] : [];
    });
  }

  // ---------------------------------------------------------------- population results

  /** The default segmentation, or null while the data cannot carry it (too few distinct customers). */
  async defaultSegments(version: DataVersion) {
    try {
      return await this.segments(version, DEFAULT_SEGMENT_K, DEFAULT_SEGMENT_FEATURES, DEFAULT_SEED, DEFAULT_SEGMENT_RESTARTS);
    } catch (e) {
      if (e instanceof AppError && e.code === ErrorCode.BAD_USER_INPUT) return null;
      throw e;
    }
  }

  segmentationResult(m: { value: SegmentsModel; asOf: Date; fittedAt: Date; fitMs: number }): Segmentation {
    return { ...m.value.result, asOf: m.asOf, fittedAt: m.fittedAt, fitMs: m.fitMs };
  }

  async associationRules(version: DataVersion, opts: Parameters<AnalyticsService['rules']>[1] & { first: number }): Promise<AssociationRules> {
    const m = await this.rules(version, opts);
    const productIds = opts.level === RuleItemLevel.PRODUCT ? [...new Set(m.value.rules.slice(0, opts.first).flatMap((r) => [...r.a, ...r.c]))] : [];
    const names = new Map<number, string>();
    if (productIds.length) {
      const catalogue = await this.productCatalogue(version);
      for (const id of productIds) names.set(Number(id), catalogue.byId.get(Number(id))?.name ?? `product ${id}`);
    }
    const item = (v: string | number) =>
      opts.level === RuleItemLevel.PRODUCT ? { id: toGlobalId('Product', Number(v)), name: names.get(Number(v)) ?? String(v) } : { id: null, name: String(v) };
    return {
      totalCount: m.value.rules.length,
      itemsetCount: m.value.itemsetCount,
      transactionCount: m.value.transactionCount,
      rules: m.value.rules.slice(0, opts.first).map((r) => ({
        antecedent: r.a.map(item), consequent: r.c.map(item), support: r.support, confidence: r.confidence, lift: r.lift,
        leverage: r.leverage, conviction: r.conviction, count: r.count,
      })),
      asOf: m.asOf,
      fitMs: m.fitMs,
    };
  }

  lifetimeModelResult(m: { value: LifetimeFit; asOf: Date; fittedAt: Date; fitMs: number }): LifetimeModel {
    const f = m.value;
    const fit = f.fit;
    const bg = fit && fit.kind !== 'PARETO_NBD' ? fit.params : null;
    const pareto = fit?.kind === 'PARETO_NBD' ? fit.params : null;
    return {
      model: f.model as LifetimeModelKind, isDefault: f.model === DEFAULT_PURCHASE_MODEL,
      r: fit?.params.r ?? 0, alpha: fit?.params.alpha ?? 0, a: bg?.a ?? null, b: bg?.b ?? null, s: pareto?.s ?? null, beta: pareto?.beta ?? null,
      timeUnit: 'week', subjects: f.subjects,
      logLikelihood: f.logLikelihood, converged: fit != null && f.converged, p: f.gg?.p ?? null, q: f.gg?.q ?? null, v: f.gg?.v ?? null,
      repeatCustomers: f.repeatCustomers, gammaGammaConverged: f.gg != null && f.ggConverged, asOf: m.asOf, fittedAt: m.fittedAt, fitMs: m.fitMs,
      fitted: fit ?? null,
    };
  }

  async painPoints(asOf: Date, periodDays: number, first: number): Promise<PainPoint[]> {
    const rows = await this.data.unsatisfiedIssues(asOf, UNSATISFIED_MAX_SCORE);
    return rankPainPoints(rows.map((r) => ({ issue: r.issue, at: r.at })), { asOf: asOf.getTime(), periodDays }).slice(0, first);
  }

  /**
   * Every product's units per month over the 24 months before the fit (Product.demand): a live population model
   * (one windowed read of the catalogue's lines, stored and shared like the others, refreshed when purchases
   * moved or after LIVE_MODEL_TTL_MS), so that no page of products scans purchase lines.
   */
  async productDemandSeries(version: DataVersion): Promise<{ asOf: Date; byProduct: Map<number, { at: number; units: number }[]> }> {
    const m = await this.store.get<Record<string, [number, number][]>>('product-demand:live', 'product-demand', version, { live: true }, async () => {
      const asOf = startOfMinute();
      const from = new Date(Date.UTC(asOf.getUTCFullYear(), asOf.getUTCMonth() - 24, 1));
      const value: Record<string, [number, number][]> = {};
      for (const r of await this.data.monthlyUnitsByItem('PRODUCT', from, asOf)) (value[r.item] ??= []).push([r.at, r.units]);
      return { value, asOf };
    });
    let byProduct = this.demandSeries.get(m.value);
    if (!byProduct) {
      byProduct = new Map(Object.entries(m.value).map(([id, points]) => [Number(id), points.map(([at, units]) => ({ at, units }))]));
      this.demandSeries.set(m.value, byProduct);
    }
    return { asOf: m.asOf, byProduct };
  }

  private readonly demandSeries = new WeakMap<object, Map<number, { at: number; units: number }[]>>();

  async demandForecast(target: { productId?: number; category?: string }, asOf: Date, horizonMonths: number): Promise<DemandForecast> {
    const points = await this.data.monthlyUnits(target, asOf, 24);
    const series = monthlySeries(points.map((p) => ({ at: p.at, amount: p.units })), { asOf: asOf.getTime(), months: 24 });
    const f = forecastSeries(series, horizonMonths);
    return {
      target: target.category ?? toGlobalId('Product', target.productId!),
      months: f.months.map((m) => ({ month: m.month, spend: m.value })),
      history: f.history.map((m) => ({ month: m.month, spend: m.value })),
      slope: f.slope, r2: f.r2, trend: f.trend, insufficientHistory: f.insufficientHistory, asOf,
    };
  }

  nextBestAction(c: Customer, sat: CustomerSatisfaction | null, churnRisk: number, value: number): NextBestAction {
    const channel = c.emailOptIn ? 'EMAIL' : c.smsOptIn ? 'SMS' : null;
    if (sat && sat.painPoints.length && sat.lastScore != null && sat.lastScore <= 2) {
      return { kind: 'RESOLVE_COMPLAINT', channel: channel ?? 'PHONE', reason: `last score ${sat.lastScore}; open pain points: ${sat.painPoints.join(', ')}` };
    }
    if (churnRisk >= 0.5) return { kind: 'WIN_BACK_OFFER', channel, reason: `churn risk ${(churnRisk * 100).toFixed(0)}% with ${value.toFixed(0)} of value at stake` };
    if (value > 0) return { kind: 'LOYALTY_REWARD', channel, reason: `valuable customer cooling down (churn risk ${(churnRisk * 100).toFixed(0)}%)` };
    return { kind: 'CHECK_IN', channel, reason: 'little history: ask how we are doing' };
  }

  /** Feedback counts per month or channel in one GROUP BY; per country, segment or RFM segment from per-customer totals. */
  async satisfactionSummary(groupBy: 'MONTH' | 'CHANNEL' | 'COUNTRY' | 'SEGMENT' | 'RFM_SEGMENT', asOf: Date, groupOf: (customerId: number) => Promise<Map<number, string>>): Promise<SatisfactionPeriod[]> {
    const acc = new Map<string, { n: number; sum: number; sat: number }>();
    const add = (k: string, n: number, sum: number, sat: number) => {
      const a = acc.get(k) ?? { n: 0, sum: 0, sat: 0 };
      a.n += n;
      a.sum += sum;
      a.sat += sat;
      acc.set(k, a);
    };
    if (groupBy === 'MONTH' || groupBy === 'CHANNEL') {
      for (const t of await this.data.feedbackTotals(groupBy === 'MONTH' ? 'month' : 'channel', asOf)) add(t.group, t.n, t.sum, t.satisfied);
    } else {
      const groups = await groupOf(0);
      for (const t of await this.data.feedbackTotals('customer', asOf)) add(groups.get(Number(t.group)) ?? 'unknown', t.n, t.sum, t.satisfied);
    }
    return [...acc.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([period, a]) => ({ period, feedbackCount: a.n, averageScore: a.sum / a.n, satisfiedRatio: a.sat / a.n }));
  }

}

/** Churn risk by customer id: ascending ids and their risks in two typed arrays (16 bytes a customer), binary search. */
export class ChurnLookup {
  constructor(private readonly ids: Float64Array, private readonly risks: Float64Array) {}

  get(customerId: number): number | undefined {
    let lo = 0;
    let hi = this.ids.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const v = this.ids[mid];
      if (v === customerId) return this.risks[mid];
      if (v < customerId) lo = mid + 1;
      else hi = mid - 1;
    }
    return undefined;
  }
}
