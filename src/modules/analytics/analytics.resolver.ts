import { Max, Min } from 'class-validator';
import type { GraphQLResolveInfo, SelectionSetNode } from 'graphql';
import { breathe, BREATHE_EVERY } from '../../common/breathe';
import { startOfMinute } from '../../common/time';
import { Arg, Args, ArgsType, Authorized, Ctx, Field, FieldResolver, Float, ID, Info, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { badInput } from '../../common/errors';
import { expectGlobalId, toGlobalId } from '../../common/global-id';
import { fromCents } from '../../common/money';
import { PageArgs } from '../../common/pagination';
import type { Context } from '../../context';
import { Role } from '../auth/api-key.entity';
import { Customer } from '../customer/customer.entity';
import { CustomerFilter } from '../customer/customer.inputs';
import { AnalyticsService, DEFAULT_COLLABORATIVE, DEFAULT_RULE_ARGS, DEFAULT_SEED, DEFAULT_SEGMENT_FEATURES, DEFAULT_SEGMENT_K } from './analytics.service';
import {
  AnalyticsSummaryRow, AssociationRules, AtRiskCustomer, CustomerAnalyticsRow, CustomerLifetime, CustomerRfm, CustomerSatisfaction, CustomerSegment,
  CustomerValue, DemandForecast, DemandForecastBacktest, LifetimeModel, LifetimeModelKind, LifetimeValidation, PainPoint, ProductRecommendation, RuleItemLevel, SatisfactionPeriod, SegmentFeature, Segmentation,
  SpendForecast, SpendForecastBacktest, SpendForecastMethod, SummaryGroupBy, RecommendationStrategyEnum, RecommenderEvaluation, HoldOutProtocolEnum,
} from './analytics.types';
import { parseAsOf } from './as-of';
import { DEFAULT_PURCHASE_MODEL } from './fits';
import { RULES_MIN_SUPPORT_COUNT } from './limits';
import { CustomerAnalyticsConnection } from './customer-analytics.connection';

const AS_OF = { nullable: true, description: 'Date (YYYY-MM-DD) or date-time the analytics are computed as of; default now.' } as const;
const MODEL = { nullable: true, description: `Purchase model; default ${DEFAULT_PURCHASE_MODEL}, the one behind churnRisk and atRiskCustomers.` } as const;

/** The analytic fields of a customer: each one lazy and batched through the request's loaders. */
@Resolver(() => Customer)
export class CustomerAnalyticsResolver {
  private async statsOf(c: Customer, asOf: Date | null, ctx: Context) {
    return asOf ? (await ctx.loaders.analytics.stats(asOf).load(c.id))! : AnalyticsService.statsFromCustomer(c);
  }

  @FieldResolver(() => CustomerValue)
  async value(@Root() c: Customer, @Arg('asOf', () => String, AS_OF) asOfArg: string | undefined, @Ctx() ctx: Context) {
    const asOf = parseAsOf(asOfArg);
    const version = await ctx.loaders.analytics.version();
    const [stats, pop] = await Promise.all([this.statsOf(c, asOf, ctx), ctx.services.analytics.population(version, asOf, ctx.principal?.keyId)]);
    return ctx.services.analytics.value(stats, pop.value, asOf ?? new Date());
  }

  @FieldResolver(() => CustomerRfm, { nullable: true, description: 'null for a customer without purchases.' })
  async rfm(@Root() c: Customer, @Arg('asOf', () => String, AS_OF) asOfArg: string | undefined, @Ctx() ctx: Context) {
    const asOf = parseAsOf(asOfArg);
    const version = await ctx.loaders.analytics.version();
    const [stats, pop] = await Promise.all([this.statsOf(c, asOf, ctx), ctx.services.analytics.population(version, asOf, ctx.principal?.keyId)]);
    return ctx.services.analytics.rfm(stats, pop.value, asOf ?? new Date());
  }

  @FieldResolver(() => CustomerLifetime, { nullable: true, description: 'null without purchases or when the model could not be fitted.' })
  async lifetime(
    @Root() c: Customer,
    @Arg('horizonDays', () => Int, { defaultValue: 365 }) horizonDays: number,
    @Arg('asOf', () => String, AS_OF) asOfArg: string | undefined,
    @Arg('model', () => LifetimeModelKind, MODEL) kind: LifetimeModelKind | undefined,
    @Ctx() ctx: Context,
  ) {
    if (horizonDays < 1 || horizonDays > 3650) throw badInput('horizonDays must be from 1 to 3650');
    const version = await ctx.loaders.analytics.version();
    const model = await ctx.services.analytics.lifetime(version, parseAsOf(asOfArg), false, ctx.principal?.keyId, kind ?? DEFAULT_PURCHASE_MODEL);
    const summary = await ctx.loaders.analytics.lifetimeSummary(model.asOf).load(c.id);
    return ctx.services.analytics.lifetimeOf(summary, model.value, horizonDays, model.asOf);
  }

  @FieldResolver(() => CustomerSatisfaction)
  async satisfaction(@Root() c: Customer, @Arg('asOf', () => String, AS_OF) asOfArg: string | undefined, @Ctx() ctx: Context) {
    const asOf = parseAsOf(asOfArg) ?? startOfMinute();
    return ctx.services.analytics.satisfactionOf(await ctx.loaders.analytics.feedback(asOf).load(c.id), asOf);
  }

  @FieldResolver(() => CustomerSegment, { nullable: true, description: `Segment in the default segmentation (k = ${DEFAULT_SEGMENT_K} on ${DEFAULT_SEGMENT_FEATURES.join(', ')}).` })
  async segment(@Root() c: Customer, @Ctx() ctx: Context) {
    const version = await ctx.loaders.analytics.version();
    const m = await ctx.services.analytics.defaultSegments(version);
    return m ? ctx.services.analytics.segmentOf(c, m.value, m.asOf) : null;
  }

  @FieldResolver(() => SpendForecast, { description: 'Spend in the next months: PURCHASE_MODEL (default) or LINEAR_TREND, with an 80 % interval.' })
  async forecast(
    @Root() c: Customer,
    @Arg('horizonMonths', () => Int, { defaultValue: 3 }) horizonMonths: number,
    @Arg('asOf', () => String, AS_OF) asOfArg: string | undefined,
    @Arg('method', () => SpendForecastMethod, { defaultValue: SpendForecastMethod.PURCHASE_MODEL }) method: SpendForecastMethod,
    @Arg('model', () => LifetimeModelKind, MODEL) kind: LifetimeModelKind | undefined,
    @Ctx() ctx: Context,
    @Info() info: GraphQLResolveInfo,
  ) {
    if (horizonMonths < 1 || horizonMonths > 24) throw badInput('horizonMonths must be from 1 to 24');
    const asOf = parseAsOf(asOfArg);
    const firstAt = c.firstPurchaseAt?.getTime() ?? null;
    const a = ctx.services.analytics;
    if (method === SpendForecastMethod.LINEAR_TREND) {
      const at = asOf ?? startOfMinute();
      return a.forecastOf(await ctx.loaders.analytics.monthlySpend(at, 24).load(c.id), firstAt, at, horizonMonths, 24);
    }
    const version = await ctx.loaders.analytics.version();
    const life = await a.lifetime(version, asOf, false, ctx.principal?.keyId, kind ?? DEFAULT_PURCHASE_MODEL);
    const [points, summary] = await Promise.all([
      ctx.loaders.analytics.monthlySpend(life.asOf, 24).load(c.id),
      ctx.loaders.analytics.lifetimeSummary(life.asOf).load(c.id),
    ]);
    // The interval is simulated (about 1 ms a customer): only when the query asks for it.
    const withInterval = selects(info, INTERVAL_FIELDS);
    return a.modelForecastOf(points, firstAt, summary, life, c.id, horizonMonths, 24, withInterval);
  }

  @FieldResolver(() => [ProductRecommendation], {
    description: 'Products for this customer, each with a reason; the default strategy (HYBRID) is the best in the offline evaluation (recommenderEvaluation).',
  })
  async recommendations(
    @Root() c: Customer,
    @Arg('limit', () => Int, { defaultValue: 5 }) limit: number,
    @Arg('excludePurchased', { defaultValue: true }) excludePurchased: boolean,
    @Arg('strategy', () => RecommendationStrategyEnum, { defaultValue: RecommendationStrategyEnum.HYBRID, description: 'Another strategy, for comparison.' })
    strategy: RecommendationStrategyEnum,
    @Ctx() ctx: Context,
  ) {
    if (limit < 1 || limit > 50) throw badInput('limit must be from 1 to 50');
    const asOf = startOfMinute();
    const a = ctx.services.analytics;
    const version = await ctx.loaders.analytics.version();
    const collaborative = strategy === RecommendationStrategyEnum.CONTENT ? null : strategy === RecommendationStrategyEnum.ITEM_KNN ? 'ITEM_KNN' : DEFAULT_COLLABORATIVE;
    const [catalogue, history, model, coPurchase] = await Promise.all([
      a.productCatalogue(version),
      ctx.loaders.analytics.history(asOf).load(c.id),
      collaborative ? a.recommender(version, collaborative, ctx.principal?.keyId) : null,
      strategy === RecommendationStrategyEnum.HYBRID || strategy === RecommendationStrategyEnum.CONTENT ? a.coPurchase(version) : undefined,
    ]);
    return a.recommendationsOf(history, catalogue, model ? a.productModelOf(model.value) : null, coPurchase, { limit, excludePurchased, asOf, strategy });
  }
}

@ArgsType()
class RuleArgs {
  @Field(() => Float, { defaultValue: DEFAULT_RULE_ARGS.minSupport, description: `Share of baskets holding the rule, in (0, 1]; a rule must be seen in at least ${RULES_MIN_SUPPORT_COUNT} baskets.` })
  minSupport!: number;
  @Field(() => Float, { defaultValue: DEFAULT_RULE_ARGS.minConfidence }) minConfidence!: number;
  @Field(() => Float, { defaultValue: DEFAULT_RULE_ARGS.minLift }) minLift!: number;
  @Field(() => Int, { defaultValue: DEFAULT_RULE_ARGS.maxLength, description: 'Items in a rule, consequent included (2 to 10).' }) maxLength!: number;
  @Field(() => RuleItemLevel, { defaultValue: RuleItemLevel.PRODUCT }) level!: RuleItemLevel;
  @Field(() => Int, { defaultValue: 20, description: 'How many rules to return (highest lift first).' })
  @Min(0)
  @Max(1000, { message: 'first must be at most 1000' })
  first!: number;
  @Field(() => String, AS_OF) asOf?: string;
}

/** Population analytics: segments, rules, lifetime model, satisfaction and the BI read models. */
@Resolver()
export class AnalyticsQueryResolver {
  @Query(() => Segmentation, { description: 'K-means segments (k-means++, seeded restarts, best inertia) on standardized features.' })
  async segments(
    @Arg('k', () => Int, { defaultValue: DEFAULT_SEGMENT_K }) k: number,
    @Arg('features', () => [SegmentFeature], { nullable: true }) features: SegmentFeature[] | undefined,
    @Arg('seed', () => Int, { defaultValue: DEFAULT_SEED }) seed: number,
    @Arg('restarts', () => Int, { defaultValue: 10 }) restarts: number,
    @Ctx() ctx: Context,
  ) {
    const version = await ctx.loaders.analytics.version();
    const m = await ctx.services.analytics.segments(version, k, features?.length ? features : DEFAULT_SEGMENT_FEATURES, seed, restarts, false, ctx.principal?.keyId);
    return ctx.services.analytics.segmentationResult(m);
  }

  @Query(() => AssociationRules, { description: 'Association rules X => {y} over purchase baskets (arules semantics).' })
  async associationRules(@Args(() => RuleArgs) args: RuleArgs, @Ctx() ctx: Context) {
    const version = await ctx.loaders.analytics.version();
    return ctx.services.analytics.associationRules(version, { ...args, asOf: parseAsOf(args.asOf), caller: ctx.principal?.keyId });
  }

  @Query(() => LifetimeModel, { description: 'A purchase model (default Pareto/NBD) and Gamma-Gamma fitted by maximum likelihood on all customers (weeks).' })
  async lifetimeModel(
    @Arg('asOf', () => String, AS_OF) asOfArg: string | undefined,
    @Arg('model', () => LifetimeModelKind, MODEL) kind: LifetimeModelKind | undefined,
    @Ctx() ctx: Context,
  ) {
    const version = await ctx.loaders.analytics.version();
    return ctx.services.analytics.lifetimeModelResult(await ctx.services.analytics.lifetime(version, parseAsOf(asOfArg), false, ctx.principal?.keyId, kind ?? DEFAULT_PURCHASE_MODEL));
  }

  @Query(() => LifetimeValidation, {
    description:
      'Holdout validation of every purchase model on your data: each is fitted on the purchases up to calibrationEnd and predicts every ' +
      "customer's purchase days up to holdoutEnd; the table compares them with what happened (total, by calibration frequency, error per customer).",
  })
  async lifetimeValidation(
    @Arg('calibrationEnd', () => String, { description: 'Last day (YYYY-MM-DD) of the calibration period.' }) calibrationArg: string,
    @Arg('holdoutEnd', () => String, { description: 'Last day (YYYY-MM-DD) of the holdout period.' }) holdoutArg: string,
    @Ctx() ctx: Context,
  ) {
    const calibrationEnd = parseAsOf(calibrationArg)!;
    const holdoutEnd = parseAsOf(holdoutArg)!;
    const version = await ctx.loaders.analytics.version();
    const m = await ctx.services.analytics.holdout(version, calibrationEnd, holdoutEnd, ctx.principal?.keyId);
    return ctx.services.analytics.lifetimeValidationResult(calibrationEnd, holdoutEnd, m.value);
  }

  @Query(() => SpendForecastBacktest, {
    description:
      'Backtest of Customer.forecast on your data: every method forecasts each customer\'s spend from calibrationEnd to holdoutEnd ' +
      'from the purchases up to calibrationEnd; RMSE, MAE, Spearman, totals and holdout buyers forecast at 0 per method.',
  })
  async spendForecastBacktest(
    @Arg('calibrationEnd', () => String, { description: 'Last day (YYYY-MM-DD) of the calibration period.' }) calibrationArg: string,
    @Arg('holdoutEnd', () => String, { description: 'Last day (YYYY-MM-DD) of the holdout period.' }) holdoutArg: string,
    @Ctx() ctx: Context,
  ) {
    const calibrationEnd = parseAsOf(calibrationArg)!;
    const holdoutEnd = parseAsOf(holdoutArg)!;
    const version = await ctx.loaders.analytics.version();
    const m = await ctx.services.analytics.backtest(version, calibrationEnd, holdoutEnd, ctx.principal?.keyId);
    return ctx.services.analytics.spendBacktestResult(calibrationEnd, holdoutEnd, m.value);
  }

  @Query(() => DemandForecastBacktest, { description: "Backtest of demandForecast's linear trend against naive and seasonal-naive baselines, per product or category, on whole months." })
  async demandForecastBacktest(
    @Arg('calibrationEnd', () => String, { description: 'Last day (YYYY-MM-DD) of the calibration period; its month is the last one used when it is the month\'s last day.' }) calibrationArg: string,
    @Arg('holdoutEnd', () => String, { description: 'Last day (YYYY-MM-DD) of the holdout period.' }) holdoutArg: string,
    @Arg('level', () => RuleItemLevel, { defaultValue: RuleItemLevel.CATEGORY, description: 'Per product or per category.' }) level: RuleItemLevel,
    @Ctx() ctx: Context,
  ) {
    const version = await ctx.loaders.analytics.version();
    return ctx.services.analytics.demandBacktest(version, parseAsOf(calibrationArg)!, parseAsOf(holdoutArg)!, level, ctx.principal?.keyId);
  }

  @Query(() => [PainPoint], { description: 'Issues of unsatisfied feedback (score <= 2), most reported first.' })
  async painPoints(
    @Arg('first', () => Int, { defaultValue: 10 }) first: number,
    @Arg('periodDays', () => Int, { defaultValue: 30 }) periodDays: number,
    @Arg('asOf', () => String, AS_OF) asOfArg: string | undefined,
    @Ctx() ctx: Context,
  ) {
    if (first < 0 || first > 100) throw badInput('first must be from 0 to 100');
    if (periodDays < 1 || periodDays > 366) throw badInput('periodDays must be from 1 to 366');
    const asOf = parseAsOf(asOfArg);
    if (asOf) return ctx.services.analytics.painPoints(asOf, periodDays, first);
    const version = await ctx.loaders.analytics.version();
    return ctx.services.analytics.aggregate(`painPoints:${periodDays}:${first}`, version, () => ctx.services.analytics.painPoints(new Date(), periodDays, first));
  }

  @Query(() => [SatisfactionPeriod], { description: 'Average score and satisfied ratio by month, channel, country, segment or RFM segment.' })
  async satisfactionSummary(
    @Arg('groupBy', () => SummaryGroupBy, { defaultValue: SummaryGroupBy.MONTH }) groupBy: SummaryGroupBy,
    @Arg('asOf', () => String, AS_OF) asOfArg: string | undefined,
    @Ctx() ctx: Context,
  ) {
    const asOf = parseAsOf(asOfArg);
    const summary = () => ctx.services.analytics.satisfactionSummary(groupBy, asOf ?? new Date(), () => customerGroups(groupBy, ctx));
    return asOf ? summary() : ctx.services.analytics.aggregate(`satisfaction:${groupBy}`, await ctx.loaders.analytics.version(), summary);
  }

  @Query(() => DemandForecast, { description: 'Units per month of a product or a category, and the next months by linear trend.' })
  async demandForecast(
    @Arg('productId', () => ID, { nullable: true }) productId: string | undefined,
    @Arg('category', () => String, { nullable: true }) category: string | undefined,
    @Arg('horizonMonths', () => Int, { defaultValue: 3 }) horizonMonths: number,
    @Arg('asOf', () => String, AS_OF) asOfArg: string | undefined,
    @Ctx() ctx: Context,
  ) {
    if (!productId === !category) throw badInput('pass exactly one of productId or category');
    if (horizonMonths < 1 || horizonMonths > 24) throw badInput('horizonMonths must be from 1 to 24');
    const target = productId ? { productId: expectGlobalId(productId, 'Product', 'productId') } : { category };
    const asOf = parseAsOf(asOfArg);
    const forecast = () => ctx.services.analytics.demandForecast(target, asOf ?? new Date(), horizonMonths);
    const key = `demand:${target.productId ?? `category ${category}`}:${horizonMonths}`;
    return asOf ? forecast() : ctx.services.analytics.aggregate(key, await ctx.loaders.analytics.version(), forecast);
  }

  @Query(() => [AtRiskCustomer], { description: `Customers ranked by churn risk (under the default purchase model, ${DEFAULT_PURCHASE_MODEL}) x value at stake, with the next best action.` })
  async atRiskCustomers(@Arg('first', () => Int, { defaultValue: 20 }) first: number, @Ctx() ctx: Context) {
    if (first < 1 || first > 100) throw badInput('first must be from 1 to 100');
    const version = await ctx.loaders.analytics.version();
    const model = await ctx.services.analytics.lifetime(version, null);
    const top = model.value.atRisk;
    const customers = await ctx.loaders.customer.loadMany(top.map((t) => t.customerId));
    const rows = top.flatMap((t, i) => {
      const c = customers[i];
      return c && !(c instanceof Error) && !c.deletedAt ? [{ t, c }] : [];
    }).slice(0, first);
    const asOf = startOfMinute();
    const feedback = await ctx.loaders.analytics.feedback(asOf).loadMany(rows.map((r) => r.c.id));
    return rows.map(({ t, c }, i) => {
      const fb = feedback[i];
      const sat = fb instanceof Error ? null : ctx.services.analytics.satisfactionOf(fb, asOf);
      return {
        customer: c, churnRisk: t.churnRisk, value: t.value, priority: t.churnRisk * t.value,
        // customerId (not a GraphQL field) lets the care module resolve campaign and open tickets on the action.
        nextBestAction: { ...ctx.services.analytics.nextBestAction(c, sat, t.churnRisk, t.value), customerId: c.id },
      };
    });
  }

  @Query(() => CustomerAnalyticsConnection, { description: 'One flat row per customer with every scalar analytic (for BI tools).' })
  async customerAnalytics(
    @Args(() => PageArgs) page: PageArgs,
    @Arg('filter', () => CustomerFilter, { nullable: true }) filter: CustomerFilter | undefined,
    @Ctx() ctx: Context,
  ) {
    const analyst = ctx.principal?.role === Role.ANALYST;
    if (analyst) ctx.services.masking.assertMayUse(filter, undefined);
    const conn = await ctx.services.customers.list(filter, undefined, page);
    const a = ctx.services.analytics;
    const version = await ctx.loaders.analytics.version();
    const [pop, seg, life] = await Promise.all([
      a.population(version, null),
      a.defaultSegments(version),
      a.lifetime(version, null),
    ]);
    const asOf = pop.asOf;
    const customers = conn.nodes;
    const [summaries, feedback] = await Promise.all([
      ctx.loaders.analytics.lifetimeSummary(life.asOf).loadMany(customers.map((c) => c.id)),
      ctx.loaders.analytics.feedback(asOf).loadMany(customers.map((c) => c.id)),
    ]);
    const rows = customers.map((c, i) => {
      const stats = AnalyticsService.statsFromCustomer(c);
      const value = a.value(stats, pop.value, asOf);
      const rfm = a.rfm(stats, pop.value, asOf);
      const s = summaries[i];
      const lifetime = a.lifetimeOf(s instanceof Error ? undefined : s, life.value, 365, life.asOf);
      const fb = feedback[i];
      const sat = a.satisfactionOf(fb instanceof Error ? [] : fb, asOf);
      const segment = seg ? a.segmentOf(c, seg.value, seg.asOf) : null;
      const row: CustomerAnalyticsRow = {
        customerId: toGlobalId('Customer', c.id), country: analyst ? (ctx.services.masking.quasi('country', c.country) as string | null) : c.country,
        city: analyst ? (ctx.services.masking.quasi('city', c.city) as string | null) : c.city, segmentId: segment?.id ?? null, segmentLabel: segment?.label ?? null,
        rfmSegment: rfm?.segment ?? 'No purchases', rfmCode: rfm?.code ?? '000', recencyDays: rfm?.recencyDays ?? null,
        purchaseCount: value.purchaseCount, totalSpent: value.totalSpent, averageOrderValue: value.averageOrderValue, purchaseFrequency: value.purchaseFrequency,
        valueTier: value.tier, probabilityAlive: lifetime?.probabilityAlive ?? 0, churnRisk: lifetime?.churnRisk ?? 1, clv: lifetime?.clv ?? null,
        averageScore: sat.averageScore, feedbackCount: sat.feedbackCount, asOf,
      };
      return row;
    });
    return { edges: conn.edges.map((e, i) => ({ cursor: e.cursor, node: rows[i] })), nodes: rows, pageInfo: conn.pageInfo, get totalCount() { return conn.totalCount; } };
  }

  @Query(() => [AnalyticsSummaryRow], { description: 'Customers, purchases, revenue, satisfaction and churn risk per group of customers (segment, RFM segment, country), or buyers, purchases and revenue per month or sales channel of purchase (satisfaction by month too).' })
  async analyticsSummary(@Arg('groupBy', () => SummaryGroupBy) groupBy: SummaryGroupBy, @Ctx() ctx: Context) {
    return ctx.services.analytics.aggregate(`summary:${groupBy}`, await ctx.loaders.analytics.version(), () => this.summary(groupBy, ctx));
  }

  private async summary(groupBy: SummaryGroupBy, ctx: Context) {
    const a = ctx.services.analytics;
    if (groupBy === SummaryGroupBy.MONTH || groupBy === SummaryGroupBy.CHANNEL) {
      // Purchases grouped by their month or sales channel: customers are the distinct buyers of the group. Feedback is
      // matched by month only (its channel is a contact channel, not a sales channel).
      const by = groupBy === SummaryGroupBy.MONTH ? 'month' : 'channel';
      const now = new Date();
      const [totals, scores] = await Promise.all([a.data.purchaseTotals(by, now), by === 'month' ? a.data.feedbackTotals('month', now) : []]);
      const score = new Map(scores.map((t) => [t.group, t]));
      return totals.sort((p, q) => (p.group < q.group ? -1 : p.group > q.group ? 1 : 0)).map((t) => {
        const s = score.get(t.group);
        return {
          group: t.group, customers: t.customers, purchases: t.purchases, revenue: fromCents(t.cents),
          averageOrderValue: t.purchases ? fromCents(Math.round(t.cents / t.purchases)) : null, averageScore: s?.n ? s.sum / s.n : null, averageChurnRisk: null,
        };
      });
    }
    const version = await ctx.loaders.analytics.version();
    const rows = await a.data.population(null);
    const groups = await customerGroups(groupBy, ctx, rows);
    const churn = await a.churnByCustomer(await a.lifetime(version, null));
    const scores = new Map((await a.data.feedbackTotals('customer', new Date())).map((t) => [Number(t.group), t]));
    const acc = new Map<string, { customers: number; purchases: number; cents: number; scoreN: number; scoreSum: number; churnN: number; churnSum: number }>();
    for (let i = 0; i < rows.length; i++) {
      if (i % BREATHE_EVERY === 0) await breathe();
      const r = rows[i];
      const g = groups.get(r.id) ?? 'unknown';
      const x = acc.get(g) ?? { customers: 0, purchases: 0, cents: 0, scoreN: 0, scoreSum: 0, churnN: 0, churnSum: 0 };
      x.customers++;
      x.purchases += r.purchaseCount;
      x.cents += r.totalCents;
      const s = scores.get(r.id);
      if (s) {
        x.scoreN += s.n;
        x.scoreSum += s.sum;
      }
      const c = churn.get(r.id);
      if (c != null) {
        x.churnN++;
        x.churnSum += c;
      }
      acc.set(g, x);
    }
    return [...acc.entries()].sort(([p], [q]) => (p < q ? -1 : p > q ? 1 : 0)).map(([group, x]) => ({
      group, customers: x.customers, purchases: x.purchases, revenue: fromCents(x.cents),
      averageOrderValue: x.purchases ? fromCents(Math.round(x.cents / x.purchases)) : null,
      averageScore: x.scoreN ? x.scoreSum / x.scoreN : null, averageChurnRisk: x.churnN ? x.churnSum / x.churnN : null,
    }));
  }

  @Authorized(Role.ADMIN, Role.ANALYST)
  @Query(() => [RecommenderEvaluation], {
    description: 'Offline evaluation of every recommendation strategy on this data: purchases held out (seeded), hit rate, NDCG and coverage at k, ' +
      'against the most-popular baseline on the same cases (ADMIN, ANALYST). Also: npm run evaluate:recommendations.',
  })
  async recommenderEvaluation(
    @Arg('protocols', () => [HoldOutProtocolEnum], { defaultValue: [HoldOutProtocolEnum.LEAVE_ONE_OUT, HoldOutProtocolEnum.LAST_PURCHASE] }) protocols: HoldOutProtocolEnum[],
    @Arg('seed', () => Int, { defaultValue: DEFAULT_SEED }) seed: number,
    @Arg('k', () => Int, { defaultValue: 10 }) k: number,
    @Arg('maxCases', () => Int, { defaultValue: 5000, description: 'Customers evaluated at most per protocol (1 to 20000).' }) maxCases: number,
    @Arg('minBasketItems', () => Int, { defaultValue: 4, description: 'LEAVE_ONE_OUT: products a basket needs to have one hidden.' }) minBasketItems: number,
    @Ctx() ctx: Context,
  ) {
    if (!protocols.length || protocols.length > 2) throw badInput('protocols must name one or two protocols');
    const version = await ctx.loaders.analytics.version();
    const m = await ctx.services.analytics.evaluateRecommendations(version, { protocols, seed, k, maxCases, minBasketItems, caller: ctx.principal?.keyId });
    return m.value.map((e) => ({ ...e, asOf: m.asOf }));
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => Int, { description: 'Drops every stored model; the next query refits on current data. Returns how many were dropped (ADMIN).' })
  refreshAnalytics(@Ctx() ctx: Context) {
    return ctx.services.analytics.store.clear();
  }
}

/** A per-customer group label: segment, RFM segment or country (MONTH and CHANNEL group purchases instead). */
async function customerGroups(groupBy: SummaryGroupBy, ctx: Context, population?: Awaited<ReturnType<AnalyticsService['data']['population']>>): Promise<Map<number, string>> {
  const a = ctx.services.analytics;
  const rows = population ?? (await a.data.population(null));
  const out = new Map<number, string>();
  // No customers, no groups: and no population model to fit (value tiers and quintiles need at least one customer).
  if (!rows.length && groupBy !== SummaryGroupBy.MONTH && groupBy !== SummaryGroupBy.CHANNEL) return out;
  const version = await ctx.loaders.analytics.version();
  if (groupBy === SummaryGroupBy.SEGMENT) {
    const seg = await a.defaultSegments(version);
    for (let i = 0; i < rows.length; i++) {
      if (i % BREATHE_EVERY === 0) await breathe();
      const r = rows[i];
      if (!seg) {
        out.set(r.id, 'unsegmented');
        continue;
      }
      const c = Object.assign(new Customer(), {
        id: r.id, birthDate: r.birthDate, annualIncome: r.annualIncome, purchaseCount: r.purchaseCount, totalSpentCents: r.totalCents,
        firstPurchaseAt: r.firstAt == null ? null : new Date(r.firstAt), lastPurchaseAt: r.lastAt == null ? null : new Date(r.lastAt),
      });
      out.set(r.id, a.segmentOf(c, seg.value, seg.asOf).label);
    }
  } else if (groupBy === SummaryGroupBy.RFM_SEGMENT) {
    const pop = await a.population(version, null);
    for (let i = 0; i < rows.length; i++) {
      if (i % BREATHE_EVERY === 0) await breathe();
      const r = rows[i];
      out.set(r.id, a.rfm({ purchaseCount: r.purchaseCount, totalCents: r.totalCents, firstAt: r.firstAt, lastAt: r.lastAt }, pop.value, pop.asOf)?.segment ?? 'No purchases');
    }
  } else if (groupBy === SummaryGroupBy.COUNTRY) {
    for (const r of rows) out.set(r.id, r.country ?? 'unknown');
  } else {
    throw badInput(`groupBy ${groupBy} is not a customer grouping here`);
  }
  return out;
}

const INTERVAL_FIELDS = new Set(['low', 'high', 'totalLow', 'totalHigh']);

/** Whether the field's selection (fragments followed) names any of these fields at any depth. */
function selects(info: GraphQLResolveInfo, names: ReadonlySet<string>): boolean {
  const visit = (set: SelectionSetNode | undefined): boolean =>
    !!set?.selections.some((s) => {
      if (s.kind === 'Field') return names.has(s.name.value) || visit(s.selectionSet);
      if (s.kind === 'InlineFragment') return visit(s.selectionSet);
      const fragment = info.fragments[s.name.value];
      return fragment ? visit(fragment.selectionSet) : true;
    });
  return info.fieldNodes.some((node) => visit(node.selectionSet));
}
