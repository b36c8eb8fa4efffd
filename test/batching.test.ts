import { toGlobalId } from '../src/common/global-id';
import { ContactChannel } from '../src/modules/feedback/feedback.entity';
import { SalesChannel } from '../src/modules/purchase/purchase.entity';
import { dbKind, startTestApp, ok, type TestApp } from './support/app';

let t: TestApp;
const CUSTOMERS = 100;
const PURCHASES_EACH = 4;
const FEEDBACK_EACH = 3;
const products: { id: string; name: string }[] = [];
const customerIds: string[] = [];

// Bulk setup through the services (no HTTP round trips): 100 customers, 400 purchases of 2 lines, 300 feedback.
beforeAll(async () => {
  t = await startTestApp();
  const s = t.app.services;
  for (let k = 0; k < 5; k++) {
    const p = await s.products.create({ sku: `BATCH-${k}`, name: `Batch product ${k}`, category: 'batch', price: k + 1 });
    products.push({ id: toGlobalId('Product', p.id), name: p.name });
  }
  for (let i = 0; i < CUSTOMERS; i++) {
    const c = await s.customers.create({ name: `Batch ${String(i).padStart(3, '0')}`, email: `batch${i}@batching.test` });
    customerIds.push(toGlobalId('Customer', c.id));
  }
  const fill = async (i: number) => {
    for (let d = 1; d <= PURCHASES_EACH; d++) {
      await s.purchases.create({
        customerId: customerIds[i],
        channel: SalesChannel.ONLINE,
        purchasedAt: new Date(Date.UTC(2024, 0, d, 12)),
        lines: [
          { productId: products[i % 5].id, quantity: d },
          { productId: products[(i + d) % 5].id, quantity: 100 + i },
        ],
      });
    }
    for (let d = 1; d <= FEEDBACK_EACH; d++) {
      await s.feedback.create({ customerId: customerIds[i], score: ((i + d) % 5) + 1, channel: ContactChannel.WEB, createdAt: new Date(Date.UTC(2024, 1, d)) });
    }
  };
  // MySQL spends its time waiting for commits, so fill several customers at once; SQLite has one connection.
  const workers = dbKind === 'mysql' ? 8 : 1;
  let next = 0;
  await Promise.all(Array.from({ length: workers }, async () => {
    while (next < CUSTOMERS) await fill(next++);
  }));
}, 60_000);
afterAll(() => t.close());

const QUERY = `query($n: Int) { customers(first: $n) { edges { node { id name
  purchases(first: 3) { edges { node { purchasedAt lines { quantity product { name } } } } }
  feedback(first: 2) { totalCount edges { node { score } } } } } } }`;

interface Page {
  customers: {
    edges: {
      node: {
        id: string;
        name: string;
        purchases: { edges: { node: { purchasedAt: string; lines: { quantity: number; product: { name: string } }[] } }[] };
        feedback: { totalCount: number; edges: { node: { score: number } }[] };
      };
    }[];
  };
}

/** Every customer's nested data is its own: the batched loaders must not mix parents up. */
function expectPageContent(data: Page, n: number) {
  expect(data.customers.edges).toHaveLength(n);
  data.customers.edges.forEach(({ node }, i) => {
    expect(node.id).toBe(customerIds[i]);
    // Newest first: days 4, 3, 2.
    expect(node.purchases.edges.map((e) => e.node.purchasedAt)).toEqual([4, 3, 2].map((d) => new Date(Date.UTC(2024, 0, d, 12)).toISOString()));
    node.purchases.edges.forEach(({ node: p }, k) => {
      const d = 4 - k;
      expect(p.lines).toEqual([
        { quantity: d, product: { name: products[i % 5].name } },
        { quantity: 100 + i, product: { name: products[(i + d) % 5].name } },
      ]);
    });
    expect(node.feedback.totalCount).toBe(FEEDBACK_EACH);
    expect(node.feedback.edges.map((e) => e.node.score)).toEqual([3, 2].map((d) => ((i + d) % 5) + 1));
  });
}

test('a page of 3 and a page of 100 customers with nested purchases, lines, products and feedback run the same few statements', async () => {
  const small = await t.gql<Page>(QUERY, { n: 3 });
  const large = await t.gql<Page>(QUERY, { n: 100 });
  expectPageContent(ok(small), 3);
  expectPageContent(ok(large), 100);
  const a = small.extensions!.sql!.statements;
  const b = large.extensions!.sql!.statements;
  // customers page, purchases page per customer (window function), lines, products, feedback page, feedback counts.
  expect(b).toBe(a);
  expect(b).toBeLessThanOrEqual(8);
  expect(b).toBeGreaterThan(0);
  console.info(`batching: ${a} SQL statements for 3 customers, ${b} for 100`);
});

test('asking for the same relation twice with other arguments adds one statement, not one per customer', async () => {
  const twice = `query($n: Int) { customers(first: $n) { nodes { id
    recent: purchases(first: 1) { nodes { total } }
    refunds: purchases(first: 5, filter: { status: REFUNDED }) { totalCount nodes { id } } } } }`;
  const small = await t.gql(twice, { n: 3 });
  const large = await t.gql(twice, { n: 100 });
  expect(ok(large).customers.nodes).toHaveLength(100);
  for (const c of ok(large).customers.nodes) expect(c.refunds).toEqual({ totalCount: 0, nodes: [] });
  expect(large.extensions!.sql!.statements).toBe(small.extensions!.sql!.statements);
  expect(large.extensions!.sql!.statements).toBeLessThanOrEqual(5);
  expect(large.extensions!.sql!.statements).toBeGreaterThan(0);
});

test('purchases with their customer and lines: the same statements for 5 and 100 purchases', async () => {
  const q = `query($n: Int) { purchases(first: $n) { nodes { total customer { name } lines { product { sku } } } } }`;
  const small = await t.gql(q, { n: 5 });
  const large = await t.gql(q, { n: 100 });
  expect(ok(large).purchases.nodes).toHaveLength(100);
  for (const p of ok(large).purchases.nodes) expect(p.customer.name).toMatch(/^Batch \d{3}$/);
  expect(large.extensions!.sql!.statements).toBe(small.extensions!.sql!.statements);
  expect(large.extensions!.sql!.statements).toBeLessThanOrEqual(4);
  expect(large.extensions!.sql!.statements).toBeGreaterThan(0);
});
