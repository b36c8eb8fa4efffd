/**
 * Every GraphQL operation the insights page sends, with the shape of its answer. The page is an ordinary
 * client of /graphql: nothing here is private to it.
 */
export interface Operation<TData, TVars = Record<string, never>> {
  name: string;
  query: string;
  /** Phantom fields: the types travel with the operation. */
  readonly _data?: TData;
  readonly _vars?: TVars;
}

function op<TData, TVars = Record<string, never>>(query: string): Operation<TData, TVars> {
  const name = /^\s*query\s+(\w+)/.exec(query)?.[1];
  if (!name) throw new Error('every insights operation is a named query');
  return { name, query };
}

export interface MonthAmount { month: string; spend: number }
export interface SummaryRow { group: string; customers: number; purchases: number; revenue: number; averageScore: number | null; averageChurnRisk: number | null }
export interface SatisfactionPeriod { period: string; feedbackCount: number; averageScore: number | null; satisfiedRatio: number | null }

/** The overview in two requests sent together: on MySQL/PostgreSQL the population pass and the month scans overlap. */
export const OVERVIEW_KPIS = op<{ customers: { totalCount: number }; byRfm: SummaryRow[] }>(`query InsightsOverviewKpis {
  customers(first: 1) { totalCount }
  byRfm: analyticsSummary(groupBy: RFM_SEGMENT) { group customers purchases revenue averageScore averageChurnRisk }
}`);

export const OVERVIEW_TRENDS = op<{ byMonth: SummaryRow[]; satisfaction: SatisfactionPeriod[] }>(`query InsightsOverviewTrends {
  byMonth: analyticsSummary(groupBy: MONTH) { group customers purchases revenue averageScore averageChurnRisk }
  satisfaction: satisfactionSummary(groupBy: MONTH) { period feedbackCount averageScore satisfiedRatio }
}`);

/** One customer of the sample the population charts draw (segments scatter, RFM grid, P(alive), CLV). */
export interface SampleCustomer {
  id: string;
  name: string;
  age: number | null;
  annualIncome: number | null;
  value: { purchaseCount: number; totalSpent: number; purchaseFrequency: number; firstPurchaseAt: string | null };
  rfm: { r: number; f: number; m: number; recencyDays: number | null; frequency: number; monetary: number; segment: string } | null;
  lifetime: { probabilityAlive: number; churnRisk: number; clv: number | null } | null;
  segment: { id: number; label: string } | null;
}

export const CUSTOMER_SAMPLE = op<
  { customers: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; nodes: SampleCustomer[] } },
  { first: number; after: string | null }
>(`query InsightsCustomerSample($first: Int!, $after: String) {
  customers(first: $first, after: $after, orderBy: { field: ID, direction: ASC }) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes {
      id name age annualIncome
      value { purchaseCount totalSpent purchaseFrequency firstPurchaseAt }
      rfm { r f m recencyDays frequency monetary segment }
      lifetime { probabilityAlive churnRisk clv }
      segment { id label }
    }
  }
}`);

export type SegmentFeature = 'AGE' | 'ANNUAL_INCOME' | 'PURCHASE_FREQUENCY' | 'RECENCY_DAYS' | 'FREQUENCY' | 'MONETARY';
export interface Segment {
  id: number; label: string; size: number; share: number;
  centroid: { feature: string; value: number }[];
  explanation: { accuracy: number; rules: string[] };
}

export const SEGMENTS = op<
  { segments: { k: number; features: string[]; customers: number; inertia: number; asOf: string; segments: Segment[] } },
  { k: number; features: SegmentFeature[] }
>(`query InsightsSegments($k: Int!, $features: [SegmentFeature!]) {
  segments(k: $k, features: $features) {
    k features customers inertia asOf
    segments { id label size share centroid { feature value } explanation { accuracy rules } }
  }
}`);

export const RFM_SHARES = op<{ byRfm: SummaryRow[] }>(`query InsightsRfmShares {
  byRfm: analyticsSummary(groupBy: RFM_SEGMENT) { group customers purchases revenue averageScore averageChurnRisk }
}`);

export interface AtRisk {
  churnRisk: number; value: number; priority: number;
  customer: { id: string; name: string };
  nextBestAction: { kind: string; reason: string; channel: string | null; handleTicketFirst: boolean; openTickets: number; campaign: { name: string } | null };
}

export const LIFETIME = op<{
  lifetimeModel: {
    model: string; r: number; alpha: number; a: number | null; b: number | null; s: number | null; beta: number | null;
    subjects: number; repeatCustomers: number; converged: boolean; timeUnit: string; asOf: string;
  };
  atRiskCustomers: AtRisk[];
}, { first: number }>(`query InsightsLifetime($first: Int!) {
  lifetimeModel { model r alpha a b s beta subjects repeatCustomers converged timeUnit asOf }
  atRiskCustomers(first: $first) {
    churnRisk value priority
    customer { id name }
    nextBestAction { kind reason channel handleTicketFirst openTickets campaign { name } }
  }
}`);

export interface RuleArgs { minSupport: number; minConfidence: number; minLift: number; maxLength: number; level: 'PRODUCT' | 'CATEGORY'; first: number }
export interface Rule { antecedent: { name: string }[]; consequent: { name: string }[]; support: number; confidence: number; lift: number; count: number; conviction: number | null }

export const RULES = op<{ associationRules: { totalCount: number; transactionCount: number; itemsetCount: number; rules: Rule[] } }, RuleArgs>(
  `query InsightsRules($minSupport: Float!, $minConfidence: Float!, $minLift: Float!, $maxLength: Int!, $level: RuleItemLevel!, $first: Int!) {
  associationRules(minSupport: $minSupport, minConfidence: $minConfidence, minLift: $minLift, maxLength: $maxLength, level: $level, first: $first) {
    totalCount transactionCount itemsetCount
    rules { antecedent { name } consequent { name } support confidence lift count conviction }
  }
}`);

export interface Forecast { history: MonthAmount[]; months: MonthAmount[]; trend: string; slope: number; r2: number; insufficientHistory: boolean }

export const FORECAST_TARGETS = op<{
  products: { nodes: { id: string; name: string; category: string }[] };
  topCustomers: { nodes: { id: string; name: string }[] };
}>(`query InsightsForecastTargets {
  products(first: 100) { nodes { id name category } }
  topCustomers: customers(first: 20, orderBy: { field: TOTAL_SPENT, direction: DESC }) { nodes { id name } }
}`);

export const DEMAND_FORECAST = op<{ demandForecast: Forecast & { target: string } }, { productId: string | null; category: string | null; horizonMonths: number }>(
  `query InsightsDemandForecast($productId: ID, $category: String, $horizonMonths: Int!) {
  demandForecast(productId: $productId, category: $category, horizonMonths: $horizonMonths) {
    target trend slope r2 insufficientHistory history { month spend } months { month spend }
  }
}`);

export const SPEND_FORECAST = op<{ customer: { id: string; name: string; forecast: Forecast } | null }, { id: string; horizonMonths: number }>(
  `query InsightsSpendForecast($id: ID!, $horizonMonths: Int!) {
  customer(id: $id) {
    id name
    forecast(horizonMonths: $horizonMonths) { trend slope r2 insufficientHistory history { month spend } months { month spend } }
  }
}`);

export interface PainPoint { issue: string; count: number; recentCount: number; previousCount: number; trend: string }

export const SATISFACTION = op<{ satisfaction: SatisfactionPeriod[]; painPoints: PainPoint[] }>(`query InsightsSatisfaction {
  satisfaction: satisfactionSummary(groupBy: MONTH) { period feedbackCount averageScore satisfiedRatio }
  painPoints(first: 10) { issue count recentCount previousCount trend }
}`);

export interface Customer360 {
  id: string; name: string; city: string | null; country: string | null; age: number | null; createdAt: string;
  value: { purchaseCount: number; totalSpent: number; averageOrderValue: number | null; purchaseFrequency: number; tier: string; firstPurchaseAt: string | null; lastPurchaseAt: string | null };
  rfm: { code: string; segment: string; recencyDays: number | null; frequency: number; monetary: number; r: number; f: number; m: number } | null;
  lifetime: { probabilityAlive: number; churnRisk: number; expectedPurchases: number | null; clv: number | null } | null;
  segment: { id: number; label: string } | null;
  satisfaction: { feedbackCount: number; averageScore: number | null; satisfiedRatio: number | null; lastScore: number | null; painPoints: string[] };
  forecast: Forecast;
  recommendations: { score: number; reason: string; product: { name: string; category: string; price: number } }[];
  timeline: { nodes: { kind: string; occurredAt: string; summary: string }[] };
}

export const CUSTOMER_360 = op<{ customer: Customer360 | null }, { id: string }>(`query InsightsCustomer360($id: ID!) {
  customer(id: $id) {
    id name city country age createdAt
    value { purchaseCount totalSpent averageOrderValue purchaseFrequency tier firstPurchaseAt lastPurchaseAt }
    rfm { code segment recencyDays frequency monetary r f m }
    lifetime { probabilityAlive churnRisk expectedPurchases clv }
    segment { id label }
    satisfaction { feedbackCount averageScore satisfiedRatio lastScore painPoints }
    forecast(horizonMonths: 6) { trend slope r2 insufficientHistory history { month spend } months { month spend } }
    recommendations(limit: 5) { score reason product { name category price } }
    timeline(first: 20) { nodes { kind occurredAt summary } }
  }
}`);

export const CUSTOMER_PICKER = op<{ customers: { nodes: { id: string; name: string; value: { totalSpent: number } }[] } }>(`query InsightsCustomerPicker {
  customers(first: 20, orderBy: { field: TOTAL_SPENT, direction: DESC }) { nodes { id name value { totalSpent } } }
}`);

/** P(alive) by repeat purchases (rows) and recency (columns) at age T, from the default lifetime model. */
export const LIFETIME_MATRIX = op<{ lifetimeModel: { probabilityAliveMatrix: number[][] } }, { T: number; maxFrequency: number; steps: number }>(
  `query InsightsLifetimeMatrix($T: Float!, $maxFrequency: Int!, $steps: Int!) {
  lifetimeModel { probabilityAliveMatrix(T: $T, maxFrequency: $maxFrequency, recencySteps: $steps) }
}`);
