import { scoreCollaborative, type CollaborativeModel, type CollaborativeStrategy } from './collaborative';
import { recommendProducts, type BoughtItem, type CoPurchaseRule, type ProductSpace, type Recommendation } from './recommend';

/**
 * The strategies behind `Customer.recommendations`. HYBRID (the default) serves the collaborative model,
 * gives never-bought products a place through content similarity, and falls back to content and then to
 * popularity when purchase data says nothing about a customer.
 */
export type RecommendationStrategy = 'HYBRID' | CollaborativeStrategy | 'CONTENT' | 'POPULARITY';
export const RECOMMENDATION_STRATEGIES: readonly RecommendationStrategy[] = ['HYBRID', 'EASE', 'ITEM_KNN', 'CONTENT', 'POPULARITY'];

/** Which model placed an item in the list. */
export type RecommendationSource = 'COLLABORATIVE' | 'CONTENT' | 'POPULARITY';

export interface HybridRecommendation extends Recommendation {
  source: RecommendationSource;
}

/** A collaborative model over catalogue products: item index i is product productIds[i]. */
export interface ProductModel {
  model: CollaborativeModel;
  productIds: ArrayLike<number>;
  indexOf: ReadonlyMap<number, number>;
  /** Item indices by buyers, most first (ties to the lower product id). */
  popular: Int32Array;
  /** HYBRID's content weight for this model (defaultContentWeight). */
  contentWeight: number;
}

/** Never-bought products need this content similarity to the customer's profile to be shown. */
export const COLD_MIN_SCORE = 0.5;
/**
 * HYBRID's weight of content next to collaborative scores (the best one scaled to 1): CONTENT_WEIGHT while
 * products have at most CONTENT_EVIDENCE buyers on average, shrinking as CONTENT_EVIDENCE / mean buyers
 * beyond, as purchase data says more. Chosen by the offline evaluation (docs/analytics.md): on the demo
 * company at 3,000 customers (~60 buyers a product) weight 0.5 lifts leave-one-out hit@10 from 0.345 to
 * 0.373; at 100,000 customers (~1,800 buyers a product) any fixed weight >= 0.1 costs EASE hit rate.
 */
export const CONTENT_WEIGHT = 0.5;
export const CONTENT_EVIDENCE = 100;
/** Below this weight content is not blended in: it changes nothing measurable and costs a pass over the catalogue. */
export const MIN_CONTENT_WEIGHT = 0.05;

export function defaultContentWeight(model: CollaborativeModel): number {
  let lines = 0;
  let bought = 0;
  for (let i = 0; i < model.itemCount; i++) {
    lines += model.buyers[i];
    if (model.buyers[i] > 0) bought++;
  }
  const meanBuyers = bought ? lines / bought : 0;
  return CONTENT_WEIGHT * Math.min(1, CONTENT_EVIDENCE / Math.max(1, meanBuyers));
}
/** Share of the list open to never-bought products: one place in 2 to 9, two in 10, ..., none in a list of one. */
export const COLD_SHARE = 0.2;
const coldPlaces = (limit: number) => (limit < 2 ? 0 : Math.max(1, Math.floor(limit * COLD_SHARE)));

export interface HybridOptions {
  asOf: number;
  limit: number;
  excludePurchased?: boolean;
  strategy?: RecommendationStrategy;
  coPurchase?: ReadonlyMap<number, ReadonlyArray<CoPurchaseRule>>;
  productName?: (id: number) => string;
  productCategory?: (id: number) => string | null;
  /** HYBRID: weight of the content score next to the collaborative one (default: the model's, defaultContentWeight). */
  contentWeight?: number;
}

export function productModel(model: CollaborativeModel, productIds: ArrayLike<number>): ProductModel {
  if (productIds.length !== model.itemCount) throw new RangeError(`${productIds.length} product ids for ${model.itemCount} items`);
  const indexOf = new Map<number, number>();
  for (let i = 0; i < productIds.length; i++) indexOf.set(productIds[i], i);
  const order = Array.from({ length: model.itemCount }, (_, i) => i)
    .filter((i) => model.buyers[i] > 0)
    .sort((a, b) => model.buyers[b] - model.buyers[a] || productIds[a] - productIds[b]);
  return { model, productIds, indexOf, popular: Int32Array.from(order), contentWeight: defaultContentWeight(model) };
}

/**
 * Recommendations for one customer by `strategy` (default HYBRID), each with a reason a care agent can
 * repeat. `collaborative` may be null (no purchases yet): HYBRID then serves content and nothing else.
 */
export function recommendHybrid(
  space: ProductSpace,
  collaborative: ProductModel | null,
  history: ReadonlyArray<BoughtItem>,
  options: HybridOptions,
): HybridRecommendation[] {
  const { asOf, limit, excludePurchased = true, strategy = 'HYBRID', coPurchase } = options;
  const contentWeight = options.contentWeight ?? (collaborative ? collaborative.contentWeight : CONTENT_WEIGHT);
  const name = options.productName ?? ((id: number) => `product ${id}`);
  const category = options.productCategory ?? (() => null);
  if (!Number.isInteger(limit) || limit < 0) throw new RangeError(`options.limit must be an integer >= 0, got ${limit}`);
  if (!RECOMMENDATION_STRATEGIES.includes(strategy)) throw new RangeError(`unknown strategy ${String(strategy)}`);
  const bought = new Set<number>();
  for (const h of history) if (h.at <= asOf) bought.add(h.productId);
  const out: HybridRecommendation[] = [];
  const shown = new Set<number>();
  const push = (r: HybridRecommendation) => {
    if (out.length < limit && !shown.has(r.productId) && space.rowOf.has(r.productId)) {
      shown.add(r.productId);
      out.push(r);
    }
  };
  const content = (include?: (id: number) => boolean, n = limit) =>
    recommendProducts(space, history, { asOf, limit: n, excludePurchased, coPurchase, productName: name, include });
  const popularity = () => {
    if (!collaborative) return;
    const { model, productIds, popular } = collaborative;
    for (let p = 0; p < popular.length && out.length < limit; p++) {
      const id = productIds[popular[p]];
      if (excludePurchased && bought.has(id)) continue;
      const n = model.buyers[popular[p]];
      push({ productId: id, score: n / Math.max(1, model.rows), reason: `Popular: bought by ${n} customer${n === 1 ? '' : 's'}`, becauseOf: null, boostedBy: null, source: 'POPULARITY' });
    }
  };
  if (limit === 0) return out;
  if (strategy === 'POPULARITY') {
    popularity();
    return out;
  }
  if (strategy === 'CONTENT') {
    for (const r of content()) push({ ...r, source: 'CONTENT' });
    return out;
  }

  const warm = (id: number) => {
    const i = collaborative?.indexOf.get(id);
    return i !== undefined && collaborative!.model.buyers[i] > 0;
  };
  // Products nobody bought yet (new in the catalogue): only content can place them.
  const cold = strategy === 'HYBRID' && bought.size > 0 && hasCold(space, collaborative, warm)
    ? content((id) => !warm(id), coldPlaces(limit)).filter((r) => r.score >= COLD_MIN_SCORE)
    : [];
  if (collaborative) {
    const boughtIndices: number[] = [];
    for (const id of bought) {
      const i = collaborative.indexOf.get(id);
      if (i !== undefined) boughtIndices.push(i);
    }
    const often = (productId: number, because: number, score: number): HybridRecommendation =>
      ({ productId, score, reason: `Often bought with ${name(because)}, which you bought`, becauseOf: because, boostedBy: null, source: 'COLLABORATIVE' });
    if (strategy === 'HYBRID' && contentWeight >= MIN_CONTENT_WEIGHT && boughtIndices.length > 0) {
      // Blend: collaborative scores scaled to [0, 1] plus contentWeight x content score, over warm products.
      const scored = scoreCollaborative(collaborative.model, boughtIndices, Infinity, excludePurchased);
      const top = scored.length ? scored[0].score : 1;
      const part = new Map(scored.map((s) => [collaborative.productIds[s.item], { share: s.score / top, because: collaborative.productIds[s.because] }]));
      const blended = recommendProducts(space, history, {
        asOf, limit: limit - cold.length, excludePurchased, coPurchase, productName: name, include: warm, contentWeight, bonus: (id) => part.get(id)?.share ?? 0,
      });
      for (const r of blended) {
        const c = part.get(r.productId);
        // The reason names whichever part contributes more to the score.
        if (c && c.share >= contentWeight * (r.contentScore ?? 0)) push(often(r.productId, c.because, r.score));
        else push({ ...r, source: 'CONTENT' });
      }
    } else {
      for (const s of scoreCollaborative(collaborative.model, boughtIndices, limit - cold.length, excludePurchased)) {
        push(often(collaborative.productIds[s.item], collaborative.productIds[s.because], s.score));
      }
    }
  }
  for (const r of cold) {
    const c = category(r.productId);
    const like = r.becauseOf === null ? '' : `, like ${name(r.becauseOf)} you bought`;
    push({ ...r, reason: c ? `New in ${c}${like}` : `New${like}`, source: 'CONTENT' });
  }
  // Little purchase signal for this customer: content (HYBRID), then what most customers buy.
  if (strategy === 'HYBRID' && out.length < limit && bought.size > 0) for (const r of content(undefined, limit)) push({ ...r, source: 'CONTENT' });
  if (out.length < limit) popularity();
  return out;
}

const coldCache = new WeakMap<ProductSpace, WeakMap<object, boolean>>();
const NO_MODEL = {};

/** Whether the catalogue has a product the model knows no buyer of (once per catalogue and model). */
function hasCold(space: ProductSpace, model: ProductModel | null, warm: (id: number) => boolean): boolean {
  let byModel = coldCache.get(space);
  if (!byModel) coldCache.set(space, (byModel = new WeakMap()));
  let found = byModel.get(model ?? NO_MODEL);
  if (found === undefined) {
    found = false;
    for (let r = 0; r < space.productIds.length && !found; r++) found = !warm(space.productIds[r]);
    byModel.set(model ?? NO_MODEL, found);
  }
  return found;
}
