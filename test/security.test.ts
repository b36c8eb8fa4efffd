import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { dbKind, ok, startTestApp, type TestApp } from './support/app';
import { makeCustomer, makeFeedback, makeProduct, makePurchase } from './support/factories';

let t: TestApp;
let customer: { id: string; name: string; email: string | null };
let purchaseId: string;

beforeAll(async () => {
  t = await startTestApp();
  customer = await makeCustomer(t, { name: 'Jane Doe', phone: '+49 30 123456', address: '1 Main St', birthDate: '1980-05-17', city: 'Berlin', country: 'DE' });
  const product = await makeProduct(t, { price: 12.5 });
  purchaseId = (await makePurchase(t, customer.id, [{ productId: product.id, quantity: 2 }])).id;
  await makeFeedback(t, customer.id, 2, { issue: 'DELIVERY', comment: 'Jane here: the parcel was late' });
}, 60_000);
afterAll(() => t.close());

const PERSONAL = `name email phone address birthDate city`;

describe('authentication', () => {
  test('no key, a garbage key and a revoked key are 401 UNAUTHENTICATED', async () => {
    for (const authorization of ['', 'Bearer nope', 'Basic abc']) {
      const r = await t.gql('{ customers(first: 1) { totalCount } }', {}, { authorization });
      expect(r.status).toBe(401);
      expect(r.errors![0].extensions!.code).toBe('UNAUTHENTICATED');
    }
    const created = ok(await t.gql(`mutation { createApiKey(input: { name: "temp", role: AGENT }) { key apiKey { id role keyPrefix } } }`));
    const key = created.createApiKey.key as string;
    expect(key.startsWith(created.createApiKey.apiKey.keyPrefix)).toBe(true);
    const before = await t.gql('{ customers(first: 1) { totalCount } }', {}, { authorization: `Bearer ${key}` });
    expect(before.status).toBe(200);
    ok(await t.gql(`mutation($id: ID!) { revokeApiKey(id: $id) { revokedAt } }`, { id: created.createApiKey.apiKey.id }));
    const after = await t.gql('{ customers(first: 1) { totalCount } }', {}, { authorization: `Bearer ${key}` });
    expect(after.status).toBe(401);
  });

  test('only a hash of a key is stored', async () => {
    const rows: { key_hash: string }[] = await t.ds.query('SELECT key_hash FROM api_keys');
    for (const k of Object.values(t.keys)) expect(rows.some((r) => r.key_hash === k || r.key_hash.includes(k.slice(3)))).toBe(false);
    expect(rows.every((r) => /^[0-9a-f]{64}$/.test(r.key_hash))).toBe(true);
  });
});

describe('ANALYST: read-only, personal data masked on every path, analytics unmasked', () => {
  test('lists, node(), nested customers and exports are masked', async () => {
    const d = ok(await t.as('ANALYST', `query($id: ID!) {
      customers(first: 5) { nodes { ${PERSONAL} value { totalSpent } } }
      node(id: $id) { ... on Customer { ${PERSONAL} } }
      customer(id: $id) { ${PERSONAL} }
      purchases(first: 5) { nodes { customer { ${PERSONAL} } } }
      feedbacks(first: 5) { nodes { customer { name email } } }
      exportCustomerData(id: $id)
    }`, { id: customer.id }));
    const masked = { name: 'J. D.', email: null, phone: null, address: null, birthDate: null, city: null };
    expect(d.customers.nodes[0]).toMatchObject(masked);
    expect(d.customers.nodes[0].value.totalSpent).toBe(25);
    expect(d.node).toEqual(masked);
    expect(d.customer).toEqual(masked);
    expect(d.purchases.nodes[0].customer).toEqual(masked);
    expect(d.feedbacks.nodes[0].customer).toEqual({ name: 'J. D.', email: null });
    const exported = d.exportCustomerData;
    expect(exported.customer).toMatchObject({ name: 'J. D.', email: null, phone: null, address: null, birthDate: null });
    expect(JSON.stringify(exported)).not.toMatch(/Jane|Main St|123456|1980/);
    expect(exported.purchases[0].total).toBe(25);
  });

  test('the same reads as AGENT are not masked', async () => {
    const d = ok(await t.as('AGENT', `query($id: ID!) { customer(id: $id) { ${PERSONAL} } }`, { id: customer.id }));
    expect(d.customer).toMatchObject({ name: 'Jane Doe', phone: '+49 30 123456', address: '1 Main St', birthDate: '1980-05-17' });
  });

  test('every mutation is FORBIDDEN (403)', async () => {
    const r = await t.as('ANALYST', `mutation { createCustomer(input: { name: "X" }) { id } }`);
    expect(r.status).toBe(403);
    expect(r.errors![0].extensions!.code).toBe('FORBIDDEN');
    const count = ok(await t.gql('{ customers { totalCount } }'));
    expect(count.customers.totalCount).toBe(1);
  });
});

describe('AGENT', () => {
  test('writes customers and care data but not keys, the audit log or erasure', async () => {
    ok(await t.as('AGENT', `mutation { createCustomer(input: { name: "Agent made" }) { id } }`));
    for (const op of [
      `mutation { createApiKey(input: { name: "x", role: ADMIN }) { key } }`,
      `{ auditLog(first: 1) { totalCount } }`,
      `{ apiKeys { id } }`,
      `mutation { eraseCustomer(id: "${customer.id}") { id } }`,
    ]) {
      const r = await t.as('AGENT', op);
      expect(r.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
  });
});

describe('audit log', () => {
  test('records single-customer reads, exports and changes with the actor', async () => {
    ok(await t.as('AGENT', `mutation($id: ID!) { updateCustomer(input: { id: $id, city: "Hamburg" }) { city } }`, { id: customer.id }));
    ok(await t.as('ANALYST', `query($id: ID!) { customer(id: $id) { city } }`, { id: customer.id }));
    const log = ok(await t.gql(`query($id: String!) { auditLog(first: 50, filter: { entity: "Customer", entityId: $id }) { totalCount nodes { action operation actor role entityId requestId } } }`, { id: customer.id }));
    const entries = log.auditLog.nodes as { action: string; operation: string; role: string }[];
    expect(entries.some((e) => e.action === 'UPDATE' && e.operation === 'updateCustomer' && e.role === 'AGENT')).toBe(true);
    expect(entries.some((e) => e.action === 'READ' && e.operation === 'customer' && e.role === 'ANALYST')).toBe(true);
    expect(entries.some((e) => e.action === 'EXPORT' && e.role === 'ANALYST')).toBe(true);
    expect(entries.some((e) => e.action === 'CREATE' && e.operation === 'createCustomer')).toBe(true);
  });

  test('reads are written in batches within a second, without anyone asking for the log', async () => {
    const rows = async () => Number((await t.ds.query(`SELECT COUNT(*) AS n FROM audit_log WHERE action = 'READ' AND entity_id = ? AND operation = 'node'`, [customer.id]))[0].n);
    const before = await rows();
    for (let i = 0; i < 3; i++) ok(await t.as('AGENT', `query($id: ID!) { node(id: $id) { id } }`, { id: customer.id }));
    const deadline = Date.now() + 2000;
    while ((await rows()) < before + 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(await rows()).toBe(before + 3);
  });
});

describe('privacy operations', () => {
  test('export holds everything; erasure anonymises, keeps purchases for analytics and is audited', async () => {
    const other = await makeCustomer(t, { name: 'Max Muster', phone: '+49 40 999', address: 'Elbchaussee 1', birthDate: '1970-01-02' });
    const product = await makeProduct(t, { price: 10 });
    await makePurchase(t, other.id, [{ productId: product.id, quantity: 3 }]);
    await makeFeedback(t, other.id, 1, { comment: 'Max says: never again' });
    const exported = ok(await t.gql(`query($id: ID!) { exportCustomerData(id: $id) }`, { id: other.id })).exportCustomerData;
    expect(exported.customer).toMatchObject({ name: 'Max Muster', address: 'Elbchaussee 1' });
    expect(exported.purchases).toHaveLength(1);
    expect(exported.feedback[0].comment).toBe('Max says: never again');

    const erased = ok(await t.gql(`mutation($id: ID!) { eraseCustomer(id: $id) { name email phone address birthDate erasedAt value { totalSpent purchaseCount } } }`, { id: other.id }));
    expect(erased.eraseCustomer).toMatchObject({ email: null, phone: null, address: null, birthDate: null, value: { totalSpent: 30, purchaseCount: 1 } });
    expect(erased.eraseCustomer.name).toMatch(/^Erased customer/);
    expect(erased.eraseCustomer.erasedAt).toBeTruthy();
    const after = ok(await t.gql(`query($id: ID!) { exportCustomerData(id: $id) }`, { id: other.id })).exportCustomerData;
    expect(JSON.stringify(after)).not.toMatch(/Max|Elbchaussee|999|1970/);
    const log = ok(await t.gql(`query($id: String!) { auditLog(filter: { entityId: $id, action: "ERASE" }) { totalCount } }`, { id: other.id }));
    expect(log.auditLog.totalCount).toBe(1);
  });
});

describe('limits', () => {
  test('depth, aliases and cost are rejected with 400 and a clear message before anything runs', async () => {
    const deep = await t.gql(`{ customers(first: 1) { nodes { purchases(first: 1) { nodes { customer { purchases(first: 1) { nodes { customer { purchases(first: 1) { nodes { customer { purchases(first: 1) { nodes { id } } } } } } } } } } } } } }`);
    expect(deep.status).toBe(400);
    expect(deep.errors![0].message).toMatch(/depth/i);
    const aliases = await t.gql(`{ ${Array.from({ length: 20 }, (_, i) => `a${i}: customers(first: 1) { totalCount }`).join(' ')} }`);
    expect(aliases.status).toBe(400);
    expect(aliases.errors![0].message).toMatch(/alias/i);
    const costly = await t.gql(`{ customers(first: 100) { nodes { purchases(first: 100) { nodes { lines { product { name } } } } } } }`);
    expect(costly.status).toBe(400);
    expect(costly.errors![0].extensions!.code).toBe('QUERY_TOO_COSTLY');
    const page = await t.gql(`{ customers(first: 101) { totalCount } }`);
    expect(page.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
    expect(page.errors![0].message).toMatch(/at most 100/);
  });

  test('a document priced once is priced again for the variables its price reads, and still checks the others', async () => {
    const paged = `query Paged($n: Int!, $id: ID!) { customer(id: $id) { id } customers(first: $n) { nodes { purchases(first: $n) { nodes { lines { product { name } } } } } } }`;
    // Priced with n = 2 first, then the same document with a page size past the limit: priced again, refused.
    expect((await t.gql(paged, { n: 2, id: customer.id })).status).toBe(200);
    const costly = await t.gql(paged, { n: 100, id: customer.id });
    expect(costly.status).toBe(400);
    expect(costly.errors![0].extensions!.code).toBe('QUERY_TOO_COSTLY');
    // Another id does not change the price, but a value that does not coerce is still the estimator's 400.
    expect((await t.gql(paged, { n: 2, id: purchaseId })).status).toBe(200);
    for (const id of [null, { a: 1 }, [customer.id]]) {
      const bad = await t.gql(paged, { n: 2, id });
      expect(bad.status).toBe(400);
      expect(bad.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
    }
    // @include read from a variable is part of the price too.
    const included = `query Inc($all: Boolean!) { customers(first: 100) { nodes { id purchases(first: 100) @include(if: $all) { nodes { lines { product { name } } } } } } }`;
    expect((await t.gql(included, { all: false })).status).toBe(200);
    expect((await t.gql(included, { all: true })).errors![0].extensions!.code).toBe('QUERY_TOO_COSTLY');
  });

  test('a per-key rate limit answers 429 with Retry-After', async () => {
    const limited = await startTestApp({ RATE_LIMIT_PER_MINUTE: '3' });
    try {
      const statuses: number[] = [];
      let retryAfter: string | null = null;
      for (let i = 0; i < 5; i++) {
        const res = await fetch(`${limited.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${limited.keys.ANALYST}` },
          body: JSON.stringify({ query: '{ __typename }' }),
        });
        statuses.push(res.status);
        if (res.status === 429) {
          retryAfter = res.headers.get('retry-after');
          expect(((await res.json()) as { errors: { extensions: { code: string } }[] }).errors[0].extensions.code).toBe('RATE_LIMITED');
        }
      }
      expect(statuses.slice(0, 3)).toEqual([200, 200, 200]);
      expect(statuses[3]).toBe(429);
      expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
      // another key has its own budget
      expect((await limited.as('AGENT', '{ __typename }')).status).toBe(200);
    } finally {
      await limited.close();
    }
  });
});

test('/metrics exposes requests, errors by code, latency, SQL statements per request and model fits', async () => {
  ok(await t.gql(`{ segments(k: 2) { inertia } }`));
  const text = await (await fetch(`${t.url}/metrics`)).text();
  for (const name of ['caregraph_http_requests_total', 'caregraph_graphql_errors_total', 'caregraph_http_request_duration_seconds_bucket', 'caregraph_sql_statements_per_request_bucket', 'caregraph_sql_statements_total', 'caregraph_model_fit_seconds_bucket']) {
    expect(text).toContain(name);
  }
  expect(text).toMatch(/caregraph_graphql_errors_total\{code="UNAUTHENTICATED"\} [1-9]/);
  expect(text).toMatch(/caregraph_sql_statements_total [1-9]/);
});

test('the apikey CLI prints the new key alone on stdout and it works', async () => {
  const root = join(__dirname, '..');
  if (!existsSync(join(root, 'dist', 'src', 'cli.js'))) spawnSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: root });
  const opts = t.ds.options as { type: string; database?: string; url?: string };
  const url = dbKind === 'sqlite' ? `sqlite:${opts.database}` : (opts.url as string);
  const out = spawnSync(process.execPath, ['dist/src/cli.js', 'apikey', 'create', '--role', 'ANALYST', '--name', 'cli'], {
    cwd: root, env: { ...process.env, DATABASE_URL: url }, encoding: 'utf8',
  });
  expect(out.status).toBe(0);
  expect(out.stdout).toMatch(/^cg_[A-Za-z0-9_-]+\n$/);
  const res = await fetch(`${t.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${out.stdout.trim()}` },
    body: JSON.stringify({ query: '{ customers(first: 1) { nodes { name } } }' }),
  });
  expect(res.status).toBe(200);
});
