/**
 * Fault drill: two built server instances under a steady write load and live subscribers, while their MariaDB is
 * killed, then frozen, and their Redis is restarted.
 *
 *   npm run -s build && npm run -s bench:fault      (about two minutes)
 *
 * Everything it breaks is its own: a mariadbd on its own data directory and port, a redis-server on its own port
 * with no persistence (`--save ''`, so a restart loses every key). The machine's MariaDB and Redis are untouched.
 *
 * Faults, in order:
 *   1. database kill: SIGKILL mariadbd, 3 s down, start again (InnoDB crash recovery);
 *   2. database freeze: SIGSTOP mariadbd for 20 s (TCP still connects, nothing answers), then SIGCONT;
 *   3. Redis restart: SIGKILL redis-server, 4 s down, start again (empty).
 * Load: 4 writers (createPurchase, unique idempotency key each, retried with the same key until acknowledged),
 * one event sender (low-score createFeedback, one event each, alternating instances), one WebSocket subscriber
 * on each instance (careEvents), /readyz polled on both every 200 ms, and during the freeze a burst of reads
 * (every 100 ms, not waiting for each other) to show that requests fail fast when the pool is exhausted.
 *
 * It reports acknowledged vs stored writes, events sent vs received per subscriber, the HTTP codes seen and
 * the time to recovery after each fault; writes bench/fault/REPORT.md and exits non-zero when a check fails
 * (anything lost or duplicated, a 500, a 503 without Retry-After, /readyz wrong or slow).
 *
 * FAULT_SERVER_ROOT runs another build (a directory with dist/src/main.js and dist/src/cli.js), e.g. an older
 * commit for a before/after comparison; FAULT_REPORT=0 leaves REPORT.md alone.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { startPrivateMariaDB, startPrivateRedis, type PrivateMariaDB, type PrivateRedis } from './private-servers';

const run = promisify(execFile);

/** dist/bench/fault -> the repository. */
const ROOT = resolve(__dirname, '../../..');
const SERVER_ROOT = resolve(process.env.FAULT_SERVER_ROOT ?? ROOT);
const PORTS = [Number(process.env.FAULT_PORT ?? 4791), Number(process.env.FAULT_PORT ?? 4791) + 1];
const BASES = PORTS.map((p) => `http://127.0.0.1:${p}`);
const WRITERS = 4;
const KILL_AT_MS = 6_000;
const KILL_HOLD_MS = 3_000;
const FREEZE_AT_MS = 20_000;
const FREEZE_MS = 20_000;
const REDIS_AT_MS = 50_000;
const REDIS_HOLD_MS = 4_000;
const LOAD_MS = 64_000;
const HARD_LIMIT_MS = 240_000;

const started = Date.now();
const now = () => Date.now() - started;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const s = (ms: number | undefined) => (ms === undefined ? '—' : (ms / 1000).toFixed(2));

/** Deterministic choices (mulberry32), so two runs send the same baskets. */
function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Entry {
  key: string;
  customerId: string;
  lines: { productId: string; quantity: number }[];
  expectedCents: number;
  attempts: number;
  ackedAt?: number;
  id?: string;
  totalCents?: number;
}

/** One HTTP answer anyone got: for the table of codes. */
interface Seen {
  at: number;
  who: 'writer' | 'events' | 'burst';
  status: number | 'network';
  code?: string;
  retryAfter: boolean;
  ms: number;
}

interface Fault {
  name: string;
  at?: number;
  /** The restart was issued (the dependency may answer from then on). */
  restartAt?: number;
  /** The dependency answers again (started / SIGCONT). */
  backAt?: number;
  /** Both instances' /readyz 200 (database) or both bridges connected (Redis). */
  recoveredAt?: number;
  firstAckAfter?: number;
}

const ledger: Entry[] = [];
const seen: Seen[] = [];
const readyz: { at: number; inst: number; status: number | 'ERR'; ms: number; redisConnected?: boolean }[] = [];
const events = { sent: [] as { n: number; inst: number; at: number; acked: boolean; code?: string }[], received: [new Map<number, number[]>(), new Map<number, number[]>()] };
const wsClosures: { inst: number; at: number; code: number }[] = [];
const faults: Record<'kill' | 'freeze' | 'redis', Fault> = { kill: { name: 'database kill' }, freeze: { name: 'database freeze' }, redis: { name: 'Redis restart' } };

async function gql(inst: number, key: string, who: Seen['who'], query: string, variables?: Record<string, unknown>): Promise<{ status: number | 'network'; body: any }> {
  const at = now();
  try {
    const res = await fetch(`${BASES[inst]}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ query, variables }),
      signal: AbortSignal.timeout(40_000),
    });
    const body = (await res.json()) as any;
    seen.push({ at, who, status: res.status, code: body?.errors?.[0]?.extensions?.code, retryAfter: res.headers.has('retry-after'), ms: now() - at });
    return { status: res.status, body };
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause;
    seen.push({ at, who, status: 'network', code: cause?.code ?? (err as Error).name, retryAfter: false, ms: now() - at });
    return { status: 'network', body: null };
  }
}

const CREATE_PURCHASE = `mutation($input: CreatePurchaseInput!) { createPurchase(input: $input) { id total idempotencyKey } }`;

/** One writer: a purchase at a time, each retried with the same idempotency key until acknowledged. */
async function writer(n: number, key: string, customers: string[], products: { id: string; cents: number }[], loadEnd: number, hardEnd: number) {
  const random = rng(1000 + n);
  for (let seq = 0; now() < loadEnd; seq++) {
    const lines = Array.from({ length: 1 + Math.floor(random() * 3) }, () => ({ product: products[Math.floor(random() * products.length)], quantity: 1 + Math.floor(random() * 4) }));
    const entry: Entry = {
      key: `fault-${n}-${seq}`,
      customerId: customers[Math.floor(random() * customers.length)],
      lines: lines.map((l) => ({ productId: l.product.id, quantity: l.quantity })),
      expectedCents: lines.reduce((sum, l) => sum + l.product.cents * l.quantity, 0),
      attempts: 0,
    };
    ledger.push(entry);
    for (;;) {
      entry.attempts++;
      // Writers 0 and 1 on instance A, 2 and 3 on B; a retry goes to the other instance, like a load balancer would.
      const inst = (Math.floor(n / 2) + entry.attempts - 1) % 2;
      const { body } = await gql(inst, key, 'writer', CREATE_PURCHASE, { input: { customerId: entry.customerId, channel: 'ONLINE', idempotencyKey: entry.key, lines: entry.lines } });
      const p = body?.data?.createPurchase;
      if (p?.id) {
        entry.id = p.id;
        entry.totalCents = Math.round(p.total * 100);
        entry.ackedAt = now();
        break;
      }
      if (now() > hardEnd) return;
      await sleep(150 + random() * 100);
    }
  }
}

/** Low-score feedback, alternating instances, one every 250 ms: each acknowledged one is one event every subscriber must see. */
async function eventSender(key: string, customers: string[], loadEnd: number) {
  for (let n = 1; now() < loadEnd; n++) {
    const inst = n % 2;
    const at = now();
    const { body } = await gql(inst, key, 'events', `mutation($i: CreateFeedbackInput!) { createFeedback(input: $i) { id } }`, {
      i: { customerId: customers[n % customers.length], score: 1, issue: 'DELIVERY', comment: `evt-${n}` },
    });
    events.sent.push({ n, inst, at, acked: !!body?.data?.createFeedback?.id, code: body?.errors?.[0]?.extensions?.code });
    await sleep(250);
  }
}

function subscriber(inst: number, key: string): Client {
  const client = createClient({
    url: `ws://127.0.0.1:${PORTS[inst]}/graphql`, webSocketImpl: WebSocket, lazy: false, retryAttempts: 1000, retryWait: async () => {
      await sleep(500);
    },
    connectionParams: { authorization: `Bearer ${key}` },
    on: { closed: (e) => wsClosures.push({ inst, at: now(), code: (e as { code: number }).code }) },
    onNonLazyError: () => undefined,
  });
  client.subscribe({ query: 'subscription { careEvents(kinds: [LOW_SCORE_FEEDBACK]) { kind message } }' }, {
    next: (v) => {
      const n = Number(/evt-(\d+)/.exec(String((v.data as { careEvents?: { message?: string } })?.careEvents?.message ?? ''))?.[1]);
      if (!Number.isInteger(n)) return;
      const map = events.received[inst];
      map.set(n, [...(map.get(n) ?? []), now()]);
    },
    error: () => undefined,
    complete: () => undefined,
  });
  return client;
}

async function pollReadyz(until: () => boolean) {
  while (!until()) {
    await Promise.all(BASES.map(async (base, inst) => {
      const at = now();
      try {
        const res = await fetch(`${base}/readyz`, { signal: AbortSignal.timeout(3_000) });
        const body = (await res.json().catch(() => ({}))) as { redis?: { connected?: boolean } };
        readyz.push({ at, inst, status: res.status, ms: now() - at, redisConnected: body.redis?.connected });
      } catch {
        readyz.push({ at, inst, status: 'ERR', ms: now() - at });
      }
    }));
    await sleep(200);
  }
}

/** While the database is frozen: reads every 100 ms without waiting for the previous ones. */
async function burst(key: string, untilMs: number) {
  const inFlight: Promise<unknown>[] = [];
  for (let i = 0; now() < untilMs; i++) {
    inFlight.push(gql(i % 2, key, 'burst', '{ customers(first: 1) { totalCount } }'));
    await sleep(100);
  }
  await Promise.all(inFlight);
}

function startServer(inst: number, env: Record<string, string>, logFile: string): ChildProcess {
  const log = createWriteStream(logFile);
  const child = spawn(process.execPath, [join(SERVER_ROOT, 'dist/src/main.js')], {
    cwd: SERVER_ROOT,
    env: {
      ...process.env, NODE_ENV: 'production', SEED_DEMO: 'false', RATE_LIMIT_PER_MINUTE: '0', HOST: '127.0.0.1', PORT: String(PORTS[inst]), LOG_LEVEL: 'warn',
      CURSOR_SECRET: 'fault-drill-cursor-secret-0123456789abcdef', ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.pipe(log);
  child.stderr!.pipe(log);
  return child;
}

async function waitFor(what: string, test: () => Promise<boolean> | boolean, limitMs: number, everyMs = 100): Promise<void> {
  const until = Date.now() + limitMs;
  while (!(await test())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(everyMs);
  }
}

interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

const readyBoth = (from: number, pred: (r: (typeof readyz)[number]) => boolean) => {
  const at = [0, 1].map((inst) => readyz.find((r) => r.inst === inst && r.at >= from && pred(r))?.at);
  return at.every((a) => a !== undefined) ? Math.max(...(at as number[])) : undefined;
};

async function main(): Promise<number> {
  let db: PrivateMariaDB | null = null;
  let redis: PrivateRedis | null = null;
  const servers: ChildProcess[] = [];
  const clients: Client[] = [];
  const logDir = mkdtempSync(join(tmpdir(), 'caregraph-fault-'));
  const logFiles = [join(logDir, 'server-a.log'), join(logDir, 'server-b.log')];
  const hardTimer = setTimeout(() => {
    console.error(`hard limit of ${HARD_LIMIT_MS / 1000} s reached: stopping`);
    for (const server of servers) server.kill('SIGKILL');
    void Promise.allSettled([db?.stop(), redis?.stop()]).finally(() => process.exit(3));
  }, HARD_LIMIT_MS);
  try {
    [db, redis] = await Promise.all([startPrivateMariaDB(), startPrivateRedis()]);
    const root = await db.root();
    await root.query('CREATE DATABASE caregraph_fault CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci');
    const [[version]] = (await root.query('SELECT VERSION() AS v')) as unknown as [{ v: string }[]];
    await root.end();
    const env = { DATABASE_URL: db.url('caregraph_fault'), REDIS_URL: redis.url };
    const exits: (number | string | null)[] = [null, null];
    for (const inst of [0, 1]) {
      // A migrates first; B starts on the migrated schema.
      const server = startServer(inst, env, logFiles[inst]);
      server.on('exit', (code, signal) => (exits[inst] = code ?? signal));
      servers.push(server);
      await waitFor(`instance ${'AB'[inst]} to be ready`, async () => (await fetch(`${BASES[inst]}/readyz`).then((r) => r.status === 200).catch(() => false)), 60_000, 200);
    }
    const { stdout } = await run(process.execPath, [join(SERVER_ROOT, 'dist/src/cli.js'), 'apikey', 'create', '--role', 'ADMIN', '--name', 'fault'], {
      cwd: SERVER_ROOT, env: { ...process.env, ...env, NODE_ENV: 'production', LOG_LEVEL: 'warn' },
    });
    const key = stdout.trim();
    if (!/^cg_/.test(key)) throw new Error(`apikey create printed no key: ${stdout}`);

    const products: { id: string; cents: number }[] = [];
    for (const [i, price] of [4.99, 12.5, 0.35, 99, 7.25].entries()) {
      const r = await gql(0, key, 'writer', `mutation($i: CreateProductInput!) { createProduct(input: $i) { id } }`, { i: { sku: `FAULT-${i}`, name: `Fault product ${i}`, category: 'fault', price } });
      products.push({ id: r.body.data.createProduct.id, cents: Math.round(price * 100) });
    }
    const customers: string[] = [];
    for (let i = 0; i < 12; i++) {
      const r = await gql(0, key, 'writer', `mutation($i: CreateCustomerInput!) { createCustomer(input: $i) { id } }`, { i: { name: `Fault customer ${i}`, email: `fault${i}@example.com` } });
      customers.push(r.body.data.createCustomer.id);
    }
    seen.length = 0;
    clients.push(subscriber(0, key), subscriber(1, key));
    // The subscriptions are live when a probe event reached both (subscribe is not acknowledged in graphql-ws).
    await waitFor('both subscribers live', async () => {
      await gql(0, key, 'events', `mutation($i: CreateFeedbackInput!) { createFeedback(input: $i) { id } }`, { i: { customerId: customers[0], score: 1, comment: 'evt-0' } });
      await sleep(300);
      return events.received.every((m) => m.has(0));
    }, 20_000, 0);
    console.log(`instances ${BASES.join(', ')}; MariaDB ${version.v} on ${db.port}, Redis on ${redis.port}; ${WRITERS} writers for ${LOAD_MS / 1000} s`);

    const logOffsets = logFiles.map((f) => statSync(f).size);
    const loadStart = now();
    const loadEnd = loadStart + LOAD_MS;
    const hardEnd = loadEnd + 45_000;
    let done = false;
    const poller = pollReadyz(() => done);
    const d = db;
    const r = redis;
    const schedule = (async () => {
      await sleep(loadStart + KILL_AT_MS - now());
      faults.kill.at = now();
      await d.kill();
      await sleep(KILL_HOLD_MS);
      faults.kill.restartAt = now();
      await d.start();
      faults.kill.backAt = now();
      console.log(`database killed at ${s(faults.kill.at)} s, answering again at ${s(faults.kill.backAt)} s`);

      await sleep(loadStart + FREEZE_AT_MS - now());
      faults.freeze.at = now();
      d.freeze();
      const bursting = burst(key, faults.freeze.at + FREEZE_MS - 2_000);
      await sleep(FREEZE_MS);
      faults.freeze.restartAt = now();
      d.thaw();
      faults.freeze.backAt = now();
      console.log(`database frozen at ${s(faults.freeze.at)} s, SIGCONT at ${s(faults.freeze.backAt)} s`);

      await sleep(loadStart + REDIS_AT_MS - now());
      faults.redis.at = now();
      await r.kill();
      await sleep(REDIS_HOLD_MS);
      faults.redis.restartAt = now();
      await r.start();
      faults.redis.backAt = now();
      console.log(`Redis killed at ${s(faults.redis.at)} s, answering again at ${s(faults.redis.backAt)} s`);
      await bursting;
    })();
    await Promise.all([
      ...Array.from({ length: WRITERS }, (_, i) => writer(i, key, customers, products, loadEnd, hardEnd)),
      eventSender(key, customers, loadEnd),
      schedule,
    ]);
    // Events still travelling; then the recoveries are read off the polls.
    const ackedEvents = events.sent.filter((e) => e.acked);
    await waitFor('every acknowledged event on both subscribers', () => ackedEvents.every((e) => events.received.every((m) => m.has(e.n))), 15_000).catch(() => undefined);
    await sleep(2_000);
    done = true;
    await poller;

    for (const f of [faults.kill, faults.freeze]) {
      f.recoveredAt = readyBoth(f.backAt!, (x) => x.status === 200);
      f.firstAckAfter = ledger.filter((e) => e.ackedAt! >= f.backAt!).map((e) => e.ackedAt!).sort((a, b) => a - b)[0];
    }
    faults.redis.recoveredAt = readyBoth(faults.redis.backAt!, (x) => x.redisConnected === true);
    const redisOutage = events.sent.filter((e) => e.acked && e.at >= faults.redis.at! && e.at < faults.redis.backAt!);
    const outageDelivered = redisOutage.flatMap((e) => events.received.map((m) => m.get(e.n)?.[0] ?? Infinity));
    // undefined ("—") when one of them never arrived somewhere.
    faults.redis.firstAckAfter = redisOutage.length && outageDelivered.every(Number.isFinite) ? Math.max(...outageDelivered) : undefined;

    // The proof, from the database itself.
    const c2 = await db.root();
    const [rows] = await c2.query(`SELECT idempotency_key AS k, COUNT(*) AS n, SUM(total_cents) AS cents FROM caregraph_fault.purchases WHERE deleted_at IS NULL GROUP BY idempotency_key`);
    const [stats] = await c2.query(
      `SELECT COUNT(*) AS wrong FROM caregraph_fault.customers c LEFT JOIN (SELECT customer_id, COUNT(*) AS n, SUM(total_cents) AS cents FROM caregraph_fault.purchases WHERE deleted_at IS NULL GROUP BY customer_id) p ON p.customer_id = c.id
       WHERE c.purchase_count <> COALESCE(p.n, 0) OR c.total_spent_cents <> COALESCE(p.cents, 0)`,
    );
    const [fb] = await c2.query(`SELECT comment FROM caregraph_fault.feedback WHERE comment LIKE 'evt-%'`);
    await c2.end();
    const storedFeedback = new Set((fb as { comment: string }[]).map((x) => Number(x.comment.slice(4))));
    const stored = new Map((rows as { k: string | null; n: number; cents: string }[]).map((x) => [x.k, { n: Number(x.n), cents: Number(x.cents) }]));
    const acked = ledger.filter((e) => e.id);
    const unacked = ledger.filter((e) => !e.id);
    const duplicates = [...stored.values()].filter((v) => v.n > 1).length;
    const lost = acked.filter((e) => !stored.has(e.key)).length;
    const ledgerKeys = new Set(ledger.map((e) => e.key));
    const phantoms = [...stored.keys()].filter((k) => !ledgerKeys.has(k as string)).length;
    const wrongTotals = acked.filter((e) => e.totalCents !== e.expectedCents || stored.get(e.key)?.cents !== e.expectedCents).length;
    const ledgerCents = acked.reduce((sum, e) => sum + e.expectedCents, 0);
    const storedCents = [...stored.values()].reduce((sum, v) => sum + v.cents, 0);
    const storedRows = [...stored.values()].reduce((sum, v) => sum + v.n, 0);
    const viaApi = (await gql(0, key, 'writer', `{ purchases { totalCount } }`)).body?.data?.purchases?.totalCount;

    const sentN = new Set(events.sent.map((e) => e.n));
    const perSubscriber = [0, 1].map((inst) => {
      const m = events.received[inst];
      const missing = ackedEvents.filter((e) => !m.has(e.n));
      const dup = [...m.entries()].filter(([n, v]) => n !== 0 && v.length > 1).length; // 0: the start-up probe, sent until it arrived
      const unknown = [...m.keys()].filter((n) => n !== 0 && sentN.has(n) && !events.sent.find((e) => e.n === n)!.acked).length;
      const fromOther = ackedEvents.filter((e) => e.inst !== inst && m.has(e.n)).length;
      const duringRedis = redisOutage.filter((e) => m.has(e.n)).length;
      return { inst, received: [...m.keys()].filter((n) => n !== 0).length, missing, dup, unknown, fromOther, duringRedis };
    });
    const ackedFeedbackStored = ackedEvents.filter((e) => storedFeedback.has(e.n)).length;

    const failures = seen.filter((x) => x.status !== 200);
    const byStatus = (list: Seen[]) => [...list.reduce((m, x) => m.set(`${x.status} ${x.code ?? ''}`.trim(), (m.get(`${x.status} ${x.code ?? ''}`.trim()) ?? 0) + 1), new Map<string, number>())]
      .sort((a, b) => b[1] - a[1]).map(([c, n]) => `${c} × ${n}`).join(', ') || 'none';
    const inWindow = (f: Fault, end?: number) => (x: { at: number }) => x.at >= f.at! && x.at <= (end ?? f.recoveredAt ?? f.backAt!) + 1_000;
    const no503RetryAfter = failures.filter((x) => x.status === 503 && !x.retryAfter).length;
    const fiveHundreds = failures.filter((x) => x.status === 500 || x.code === 'INTERNAL_SERVER_ERROR').length;
    const otherFailures = failures.filter((x) => x.status !== 503).length;
    const burstAnswers = seen.filter((x) => x.who === 'burst');
    const burstFast = burstAnswers.filter((x) => x.status === 503 && x.ms < 1_500).length;
    const burstSlow = burstAnswers.filter((x) => x.ms >= 5_000).length;
    // Polls sent while the dependency was surely down: from shortly after the fault until its restart was issued.
    // (answered before the restart: a poll sent just before SIGCONT may rightly be answered 200 after it).
    const freezeReadyz = readyz.filter((x) => x.at >= faults.freeze.at! + 300 && x.at + x.ms < faults.freeze.restartAt!);
    const killReadyz = readyz.filter((x) => x.at >= faults.kill.at! + 300 && x.at + x.ms < faults.kill.restartAt!);
    const redisReadyz = readyz.filter((x) => x.at >= faults.redis.at! + 1_500 && x.at + x.ms < faults.redis.restartAt!);
    const writesDuring = (f: Fault) => seen.filter((x) => x.who === 'writer').filter(inWindow(f));
    const maxMs = (list: { ms: number }[]) => (list.length ? Math.max(...list.map((x) => x.ms)) : 0);
    // From the start of the load (the start-up banner for operators is plain text by design).
    const nonJsonLogLines = logFiles.reduce((sum, f, i) => sum + readFileSync(f).subarray(logOffsets[i]).toString('utf8').split('\n').filter((l) => l.trim() && !/^\{.*\}$/.test(l.trim())).length, 0);

    const checks: Check[] = [
      { name: 'acknowledged purchases stored exactly once', ok: lost === 0 && duplicates === 0, detail: `${acked.length} acknowledged, ${storedRows} stored; lost ${lost}, duplicated ${duplicates}` },
      { name: 'no purchase the clients did not send', ok: phantoms === 0, detail: `${phantoms} unexpected idempotency keys` },
      { name: 'every purchase retried until acknowledged', ok: unacked.length === 0, detail: `${unacked.length} never acknowledged` },
      { name: 'stored totals equal the clients\' ledger', ok: wrongTotals === 0 && ledgerCents === storedCents && storedRows === acked.length, detail: `ledger ${ledgerCents} cents, database ${storedCents} cents` },
      { name: 'cached customer totals agree with the purchases', ok: Number((stats as { wrong: number }[])[0].wrong) === 0, detail: `${(stats as { wrong: number }[])[0].wrong} customers disagree` },
      { name: 'the API counts the same purchases', ok: viaApi === acked.length, detail: `purchases.totalCount = ${viaApi}` },
      { name: 'acknowledged feedback stored', ok: ackedFeedbackStored === ackedEvents.length, detail: `${ackedFeedbackStored} of ${ackedEvents.length}` },
      ...perSubscriber.map((p) => ({
        name: `subscriber on ${'AB'[p.inst]} got every acknowledged event exactly once`, ok: p.missing.length === 0 && p.dup === 0,
        detail: `${p.received} received of ${ackedEvents.length} acknowledged; missing ${p.missing.length}${p.missing.length ? ` (${p.missing.slice(0, 8).map((e) => e.n).join(', ')})` : ''}, duplicated ${p.dup}`,
      })),
      { name: 'no 500s', ok: fiveHundreds === 0, detail: `${fiveHundreds}` },
      { name: 'every failure is 503 with Retry-After', ok: otherFailures === 0 && no503RetryAfter === 0, detail: `${failures.length} failures; ${otherFailures} not 503, ${no503RetryAfter} without Retry-After` },
      { name: '/readyz 503 while the database was killed', ok: killReadyz.length > 0 && killReadyz.every((x) => x.status === 503), detail: `${killReadyz.length} polls: ${[...new Set(killReadyz.map((x) => x.status))].join(', ')}${killReadyz.some((x) => x.status !== 503) ? `; not 503 at ${killReadyz.filter((x) => x.status !== 503).map((x) => `${s(x.at)} s (${'AB'[x.inst]}, ${x.status}, ${x.ms} ms)`).join(', ')}` : ''}` },
      { name: '/readyz 503 within 1.5 s while the database was frozen', ok: freezeReadyz.length > 0 && freezeReadyz.every((x) => x.status === 503 && x.ms < 1_500), detail: `${freezeReadyz.length} polls: ${[...new Set(freezeReadyz.map((x) => x.status))].join(', ')}; slowest ${maxMs(freezeReadyz)} ms${freezeReadyz.some((x) => x.status !== 503) ? `; not 503 at ${freezeReadyz.filter((x) => x.status !== 503).map((x) => `${s(x.at)} s (${'AB'[x.inst]}, ${x.status}, ${x.ms} ms)`).join(', ')}` : ''}` },
      {
        // A read that got a connection before the freeze showed waits for the statement timeout (503) or the SIGCONT (200).
        name: 'frozen database: reads beyond the pool fail fast', ok: burstFast > burstAnswers.length / 2 && burstAnswers.every((x) => x.status === 503 || (x.status === 200 && x.ms >= 5_000)),
        detail: `${burstAnswers.length} reads: ${burstFast} answered 503 in < 1.5 s, ${burstSlow} took >= 5 s (held a connection until the statement timeout or SIGCONT): ${byStatus(burstAnswers.filter((x) => x.ms >= 5_000))}`,
      },
      { name: '/readyz 200 with the Redis bridge reported down while Redis was down', ok: redisReadyz.length > 0 && redisReadyz.every((x) => x.status === 200 && x.redisConnected === false), detail: `${redisReadyz.length} polls: ${[...new Set(redisReadyz.map((x) => `${x.status} connected=${x.redisConnected}`))].join(', ')}` },
      { name: 'recovered from every fault without a restart', ok: [faults.kill, faults.freeze, faults.redis].every((f) => f.recoveredAt !== undefined) && exits.every((x) => x === null), detail: `instances ${exits.every((x) => x === null) ? 'still running' : `exited (${exits.join(', ')})`}` },
      { name: 'server logs are JSON lines', ok: nonJsonLogLines === 0, detail: `${nonJsonLogLines} other lines` },
    ];
    const passed = checks.every((c) => c.ok);

    const faultRow = (f: Fault, writes: Seen[], extra: string) =>
      `| ${f.name} | ${s(f.at)} | ${s(f.backAt)} | ${s(f.recoveredAt === undefined ? undefined : f.recoveredAt - f.backAt!)} | ${s(f.firstAckAfter === undefined ? undefined : f.firstAckAfter - f.backAt!)} | ${byStatus(writes.filter((x) => x.status !== 200))} | ${extra} |`;
    const report = [
      '# Fault drill: database kill, database freeze, Redis restart under two instances',
      '',
      `Run ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC by \`npm run -s bench:fault\` (${passed ? 'all checks passed' : 'SOME CHECKS FAILED'}${SERVER_ROOT !== ROOT ? `; server build from ${SERVER_ROOT}` : ''}).`,
      `Two built instances (\`node dist/src/main.js\`, NODE_ENV=production, defaults: STATEMENT_TIMEOUT_MS=20000, DB_POOL_WAIT_MS=1000, pool of 10) on ${BASES.join(' and ')},`,
      `a private MariaDB ${version.v} (own datadir and port) and a private redis-server (\`--save ''\`); Node ${process.version}.`,
      `${WRITERS} writers send createPurchase (own idempotency key each, retried with the same key, alternating instances, until acknowledged) for ${LOAD_MS / 1000} s;`,
      'one sender creates a low-score feedback every 250 ms on alternating instances (one care event each); one WebSocket subscriber on each instance;',
      '`/readyz` of both polled every 200 ms; during the freeze a read every 100 ms without waiting for the previous ones.',
      `Faults: SIGKILL mariadbd at ${KILL_AT_MS / 1000} s for ${KILL_HOLD_MS / 1000} s; SIGSTOP mariadbd at ${FREEZE_AT_MS / 1000} s for ${FREEZE_MS / 1000} s; SIGKILL redis-server at ${REDIS_AT_MS / 1000} s for ${REDIS_HOLD_MS / 1000} s.`,
      '',
      '| Fault | at (s) | back (s) | ready again after back (s) | first write acknowledged after back (s) | writer failures (HTTP, code) | detail |',
      '|---|---|---|---|---|---|---|',
      faultRow(faults.kill, writesDuring(faults.kill), `/readyz: ${killReadyz.filter((x) => x.status === 503).length} of ${killReadyz.length} polls 503`),
      faultRow(faults.freeze, writesDuring(faults.freeze), `/readyz: ${freezeReadyz.filter((x) => x.status === 503).length} of ${freezeReadyz.length} polls 503, slowest ${maxMs(freezeReadyz)} ms; burst reads: ${burstFast} of ${burstAnswers.length} 503 in < 1.5 s, ${burstSlow} ≥ 5 s, slowest ${maxMs(burstAnswers)} ms`),
      `| ${faults.redis.name} | ${s(faults.redis.at)} | ${s(faults.redis.backAt)} | ${s(faults.redis.recoveredAt === undefined ? undefined : faults.redis.recoveredAt - faults.redis.backAt!)} (both bridges connected) | ${s(faults.redis.firstAckAfter === undefined ? undefined : faults.redis.firstAckAfter - faults.redis.backAt!)} (last outage event delivered everywhere) | ${byStatus(writesDuring(faults.redis).filter((x) => x.status !== 200))} | /readyz: ${redisReadyz.filter((x) => x.status === 200 && x.redisConnected === false).length} of ${redisReadyz.length} polls 200 with redis.connected=false; ${redisOutage.length} events raised during the outage |`,
      '',
      '| Figure | Value |',
      '|---|---|',
      `| requests (writers, event sender, burst) | ${seen.length} |`,
      `| purchases acknowledged / stored rows | ${acked.length} / ${storedRows} (lost ${lost}, duplicated ${duplicates}, never acknowledged ${unacked.length}) |`,
      `| retries (failed writer attempts) | ${seen.filter((x) => x.who === 'writer' && x.status !== 200).length}, most attempts for one purchase: ${Math.max(...ledger.map((e) => e.attempts))} |`,
      `| HTTP answers seen, all clients | 200 × ${seen.filter((x) => x.status === 200).length}, ${byStatus(failures)} |`,
      `| events sent / acknowledged | ${events.sent.length} / ${ackedEvents.length} (not acknowledged, by code: ${[...events.sent.filter((e) => !e.acked).reduce((m, e) => m.set(e.code ?? 'none', (m.get(e.code ?? 'none') ?? 0) + 1), new Map<string, number>())].map(([c, n]) => `${c} × ${n}`).join(', ') || 'none'}) |`,
      ...perSubscriber.map((p) => `| subscriber on ${'AB'[p.inst]}: received / missing / duplicated | ${p.received} / ${p.missing.length} / ${p.dup} (from the other instance ${p.fromOther}; raised during the Redis outage ${p.duringRedis} of ${redisOutage.length}; of unacknowledged writes ${p.unknown}) |`),
      `| WebSocket closures seen by the subscribers | ${wsClosures.length ? wsClosures.map((c) => `${'AB'[c.inst]} ${c.code} at ${s(c.at)} s`).join(', ') : 'none'} |`,
      `| ledger vs database | ${(ledgerCents / 100).toFixed(2)} vs ${(storedCents / 100).toFixed(2)} |`,
      '',
      '| Check | Result | Detail |',
      '|---|---|---|',
      ...checks.map((c) => `| ${c.name} | ${c.ok ? 'pass' : '**FAIL**'} | ${c.detail} |`),
      '',
    ].join('\n');
    console.log(report);
    if (process.env.FAULT_REPORT !== '0') writeFileSync(join(ROOT, 'bench/fault/REPORT.md'), report);
    console.log(`server logs: ${logFiles.join(', ')}`);
    return passed ? 0 : 1;
  } finally {
    clearTimeout(hardTimer);
    db?.thaw();
    await Promise.all(clients.map((c) => c.dispose()));
    await Promise.all(servers.map(async (server) => {
      if (server.exitCode !== null || server.signalCode !== null) return;
      const exited = new Promise((r) => server.once('exit', r));
      server.kill('SIGTERM');
      await Promise.race([exited, sleep(15_000)]);
      server.kill('SIGKILL');
    }));
    await Promise.allSettled([db?.stop(), redis?.stop()]);
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error('fault drill failed:', err);
    process.exit(2);
  },
);
