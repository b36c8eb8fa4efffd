import { request } from 'node:http';
import { startTestApp, ok, type TestApp } from './support/app';
import { makeCustomer } from './support/factories';

let t: TestApp;
let small: TestApp;
beforeAll(async () => {
  t = await startTestApp();
  small = await startTestApp({ MAX_BODY_BYTES: '2000' });
});
afterAll(async () => {
  await t.close();
  await small.close();
});

interface ErrorBody {
  errors: { message: string; extensions: { code: string } }[];
}

const auth = (app: TestApp) => ({ authorization: `Bearer ${app.keys.ADMIN}` });
const post = (app: TestApp, body: string, headers: Record<string, string> = {}) =>
  fetch(`${app.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...auth(app), ...headers }, body });

test('/healthz and /readyz answer 200 with JSON', async () => {
  const health = await fetch(`${t.url}/healthz`);
  expect(health.status).toBe(200);
  expect(await health.json()).toEqual({ status: 'ok' });
  const ready = await fetch(`${t.url}/readyz`);
  expect(ready.status).toBe(200);
  expect(await ready.json()).toEqual({ status: 'ready' });
});

test('GET /graphql?query={__typename} runs the query', async () => {
  // Apollo's CSRF prevention lets a GET through only with a header a browser form cannot set.
  const res = await fetch(`${t.url}/graphql?query=${encodeURIComponent('{__typename}')}`, { headers: { 'apollo-require-preflight': 'true', ...auth(t) } });
  expect(res.status).toBe(200);
  expect(await res.json()).toMatchObject({ data: { __typename: 'Query' } });
  const json = await fetch(`${t.url}/graphql?query=${encodeURIComponent('{ customers { totalCount } }')}`, { headers: { 'content-type': 'application/json', ...auth(t) } });
  expect(json.status).toBe(200);
  expect(((await json.json()) as { data: unknown }).data).toEqual({ customers: { totalCount: 0 } });
  const bare = await fetch(`${t.url}/graphql?query=${encodeURIComponent('{__typename}')}`, { headers: auth(t) });
  expect(bare.status).toBe(400);
  const blocked = (await bare.json()) as ErrorBody;
  expect(blocked.errors[0].extensions.code).toBe('BAD_REQUEST');
  expect(blocked.errors[0].message).toMatch(/CSRF/);
});

test('a GET cannot run a mutation', async () => {
  const q = encodeURIComponent('mutation { createCustomer(input: { name: "Via GET" }) { id } }');
  const res = await fetch(`${t.url}/graphql?query=${q}`, { headers: { 'apollo-require-preflight': 'true', ...auth(t) } });
  expect(res.status).toBe(405);
  expect(ok(await t.gql(`{ customers { totalCount } }`)).customers.totalCount).toBe(0);
});

test('without a valid API key /graphql is 401 UNAUTHENTICATED', async () => {
  for (const authorization of ['', 'Bearer not-a-key', 'Basic dXNlcjpwYXNz']) {
    const res = await post(t, JSON.stringify({ query: '{ __typename }' }), { authorization });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer');
    expect(((await res.json()) as ErrorBody).errors[0].extensions.code).toBe('UNAUTHENTICATED');
  }
});

test('POST with broken JSON is 400 with code BAD_REQUEST', async () => {
  const res = await post(t, '{"query": "{ __typename }"');
  expect(res.status).toBe(400);
  const body = (await res.json()) as ErrorBody;
  expect(body.errors[0].extensions.code).toBe('BAD_REQUEST');
  expect(body.errors[0].message).toMatch(/JSON/);
});

test('POST without a query is 400', async () => {
  const res = await post(t, '{"variables": {}}');
  expect(res.status).toBe(400);
  const body = (await res.json()) as ErrorBody;
  expect(body.errors[0].extensions.code).toBe('BAD_REQUEST');
});

test('an unknown route is 404, / redirects to /graphql', async () => {
  const res = await fetch(`${t.url}/nope`);
  expect(res.status).toBe(404);
  expect(await res.json()).toEqual({ error: 'not found' });
  const root = await fetch(`${t.url}/`, { redirect: 'manual' });
  expect(root.status).toBe(302);
  expect(root.headers.get('location')).toBe('/graphql');
});

test('a body over MAX_BODY_BYTES is 413; one under it is served', async () => {
  const big = JSON.stringify({ query: '{ __typename }', variables: { pad: 'x'.repeat(2500) } });
  const res = await post(small, big);
  expect(res.status).toBe(413);
  const body = (await res.json()) as ErrorBody;
  expect(body.errors[0].extensions.code).toBe('BAD_REQUEST');
  expect(body.errors[0].message).toMatch(/2000 bytes/);
  const fits = await post(small, JSON.stringify({ query: '{ __typename }', variables: { pad: 'x'.repeat(1500) } }));
  expect(fits.status).toBe(200);
  expect(await fits.json()).toMatchObject({ data: { __typename: 'Query' } });
  // The default limit is far above that.
  expect((await post(t, big)).status).toBe(200);
});

test('a request body sent in chunks over the limit is refused too', async () => {
  const status = await new Promise<number>((resolve, reject) => {
    const req = request(`${small.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...auth(small) } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.write('{"query": "{ __typename }", "variables": {"pad": "');
    for (let i = 0; i < 5; i++) req.write('y'.repeat(600));
    req.end('"}}');
  });
  expect(status).toBe(413);
});

test('x-request-id is echoed; a missing or unsafe one is replaced by a generated id', async () => {
  const res = await post(t, JSON.stringify({ query: '{ __typename }' }), { 'x-request-id': 'req-abc.123_XYZ' });
  expect(res.headers.get('x-request-id')).toBe('req-abc.123_XYZ');
  const none = await post(t, JSON.stringify({ query: '{ __typename }' }));
  expect(none.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  const unsafe = await post(t, JSON.stringify({ query: '{ __typename }' }), { 'x-request-id': 'bad id <script>' });
  expect(unsafe.headers.get('x-request-id')).not.toBe('bad id <script>');
  expect(unsafe.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  // Errors carry the same id in extensions, so a client can quote it.
  const failed = await t.gql(`{ customer(id: "garbage") { id } }`, undefined, { 'x-request-id': 'trace-me-42' });
  expect(failed.extensions?.requestId).toBe('trace-me-42');
});

test('SQL statistics are reported per request', async () => {
  const r = await t.gql(`{ customers { totalCount nodes { id } } }`);
  expect(r.extensions?.sql?.statements).toBe(2);
});

// Last: it breaks this app's database on purpose.
test('an internal error is masked: generic message, INTERNAL_SERVER_ERROR, request id, no SQL', async () => {
  const c = await makeCustomer(t, { name: 'Before The Break' });
  await t.ds.query('DROP TABLE feedback');
  const r = await t.gql(`query($id: ID!) { customer(id: $id) { name feedback { totalCount } } feedbacks { totalCount } }`, { id: c.id }, { 'x-request-id': 'broken-db-1' });
  expect(r.status).toBe(200);
  expect(r.errors!.length).toBeGreaterThanOrEqual(1);
  for (const e of r.errors!) {
    expect(e.message).toBe('Internal server error');
    expect(e.extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR' });
  }
  expect(r.extensions?.requestId).toBe('broken-db-1');
  expect(JSON.stringify(r)).not.toMatch(/feedback\b.*(exist|such)|SELECT|SQLITE|ER_NO_SUCH_TABLE|\.ts:\d+/i);
  expect(r.data).toBeNull();
  // The server keeps serving what does not touch the broken table.
  const fine = await t.gql(`query($id: ID!) { customer(id: $id) { name } }`, { id: c.id });
  expect(ok(fine)).toEqual({ customer: { name: 'Before The Break' } });
});
