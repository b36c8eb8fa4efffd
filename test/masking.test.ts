import { loadConfig } from '../src/config';
import { ok, startTestApp, type TestApp } from './support/app';
import { makeCustomer, makeProduct, makePurchase } from './support/factories';

/**
 * What an ANALYST cannot read it cannot use either (issue #10, part 2): search, sort keys, cursors, exports,
 * quasi-identifiers; and list and nested reads of personal fields are audited.
 */
let t: TestApp;
let jane: { id: string };

beforeAll(async () => {
  t = await startTestApp();
  jane = await makeCustomer(t, {
    name: 'Jane Doe', email: 'jane.doe@example.org', birthDate: '1980-05-17', city: 'Berlin', country: 'DE', gender: 'FEMALE', annualIncome: 54321, tags: ['vip'],
  });
  for (const name of ['Adam Apple', 'Bea Brown', 'Carl Cole', 'Dora Dunn']) await makeCustomer(t, { name, city: 'Köln', country: 'DE', birthDate: '1991-01-01' });
  const product = await makeProduct(t, { price: 10 });
  await makePurchase(t, jane.id, [{ productId: product.id, quantity: 1 }]);
  ok(await t.gql(`mutation($i: LogInteractionInput!) { logInteraction(input: $i) { id } }`, {
    i: { customerId: jane.id, channel: 'PHONE', direction: 'INBOUND', subject: 'Call from Jane', body: 'Jane lives at 1 Main St' },
  }));
  ok(await t.gql(`mutation($i: OpenTicketInput!) { openTicket(input: $i) { id } }`, {
    i: { customerId: jane.id, type: 'COMPLAINT', subject: 'Jane Doe complains', description: 'Her number is 0301234' },
  }));
}, 60_000);
afterAll(() => t.close());

const code = (r: { errors?: { extensions?: { code?: string } }[] }) => r.errors?.[0]?.extensions?.code;

describe('ANALYST cannot use what is masked for it', () => {
  test('search (name and email) is refused; ADMIN may search', async () => {
    for (const search of ['jane', 'jane.doe@', 'x']) {
      const r = await t.as('ANALYST', `query($s: String) { customers(filter: { search: $s }) { totalCount } }`, { s: search });
      expect(code(r)).toBe('FORBIDDEN');
      expect(r.data?.customers ?? null).toBeNull();
    }
    const r = await t.as('ANALYST', `query($s: String) { customerAnalytics(first: 5, filter: { search: $s }) { totalCount } }`, { s: 'jane' });
    expect(code(r)).toBe('FORBIDDEN');
    expect(ok(await t.gql(`{ customers(filter: { search: "jane.doe@" }) { totalCount } }`)).customers.totalCount).toBe(1);
  });

  test('ordering by NAME is refused; other orders give opaque cursors', async () => {
    expect(code(await t.as('ANALYST', `{ customers(first: 2, orderBy: { field: NAME }) { totalCount } }`))).toBe('FORBIDDEN');
    const admin = ok(await t.gql(`{ customers(first: 2, orderBy: { field: NAME }) { edges { cursor node { name } } } }`)).customers.edges;
    expect(admin.map((e: { node: { name: string } }) => e.node.name)).toEqual(['Adam Apple', 'Bea Brown']);
    for (const { cursor } of admin) {
      const raw = Buffer.from(cursor, 'base64url').toString('latin1');
      expect(raw).not.toMatch(/Adam|Bea|Apple|Brown/);
      expect(() => JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))).toThrow();
    }
  });

  test('cursors page correctly, are stable, and a forged or altered cursor is BAD_USER_INPUT', async () => {
    const q = `query($after: String) { customers(first: 2, after: $after, orderBy: { field: CREATED_AT }) { edges { cursor node { id } } pageInfo { endCursor hasNextPage } } }`;
    const first = ok(await t.as('ANALYST', q)).customers;
    expect(first.pageInfo.endCursor).toBe(first.edges[1].cursor);
    expect(ok(await t.as('ANALYST', q)).customers.pageInfo.endCursor).toBe(first.pageInfo.endCursor);
    const second = ok(await t.as('ANALYST', q, { after: first.pageInfo.endCursor })).customers;
    const seen = [...first.edges, ...second.edges].map((e: { node: { id: string } }) => e.node.id);
    expect(new Set(seen).size).toBe(4);
    const raw = Buffer.from(first.pageInfo.endCursor, 'base64url');
    raw[raw.length - 20] ^= 1;
    const forged = [
      raw.toString('base64url'),
      Buffer.from(JSON.stringify(['2020-01-01T00:00:00.000Z', 1, 'c.created_at'])).toString('base64url'),
      'not a cursor',
    ];
    for (const after of forged) {
      const r = await t.as('ANALYST', q, { after });
      expect(code(r)).toBe('BAD_USER_INPUT');
      expect(JSON.stringify(r.errors)).not.toMatch(/created_at|SELECT|at .*\.ts/);
    }
  });

  test('quasi-identifiers are coarse by default: age band, income band, no city; filters follow', async () => {
    const q = `query($id: ID!) { customer(id: $id) { age annualIncome city country gender tags } }`;
    const analyst = ok(await t.as('ANALYST', q, { id: jane.id })).customer;
    const admin = ok(await t.gql(q, { id: jane.id })).customer;
    expect(admin.age).toBeGreaterThanOrEqual(46);
    expect(analyst).toEqual({ age: Math.floor(admin.age / 10) * 10, annualIncome: 50000, city: null, country: 'DE', gender: 'FEMALE', tags: ['vip'] });
    expect(code(await t.as('ANALYST', `{ customers(filter: { city: "Berlin" }) { totalCount } }`))).toBe('FORBIDDEN');
    expect(code(await t.as('ANALYST', `{ customers(filter: { ageMin: 46 }) { totalCount } }`))).toBe('FORBIDDEN');
    expect(code(await t.as('ANALYST', `{ customers(filter: { ageMax: 46 }) { totalCount } }`))).toBe('FORBIDDEN');
    // Whole bands stay usable, so do the analytics on the stored values.
    const band = Math.floor(admin.age / 10) * 10;
    const inBand = ok(await t.as('ANALYST', `query($a: Int, $b: Int) { customers(filter: { ageMin: $a, ageMax: $b, country: "DE" }) { totalCount } }`, { a: band, b: band + 9 }));
    expect(inBand.customers.totalCount).toBe(1);
    const rows = ok(await t.as('ANALYST', `{ customerAnalytics(first: 10) { nodes { city country totalSpent } } }`)).customerAnalytics.nodes;
    expect(rows.every((r: { city: string | null }) => r.city === null)).toBe(true);
    expect(rows.some((r: { totalSpent: number }) => r.totalSpent === 10)).toBe(true);
  });

  test('the export is masked exactly as the graph: care free text and quasi-identifiers too', async () => {
    const exported = ok(await t.as('ANALYST', `query($id: ID!) { exportCustomerData(id: $id) }`, { id: jane.id })).exportCustomerData;
    const text = JSON.stringify(exported);
    expect(text).not.toMatch(/Jane|Main St|0301234|Berlin|54321|1980/);
    expect(exported.interactions[0]).toMatchObject({ subject: null, body: null, channel: 'PHONE' });
    expect(exported.tickets[0]).toMatchObject({ description: null, type: 'COMPLAINT' });
    expect(exported.customer).toMatchObject({ annualIncome: 50000, city: null, country: 'DE' });
    const graph = ok(await t.as('ANALYST', `query($id: ID!) { customer(id: $id) { interactions(first: 1) { nodes { subject body } } tickets(first: 1) { nodes { subject description } } } }`, { id: jane.id }));
    expect(exported.tickets[0].subject).toBe(graph.customer.tickets.nodes[0].subject);
    expect(graph.customer.interactions.nodes[0]).toEqual({ subject: null, body: null });
    // Other roles get everything.
    expect(JSON.stringify(ok(await t.gql(`query($id: ID!) { exportCustomerData(id: $id) }`, { id: jane.id })))).toMatch(/Jane lives at 1 Main St/);
  });
});

describe('list and nested reads of personal fields are audited', () => {
  const entries = async (requestOp: string) => {
    const log = ok(await t.gql(`{ auditLog(first: 100, filter: { action: "READ" }) { nodes { operation role entity entityId readIds } } }`)).auditLog.nodes as
      { operation: string; role: string; entity: string; entityId: string; readIds: string[] | null }[];
    return log.filter((e) => e.operation === requestOp);
  };

  test('one entry per request with the count and the ids; none when no personal field is read', async () => {
    const before = (await entries('personal fields')).length;
    const listed = ok(await t.as('AGENT', `{ customers(first: 100) { nodes { id email phone } } }`)).customers.nodes as { id: string }[];
    ok(await t.as('ANALYST', `{ purchases(first: 10) { nodes { customer { id name } } } }`));
    ok(await t.as('AGENT', `{ customers(first: 100) { nodes { id country totalSpent: value { totalSpent } } } }`));
    const after = await entries('personal fields');
    expect(after.length).toBe(before + 2);
    const list = after.find((e) => e.role === 'AGENT' && e.readIds?.length === listed.length)!;
    expect(list).toBeDefined();
    expect(list.entityId).toBe(`${listed.length} customers`);
    expect(new Set(list.readIds)).toEqual(new Set(listed.map((c) => c.id)));
    const nested = after.find((e) => e.role === 'ANALYST')!;
    expect(nested.readIds).toEqual([jane.id]);
  });
});

describe('ANALYST_QUASI_IDENTIFIERS', () => {
  test('hidden: none shown, none usable; exact: all shown and usable', async () => {
    const hidden = await startTestApp({ ANALYST_QUASI_IDENTIFIERS: 'hidden' });
    try {
      const c = await makeCustomer(hidden, { name: 'Hal Hidden', birthDate: '1970-03-03', city: 'Paris', country: 'FR', gender: 'MALE', annualIncome: 80000, tags: ['x'] });
      const seen = ok(await hidden.as('ANALYST', `query($id: ID!) { customer(id: $id) { age annualIncome city country gender tags } }`, { id: c.id })).customer;
      expect(seen).toEqual({ age: null, annualIncome: null, city: null, country: null, gender: null, tags: [] });
      for (const f of ['country: "FR"', 'gender: MALE', 'tag: "x"', 'ageMin: 50']) {
        expect(code(await hidden.as('ANALYST', `{ customers(filter: { ${f} }) { totalCount } }`))).toBe('FORBIDDEN');
      }
    } finally {
      await hidden.close();
    }
    const exact = await startTestApp({ ANALYST_QUASI_IDENTIFIERS: 'exact' });
    try {
      const c = await makeCustomer(exact, { name: 'Eve Exact', birthDate: '1970-03-03', city: 'Paris', annualIncome: 80123 });
      expect(ok(await exact.as('ANALYST', `query($id: ID!) { customer(id: $id) { annualIncome city name } }`, { id: c.id })).customer).toEqual({ annualIncome: 80123, city: 'Paris', name: 'E. E.' });
      expect(ok(await exact.as('ANALYST', `{ customers(filter: { city: "Paris", ageMin: 51 }) { totalCount } }`)).customers.totalCount).toBe(1);
      expect(code(await exact.as('ANALYST', `{ customers(filter: { search: "Eve" }) { totalCount } }`))).toBe('FORBIDDEN');
    } finally {
      await exact.close();
    }
  });

  test('an unknown policy or a short cursor secret stops start-up with a clear message', () => {
    expect(() => loadConfig({ ANALYST_QUASI_IDENTIFIERS: 'loose' })).toThrow(/ANALYST_QUASI_IDENTIFIERS/);
    expect(() => loadConfig({ CURSOR_SECRET: 'short' })).toThrow(/CURSOR_SECRET must be at least 16/);
  });
});
