import { startTestApp, ok, type TestApp } from './support/app';
import { makeCustomer, makeProduct, makePurchase } from './support/factories';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

const dbId = (globalId: string) => Number(Buffer.from(globalId, 'base64').toString('utf8').split(':')[1]);

const CREATE = `mutation($i: CreatePurchaseInput!) {
  createPurchase(input: $i) { id subtotal discount total status channel purchasedAt idempotencyKey
    customer { id name } lines { quantity unitPrice amount product { id sku price } } } }`;

async function linesInDb(): Promise<number> {
  const [r] = await t.ds.query('SELECT COUNT(*) AS n FROM purchase_lines');
  return Number(r.n);
}
async function purchaseCount(customerId: string): Promise<number> {
  return ok(await t.gql(`query($c: ID!) { purchases(filter: { customerId: $c }) { totalCount } }`, { c: customerId })).purchases.totalCount;
}

describe('createPurchase', () => {
  test('totals are computed on the server: quantity x unitPrice, list price when unitPrice is omitted', async () => {
    const c = await makeCustomer(t, { name: 'Totals Person' });
    const p = await makeProduct(t, { price: 12.34, sku: 'TOT-1' });
    const q = await makeProduct(t, { price: 5, sku: 'TOT-2' });
    const data = ok(
      await t.gql(CREATE, {
        i: { customerId: c.id, channel: 'STORE', purchasedAt: '2024-04-01T12:00:00Z', lines: [{ productId: p.id, quantity: 3 }, { productId: q.id, quantity: 2, unitPrice: 4.5 }] },
      }),
    ).createPurchase;
    expect(data).toMatchObject({ subtotal: 46.02, discount: 0, total: 46.02, status: 'COMPLETED', channel: 'STORE', purchasedAt: '2024-04-01T12:00:00.000Z', idempotencyKey: null });
    expect(data.customer).toEqual({ id: c.id, name: 'Totals Person' });
    expect(data.lines).toEqual([
      { quantity: 3, unitPrice: 12.34, amount: 37.02, product: { id: p.id, sku: 'TOT-1', price: 12.34 } },
      { quantity: 2, unitPrice: 4.5, amount: 9, product: { id: q.id, sku: 'TOT-2', price: 5 } },
    ]);
    // The same purchase read back through purchase() and node().
    const read = ok(await t.gql(`query($id: ID!) { purchase(id: $id) { total lines { amount } } node(id: $id) { __typename id ... on Purchase { subtotal customer { id } } } }`, { id: data.id }));
    expect(read.purchase).toEqual({ total: 46.02, lines: [{ amount: 37.02 }, { amount: 9 }] });
    expect(read.node).toEqual({ __typename: 'Purchase', id: data.id, subtotal: 46.02, customer: { id: c.id } });
  });

  test('money has no float error: 3 x 0.1 + 0.2 is exactly 0.5', async () => {
    const c = await makeCustomer(t);
    const dime = await makeProduct(t, { price: 0.1 });
    const twenty = await makeProduct(t, { price: 0.2 });
    const data = ok(await t.gql(CREATE, { i: { customerId: c.id, channel: 'ONLINE', lines: [{ productId: dime.id, quantity: 3 }, { productId: twenty.id, quantity: 1 }] } })).createPurchase;
    expect(data.total).toBe(0.5);
    expect(data.subtotal).toBe(0.5);
    expect(data.lines.map((l: { amount: number }) => l.amount)).toEqual([0.3, 0.2]);
    const odd = ok(await t.gql(CREATE, { i: { customerId: c.id, channel: 'ONLINE', lines: [{ productId: dime.id, quantity: 7, unitPrice: 1.1 }, { productId: dime.id, quantity: 1, unitPrice: 0.07 }] } })).createPurchase;
    expect(odd.total).toBe(7.77);
    const min = ok(await t.gql(`query($c: ID!) { purchases(filter: { customerId: $c, minTotal: 0.5 }) { totalCount } }`, { c: c.id }));
    expect(min.purchases.totalCount).toBe(2);
  });

  test('one good and one unknown-product line: NOT_FOUND, and no purchase or line is left behind', async () => {
    const c = await makeCustomer(t);
    const good = await makeProduct(t, { price: 10 });
    await makePurchase(t, c.id, [{ productId: good.id, quantity: 1 }]);
    const linesBefore = await linesInDb();
    const ghost = Buffer.from('Product:987654').toString('base64');
    const r = await t.gql(CREATE, { i: { customerId: c.id, channel: 'ONLINE', idempotencyKey: 'half-bad-1', lines: [{ productId: good.id, quantity: 2 }, { productId: ghost, quantity: 1 }] } });
    expect(r.data).toBeNull();
    expect(r.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(r.errors?.[0]?.message).toMatch(/lines\[1\]/);
    expect(await linesInDb()).toBe(linesBefore);
    expect(await purchaseCount(c.id)).toBe(1);
    // The customer's statistics are those of the one good purchase.
    const [s] = await t.ds.query('SELECT purchase_count AS n, total_spent_cents AS cents FROM customers WHERE id = ?', [dbId(c.id)]);
    expect([Number(s.n), Number(s.cents)]).toEqual([1, 1000]);
    // The key was not used up by the failed call.
    const retry = ok(await t.gql(CREATE, { i: { customerId: c.id, channel: 'ONLINE', idempotencyKey: 'half-bad-1', lines: [{ productId: good.id, quantity: 2 }] } })).createPurchase;
    expect(retry.total).toBe(20);
    expect(await purchaseCount(c.id)).toBe(2);
  });

  test('an idempotency key used twice gives one purchase and the same id; another payload with it is IDEMPOTENCY_KEY_REUSED', async () => {
    const c = await makeCustomer(t);
    const p = await makeProduct(t, { price: 2 });
    const input = { customerId: c.id, channel: 'APP', idempotencyKey: 'order-2024-0001', lines: [{ productId: p.id, quantity: 2 }] };
    const first = ok(await t.gql(CREATE, { i: input })).createPurchase;
    const second = ok(await t.gql(CREATE, { i: input })).createPurchase;
    expect(second.id).toBe(first.id);
    expect(second.total).toBe(4);
    const changed = await t.gql(CREATE, { i: { ...input, lines: [{ productId: p.id, quantity: 9 }] } });
    expect(changed.errors![0].extensions!.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await purchaseCount(c.id)).toBe(1);
  });

  test('10 concurrent calls with one key create exactly one purchase', async () => {
    const c = await makeCustomer(t);
    const p = await makeProduct(t, { price: 3 });
    const linesBefore = await linesInDb();
    const input = { customerId: c.id, channel: 'ONLINE', idempotencyKey: 'race-key-1', lines: [{ productId: p.id, quantity: 1 }, { productId: p.id, quantity: 2 }] };
    const results = await Promise.all(Array.from({ length: 10 }, () => t.gql(CREATE, { i: input })));
    for (const r of results) expect(r.errors).toBeUndefined();
    const ids = new Set(results.map((r) => r.data.createPurchase.id));
    expect(ids.size).toBe(1);
    expect(await purchaseCount(c.id)).toBe(1);
    expect(await linesInDb()).toBe(linesBefore + 2);
    const [s] = await t.ds.query('SELECT purchase_count AS n, total_spent_cents AS cents FROM customers WHERE id = ?', [dbId(c.id)]);
    expect([Number(s.n), Number(s.cents)]).toEqual([1, 900]);
  });

  test('concurrent purchases of many different customers all succeed, each counted once', async () => {
    const p = await makeProduct(t, { price: 1.5 });
    const customers = [];
    for (let i = 0; i < 40; i++) customers.push(await makeCustomer(t));
    const results = await Promise.all(
      customers.flatMap((c) => [1, 2].map((quantity) => t.gql(CREATE, { i: { customerId: c.id, channel: 'ONLINE', lines: [{ productId: p.id, quantity }] } }))),
    );
    expect(results.filter((r) => r.errors).map((r) => r.errors![0].message)).toEqual([]);
    const ids = customers.map((c) => dbId(c.id));
    const stats = await t.ds.query(`SELECT purchase_count AS n, total_spent_cents AS cents FROM customers WHERE id IN (${ids.join(',')})`);
    expect(stats.map((s: { n: unknown; cents: unknown }) => [Number(s.n), Number(s.cents)])).toEqual(ids.map(() => [2, 450]));
  });
});

/** The parts of a connection the paging tests read. */
interface Conn {
  totalCount: number;
  edges: { cursor: string; node: { id: string } }[];
  nodes: { id: string }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
}

describe('lists, filters and nested purchases', () => {
  let alice: { id: string };
  let bob: { id: string };
  interface Row {
    id: string;
    total: number;
    status: string;
    channel: string;
    purchasedAt: string;
    customer: { id: string };
  }
  const all = async (): Promise<Row[]> => ok(await t.gql(`{ purchases(first: 100) { nodes { id total status channel purchasedAt customer { id } } } }`)).purchases.nodes;

  beforeAll(async () => {
    alice = await makeCustomer(t, { name: 'Alice Lists' });
    bob = await makeCustomer(t, { name: 'Bob Lists' });
    const p = await makeProduct(t, { price: 10 });
    const specs: [typeof alice, string, string, number, string][] = [
      [alice, '2024-01-01T00:00:00Z', 'ONLINE', 1, 'COMPLETED'],
      [alice, '2024-01-15T10:00:00Z', 'STORE', 3, 'COMPLETED'],
      [alice, '2024-02-01T00:00:00Z', 'ONLINE', 5, 'REFUNDED'],
      [alice, '2024-02-01T00:00:00Z', 'PHONE', 2, 'COMPLETED'],
      [alice, '2024-03-10T08:30:00Z', 'APP', 8, 'CANCELLED'],
      [alice, '2024-04-01T00:00:00Z', 'MARKETPLACE', 3, 'COMPLETED'],
      [bob, '2024-01-20T00:00:00Z', 'ONLINE', 4, 'COMPLETED'],
      [bob, '2024-02-01T00:00:00Z', 'STORE', 1, 'COMPLETED'],
      [bob, '2024-05-05T05:05:05Z', 'ONLINE', 6, 'REFUNDED'],
    ];
    for (const [c, at, channel, quantity, status] of specs) await makePurchase(t, c.id, [{ productId: p.id, quantity }], { purchasedAt: at, channel, status });
  });

  async function expectFilter(filter: string, predicate: (r: Row) => boolean, atLeast = 1) {
    const rows = await all();
    const expected = rows.filter(predicate).map((r) => r.id).sort();
    expect(expected.length).toBeGreaterThanOrEqual(atLeast);
    expect(expected.length).toBeLessThan(rows.length);
    const literal = filter.replace('$a', JSON.stringify(alice.id)).replace('$b', JSON.stringify(bob.id));
    const data = ok(await t.gql(`{ purchases(first: 100, filter: ${literal}) { totalCount nodes { id } } }`));
    expect(data.purchases.nodes.map((n: { id: string }) => n.id).sort()).toEqual(expected);
    expect(data.purchases.totalCount).toBe(expected.length);
  }
  const at = (r: Row) => Date.parse(r.purchasedAt);

  test('filter by customerId', async () => {
    await expectFilter(`{ customerId: $a }`, (r) => r.customer.id === alice.id, 6);
    await expectFilter(`{ customerId: $b }`, (r) => r.customer.id === bob.id, 3);
  });

  test('filter by from (inclusive) and to (exclusive)', async () => {
    const feb = Date.parse('2024-02-01T00:00:00Z');
    const mar = Date.parse('2024-03-10T08:30:00Z');
    await expectFilter(`{ from: "2024-02-01T00:00:00Z" }`, (r) => at(r) >= feb, 4);
    await expectFilter(`{ to: "2024-02-01T00:00:00Z" }`, (r) => at(r) < feb, 3);
    await expectFilter(`{ from: "2024-02-01T00:00:00Z", to: "2024-03-10T08:30:00Z" }`, (r) => at(r) >= feb && at(r) < mar, 3);
    await expectFilter(`{ from: "2024-02-01T00:00:00Z", to: "2024-03-10T08:30:01Z", customerId: $a }`, (r) => at(r) >= feb && at(r) <= mar && r.customer.id === alice.id, 3);
  });

  test('filter by status, channel and minTotal', async () => {
    await expectFilter(`{ status: REFUNDED }`, (r) => r.status === 'REFUNDED', 2);
    await expectFilter(`{ status: COMPLETED }`, (r) => r.status === 'COMPLETED', 6);
    await expectFilter(`{ channel: ONLINE }`, (r) => r.channel === 'ONLINE', 4);
    await expectFilter(`{ minTotal: 30 }`, (r) => r.total >= 30, 4);
    await expectFilter(`{ minTotal: 29.99 }`, (r) => r.total >= 29.99, 4);
    await expectFilter(`{ minTotal: 30.01 }`, (r) => r.total >= 30.01, 3);
    await expectFilter(`{ channel: ONLINE, status: COMPLETED, minTotal: 10 }`, (r) => r.channel === 'ONLINE' && r.status === 'COMPLETED' && r.total >= 10, 2);
  });

  test('orderings walk forwards and backwards (default: newest first)', async () => {
    const rows = await all();
    const expected = (field: string, dir: string) => {
      const key = (r: Row) => (field === 'PURCHASED_AT' ? at(r) : field === 'TOTAL' ? r.total : dbId(r.id));
      const sign = dir === 'ASC' ? 1 : -1;
      return [...rows].sort((a, b) => (key(a) !== key(b) ? (key(a) < key(b) ? -1 : 1) * sign : (dbId(a.id) - dbId(b.id)) * sign)).map((r) => r.id);
    };
    expect(rows.map((r) => r.id)).toEqual(expected('PURCHASED_AT', 'DESC'));
    for (const field of ['PURCHASED_AT', 'TOTAL', 'ID']) {
      for (const dir of ['ASC', 'DESC']) {
        for (const backward of [false, true]) {
          let ids: string[] = [];
          let cursor: string | null = null;
          for (let guard = 0; ; guard++) {
            expect(guard).toBeLessThan(50);
            const args = backward ? 'last: 2, before: $c' : 'first: 2, after: $c';
            const conn: Conn = ok(await t.gql(`query($c: String) { purchases(${args}, orderBy: { field: ${field}, direction: ${dir} }) { totalCount nodes { id } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }`, { c: cursor })).purchases;
            expect(conn.totalCount).toBe(rows.length);
            const page = conn.nodes.map((n: { id: string }) => n.id);
            ids = backward ? [...page, ...ids] : [...ids, ...page];
            if (!(backward ? conn.pageInfo.hasPreviousPage : conn.pageInfo.hasNextPage)) break;
            cursor = backward ? conn.pageInfo.startCursor : conn.pageInfo.endCursor;
          }
          expect({ field, dir, backward, ids }).toEqual({ field, dir, backward, ids: expected(field, dir) });
        }
      }
    }
  });

  test('Customer.purchases: first, filter, orderBy and paging inside one customer', async () => {
    const rows = (await all()).filter((r) => r.customer.id === alice.id);
    const q = `query($id: ID!, $after: String) { customer(id: $id) { purchases(first: 2, after: $after, filter: { status: COMPLETED }, orderBy: { field: TOTAL, direction: DESC }) {
      totalCount nodes { id total status customer { id } } pageInfo { hasNextPage hasPreviousPage endCursor } } } }`;
    const expected = rows
      .filter((r) => r.status === 'COMPLETED')
      .sort((a, b) => b.total - a.total || dbId(b.id) - dbId(a.id))
      .map((r) => r.id);
    expect(expected).toHaveLength(4);
    const p1 = ok(await t.gql(q, { id: alice.id, after: null })).customer.purchases;
    expect(p1.totalCount).toBe(4);
    expect(p1.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    const p2 = ok(await t.gql(q, { id: alice.id, after: p1.pageInfo.endCursor })).customer.purchases;
    expect(p2.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
    expect([...p1.nodes, ...p2.nodes].map((n: { id: string }) => n.id)).toEqual(expected);
    for (const n of [...p1.nodes, ...p2.nodes]) expect(n).toMatchObject({ status: 'COMPLETED', customer: { id: alice.id } });
    // Default: newest first, and last: from the end.
    const newest = ok(await t.gql(`query($id: ID!) { customer(id: $id) { purchases(first: 2) { nodes { purchasedAt } } last: purchases(last: 1) { nodes { purchasedAt } } } }`, { id: alice.id })).customer;
    expect(newest.purchases.nodes.map((n: { purchasedAt: string }) => n.purchasedAt)).toEqual(['2024-04-01T00:00:00.000Z', '2024-03-10T08:30:00.000Z']);
    expect(newest.last.nodes).toEqual([{ purchasedAt: '2024-01-01T00:00:00.000Z' }]);
  });

  test('updatePurchaseStatus changes the status; an unknown purchase is NOT_FOUND', async () => {
    const rows = await all();
    const target = rows.find((r) => r.status === 'CANCELLED')!;
    const data = ok(await t.gql(`mutation($id: ID!) { updatePurchaseStatus(id: $id, status: COMPLETED) { id status total } }`, { id: target.id }));
    expect(data.updatePurchaseStatus).toEqual({ id: target.id, status: 'COMPLETED', total: target.total });
    ok(await t.gql(`mutation($id: ID!) { updatePurchaseStatus(id: $id, status: CANCELLED) { id } }`, { id: target.id }));
    const missing = await t.gql(`mutation($id: ID!) { updatePurchaseStatus(id: $id, status: REFUNDED) { id } }`, { id: Buffer.from('Purchase:424242').toString('base64') });
    expect(missing.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });
});

describe('importPurchases', () => {
  test('good rows land; unknown sku, unknown customer email and bad quantity are reported and leave nothing', async () => {
    const c = await makeCustomer(t, { email: 'importer@purchases.test' });
    const d = await makeCustomer(t);
    const p = await makeProduct(t, { sku: 'IMP-SKU-1', price: 2.5 });
    const q = await makeProduct(t, { sku: 'IMP-SKU-2', price: 1 });
    const linesBefore = await linesInDb();
    const rows = [
      { customerEmail: 'IMPORTER@purchases.test', purchasedAt: '2024-06-01T10:00:00Z', lines: [{ sku: 'IMP-SKU-1', quantity: 2 }, { sku: 'IMP-SKU-2', quantity: 3, unitPrice: 0.1 }] },
      { customerEmail: 'importer@purchases.test', lines: [{ sku: 'IMP-SKU-1', quantity: 1 }, { sku: 'NO-SUCH-SKU', quantity: 1 }] },
      { customerEmail: 'nobody@purchases.test', lines: [{ sku: 'IMP-SKU-1', quantity: 1 }] },
      { customerId: d.id, channel: 'PHONE', lines: [{ productId: q.id, quantity: 0 }] },
      { customerId: d.id, channel: 'PHONE', lines: [{ productId: q.id, quantity: -3 }] },
      { customerId: d.id, channel: 'PHONE', status: 'REFUNDED', lines: [{ productId: p.id, quantity: 4 }] },
      { lines: [{ productId: p.id, quantity: 1 }] },
      { customerId: d.id, lines: [{ productId: Buffer.from('Product:55555').toString('base64'), quantity: 1 }, { productId: p.id, quantity: 1 }] },
    ];
    const res = ok(await t.gql(`mutation($i: ImportPurchasesInput!) { importPurchases(input: $i) { okCount errorCount rows { index ok id updated error } } }`, { i: { rows } })).importPurchases;
    expect(res.rows.map((r: { index: number; ok: boolean }) => [r.index, r.ok])).toEqual([
      [0, true], [1, false], [2, false], [3, false], [4, false], [5, true], [6, false], [7, false],
    ]);
    expect(res.okCount).toBe(2);
    expect(res.errorCount).toBe(6);
    expect(res.rows[1].error).toMatch(/NO-SUCH-SKU/);
    expect(res.rows[2].error).toMatch(/nobody@purchases\.test/);
    expect(res.rows[3].error).toMatch(/quantity/);
    expect(res.rows[4].error).toMatch(/quantity/);
    expect(res.rows[6].error).toMatch(/customer/i);
    expect(res.rows[7].error).toMatch(/not found/);
    for (const r of res.rows) {
      if (r.ok) expect(r.error).toBeNull();
      else expect(r.id).toBeNull();
    }
    const first = ok(await t.gql(`query($id: ID!) { purchase(id: $id) { total channel customer { id } lines { quantity unitPrice product { sku } } } }`, { id: res.rows[0].id })).purchase;
    expect(first).toEqual({
      total: 5.3, channel: 'STORE', customer: { id: c.id },
      lines: [{ quantity: 2, unitPrice: 2.5, product: { sku: 'IMP-SKU-1' } }, { quantity: 3, unitPrice: 0.1, product: { sku: 'IMP-SKU-2' } }],
    });
    expect(await purchaseCount(c.id)).toBe(1);
    expect(await purchaseCount(d.id)).toBe(1);
    expect(await linesInDb()).toBe(linesBefore + 3);
  });
});
