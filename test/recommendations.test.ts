import { importData } from '../src/db/import/import';
import { seedDatabase } from '../src/db/seed/load';
import { fixture } from './support/bulk';
import { startTestApp, type TestApp } from './support/app';
import { formatEvaluation } from '../src/modules/analytics/recommendations/evaluate.command';

const EVALUATION = `query($protocols: [HoldOutProtocol!]) { recommenderEvaluation(protocols: $protocols) {
  protocol seed k cases eligible catalogueSize trainingPurchases
  strategies { strategy cases hitRate ndcg coverage hitRateVsPopularity fitMs }
} }`;

type Row = { strategy: string; cases: number; hitRate: number; ndcg: number; coverage: number; hitRateVsPopularity: number | null };
const byStrategy = (e: { strategies: Row[] }) => Object.fromEntries(e.strategies.map((s) => [s.strategy, s]));

/**
 * The recommender on real baskets: the arules Groceries data imported with --customer-per-basket (9,835
 * customers of one basket each), one product hidden from each basket of at least four products.
 */
describe('recommendations on Groceries (one customer per basket)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
    const summary = await importData(t.ds, { format: 'baskets', text: fixture('groceries.csv'), customerPerBasket: true });
    expect(summary.purchases.inserted).toBe(9835);
  }, 120_000);
  afterAll(() => t?.close());

  it('the default strategy beats the most popular products by at least 5% at hit@10 on thousands of held-out baskets', async () => {
    const r = await t.as('ANALYST', EVALUATION, { protocols: ['LEAVE_ONE_OUT'] });
    expect(r.errors).toBeUndefined();
    const [e] = r.data.recommenderEvaluation;
    expect(e).toMatchObject({ protocol: 'LEAVE_ONE_OUT', seed: 42, k: 10, catalogueSize: 169, eligible: 4734, cases: 4734 });
    const s = byStrategy(e);
    expect(s.POPULARITY.hitRateVsPopularity).toBe(1);
    expect(s.POPULARITY.hitRate).toBeGreaterThan(0.3);
    expect(s.HYBRID.hitRateVsPopularity).toBeGreaterThanOrEqual(1.05);
    expect(s.HYBRID.ndcg).toBeGreaterThan(s.POPULARITY.ndcg);
    expect(s.HYBRID.coverage).toBeGreaterThan(s.POPULARITY.coverage);
    expect(s.EASE.hitRate).toBeGreaterThan(s.ITEM_KNN.hitRate);
    expect(s.ITEM_KNN.hitRate).toBeGreaterThan(s.POPULARITY.hitRate);
    // content alone knows nothing here (every product: groceries, 1.00, no tags)
    expect(s.CONTENT.hitRate).toBeLessThan(s.POPULARITY.hitRate);
    console.log(formatEvaluation(r.data.recommenderEvaluation));
  }, 60_000);

  it('costs the same SQL statements for a page of 5 customers as for a page of 50, whatever the strategy', async () => {
    for (const strategy of ['HYBRID', 'ITEM_KNN', 'CONTENT']) {
      const page = `query($n: Int!) { customers(first: $n) { nodes { recommendations(limit: 10, strategy: ${strategy}) { product { name } reason } } } }`;
      await t.gql(page, { n: 1 }); // fits the models once
      const small = await t.gql(page, { n: 5 });
      const large = await t.gql(page, { n: 50 });
      expect(small.errors).toBeUndefined();
      expect(large.data.customers.nodes).toHaveLength(50);
      expect(large.extensions!.sql!.statements).toBe(small.extensions!.sql!.statements);
    }
  }, 60_000);

  it('is for ADMIN and ANALYST keys only', async () => {
    const r = await t.as('AGENT', EVALUATION, { protocols: ['LEAVE_ONE_OUT'] });
    expect(r.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });

  it('explains each recommendation with what the customer bought, and shows a product nobody bought yet by content', async () => {
    const created = await t.gql(`mutation { createProduct(input: { sku: "NEW-1", name: "oat milk", category: "groceries", price: 1 }) { id } }`);
    expect(created.errors).toBeUndefined();
    const r = await t.gql(`{ customers(first: 2, filter: { search: "Basket 1" }) { nodes { name recommendations(limit: 10) { product { name } score reason source } } } }`);
    expect(r.errors).toBeUndefined();
    const recs = r.data.customers.nodes[0].recommendations as { product: { name: string }; reason: string; source: string }[];
    expect(recs).toHaveLength(10);
    const collaborative = recs.filter((x) => x.source === 'COLLABORATIVE');
    expect(collaborative.length).toBeGreaterThanOrEqual(8);
    for (const x of collaborative) expect(x.reason).toMatch(/^Often bought with .+, which you bought$/);
    const fresh = recs.find((x) => x.product.name === 'oat milk');
    expect(fresh).toMatchObject({ source: 'CONTENT' });
    expect(fresh!.reason).toMatch(/^New in groceries, like .+ you bought$/);
  }, 60_000);
});

describe('recommendations on the demo company', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
    await seedDatabase(t.ds, { customers: 1500, seed: 11, asOf: new Date('2026-01-01T00:00:00Z') });
  }, 120_000);
  afterAll(() => t?.close());

  it('the default strategy is not worse than the most popular products under either protocol', async () => {
    const r = await t.as('ADMIN', EVALUATION, {});
    expect(r.errors).toBeUndefined();
    console.log(formatEvaluation(r.data.recommenderEvaluation));
    for (const e of r.data.recommenderEvaluation) {
      expect(e.cases).toBeGreaterThan(300);
      const s = byStrategy(e);
      expect(s.HYBRID.hitRate).toBeGreaterThanOrEqual(s.POPULARITY.hitRate);
    }
  }, 90_000);
});
