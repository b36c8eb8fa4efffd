import { seedDatabase } from '../src/db/seed/load';
import { ok, startTestApp, type TestApp } from './support/app';

/**
 * The demo company (the seed generator as the first start loads it: 500 customers, seed 1, as of today) under the
 * default purchase model: lapsed customers must read as churned, loyal ones must keep a spend forecast.
 */
let t: TestApp;
const today = new Date();
const asOf = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate());
beforeAll(async () => {
  t = await startTestApp();
  await seedDatabase(t.ds, { customers: 500, seed: 1, asOf });
}, 120_000);
afterAll(() => t.close());

async function rows(query: string): Promise<any[]> {
  const out: any[] = [];
  let after: string | null = null;
  for (;;) {
    const d: any = ok(await t.gql(query, { after }));
    const conn = d.customers ?? d.customerAnalytics;
    out.push(...conn.edges.map((e: any) => e.node));
    if (!conn.pageInfo.hasNextPage) return out;
    after = conn.edges[conn.edges.length - 1].cursor;
  }
}

test('most RFM "Lost" customers have churnRisk above 0.5 under the default model (BG/NBD left one-time buyers at 0)', async () => {
  const all = await rows(`query($after: String) { customers(first: 100, after: $after) { pageInfo { hasNextPage } edges { cursor node {
    rfm { segment frequency }
    lifetime { model churnRisk }
    bg: lifetime(model: BG_NBD) { churnRisk }
  } } } }`);
  const lost = all.filter((c) => c.rfm?.segment === 'Lost');
  expect(lost.length).toBeGreaterThan(20);
  expect(lost.every((c) => c.lifetime.model === 'PARETO_NBD')).toBe(true);
  const churned = lost.filter((c) => c.lifetime.churnRisk > 0.5).length;
  console.log(`Lost: ${lost.length}, churnRisk > 0.5: ${churned} (default), ${lost.filter((c) => c.bg.churnRisk > 0.5).length} (BG/NBD)`);
  expect(churned / lost.length).toBeGreaterThan(0.5);
});

test('Champions and Loyal customers get non-zero spend forecasts unless their model says they have lapsed', async () => {
  const all = await rows(`query($after: String) { customers(first: 100, after: $after) { pageInfo { hasNextPage } edges { cursor node {
    rfm { segment }
    forecast(horizonMonths: 3) { method total probabilityAlive months { spend } }
    line: forecast(horizonMonths: 3, method: LINEAR_TREND) { total }
  } } } }`);
  const best = all.filter((c) => c.rfm?.segment === 'Champions' || c.rfm?.segment === 'Loyal');
  expect(best.length).toBeGreaterThan(50);
  const lapsed = (c: any) => c.forecast.probabilityAlive < 0.05;
  const zero = best.filter((c) => !lapsed(c) && !(c.forecast.total > 0));
  expect(zero).toEqual([]);
  expect(best.every((c) => c.forecast.method === 'PURCHASE_MODEL' && c.forecast.months.every((m: any) => m.spend >= 0))).toBe(true);
  const lineZero = best.filter((c) => !(c.line.total > 0)).length;
  console.log(`Champions + Loyal: ${best.length}; forecast 0: ${best.filter((c) => !(c.forecast.total > 0)).length} (purchase model), ${lineZero} (linear trend)`);
});

test('a page of 5 and a page of 50 customers with lifetime and both forecasts run the same SQL statements', async () => {
  const page = `query($n: Int!) { customers(first: $n) { edges { node {
    lifetime { churnRisk clv } forecast(horizonMonths: 6) { total months { spend low high } }
    line: forecast(horizonMonths: 6, method: LINEAR_TREND) { total } mbg: forecast(model: MBG_NBD) { total }
  } } } }`;
  ok(await t.gql(page, { n: 1 })); // fits the models once
  const small = await t.gql(page, { n: 5 });
  const large = await t.gql(page, { n: 50 });
  ok(small);
  ok(large);
  expect(small.extensions!.sql!.statements).toBe(large.extensions!.sql!.statements);
});

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

test('spendForecastBacktest on the demo company: the default beats the linear trend and forecasts few holdout buyers at 0', async () => {
  const { spendForecastBacktest: b } = ok(await t.gql(`query($c: String!, $h: String!) { spendForecastBacktest(calibrationEnd: $c, holdoutEnd: $h) {
    holdoutBuyers methods { method model rootMeanSquaredError spearman shareOfBuyersForecastAtZero }
  } }`, { c: day(asOf - 182 * 86_400_000), h: day(asOf) }));
  const chosen = b.methods.find((m: any) => m.method === 'PURCHASE_MODEL' && m.model === 'PARETO_NBD');
  const linear = b.methods.find((m: any) => m.method === 'LINEAR_TREND');
  expect(b.holdoutBuyers).toBeGreaterThan(100);
  expect(chosen.rootMeanSquaredError).toBeLessThan(linear.rootMeanSquaredError);
  expect(chosen.shareOfBuyersForecastAtZero).toBeLessThanOrEqual(0.03);
  expect(linear.shareOfBuyersForecastAtZero).toBeGreaterThan(0.2);
});

test('demandForecastBacktest scores the linear trend against naive and seasonal-naive per category and per product', async () => {
  for (const level of ['CATEGORY', 'PRODUCT']) {
    const { demandForecastBacktest: b } = ok(await t.gql(`query($c: String!, $h: String!, $l: RuleItemLevel!) { demandForecastBacktest(calibrationEnd: $c, holdoutEnd: $h, level: $l) {
      level subjects holdoutMonths methods { method rootMeanSquaredError meanAbsoluteError spearman predictedUnits actualUnits soldForecastAtZero }
    } }`, { c: day(asOf - 182 * 86_400_000), h: day(asOf), l: level }));
    expect(b.level).toBe(level);
    expect(b.subjects).toBeGreaterThan(level === 'CATEGORY' ? 5 : 100);
    expect(b.methods.map((m: any) => m.method)).toEqual(['LINEAR_TREND', 'NAIVE', 'SEASONAL_NAIVE']);
    expect(new Set(b.methods.map((m: any) => m.actualUnits)).size).toBe(1);
  }
  const bad = await t.gql(`{ demandForecastBacktest(calibrationEnd: "2026-01-31", holdoutEnd: "2025-01-31") { subjects } }`);
  expect(bad.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
});

test('atRiskCustomers ranks by churn risk under the default model x value at stake (her value if still a customer)', async () => {
  const { atRiskCustomers: list } = ok(await t.gql(`{ atRiskCustomers(first: 100) { churnRisk value priority customer {
    rfm { segment frequency } lifetime(horizonDays: 365) { probabilityAlive clv }
  } } }`));
  const segments = new Set(list.map((r: any) => r.customer.rfm?.segment));
  const oneTimeRank = list.findIndex((r: any) => r.customer.rfm?.frequency === 1) + 1;
  console.log(`at risk (top 100): segments ${[...segments].join(', ')}; first one-time buyer at rank ${oneTimeRank || '> 100'}`);
  expect(segments.has('Lost') || segments.has('Hibernating')).toBe(true);
  for (const r of list) {
    expect(r.priority).toBeCloseTo(r.churnRisk * r.value, 6);
    // value = CLV / P(alive): the expected loss if she is gone, not the already risk-weighted CLV.
    expect(r.value).toBeCloseTo(r.customer.lifetime.clv / r.customer.lifetime.probabilityAlive, 4);
  }
});
