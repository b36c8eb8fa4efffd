import { Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import type { PurchaseModelParams } from './lifetime/models';
import { Product } from '../catalog/product.entity';
import { Customer } from '../customer/customer.entity';

/** Plain result types of the analytic fields (not entities); every one says asOf. */
export enum ValueTierEnum {
  HIGH = 'HIGH',
  MEDIUM = 'MEDIUM',
  LOW = 'LOW',
}
registerEnumType(ValueTierEnum, { name: 'ValueTier' });

/** The purchase-and-dropout models (lifetime/models.ts); values equal PurchaseModelKind. */
export enum LifetimeModelKind {
  BG_NBD = 'BG_NBD',
  MBG_NBD = 'MBG_NBD',
  PARETO_NBD = 'PARETO_NBD',
}
registerEnumType(LifetimeModelKind, {
  name: 'LifetimeModelKind',
  description: 'Purchase-and-dropout model behind probabilityAlive, churnRisk and expected purchases. The default is PARETO_NBD, chosen by holdout validation (lifetimeValidation).',
  valuesConfig: {
    BG_NBD: { description: 'BG/NBD (Fader, Hardie & Lee 2005): drop-out only right after a repeat purchase, so a one-time buyer is always alive (P(alive) = 1).' },
    MBG_NBD: { description: 'MBG/NBD (Batislam, Denizel & Filiztekin 2007): BG/NBD with a possible drop-out right after the first purchase too.' },
    PARETO_NBD: { description: 'Pareto/NBD (Schmittlein, Morrison & Colombo 1987): drop-out at any time; the default.' },
  },
});

export enum SegmentFeature {
  AGE = 'age',
  ANNUAL_INCOME = 'annualIncome',
  PURCHASE_FREQUENCY = 'purchaseFrequency',
  RECENCY_DAYS = 'recencyDays',
  FREQUENCY = 'frequency',
  MONETARY = 'monetary',
}
registerEnumType(SegmentFeature, { name: 'SegmentFeature', description: 'Customer features K-means can segment on.' });

export enum RuleItemLevel {
  PRODUCT = 'PRODUCT',
  CATEGORY = 'CATEGORY',
}
registerEnumType(RuleItemLevel, { name: 'RuleItemLevel' });

export enum SummaryGroupBy {
  SEGMENT = 'SEGMENT',
  RFM_SEGMENT = 'RFM_SEGMENT',
  MONTH = 'MONTH',
  CHANNEL = 'CHANNEL',
  COUNTRY = 'COUNTRY',
}
registerEnumType(SummaryGroupBy, { name: 'SummaryGroupBy' });

@ObjectType({ simpleResolvers: true, description: 'What a customer is worth so far (COMPLETED purchases only).' })
export class CustomerValue {
  @Field(() => Int) purchaseCount!: number;
  @Field(() => Float) totalSpent!: number;
  @Field(() => Float, { nullable: true }) averageOrderValue!: number | null;
  @Field(() => Date, { nullable: true }) firstPurchaseAt!: Date | null;
  @Field(() => Date, { nullable: true }) lastPurchaseAt!: Date | null;
  @Field(() => Float, { description: 'Purchases per 30 days over the tenure (at least 30 days).' }) purchaseFrequency!: number;
  @Field(() => ValueTierEnum, { description: 'Top 20% of spenders HIGH, next 30% MEDIUM, the rest LOW.' }) tier!: ValueTierEnum;
  @Field() asOf!: Date;
}

@ObjectType({ simpleResolvers: true })
export class CustomerRfm {
  @Field(() => Int, { nullable: true, description: 'Days since the last purchase; null without purchases.' }) recencyDays!: number | null;
  @Field(() => Int) frequency!: number;
  @Field(() => Float) monetary!: number;
  @Field(() => Int) r!: number;
  @Field(() => Int) f!: number;
  @Field(() => Int) m!: number;
  @Field({ description: 'R, F and M scores (1..5 by population quintiles), e.g. "545".' }) code!: string;
  @Field({ description: 'Champions, Loyal, Potential loyalist, New, Promising, Need attention, About to sleep, At risk, Cannot lose them, Hibernating, Lost.' })
  segment!: string;
  @Field() asOf!: Date;
}

@ObjectType({ simpleResolvers: true, description: 'Purchase model (default Pareto/NBD) + Gamma-Gamma: churn risk, expected purchases and lifetime value.' })
export class CustomerLifetime {
  @Field(() => LifetimeModelKind, { description: 'The purchase model these numbers come from.' }) model!: LifetimeModelKind;
  @Field(() => Float, { description: 'Probability that the customer has not silently stopped buying, given her purchase days (not single orders), their count and the time since the last one.' })
  probabilityAlive!: number;
  @Field(() => Float, {
    description:
      '1 - probabilityAlive: the probability that the customer has already stopped buying for good. Under the default model a one-time buyer\'s ' +
      'risk grows with the time since her purchase. Caveats: it is a statement about the purchase process only (feedback, tickets and ' +
      'campaigns do not enter it), it assumes a customer who left never comes back, it is only as good as the population fit (see ' +
      'lifetimeModel and lifetimeValidation), and under BG_NBD every one-time buyer has churnRisk 0.',
  })
  churnRisk!: number;
  @Field(() => Float, { nullable: true, description: 'Expected purchases in the next horizonDays (null when it cannot be evaluated for extreme model parameters).' })
  expectedPurchases!: number | null;
  @Field(() => Float, { nullable: true, description: 'Gamma-Gamma expected average order value.' }) expectedOrderValue!: number | null;
  @Field(() => Float, { nullable: true, description: 'Discounted value over horizonDays (10% a year).' }) clv!: number | null;
  @Field(() => Int) horizonDays!: number;
  @Field() asOf!: Date;
}

@ObjectType({ simpleResolvers: true })
export class CustomerSatisfaction {
  @Field(() => Int) feedbackCount!: number;
  @Field(() => Float, { nullable: true }) averageScore!: number | null;
  @Field(() => Float, { nullable: true, description: 'Share of scores >= 4.' }) satisfiedRatio!: number | null;
  @Field(() => Int, { nullable: true }) lastScore!: number | null;
  @Field(() => [String], { description: 'Issues of unsatisfied (<= 2) feedback, most frequent first.' }) painPoints!: string[];
  @Field() asOf!: Date;
}

@ObjectType({ simpleResolvers: true })
export class FeatureValue {
  @Field() feature!: string;
  @Field(() => Float) value!: number;
}

@ObjectType({ simpleResolvers: true })
export class SegmentExplanationType {
  @Field(() => [String], { description: 'Readable rules from a shallow decision tree, e.g. "annualIncome > 52,000".' }) rules!: string[];
  @Field(() => Float, { description: "Share of customers the tree's rules place in their own segment." }) accuracy!: number;
}

@ObjectType({ simpleResolvers: true })
export class SegmentType {
  @Field(() => Int, { description: '0 = the largest segment.' }) id!: number;
  @Field() label!: string;
  @Field(() => Int) size!: number;
  @Field(() => Float) share!: number;
  @Field(() => [FeatureValue], { description: 'Centre in original units.' }) centroid!: FeatureValue[];
  @Field(() => SegmentExplanationType) explanation!: SegmentExplanationType;
}

@ObjectType({ simpleResolvers: true })
export class Segmentation {
  @Field(() => Int) k!: number;
  @Field(() => [String]) features!: string[];
  @Field(() => Float, { description: 'K-means inertia on standardized features.' }) inertia!: number;
  @Field(() => [SegmentType]) segments!: SegmentType[];
  @Field(() => Int) customers!: number;
  @Field(() => Int) seed!: number;
  @Field() asOf!: Date;
  @Field() fittedAt!: Date;
  @Field(() => Int) fitMs!: number;
}

@ObjectType({ simpleResolvers: true, description: "A customer's segment in the default segmentation." })
export class CustomerSegment {
  @Field(() => Int) id!: number;
  @Field() label!: string;
  @Field() asOf!: Date;
}

@ObjectType({ simpleResolvers: true })
export class MonthAmount {
  @Field({ description: 'YYYY-MM' }) month!: string;
  @Field(() => Float) spend!: number;
}

/** How Customer.forecast predicts spend; values equal forecast/backtest.ts' SpendForecastMethod. */
export enum SpendForecastMethod {
  PURCHASE_MODEL = 'PURCHASE_MODEL',
  LINEAR_TREND = 'LINEAR_TREND',
}
registerEnumType(SpendForecastMethod, {
  name: 'SpendForecastMethod',
  description: 'How a customer\'s spend is forecast. PURCHASE_MODEL is the default, chosen by backtest (spendForecastBacktest).',
  valuesConfig: {
    PURCHASE_MODEL: { description: 'Expected purchases per future month from the lifetime model (default Pareto/NBD) x Gamma-Gamma expected order value.' },
    LINEAR_TREND: { description: 'A straight line through the zero-filled monthly spend, clamped at 0 (right for aggregate demand, poor for occasional buyers).' },
  },
});

@ObjectType({ simpleResolvers: true })
export class ForecastMonth {
  @Field({ description: 'YYYY-MM' }) month!: string;
  @Field(() => Float, { description: 'Expected spend in the month (never negative).' }) spend!: number;
  @Field(() => Float, { nullable: true, description: '10th percentile: with high, an 80 % interval (null when the history leaves no spread to estimate).' }) low!: number | null;
  @Field(() => Float, { nullable: true, description: '90th percentile.' }) high!: number | null;
}

@ObjectType({
  simpleResolvers: true,
  description:
    'Spend forecast of one customer. Short histories, one rule: every customer with a purchase is forecast by the same method; ' +
    'under PURCHASE_MODEL a one-time buyer gets what the population\'s purchase process expects of someone who bought once that long ago ' +
    '(insufficientHistory true: no repeat purchase of her own yet), and a customer who never bought gets 0.',
})
export class SpendForecast {
  @Field(() => SpendForecastMethod, { description: 'The method these months come from (LINEAR_TREND when the lifetime model could not be fitted).' })
  method!: SpendForecastMethod;
  @Field(() => LifetimeModelKind, { nullable: true, description: 'The purchase model of PURCHASE_MODEL; null for LINEAR_TREND.' }) model!: LifetimeModelKind | null;
  @Field(() => [ForecastMonth], { description: 'Predicted spend per future month, with an 80 % interval.' }) months!: ForecastMonth[];
  @Field(() => Float, { description: 'Sum of the months.' }) total!: number;
  @Field(() => Float, { nullable: true, description: '80 % interval of the total (PURCHASE_MODEL: simulated; null for LINEAR_TREND).' }) totalLow!: number | null;
  @Field(() => Float, { nullable: true }) totalHigh!: number | null;
  @Field(() => Float, { nullable: true, description: 'Expected purchases (purchase days) over the months (PURCHASE_MODEL).' }) expectedPurchases!: number | null;
  @Field(() => Float, { nullable: true, description: 'Gamma-Gamma expected order value (PURCHASE_MODEL).' }) expectedOrderValue!: number | null;
  @Field(() => Float, { nullable: true, description: 'P(alive) under the purchase model (PURCHASE_MODEL).' }) probabilityAlive!: number | null;
  @Field(() => [MonthAmount], { description: 'The zero-filled monthly history (from the first non-zero month).' }) history!: MonthAmount[];
  @Field(() => Float, { description: 'Slope of the linear trend through the history (computed whatever the method).' }) slope!: number;
  @Field(() => Float) intercept!: number;
  @Field(() => Float) r2!: number;
  @Field({ description: 'UP, DOWN or FLAT: the history\'s linear trend.' }) trend!: string;
  @Field({ description: 'PURCHASE_MODEL: no repeat purchase yet (or none at all). LINEAR_TREND: fewer than 6 months to fit, the forecast is their mean.' })
  insufficientHistory!: boolean;
  @Field() asOf!: Date;
}

export enum RecommendationStrategyEnum {
  HYBRID = 'HYBRID',
  EASE = 'EASE',
  ITEM_KNN = 'ITEM_KNN',
  CONTENT = 'CONTENT',
  POPULARITY = 'POPULARITY',
}
registerEnumType(RecommendationStrategyEnum, {
  name: 'RecommendationStrategy',
  description: 'How recommendations are made; HYBRID (the default) scored best in the offline evaluation (recommenderEvaluation).',
  valuesConfig: {
    HYBRID: { description: 'EASE on purchase histories; never-bought products by content similarity; content, then popularity, when purchases say too little.' },
    EASE: { description: 'EASE (closed-form item-item ridge regression) on purchase histories; item-kNN beyond 1,500 products.' },
    ITEM_KNN: { description: 'Item-kNN: co-purchase conditional probability with shrinkage.' },
    CONTENT: { description: 'Content similarity (category, tags, price band) to what the customer bought, boosted by co-purchase rules.' },
    POPULARITY: { description: 'The most bought products the customer does not have (the baseline).' },
  },
});

export enum RecommendationSourceEnum {
  COLLABORATIVE = 'COLLABORATIVE',
  CONTENT = 'CONTENT',
  POPULARITY = 'POPULARITY',
}
registerEnumType(RecommendationSourceEnum, { name: 'RecommendationSource', description: 'Which model placed the item in the list.' });

export enum HoldOutProtocolEnum {
  LEAVE_ONE_OUT = 'LEAVE_ONE_OUT',
  LAST_PURCHASE = 'LAST_PURCHASE',
}
registerEnumType(HoldOutProtocolEnum, {
  name: 'HoldOutProtocol',
  valuesConfig: {
    LEAVE_ONE_OUT: { description: 'One product hidden from one basket (of at least minBasketItems products) per sampled customer.' },
    LAST_PURCHASE: { description: "Each sampled customer's last purchase hidden; its products not bought before are the targets." },
  },
});

@ObjectType({ simpleResolvers: true })
export class ProductRecommendation {
  @Field(() => Product) product!: Product;
  @Field(() => Float, { description: 'Strength within the model that placed the item (see source); not comparable across sources.' }) score!: number;
  @Field({ description: 'Why, in words a care agent can repeat.' }) reason!: string;
  @Field(() => RecommendationSourceEnum) source!: RecommendationSourceEnum;
}

@ObjectType({ simpleResolvers: true })
export class StrategyEvaluation {
  @Field(() => RecommendationStrategyEnum) strategy!: RecommendationStrategyEnum;
  @Field(() => Int) cases!: number;
  @Field(() => Float, { description: 'Share of cases with a held-out product in the top k.' }) hitRate!: number;
  @Field(() => Float, { description: 'Mean NDCG@k (binary relevance).' }) ndcg!: number;
  @Field(() => Float, { description: 'Distinct products shown in any top k / catalogue size.' }) coverage!: number;
  @Field(() => Float, { nullable: true, description: 'hitRate / POPULARITY hitRate on the same cases.' }) hitRateVsPopularity!: number | null;
  @Field(() => Int, { description: 'Time to fit the strategy on the training purchases.' }) fitMs!: number;
}

@ObjectType({ simpleResolvers: true })
export class RecommenderEvaluation {
  @Field(() => HoldOutProtocolEnum) protocol!: HoldOutProtocolEnum;
  @Field(() => Int) seed!: number;
  @Field(() => Int) k!: number;
  @Field(() => Int, { description: 'Customers evaluated.' }) cases!: number;
  @Field(() => Int, { description: 'Customers that could have been evaluated (sampled down to maxCases).' }) eligible!: number;
  @Field(() => Int) catalogueSize!: number;
  @Field(() => Int) trainingPurchases!: number;
  @Field(() => [StrategyEvaluation]) strategies!: StrategyEvaluation[];
  @Field() asOf!: Date;
}

@ObjectType({ simpleResolvers: true })
export class RuleItem {
  @Field(() => ID, { nullable: true, description: 'Product id (null for category rules).' }) id!: string | null;
  @Field() name!: string;
}

@ObjectType({ simpleResolvers: true })
export class AssociationRuleType {
  @Field(() => [RuleItem]) antecedent!: RuleItem[];
  @Field(() => [RuleItem]) consequent!: RuleItem[];
  @Field(() => Float) support!: number;
  @Field(() => Float) confidence!: number;
  @Field(() => Float) lift!: number;
  @Field(() => Float) leverage!: number;
  @Field(() => Float, { nullable: true, description: 'null when infinite (confidence 1).' }) conviction!: number | null;
  @Field(() => Int) count!: number;
}

@ObjectType({ simpleResolvers: true })
export class AssociationRules {
  @Field(() => Int, { description: 'Number of rules that pass the thresholds.' }) totalCount!: number;
  @Field(() => Int, { description: 'Frequent itemsets (incl. single items).' }) itemsetCount!: number;
  @Field(() => Int, { description: 'Baskets mined.' }) transactionCount!: number;
  @Field(() => [AssociationRuleType], { description: 'Highest lift first.' }) rules!: AssociationRuleType[];
  @Field() asOf!: Date;
  @Field(() => Int) fitMs!: number;
}

@ObjectType({ simpleResolvers: true, description: 'Fitted purchase model (BG/NBD, MBG/NBD or Pareto/NBD) and Gamma-Gamma parameters.' })
export class LifetimeModel {
  @Field(() => LifetimeModelKind) model!: LifetimeModelKind;
  @Field({ description: 'Whether this is the model behind churnRisk and atRiskCustomers.' }) isDefault!: boolean;
  @Field(() => Float, { description: 'Shape of the Gamma distribution of purchase rates (every model).' }) r!: number;
  @Field(() => Float, { description: 'Scale of the Gamma distribution of purchase rates, in timeUnit (every model).' }) alpha!: number;
  @Field(() => Float, { nullable: true, description: 'Beta distribution of drop-out probabilities (BG_NBD, MBG_NBD; null for PARETO_NBD).' }) a!: number | null;
  @Field(() => Float, { nullable: true, description: 'Beta distribution of drop-out probabilities (BG_NBD, MBG_NBD; null for PARETO_NBD).' }) b!: number | null;
  @Field(() => Float, { nullable: true, description: 'Shape of the Gamma distribution of drop-out rates (PARETO_NBD; null otherwise).' }) s!: number | null;
  @Field(() => Float, { nullable: true, description: 'Scale of the Gamma distribution of drop-out rates, in timeUnit (PARETO_NBD; null otherwise).' }) beta!: number | null;
  @Field({ description: 'Unit of recency, T and alpha: "week" here, as in the published CDNOW results.' }) timeUnit!: string;
  @Field(() => Int) subjects!: number;
  @Field(() => Float) logLikelihood!: number;
  @Field() converged!: boolean;
  @Field(() => Float, { nullable: true }) p!: number | null;
  @Field(() => Float, { nullable: true }) q!: number | null;
  @Field(() => Float, { nullable: true }) v!: number | null;
  @Field(() => Int) repeatCustomers!: number;
  @Field(() => Boolean) gammaGammaConverged!: boolean;
  @Field() asOf!: Date;
  @Field() fittedAt!: Date;
  @Field(() => Int) fitMs!: number;
  /** The fitted parameters (not a field: probabilityAliveMatrix reads them). */
  fitted?: PurchaseModelParams | null;
}

@ObjectType({ simpleResolvers: true })
export class PainPoint {
  @Field() issue!: string;
  @Field(() => Int) count!: number;
  @Field(() => Int) recentCount!: number;
  @Field(() => Int) previousCount!: number;
  @Field({ description: 'RISING, FALLING or STEADY (last 30 days against the 30 before).' }) trend!: string;
}

@ObjectType({ simpleResolvers: true })
export class SatisfactionPeriod {
  @Field({ description: 'The group: a month YYYY-MM, a segment, a channel or a country.' }) period!: string;
  @Field(() => Int) feedbackCount!: number;
  @Field(() => Float, { nullable: true }) averageScore!: number | null;
  @Field(() => Float, { nullable: true }) satisfiedRatio!: number | null;
}

@ObjectType({ simpleResolvers: true })
export class DemandForecast {
  @Field() target!: string;
  @Field(() => [MonthAmount], { description: 'Units per month (spend field holds units).' }) months!: MonthAmount[];
  @Field(() => [MonthAmount]) history!: MonthAmount[];
  @Field(() => Float) slope!: number;
  @Field(() => Float) r2!: number;
  @Field() trend!: string;
  @Field() insufficientHistory!: boolean;
  @Field() asOf!: Date;
}

@ObjectType({ simpleResolvers: true })
export class NextBestAction {
  @Field({ description: 'RESOLVE_COMPLAINT, WIN_BACK_OFFER, LOYALTY_REWARD or CHECK_IN' }) kind!: string;
  @Field(() => String, { nullable: true, description: 'EMAIL or SMS when the customer consented, else null.' }) channel!: string | null;
  @Field() reason!: string;
}

@ObjectType({ simpleResolvers: true })
export class AtRiskCustomer {
  @Field(() => Customer) customer!: Customer;
  @Field(() => Float) churnRisk!: number;
  @Field(() => Float, { description: 'Value at stake: her discounted expected value over the next year if she is still a customer (CLV / probabilityAlive), what a win-back saves.' }) value!: number;
  @Field(() => Float, { description: 'churnRisk x value, the ranking key.' }) priority!: number;
  @Field(() => NextBestAction) nextBestAction!: NextBestAction;
}

@ObjectType({ simpleResolvers: true, description: 'One flat row per customer for BI tools.' })
export class CustomerAnalyticsRow {
  @Field(() => ID) customerId!: string;
  @Field(() => String, { nullable: true }) country!: string | null;
  @Field(() => String, { nullable: true }) city!: string | null;
  @Field(() => Int, { nullable: true }) segmentId!: number | null;
  @Field(() => String, { nullable: true }) segmentLabel!: string | null;
  @Field() rfmSegment!: string;
  @Field() rfmCode!: string;
  @Field(() => Int, { nullable: true }) recencyDays!: number | null;
  @Field(() => Int) purchaseCount!: number;
  @Field(() => Float) totalSpent!: number;
  @Field(() => Float, { nullable: true }) averageOrderValue!: number | null;
  @Field(() => Float) purchaseFrequency!: number;
  @Field() valueTier!: string;
  @Field(() => Float) probabilityAlive!: number;
  @Field(() => Float) churnRisk!: number;
  @Field(() => Float, { nullable: true }) clv!: number | null;
  @Field(() => Float, { nullable: true }) averageScore!: number | null;
  @Field(() => Int) feedbackCount!: number;
  @Field() asOf!: Date;
}

@ObjectType({ simpleResolvers: true })
export class AnalyticsSummaryRow {
  @Field() group!: string;
  @Field(() => Int) customers!: number;
  @Field(() => Int) purchases!: number;
  @Field(() => Float) revenue!: number;
  @Field(() => Float, { nullable: true }) averageOrderValue!: number | null;
  @Field(() => Float, { nullable: true }) averageScore!: number | null;
  @Field(() => Float, { nullable: true }) averageChurnRisk!: number | null;
}

@ObjectType({ simpleResolvers: true, description: 'Customers of one calibration frequency (repeat purchase days): mean holdout purchases, actual and predicted.' })
export class HoldoutFrequencyGroup {
  @Field({ description: '"0" to "6", and "7+".' }) frequency!: string;
  @Field(() => Int) customers!: number;
  @Field(() => Float) actual!: number;
  @Field(() => Float) predicted!: number;
}

@ObjectType({ simpleResolvers: true, description: 'One purchase model fitted on the calibration period and scored on the holdout period.' })
export class PurchaseModelHoldout {
  @Field(() => LifetimeModelKind) model!: LifetimeModelKind;
  @Field(() => Float) r!: number;
  @Field(() => Float) alpha!: number;
  @Field(() => Float, { nullable: true }) a!: number | null;
  @Field(() => Float, { nullable: true }) b!: number | null;
  @Field(() => Float, { nullable: true }) s!: number | null;
  @Field(() => Float, { nullable: true }) beta!: number | null;
  @Field(() => Float, { description: 'Calibration log-likelihood.' }) logLikelihood!: number;
  @Field() converged!: boolean;
  @Field(() => Float, { description: 'Sum of the predicted holdout purchases.' }) predictedPurchases!: number;
  @Field(() => Float) actualPurchases!: number;
  @Field(() => Float, { description: 'Mean absolute error of holdout purchases per customer: the selection criterion.' }) meanAbsoluteError!: number;
  @Field(() => Float) rootMeanSquaredError!: number;
  @Field(() => [HoldoutFrequencyGroup], { description: 'By calibration frequency 0..7+.' }) byFrequency!: HoldoutFrequencyGroup[];
}

@ObjectType({ simpleResolvers: true, description: 'Holdout validation of the purchase models: fit on purchases up to calibrationEnd, predict each customer\'s purchase days up to holdoutEnd, compare.' })
export class LifetimeValidation {
  @Field({ description: 'YYYY-MM-DD' }) calibrationEnd!: string;
  @Field({ description: 'YYYY-MM-DD' }) holdoutEnd!: string;
  @Field(() => Float) holdoutWeeks!: number;
  @Field(() => Int, { description: 'Customers who bought by calibrationEnd.' }) customers!: number;
  @Field(() => Int, { description: 'Their purchase days in the holdout period.' }) actualPurchases!: number;
  @Field(() => [PurchaseModelHoldout]) models!: PurchaseModelHoldout[];
  @Field(() => LifetimeModelKind, { description: 'Lowest mean absolute error on this split.' }) best!: LifetimeModelKind;
  @Field(() => LifetimeModelKind, { description: 'The model CareGraph uses by default (chosen on CDNOW; pass model: to use another).' }) defaultModel!: LifetimeModelKind;
}

@ObjectType({ simpleResolvers: true, description: 'One forecast method scored on the holdout period.' })
export class SpendBacktestMethod {
  @Field(() => SpendForecastMethod) method!: SpendForecastMethod;
  @Field(() => LifetimeModelKind, { nullable: true, description: 'Purchase model of PURCHASE_MODEL (x Gamma-Gamma); null for LINEAR_TREND.' }) model!: LifetimeModelKind | null;
  @Field(() => Float, { description: 'Root mean squared error of holdout spend per customer.' }) rootMeanSquaredError!: number;
  @Field(() => Float) meanAbsoluteError!: number;
  @Field(() => Float, { nullable: true, description: 'Spearman rank correlation of forecast and actual spend (null when one side is constant).' }) spearman!: number | null;
  @Field(() => Float, { description: 'Sum of the forecasts.' }) predictedSpend!: number;
  @Field(() => Float) actualSpend!: number;
  @Field(() => Int, { description: 'Holdout buyers this method forecast at 0.' }) buyersForecastAtZero!: number;
  @Field(() => Float) shareOfBuyersForecastAtZero!: number;
}

@ObjectType({
  simpleResolvers: true,
  description: 'Backtest of the per-customer spend forecasts: each method forecasts every customer\'s spend from calibrationEnd to holdoutEnd from the data up to calibrationEnd; compared with what each really spent.',
})
export class SpendForecastBacktest {
  @Field({ description: 'YYYY-MM-DD' }) calibrationEnd!: string;
  @Field({ description: 'YYYY-MM-DD' }) holdoutEnd!: string;
  @Field(() => Int, { description: 'Customers who bought by calibrationEnd.' }) customers!: number;
  @Field(() => Float) holdoutWeeks!: number;
  @Field(() => Int, { description: 'Calendar months the holdout touches (LINEAR_TREND forecasts them, prorated by days).' }) holdoutMonths!: number;
  @Field(() => Int, { description: 'Customers who bought in the holdout period.' }) holdoutBuyers!: number;
  @Field(() => Float) actualSpend!: number;
  @Field(() => [SpendBacktestMethod]) methods!: SpendBacktestMethod[];
  @Field(() => SpendForecastMethod) defaultMethod!: SpendForecastMethod;
  @Field(() => LifetimeModelKind) defaultModel!: LifetimeModelKind;
}

export enum DemandForecastMethodEnum {
  LINEAR_TREND = 'LINEAR_TREND',
  NAIVE = 'NAIVE',
  SEASONAL_NAIVE = 'SEASONAL_NAIVE',
}
registerEnumType(DemandForecastMethodEnum, {
  name: 'DemandForecastMethod',
  description: 'LINEAR_TREND is demandForecast\'s method; NAIVE (the last month repeated) and SEASONAL_NAIVE (the same month a year before) are the baselines it must beat.',
});

@ObjectType({ simpleResolvers: true })
export class DemandBacktestMethod {
  @Field(() => DemandForecastMethodEnum) method!: DemandForecastMethodEnum;
  @Field(() => Float, { description: 'Root mean squared error of holdout units per product or category.' }) rootMeanSquaredError!: number;
  @Field(() => Float) meanAbsoluteError!: number;
  @Field(() => Float, { nullable: true }) spearman!: number | null;
  @Field(() => Float) predictedUnits!: number;
  @Field(() => Float) actualUnits!: number;
  @Field(() => Int, { description: 'Products or categories sold in the holdout but forecast at 0.' }) soldForecastAtZero!: number;
}

@ObjectType({ simpleResolvers: true, description: 'Backtest of demandForecast against naive baselines on whole calendar months.' })
export class DemandForecastBacktest {
  @Field() calibrationEnd!: string;
  @Field() holdoutEnd!: string;
  @Field(() => RuleItemLevel) level!: RuleItemLevel;
  @Field(() => Int, { description: 'Products or categories sold before the holdout.' }) subjects!: number;
  @Field(() => Int) holdoutMonths!: number;
  @Field(() => [DemandBacktestMethod]) methods!: DemandBacktestMethod[];
}
