/**
 * What one request may make the analytics do. Every argument that drives work is checked against these
 * before the work starts, and each refusal names its limit (docs/security.md lists them).
 */
export interface AnalyticLimits {
  /** Wall-clock budget of one fit on the worker thread; an overrun is stopped (ANALYTICS_LIMIT). */
  fitTimeoutMs: number;
  /**
   * The budget of a shared model's fit (default arguments, current data: what the server itself fits in the
   * background, once per data change): no client chooses its size, only the data does (about 30 s at 1M
   * customers on 2 vCPU). fitTimeoutMs is for what a request asks for.
   */
  sharedFitTimeoutMs: number;
  /** Heap of the fit worker thread; a fit that needs more is stopped (ANALYTICS_LIMIT). */
  fitHeapMb: number;
  /** Fitted models kept in this process, by the size of their JSON; least recently used leave first. */
  modelCacheBytes: number;
  /** New model variants (non-default arguments, past dates) one API key may have fitted per minute; 0: no limit. */
  variantFitsPerMinute: number;
  /**
   * `background`: a stale default model (data moved, or older than its time to live) keeps answering while a
   * new fit runs behind it; only a model never fitted is waited for, at most `firstFitWaitMs`, then the
   * request gets SERVICE_UNAVAILABLE with Retry-After while the fit goes on. `inline`: a stale model is
   * refitted before the request answers (tests, development).
   */
  modelRefresh: 'background' | 'inline';
  /**
   * 4 s: with the rest of the request (authentication, the data marks, other fields) a never-fitted model's
   * first answer, data or 503, comes within 5 s (at 1M customers 5 s of waiting answered at 5.07 s).
   */
  firstFitWaitMs: number;
}

export const DEFAULT_ANALYTIC_LIMITS: Readonly<AnalyticLimits> = Object.freeze({
  fitTimeoutMs: 25_000,
  sharedFitTimeoutMs: 600_000,
  fitHeapMb: 1024,
  modelCacheBytes: 256 * 1024 * 1024,
  variantFitsPerMinute: 10,
  modelRefresh: 'inline',
  firstFitWaitMs: 4_000,
});

/** Association rules: a pattern must be seen in at least this many baskets (minSupport x baskets). */
export const RULES_MIN_SUPPORT_COUNT = 5;
/** Mining stops past this many frequent itemsets or rules: the query must be narrowed. */
export const RULES_MAX_ITEMSETS = 200_000;
export const RULES_MAX_RULES = 50_000;
/** Stored variants of one kind of model in analytics_models beyond the defaults; the oldest fits leave first. */
export const STORED_VARIANTS_PER_KIND = 20;
