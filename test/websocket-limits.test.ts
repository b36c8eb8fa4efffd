import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { ApiKey } from '../src/modules/auth/api-key.entity';
import { ok, startTestApp, type TestApp } from './support/app';

/**
 * WebSockets cannot be used to flood the server or to outlive a revoked key (issue #10, part 3): connections
 * per key and subscriptions per connection are capped, subscribe messages spend the key's rate limit, a
 * revoked key's sockets are closed, and errors carry the same codes as over HTTP.
 */
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const wsUrl = (t: TestApp) => `${t.url.replace('http', 'ws')}/graphql`;

/** A connected client (connection acknowledged) or the close code the server answered with. */
async function connect(t: TestApp, key: string, clients: Client[]): Promise<{ client: Client; closed: Promise<number> } | { refused: number }> {
  let onClosed!: (code: number) => void;
  const closed = new Promise<number>((r) => (onClosed = r));
  const outcome = new Promise<'connected' | number>((resolve) => {
    const client = createClient({
      url: wsUrl(t), webSocketImpl: WebSocket, lazy: false, retryAttempts: 0, connectionParams: { authorization: `Bearer ${key}` },
      on: { connected: () => resolve('connected'), closed: (e) => { const code = (e as { code: number }).code; onClosed(code); resolve(code); } },
      onNonLazyError: () => undefined,
    });
    clients.push(client);
  });
  const result = await outcome;
  return result === 'connected' ? { client: clients[clients.length - 1], closed } : { refused: result };
}

/** The first answer to a subscription: its errors, or 'live' once it has not failed within `ms`. */
function firstAnswer(client: Client, query: string, variables: Record<string, unknown> = {}, ms = 300): Promise<any> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve('live'), ms);
    client.subscribe({ query, variables }, {
      next: (v) => v.errors && (clearTimeout(timer), resolve(v.errors)),
      error: (e) => (clearTimeout(timer), resolve(e)),
      complete: () => undefined,
    });
  });
}

const SUB = 'subscription { careEvents { kind } }';

describe('caps', () => {
  let t: TestApp;
  const clients: Client[] = [];
  beforeAll(async () => {
    t = await startTestApp({ WS_MAX_CONNECTIONS_PER_KEY: '3', WS_MAX_SUBSCRIPTIONS_PER_CONNECTION: '2', RATE_LIMIT_PER_MINUTE: '12' });
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.dispose()));
    await t.close();
  });

  test('a key may hold WS_MAX_CONNECTIONS_PER_KEY sockets; the next is closed with 4429; others are unaffected', async () => {
    const open = [];
    for (let i = 0; i < 3; i++) open.push(await connect(t, t.keys.ANALYST, clients));
    expect(open.every((c) => 'client' in c)).toBe(true);
    expect(await connect(t, t.keys.ANALYST, clients)).toEqual({ refused: 4429 });
    expect('client' in (await connect(t, t.keys.AGENT, clients))).toBe(true);
    // One closes: there is room again.
    const first = open[0] as { client: Client; closed: Promise<number> };
    await first.client.dispose();
    await sleep(100);
    expect('client' in (await connect(t, t.keys.ANALYST, clients))).toBe(true);
    // HTTP stays responsive throughout.
    expect(ok(await t.as('ANALYST', '{ customers { totalCount } }')).customers.totalCount).toBe(0);
  });

  test('a connection holds WS_MAX_SUBSCRIPTIONS_PER_CONNECTION live subscriptions; the next is RATE_LIMITED', async () => {
    const c = (await connect(t, t.keys.ADMIN, clients)) as { client: Client };
    expect(await firstAnswer(c.client, SUB)).toBe('live');
    expect(await firstAnswer(c.client, SUB)).toBe('live');
    const third = await firstAnswer(c.client, SUB);
    expect(third[0]).toMatchObject({ extensions: { code: 'RATE_LIMITED' } });
    expect(third[0].message).toMatch(/At most 2 subscriptions per connection/);
  });

  test('subscribe messages spend the key rate limit shared with HTTP', async () => {
    // RATE_LIMIT_PER_MINUTE 12: the AGENT key spends its bucket on subscribe messages (each completed at once).
    const c = (await connect(t, t.keys.AGENT, clients)) as { client: Client };
    const answers = [];
    for (let i = 0; i < 14; i++) answers.push(await firstAnswer(c.client, 'subscription { careEvents { nope } }', {}, 1000));
    const codes = answers.map((a) => a[0]?.extensions?.code);
    expect(codes.slice(0, 12).every((code) => code === 'GRAPHQL_VALIDATION_FAILED')).toBe(true);
    expect(codes.slice(12)).toEqual(['RATE_LIMITED', 'RATE_LIMITED']);
    const http = await t.as('AGENT', '{ customers { totalCount } }');
    expect(http.status).toBe(429);
  });
});

describe('errors carry the HTTP codes', () => {
  let t: TestApp;
  let client: Client;
  beforeAll(async () => {
    t = await startTestApp();
    client = ((await connect(t, t.keys.ADMIN, [])) as { client: Client }).client;
  });
  afterAll(async () => {
    await client.dispose();
    await t.close();
  });

  test.each([
    ['a syntax error', 'subscription { careEvents { kind }', '{ customers { totalCount }', {}],
    ['an unknown field', 'subscription { careEvents { nope } }', '{ customers { nope } }', {}],
    ['a variable of the wrong type', 'subscription($c: ID) { careEvents(customerId: $c) { kind } }', 'query($c: Int) { customers(first: $c) { totalCount } }', { c: { x: 1 } }],
  ])('%s', async (_name, overWs, overHttp, variables) => {
    const http = await t.gql(overHttp, variables);
    const expected = http.errors![0].extensions!.code;
    expect(expected).not.toBe('INTERNAL_SERVER_ERROR');
    const ws = await firstAnswer(client, overWs, variables);
    expect(ws[0].extensions.code).toBe(expected);
  });
});

describe('revocation', () => {
  let t: TestApp;
  const clients: Client[] = [];
  beforeAll(async () => {
    t = await startTestApp({ WS_KEY_RECHECK_MS: '300' });
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.dispose()));
    await t.close();
  });

  const newKey = async () => ok(await t.gql(`mutation { createApiKey(input: { name: "ws", role: ANALYST }) { key apiKey { id } } }`)).createApiKey;

  test('revokeApiKey closes the key\'s open sockets at once (4403), before any event reaches them', async () => {
    const key = await newKey();
    const c = (await connect(t, key.key, clients)) as { client: Client; closed: Promise<number> };
    expect(await firstAnswer(c.client, SUB)).toBe('live');
    const started = Date.now();
    ok(await t.gql(`mutation($id: ID!) { revokeApiKey(id: $id) { revokedAt } }`, { id: key.apiKey.id }));
    expect(await c.closed).toBe(4403);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(await connect(t, key.key, clients)).toEqual({ refused: 4403 });
  });

  test('a key revoked elsewhere (the CLI, another process) is found by the periodic re-check', async () => {
    const key = await newKey();
    const c = (await connect(t, key.key, clients)) as { client: Client; closed: Promise<number> };
    const id = Number(Buffer.from(key.apiKey.id, 'base64').toString().split(':')[1]);
    // As another process would: straight to the table, without this server's AuthService hearing of it.
    await t.ds.getRepository(ApiKey).update(id, { revokedAt: new Date() });
    const code = await Promise.race([c.closed, sleep(3000).then(() => 'still open')]);
    expect(code).toBe(4403);
  });
});
