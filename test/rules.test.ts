import { startTestApp, ok, type TestApp } from './support/app';
import { loadGroceries } from './support/bulk';

/** Groceries imported as baskets -> associationRules over GraphQL reproduces arules exactly. */
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
  const loaded = await loadGroceries(t.ds);
  expect(loaded).toEqual({ baskets: 9835, products: 169 });
}, 120_000);
afterAll(() => t.close());

test('minSupport 0.001 / minConfidence 0.8: 410 rules, top {liquor, red/blush wine} => {bottled beer}, lift 11.2353', async () => {
  const { associationRules: r } = ok(
    await t.gql(`{ associationRules(minSupport: 0.001, minConfidence: 0.8, first: 3) {
      totalCount itemsetCount transactionCount
      rules { antecedent { id name } consequent { name } support confidence lift leverage conviction } } }`),
  );
  expect(r.transactionCount).toBe(9835);
  expect(r.itemsetCount).toBe(13492);
  expect(r.totalCount).toBe(410);
  const top = r.rules[0];
  expect(top.antecedent.map((i: { name: string }) => i.name).sort()).toEqual(['liquor', 'red/blush wine']);
  expect(top.consequent.map((i: { name: string }) => i.name)).toEqual(['bottled beer']);
  expect(top.lift).toBeCloseTo(11.235269, 5);
  expect(top.confidence).toBeCloseTo(0.904762, 5);
  expect(top.support).toBeCloseTo(0.001932, 6);
  expect(r.rules[1].lift).toBeLessThanOrEqual(top.lift);
});

test('minConfidence 0.5 gives 5,668 rules; minLift filters', async () => {
  const d = ok(await t.gql(`{ a: associationRules(minSupport: 0.001, minConfidence: 0.5, first: 0) { totalCount }
    b: associationRules(minSupport: 0.001, minConfidence: 0.5, minLift: 5, first: 1000) { totalCount rules { lift } } }`));
  expect(d.a.totalCount).toBe(5668);
  expect(d.b.totalCount).toBeLessThan(5668);
  expect(d.b.rules.every((x: { lift: number }) => x.lift >= 5)).toBe(true);
});

test('category-level rules and bad thresholds', async () => {
  const d = ok(await t.gql(`{ associationRules(minSupport: 0.5, minConfidence: 0.1, level: CATEGORY) { transactionCount rules { antecedent { id } } } }`));
  expect(d.associationRules.transactionCount).toBe(9835);
  const bad = await t.gql(`{ associationRules(minSupport: 0, minConfidence: 0.5) { totalCount } }`);
  expect(bad.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
});

test('the default support with a higher confidence or lift is the default rule set filtered: the same rules as mining anew, and no fit of its own', async () => {
  const fields = 'totalCount itemsetCount transactionCount rules { antecedent { id } consequent { id } support confidence lift conviction }';
  const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
  const d = ok(await t.gql(`{
    base: associationRules(first: 100) { totalCount }
    filtered: associationRules(minConfidence: 0.4, minLift: 1.5, first: 60) { ${fields} }
    mined: associationRules(minConfidence: 0.4, minLift: 1.5, first: 60, asOf: "${tomorrow}") { ${fields} } }`));
  expect(d.filtered.totalCount).toBeGreaterThan(0);
  expect(d.filtered.totalCount).toBeLessThan(d.base.totalCount);
  // Mined on its own (a past-or-future asOf always mines) it finds exactly the rules the filter kept.
  expect(d.filtered).toEqual(d.mined);
  expect(d.filtered.rules.every((r: { confidence: number; lift: number }) => r.confidence >= 0.4 && r.lift >= 1.5)).toBe(true);
  // A second stricter query reads no basket: the statements of a query that mines are far more.
  const again = await t.gql(`{ associationRules(minConfidence: 0.45, minLift: 1.2, first: 5) { totalCount } }`);
  const mines = await t.gql(`{ associationRules(minConfidence: 0.45, minLift: 1.2, first: 5, asOf: "${tomorrow}") { totalCount } }`);
  expect(ok(again)).toEqual(ok(mines));
  expect(again.extensions!.sql!.statements).toBeLessThan(mines.extensions!.sql!.statements);
});
