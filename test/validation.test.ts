import { startTestApp, ok, type GqlResult, type TestApp } from './support/app';
import { makeCustomer, makeProduct, makePurchase } from './support/factories';

let t: TestApp;
let customer: { id: string; email: string | null };
let product: { id: string };
beforeAll(async () => {
  t = await startTestApp();
  customer = await makeCustomer(t, { name: 'Valid Person', email: 'valid.person@example.com' });
  product = await makeProduct(t, { price: 10 });
});
afterAll(() => t.close());

const gid = (s: string) => Buffer.from(s).toString('base64');

// What would give away the database or the code: SQL, driver error names, file paths and stack frames.
const LEAK = /\b(SELECT|INSERT|UPDATE|DELETE)\b.*\b(FROM|INTO|SET|WHERE)\b|SQLITE_|\bER_[A-Z_]+|sqlMessage|QueryFailedError|\.ts:\d+|node_modules|\n\s+at /;

/** The one error of the response has this code and a clean message (no SQL, no stack). */
function expectError(r: GqlResult, code: string, message?: RegExp) {
  expect(r.errors).toHaveLength(1);
  const [e] = r.errors!;
  expect({ code: e.extensions?.code, message: e.message }).toEqual({ code, message: expect.stringMatching(message ?? /./) });
  expect(e.message).not.toMatch(LEAK);
  expect(JSON.stringify(e.extensions)).not.toMatch(LEAK);
  expect(e.extensions).not.toHaveProperty('stacktrace');
  expect(e.extensions).not.toHaveProperty('exception');
  expect(r.extensions?.requestId).toEqual(expect.any(String));
  return e;
}

const CREATE_CUSTOMER = `mutation($i: CreateCustomerInput!) { createCustomer(input: $i) { id } }`;
const UPDATE_CUSTOMER = `mutation($i: UpdateCustomerInput!) { updateCustomer(input: $i) { id version name } }`;
const CREATE_PURCHASE = `mutation($i: CreatePurchaseInput!) { createPurchase(input: $i) { id } }`;
const CREATE_FEEDBACK = `mutation($i: CreateFeedbackInput!) { createFeedback(input: $i) { id } }`;

describe('customer input', () => {
  test('a bad email is BAD_USER_INPUT naming the field', async () => {
    for (const email of ['not-an-email', 'a@', '@b.com', 'two@@example.com']) {
      const e = expectError(await t.gql(CREATE_CUSTOMER, { i: { name: 'X', email } }), 'BAD_USER_INPUT', /email/);
      expect(e.extensions?.details).toEqual({ fields: { email: [expect.stringMatching(/email/)] } });
    }
  });

  test('a future or impossible birth date is BAD_USER_INPUT', async () => {
    const tomorrow = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10);
    for (const birthDate of [tomorrow, '2999-01-01', '2001-02-29', '1990-13-01', '12/05/1990']) {
      expectError(await t.gql(CREATE_CUSTOMER, { i: { name: 'X', birthDate } }), 'BAD_USER_INPUT', /birthDate/);
    }
    ok(await t.gql(CREATE_CUSTOMER, { i: { name: 'Leap Born', birthDate: '2000-02-29' } }));
  });

  test('a country that is not a two-letter ISO code in capitals is BAD_USER_INPUT', async () => {
    for (const country of ['Germany', 'de', 'D', 'DEU']) {
      expectError(await t.gql(CREATE_CUSTOMER, { i: { name: 'X', country } }), 'BAD_USER_INPUT', /country/);
    }
  });

  test('other field rules: empty name, bad phone, negative income, bad tag', async () => {
    expectError(await t.gql(CREATE_CUSTOMER, { i: { name: '' } }), 'BAD_USER_INPUT', /name/);
    expectError(await t.gql(CREATE_CUSTOMER, { i: { name: 'X', phone: 'call me' } }), 'BAD_USER_INPUT', /phone/);
    expectError(await t.gql(CREATE_CUSTOMER, { i: { name: 'X', annualIncome: -1 } }), 'BAD_USER_INPUT', /annualIncome/);
    expectError(await t.gql(CREATE_CUSTOMER, { i: { name: 'X', tags: ['ok', '%bad'] } }), 'BAD_USER_INPUT', /tag/);
  });

  test('several bad fields are all reported', async () => {
    const e = expectError(await t.gql(CREATE_CUSTOMER, { i: { name: 'X', email: 'nope', country: 'germany' } }), 'BAD_USER_INPUT');
    expect(Object.keys((e.extensions?.details as { fields: object }).fields).sort()).toEqual(['country', 'email']);
  });

  test('a duplicate email on create is CONFLICT, in any letter case', async () => {
    expectError(await t.gql(CREATE_CUSTOMER, { i: { name: 'Twin', email: 'valid.person@example.com' } }), 'CONFLICT', /already exists/);
    expectError(await t.gql(CREATE_CUSTOMER, { i: { name: 'Twin', email: 'Valid.Person@Example.com' } }), 'CONFLICT', /already exists/);
    const other = await makeCustomer(t, { email: 'other.person@example.com' });
    expectError(await t.gql(UPDATE_CUSTOMER, { i: { id: other.id, email: 'valid.person@example.com' } }), 'CONFLICT', /already exists/);
  });

  test('a stale version on updateCustomer is CONFLICT and the update is not applied', async () => {
    const c = await makeCustomer(t, { name: 'Versioned' });
    const v = ok(await t.gql(`query($id: ID!) { customer(id: $id) { version } }`, { id: c.id })).customer.version;
    const first = ok(await t.gql(UPDATE_CUSTOMER, { i: { id: c.id, name: 'First Writer', version: v } })).updateCustomer;
    expect(first.version).toBe(v + 1);
    const e = expectError(await t.gql(UPDATE_CUSTOMER, { i: { id: c.id, name: 'Second Writer', version: v } }), 'CONFLICT', /version/);
    expect(e.extensions?.details).toEqual({ currentVersion: v + 1 });
    expect(ok(await t.gql(`query($id: ID!) { customer(id: $id) { name version } }`, { id: c.id })).customer).toEqual({ name: 'First Writer', version: v + 1 });
  });

  test('updating a missing customer is NOT_FOUND', async () => {
    expectError(await t.gql(UPDATE_CUSTOMER, { i: { id: gid('Customer:987654'), name: 'Ghost' } }), 'NOT_FOUND', /was not found/);
    expectError(await t.gql(`mutation($id: ID!) { deleteCustomer(id: $id) { id } }`, { id: gid('Customer:987654') }), 'NOT_FOUND');
  });

  test('upsertCustomer needs a valid email', async () => {
    expectError(await t.gql(`mutation { upsertCustomer(input: { email: "nope", name: "X" }) { created } }`), 'BAD_USER_INPUT', /email/);
  });
});

describe('global ids', () => {
  test('an id of the wrong type is BAD_USER_INPUT wherever an id goes in', async () => {
    const cases: [string, Record<string, unknown>][] = [
      [CREATE_PURCHASE, { i: { customerId: product.id, channel: 'ONLINE', lines: [{ productId: product.id, quantity: 1 }] } }],
      [CREATE_PURCHASE, { i: { customerId: customer.id, channel: 'ONLINE', lines: [{ productId: customer.id, quantity: 1 }] } }],
      [CREATE_FEEDBACK, { i: { customerId: product.id, score: 3 } }],
      [CREATE_FEEDBACK, { i: { customerId: customer.id, productId: customer.id, score: 3 } }],
      [UPDATE_CUSTOMER, { i: { id: product.id, name: 'X' } }],
      [`query($id: ID!) { customer(id: $id) { id } }`, { id: product.id }],
      [`query($id: ID!) { product(id: $id) { id } }`, { id: customer.id }],
      [`query($id: ID!) { purchase(id: $id) { id } }`, { id: 'garbage' }],
      [`query($id: ID!) { purchases(filter: { customerId: $id }) { totalCount } }`, { id: product.id }],
      [`query($id: ID!) { feedbacks(filter: { customerId: $id }) { totalCount } }`, { id: product.id }],
      [`mutation($id: ID!) { deleteProduct(id: $id) { id } }`, { id: customer.id }],
    ];
    for (const [query, variables] of cases) {
      const r = await t.gql(query, variables);
      expectError(r, 'BAD_USER_INPUT', /is not a (Customer|Product|Purchase) id/);
    }
  });

  test('node() gives null for unknown or garbage ids', async () => {
    for (const id of ['garbage', '', gid('Customer:987654'), gid('Product:987654'), gid('Purchase:987654'), gid('Feedback:987654'), gid('Widget:1'), gid('Customer:0'), gid('Customer:-1'), gid('Customer:1e3'), gid('Customer:')]) {
      const r = await t.gql(`query($id: ID!) { node(id: $id) { id } }`, { id });
      expect({ id, r: ok(r) }).toEqual({ id, r: { node: null } });
    }
  });
});

describe('purchase input', () => {
  test('a zero or negative quantity is BAD_USER_INPUT', async () => {
    for (const quantity of [0, -1, -100]) {
      expectError(await t.gql(CREATE_PURCHASE, { i: { customerId: customer.id, channel: 'ONLINE', lines: [{ productId: product.id, quantity }] } }), 'BAD_USER_INPUT', /quantity must be at least 1/);
    }
  });

  test('other purchase rules: no lines, negative price, future date, bad idempotency key', async () => {
    const base = { customerId: customer.id, channel: 'ONLINE', lines: [{ productId: product.id, quantity: 1 }] };
    expectError(await t.gql(CREATE_PURCHASE, { i: { ...base, lines: [] } }), 'BAD_USER_INPUT', /at least one line/);
    expectError(await t.gql(CREATE_PURCHASE, { i: { ...base, lines: [{ productId: product.id, quantity: 1, unitPrice: -0.01 }] } }), 'BAD_USER_INPUT', /unitPrice/);
    expectError(await t.gql(CREATE_PURCHASE, { i: { ...base, purchasedAt: new Date(Date.now() + 86_400_000).toISOString() } }), 'BAD_USER_INPUT', /future/);
    expectError(await t.gql(CREATE_PURCHASE, { i: { ...base, idempotencyKey: 'has space' } }), 'BAD_USER_INPUT', /idempotencyKey/);
  });

  test('an unknown product or customer is NOT_FOUND and nothing is written', async () => {
    const before = ok(await t.gql(`{ purchases { totalCount } }`)).purchases.totalCount;
    expectError(
      await t.gql(CREATE_PURCHASE, { i: { customerId: customer.id, channel: 'ONLINE', lines: [{ productId: gid('Product:987654'), quantity: 1 }] } }),
      'NOT_FOUND',
      /product .* was not found/,
    );
    expectError(await t.gql(CREATE_PURCHASE, { i: { customerId: gid('Customer:987654'), channel: 'ONLINE', lines: [{ productId: product.id, quantity: 1 }] } }), 'NOT_FOUND', /Customer/);
    expect(ok(await t.gql(`{ purchases { totalCount } }`)).purchases.totalCount).toBe(before);
  });

  test('a purchase of a deleted customer is NOT_FOUND', async () => {
    const c = await makeCustomer(t);
    ok(await t.gql(`mutation($id: ID!) { deleteCustomer(id: $id) { id } }`, { id: c.id }));
    expectError(await t.gql(CREATE_PURCHASE, { i: { customerId: c.id, channel: 'ONLINE', lines: [{ productId: product.id, quantity: 1 }] } }), 'NOT_FOUND');
  });
});

describe('feedback input', () => {
  test('a score outside 1..5 is BAD_USER_INPUT', async () => {
    for (const score of [0, 6, -1, 100]) {
      expectError(await t.gql(CREATE_FEEDBACK, { i: { customerId: customer.id, score } }), 'BAD_USER_INPUT', /score must be between 1 and 5/);
    }
    for (const score of [1, 5]) ok(await t.gql(CREATE_FEEDBACK, { i: { customerId: customer.id, score } }));
  });

  test('an unknown customer or purchase is NOT_FOUND; a future date and a long comment are BAD_USER_INPUT', async () => {
    expectError(await t.gql(CREATE_FEEDBACK, { i: { customerId: gid('Customer:987654'), score: 3 } }), 'NOT_FOUND');
    expectError(await t.gql(CREATE_FEEDBACK, { i: { customerId: customer.id, purchaseId: gid('Purchase:987654'), score: 3 } }), 'NOT_FOUND');
    expectError(await t.gql(CREATE_FEEDBACK, { i: { customerId: customer.id, score: 3, createdAt: new Date(Date.now() + 86_400_000).toISOString() } }), 'BAD_USER_INPUT', /future/);
    expectError(await t.gql(CREATE_FEEDBACK, { i: { customerId: customer.id, score: 3, comment: 'x'.repeat(2001) } }), 'BAD_USER_INPUT', /comment/);
  });
});

describe('product input', () => {
  test('bad sku, negative price, empty name are BAD_USER_INPUT', async () => {
    const m = `mutation($i: CreateProductInput!) { createProduct(input: $i) { id } }`;
    const base = { sku: 'VAL-1', name: 'N', category: 'c', price: 1 };
    expectError(await t.gql(m, { i: { ...base, sku: 'has space' } }), 'BAD_USER_INPUT', /sku/);
    expectError(await t.gql(m, { i: { ...base, price: -1 } }), 'BAD_USER_INPUT', /price/);
    expectError(await t.gql(m, { i: { ...base, name: '' } }), 'BAD_USER_INPUT', /name/);
  });
});

describe('GraphQL-level errors', () => {
  // graphql-armor's max-tokens plugin turned this into HTTP 500 (graphql-armor issues #571, #605, #751).
  test('a syntax error is HTTP 400 GRAPHQL_PARSE_FAILED', async () => {
    const parse = await t.gql(`{ customers( }`);
    expect(parse.status).toBe(400);
    expectError(parse, 'GRAPHQL_PARSE_FAILED');
  });

  test('unknown fields and wrongly typed variables have their codes', async () => {
    const unknown = await t.gql(`{ customers { nope } }`);
    expect(unknown.status).toBe(400);
    expectError(unknown, 'GRAPHQL_VALIDATION_FAILED', /nope/);
    const typed = await t.gql(`query($n: Int) { customers(first: $n) { totalCount } }`, { n: 'ten' });
    expectError(typed, 'BAD_USER_INPUT');
    const enumValue = await t.gql(CREATE_PURCHASE, { i: { customerId: customer.id, channel: 'TELEPATHY', lines: [{ productId: product.id, quantity: 1 }] } });
    expectError(enumValue, 'BAD_USER_INPUT');
  });

  test('a filter out of range is BAD_USER_INPUT', async () => {
    expectError(await t.gql(`{ customers(filter: { ageMin: -1 }) { totalCount } }`), 'BAD_USER_INPUT');
    expectError(await t.gql(`{ feedbacks(filter: { scoreMin: 0 }) { totalCount } }`), 'BAD_USER_INPUT');
    expectError(await t.gql(`{ purchases(filter: { minTotal: -5 }) { totalCount } }`), 'BAD_USER_INPUT');
  });

  test('a valid request still works after all of this', async () => {
    const p = await makePurchase(t, customer.id, [{ productId: product.id, quantity: 2 }]);
    expect(p.total).toBe(20);
  });
});
