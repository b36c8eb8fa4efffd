import { AnalyticsModel, FitLease } from '../src/modules/analytics/model-store';
import { warmUpModels } from '../src/modules/analytics/warm-up';
import { AnalyticsService } from '../src/modules/analytics/analytics.service';
import { DEFAULT_ANALYTIC_LIMITS } from '../src/modules/analytics/limits';
import { startTestApp, type GqlResult, type TestApp } from './support/app';
import { makeCustomer, makeFeedback, makeProduct, makePurchase } from './support/factories';

/**
 * MODEL_REFRESH=background on a database whose models were never fitted: every request's first answer, data or
 * SERVICE_UNAVAILABLE (firstFit), comes within FIRST_FIT_WAIT_MS, whatever its models wait for; the fits go on
 * and later requests get data. Seen at 1M customers: the dashboard's first answer took 103 s (association rules
 * at the dashboard's minLift were mined in the request once the shared rule set had answered 503).
 */
const WAIT_MS = 300;
/** Generous: the bound is 300 ms; without it these requests wait for the fits (or, here, another instance's leases). */
const ANSWER_WITHIN_MS = 4000;

/** The bench's dashboard (bench/queries.ts) and a customer page with every model-backed field. */
const DASHBOARD = `query Dashboard {
  segments(k: 4) { inertia segments { id label size share } }
  associationRules(minSupport: 0.01, minConfidence: 0.3, minLift: 1.2, first: 10) { totalCount transactionCount rules { antecedent { name } consequent { name } lift } }
  painPoints(first: 5) { issue count trend }
  satisfactionSummary(groupBy: MONTH) { period averageScore satisfiedRatio }
}`;
const PAGE = `query Page { customers(first: 5) { nodes { id name
  value { tier } rfm { code } lifetime(horizonDays: 365) { churnRisk } segment { id }
  forecast(horizonMonths: 3) { trend } recommendations(limit: 3) { score }
} } }`;

/** Every default model the two queries need, as the server keys them. */
const DEFAULT_MODELS = [
  'population:live', 'lifetime:PARETO_NBD:live', 'segments:4:age,annualIncome,purchaseFrequency:42:10',
  'rules:PRODUCT:0.01:0.3:0:10:live', 'rules:PRODUCT:0.001:0.05:1:2:live', 'recommender:v2:EASE:live',
];

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ MODEL_REFRESH: 'background', FIRST_FIT_WAIT_MS: String(WAIT_MS) });
  const products = [];
  for (let i = 0; i < 6; i++) products.push(await makeProduct(t, { category: i % 2 ? 'tea' : 'coffee', price: 5 + i }));
  for (let c = 0; c < 12; c++) {
    const customer = await makeCustomer(t, { birthDate: `19${60 + c}-03-0${1 + (c % 9)}`, annualIncome: 20_000 + c * 5_000 });
    for (let p = 0; p < 1 + (c % 3); p++) {
      // Products 0 and 1 go together: rules of lift > 1.2 exist.
      const lines = c % 2 ? [products[0], products[1]] : [products[2 + ((c + p) % 4)], products[(c + p) % 2 ? 0 : 1]];
      await makePurchase(t, customer.id, lines.map((x) => ({ productId: x.id, quantity: 1 })), { purchasedAt: new Date(Date.UTC(2026, 5 + p, 1 + c)).toISOString() });
    }
    await makeFeedback(t, customer.id, 1 + (c % 5), { issue: c % 2 ? 'DELIVERY' : 'PRICE' });
  }
}, 120_000);
afterAll(() => t?.close());

async function timed(query: string): Promise<{ ms: number; r: GqlResult }> {
  const started = Date.now();
  const r = await t.gql(query);
  return { ms: Date.now() - started, r };
}

test('never fitted, every first fit behind another instance\'s lease: the dashboard and a customer page answer 503 (firstFit) within FIRST_FIT_WAIT_MS, then data', async () => {
  // Another instance is fitting every default model (its leases run for a while yet): this one waits for its results.
  const leases = t.ds.getRepository(FitLease);
  const until = new Date(Date.now() + 6000);
  await leases.insert(DEFAULT_MODELS.map((modelKey) => ({ modelKey, holder: 'another instance', expiresAt: until })));
  // The stricter rule set is a view of the shared one: it is not mined in the request while the shared one is being fitted.
  for (const query of [DASHBOARD, PAGE, '{ associationRules(minLift: 1.2, first: 3) { totalCount } }']) {
    const { ms, r } = await timed(query);
    expect({ ms: ms < ANSWER_WITHIN_MS, status: r.status }).toEqual({ ms: true, status: 503 });
    expect(r.errors!.length).toBeGreaterThan(0);
    for (const e of r.errors!) expect(e.extensions).toMatchObject({ code: 'SERVICE_UNAVAILABLE', details: { firstFit: true } });
  }
  // That instance died: its leases run out and this one fits; the requests then get data, each answering as soon.
  for (const query of [DASHBOARD, PAGE]) {
    let last: GqlResult | undefined;
    for (let i = 0; i < 120 && last?.status !== 200; i++) {
      const { ms, r } = await timed(query);
      expect(ms).toBeLessThan(ANSWER_WITHIN_MS);
      last = r;
      if (r.status !== 200) await new Promise((res) => setTimeout(res, 250));
    }
    expect(last!.errors).toBeUndefined();
  }
  const dashboard = (await t.gql(DASHBOARD)).data;
  expect(dashboard.segments.segments).toHaveLength(4);
  expect(dashboard.associationRules.rules.length).toBeGreaterThan(0);
  expect(dashboard.associationRules.rules.every((x: { lift: number }) => x.lift >= 1.2)).toBe(true);
  expect(dashboard.painPoints.length).toBeGreaterThan(0);
}, 90_000);

test('a dashboard aggregate computed for the first time is waited for within FIRST_FIT_WAIT_MS; the computation goes on and answers the next request', async () => {
  const a = new AnalyticsService(t.ds, { ...DEFAULT_ANALYTIC_LIMITS, modelRefresh: 'background', firstFitWaitMs: WAIT_MS });
  let release!: (v: number[]) => void;
  let computed = 0;
  const compute = () => {
    computed++;
    return new Promise<number[]>((r) => (release = r));
  };
  const version = { customers: 1, purchases: 1, products: 1, productsUpdatedAt: '', feedback: 1 };
  const started = Date.now();
  await expect(a.aggregate('painPoints:30:5', version, compute)).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE', details: { firstFit: true } });
  expect(Date.now() - started).toBeLessThan(ANSWER_WITHIN_MS);
  // Still computing: the next request waits for the same computation, as long again at most.
  await expect(a.aggregate('painPoints:30:5', version, compute)).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
  release([42]);
  await expect(a.aggregate('painPoints:30:5', version, compute)).resolves.toEqual([42]);
  expect(computed).toBe(1);
}, 20_000);

test('start-up warm-up on a never-fitted database fits the default models one after the other: each is stored when it ends', async () => {
  const app = await startTestApp({ MODEL_REFRESH: 'background', FIRST_FIT_WAIT_MS: '100' });
  try {
    const product = await makeProduct(app, { price: 5 });
    for (let c = 0; c < 4; c++) {
      const customer = await makeCustomer(app);
      await makePurchase(app, customer.id, [{ productId: product.id, quantity: 1 }], { purchasedAt: new Date(Date.UTC(2026, 3 + c, 2)).toISOString() });
    }
    // Another instance holds the lifetime fit for a while: the warm-up step gets the first-fit answer after 100 ms,
    // and waits for the fit itself (before: it went on, and the warm-up ended with models still being fitted).
    await app.ds.getRepository(FitLease).insert({ modelKey: 'lifetime:PARETO_NBD:live', holder: 'another instance', expiresAt: new Date(Date.now() + 1500) });
    const warnings: unknown[] = [];
    await warmUpModels(app.app.services, { info: () => undefined, warn: (w: unknown) => warnings.push(w) });
    const stored = (await app.ds.getRepository(AnalyticsModel).find()).map((m) => m.modelKey);
    expect(stored).toEqual(expect.arrayContaining([...DEFAULT_MODELS, 'basket-totals:live', 'product-demand:live']));
    expect(warnings).toEqual([]);
  } finally {
    await app.close();
  }
}, 60_000);
