import { toGlobalId } from '../../common/global-id';
import { fromCents } from '../../common/money';
import type { Customer } from '../customer/customer.entity';
import type { Purchase, PurchaseLine } from '../purchase/purchase.entity';
import { DEFAULT_RULE_ARGS, type AnalyticsService, type Catalogue } from './analytics.service';
import { RuleItemLevel, type AssociationRuleType, type RecommendationStrategyEnum } from './analytics.types';
import { forecastSeries, monthlySeries } from './forecast/forecast';
import { CrossSellSource, type BasketComparison, type CrossSellItem, type ProductAssociation, type ProductDemand, type SimilarProduct } from './graph-insights.types';
import type { DataVersion } from './model-store';
import { productSimilarity } from './recommendations/recommend';
import { decodeLikelyBuyers, type LikelyBuyersTable } from './recommendations/likely-buyers';
import type { RecommenderFit } from './fits';
import { RuleIndex, type StoredRule } from './rules/rule-index';

/** Baskets read to place a total among all baskets: beyond this many purchases, every k-th id. */
const TOTALS_SAMPLE = 200_000;
/** Content neighbours kept per product (the largest `similar(limit)`). */
const SIMILAR_KEPT = 50;

type Rule = StoredRule & { leverage: number; conviction: number | null; count: number };

/**
 * The analytics of purchases and products, from the stored models (association rules, recommender,
 * catalogue, basket totals). Everything a page needs comes in one statement per kind of data.
 */
export class GraphInsights {
  private readonly indexes = new WeakMap<object, RuleIndex<Rule>>();
  private readonly similarKept = new WeakMap<Catalogue, Map<number, SimilarProduct[]>>();
  private readonly buyerTables = new WeakMap<RecommenderFit, LikelyBuyersTable>();

  constructor(private readonly a: AnalyticsService) {}

  private index(model: { rules: Rule[] }): RuleIndex<Rule> {
    let index = this.indexes.get(model);
    if (!index) this.indexes.set(model, (index = new RuleIndex(model.rules)));
    return index;
  }

  /** The default rule set (as associationRules without arguments), indexed. */
  async defaultRules(version: DataVersion): Promise<RuleIndex<Rule>> {
    const m = await this.a.rules(version, { ...DEFAULT_RULE_ARGS, level: RuleItemLevel.PRODUCT, asOf: null });
    return this.index(m.value as { rules: Rule[] });
  }

  /** Product pairs (as the recommender's "often bought with"), indexed. */
  async pairRules(version: DataVersion): Promise<RuleIndex<Rule>> {
    await this.a.coPurchase(version);
    const m = await this.a.rules(version, { minSupport: 0.001, minConfidence: 0.05, minLift: 1, maxLength: 2, level: RuleItemLevel.PRODUCT, asOf: null });
    return this.index(m.value as { rules: Rule[] });
  }

  ruleType(r: Rule, catalogue: Catalogue): AssociationRuleType {
    const item = (v: string | number) => ({ id: toGlobalId('Product', Number(v)), name: catalogue.byId.get(Number(v))?.name ?? `product ${v}` });
    return { antecedent: r.a.map(item), consequent: r.c.map(item), support: r.support, confidence: r.confidence, lift: r.lift, leverage: r.leverage, conviction: r.conviction, count: r.count } as AssociationRuleType;
  }

  async crossSell(version: DataVersion, lines: PurchaseLine[], limit: number): Promise<CrossSellItem[]> {
    const basket = new Set(lines.map((l) => l.productId));
    const [rules, catalogue] = await Promise.all([this.defaultRules(version), this.a.productCatalogue(version)]);
    const name = (id: number) => catalogue.byId.get(id)?.name ?? `product ${id}`;
    const out: CrossSellItem[] = [];
    for (const { productId, rule } of rules.crossSell(basket, limit)) {
      const product = catalogue.byId.get(productId);
      if (!product) continue;
      out.push({
        product, source: CrossSellSource.RULE, confidence: rule.confidence, lift: rule.lift, rule: this.ruleType(rule, catalogue),
        reason: `${Math.round(rule.confidence * 100)} % of baskets with ${rule.a.map((x) => name(Number(x))).join(' and ')} also hold ${product.name}`,
      });
    }
    if (out.length < limit) {
      // No (or too few) rules fire: the recommender, on this basket as the history.
      const [model, coPurchase] = await Promise.all([this.a.recommender(version), this.a.coPurchase(version)]);
      const history = lines.map((l) => ({ productId: l.productId, quantity: l.quantity, at: 0 }));
      const recs = this.a.recommendationsOf(history, catalogue, this.a.productModelOf(model.value), coPurchase, {
        limit: limit + out.length, excludePurchased: true, asOf: new Date(), strategy: 'HYBRID' as RecommendationStrategyEnum,
      });
      for (const r of recs) {
        if (out.length >= limit) break;
        if (out.some((o) => o.product.id === r.product.id)) continue;
        out.push({ product: r.product, source: CrossSellSource.RECOMMENDER, confidence: null, lift: null, rule: null, reason: r.reason });
      }
    }
    return out;
  }

  async matchedRules(version: DataVersion, lines: PurchaseLine[], first: number): Promise<AssociationRuleType[]> {
    const [rules, catalogue] = await Promise.all([this.defaultRules(version), this.a.productCatalogue(version)]);
    return rules.matched(new Set(lines.map((l) => l.productId)), first).map((r) => this.ruleType(r, catalogue));
  }

  /** Completed basket totals, as 1,001 quantiles, stored like any population model. */
  basketTotals(version: DataVersion) {
    return this.a.store.get<number[]>('basket-totals:live', 'basket-totals', version, { live: true }, async () => {
      const step = Math.max(1, Math.ceil(version.purchases / TOTALS_SAMPLE));
      const totals = await this.a.data.basketTotals(step);
      const q: number[] = [];
      for (let i = 0; i <= 1000 && totals.length; i++) q.push(totals[Math.min(totals.length - 1, Math.floor((i / 1000) * (totals.length - 1)))]);
      return { value: q, asOf: new Date() };
    });
  }

  compare(p: Purchase, customer: Customer | null, quantiles: number[]): BasketComparison {
    const total = p.totalCents;
    let below = 0;
    while (below < quantiles.length && quantiles[below] < total) below++;
    const percentile = quantiles.length ? Math.round((below / quantiles.length) * 1000) / 10 : 50;
    const count = customer?.purchaseCount ?? 0;
    const average = count > 0 ? customer!.totalSpentCents / count : null;
    const ratio = average ? Math.round((total / average) * 100) / 100 : null;
    const outsideOwn = ratio != null && count >= 3 && (ratio < 1 / 3 || ratio > 3);
    const outsideAll = percentile >= 99 || percentile <= 1;
    const own = ratio == null ? 'the customer has no completed purchases to compare with' : `${ratio}x the customer's average of ${fromCents(Math.round(average!))}`;
    return {
      ratioToCustomerAverage: ratio, customerAverageOrderValue: average == null ? null : fromCents(Math.round(average)), populationPercentile: percentile,
      unusual: outsideOwn || outsideAll, summary: `${own}; larger than ${percentile} % of all baskets`,
    };
  }

  async boughtWith(version: DataVersion, productId: number, limit: number): Promise<ProductAssociation[]> {
    const [rules, catalogue] = await Promise.all([this.pairRules(version), this.a.productCatalogue(version)]);
    return rules.boughtWith(productId, limit).flatMap((r) => {
      const product = catalogue.byId.get(Number(r.c[0]));
      return product ? [{ product, confidence: r.confidence, lift: r.lift, support: r.support }] : [];
    });
  }

  /**
   * Content neighbours. A scan of the catalogue per product, so the best SIMILAR_KEPT are kept per catalogue
   * build: a page of products asked again (or by other requests) costs no second scan.
   */
  async similar(version: DataVersion, productId: number, limit: number): Promise<SimilarProduct[]> {
    const catalogue = await this.a.productCatalogue(version);
    let kept = this.similarKept.get(catalogue);
    if (!kept) this.similarKept.set(catalogue, (kept = new Map()));
    let list = kept.get(productId);
    if (!list) kept.set(productId, (list = this.scanSimilar(catalogue, productId)));
    return list.slice(0, limit);
  }

  private scanSimilar(catalogue: Catalogue, productId: number): SimilarProduct[] {
    if (!catalogue.space.rowOf.has(productId)) return [];
    const scored: SimilarProduct[] = [];
    for (const [id, product] of catalogue.byId) {
      if (id === productId || !catalogue.space.rowOf.has(id)) continue;
      const similarity = productSimilarity(catalogue.space, productId, id);
      if (similarity > 0) scored.push({ product, similarity: Math.round(similarity * 1000) / 1000 });
    }
    return scored.sort((x, y) => y.similarity - x.similarity || x.product.id - y.product.id).slice(0, SIMILAR_KEPT);
  }

  demand(points: { at: number; units: number }[], asOf: Date, horizonMonths: number): ProductDemand {
    const series = monthlySeries(points.map((p) => ({ at: p.at, amount: p.units })), { asOf: asOf.getTime(), months: 24 });
    const f = forecastSeries(series, horizonMonths);
    return {
      history: f.history.map((m) => ({ month: m.month, units: m.value })), forecast: f.months.map((m) => ({ month: m.month, units: m.value })),
      slope: f.slope, trend: f.trend, insufficientHistory: f.insufficientHistory, asOf,
    };
  }

  /**
   * Customers most likely to buy a product next, best first: ranked by the recommender fit for every product
   * (recommendations/likely-buyers.ts), so a page of products reads no purchase line; customers who had
   * bought it when the model was fitted are left out.
   */
  async likelyBuyers(version: DataVersion, productId: number, first: number): Promise<{ customerId: number; score: number; because: number }[]> {
    const fit = await this.a.recommender(version);
    const pm = this.a.productModelOf(fit.value);
    const item = pm.indexOf.get(productId);
    if (item === undefined || !fit.value.likelyBuyers) return [];
    let table = this.buyerTables.get(fit.value);
    if (!table) this.buyerTables.set(fit.value, (table = decodeLikelyBuyers(fit.value.likelyBuyers, pm.model.itemCount)));
    const out: { customerId: number; score: number; because: number }[] = [];
    for (let e = table.starts[item]; e < table.starts[item + 1] && out.length < first; e++) {
      out.push({ customerId: table.customerIds[e], score: table.scores[e], because: Number(pm.productIds[table.because[e]]) });
    }
    return out;
  }
}
