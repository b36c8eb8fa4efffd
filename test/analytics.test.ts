import { startTestApp, ok, type TestApp } from './support/app';
import { loadCdnowSample } from './support/bulk';

/** CDNOW end to end: imported purchases -> lifetimeModel over GraphQL reproduces lifetimes' published fit. */
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
  await loadCdnowSample(t.ds);
}, 120_000);
afterAll(() => t.close());

const within = (actual: number, expected: number, rel: number) => expect(Math.abs(actual - expected) / expected).toBeLessThanOrEqual(rel);

test('lifetimeModel(asOf: 1997-09-30) reproduces BG/NBD within 1% and Gamma-Gamma within 5%', async () => {
  const { lifetimeModel: m } = ok(await t.gql(`{ lifetimeModel(asOf: "1997-09-30") { r alpha a b timeUnit subjects logLikelihood converged p q v repeatCustomers } }`));
  expect(m.subjects).toBe(2357);
  expect(m.timeUnit).toBe('week');
  expect(m.converged).toBe(true);
  within(m.r, 0.2426, 0.01);
  within(m.alpha, 4.4135, 0.01);
  within(m.a, 0.7929, 0.01);
  within(m.b, 2.4259, 0.01);
  within(m.p, 6.25, 0.05);
  within(m.q, 3.74, 0.05);
  within(m.v, 15.45, 0.05);
});

const PAGE = `query($n: Int!) { customers(first: $n) { edges { node {
  id
  value { totalSpent purchaseCount averageOrderValue purchaseFrequency tier asOf }
  rfm { code segment recencyDays }
  lifetime(horizonDays: 365) { probabilityAlive expectedPurchases clv churnRisk }
  segment { id label }
  satisfaction { averageScore satisfiedRatio painPoints }
  forecast(horizonMonths: 3) { months { month spend } trend r2 insufficientHistory }
  recommendations(limit: 5) { product { name } score reason }
  purchases(first: 3) { edges { node { total lines { quantity product { name } } } } }
} } } }`;

test('a page of 3 and a page of 100 customers with every analytic field run the same number of SQL statements', async () => {
  await t.gql(PAGE, { n: 1 }); // fits and stores the population models once
  const small = await t.gql(PAGE, { n: 3 });
  const large = await t.gql(PAGE, { n: 100 });
  ok(small);
  ok(large);
  expect(large.data.customers.edges).toHaveLength(100);
  expect(small.extensions!.sql!.statements).toBeGreaterThan(3);
  expect(small.extensions!.sql!.statements).toBe(large.extensions!.sql!.statements);
  expect(large.extensions!.sql!.statements).toBeLessThanOrEqual(12);
  const first = large.data.customers.edges[0].node;
  expect(first.value.purchaseCount).toBeGreaterThan(0);
  expect(first.rfm.code).toMatch(/^[1-5]{3}$/);
  expect(first.lifetime.probabilityAlive).toBeGreaterThan(0);
  expect(first.lifetime.probabilityAlive).toBeLessThanOrEqual(1);
});

test('value and RFM as of a historical date count only purchases up to that day', async () => {
  const d = ok(await t.gql(`{ customers(first: 1) { edges { node { value(asOf: "1997-01-31") { purchaseCount totalSpent } all: value { purchaseCount } } } } }`));
  const n = d.customers.edges[0].node;
  expect(n.value.purchaseCount).toBeLessThanOrEqual(n.all.purchaseCount);
});

test('a bad asOf is BAD_USER_INPUT', async () => {
  const r = await t.gql(`{ lifetimeModel(asOf: "last tuesday") { r } }`);
  expect(r.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
});
