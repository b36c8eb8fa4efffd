/**
 * Several instances drill: 1, 2 and 3 CareGraph processes on one MariaDB database and one Redis, behind
 * HAProxy, under the bench's write mix (80 % one-customer reads, 20 % a purchase plus a feedback).
 *
 *   npm run bench:instances [-- --instances 1,2,3 --duration 10 --customers 5000]
 *
 * Proves, for each instance count: no errors through the load balancer; every LOW_SCORE_FEEDBACK care event
 * raised anywhere reaches every subscriber (one on each instance, one through HAProxy) exactly once; a cold
 * dashboard sent to every instance at once fits each population model once in all (the fit lease). Reports
 * throughput per instance count. Starts its own Redis and HAProxy on free ports, uses a scratch database on
 * the MariaDB at BENCH_MYSQL_URL, stops everything it started, and exits non-zero when a promise breaks.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { createClient, type Client } from 'graphql-ws';
import { createConnection } from 'mysql2/promise';
import WebSocket from 'ws';
import { DASHBOARD } from '../queries';
import { startServer, type ServerProcess } from '../servers';
import { BENCH_DIR, freePort, graphql, log, MYSQL_BASE, ROOT, run, seededRandom, sleep, toGlobalId, WORK_DIR } from '../util';

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}
const COUNTS = option('instances', '1,2,3').split(',').map(Number);
const DURATION_S = Number(option('duration', '10'));
const CUSTOMERS = Number(option('customers', '5000'));
const CONNECTIONS = Number(option('connections', '20'));
const WRITE_SHARE = 0.2;

const CUSTOMER = `query Customer($id: ID!) { customer(id: $id) { id name value { totalSpent tier } purchases(first: 3) { edges { node { id total } } } } }`;
const WRITE = `mutation Write($purchase: CreatePurchaseInput!, $feedback: CreateFeedbackInput!) {
  createPurchase(input: $purchase) { id total }
  createFeedback(input: $feedback) { id }
}`;
const EVENTS = `subscription { careEvents(kinds: [LOW_SCORE_FEEDBACK]) { kind feedback { id } } }`;

interface Row {
  instances: number;
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  non2xx: number;
  graphqlErrors: number;
  errors: number;
  lowScoreFeedback: number;
  subscribers: { name: string; received: number; duplicates: number; missing: number }[];
  fits: Record<string, number>;
}

const children: ChildProcess[] = [];
process.on('exit', () => children.forEach((c) => c.kill('SIGKILL')));

function startChild(cmd: string, args: string[], name: string): ChildProcess {
  const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  child.stderr!.on('data', (d: Buffer) => log(`${name}: ${d.toString().trim()}`));
  children.push(child);
  return child;
}

async function main() {
  const database = `caregraph_instances_${process.pid}`;
  const base = new URL(MYSQL_BASE);
  const admin = await createConnection({ host: base.hostname, port: Number(base.port || 3306), user: decodeURIComponent(base.username || 'root'), password: decodeURIComponent(base.password) });
  await admin.query(`CREATE DATABASE \`${database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  const url = new URL(base.toString());
  url.pathname = `/${database}`;
  const databaseUrl = url.toString();
  const cli = (args: string[]) => run(process.execPath, [join(ROOT, 'dist', 'src', 'cli.js'), ...args], { env: { ...process.env, DATABASE_URL: databaseUrl }, cwd: ROOT });
  const redisPort = await freePort();
  const redis = startChild('redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], 'redis');
  const rows: Row[] = [];
  const failures: string[] = [];
  try {
    log(`seeding ${CUSTOMERS} customers into ${database}`);
    await cli(['seed', '--customers', String(CUSTOMERS), '--seed', '1']);
    const key = (await cli(['apikey', 'create', '--role', 'ADMIN', '--name', 'instances drill'])).stdout.trim();
    const headers = { authorization: `Bearer ${key}` };
    for (const n of COUNTS) {
      const row = await drill(n, databaseUrl, redisPort, headers, admin, database);
      rows.push(row);
      if (row.non2xx || row.errors || row.graphqlErrors) failures.push(`${n} instance(s): ${row.non2xx} non-2xx, ${row.errors} connection errors, ${row.graphqlErrors} GraphQL errors`);
      for (const s of row.subscribers) if (s.duplicates || s.missing) failures.push(`${n} instance(s): subscriber ${s.name} missed ${s.missing} and got ${s.duplicates} twice of ${row.lowScoreFeedback} events`);
      for (const [kind, count] of Object.entries(row.fits)) if (count > 1) failures.push(`${n} instance(s): model ${kind} fitted ${count} times`);
      if (!Object.keys(row.fits).length) failures.push(`${n} instance(s): no model fit was logged for the cold dashboard`);
    }
  } finally {
    redis.kill('SIGTERM');
    await admin.query(`DROP DATABASE IF EXISTS \`${database}\``);
    await admin.end();
  }
  writeReport(rows, failures);
  if (failures.length) {
    log(`FAILED:\n  ${failures.join('\n  ')}`);
    process.exit(1);
  }
  log('every promise held');
}

async function drill(n: number, databaseUrl: string, redisPort: number, headers: Record<string, string>, admin: Awaited<ReturnType<typeof createConnection>>, database: string): Promise<Row> {
  log(`---- ${n} instance(s)`);
  const instances: ServerProcess[] = [];
  const subscribers: { name: string; client: Client; ids: number[] }[] = [];
  let haproxy: ChildProcess | null = null;
  try {
    for (let i = 0; i < n; i++) {
      instances.push(await startServer({
        name: `instance-${n}-${i + 1}`,
        command: process.execPath,
        args: ['--max-semi-space-size=64', join(ROOT, 'dist', 'src', 'main.js')],
        env: { NODE_ENV: 'production', DATABASE_URL: databaseUrl, REDIS_URL: `redis://127.0.0.1:${redisPort}`, SEED_DEMO: 'false', RATE_LIMIT_PER_MINUTE: '0', PLAYGROUND: 'off', LOG_LEVEL: 'info' },
        ready: { path: '/readyz' },
        headers,
      }));
    }
    const lbPort = await freePort();
    const cfg = join(WORK_DIR, `haproxy-${n}.cfg`);
    mkdirSync(WORK_DIR, { recursive: true });
    writeFileSync(cfg, [
      'global', '  maxconn 2000',
      'defaults', '  mode http', '  timeout connect 2s', '  timeout client 60s', '  timeout server 60s', '  timeout tunnel 1h',
      `frontend caregraph`, `  bind 127.0.0.1:${lbPort}`, '  default_backend instances',
      'backend instances', '  balance roundrobin', '  option httpchk GET /readyz',
      ...instances.map((s, i) => `  server i${i + 1} ${new URL(s.url).host} check inter 1s`),
      '',
    ].join('\n'));
    haproxy = startChild('haproxy', ['-f', cfg, '-db'], 'haproxy');
    const lb = `http://127.0.0.1:${lbPort}/graphql`;
    for (let i = 0; i < 100 && (await graphql(lb, '{ __typename }', {}, headers).catch(() => null))?.body.data?.__typename !== 'Query'; i++) await sleep(100);

    // Cold models: dropped, then the dashboard asked of every instance at the same moment.
    await graphql(instances[0].url, 'mutation { refreshAnalytics }', {}, headers);
    const fitLinesBefore = instances.map((s) => fitLines(s.logFile).length);
    const cold = await Promise.all(instances.map((s) => graphql(s.url, DASHBOARD, {}, headers)));
    for (const c of cold) if (c.body.errors?.length) throw new Error(`cold dashboard failed: ${c.body.errors[0].message}`);
    const fits: Record<string, number> = {};
    instances.forEach((s, i) => {
      for (const kind of fitLines(s.logFile).slice(fitLinesBefore[i])) fits[kind] = (fits[kind] ?? 0) + 1;
    });

    // Subscribers: one on each instance, one through the load balancer.
    const targets = [...instances.map((s) => ({ name: s.name, url: s.url })), { name: 'via-haproxy', url: lb }];
    for (const t of targets) {
      const ids: number[] = [];
      const client = createClient({ url: t.url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, connectionParams: { authorization: headers.authorization }, lazy: false });
      await new Promise<void>((resolve, reject) => {
        client.subscribe({ query: EVENTS }, {
          next: (m) => {
            const id = (m.data as { careEvents?: { feedback?: { id: string } } })?.careEvents?.feedback?.id;
            if (id) ids.push(Number(Buffer.from(id, 'base64').toString().split(':')[1]));
          },
          error: (e) => reject(e instanceof Error ? e : new Error(JSON.stringify(e))),
          complete: () => undefined,
        });
        client.on('connected', () => setTimeout(resolve, 300));
      });
      subscribers.push({ name: t.name, client, ids });
    }

    // The write mix through HAProxy.
    const tag = `instances drill ${n} ${Date.now().toString(36)}`;
    const [products] = await admin.query(`SELECT id FROM \`${database}\`.products ORDER BY id LIMIT 200`);
    const productIds = (products as { id: number }[]).map((p) => p.id);
    const random = seededRandom(n);
    const pick = (max: number) => 1 + Math.floor(random() * max);
    let writes = 0;
    let graphqlErrors = 0;
    const body = () => {
      if (random() >= WRITE_SHARE) return JSON.stringify({ query: CUSTOMER, variables: { id: toGlobalId('Customer', pick(CUSTOMERS)) } });
      const customerId = toGlobalId('Customer', pick(CUSTOMERS));
      const lines = [0, 1, 2].map(() => ({ productId: toGlobalId('Product', productIds[pick(productIds.length) - 1]), quantity: pick(3) }));
      return JSON.stringify({
        query: WRITE,
        variables: {
          purchase: { customerId, channel: 'ONLINE', idempotencyKey: `drill-${tag}-${writes++}`.replace(/\s/g, '-'), lines },
          feedback: { customerId, score: pick(5), issue: 'DELIVERY', comment: tag, channel: 'WEB' },
        },
      });
    };
    const r = await new Promise<autocannon.Result>((resolve, reject) =>
      autocannon({
        url: lb,
        connections: CONNECTIONS,
        duration: DURATION_S,
        requests: [{
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          setupRequest: (req) => ({ ...req, body: body() }),
          onResponse: (_status, resBody) => {
            if (resBody.includes('"errors"')) graphqlErrors++;
          },
        }],
      }, (err, result) => (err ? reject(err) : resolve(result))));
    await sleep(3000);
    const [raised] = await admin.query(`SELECT id FROM \`${database}\`.feedback WHERE comment = ? AND score <= 2`, [tag]);
    const expected = new Set((raised as { id: number }[]).map((r) => r.id));
    const row: Row = {
      instances: n,
      rps: Math.round(r.requests.total / r.duration),
      p50: r.latency.p50,
      p99: r.latency.p99,
      requests: r.requests.total,
      non2xx: r.non2xx,
      graphqlErrors,
      errors: r.errors,
      lowScoreFeedback: expected.size,
      subscribers: subscribers.map((s) => {
        const seen = new Set(s.ids);
        return { name: s.name, received: s.ids.length, duplicates: s.ids.length - seen.size, missing: [...expected].filter((id) => !seen.has(id)).length };
      }),
      fits,
    };
    log(JSON.stringify(row));
    return row;
  } finally {
    for (const s of subscribers) await s.client.dispose();
    haproxy?.kill('SIGTERM');
    for (const s of instances) await s.stop();
  }
}

/** Kinds of the "model fitted" lines in an instance's log, in order. */
function fitLines(file: string): string[] {
  const kinds: string[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.includes('"model fitted"')) continue;
    try {
      kinds.push(String((JSON.parse(line) as { kind: string }).kind));
    } catch {
      /* not a JSON line */
    }
  }
  return kinds;
}

function writeReport(rows: Row[], failures: string[]) {
  const lines = [
    '# Several instances behind HAProxy (bench/scale/instances.ts)',
    '',
    `Written by \`npm run bench:instances\` on ${new Date().toISOString().slice(0, 10)}: ${CUSTOMERS.toLocaleString('en')} customers on MariaDB, one Redis,`,
    `HAProxy round-robin, ${CONNECTIONS} connections for ${DURATION_S} s of the write mix (80 % one-customer reads, 20 % purchase + feedback).`,
    'Everything runs on one 2-core machine (load generator, HAProxy, MariaDB, Redis and the instances), so more',
    'instances share the same two cores: the figures show that the topology works and what it costs, not scale-out',
    'on separate hosts.',
    '',
    '| instances | req/s | p50 ms | p99 ms | requests | non-2xx | GraphQL errors | low-score events raised | received by each subscriber (missing / twice) | fits of the cold dashboard |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |',
    ...rows.map((r) => `| ${r.instances} | ${r.rps} | ${r.p50} | ${r.p99} | ${r.requests} | ${r.non2xx} | ${r.graphqlErrors} | ${r.lowScoreFeedback} | ${r.subscribers.map((s) => `${s.name}: ${s.received} (${s.missing} / ${s.duplicates})`).join('; ')} | ${Object.entries(r.fits).map(([k, v]) => `${k} x${v}`).join(', ')} |`),
    '',
    failures.length ? `**Failed:**\n\n${failures.map((f) => `- ${f}`).join('\n')}` : 'Every promise held: no errors, every event once per subscriber, each model fitted once.',
    '',
  ];
  mkdirSync(join(BENCH_DIR, 'scale'), { recursive: true });
  writeFileSync(join(BENCH_DIR, 'scale', 'INSTANCES.md'), lines.join('\n'));
}

main().catch((err) => {
  log(`instances drill failed: ${(err as Error).stack ?? err}`);
  process.exit(1);
});
