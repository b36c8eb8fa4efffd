import { startTestApp, ok, type TestApp } from './support/app';
import { makeCustomer, makeFeedback, makeProduct, makePurchase } from './support/factories';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

const dbId = (globalId: string) => Number(Buffer.from(globalId, 'base64').toString('utf8').split(':')[1]);

interface Row {
  id: string;
  score: number;
  issue: string | null;
  channel: string;
  createdAt: string;
  customer: { id: string };
}
const all = async (): Promise<Row[]> => ok(await t.gql(`{ feedbacks(first: 100) { nodes { id score issue channel createdAt customer { id } } } }`)).feedbacks.nodes;

let ann: { id: string };
let ben: { id: string };
let product: { id: string; sku: string };
let purchase: { id: string };

beforeAll(async () => {
  ann = await makeCustomer(t, { name: 'Ann Feedback' });
  ben = await makeCustomer(t, { name: 'Ben Feedback' });
  product = await makeProduct(t, { sku: 'FB-1', price: 20 });
  purchase = await makePurchase(t, ann.id, [{ productId: product.id, quantity: 1 }], { purchasedAt: '2024-01-01T09:00:00Z' });
  const specs: [typeof ann, number, string | null, string, string][] = [
    [ann, 5, null, 'WEB', '2024-01-02T10:00:00Z'],
    [ann, 1, 'DELIVERY', 'EMAIL', '2024-01-05T10:00:00Z'],
    [ann, 2, 'DELIVERY', 'PHONE', '2024-02-01T00:00:00Z'],
    [ann, 3, 'PRICE', 'WEB', '2024-02-01T00:00:00Z'],
    [ann, 4, 'QUALITY', 'APP', '2024-03-01T12:00:00Z'],
    [ben, 2, 'SERVICE', 'SMS', '2024-01-20T00:00:00Z'],
    [ben, 5, null, 'IN_PERSON', '2024-02-01T00:00:00Z'],
    [ben, 1, 'BILLING', 'SOCIAL', '2024-04-04T04:04:04Z'],
  ];
  for (const [c, score, issue, channel, createdAt] of specs) await makeFeedback(t, c.id, score, { issue, channel, createdAt });
});

describe('createFeedback and relations', () => {
  test('links customer, purchase and product; node() and nested fields resolve them', async () => {
    const data = ok(
      await t.gql(
        `mutation($i: CreateFeedbackInput!) { createFeedback(input: $i) { id score issue comment channel createdAt
          customer { id name } purchase { id total } product { id sku } } }`,
        { i: { customerId: ann.id, purchaseId: purchase.id, productId: product.id, score: 4, issue: 'PRODUCT', comment: 'Good, but small', createdAt: '2024-01-03T08:00:00Z' } },
      ),
    ).createFeedback;
    expect(data).toMatchObject({
      score: 4, issue: 'PRODUCT', comment: 'Good, but small', channel: 'WEB', createdAt: '2024-01-03T08:00:00.000Z',
      customer: { id: ann.id, name: 'Ann Feedback' }, purchase: { id: purchase.id, total: 20 }, product: { id: product.id, sku: 'FB-1' },
    });
    const node = ok(await t.gql(`query($id: ID!) { node(id: $id) { __typename id ... on Feedback { score customer { id } purchase { id } product { id } } } }`, { id: data.id })).node;
    expect(node).toEqual({ __typename: 'Feedback', id: data.id, score: 4, customer: { id: ann.id }, purchase: { id: purchase.id }, product: { id: product.id } });
    // Without purchase and product they are null.
    const plain = ok(await t.gql(`{ feedbacks(filter: { channel: SOCIAL }) { nodes { purchase { id } product { id } customer { id } } } }`)).feedbacks.nodes;
    expect(plain).toEqual([{ purchase: null, product: null, customer: { id: ben.id } }]);
    ok(await t.gql(`mutation($id: ID!) { deleteFeedback(id: $id) { id } }`, { id: data.id }));
  });

  test('createdAt defaults to now', async () => {
    const before = Date.now();
    const f = await makeFeedback(t, ben.id, 3);
    const got = ok(await t.gql(`query($id: ID!) { node(id: $id) { ... on Feedback { createdAt } } }`, { id: f.id })).node;
    expect(Math.abs(Date.parse(got.createdAt) - before)).toBeLessThan(60_000);
    ok(await t.gql(`mutation($id: ID!) { deleteFeedback(id: $id) { id } }`, { id: f.id }));
  });

  test('a purchase of another customer is BAD_USER_INPUT', async () => {
    const r = await t.gql(`mutation($c: ID!, $p: ID!) { createFeedback(input: { customerId: $c, purchaseId: $p, score: 3 }) { id } }`, { c: ben.id, p: purchase.id });
    expect(r.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});

/** The parts of a connection the paging tests read. */
interface Conn {
  totalCount: number;
  edges: { cursor: string; node: { id: string } }[];
  nodes: { id: string }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
}

describe('feedbacks: filters and pagination', () => {
  async function expectFilter(filter: string, predicate: (r: Row) => boolean, atLeast = 1) {
    const rows = await all();
    const expected = rows.filter(predicate).map((r) => r.id).sort();
    expect(expected.length).toBeGreaterThanOrEqual(atLeast);
    expect(expected.length).toBeLessThan(rows.length);
    const literal = filter.replace('$ann', JSON.stringify(ann.id)).replace('$ben', JSON.stringify(ben.id));
    const data = ok(await t.gql(`{ feedbacks(first: 100, filter: ${literal}) { totalCount nodes { id } } }`));
    expect(data.feedbacks.nodes.map((n: { id: string }) => n.id).sort()).toEqual(expected);
    expect(data.feedbacks.totalCount).toBe(expected.length);
  }
  const at = (r: Row) => Date.parse(r.createdAt);

  test('customerId', async () => {
    await expectFilter(`{ customerId: $ann }`, (r) => r.customer.id === ann.id, 5);
    await expectFilter(`{ customerId: $ben }`, (r) => r.customer.id === ben.id, 3);
  });

  test('scoreMin and scoreMax, inclusive', async () => {
    await expectFilter(`{ scoreMin: 4 }`, (r) => r.score >= 4, 3);
    await expectFilter(`{ scoreMax: 2 }`, (r) => r.score <= 2, 4);
    await expectFilter(`{ scoreMin: 2, scoreMax: 3 }`, (r) => r.score >= 2 && r.score <= 3, 3);
    await expectFilter(`{ scoreMin: 5, scoreMax: 5 }`, (r) => r.score === 5, 2);
  });

  test('issue and channel', async () => {
    await expectFilter(`{ issue: DELIVERY }`, (r) => r.issue === 'DELIVERY', 2);
    await expectFilter(`{ channel: WEB }`, (r) => r.channel === 'WEB', 2);
    await expectFilter(`{ channel: IN_PERSON }`, (r) => r.channel === 'IN_PERSON', 1);
  });

  test('from (inclusive) and to (exclusive)', async () => {
    const feb = Date.parse('2024-02-01T00:00:00Z');
    await expectFilter(`{ from: "2024-02-01T00:00:00Z" }`, (r) => at(r) >= feb, 5);
    await expectFilter(`{ to: "2024-02-01T00:00:00Z" }`, (r) => at(r) < feb, 3);
    await expectFilter(`{ from: "2024-01-05T10:00:00Z", to: "2024-03-01T12:00:00Z" }`, (r) => at(r) >= Date.parse('2024-01-05T10:00:00Z') && at(r) < Date.parse('2024-03-01T12:00:00Z'), 5);
  });

  test('filters combine with AND', async () => {
    await expectFilter(`{ customerId: $ann, scoreMax: 2, issue: DELIVERY, from: "2024-01-10T00:00:00Z" }`, (r) => r.customer.id === ann.id && r.score <= 2 && r.issue === 'DELIVERY' && at(r) >= Date.parse('2024-01-10T00:00:00Z'), 1);
  });

  test('newest first; walking forwards and backwards gives the full list, ties broken by id', async () => {
    const rows = await all();
    const expected = [...rows].sort((a, b) => at(b) - at(a) || dbId(b.id) - dbId(a.id)).map((r) => r.id);
    expect(rows.map((r) => r.id)).toEqual(expected);
    for (const backward of [false, true]) {
      let ids: string[] = [];
      let cursor: string | null = null;
      for (let guard = 0; ; guard++) {
        expect(guard).toBeLessThan(20);
        const args = backward ? 'last: 3, before: $c' : 'first: 3, after: $c';
        const conn: Conn = ok(await t.gql(`query($c: String) { feedbacks(${args}) { totalCount nodes { id } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }`, { c: cursor })).feedbacks;
        expect(conn.totalCount).toBe(rows.length);
        const page = conn.nodes.map((n: { id: string }) => n.id);
        ids = backward ? [...page, ...ids] : [...ids, ...page];
        if (!(backward ? conn.pageInfo.hasPreviousPage : conn.pageInfo.hasNextPage)) break;
        cursor = backward ? conn.pageInfo.startCursor : conn.pageInfo.endCursor;
      }
      expect(ids).toEqual(expected);
    }
  });

  test('Customer.feedback: first, filter, totalCount and paging', async () => {
    const q = `query($id: ID!, $after: String) { customer(id: $id) { feedback(first: 2, after: $after, filter: { scoreMax: 4 }) {
      totalCount nodes { id score createdAt customer { id } } pageInfo { hasNextPage endCursor } } } }`;
    const expected = (await all()).filter((r) => r.customer.id === ann.id && r.score <= 4).sort((a, b) => at(b) - at(a) || dbId(b.id) - dbId(a.id));
    expect(expected).toHaveLength(4);
    const p1 = ok(await t.gql(q, { id: ann.id, after: null })).customer.feedback;
    const p2 = ok(await t.gql(q, { id: ann.id, after: p1.pageInfo.endCursor })).customer.feedback;
    expect(p1.totalCount).toBe(4);
    expect(p1.pageInfo.hasNextPage).toBe(true);
    expect(p2.pageInfo.hasNextPage).toBe(false);
    expect([...p1.nodes, ...p2.nodes].map((n: { id: string }) => n.id)).toEqual(expected.map((r) => r.id));
    for (const n of [...p1.nodes, ...p2.nodes]) expect(n.customer.id).toBe(ann.id);
  });
});

describe('updateFeedback and deleteFeedback', () => {
  test('update changes only the given fields', async () => {
    const f = await makeFeedback(t, ben.id, 2, { issue: 'SERVICE', comment: 'slow', createdAt: '2023-01-01T00:00:00Z' });
    const m = `mutation($i: UpdateFeedbackInput!) { updateFeedback(input: $i) { id score issue comment } }`;
    expect(ok(await t.gql(m, { i: { id: f.id, score: 4 } })).updateFeedback).toEqual({ id: f.id, score: 4, issue: 'SERVICE', comment: 'slow' });
    expect(ok(await t.gql(m, { i: { id: f.id, comment: 'fixed now', issue: null } })).updateFeedback).toEqual({ id: f.id, score: 4, issue: null, comment: 'fixed now' });
    const bad = await t.gql(m, { i: { id: f.id, score: 6 } });
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    ok(await t.gql(`mutation($id: ID!) { deleteFeedback(id: $id) { id } }`, { id: f.id }));
  });

  test('a deleted feedback disappears from lists, Customer.feedback and node()', async () => {
    const f = await makeFeedback(t, ben.id, 1, { channel: 'APP', createdAt: '2023-06-01T00:00:00Z' });
    const q = `query($id: ID!, $c: ID!) { node(id: $id) { id } feedbacks(filter: { customerId: $c }) { totalCount } customer(id: $c) { feedback { totalCount nodes { id } } } }`;
    const before = ok(await t.gql(q, { id: f.id, c: ben.id }));
    expect(before.node).toEqual({ id: f.id });
    ok(await t.gql(`mutation($id: ID!) { deleteFeedback(id: $id) { id } }`, { id: f.id }));
    const after = ok(await t.gql(q, { id: f.id, c: ben.id }));
    expect(after.node).toBeNull();
    expect(after.feedbacks.totalCount).toBe(before.feedbacks.totalCount - 1);
    expect(after.customer.feedback.totalCount).toBe(before.customer.feedback.totalCount - 1);
    expect(after.customer.feedback.nodes.map((n: { id: string }) => n.id)).not.toContain(f.id);
    const again = await t.gql(`mutation($id: ID!) { deleteFeedback(id: $id) { id } }`, { id: f.id });
    expect(again.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });
});
