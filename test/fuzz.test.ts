import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { parseGlobalId, toGlobalId } from '../src/common/global-id';
import { dbKind, ok, startTestApp, tableNames, type TestApp } from './support/app';
import { makeCustomer, makeFeedback, makeProduct, makePurchase } from './support/factories';

/**
 * Property-based fuzzing over real HTTP: thousands of malformed or hostile requests, each of which must get
 * a client error or a harmless answer (never a 5xx, never an unlisted error code, never a stack trace or SQL),
 * must leave the database exactly as it was, and must leave the server serving.
 */

const MAX_BODY = 20_000;
const ALLOWED_CODES = new Set([
  'BAD_USER_INPUT', 'NOT_FOUND', 'CONFLICT', 'FORBIDDEN', 'UNAUTHENTICATED', 'RATE_LIMITED', 'QUERY_TOO_COSTLY', 'BAD_REQUEST',
  'GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'PERSISTED_QUERY_NOT_FOUND', 'OPERATION_RESOLUTION_FAILURE',
]);
/** What an internal error leaks: SQL, driver codes, stack frames. */
const LEAKS = [/SELECT/, /INSERT/, /\bUPDATE\s+`?\w+`?\s+SET/, /at \//, /\.ts:/, /\.js:\d/, /SQLITE_/, /\bER_[A-Z_]{3,}/, /QueryFailedError/];
/** Tables whose rows a read may legitimately add: the audit trail, key bookkeeping, cached model fits. */
const VOLATILE_TABLES = new Set(['audit_log', 'api_keys', 'analytics_models']);

type Role = 'ADMIN' | 'AGENT' | 'ANALYST';
type Auth = Role | 'revoked' | { header: string | null };

interface Req {
  method: string;
  auth: Auth;
  headers?: Record<string, string>;
  /** Appended to /graphql. */
  search?: string;
  body?: string | Uint8Array;
  /** The answer must be an error (a rejected mutation, a refused key). */
  mustFail?: boolean;
  /** Every error must carry this code. */
  code?: string;
  status?: number;
}

let t: TestApp;
let revokedKey: string;
let sent = 0;
const seeded = { customers: [] as { id: string; name: string; email: string | null }[], products: [] as string[], purchases: [] as string[] };
let before: Record<string, string>;

beforeAll(async () => {
  t = await startTestApp({ MAX_BODY_BYTES: String(MAX_BODY) });
  const people: [string, string | null][] = [
    ["Siobhan O'Brien", 'obrien@example.com'], ['100% Pure Ltd', 'pure@example.com'], ['under_score Co', 'under_score@example.com'],
    ['Back\\slash Inc', null], ['Bang! Traders', 'bang@example.org'], ['Quote "Q" Corp', 'q-1@example.net'], ['Zoë Ünal', 'zoe@example.com'],
  ];
  for (const [name, email] of people) seeded.customers.push(await makeCustomer(t, { name, email, city: 'Köln', country: 'DE', tags: ['vip'] }));
  for (let i = 0; i < 4; i++) seeded.products.push((await makeProduct(t, { price: 5 + i, attributes: { tier: i } })).id);
  for (let i = 0; i < 8; i++) {
    const c = seeded.customers[i % seeded.customers.length].id;
    seeded.purchases.push((await makePurchase(t, c, [{ productId: seeded.products[i % 4], quantity: 1 + i }, { productId: seeded.products[(i + 1) % 4], quantity: 2 }], { idempotencyKey: `seed-${i}` })).id);
  }
  for (let i = 0; i < 5; i++) await makeFeedback(t, seeded.customers[i].id, 1 + i, { comment: `comment ${i} 100%` });
  const revoked = await t.app.services.auth.create('fuzz revoked', 'AGENT' as never);
  await t.app.services.auth.revoke(revoked.apiKey.id);
  revokedKey = revoked.key;
  before = await snapshot();
});

afterAll(async () => {
  await t?.close();
});

/** Row count and a hash of every row of every table but the volatile ones. */
async function snapshot(): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const name of (await tableNames(t.ds)).sort((a, b) => a.localeCompare(b))) {
    if (VOLATILE_TABLES.has(name)) continue;
    const rows: unknown[] = await t.ds.query(`SELECT * FROM ${dbKind === 'mysql' ? `\`${name}\`` : `"${name}"`}`);
    const lines = rows.map((r) => JSON.stringify(r)).sort();
    out[name] = `${rows.length} rows, ${createHash('sha256').update(lines.join('\n')).digest('hex').slice(0, 16)}`;
  }
  return out;
}

function authHeader(auth: Auth): string | null {
  if (typeof auth === 'object') return auth.header;
  return `Bearer ${auth === 'revoked' ? revokedKey : t.keys[auth]}`;
}

async function send(req: Req): Promise<{ status: number; text: string; type: string }> {
  const headers: Record<string, string> = { ...req.headers };
  const a = authHeader(req.auth);
  if (a !== null) headers.authorization = a;
  sent++;
  const res = await fetch(`${t.url}/graphql${req.search ?? ''}`, { method: req.method, headers, body: req.body, signal: AbortSignal.timeout(20_000) });
  return { status: res.status, text: await res.text(), type: res.headers.get('content-type') ?? '' };
}

/** The invariants every answer must keep; throws with the request and the answer when one is broken. */
async function check(req: Req): Promise<void> {
  const res = await send(req);
  const fail = (why: string) => {
    const body = typeof req.body === 'string' ? req.body.slice(0, 500) : `<${req.body?.length ?? 0} bytes>`;
    throw new Error(`${why}\nrequest: ${req.method} ${req.search ?? ''} auth=${JSON.stringify(req.auth)} ${body}\nanswer: ${res.status} ${res.text.slice(0, 800)}`);
  };
  if (res.status >= 500) fail('server error status');
  if (req.status !== undefined && res.status !== req.status) fail(`expected status ${req.status}`);
  if (req.method === 'HEAD') return;
  if (!/json/.test(res.type)) fail('answer is not JSON');
  let json: { data?: Record<string, unknown> | null; errors?: { message?: unknown; extensions?: { code?: unknown } }[] };
  try {
    json = JSON.parse(res.text);
  } catch {
    return fail('answer does not parse as JSON');
  }
  const errors = json.errors ?? [];
  if (!Array.isArray(errors)) fail('errors is not a list');
  const sentText = typeof req.body === 'string' ? req.body : Buffer.from(req.body ?? []).toString('latin1');
  for (const e of errors) {
    const code = e.extensions?.code;
    if (typeof code !== 'string' || !ALLOWED_CODES.has(code)) fail(`error code ${String(code)} is not in the closed set`);
    if (req.code && code !== req.code) fail(`expected code ${req.code}`);
    if (typeof e.message !== 'string') fail('error without a message');
    for (const leak of LEAKS) {
      // A message may quote the request back (a bad id, a syntax error); only what we did not send is a leak.
      const m = leak.exec(e.message as string);
      if (m && !sentText.includes(m[0]) && !Buffer.from(unpct(req.search ?? '')).toString('latin1').includes(m[0])) fail(`error message leaks ${leak}`);
    }
  }
  if (res.status === 200 && errors.length === 0 && (json.data === null || typeof json.data !== 'object')) fail('200 without data or errors');
  if (req.mustFail) {
    if (errors.length === 0) fail('a request that must be refused succeeded');
    if (json.data && Object.values(json.data).some((v) => v !== null)) fail('a refused request still returned data');
  }
}

const gqlBody = (query: string, variables?: unknown, extra: Record<string, unknown> = {}) => JSON.stringify({ query, variables, ...extra });
const post = (auth: Auth, query: string, variables?: unknown, more: Partial<Req> = {}): Req => ({
  method: 'POST', auth, headers: { 'content-type': 'application/json' }, body: gqlBody(query, variables), ...more,
});
/** Percent-encodes every UTF-8 byte (encodeURIComponent throws on a lone surrogate). */
const pct = (s: string) => Array.from(Buffer.from(s, 'utf8'), (b) => `%${b.toString(16).padStart(2, '0')}`).join('');
const unpct = (s: string) => Buffer.from(s.replace(/%([0-9a-f]{2})/gi, (_, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1');
/** A GraphQL string literal (JSON's escapes are GraphQL's). */
const lit = (s: string) => JSON.stringify(s);

const role = fc.constantFrom<Role>('ADMIN', 'AGENT', 'ANALYST');
const INJECTIONS = [
  "' OR 1=1 --", '" OR ""="', "'; DROP TABLE customers; --", '%', '_', '%_%', '!', '!%', '\\', '\\\\', "\\'", '\u0000', 'a\u0000b', '%00',
  '𝔘𝔫𝔦𝔠𝔬𝔡𝔢', 'Zoë', 'ZOË', '\u202Eevil', '\uD800', '\uDFFF', '<script>alert(1)</script>', '../../etc/passwd', '${7*7}', '{{7*7}}',
  "1; WAITFOR DELAY '0:0:5'--", 'SLEEP(5)', '*', '?', '$1', '\r\n', '\t', ' ', '', 'null', 'undefined', 'NaN', '-1', '0x7fffffff', '[]', '{}',
  'Q3VzdG9tZXI6MQ==', 'Q3VzdG9tZXI6LTE=', 'Q3VzdG9tZXI6OTk5OTk5OTk5OTk5OTk5OTk=', 'UHJvZHVjdDox', '\u00A0', 'ǅ', 'İ', 'ß', 'ﬀ',
];
const hostile = fc.oneof(
  fc.constantFrom(...INJECTIONS),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ maxLength: 40 }),
  fc.tuple(fc.constantFrom(...INJECTIONS), fc.string({ unit: 'binary', maxLength: 10 }), fc.constantFrom(...INJECTIONS)).map(([a, b, c]) => a + b + c),
);
const unknownId = (type: string) => fc.integer({ min: 1_000_000, max: 2_000_000_000 }).map((n) => toGlobalId(type, n));
// Never a real record's id (the injection list holds a few well-formed ones on purpose).
const garbageId = fc.oneof(hostile.filter((s) => parseGlobalId(s) === null), fc.constantFrom('Q3VzdG9tZXI6MA==', toGlobalId('Nope', 1), toGlobalId('Customer', 0), 'Q3VzdG9tZXI6MS41', '!!!'));
const realCustomer = () => fc.constantFrom(...seeded.customers.map((c) => c.id));
const realProduct = () => fc.constantFrom(...seeded.products);
const runs = (numRuns: number) => ({ numRuns, endOnFailure: true });
/** A mutation, its $v, and the one error code it must get (when there is one). */
type Op = [query: string, variables: unknown, code?: string];
const op = (query: string, variables: unknown, code?: string): Op => [query, variables, code];

describe('hostile requests get client errors and change nothing', () => {
  test('broken GraphQL syntax (300 requests)', async () => {
    const valid = [
      '{ customers(first: 5) { totalCount nodes { id name purchases(first: 2) { nodes { total } } } } }',
      'query Q($id: ID!) { customer(id: $id) { id name } }',
      'mutation { createCustomer(input: { name: "x" }) { id } }',
      '{ products(filter: { search: "a" }) { nodes { sku price } } }',
    ];
    const mutated = fc.tuple(fc.constantFrom(...valid), fc.array(fc.tuple(fc.nat(), fc.nat({ max: 5 }), fc.string({ unit: 'binary', maxLength: 4 })), { minLength: 1, maxLength: 6 })).map(([q, edits]) => {
      let s = q;
      for (const [at, del, ins] of edits) {
        const i = at % (s.length + 1);
        s = s.slice(0, i) + ins + s.slice(i + del);
      }
      return s;
    });
    const nonsense = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 200 }),
      fc.constantFrom('{', '}', '{{', 'query', 'query {', '{ customers(first: ) { id } }', '{ ... }', '{ customers { ...on } }', 'subscription { x }', '"""', '#', '{ a: }', '{ __typename @ }'),
      fc.array(fc.constantFrom('{', '}', '(', ')', '[', ']', ':', '$', '@', '...', '!', '=', '"', 'query', 'mutation', 'fragment', 'on', 'customers', 'id', ',', '|', '&'), { maxLength: 60 }).map((a) => a.join(' ')),
    );
    await fc.assert(
      fc.asyncProperty(fc.oneof(mutated, nonsense), role, async (query, r) => {
        // A few edits can leave the mutation valid ("x" -> "xy"); only a read-only key may send those.
        await check(post(/mutation/.test(query) ? 'ANALYST' : r, query, { id: seeded.customers[0].id }));
      }),
      runs(300),
    );
  });

  test('depth, alias, directive, token and page-size abuse (250 requests)', async () => {
    const deep = fc.integer({ min: 1, max: 40 }).map((d) => {
      let inner = 'id';
      for (let i = 0; i < d; i++) inner = i % 2 ? `customer { ${inner} }` : `purchases(first: 2) { nodes { ${inner} } }`;
      return `{ customers(first: 2) { nodes { ${inner} } } }`;
    });
    const aliases = fc.tuple(fc.integer({ min: 1, max: 120 }), fc.integer({ min: 1, max: 100 })).map(([n, k]) =>
      `{ ${Array.from({ length: n }, (_, i) => `a${i}: customers(first: ${k}) { totalCount nodes { id } }`).join(' ')} }`);
    const directives = fc.integer({ min: 1, max: 60 }).map((n) => `{ __typename ${'@include(if: true) '.repeat(n)} }`);
    const tokens = fc.integer({ min: 1, max: 1900 }).map((n) => `{ ${'__typename '.repeat(n)}}`);
    const braces = fc.integer({ min: 1, max: 4000 }).map((n) => '{'.repeat(n) + '}'.repeat(n));
    const page = fc.oneof(fc.integer(), fc.constantFrom(2 ** 31, 2 ** 31 - 1, -(2 ** 31), 2 ** 53, 0, -1, 100, 101, 1000, 1e6));
    const pages = fc.tuple(page, page, fc.constantFrom('first', 'last'), fc.boolean()).map(([a, b, dir, asVar]) =>
      asVar
        ? { q: `query($a: Int, $b: Int) { customers(${dir}: $a) { nodes { purchases(${dir}: $b) { nodes { lines { product { name } } } } } } }`, v: { a, b } }
        : { q: `{ customers(${dir}: ${a}) { nodes { purchases(${dir}: ${b}) { nodes { total } } } } }`, v: undefined });
    const fragmentCycle = fc.integer({ min: 1, max: 8 }).map((n) =>
      `query { ...F0 } ${Array.from({ length: n }, (_, i) => `fragment F${i} on Query { __typename ...F${(i + 1) % n} }`).join(' ')}`);
    const fragmentBomb = fc.integer({ min: 1, max: 30 }).map((n) =>
      `query { ...F0 } ${Array.from({ length: n }, (_, i) => (i + 1 < n ? `fragment F${i} on Query { ...F${i + 1} ...F${i + 1} }` : `fragment F${i} on Query { __typename }`)).join(' ')}`);
    const introspection = fc.integer({ min: 1, max: 30 }).map((d) => `{ __schema { types { ${'fields { type { '.repeat(d)}name${' } }'.repeat(d)} } } }`);
    const arb = fc.oneof(
      deep.map((q) => ({ q, v: undefined as unknown })), aliases.map((q) => ({ q, v: undefined })), directives.map((q) => ({ q, v: undefined })),
      tokens.map((q) => ({ q, v: undefined })), braces.map((q) => ({ q, v: undefined })), pages, fragmentCycle.map((q) => ({ q, v: undefined })),
      fragmentBomb.map((q) => ({ q, v: undefined })), introspection.map((q) => ({ q, v: undefined })),
    );
    await fc.assert(
      fc.asyncProperty(arb, role, async ({ q, v }, r) => {
        await check(post(r, q, v));
      }),
      runs(250),
    );
  });

  test('variables of the wrong type and shape (300 requests)', async () => {
    const ops = [
      'query($v: Int) { customers(first: $v) { totalCount } }',
      'query($v: ID!) { customer(id: $v) { id name } }',
      'query($v: String) { customers(filter: { search: $v }) { totalCount } }',
      'query($v: CustomerFilter) { customers(filter: $v) { totalCount } }',
      'query($v: [SegmentFeature!]) { __typename }',
      'query($v: PurchaseFilter) { purchases(filter: $v) { totalCount } }',
      'query($v: Float) { products(filter: { priceMin: $v }) { totalCount } }',
      'query($v: Boolean!) { customers(filter: { emailOptIn: $v }) { totalCount } }',
      'query($v: CustomerOrder) { customers(orderBy: $v, first: 3) { nodes { id } } }',
      'query($v: DateTimeISO) { purchases(filter: { from: $v }) { totalCount } feedbacks(filter: { to: $v }) { totalCount } }',
      'query($v: Float) { purchases(filter: { minTotal: $v }) { totalCount } }',
      'mutation($v: CreatePurchaseInput!) { createPurchase(input: $v) { id } }',
      'mutation($v: UpdateCustomerInput!) { updateCustomer(input: $v) { id } }',
      'mutation($v: CreateProductInput!) { createProduct(input: $v) { id } }',
    ];
    // A top-level null is left to the known-bug test below.
    const notNullV = (vars: unknown) => !(vars !== null && typeof vars === 'object' && (vars as { v?: unknown }).v === null);
    const value = fc.oneof(
      fc.jsonValue({ maxDepth: 4 }).filter((v) => v !== null),
      fc.constantFrom(2 ** 31, -(2 ** 31) - 1, 1e308, -1e308, 5e-324, -0, 0.5, '', 'DESC', 'AGE', [null], [[]], { field: 'NOPE' }, { field: 'ID', direction: 'UP' }),
      fc.constantFrom(
        '0000-01-01T00:00:00Z', '0001-01-01T00:00:00Z', '9999-12-31T23:59:59.999Z', '1970-01-01T00:00:00Z', '2020-02-30T00:00:00Z', '2020-01-01T24:00:00Z',
        '2020-01-01T00:00:00+14:00', '2020-01-01T00:00:00-23:59', '+275760-09-13T00:00:00Z', '-000001-01-01T00:00:00Z', '2020-01-01', '2020-01-01T00:00:00.123456789Z',
      ),
      fc.dictionary(fc.constantFrom('customerId', 'lines', 'channel', 'id', 'version', 'search', 'ageMin', 'from', 'minTotal', 'sku', 'price', '__proto__', 'constructor'), fc.jsonValue({ maxDepth: 2 })),
    );
    // Deep nesting is written as text: JSON.stringify itself would overflow the stack.
    const deepText = fc.tuple(fc.integer({ min: 50, max: 8000 }), fc.constantFrom('[', '{"a":')).map(([d, open]) => open.repeat(d) + (open === '[' ? '' : '1') + (open === '[' ? ']' : '}').repeat(d));
    const arb = fc.oneof(
      { weight: 8, arbitrary: fc.tuple(fc.constantFrom(...ops), value, fc.constantFrom<Role>('ADMIN', 'AGENT')).map(([q, v, r]) => ({ r, body: gqlBody(q, { v }) })) },
      { weight: 2, arbitrary: fc.tuple(fc.constantFrom(...ops), deepText).map(([q, d]) => ({ r: 'ADMIN' as Role, body: `{"query":${JSON.stringify(q)},"variables":{"v":${d}}}` })) },
      { weight: 2, arbitrary: fc.tuple(fc.constantFrom(...ops), fc.jsonValue({ maxDepth: 2 }).filter(notNullV)).map(([q, vars]) => ({ r: 'ADMIN' as Role, body: JSON.stringify({ query: q, variables: vars }) })) },
    );
    await fc.assert(
      fc.asyncProperty(arb, async ({ r, body }) => {
        // Random JSON cannot name a real customer or product (base64 "Customer:<n>"), so no mutation here can
        // succeed; the database comparison at the end would tell.
        await check({ method: 'POST', auth: r, headers: { 'content-type': 'application/json' }, body });
      }),
      runs(300),
    );
  });

  test('injection-looking strings in filters, ids and cursors (350 requests)', async () => {
    const templates: [string, string, Role[]][] = [
      ['String', 'customers(filter: { search: $v }) { totalCount nodes { id name } }', ['ADMIN', 'AGENT', 'ANALYST']],
      ['String', 'customers(filter: { city: $v, country: $v }) { totalCount }', ['ADMIN', 'ANALYST']],
      ['String', 'customers(filter: { tag: $v }) { totalCount }', ['AGENT', 'ANALYST']],
      ['String', 'products(filter: { search: $v }) { totalCount nodes { sku } }', ['ADMIN', 'ANALYST']],
      ['String', 'products(filter: { category: $v, tag: $v }) { totalCount }', ['AGENT']],
      ['ID!', 'customer(id: $v) { id name }', ['ADMIN', 'AGENT', 'ANALYST']],
      ['ID!', 'node(id: $v) { id }', ['ADMIN', 'ANALYST']],
      ['ID!', 'purchase(id: $v) { id total }', ['AGENT']],
      ['ID!', 'product(id: $v) { id }', ['ANALYST']],
      ['String', 'customers(after: $v, first: 3) { nodes { id } }', ['ADMIN', 'ANALYST']],
      ['String', 'purchases(before: $v, last: 3) { nodes { id } }', ['AGENT']],
      ['ID', 'purchases(filter: { customerId: $v }) { totalCount }', ['ADMIN', 'AGENT']],
      ['ID', 'feedbacks(filter: { customerId: $v }) { totalCount }', ['ANALYST']],
      ['String', 'auditLog(filter: { entity: $v, action: $v }) { totalCount }', ['ADMIN', 'AGENT', 'ANALYST']],
      ['ID!', 'exportCustomerData(id: $v)', ['ADMIN', 'ANALYST']],
    ];
    const arb = fc.tuple(fc.nat({ max: templates.length - 1 }), fc.oneof(hostile, garbageId), fc.boolean(), fc.nat({ max: 2 })).map(([i, v, inline, k]) => {
      const [type, selection, roles] = templates[i];
      const r = roles[k % roles.length];
      return inline ? post(r, `{ ${selection.replaceAll('$v', lit(v))} }`) : post(r, `query($v: ${type}) { ${selection} }`, { v });
    });
    await fc.assert(fc.asyncProperty(arb, check), runs(350));
  });

  test('LIKE wildcards and escapes in a search match literally (150 requests)', async () => {
    // An oracle instead of "no error": the count must be that of the seeded customers whose name or email
    // contains the text, so %, _, ! and \ can neither widen nor break the match.
    const text = fc.array(fc.constantFrom('%', '_', '!', '\\', "'", '"', ' ', 'a', 'O', 'b', '-', '1', '0', '@', '.'), { minLength: 1, maxLength: 3 }).map((a) => a.join(''));
    await fc.assert(
      fc.asyncProperty(text, fc.boolean(), async (s, inline) => {
        const r = inline ? await t.gql(`{ customers(filter: { search: ${lit(s)} }) { totalCount } }`) : await t.gql(`query($s: String) { customers(filter: { search: $s }) { totalCount } }`, { s });
        sent++;
        const low = s.toLowerCase();
        const expected = seeded.customers.filter((c) => c.name.toLowerCase().includes(low) || (c.email ?? '').toLowerCase().includes(low)).length;
        expect({ s, count: ok(r).customers.totalCount }).toEqual({ s, count: expected });
      }),
      runs(150),
    );
  });

  test('random bodies, content types and methods (300 requests)', async () => {
    const types = fc.constantFrom(
      'application/json', 'application/json; charset=utf-8', 'application/json; charset=latin1', 'application/json; charset=utf-16', 'application/graphql-response+json',
      'text/plain', 'text/plain; charset=utf-8', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/graphql', 'application/xml', 'text/html', '*/*', 'garbage',
    );
    const accept = fc.constantFrom(undefined, 'application/json', 'application/graphql-response+json', 'text/html', 'text/event-stream', 'image/png', '*/*', 'multipart/mixed');
    const jsonBody = fc.oneof(
      fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
      fc.record({ query: fc.oneof(fc.jsonValue({ maxDepth: 1 }), fc.constant('{ __typename }')), variables: fc.jsonValue({ maxDepth: 2 }), operationName: fc.jsonValue({ maxDepth: 1 }), extensions: fc.jsonValue({ maxDepth: 2 }) }, { requiredKeys: [] }).map((v) => JSON.stringify(v)),
      fc.constantFrom(
        '', 'null', '[]', '{}', '""', '[{"query":"{ __typename }"},{"query":"{ __typename }"}]', '{"query":"{ __typename }"', '{"query":"{ __typename }"}garbage',
        '{"query":"{ __typename }","extensions":{"persistedQuery":{"version":1,"sha256Hash":"abc"}}}', '{"extensions":{"persistedQuery":{"version":1,"sha256Hash":"00"}}}',
        '{"query":"query A { __typename } query B { __typename }"}', '{"query":"query A { __typename }","operationName":"B"}', '{"query":"{ __typename }","__proto__":{"x":1}}',
        '\uFEFF{"query":"{ __typename }"}', '{"query":"{ __typename }"}\u0000',
      ),
    );
    const bytes = fc.uint8Array({ maxLength: 2000 });
    const search = fc.oneof(
      fc.constantFrom('', '?', '?query=', '?query=%7B', '?query=%E0%A4%A', '?query=%7B__typename%7D&variables=%7B', '?query=%7B__typename%7D&extensions=1', '?query=mutation%7B__typename%7D'),
      fc.string({ unit: 'binary', maxLength: 60 }).map((s) => `?query=${pct(s)}`),
      fc.tuple(hostile, hostile).map(([a, b]) => `?query=${pct(a)}&variables=${pct(b)}&operationName=${pct(a)}`),
    );
    const arb = fc.oneof(
      fc.tuple(types, accept, jsonBody, role).map(([type, acc, body, r]): Req => ({ method: 'POST', auth: r, headers: { 'content-type': type, ...(acc ? { accept: acc } : {}) }, body })),
      fc.tuple(fc.option(types, { nil: undefined }), bytes, role).map(([type, body, r]): Req => ({ method: 'POST', auth: r, headers: type ? { 'content-type': type } : {}, body })),
      fc.tuple(search, accept, fc.boolean(), role).map(([s, acc, preflight, r]): Req => ({
        method: 'GET', auth: r, search: s, headers: { ...(acc ? { accept: acc } : {}), ...(preflight ? { 'apollo-require-preflight': '1' } : {}) },
      })),
      fc.tuple(fc.constantFrom('PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD'), role).map(([method, r]): Req => ({
        method, auth: r, headers: { 'content-type': 'application/json' }, body: method === 'HEAD' ? undefined : gqlBody('{ __typename }'),
      })),
    );
    await fc.assert(fc.asyncProperty(arb, check), runs(300));
  });

  test('bodies near and over MAX_BODY_BYTES: 413 exactly when over (100 requests)', async () => {
    const size = fc.oneof(fc.integer({ min: MAX_BODY - 150, max: MAX_BODY + 150 }), fc.constantFrom(MAX_BODY, MAX_BODY + 1, 2 * MAX_BODY, 10 * MAX_BODY));
    await fc.assert(
      fc.asyncProperty(size, fc.constantFrom('x', 'é', '€', '𝔘'), role, async (n, pad, r) => {
        const op = 'query($pad: String!) { __type(name: $pad) { name } }';
        const shell = gqlBody(op, { pad: '' });
        const room = n - Buffer.byteLength(shell);
        const unit = Buffer.byteLength(pad);
        const padding = pad.repeat(Math.floor(room / unit)) + 'x'.repeat(room % unit);
        const body = gqlBody(op, { pad: padding });
        expect(Buffer.byteLength(body)).toBe(n);
        await check({ method: 'POST', auth: r, headers: { 'content-type': 'application/json' }, body, status: n > MAX_BODY ? 413 : 200 });
      }),
      runs(100),
    );
  });

  test('missing, malformed, unknown and revoked keys are 401 UNAUTHENTICATED (250 requests)', async () => {
    // The accepted spellings carry the read-only ANALYST key, so whatever the query, nothing can change.
    const key = () => t.keys.ANALYST;
    const variants = fc.oneof(
      fc.constantFrom<[() => string | null, boolean]>(
        [() => null, false], [() => '', false], [() => 'Bearer', false], [() => 'Bearer ', false], [() => `Basic ${Buffer.from('admin:admin').toString('base64')}`, false],
        [() => `Token ${key()}`, false], [() => key(), false], [() => `Bearer ${key()} extra`, false], [() => `Bearer ${key()}x`, false], [() => `Bearer ${key().slice(0, -1)}`, false],
        [() => `Bearer ${key().toUpperCase()}`, false], [() => `Bearer ${revokedKey}`, false], [() => `Bearer ${key()},Bearer ${key()}`, false], [() => `Bearer "${key()}"`, false],
        [() => `bearer ${key()}`, true], [() => `BEARER   ${key()}   `, true], [() => `Bearer\t${key()}`, true],
      ),
      fc.string({ unit: 'grapheme-ascii', maxLength: 80 }).map((s): [() => string | null, boolean] => [() => `Bearer ${s}`, false]),
      fc.stringMatching(/^cg_[A-Za-z0-9_-]{20,64}$/).map((s): [() => string | null, boolean] => [() => `Bearer ${s}`, false]),
      fc.string({ unit: 'grapheme-ascii', maxLength: 80 }).map((s): [() => string | null, boolean] => [() => s, false]),
    );
    const query = fc.constantFrom('{ customers { totalCount } }', 'mutation { createCustomer(input: { name: "Intruder" }) { id } }', '{ apiKeys { id } }', 'mutation { revokeApiKey(id: "QXBpS2V5OjE=") { id } }', '{');
    await fc.assert(
      fc.asyncProperty(variants, query, async ([header, valid], q) => {
        const h = header();
        const req = post({ header: h }, q);
        if (valid) {
          await check(q.startsWith('mutation') ? { ...req, mustFail: true } : req);
        } else {
          await check({ ...req, status: 401, code: 'UNAUTHENTICATED', mustFail: true });
        }
      }),
      runs(250),
    );
  });

  test('mutations with bad inputs as AGENT and any mutation as ANALYST are refused (350 requests)', async () => {
    const future = '2999-01-01T00:00:00Z';
    const name = fc.oneof(hostile.filter((s) => s.length >= 1 && s.length <= 200), fc.constant('Valid Name'));
    const badCustomerField = fc.oneof(
      fc.constant({ name: '' }),
      fc.integer({ min: 201, max: 15_000 }).map((n) => ({ name: 'n'.repeat(n) })),
      hostile.filter((s) => !s.includes('@')).map((email) => ({ email })),
      fc.constantFrom('de', 'DEU', 'D', '12', 'ÄB', "' OR 1=1 --").map((country) => ({ country })),
      hostile.filter((s) => !/^\+?[0-9 ()-]{5,30}$/.test(s)).map((phone) => ({ phone })),
      fc.constantFrom('2999-01-01', '2021-02-30', '1800-01-01', 'yesterday', '2020-1-1', "2020-01-01' OR '1'='1").map((birthDate) => ({ birthDate })),
      fc.integer({ min: -(2 ** 31), max: -1 }).map((annualIncome) => ({ annualIncome })),
      fc.constantFrom([' vip'], ['x'.repeat(41)], ['<b>'], ['ok', '%']).map((tags) => ({ tags })),
    );
    const badLines = fc.oneof(
      realProduct().map((p) => [{ productId: p, quantity: 0 }]),
      fc.tuple(realProduct(), fc.integer({ min: -(2 ** 31), max: 0 })).map(([p, q]) => [{ productId: p, quantity: q }]),
      realProduct().map((p) => [{ productId: p, quantity: 100_001 }]),
      fc.constant([]),
      fc.tuple(realProduct(), fc.double({ max: -0.01, noNaN: true })).map(([p, u]) => [{ productId: p, quantity: 1, unitPrice: u }]),
      fc.oneof(unknownId('Product'), garbageId, realCustomer()).map((p) => [{ productId: p, quantity: 1 }]),
      realProduct().map((p) => Array.from({ length: 201 }, () => ({ productId: p, quantity: 1 }))),
    );
    const goodLines = realProduct().map((p) => [{ productId: p, quantity: 1 }]);
    const channel = fc.constantFrom('ONLINE', 'STORE', 'APP');
    const badPurchase = fc.oneof(
      fc.tuple(fc.oneof(unknownId('Customer'), garbageId, realProduct()), goodLines, channel).map(([customerId, lines, ch]) => ({ customerId, lines, channel: ch })),
      fc.tuple(realCustomer(), badLines, channel).map(([customerId, lines, ch]) => ({ customerId, lines, channel: ch })),
      fc.tuple(realCustomer(), goodLines, hostile).map(([customerId, lines, k]) => ({ customerId, lines, channel: 'ONLINE', idempotencyKey: ` ${k}` })),
      fc.tuple(realCustomer(), goodLines).map(([customerId, lines]) => ({ customerId, lines, channel: 'ONLINE', idempotencyKey: 'k'.repeat(101) })),
      fc.tuple(realCustomer(), goodLines, fc.constantFrom(future, '2999-12-31T23:59:59.999Z', 'not a date', '2020-13-01T00:00:00Z')).map(([customerId, lines, purchasedAt]) => ({ customerId, lines, channel: 'ONLINE', purchasedAt })),
    );
    const badProduct = fc.oneof(
      fc.tuple(name, fc.double({ max: -0.01, noNaN: true })).map(([n, price]) => ({ sku: 'FZ-1', name: n, category: 'c', price })),
      fc.tuple(hostile.filter((s) => !/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(s)), name).map(([sku, n]) => ({ sku, name: n, category: 'c', price: 1 })),
      fc.constant({ sku: 'FZ-2', name: '', category: 'c', price: 1 }),
      fc.constant({ sku: 'FZ-3', name: 'n', category: 'c', price: 1e12 }),
      fc.constant({ sku: 'FZ-4', name: 'n', category: 'c', price: 1, attributes: JSON.parse('{"a":'.repeat(11) + '1' + '}'.repeat(11)) }),
      fc.integer({ min: 16_001, max: 19_000 }).map((n) => ({ sku: 'FZ-5', name: 'n', category: 'c', price: 1, attributes: { blob: 'b'.repeat(n) } })),
    );
    const agentBad: fc.Arbitrary<Op> = fc.oneof(
      fc.tuple(name, badCustomerField).map(([n, bad]) => op('mutation($v: CreateCustomerInput!) { createCustomer(input: $v) { id } }', { name: n, ...bad })),
      badPurchase.map((v) => op('mutation($v: CreatePurchaseInput!) { createPurchase(input: $v) { id total } }', v)),
      // A stale version is a CONFLICT whatever the (valid) name; a name with control characters is refused first.
      fc.tuple(realCustomer(), fc.integer({ min: 1000, max: 2 ** 31 - 1 }), name).map(([id, version, n]) =>
        op('mutation($v: UpdateCustomerInput!) { updateCustomer(input: $v) { id version } }', { id, version, name: n }, /[\u0000-\u001f\u007f]/.test(n) ? 'BAD_USER_INPUT' : 'CONFLICT')),
      fc.tuple(fc.oneof(unknownId('Customer'), garbageId), name).map(([id, n]) => op('mutation($v: UpdateCustomerInput!) { updateCustomer(input: $v) { id } }', { id, name: n })),
      fc.tuple(realCustomer(), badCustomerField).map(([id, bad]) => op('mutation($v: UpdateCustomerInput!) { updateCustomer(input: $v) { id } }', { id, ...bad })),
      fc.tuple(fc.constantFrom('deleteCustomer', 'deleteProduct', 'deletePurchase', 'deleteFeedback'), fc.oneof(unknownId('Customer'), unknownId('Product'), unknownId('Purchase'), unknownId('Feedback'), garbageId)).map(([m, id]) => op(`mutation($v: ID!) { ${m}(id: $v) { id } }`, id)),
      fc.tuple(realCustomer(), fc.oneof(fc.integer({ min: -(2 ** 31), max: 0 }), fc.integer({ min: 6, max: 2 ** 31 - 1 }))).map(([customerId, score]) => op('mutation($v: CreateFeedbackInput!) { createFeedback(input: $v) { id } }', { customerId, score })),
      fc.tuple(fc.oneof(unknownId('Customer'), garbageId), fc.integer({ min: 1, max: 5 })).map(([customerId, score]) => op('mutation($v: CreateFeedbackInput!) { createFeedback(input: $v) { id } }', { customerId, score })),
      badProduct.map((v) => op('mutation($v: CreateProductInput!) { createProduct(input: $v) { id } }', v)),
      // Not an AGENT's business at all, however valid the input.
      fc.constantFrom(
        op('mutation($v: CreateApiKeyInput!) { createApiKey(input: $v) { key } }', { name: 'escalate', role: 'ADMIN' }, 'FORBIDDEN'),
        op('mutation($v: ID!) { revokeApiKey(id: $v) { id } }', toGlobalId('ApiKey', 1), 'FORBIDDEN'),
      ),
      realCustomer().map((id) => op('mutation($v: ID!) { eraseCustomer(id: $v) { id } }', id, 'FORBIDDEN')),
    );
    // ANALYST keys are read-only: even a perfectly valid mutation on real records is refused.
    const analystAny: fc.Arbitrary<Op> = fc.oneof(
      agentBad.map(([q, v]) => op(q, v, 'FORBIDDEN')),
      fc.tuple(realCustomer(), realProduct()).map(([c, p]) => op('mutation($v: CreatePurchaseInput!) { createPurchase(input: $v) { id } }', { customerId: c, channel: 'ONLINE', lines: [{ productId: p, quantity: 1 }] }, 'FORBIDDEN')),
      realCustomer().map((id) => op('mutation($v: UpdateCustomerInput!) { updateCustomer(input: $v) { id } }', { id, name: 'Renamed', version: 1 }, 'FORBIDDEN')),
      fc.tuple(fc.constantFrom('deleteCustomer', 'eraseCustomer'), realCustomer()).map(([m, id]) => op(`mutation($v: ID!) { ${m}(id: $v) { id } }`, id, 'FORBIDDEN')),
      fc.constantFrom(...seeded.purchases).map((id) => op('mutation($v: ID!) { deletePurchase(id: $v) { id } }', id, 'FORBIDDEN')),
      fc.constant(op('mutation { createCustomer(input: { name: "Analyst Made" }) { id } }', undefined, 'FORBIDDEN')),
      fc.constant(op('mutation { refreshAnalytics }', undefined, 'FORBIDDEN')),
    );
    const arb = fc.oneof(
      { weight: 3, arbitrary: agentBad.map(([q, v, code]) => ({ r: 'AGENT' as Role, q, v, code })) },
      { weight: 2, arbitrary: analystAny.map(([q, v, code]) => ({ r: 'ANALYST' as Role, q, v, code })) },
    );
    await fc.assert(
      fc.asyncProperty(arb, async ({ r, q, v, code }) => {
        await check(post(r, q, { v }, { mustFail: true, code }));
      }),
      runs(350),
    );
  });
});

// Known bug, left alone because the fix spans five resolvers other engineers are editing: an explicit null
// for a top-level filter argument reaches the services as null (their `filter = {}` defaults cover only
// undefined) and fails as INTERNAL_SERVER_ERROR. The random properties above therefore never send one.
test('an explicit null filter is treated like an omitted one', async () => {
  for (const [field, type] of [['customers', 'CustomerFilter'], ['products', 'ProductFilter'], ['purchases', 'PurchaseFilter'], ['feedbacks', 'FeedbackFilter'], ['customerAnalytics', 'CustomerFilter']]) {
    const r = await t.gql(`query($f: ${type}) { ${field}(filter: $f) { totalCount } }`, { f: null });
    expect({ field, errors: r.errors }).toEqual({ field, errors: undefined });
  }
});

test(`at least 2,000 requests were sent`, () => {
  expect(sent).toBeGreaterThanOrEqual(2000);
});

test('the server still answers, and the database is exactly as it was', async () => {
  const health = await fetch(`${t.url}/healthz`);
  expect(health.status).toBe(200);
  expect((await fetch(`${t.url}/readyz`)).status).toBe(200);
  expect(ok(await t.gql(`{ customers { totalCount } purchases { totalCount } }`))).toEqual({ customers: { totalCount: seeded.customers.length }, purchases: { totalCount: seeded.purchases.length } });
  expect(await snapshot()).toEqual(before);
});
