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

test('lifetimeModel(asOf: 1997-09-30) fits Pareto/NBD by default and reproduces the published parameters within 1%', async () => {
  const { lifetimeModel: m } = ok(await t.gql(`{ lifetimeModel(asOf: "1997-09-30") { model isDefault r alpha a b s beta subjects logLikelihood converged } }`));
  expect(m).toMatchObject({ model: 'PARETO_NBD', isDefault: true, a: null, b: null, subjects: 2357, converged: true });
  within(m.r, 0.5534, 0.01);
  within(m.alpha, 10.5802, 0.01);
  within(m.s, 0.6061, 0.01);
  within(m.beta, 11.6562, 0.01);
  expect(Math.abs(m.logLikelihood - -9595)).toBeLessThan(1);
});

test('probabilityAliveMatrix: a one-time buyer lapses with time under Pareto/NBD (CDNOW: 0.64 after 10 weeks, 0.30 after 38.86)', async () => {
  const q = (T: number) => t.gql(`{ lifetimeModel(asOf: "1997-09-30") { probabilityAliveMatrix(T: ${T}, maxFrequency: 2, recencySteps: 2) } }`);
  const at10 = ok(await q(10)).lifetimeModel.probabilityAliveMatrix;
  const at39 = ok(await q(38.86)).lifetimeModel.probabilityAliveMatrix;
  within(at10[0][0], 0.643, 0.01);
  within(at39[0][0], 0.295, 0.01);
  expect(at39[0]).toEqual([at39[0][0], at39[0][0], at39[0][0]]); // no repeat purchase: recency is 0 whatever the column
  expect(at39[2][2]).toBeGreaterThan(at39[2][0]); // a recent last purchase: more likely alive
  expect(ok(await t.gql(`{ lifetimeModel(asOf: "1997-09-30", model: BG_NBD) { probabilityAliveMatrix(T: 38.86, maxFrequency: 0) } }`)).lifetimeModel.probabilityAliveMatrix[0][0]).toBe(1);
  const bad = await t.gql(`{ lifetimeModel { probabilityAliveMatrix(T: 1e9) } }`);
  expect(bad.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
});

test('lifetimeModel(model: MBG_NBD) matches the independent scipy fit (docs/reference/mbgnbd_cdnow_fit.py)', async () => {
  const { lifetimeModel: m } = ok(await t.gql(`{ lifetimeModel(asOf: "1997-09-30", model: MBG_NBD) { model isDefault r alpha a b s beta } }`));
  expect(m).toMatchObject({ model: 'MBG_NBD', isDefault: false, s: null, beta: null });
  within(m.r, 0.524838, 0.001);
  within(m.alpha, 6.182993, 0.001);
  within(m.a, 0.891356, 0.001);
  within(m.b, 1.613999, 0.001);
});

test('lifetimeValidation on CDNOW (calibration to 1997-09-30, holdout to 1998-06-30) ranks Pareto/NBD first, the default', async () => {
  const { lifetimeValidation: v } = ok(await t.gql(`{ lifetimeValidation(calibrationEnd: "1997-09-30", holdoutEnd: "1998-06-30") {
    calibrationEnd holdoutEnd holdoutWeeks customers actualPurchases best defaultModel
    models { model r alpha a b s beta converged predictedPurchases actualPurchases meanAbsoluteError rootMeanSquaredError byFrequency { frequency customers actual predicted } }
  } }`));
  expect(v).toMatchObject({ calibrationEnd: '1997-09-30', holdoutEnd: '1998-06-30', holdoutWeeks: 39, customers: 2357, actualPurchases: 1882, best: 'PARETO_NBD', defaultModel: 'PARETO_NBD' });
  const by = Object.fromEntries(v.models.map((m: any) => [m.model, m]));
  expect(by.PARETO_NBD.meanAbsoluteError).toBeCloseTo(0.7545, 3);
  expect(by.MBG_NBD.meanAbsoluteError).toBeCloseTo(0.7648, 3);
  expect(by.BG_NBD.meanAbsoluteError).toBeCloseTo(0.7855, 3);
  expect(by.PARETO_NBD.byFrequency.map((g: any) => g.frequency)).toEqual(['0', '1', '2', '3', '4', '5', '6', '7+']);
  expect(by.PARETO_NBD.byFrequency[0]).toMatchObject({ frequency: '0', customers: 1411 });
  const bad = await t.gql(`{ lifetimeValidation(calibrationEnd: "1998-06-30", holdoutEnd: "1997-09-30") { best } }`);
  expect(bad.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
});

test('a one-time buyer is alive for sure under BG/NBD, less and less so under the default as time passes', async () => {
  // CDNOW customer 86 bought once, on 1997-01-01.
  const q = (asOf: string) => `{ customer(id: "${Buffer.from('Customer:86').toString('base64')}") {
    lifetime(asOf: "${asOf}") { model probabilityAlive churnRisk } bg: lifetime(asOf: "${asOf}", model: BG_NBD) { model churnRisk }
  } }`;
  const early = ok(await t.gql(q('1997-03-12'))).customer;
  const late = ok(await t.gql(q('1997-09-30'))).customer;
  expect(early.bg).toEqual({ model: 'BG_NBD', churnRisk: 0 });
  expect(late.bg.churnRisk).toBe(0);
  expect(late.lifetime.model).toBe('PARETO_NBD');
  expect(late.lifetime.probabilityAlive).toBeCloseTo(0.295, 2); // T = 38.86 weeks, as under the published parameters
  expect(early.lifetime.probabilityAlive).toBeGreaterThan(late.lifetime.probabilityAlive); // T = 10 weeks (a fit as of then)
});

test('spendForecastBacktest on the CDNOW sample (as of 1997-10-01 for the nine months to 1998-06-30): the default beats BG/NBD x Gamma-Gamma, no buyer at 0', async () => {
  const { spendForecastBacktest: b } = ok(await t.gql(`{ spendForecastBacktest(calibrationEnd: "1997-09-30", holdoutEnd: "1998-06-30") {
    customers holdoutWeeks holdoutMonths holdoutBuyers actualSpend defaultMethod defaultModel
    methods { method model rootMeanSquaredError meanAbsoluteError spearman predictedSpend actualSpend buyersForecastAtZero shareOfBuyersForecastAtZero }
  } }`));
  expect(b).toMatchObject({ customers: 2357, holdoutWeeks: 39, holdoutMonths: 9, holdoutBuyers: 684, defaultMethod: 'PURCHASE_MODEL', defaultModel: 'PARETO_NBD' });
  const row = (method: string, model: string | null) => b.methods.find((m: any) => m.method === method && m.model === model);
  const chosen = row(b.defaultMethod, b.defaultModel);
  const bg = row('PURCHASE_MODEL', 'BG_NBD');
  const linear = row('LINEAR_TREND', null);
  expect(bg.rootMeanSquaredError).toBeCloseTo(72.3, 1);
  expect(chosen.rootMeanSquaredError).toBeLessThanOrEqual(bg.rootMeanSquaredError);
  expect(chosen.rootMeanSquaredError).toBeLessThanOrEqual(72.3);
  expect(chosen.shareOfBuyersForecastAtZero).toBeLessThanOrEqual(0.03);
  expect(linear).toMatchObject({ buyersForecastAtZero: 437 });
  expect(linear.rootMeanSquaredError).toBeCloseTo(140.47, 1);
});

test('Customer.forecast: the purchase model by default, the linear trend on request, each saying its method', async () => {
  const id = Buffer.from('Customer:4').toString('base64'); // 4 purchases, the last on 1997-12-12
  const { customer: c } = ok(await t.gql(`{ customer(id: "${id}") {
    model: forecast(asOf: "1997-09-30", horizonMonths: 9) { method model total totalLow totalHigh expectedPurchases probabilityAlive insufficientHistory months { month spend low high } }
    line: forecast(asOf: "1997-09-30", horizonMonths: 9, method: LINEAR_TREND) { method model total months { month spend } }
  } }`));
  expect(c.model).toMatchObject({ method: 'PURCHASE_MODEL', model: 'PARETO_NBD', insufficientHistory: false });
  expect(c.model.months.map((m: any) => m.month)).toEqual(['1997-10', '1997-11', '1997-12', '1998-01', '1998-02', '1998-03', '1998-04', '1998-05', '1998-06']);
  expect(c.model.total).toBeGreaterThan(0);
  expect(c.model.totalLow).toBeLessThanOrEqual(c.model.total);
  expect(c.model.totalHigh).toBeGreaterThan(c.model.total);
  expect(c.line).toMatchObject({ method: 'LINEAR_TREND', model: null });
});

test('lifetimeModel(model: BG_NBD, asOf: 1997-09-30) reproduces BG/NBD within 1% and Gamma-Gamma within 5%', async () => {
  const { lifetimeModel: m } = ok(await t.gql(`{ lifetimeModel(asOf: "1997-09-30", model: BG_NBD) { r alpha a b timeUnit subjects logLikelihood converged p q v repeatCustomers } }`));
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
