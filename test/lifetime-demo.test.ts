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
