import { mineAssociationRules } from '../rules/association-rules';
import { fitCollaborative, type CollaborativeOptions, type InteractionRows } from './collaborative';
import { productModel, recommendHybrid, RECOMMENDATION_STRATEGIES, type ProductModel, type RecommendationStrategy } from './hybrid';
import { holdOut, scoreRankings, type HoldOutOptions, type PurchaseBasket, type RankingScores } from './offline-evaluation';
import { buildProductSpace, type BoughtItem, type CoPurchaseRule, type ProductFeatures } from './recommend';

/** The co-purchase rules the live content recommender is boosted with (AnalyticsService.coPurchase). */
export const CO_PURCHASE_RULES = { minSupport: 0.001, minConfidence: 0.05, minLift: 1, maxLength: 2 } as const;

export interface EvaluationOptions extends HoldOutOptions {
  /** List length; default 10. */
  k?: number;
  strategies?: readonly RecommendationStrategy[];
  /** Options of the collaborative models (same as the live fit by default). */
  collaborative?: Omit<CollaborativeOptions, 'strategy'>;
  /** HYBRID's content weight (default: the model's, defaultContentWeight). */
  contentWeight?: number;
}

export interface StrategyEvaluation extends RankingScores {
  strategy: RecommendationStrategy;
  /** hitRate / popularity's hitRate on the same cases; null when popularity hit nothing. */
  hitRateVsPopularity: number | null;
  /** Milliseconds to fit the strategy's model on the training purchases (0 for none). */
  fitMs: number;
}

export interface RecommenderEvaluation {
  protocol: HoldOutOptions['protocol'];
  seed: number;
  k: number;
  /** Customers evaluated, and how many could have been. */
  cases: number;
  eligible: number;
  catalogueSize: number;
  trainingPurchases: number;
  strategies: StrategyEvaluation[];
}

/** One row per customer: the distinct items (dense indices of `indexOf`) of their purchases. */
export function interactionRows(purchases: ReadonlyArray<PurchaseBasket>, indexOf: ReadonlyMap<number, number>): InteractionRows {
  const byCustomer = new Map<number, Set<number>>();
  for (const p of purchases) {
    let set = byCustomer.get(p.customerId);
    if (!set) byCustomer.set(p.customerId, (set = new Set()));
    for (const id of p.productIds) {
      const i = indexOf.get(id);
      if (i !== undefined) set.add(i);
    }
  }
  const starts = new Int32Array(byCustomer.size + 1);
  let size = 0;
  for (const set of byCustomer.values()) size += set.size;
  const items = new Int32Array(size);
  let r = 0;
  let p = 0;
  for (const set of byCustomer.values()) {
    for (const i of set) items[p++] = i;
    starts[++r] = p;
  }
  return { items, starts, itemCount: indexOf.size };
}

/**
 * Holds purchases out (options.protocol, seeded), fits every strategy on what is left and scores the top-k
 * lists of each on the same cases: hit rate, NDCG and catalogue coverage, with POPULARITY as the baseline.
 */
export function evaluateRecommenders(
  purchases: ReadonlyArray<PurchaseBasket>,
  catalogue: ReadonlyArray<ProductFeatures>,
  options: EvaluationOptions,
): RecommenderEvaluation {
  const { k = 10, strategies = RECOMMENDATION_STRATEGIES } = options;
  if (!Number.isInteger(k) || k < 1 || k > 100) throw new RangeError(`k must be an integer from 1 to 100, got ${k}`);
  for (const s of strategies) if (!RECOMMENDATION_STRATEGIES.includes(s)) throw new RangeError(`unknown strategy ${String(s)}`);
  const space = buildProductSpace(catalogue);
  const productIds = Array.from(space.productIds);
  const indexOf = new Map(productIds.map((id, i) => [id, i]));
  const split = holdOut(purchases.map((p) => ({ ...p, productIds: p.productIds.filter((id) => indexOf.has(id)) })), options);
  const rows = interactionRows(split.training, indexOf);

  const models = new Map<string, { model: ProductModel; fitMs: number }>();
  const modelOf = (strategy: 'EASE' | 'ITEM_KNN') => {
    let m = models.get(strategy);
    if (!m) {
      const started = performance.now();
      const model = productModel(fitCollaborative(rows, { ...options.collaborative, strategy }), productIds);
      m = { model, fitMs: performance.now() - started };
      models.set(strategy, m);
    }
    return m;
  };
  let coPurchase: Map<number, CoPurchaseRule[]> | null = null;
  let coPurchaseMs = 0;
  const coPurchaseOf = () => {
    if (coPurchase) return coPurchase;
    const started = performance.now();
    const baskets = split.training.map((p) => Int32Array.from(p.productIds, (id) => indexOf.get(id)!));
    coPurchase = new Map();
    for (const r of mineAssociationRules(baskets, productIds.length, { ...CO_PURCHASE_RULES, maxRules: 200_000 }).rules) {
      const a = productIds[r.antecedent[0]];
      const list = coPurchase.get(a) ?? [];
      list.push({ productId: productIds[r.consequent[0]], lift: r.lift });
      coPurchase.set(a, list);
    }
    coPurchaseMs = performance.now() - started;
    return coPurchase;
  };

  const histories: BoughtItem[][] = split.cases.map((c) => c.history.flatMap((p) => p.productIds.map((productId) => ({ productId, quantity: 1, at: p.at }))));
  const rank = (strategy: RecommendationStrategy): { lists: number[][]; fitMs: number } => {
    const collaborative = strategy === 'ITEM_KNN' ? modelOf('ITEM_KNN') : strategy === 'CONTENT' ? null : modelOf('EASE');
    const boost = strategy === 'CONTENT' || strategy === 'HYBRID' ? coPurchaseOf() : undefined;
    const lists = split.cases.map((c, i) =>
      recommendHybrid(space, collaborative?.model ?? null, histories[i], { asOf: c.asOf, limit: k, strategy, coPurchase: boost, contentWeight: options.contentWeight }).map((r) => r.productId),
    );
    return { lists, fitMs: (strategy === 'POPULARITY' ? 0 : collaborative?.fitMs ?? 0) + (boost ? coPurchaseMs : 0) };
  };

  const popularity = scoreRankings(rank('POPULARITY').lists, split.cases, k, productIds.length);
  const results = strategies.map((strategy) => {
    const { lists, fitMs } = strategy === 'POPULARITY' ? { lists: null, fitMs: 0 } : rank(strategy);
    const scores = lists ? scoreRankings(lists, split.cases, k, productIds.length) : popularity;
    return {
      strategy, ...scores, hitRateVsPopularity: popularity.hitRate > 0 ? scores.hitRate / popularity.hitRate : null, fitMs: Math.round(fitMs),
    };
  });
  return {
    protocol: options.protocol, seed: options.seed, k, cases: split.cases.length, eligible: split.eligible, catalogueSize: productIds.length,
    trainingPurchases: split.training.length, strategies: results,
  };
}
