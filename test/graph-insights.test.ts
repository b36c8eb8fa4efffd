import { importData } from '../src/db/import/import';
import { fixture } from './support/bulk';
import { ok, startTestApp, type TestApp } from './support/app';
import { makeCustomer, makeProduct, makePurchase } from './support/factories';

/** Analytic fields of Purchase and Product (issue #17) on the arules Groceries baskets and hand-made data. */
let t: TestApp;
const productId = new Map<string, string>();
/** The UTC month n months before now, as YYYY-MM. */
const monthsBack = (n: number) => {
  const d = new Date();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() - n);
  return d.toISOString().slice(0, 7);
};
const gid = (type: string, id: number) => Buffer.from(`${type}:${id}`).toString('base64');

beforeAll(async () => {
  t = await startTestApp();
  const summary = await importData(t.ds, { format: 'baskets', text: fixture('groceries.csv'), customerPerBasket: true });
  expect(summary.purchases.inserted).toBe(9835);
  for (const r of await t.ds.query('SELECT id, name FROM products')) productId.set(String(r.name).trim(), gid('Product', Number(r.id)));
}, 180_000);
afterAll(() => t?.close());

const BASKET_FIELDS = `id total crossSell(limit: 3) { product { name } source confidence lift reason rule { antecedent { name } consequent { name } } }
  matchedRules(first: 3) { antecedent { name } consequent { name } confidence lift }
  comparedToUsual { ratioToCustomerAverage populationPercentile unusual summary }`;

test('crossSell of a basket holding the antecedent of a known arules rule offers its consequent', async () => {
  // arules (support 0.01, confidence 0.3, the default rule set): {citrus fruit, root vegetables} => {other vegetables},
  // confidence 0.586, lift 3.03.
  const c = await makeCustomer(t);
  const basket = await makePurchase(t, c.id, [{ productId: productId.get('citrus fruit')!, quantity: 1 }, { productId: productId.get('root vegetables')!, quantity: 1 }]);
  const p = ok(await t.gql(`query($id: ID!) { node(id: $id) { ... on Purchase { ${BASKET_FIELDS} } } }`, { id: basket.id })).node;
  expect(p.crossSell[0]).toMatchObject({ product: { name: 'other vegetables' }, source: 'RULE' });
  expect(p.crossSell[0].confidence).toBeCloseTo(0.586, 2); // mined on live data: this basket counts too
  expect(p.crossSell[0].lift).toBeCloseTo(3.03, 1);
  expect(p.crossSell[0].rule.antecedent.map((i: { name: string }) => i.name).sort()).toEqual(['citrus fruit', 'root vegetables']);
  expect(p.crossSell[0].reason).toMatch(/5[89] % of baskets with .* also hold other vegetables/);
  expect(p.matchedRules).toEqual([]);
  // The whole rule in one basket: it is matched, and no longer offered.
  const full = await makePurchase(t, c.id, ['citrus fruit', 'root vegetables', 'other vegetables'].map((n) => ({ productId: productId.get(n)!, quantity: 1 })));
  const f = ok(await t.gql(`query($id: ID!) { node(id: $id) { ... on Purchase { ${BASKET_FIELDS} } } }`, { id: full.id })).node;
  expect(f.matchedRules.some((r: { consequent: { name: string }[] }) => r.consequent[0].name === 'other vegetables')).toBe(true);
  expect(f.crossSell.map((x: { product: { name: string } }) => x.product.name)).not.toContain('other vegetables');
});

test('a basket no rule fires for gets the recommender instead', async () => {
  const c = await makeCustomer(t);
  const basket = await makePurchase(t, c.id, [{ productId: productId.get('baby food')!, quantity: 1 }]);
  const p = ok(await t.gql(`query($id: ID!) { node(id: $id) { ... on Purchase { crossSell(limit: 3) { product { name } source reason } } } }`, { id: basket.id })).node;
  expect(p.crossSell).toHaveLength(3);
  expect(p.crossSell.every((x: { source: string }) => x.source === 'RECOMMENDER')).toBe(true);
});

test('comparedToUsual: against the customer and all baskets', async () => {
  const milk = productId.get('whole milk')!;
  const c = await makeCustomer(t);
  for (let i = 0; i < 3; i++) await makePurchase(t, c.id, [{ productId: milk, quantity: 1, unitPrice: 10 }]);
  const big = await makePurchase(t, c.id, [{ productId: milk, quantity: 10, unitPrice: 10 }]);
  const p = ok(await t.gql(`query($id: ID!) { node(id: $id) { ... on Purchase { comparedToUsual { ratioToCustomerAverage customerAverageOrderValue populationPercentile unusual summary } } } }`, { id: big.id })).node;
  // 100 against an average of (30 + 100) / 4 = 32.5: 3.08x; Groceries baskets cost 1.00 an item, so 100 is above them all.
  expect(p.comparedToUsual).toMatchObject({ ratioToCustomerAverage: 3.08, customerAverageOrderValue: 32.5, unusual: true });
  expect(p.comparedToUsual.populationPercentile).toBeGreaterThanOrEqual(99);
});

test('products: boughtWith, similar, demand and likelyBuyers', async () => {
  const id = productId.get('whole milk')!;
  const c = await makeCustomer(t);
  await makePurchase(t, c.id, [{ productId: id, quantity: 7 }], { purchasedAt: `${monthsBack(3)}-10T12:00:00Z` });
  await makePurchase(t, c.id, [{ productId: id, quantity: 5 }], { purchasedAt: `${monthsBack(2)}-20T12:00:00Z` });
  const q = `query($id: ID!) { node(id: $id) { ... on Product { name
    boughtWith(limit: 3) { product { name } confidence lift }
    similar(limit: 2) { product { name } similarity }
    demand(horizonMonths: 2) { history { month units } forecast { month units } trend asOf }
    likelyBuyers(first: 5) { customer { id name } score reason } } } }`;
  const p = ok(await t.gql(q, { id })).node;
  expect(p.boughtWith).toHaveLength(3);
  const lifts = p.boughtWith.map((b: { lift: number }) => b.lift);
  expect([...lifts].sort((a: number, b: number) => b - a)).toEqual(lifts);
  expect(lifts[0]).toBeGreaterThan(1);
  expect(p.similar[0].similarity).toBeGreaterThan(0.9); // every Groceries product: same category, price and no tags
  expect(p.demand.forecast).toHaveLength(2);
  // The stored catalogue-wide series counts whole milk's units per full month (the purchases made above, two and three months back).
  const units = (month: string) => p.demand.history.find((m: { month: string }) => m.month === month)?.units;
  expect([units(monthsBack(3)), units(monthsBack(2)), units(monthsBack(1))]).toEqual([7, 5, 0]);
  expect(new Date(p.demand.asOf).getTime()).toBeLessThanOrEqual(Date.now());
  expect(p.likelyBuyers).toHaveLength(5);
  const scores = p.likelyBuyers.map((b: { score: number }) => b.score);
  expect([...scores].sort((a: number, b: number) => b - a)).toEqual(scores);
  const buyers = p.likelyBuyers.map((b: { customer: { id: string } }) => Number(Buffer.from(b.customer.id, 'base64').toString().split(':')[1]));
  const owners = await t.ds.query(`SELECT COUNT(*) AS n FROM purchases p JOIN purchase_lines l ON l.purchase_id = p.id WHERE l.product_id = ? AND p.customer_id IN (${buyers.join(',')})`,
    [Number(Buffer.from(id, 'base64').toString().split(':')[1])]);
  expect(Number(owners[0].n)).toBe(0);
  expect(p.likelyBuyers[0].reason).toMatch(/^bought .+, often bought with whole milk$/);
  // An ANALYST gets the audience masked.
  const masked = ok(await t.as('ANALYST', `query($id: ID!) { node(id: $id) { ... on Product { likelyBuyers(first: 3) { customer { name email } } } } }`, { id })).node;
  for (const b of masked.likelyBuyers) expect(b.customer.email).toBeNull();
});

test('a page of 5 or 50 purchases and products with every analytic field runs the same SQL statements', async () => {
  const purchases = (n: number) => t.gql(`{ purchases(first: ${n}) { nodes { ${BASKET_FIELDS} } } }`);
  const products = (n: number) => t.gql(`{ products(first: ${n}) { nodes { id boughtWith(limit: 2) { lift } similar(limit: 2) { similarity } demand { trend } likelyBuyers(first: 3) { score } } } }`);
  ok(await purchases(5));
  ok(await products(5));
  const [p5, p50, q5, q50] = [await purchases(5), await purchases(50), await products(5), await products(50)];
  for (const r of [p5, p50, q5, q50]) ok(r);
  expect(p50.extensions!.sql!.statements).toBe(p5.extensions!.sql!.statements);
  expect(q50.extensions!.sql!.statements).toBe(q5.extensions!.sql!.statements);
});
