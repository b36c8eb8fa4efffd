import { parseGlobalId } from '../src/common/global-id';
import { dbKind, ok, startTestApp, type GqlResult, type TestApp } from './support/app';
import { makeCustomer, makeProduct } from './support/factories';

/**
 * Races over real HTTP: many identical or conflicting writes at the same moment. Idempotency keys and
 * optimistic versions must hold when the calls overlap, not only when they come one after another.
 */
const N = 20;
const CREATE_PURCHASE = `mutation($input: CreatePurchaseInput!) { createPurchase(input: $input) { id total idempotencyKey } }`;
const UPDATE_CUSTOMER = `mutation($input: UpdateCustomerInput!) { updateCustomer(input: $input) { id name version } }`;

let t: TestApp;
let products: { id: string }[];
beforeAll(async () => {
  t = await startTestApp();
  products = [await makeProduct(t, { price: 12.5 }), await makeProduct(t, { price: 3 })];
});
afterAll(async () => {
  await t?.close();
});

const purchaseInput = (customerId: string, idempotencyKey: string) => ({
  customerId, channel: 'ONLINE', idempotencyKey, lines: [{ productId: products[0].id, quantity: 2 }, { productId: products[1].id, quantity: 1 }],
});

/** Stored purchase rows and the customer's cached stats, straight from the database. */
async function stored(customerId: string) {
  const id = parseGlobalId(customerId)!.id;
  const [purchases] = await t.ds.query(`SELECT COUNT(*) AS n, COALESCE(SUM(total_cents), 0) AS cents FROM purchases WHERE customer_id = ? AND deleted_at IS NULL`, [id]);
  const [stats] = await t.ds.query(`SELECT purchase_count AS n, total_spent_cents AS cents FROM customers WHERE id = ?`, [id]);
  return { rows: Number(purchases.n), cents: Number(purchases.cents), statsCount: Number(stats.n), statsCents: Number(stats.cents) };
}

test(`${N} parallel createPurchase calls with one idempotency key make one purchase and all answer with it`, async () => {
  const customer = await makeCustomer(t);
  const key = `race-${dbKind}-${Date.now()}`;
  const results = await Promise.all(Array.from({ length: N }, () => t.gql(CREATE_PURCHASE, { input: purchaseInput(customer.id, key) })));
  const ids = results.map((r) => ok(r).createPurchase.id as string);
  expect(new Set(ids).size).toBe(1);
  for (const r of results) expect(r.data.createPurchase).toEqual({ id: ids[0], total: 28, idempotencyKey: key });
  const [byKey] = await t.ds.query(`SELECT COUNT(*) AS n FROM purchases WHERE idempotency_key = ?`, [key]);
  expect(Number(byKey.n)).toBe(1);
  expect(await stored(customer.id)).toEqual({ rows: 1, cents: 2800, statsCount: 1, statsCents: 2800 });
});

test(`${N} parallel updateCustomer calls with the same version: exactly one wins, the others get CONFLICT`, async () => {
  const customer = await makeCustomer(t, { name: 'Before The Race' });
  const { customer: current } = ok(await t.gql(`query($id: ID!) { customer(id: $id) { version } }`, { id: customer.id }));
  const results: GqlResult[] = await Promise.all(
    Array.from({ length: N }, (_, i) => t.gql(UPDATE_CUSTOMER, { input: { id: customer.id, version: current.version, name: `Writer ${i}` } })),
  );
  const winners = results.filter((r) => !r.errors?.length);
  const losers = results.filter((r) => r.errors?.length);
  expect(winners).toHaveLength(1);
  expect(losers).toHaveLength(N - 1);
  for (const r of losers) {
    expect(r.errors).toHaveLength(1);
    expect(r.errors![0].extensions?.code).toBe('CONFLICT');
    expect(r.data?.updateCustomer ?? null).toBeNull();
  }
  const won = winners[0].data.updateCustomer;
  expect(won.version).toBe(current.version + 1);
  // What is stored is the winner's write, not a loser's.
  const after = ok(await t.gql(`query($id: ID!) { customer(id: $id) { name version } }`, { id: customer.id })).customer;
  expect(after).toEqual({ name: won.name, version: current.version + 1 });
});

test(`${N} parallel purchases of ${N} different customers all succeed`, async () => {
  const customers = [];
  for (let i = 0; i < N; i++) customers.push(await makeCustomer(t));
  const results = await Promise.all(customers.map((c, i) => t.gql(CREATE_PURCHASE, { input: purchaseInput(c.id, `many-${i}-${Date.now()}`) })));
  const ids = results.map((r) => ok(r).createPurchase.id as string);
  expect(new Set(ids).size).toBe(N);
  for (const c of customers) expect(await stored(c.id)).toEqual({ rows: 1, cents: 2800, statsCount: 1, statsCents: 2800 });
});

test(`${N} parallel purchases of one customer with different keys all succeed and the cached totals add up`, async () => {
  const customer = await makeCustomer(t);
  const results = await Promise.all(Array.from({ length: N }, (_, i) => t.gql(CREATE_PURCHASE, { input: purchaseInput(customer.id, `same-${i}-${Date.now()}`) })));
  expect(new Set(results.map((r) => ok(r).createPurchase.id)).size).toBe(N);
  expect(await stored(customer.id)).toEqual({ rows: N, cents: N * 2800, statsCount: N, statsCents: N * 2800 });
});
