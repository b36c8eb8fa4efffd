import { startTestApp, ok, type GqlResult, type TestApp } from './support/app';
import { makeCustomer, makeProduct, makePurchase } from './support/factories';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

const dbId = (globalId: string) => Number(Buffer.from(globalId, 'base64').toString('utf8').split(':')[1]);

type Field = 'ID' | 'NAME' | 'CREATED_AT' | 'LAST_PURCHASE_AT' | 'TOTAL_SPENT' | 'PURCHASE_COUNT';
type Dir = 'ASC' | 'DESC';

interface Row {
  id: string;
  name: string;
  email: string | null;
  createdAt: string;
  city: string | null;
  country: string | null;
  gender: string | null;
  birthDate: string | null;
  age: number | null;
  tags: string[];
  emailOptIn: boolean;
  smsOptIn: boolean;
}
const ROW_FIELDS = 'id name email createdAt city country gender birthDate age tags emailOptIn smsOptIn';

async function allCustomers(): Promise<Row[]> {
  const data = ok(await t.gql(`{ customers(first: 100) { totalCount nodes { ${ROW_FIELDS} } } }`));
  expect(data.customers.totalCount).toBeLessThanOrEqual(100);
  return data.customers.nodes;
}

/** What the server should keep per customer: only COMPLETED, not deleted purchases count. */
interface Stats {
  count: number;
  totalCents: number;
  last: number | null;
}
const stats = new Map<string, Stats>();
const statsOf = (id: string): Stats => stats.get(id) ?? { count: 0, totalCents: 0, last: null };

function sortKey(c: Row, field: Field): number | string | null {
  switch (field) {
    case 'ID':
      return dbId(c.id);
    case 'NAME':
      return c.name;
    case 'CREATED_AT':
      return Date.parse(c.createdAt);
    case 'LAST_PURCHASE_AT':
      return statsOf(c.id).last;
    case 'TOTAL_SPENT':
      return statsOf(c.id).totalCents;
    case 'PURCHASE_COUNT':
      return statsOf(c.id).count;
  }
}

/** The order the API promises: the field, then id, both in the requested direction; NULL lowest. */
function expectedOrder(rows: Row[], field: Field, dir: Dir): string[] {
  const sign = dir === 'ASC' ? 1 : -1;
  const cmp = (a: Row, b: Row) => {
    const ka = sortKey(a, field);
    const kb = sortKey(b, field);
    if (ka !== kb) {
      if (ka === null) return -sign;
      if (kb === null) return sign;
      return (ka < kb ? -1 : 1) * sign;
    }
    return (dbId(a.id) - dbId(b.id)) * sign;
  };
  return [...rows].sort(cmp).map((r) => r.id);
}

/** The parts of a connection the paging tests read. */
interface Conn {
  totalCount: number;
  edges: { cursor: string; node: { id: string } }[];
  nodes: { id: string }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
}

const PAGE = `totalCount edges { cursor node { id } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor }`;

async function page(args: string) {
  return ok(await t.gql(`{ customers${args ? `(${args})` : ''} { ${PAGE} } }`)).customers;
}

async function walkForward(field: Field, dir: Dir, size: number, total: number): Promise<string[]> {
  const ids: string[] = [];
  let after: string | null = null;
  for (let guard = 0; guard < 100; guard++) {
    const r: GqlResult = await t.gql(
      `query($after: String) { customers(first: ${size}, after: $after, orderBy: { field: ${field}, direction: ${dir} }) { ${PAGE} } }`,
      { after },
    );
    const conn: Conn = ok(r).customers;
    expect(conn.totalCount).toBe(total);
    expect(conn.pageInfo.hasPreviousPage).toBe(after !== null);
    expect(conn.pageInfo.startCursor).toBe(conn.edges[0]?.cursor ?? null);
    expect(conn.pageInfo.endCursor).toBe(conn.edges[conn.edges.length - 1]?.cursor ?? null);
    ids.push(...conn.edges.map((e: { node: { id: string } }) => e.node.id));
    if (!conn.pageInfo.hasNextPage) return ids;
    expect(conn.edges).toHaveLength(size);
    after = conn.pageInfo.endCursor;
  }
  throw new Error('forward walk did not end');
}

async function walkBackward(field: Field, dir: Dir, size: number, total: number): Promise<string[]> {
  let ids: string[] = [];
  let before: string | null = null;
  for (let guard = 0; guard < 100; guard++) {
    const r: GqlResult = await t.gql(
      `query($before: String) { customers(last: ${size}, before: $before, orderBy: { field: ${field}, direction: ${dir} }) { ${PAGE} } }`,
      { before },
    );
    const conn: Conn = ok(r).customers;
    expect(conn.totalCount).toBe(total);
    expect(conn.pageInfo.hasNextPage).toBe(before !== null);
    ids = [...conn.edges.map((e: { node: { id: string } }) => e.node.id), ...ids];
    if (!conn.pageInfo.hasPreviousPage) return ids;
    expect(conn.edges).toHaveLength(size);
    before = conn.pageInfo.startCursor;
  }
  throw new Error('backward walk did not end');
}

describe('ordering and pagination', () => {
  const N = 23;
  let created: { id: string; name: string }[] = [];

  beforeAll(async () => {
    const cheap = await makeProduct(t, { price: 2.5 });
    const dear = await makeProduct(t, { price: 10 });
    // Repeated names and equal statistics make ties that only the id can break.
    const names = ['Berta', 'Anton', 'Carla', 'Berta', 'Dora', 'Emil', 'Anton', 'Berta', 'Fritz', 'Gina', 'Hanna', 'Ida', 'Jonas', 'Karl', 'Lena', 'Mia', 'Nora', 'Otto', 'Paula', 'Quirin', 'Rosa', 'Sven', 'Tilda'];
    for (const name of names) created.push(await makeCustomer(t, { name }));
    expect(created).toHaveLength(N);
    // Equal creation times (to the second, on both databases) for a few customers.
    const tied = created.slice(4, 8).map((c) => dbId(c.id));
    await t.ds.query(`UPDATE customers SET created_at = '2020-01-01 00:00:00' WHERE id IN (${tied.join(',')})`);

    const buy = async (i: number, at: string, lines: { productId: string; quantity: number; unitPrice?: number }[], status = 'COMPLETED') => {
      const p = await makePurchase(t, created[i].id, lines, { purchasedAt: at, status });
      if (status !== 'COMPLETED') return;
      const s = statsOf(created[i].id);
      const when = Date.parse(at);
      stats.set(created[i].id, { count: s.count + 1, totalCents: s.totalCents + Math.round(p.total * 100), last: s.last === null ? when : Math.max(s.last, when) });
    };
    // Customers 0..5 and 22 never buy (NULL last purchase); 6 only has a refunded purchase, 7 a cancelled one.
    await buy(6, '2024-01-10T10:00:00Z', [{ productId: dear.id, quantity: 9 }], 'REFUNDED');
    await buy(7, '2024-01-10T10:00:00Z', [{ productId: dear.id, quantity: 9 }], 'CANCELLED');
    await buy(8, '2024-02-01T08:00:00Z', [{ productId: dear.id, quantity: 2 }]);
    await buy(9, '2024-02-01T08:00:00Z', [{ productId: cheap.id, quantity: 8 }]);
    await buy(10, '2024-03-05T12:30:00Z', [{ productId: dear.id, quantity: 1 }, { productId: cheap.id, quantity: 4 }]);
    await buy(10, '2023-12-24T18:00:00Z', [{ productId: cheap.id, quantity: 1 }]);
    await buy(11, '2024-03-05T12:30:00Z', [{ productId: dear.id, quantity: 1 }]);
    await buy(12, '2022-06-01T00:00:00Z', [{ productId: cheap.id, quantity: 2 }]);
    await buy(12, '2022-07-01T00:00:00Z', [{ productId: cheap.id, quantity: 2 }]);
    await buy(12, '2022-08-01T00:00:00Z', [{ productId: cheap.id, quantity: 2 }]);
    await buy(13, '2024-05-01T09:15:00Z', [{ productId: dear.id, quantity: 3, unitPrice: 7.5 }]);
    for (let i = 14; i < 22; i++) await buy(i, `2023-0${(i % 9) + 1}-15T06:00:00Z`, [{ productId: cheap.id, quantity: 1 + (i % 3) }]);
    await buy(7, '2021-01-01T00:00:00Z', [{ productId: cheap.id, quantity: 4 }]);
  });

  test('customers are created and counted', async () => {
    const data = ok(await t.gql(`{ customers { totalCount } }`));
    expect(data.customers.totalCount).toBe(N);
  });

  const fields: Field[] = ['ID', 'NAME', 'CREATED_AT', 'LAST_PURCHASE_AT', 'TOTAL_SPENT', 'PURCHASE_COUNT'];
  for (const field of fields) {
    for (const dir of ['ASC', 'DESC'] as Dir[]) {
      test(`${field} ${dir}: walking forwards and backwards gives the full sorted list`, async () => {
        const rows = await allCustomers();
        const expected = expectedOrder(rows, field, dir);
        expect(expected).toHaveLength(N);
        const forward = await walkForward(field, dir, 4, N);
        expect(forward).toEqual(expected);
        const backward = await walkBackward(field, dir, 5, N);
        expect(backward).toEqual(expected);
        // The same list in one page agrees too.
        const one = ok(await t.gql(`{ customers(first: 100, orderBy: { field: ${field}, direction: ${dir} }) { nodes { id } } }`));
        expect(one.customers.nodes.map((n: { id: string }) => n.id)).toEqual(expected);
      });
    }
  }

  test('the default ordering is by id, ascending', async () => {
    const rows = await allCustomers();
    const data = ok(await t.gql(`{ customers(first: 100) { nodes { id } } }`));
    expect(data.customers.nodes.map((n: { id: string }) => n.id)).toEqual(expectedOrder(rows, 'ID', 'ASC'));
  });

  test('pageInfo on the first, a middle and the last page', async () => {
    const first = await page('first: 10');
    expect(first.edges).toHaveLength(10);
    expect(first.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    const middle = ok(await t.gql(`query($a: String) { customers(first: 10, after: $a) { ${PAGE} } }`, { a: first.pageInfo.endCursor })).customers;
    expect(middle.edges).toHaveLength(10);
    expect(middle.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: true });
    const last = ok(await t.gql(`query($a: String) { customers(first: 10, after: $a) { ${PAGE} } }`, { a: middle.pageInfo.endCursor })).customers;
    expect(last.edges).toHaveLength(N - 20);
    expect(last.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
    // An exact fit: the page holding the last item says there is nothing after it.
    const exact = ok(await t.gql(`{ customers(first: ${N}) { ${PAGE} } }`)).customers;
    expect(exact.edges).toHaveLength(N);
    expect(exact.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: false });
    // Backwards from the end, without a cursor.
    const tail = ok(await t.gql(`{ customers(last: 3) { ${PAGE} } }`)).customers;
    const all = (await allCustomers()).map((c) => c.id);
    expect(tail.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual(all.slice(-3));
    expect(tail.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
    // A page after the last item is empty and has no cursors.
    const beyond = ok(await t.gql(`query($a: String) { customers(first: 5, after: $a) { ${PAGE} } }`, { a: exact.pageInfo.endCursor })).customers;
    expect(beyond.edges).toEqual([]);
    expect(beyond.pageInfo).toEqual({ hasNextPage: false, hasPreviousPage: true, startCursor: null, endCursor: null });
  });

  test('first: 0 returns no edges but still counts', async () => {
    const conn = await page('first: 0');
    expect(conn.edges).toEqual([]);
    expect(conn.totalCount).toBe(N);
  });

  test('the page size defaults to 20', async () => {
    const conn = await page('');
    expect(conn.edges).toHaveLength(20);
    expect(conn.pageInfo.hasNextPage).toBe(true);
  });

  test('at most 100 per page: 100 is fine, 101 is BAD_USER_INPUT with a clear message', async () => {
    ok(await t.gql(`{ customers(first: 100) { totalCount } }`));
    ok(await t.gql(`{ customers(last: 100) { totalCount } }`));
    for (const arg of ['first: 101', 'last: 101', 'first: 1000']) {
      const r = await t.gql(`{ customers(${arg}) { totalCount } }`);
      expect(r.data).toBeNull();
      expect(r.errors).toHaveLength(1);
      expect(r.errors![0].extensions?.code).toBe('BAD_USER_INPUT');
      expect(r.errors![0].message).toMatch(/(first|last) must be at most 100/);
    }
    const negative = await t.gql(`{ customers(first: -1) { totalCount } }`);
    expect(negative.errors![0].extensions?.code).toBe('BAD_USER_INPUT');
    const both = await t.gql(`{ customers(first: 2, last: 2) { totalCount } }`);
    expect(both.errors![0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  const cursorOf = async (field: Field, dir: Dir = 'ASC') =>
    ok(await t.gql(`{ customers(first: 2, orderBy: { field: ${field}, direction: ${dir} }) { pageInfo { endCursor } } }`)).customers.pageInfo.endCursor as string;

  async function expectCursorRejected(from: Field, to: Field) {
    const cursor = await cursorOf(from);
    for (const paging of ['first: 2, after: $c', 'last: 2, before: $c']) {
      const r = await t.gql(`query($c: String) { customers(${paging}, orderBy: { field: ${to} }) { totalCount } }`, { c: cursor });
      expect({ from, to, paging, code: r.errors?.[0]?.extensions?.code }).toEqual({ from, to, paging, code: 'BAD_USER_INPUT' });
      expect(r.errors![0].message).toMatch(/not a cursor of this connection/);
    }
  }

  test('a cursor from an ordering with another kind of value is BAD_USER_INPUT', async () => {
    await expectCursorRejected('NAME', 'TOTAL_SPENT');
    await expectCursorRejected('TOTAL_SPENT', 'CREATED_AT');
    await expectCursorRejected('ID', 'NAME');
    await expectCursorRejected('CREATED_AT', 'PURCHASE_COUNT');
  });

  // Cursors carry a tag of their ordering: one of the same value kind (or a NULL value) is refused too.
  const sameKind: [Field, Field][] = [['ID', 'TOTAL_SPENT'], ['PURCHASE_COUNT', 'TOTAL_SPENT'], ['CREATED_AT', 'LAST_PURCHASE_AT'], ['LAST_PURCHASE_AT', 'PURCHASE_COUNT']];
  for (const [from, to] of sameKind) {
    test(`a ${from} cursor used with ${to} is BAD_USER_INPUT`, () => expectCursorRejected(from, to));
  }

  test('a garbage cursor is BAD_USER_INPUT', async () => {
    for (const c of ['nonsense', '', 'W10', Buffer.from('[1]').toString('base64url'), Buffer.from('["x", "y"]').toString('base64url')]) {
      const r = await t.gql(`query($c: String) { customers(first: 2, after: $c) { totalCount } }`, { c: c || 'AAAA' });
      expect(r.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    }
  });
});

describe('filters', () => {
  const today = new Date();
  const yearsAgo = (n: number, dayShift = 0) => {
    const d = new Date(Date.UTC(today.getUTCFullYear() - n, today.getUTCMonth(), today.getUTCDate() + dayShift));
    return d.toISOString().slice(0, 10);
  };
  const ageOn = (birth: string) => {
    const [y, m, d] = birth.split('-').map(Number);
    const had = today.getUTCMonth() + 1 > m || (today.getUTCMonth() + 1 === m && today.getUTCDate() >= d);
    return today.getUTCFullYear() - y - (had ? 0 : 1);
  };

  beforeAll(async () => {
    const specs: Record<string, unknown>[] = [
      { name: 'Percent 100% Club', email: 'percent@filter.test', city: 'Berlin', country: 'DE', gender: 'FEMALE', birthDate: yearsAgo(30), tags: ['VIP', 'news_letter'], emailOptIn: true },
      { name: 'Percent 1000 Club', email: 'thousand@filter.test', city: 'Berlin', country: 'DE', gender: 'MALE', birthDate: yearsAgo(30, 1), tags: ['vip2'], smsOptIn: true },
      { name: 'Under_Score', email: 'under@filter.test', city: 'Munich', country: 'DE', gender: 'FEMALE', birthDate: yearsAgo(18), tags: ['newsXletter'], emailOptIn: true, smsOptIn: true },
      { name: 'UnderXScore', email: 'underx@filter.test', city: 'Paris', country: 'FR', gender: 'OTHER', birthDate: yearsAgo(65), tags: ['vip'] },
      { name: 'No Birthday', email: 'nobday_1@filter.test', city: 'Lyon', country: 'FR', tags: [] },
      { name: 'Mail Only', email: 'mailsearch.zq@filter.test', city: 'Berlin', country: 'US', gender: 'MALE', birthDate: yearsAgo(41, -1), emailOptIn: true },
      { name: 'Ann Older', email: 'older@filter.test', birthDate: yearsAgo(80), gender: 'FEMALE', tags: ['VIP', 'senior'] },
    ];
    for (const s of specs) await makeCustomer(t, s);
  });

  async function filtered(filter: string): Promise<{ ids: string[]; total: number }> {
    const data = ok(await t.gql(`{ customers(first: 100, filter: ${filter}) { totalCount nodes { id } } }`));
    return { ids: data.customers.nodes.map((n: { id: string }) => n.id).sort(), total: data.customers.totalCount };
  }

  /** Every filter is checked against all customers: the result is exactly the ones the predicate picks. */
  async function expectFilter(filter: string, predicate: (c: Row) => boolean, atLeast = 1) {
    const rows = await allCustomers();
    const expected = rows.filter(predicate).map((c) => c.id).sort();
    expect(expected.length).toBeGreaterThanOrEqual(atLeast);
    expect(expected.length).toBeLessThan(rows.length);
    const got = await filtered(filter);
    expect(got.ids).toEqual(expected);
    expect(got.total).toBe(expected.length);
  }

  const hasText = (c: Row, s: string) => c.name.toLowerCase().includes(s.toLowerCase()) || (c.email ?? '').toLowerCase().includes(s.toLowerCase());

  test('search looks in name and email, case-insensitively', async () => {
    await expectFilter(`{ search: "percent" }`, (c) => hasText(c, 'percent'), 2);
    await expectFilter(`{ search: "MAILSEARCH.ZQ" }`, (c) => hasText(c, 'mailsearch.zq'));
    await expectFilter(`{ search: "@filter.test" }`, (c) => hasText(c, '@filter.test'), 7);
  });

  test("search treats '%' and '_' literally", async () => {
    await expectFilter(`{ search: "100%" }`, (c) => hasText(c, '100%'), 1);
    const pct = await filtered(`{ search: "100%" }`);
    expect(pct.ids).toHaveLength(1);
    await expectFilter(`{ search: "r_s" }`, (c) => hasText(c, 'r_s'), 1);
    expect((await filtered(`{ search: "r_s" }`)).ids).toHaveLength(1);
    await expectFilter(`{ search: "nobday_1" }`, (c) => hasText(c, 'nobday_1'), 1);
    expect(await filtered(`{ search: "%" }`)).toEqual({ ids: (await filtered(`{ search: "100%" }`)).ids, total: 1 });
    expect(await filtered(`{ search: "!" }`)).toEqual({ ids: [], total: 0 });
  });

  test('city, country (any case), gender', async () => {
    await expectFilter(`{ city: "Berlin" }`, (c) => c.city === 'Berlin', 3);
    await expectFilter(`{ country: "DE" }`, (c) => c.country === 'DE', 3);
    await expectFilter(`{ country: "fr" }`, (c) => c.country === 'FR', 2);
    await expectFilter(`{ gender: FEMALE }`, (c) => c.gender === 'FEMALE', 3);
    await expectFilter(`{ gender: OTHER }`, (c) => c.gender === 'OTHER', 1);
  });

  test('ageMin and ageMax are inclusive whole years, birthdays counted to the day', async () => {
    const rows = await allCustomers();
    for (const r of rows) expect(r.age).toBe(r.birthDate ? ageOn(r.birthDate) : null);
    const born = (c: Row) => c.birthDate !== null;
    await expectFilter(`{ ageMin: 30 }`, (c) => born(c) && ageOn(c.birthDate!) >= 30, 4);
    await expectFilter(`{ ageMax: 29 }`, (c) => born(c) && ageOn(c.birthDate!) <= 29, 2);
    await expectFilter(`{ ageMin: 30, ageMax: 30 }`, (c) => born(c) && ageOn(c.birthDate!) === 30, 1);
    await expectFilter(`{ ageMin: 18, ageMax: 18 }`, (c) => born(c) && ageOn(c.birthDate!) === 18, 1);
    await expectFilter(`{ ageMin: 40, ageMax: 41 }`, (c) => born(c) && [40, 41].includes(ageOn(c.birthDate!)), 1);
    // The one born 30 years ago tomorrow is still 29.
    const tomorrow = rows.find((r) => r.birthDate === yearsAgo(30, 1))!;
    expect(tomorrow.age).toBe(29);
    expect((await filtered(`{ ageMin: 30 }`)).ids).not.toContain(tomorrow.id);
    expect((await filtered(`{ ageMax: 29 }`)).ids).toContain(tomorrow.id);
  });

  test('tag matches a whole tag, any case, with _ literal', async () => {
    await expectFilter(`{ tag: "vip" }`, (c) => c.tags.includes('vip'), 3);
    await expectFilter(`{ tag: "VIP" }`, (c) => c.tags.includes('vip'), 3);
    await expectFilter(`{ tag: "news_letter" }`, (c) => c.tags.includes('news_letter'), 1);
    expect((await filtered(`{ tag: "news_letter" }`)).ids).toHaveLength(1);
    expect(await filtered(`{ tag: "vi" }`)).toEqual({ ids: [], total: 0 });
  });

  test('emailOptIn and smsOptIn, true and false', async () => {
    await expectFilter(`{ emailOptIn: true }`, (c) => c.emailOptIn, 3);
    await expectFilter(`{ emailOptIn: false }`, (c) => !c.emailOptIn, 3);
    await expectFilter(`{ smsOptIn: true }`, (c) => c.smsOptIn, 2);
    await expectFilter(`{ smsOptIn: false }`, (c) => !c.smsOptIn, 3);
  });

  test('filters combine with AND and paginate', async () => {
    await expectFilter(`{ country: "DE", gender: FEMALE, tag: "vip" }`, (c) => c.country === 'DE' && c.gender === 'FEMALE' && c.tags.includes('vip'), 1);
    await expectFilter(`{ city: "Berlin", search: "club", smsOptIn: true }`, (c) => c.city === 'Berlin' && hasText(c, 'club') && c.smsOptIn, 1);
    const p1 = ok(await t.gql(`{ customers(first: 2, filter: { search: "@filter.test" }, orderBy: { field: NAME }) { ${PAGE} } }`)).customers;
    expect(p1.totalCount).toBe(7);
    const rest = ok(await t.gql(`query($a: String) { customers(first: 10, after: $a, filter: { search: "@filter.test" }, orderBy: { field: NAME }) { ${PAGE} } }`, { a: p1.pageInfo.endCursor })).customers;
    expect(rest.edges).toHaveLength(5);
    expect(rest.pageInfo.hasNextPage).toBe(false);
  });
});

describe('customer(id) and node(id)', () => {
  test('fetches a customer by global id through both fields', async () => {
    const c = await makeCustomer(t, { name: 'Node Person', city: 'Graz', country: 'AT' });
    const data = ok(
      await t.gql(`query($id: ID!) { customer(id: $id) { id name city } node(id: $id) { __typename id ... on Customer { name country } } }`, { id: c.id }),
    );
    expect(data.customer).toEqual({ id: c.id, name: 'Node Person', city: 'Graz' });
    expect(data.node).toEqual({ __typename: 'Customer', id: c.id, name: 'Node Person', country: 'AT' });
    expect(Buffer.from(c.id, 'base64').toString()).toBe(`Customer:${dbId(c.id)}`);
  });

  test('an unknown customer id gives null', async () => {
    const missing = Buffer.from('Customer:999999').toString('base64');
    const data = ok(await t.gql(`query($id: ID!) { customer(id: $id) { id } node(id: $id) { id } }`, { id: missing }));
    expect(data).toEqual({ customer: null, node: null });
  });
});

describe('denormalised purchase statistics', () => {
  test('TOTAL_SPENT and PURCHASE_COUNT orders follow purchases, refunds and deletions', async () => {
    const product = await makeProduct(t, { price: 10 });
    const a = await makeCustomer(t, { name: 'Stats A', tags: ['stats'] });
    const b = await makeCustomer(t, { name: 'Stats B', tags: ['stats'] });
    const c = await makeCustomer(t, { name: 'Stats C', tags: ['stats'] });
    const order = async (field: Field) =>
      ok(await t.gql(`{ customers(filter: { tag: "stats" }, orderBy: { field: ${field}, direction: DESC }) { nodes { name } } }`)).customers.nodes.map(
        (n: { name: string }) => n.name,
      );
    expect(await order('TOTAL_SPENT')).toEqual(['Stats C', 'Stats B', 'Stats A']); // all 0: id DESC

    await makePurchase(t, a.id, [{ productId: product.id, quantity: 3 }]);
    const bBig = await makePurchase(t, b.id, [{ productId: product.id, quantity: 5 }]);
    await makePurchase(t, c.id, [{ productId: product.id, quantity: 2 }]);
    const cSecond = await makePurchase(t, c.id, [{ productId: product.id, quantity: 2 }]);
    expect(await order('TOTAL_SPENT')).toEqual(['Stats B', 'Stats C', 'Stats A']); // 50, 40, 30
    expect(await order('PURCHASE_COUNT')).toEqual(['Stats C', 'Stats B', 'Stats A']); // 2, 1 (id DESC), 1

    const refunded = ok(await t.gql(`mutation($id: ID!) { updatePurchaseStatus(id: $id, status: REFUNDED) { id status } }`, { id: bBig.id }));
    expect(refunded.updatePurchaseStatus).toEqual({ id: bBig.id, status: 'REFUNDED' });
    expect(await order('TOTAL_SPENT')).toEqual(['Stats C', 'Stats A', 'Stats B']); // 40, 30, 0

    ok(await t.gql(`mutation($id: ID!) { deletePurchase(id: $id) { id } }`, { id: cSecond.id }));
    expect(await order('TOTAL_SPENT')).toEqual(['Stats A', 'Stats C', 'Stats B']); // 30, 20, 0
    expect(await order('PURCHASE_COUNT')).toEqual(['Stats C', 'Stats A', 'Stats B']); // 1, 1 (id DESC), 0

    // Back to COMPLETED counts again.
    ok(await t.gql(`mutation($id: ID!) { updatePurchaseStatus(id: $id, status: COMPLETED) { id } }`, { id: bBig.id }));
    expect(await order('TOTAL_SPENT')).toEqual(['Stats B', 'Stats A', 'Stats C']);
  });

  test('a soft-deleted purchase disappears from lists, node() and purchase()', async () => {
    const product = await makeProduct(t, { price: 1 });
    const c = await makeCustomer(t);
    const p = await makePurchase(t, c.id, [{ productId: product.id, quantity: 1 }]);
    const q = `query($id: ID!, $c: ID!) { node(id: $id) { id } purchase(id: $id) { id } purchases(filter: { customerId: $c }) { totalCount }
      customer(id: $c) { purchases { totalCount nodes { id } } } }`;
    expect(ok(await t.gql(q, { id: p.id, c: c.id }))).toEqual({
      node: { id: p.id }, purchase: { id: p.id }, purchases: { totalCount: 1 }, customer: { purchases: { totalCount: 1, nodes: [{ id: p.id }] } },
    });
    ok(await t.gql(`mutation($id: ID!) { deletePurchase(id: $id) { id } }`, { id: p.id }));
    expect(ok(await t.gql(q, { id: p.id, c: c.id }))).toEqual({ node: null, purchase: null, purchases: { totalCount: 0 }, customer: { purchases: { totalCount: 0, nodes: [] } } });
  });

  test('a soft-deleted customer disappears from lists, node() and customer(), and cannot be updated', async () => {
    const c = await makeCustomer(t, { name: 'To Be Deleted', tags: ['goner'] });
    const before = ok(await t.gql(`{ customers(first: 100) { totalCount } }`)).customers.totalCount;
    const deleted = ok(await t.gql(`mutation($id: ID!) { deleteCustomer(id: $id) { id name } }`, { id: c.id }));
    expect(deleted.deleteCustomer).toEqual({ id: c.id, name: 'To Be Deleted' });
    const data = ok(
      await t.gql(`query($id: ID!) { node(id: $id) { id } customer(id: $id) { id } all: customers(first: 100) { totalCount nodes { id } } tagged: customers(filter: { tag: "goner" }) { totalCount } }`, {
        id: c.id,
      }),
    );
    expect(data.node).toBeNull();
    expect(data.customer).toBeNull();
    expect(data.all.totalCount).toBe(before - 1);
    expect(data.all.nodes.map((n: { id: string }) => n.id)).not.toContain(c.id);
    expect(data.tagged.totalCount).toBe(0);
    const again = await t.gql(`mutation($id: ID!) { deleteCustomer(id: $id) { id } }`, { id: c.id });
    expect(again.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const update = await t.gql(`mutation($id: ID!) { updateCustomer(input: { id: $id, name: "Back" }) { id } }`, { id: c.id });
    expect(update.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });
});

describe('writes', () => {
  test('updateCustomer changes only the given fields and bumps the version', async () => {
    const c = await makeCustomer(t, { name: 'Up Date', city: 'Bonn', phone: '+49 228 1234' });
    const v0 = ok(await t.gql(`query($id: ID!) { customer(id: $id) { version } }`, { id: c.id })).customer.version;
    const data = ok(
      await t.gql(`mutation($i: UpdateCustomerInput!) { updateCustomer(input: $i) { id name city phone version tags } }`, {
        i: { id: c.id, city: 'Köln', tags: ['Gold'], version: v0 },
      }),
    );
    expect(data.updateCustomer).toEqual({ id: c.id, name: 'Up Date', city: 'Köln', phone: '+49 228 1234', version: v0 + 1, tags: ['gold'] });
  });

  test('upsertCustomer creates by email, then updates the same customer (email in any case)', async () => {
    const m = `mutation($i: UpsertCustomerInput!) { upsertCustomer(input: $i) { created customer { id name email city version } } }`;
    const first = ok(await t.gql(m, { i: { email: 'upsert.me@example.com', name: 'Ups Ert', city: 'Wien' } })).upsertCustomer;
    expect(first.created).toBe(true);
    expect(first.customer).toMatchObject({ name: 'Ups Ert', email: 'upsert.me@example.com', city: 'Wien' });
    const second = ok(await t.gql(m, { i: { email: 'upsert.me@example.com', city: 'Linz' } })).upsertCustomer;
    expect(second.created).toBe(false);
    expect(second.customer).toMatchObject({ id: first.customer.id, name: 'Ups Ert', city: 'Linz', version: first.customer.version + 1 });
    const third = ok(await t.gql(m, { i: { email: 'Upsert.Me@Example.COM', name: 'Ups Ert II' } })).upsertCustomer;
    expect(third.created).toBe(false);
    expect(third.customer).toMatchObject({ id: first.customer.id, name: 'Ups Ert II', email: 'upsert.me@example.com', city: 'Linz' });
    const count = ok(await t.gql(`{ customers(filter: { search: "upsert.me" }) { totalCount } }`));
    expect(count.customers.totalCount).toBe(1);
    // Without a name, a new customer is named after the email.
    const named = ok(await t.gql(m, { i: { email: 'noname.person@example.com' } })).upsertCustomer;
    expect(named).toMatchObject({ created: true, customer: { name: 'noname.person' } });
  });

  test('importCustomers: per-row results; bad rows leave nothing; a repeated email upserts', async () => {
    const countAll = async () => ok(await t.gql(`{ customers { totalCount } }`)).customers.totalCount as number;
    const before = await countAll();
    const rows = [
      { name: 'Imp One', email: 'imp.one@import.test', city: 'Basel' },
      { name: 'Imp Bad Mail', email: 'not-an-email' },
      { city: 'Nowhere' },
      { name: 'Imp One Again', email: 'imp.one@import.test', country: 'CH' },
      { name: 'Imp Bad Country', email: 'imp.country@import.test', country: 'Switzerland' },
      { name: 'Imp No Mail' },
      { name: 'Imp Future', email: 'imp.future@import.test', birthDate: '2999-01-01' },
    ];
    const res = ok(
      await t.gql(`mutation($i: ImportCustomersInput!) { importCustomers(input: $i) { okCount errorCount rows { index ok id updated error } } }`, { i: { rows } }),
    ).importCustomers;
    expect(res.okCount).toBe(3);
    expect(res.errorCount).toBe(4);
    expect(res.rows.map((r: { index: number }) => r.index)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(res.rows.map((r: { ok: boolean }) => r.ok)).toEqual([true, false, false, true, false, true, false]);
    expect(res.rows[0]).toMatchObject({ updated: false, error: null });
    expect(res.rows[3]).toMatchObject({ id: res.rows[0].id, updated: true, error: null });
    expect(res.rows[5]).toMatchObject({ updated: false, error: null });
    expect(res.rows[1].error).toMatch(/email/);
    expect(res.rows[2].error).toMatch(/name or email is required/);
    expect(res.rows[4].error).toMatch(/country/);
    expect(res.rows[6].error).toMatch(/birthDate/);
    for (const i of [1, 2, 4, 6]) expect(res.rows[i].id).toBeNull();
    for (const r of res.rows) if (r.error) expect(r.error).not.toMatch(/SELECT|INSERT|UPDATE|SQLITE|ER_|\n\s+at /);

    expect(await countAll()).toBe(before + 2);
    const one = ok(await t.gql(`query($id: ID!) { customer(id: $id) { name email city country } }`, { id: res.rows[0].id })).customer;
    expect(one).toEqual({ name: 'Imp One Again', email: 'imp.one@import.test', city: 'Basel', country: 'CH' });
    const leftovers = ok(await t.gql(`{ a: customers(filter: { search: "Imp Bad" }) { totalCount } b: customers(filter: { search: "imp.future" }) { totalCount } c: customers(filter: { city: "Nowhere" }) { totalCount } }`));
    expect(leftovers).toEqual({ a: { totalCount: 0 }, b: { totalCount: 0 }, c: { totalCount: 0 } });
  });
});
