/**
 * Fault drill: the built server under a steady write load while its database is shut down and started again.
 *
 *   FAULT_DATABASE=postgres node dist/bench/fault/postgres.js                 # PostgreSQL (pg_ctlcluster 15 main)
 *
 * (The two-instance drill with Redis, on a private MariaDB, is run.ts.)
 *
 * Not part of the test run: it restarts the database server on 127.0.0.1 (shared by everyone on this
 * machine; see README.md for drilling a PostgreSQL cluster of one's own), so the outage is kept to a few
 * seconds and the server is always started again, even on failure.
 * It proves that every purchase the server acknowledged exists exactly once, that clients retrying with the
 * same idempotency key never duplicate one, and that the server recovers without being restarted.
 * Writes bench/fault/REPORT.md (REPORT-postgres.md) and exits non-zero when a check fails.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync, createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { createConnection } from 'mysql2/promise';
import { Client } from 'pg';

const run = promisify(execFile);

/** dist/bench/fault -> the repository. */
const ROOT = resolve(__dirname, '../../..');
const DIST = resolve(__dirname, '../..');
const MYSQL = new URL(process.env.FAULT_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306');
const POSTGRES = new URL(process.env.FAULT_PG_URL ?? 'postgres://postgres@127.0.0.1:5432');
/** `<version> <cluster>` for pg_ctlcluster: another cluster than the shared one can be drilled (see README). */
const PG_CLUSTER = (process.env.FAULT_PG_CLUSTER ?? '15 main').split(/\s+/);
const KIND: 'mariadb' | 'postgres' = process.env.FAULT_DATABASE === 'postgres' ? 'postgres' : 'mariadb';
const PORT = Number(process.env.FAULT_PORT ?? 4791);
const BASE = `http://127.0.0.1:${PORT}`;
const CLIENTS = 4;
const LOAD_MS = 40_000;
const OUTAGE_AT_MS = 14_000;
/** How long MariaDB stays down once it has stopped (the shutdown itself adds a little). */
const OUTAGE_HOLD_MS = 1_500;
/** Everything, including start-up and checks, ends by then. */
const HARD_LIMIT_MS = 150_000;
const MARIADBD = '/usr/sbin/mariadbd';

const started = Date.now();
const now = () => Date.now() - started;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const s = (ms: number) => (ms / 1000).toFixed(2);

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

interface Timeline {
  shutdownAt?: number;
  downAt?: number;
  startAt?: number;
  upAt?: number;
  readyAgainAt?: number;
}

const ledger: Entry[] = [];
const tl: Timeline = {};
const errors: { at: number; code: string }[] = [];
const readyz: { at: number; status: number | 'ERR' }[] = [];
let requests = 0;
let dbRestarted = false;

async function mysqlAnswers(): Promise<boolean> {
  try {
    await run('mysqladmin', ['-uroot', '-h127.0.0.1', '--connect-timeout=2', 'ping'], { timeout: 5_000 });
    return true;
  } catch {
    return false;
  }
}

async function mariadbRunning(): Promise<boolean> {
  try {
    await run('start-stop-daemon', ['--status', '--exec', MARIADBD]);
    return true;
  } catch {
    return false;
  }
}

async function waitFor(what: string, test: () => Promise<boolean>, limitMs: number, everyMs = 100): Promise<void> {
  const until = Date.now() + limitMs;
  while (!(await test())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(everyMs);
  }
}

async function startMariaDB(): Promise<void> {
  await run('start-stop-daemon', ['--start', '--oknodo', '--background', '--exec', MARIADBD]);
  await waitFor('MariaDB to answer', mysqlAnswers, 60_000);
}

async function pgAnswers(): Promise<boolean> {
  try {
    await run('pg_isready', ['-h', POSTGRES.hostname, '-p', POSTGRES.port || '5432', '-t', '2'], { timeout: 5_000 });
    return true;
  } catch {
    return false;
  }
}

/** What the drill needs of a database server: is it up, stop it, start it, and SQL on the drill's database. */
interface Target {
  name: string;
  /** How the outage is made, for the report. */
  how: string;
  answers(): Promise<boolean>;
  stop(): Promise<void>;
  start(): Promise<void>;
  urlOf(database: string): string;
  create(database: string): Promise<void>;
  drop(database: string): Promise<void>;
  /** Rows of a query on the drill's database. */
  rows<T>(database: string, sql: string): Promise<T[]>;
}

const mariadb: Target = {
  name: 'MariaDB',
  how: 'stopped (`mysqladmin shutdown`), left down {hold} s and started again (`start-stop-daemon --start --exec /usr/sbin/mariadbd`)',
  answers: mysqlAnswers,
  async stop() {
    await run('mysqladmin', ['-uroot', '-h127.0.0.1', 'shutdown'], { timeout: 60_000 });
    // start-stop-daemon --oknodo would do nothing while the old process is still exiting.
    await waitFor('mariadbd to exit', async () => !(await mariadbRunning()), 60_000);
  },
  start: startMariaDB,
  urlOf(database) {
    const u = new URL(MYSQL.toString());
    u.pathname = `/${database}`;
    return u.toString();
  },
  async create(database) {
    const c = await mysqlAdmin();
    await c.query(`CREATE DATABASE \`${database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    await c.end();
  },
  async drop(database) {
    const c = await mysqlAdmin();
    await c.query(`DROP DATABASE IF EXISTS \`${database}\``);
    await c.end();
  },
  async rows<T>(database: string, sql: string) {
    const c = await createConnection(mariadb.urlOf(database));
    try {
      return (await c.query(sql))[0] as T[];
    } finally {
      await c.end();
    }
  },
};

function mysqlAdmin() {
  return createConnection({ host: MYSQL.hostname, port: Number(MYSQL.port || 3306), user: decodeURIComponent(MYSQL.username || 'root'), password: decodeURIComponent(MYSQL.password) });
}

async function pgRows<T>(database: string, sql: string): Promise<T[]> {
  const u = new URL(POSTGRES.toString());
  u.pathname = `/${database}`;
  const c = new Client({ connectionString: u.toString() });
  await c.connect();
  try {
    return (await c.query(sql)).rows as T[];
  } finally {
    await c.end();
  }
}

const postgres: Target = {
  name: 'PostgreSQL',
  how: `stopped (\`pg_ctlcluster ${PG_CLUSTER.join(' ')} stop -m fast\`), left down {hold} s and started again (\`pg_ctlcluster ${PG_CLUSTER.join(' ')} start\`)`,
  answers: pgAnswers,
  async stop() {
    await run('pg_ctlcluster', [...PG_CLUSTER, 'stop', '-m', 'fast'], { timeout: 60_000 });
    await waitFor('PostgreSQL to stop answering', async () => !(await pgAnswers()), 60_000);
  },
  async start() {
    await run('pg_ctlcluster', [...PG_CLUSTER, 'start'], { timeout: 60_000 }).catch(() => undefined);
    await waitFor('PostgreSQL to answer', pgAnswers, 60_000);
  },
  urlOf(database) {
    const u = new URL(POSTGRES.toString());
    u.pathname = `/${database}`;
    return u.toString();
  },
  create: async (database) => void (await pgRows('postgres', `CREATE DATABASE "${database}" ENCODING 'UTF8' TEMPLATE template0`)),
  drop: async (database) => void (await pgRows('postgres', `DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`)),
  rows: pgRows,
};

const target = KIND === 'postgres' ? postgres : mariadb;

/** The fault: a clean shutdown (in-flight statements fail, connections drop), a pause, a start. */
async function outage(): Promise<void> {
  tl.shutdownAt = now();
  dbRestarted = true;
  await target.stop();
  tl.downAt = now();
  await sleep(OUTAGE_HOLD_MS);
  tl.startAt = now();
  await target.start();
  tl.upAt = now();
}

async function gql(key: string, query: string, variables?: Record<string, unknown>): Promise<{ status: number; body: any }> {
  const res = await fetch(`${BASE}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ query, variables }),
    signal: AbortSignal.timeout(15_000),
  });
  return { status: res.status, body: await res.json() };
}

const CREATE_PURCHASE = `mutation($input: CreatePurchaseInput!) { createPurchase(input: $input) { id total idempotencyKey } }`;

/** One client: a purchase at a time, each retried with the same idempotency key until acknowledged. */
async function client(n: number, key: string, customers: string[], products: { id: string; cents: number }[], loadEnd: number, hardEnd: number) {
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
      requests++;
      const code = await attempt(key, entry);
      if (code === null) break;
      errors.push({ at: now(), code });
      if (now() > hardEnd) return;
      await sleep(150 + random() * 100);
    }
  }
}

/** null when acknowledged, else what went wrong. */
async function attempt(key: string, e: Entry): Promise<string | null> {
  try {
    const { status, body } = await gql(key, CREATE_PURCHASE, { input: { customerId: e.customerId, channel: 'ONLINE', idempotencyKey: e.key, lines: e.lines } });
    const p = body?.data?.createPurchase;
    if (p?.id) {
      e.id = p.id;
      e.totalCents = Math.round(p.total * 100);
      e.ackedAt = now();
      return null;
    }
    return body?.errors?.[0]?.extensions?.code ?? `HTTP ${status}`;
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause;
    return `network: ${cause?.code ?? (err as Error).name}`;
  }
}

async function pollReadyz(until: () => boolean) {
  while (!until()) {
    const at = now();
    try {
      const res = await fetch(`${BASE}/readyz`, { signal: AbortSignal.timeout(2_000) });
      readyz.push({ at, status: res.status });
    } catch {
      readyz.push({ at, status: 'ERR' });
    }
    await sleep(200);
  }
}

function startServer(databaseUrl: string, logFile: string): ChildProcess {
  const log = createWriteStream(logFile);
  const child = spawn(process.execPath, [join(DIST, 'src/main.js')], {
    cwd: ROOT,
    env: {
      ...process.env, NODE_ENV: 'production', DATABASE_URL: databaseUrl, SEED_DEMO: 'false', RATE_LIMIT_PER_MINUTE: '0',
      HOST: '127.0.0.1', PORT: String(PORT), LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.pipe(log);
  child.stderr!.pipe(log);
  return child;
}

interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

async function main(): Promise<number> {
  const database = `caregraph_fault_${process.pid}`;
  const dbUrl = new URL(target.urlOf(database));
  if (!(await target.answers())) throw new Error(`${target.name} does not answer on 127.0.0.1; start it first`);
  let server: ChildProcess | null = null;
  const logDir = mkdtempSync(join(tmpdir(), 'caregraph-fault-'));
  const logFile = join(logDir, 'server.log');
  const hardTimer = setTimeout(() => {
    console.error(`hard limit of ${HARD_LIMIT_MS / 1000} s reached: stopping`);
    server?.kill('SIGKILL');
    void target.start().finally(() => process.exit(3));
  }, HARD_LIMIT_MS);
  try {
    await target.create(database);

    server = startServer(dbUrl.toString(), logFile);
    const serverPid = server.pid;
    let serverExit: number | null | string = null;
    server.on('exit', (code, signal) => (serverExit = code ?? signal));
    await waitFor('the server to be ready', async () => (await fetch(`${BASE}/readyz`).then((r) => r.status === 200).catch(() => false)), 60_000, 200);

    const { stdout } = await run(process.execPath, [join(DIST, 'src/cli.js'), 'apikey', 'create', '--role', 'ADMIN', '--name', 'fault'], {
      cwd: ROOT, env: { ...process.env, DATABASE_URL: dbUrl.toString(), NODE_ENV: 'production', LOG_LEVEL: 'warn' },
    });
    const key = stdout.trim();
    if (!/^cg_/.test(key)) throw new Error(`apikey create printed no key: ${stdout}`);

    const products: { id: string; cents: number }[] = [];
    for (const [i, price] of [4.99, 12.5, 0.35, 99, 7.25].entries()) {
      const r = await gql(key, `mutation($i: CreateProductInput!) { createProduct(input: $i) { id } }`, { i: { sku: `FAULT-${i}`, name: `Fault product ${i}`, category: 'fault', price } });
      products.push({ id: r.body.data.createProduct.id, cents: Math.round(price * 100) });
    }
    const customers: string[] = [];
    for (let i = 0; i < 12; i++) {
      const r = await gql(key, `mutation($i: CreateCustomerInput!) { createCustomer(input: $i) { id } }`, { i: { name: `Fault customer ${i}`, email: `fault${i}@example.com` } });
      customers.push(r.body.data.createCustomer.id);
    }
    console.log(`server pid ${serverPid} on ${BASE}, database ${database}; ${CLIENTS} clients for ${LOAD_MS / 1000} s, ${target.name} restart at ${OUTAGE_AT_MS / 1000} s`);

    const loadStart = now();
    const loadEnd = loadStart + LOAD_MS;
    const hardEnd = loadStart + LOAD_MS + 30_000;
    let loadDone = false;
    const poller = pollReadyz(() => loadDone && tl.readyAgainAt !== undefined);
    const fault = (async () => {
      await sleep(OUTAGE_AT_MS);
      try {
        await outage();
      } finally {
        if (!(await target.answers())) await target.start();
      }
    })();
    await Promise.all(Array.from({ length: CLIENTS }, (_, i) => client(i, key, customers, products, loadEnd, hardEnd)));
    await fault;
    loadDone = true;
    // Ready again: the first 200 from /readyz after the database answered again.
    await waitFor('/readyz to say ready after the restart', async () => {
      const hit = readyz.find((r) => r.at >= (tl.upAt ?? Infinity) && r.status === 200);
      if (hit) tl.readyAgainAt = hit.at;
      return hit !== undefined;
    }, 30_000, 100);
    await poller;

    // The proof, from the database itself.
    const rows = await target.rows(database, `SELECT idempotency_key AS k, COUNT(*) AS n, SUM(total_cents) AS cents FROM purchases WHERE deleted_at IS NULL GROUP BY idempotency_key`);
    const stats = await target.rows(database,
      `SELECT COUNT(*) AS wrong FROM customers c LEFT JOIN (SELECT customer_id, COUNT(*) AS n, SUM(total_cents) AS cents FROM purchases WHERE deleted_at IS NULL GROUP BY customer_id) p ON p.customer_id = c.id
       WHERE c.purchase_count <> COALESCE(p.n, 0) OR c.total_spent_cents <> COALESCE(p.cents, 0)`,
    );
    const [version] = await target.rows<{ v: string }>(database, 'SELECT VERSION() AS v');
    const stored = new Map((rows as { k: string | null; n: number; cents: string }[]).map((r) => [r.k, { n: Number(r.n), cents: Number(r.cents) }]));
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
    const viaApi = (await gql(key, `{ purchases { totalCount } }`)).body?.data?.purchases?.totalCount;

    const outageStart = tl.shutdownAt!;
    const outageEnd = tl.readyAgainAt!;
    const during = errors.filter((e) => e.at >= outageStart && e.at <= outageEnd);
    const outside = errors.filter((e) => e.at < outageStart || e.at > outageEnd);
    const byCode = (list: { code: string }[]) => [...list.reduce((m, e) => m.set(e.code, (m.get(e.code) ?? 0) + 1), new Map<string, number>())].sort((a, b) => b[1] - a[1]);
    const readyDuring = readyz.filter((r) => r.at >= tl.downAt! && r.at < tl.startAt!);
    const readyAfter = readyz.filter((r) => r.at >= tl.readyAgainAt!);
    const ackedAfterRecovery = acked.filter((e) => e.ackedAt! > outageEnd).length;
    const retried = ledger.filter((e) => e.attempts > 1);

    const checks: Check[] = [
      { name: 'acknowledged purchases stored exactly once', ok: lost === 0 && duplicates === 0, detail: `lost ${lost}, duplicated ${duplicates}` },
      { name: 'no purchase the clients did not send', ok: phantoms === 0, detail: `${phantoms} unexpected idempotency keys` },
      { name: 'every purchase retried until acknowledged', ok: unacked.length === 0, detail: `${unacked.length} never acknowledged` },
      { name: 'stored totals equal the clients\' ledger', ok: wrongTotals === 0 && ledgerCents === storedCents && storedRows === acked.length, detail: `ledger ${ledgerCents} cents in ${acked.length} purchases, database ${storedCents} cents in ${storedRows} rows` },
      { name: 'cached customer totals agree with the purchases', ok: Number((stats as { wrong: number }[])[0].wrong) === 0, detail: `${(stats as { wrong: number }[])[0].wrong} customers disagree` },
      { name: 'the API counts the same purchases', ok: viaApi === acked.length, detail: `purchases.totalCount = ${viaApi}` },
      { name: `/readyz said 503 while ${target.name} was down`, ok: readyDuring.length > 0 && readyDuring.every((r) => r.status === 503), detail: `${readyDuring.length} polls, statuses ${[...new Set(readyDuring.map((r) => r.status))].join(', ')}` },
      { name: '/readyz said 200 again without a server restart', ok: readyAfter.length > 0 && readyAfter.every((r) => r.status === 200) && serverExit === null, detail: `server pid ${serverPid} ${serverExit === null ? 'still running' : `exited (${serverExit})`}` },
      { name: 'writes acknowledged again after the recovery', ok: ackedAfterRecovery > 0, detail: `${ackedAfterRecovery} purchases acknowledged after ${s(outageEnd)} s` },
      { name: 'no internal errors, only SERVICE_UNAVAILABLE-type failures', ok: errors.every((e) => e.code === 'SERVICE_UNAVAILABLE' || e.code.startsWith('network')), detail: byCode(errors).map(([c, n]) => `${c} ${n}`).join(', ') || 'no errors' },
    ];
    const passed = checks.every((c) => c.ok);

    const report = [
      `# Fault drill: ${target.name} restart under write load`,
      '',
      `Run ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC by \`${KIND === 'postgres' ? `FAULT_DATABASE=postgres FAULT_PG_CLUSTER='${PG_CLUSTER.join(' ')}' ` : ''}node dist/bench/fault/run.js\` (${passed ? 'all checks passed' : 'SOME CHECKS FAILED'}).`,
      `Built server (\`node dist/src/main.js\`, NODE_ENV=production, SEED_DEMO=false, RATE_LIMIT_PER_MINUTE=0) on ${BASE},`,
      `${KIND === 'postgres' ? String(version.v).split(',')[0] : `MariaDB ${version.v}`} on ${KIND === 'postgres' ? dbUrl.host : '127.0.0.1'}, fresh database; Node ${process.version}. ${CLIENTS} clients send createPurchase with a unique`,
      `idempotency key each, one at a time, for ${LOAD_MS / 1000} s; a failed call is retried with the same key every 150-250 ms until acknowledged.`,
      `At ${OUTAGE_AT_MS / 1000} s ${target.name} is ${target.how.replace('{hold}', String(OUTAGE_HOLD_MS / 1000))};`,
      '`/readyz` is polled every 200 ms throughout.',
      '',
      '| Figure | Value |',
      '|---|---|',
      `| requests sent | ${requests} |`,
      `| purchases acknowledged | ${acked.length} |`,
      `| retries (failed attempts) | ${errors.length}, on ${retried.length} purchases (most attempts for one: ${Math.max(...ledger.map((e) => e.attempts))}) |`,
      `| errors during the outage, by code | ${byCode(during).map(([c, n]) => `${c} ${n}`).join(', ') || 'none'} |`,
      `| errors outside the outage | ${byCode(outside).map(([c, n]) => `${c} ${n}`).join(', ') || 'none'} |`,
      `| ${target.name} down (shutdown command to answering again) | ${s(tl.upAt! - tl.shutdownAt!)} s (stopping ${s(tl.downAt! - tl.shutdownAt!)} s, held ${s(tl.startAt! - tl.downAt!)} s, starting ${s(tl.upAt! - tl.startAt!)} s) |`,
      `| server ready again after ${target.name} answered | ${s(tl.readyAgainAt! - tl.upAt!)} s |`,
      `| /readyz polls: 503 while down / 200 after | ${readyDuring.filter((r) => r.status === 503).length} of ${readyDuring.length} / ${readyAfter.filter((r) => r.status === 200).length} of ${readyAfter.length} |`,
      `| duplicates | ${duplicates} |`,
      `| lost acknowledged purchases | ${lost} |`,
      `| ledger vs database | ${acked.length} purchases, ${(ledgerCents / 100).toFixed(2)} vs ${storedRows} rows, ${(storedCents / 100).toFixed(2)} |`,
      '',
      'Timeline (seconds since the drill started):',
      '',
      `- load ${s(loadStart)} to ${s(loadEnd)}; shutdown issued ${s(tl.shutdownAt!)}, ${target.name} gone ${s(tl.downAt!)}, start issued ${s(tl.startAt!)},`,
      `  ${target.name} answering ${s(tl.upAt!)}, server ready ${s(tl.readyAgainAt!)}; last purchase acknowledged ${s(Math.max(...acked.map((e) => e.ackedAt!)))}`,
      '',
      '| Check | Result | Detail |',
      '|---|---|---|',
      ...checks.map((c) => `| ${c.name} | ${c.ok ? 'pass' : '**FAIL**'} | ${c.detail} |`),
      '',
    ].join('\n');
    console.log(report);
    writeFileSync(join(ROOT, KIND === 'postgres' ? 'bench/fault/REPORT-postgres.md' : 'bench/fault/REPORT.md'), report);
    console.log(`server log: ${logFile}`);
    return passed ? 0 : 1;
  } finally {
    clearTimeout(hardTimer);
    if (server && server.exitCode === null) {
      server.kill('SIGTERM');
      await new Promise((r) => server!.once('exit', r));
    }
    // Whatever happened above, the database server is left running.
    if (dbRestarted && !(await target.answers())) await target.start();
    try {
      await target.drop(database);
    } catch (e) {
      console.error(`could not drop ${database}: ${(e as Error).message}`);
    }
  }
}

main().then(
  (code) => process.exit(code),
  async (err) => {
    console.error('fault drill failed:', err);
    if (!(await target.answers())) await target.start().catch(() => undefined);
    process.exit(2);
  },
);
