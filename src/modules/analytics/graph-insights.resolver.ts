import { Arg, Ctx, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import { badInput } from '../../common/errors';
import type { Context } from '../../context';
import { Product } from '../catalog/product.entity';
import { Purchase } from '../purchase/purchase.entity';
import { AssociationRuleType } from './analytics.types';
import { LIKELY_BUYERS_KEPT } from './fits';
import { BasketComparison, CrossSellItem, LikelyBuyer, ProductAssociation, ProductDemand, SimilarProduct } from './graph-insights.types';

const limited = (name: string, value: number, max: number) => {
  if (!Number.isInteger(value) || value < 1 || value > max) throw badInput(`${name} must be from 1 to ${max}`, { argument: name });
  return value;
};

/** Analytic fields of a purchase: lazy, from the stored models, batched through the request loaders. */
@Resolver(() => Purchase)
export class PurchaseInsightsResolver {
  @FieldResolver(() => [CrossSellItem], { description: 'Products to offer with this basket: association rules whose antecedent it holds (default rule set), then the recommender when too few rules fire.' })
  async crossSell(@Root() p: Purchase, @Arg('limit', () => Int, { defaultValue: 3 }) limit: number, @Ctx() ctx: Context) {
    limited('limit', limit, 20);
    const [version, lines] = await Promise.all([ctx.loaders.analytics.version(), ctx.loaders.linesOfPurchase.load(p.id)]);
    return ctx.services.graphInsights.crossSell(version, lines, limit);
  }

  @FieldResolver(() => [AssociationRuleType], { description: 'Rules of the default rule set this basket satisfies (antecedent and consequent in it), strongest lift first.' })
  async matchedRules(@Root() p: Purchase, @Arg('first', () => Int, { defaultValue: 5 }) first: number, @Ctx() ctx: Context) {
    limited('first', first, 50);
    const [version, lines] = await Promise.all([ctx.loaders.analytics.version(), ctx.loaders.linesOfPurchase.load(p.id)]);
    return ctx.services.graphInsights.matchedRules(version, lines, first);
  }

  @FieldResolver(() => BasketComparison, { description: "This basket against the customer's average order value and all baskets." })
  async comparedToUsual(@Root() p: Purchase, @Ctx() ctx: Context) {
    const version = await ctx.loaders.analytics.version();
    const [customer, totals] = await Promise.all([ctx.loaders.customer.load(p.customerId), ctx.services.graphInsights.basketTotals(version)]);
    return ctx.services.graphInsights.compare(p, customer, totals.value);
  }
}

/** Analytic fields of a product. */
@Resolver(() => Product)
export class ProductInsightsResolver {
  @FieldResolver(() => ProductDemand, { description: 'Units per month over the 24 months before asOf and the next horizonMonths by linear trend (as Query.demandForecast), from the stored demand series of the whole catalogue.' })
  async demand(@Root() p: Product, @Arg('horizonMonths', () => Int, { defaultValue: 3 }) horizonMonths: number, @Ctx() ctx: Context) {
    limited('horizonMonths', horizonMonths, 24);
    const { asOf, points } = await ctx.loaders.analytics.productUnits().load(p.id);
    return ctx.services.graphInsights.demand(points, asOf, horizonMonths);
  }

  @FieldResolver(() => [ProductAssociation], { description: 'Products most bought with this one: rules {this} => {other} of the product pairs, strongest lift first.' })
  async boughtWith(@Root() p: Product, @Arg('limit', () => Int, { defaultValue: 5 }) limit: number, @Ctx() ctx: Context) {
    limited('limit', limit, 50);
    return ctx.services.graphInsights.boughtWith(await ctx.loaders.analytics.version(), p.id, limit);
  }

  @FieldResolver(() => [SimilarProduct], { description: 'Content neighbours: same category, tags and price band, most similar first.' })
  async similar(@Root() p: Product, @Arg('limit', () => Int, { defaultValue: 5 }) limit: number, @Ctx() ctx: Context) {
    limited('limit', limit, 50);
    return ctx.services.graphInsights.similar(await ctx.loaders.analytics.version(), p.id, limit);
  }

  @FieldResolver(() => [LikelyBuyer], { description: 'Customers most likely to buy it next (recommender), who have not bought it: a campaign audience. Masked per role like every customer.' })
  async likelyBuyers(@Root() p: Product, @Arg('first', () => Int, { defaultValue: 10 }) first: number, @Ctx() ctx: Context) {
    limited('first', first, LIKELY_BUYERS_KEPT);
    const version = await ctx.loaders.analytics.version();
    const scored = await ctx.services.graphInsights.likelyBuyers(version, p.id, first);
    const [customers, catalogue] = await Promise.all([Promise.all(scored.map((s) => ctx.loaders.customer.load(s.customerId))), ctx.services.analytics.productCatalogue(version)]);
    return scored.flatMap((s, i) => {
      const customer = customers[i];
      if (!customer || customer.deletedAt || customer.erasedAt) return [];
      return [{ customer, score: Math.round(s.score * 1000) / 1000, reason: `bought ${catalogue.byId.get(s.because)?.name ?? 'a related product'}, often bought with ${p.name}` }];
    });
  }
}
