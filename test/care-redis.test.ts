import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createConnection } from 'node:net';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { dbKind, ok, startTestApp, type TestApp } from './support/app';
import { makeCustomer } from './support/factories';

/**
 * Two server processes on one database share live care events through the machine's Redis: an event raised
 * on instance A reaches a WebSocket subscriber of instance B exactly once. (One event bus per process, as
 * the schema is: instances are processes.)
 */
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0';

/** Whether a Redis server answers at REDIS_URL (CI always starts one; a developer machine may have none). */
function redisAnswers(): Promise<boolean> {
  const url = new URL(REDIS_URL);
  return new Promise((resolve) => {
    const socket = createConnection({ host: url.hostname, port: Number(url.port || 6379) });
    socket.setTimeout(1000);
    socket.once('connect', () => {
      socket.end();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}
const root = join(__dirname, '..');
let a: TestApp;
let b: ChildProcess;
let client: Client;

let skip = false;

beforeAll(async () => {
  // Without Redis the bridge cannot be tested; outside CI that is a skip with a message, in CI a failure.
  if (!(await redisAnswers())) {
    if (process.env.CI) throw new Error(`no Redis at ${REDIS_URL}: .ci/run starts one`);
    skip = true;
    console.warn(`care-redis.test: no Redis at ${REDIS_URL}; the cross-instance event test is skipped`);
    return;
  }
  if (!existsSync(join(root, 'dist', 'src', 'main.js'))) spawnSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
  a = await startTestApp({ REDIS_URL });
  const opts = a.ds.options as { database?: string; url?: string };
  const port = 20000 + Math.floor(Math.random() * 20000);
  b = spawn(process.execPath, ['dist/src/main.js'], {
    cwd: root,
    env: { ...process.env, NODE_ENV: 'test', DATABASE_URL: dbKind === 'mysql' ? opts.url! : `sqlite:${opts.database}`, PORT: String(port), SEED_DEMO: 'false', REDIS_URL, LOG_LEVEL: 'info', PLAYGROUND: 'off' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`instance B did not start: ${out}`)), 30_000);
    const onData = (d: Buffer) => {
      out += d.toString();
      if (out.includes('is listening')) {
        clearTimeout(timer);
        resolve();
      }
    };
    b.stdout!.on('data', onData);
    b.stderr!.on('data', onData);
    b.on('exit', (code) => reject(new Error(`instance B exited with ${code}: ${out}`)));
  });
  client = createClient({ url: `ws://127.0.0.1:${port}/graphql`, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${a.keys.AGENT}` }, retryAttempts: 0 });
}, 120_000);

afterAll(async () => {
  await client?.dispose();
  if (b && b.exitCode === null) {
    const exited = new Promise((r) => b.once('exit', r));
    b.kill('SIGTERM');
    await exited;
  }
  await a?.close();
});

test('low-score feedback created on instance A reaches a subscriber of instance B once', async () => {
  if (skip) return;
  const customer = await makeCustomer(a, { name: 'Redis Rita' });
  const events: { kind: string; customer: { id: string } }[] = [];
  client.subscribe(
    { query: `subscription($c: ID) { careEvents(kinds: [LOW_SCORE_FEEDBACK], customerId: $c) { kind customer { id } } }`, variables: { c: customer.id } },
    { next: (v) => events.push((v.data as { careEvents: (typeof events)[number] }).careEvents), error: () => undefined, complete: () => undefined },
  );
  const send = (score: number) =>
    a.gql(`mutation($i: CreateFeedbackInput!) { createFeedback(input: $i) { id } }`, { i: { customerId: customer.id, score, issue: 'DELIVERY' } }).then(ok);
  // Subscriptions are not acknowledged: send until the first event shows it is live.
  const deadline = Date.now() + 15_000;
  let sent = 0;
  while (!events.length && Date.now() < deadline) {
    await send(1);
    sent++;
    await new Promise((r) => setTimeout(r, 250));
  }
  expect(events.length).toBeGreaterThan(0);
  await new Promise((r) => setTimeout(r, 500)); // events still travelling through Redis
  const before = events.length;
  expect(before).toBeLessThanOrEqual(sent);
  await send(2);
  await new Promise((r) => setTimeout(r, 500));
  expect(events.length).toBe(before + 1);
  await send(5); // not a low score: must not arrive
  await new Promise((r) => setTimeout(r, 500));
  expect(events.length).toBe(before + 1);
  expect(events.every((e) => e.kind === 'LOW_SCORE_FEEDBACK' && e.customer.id === customer.id)).toBe(true);
}, 60_000);
