/**
 * CareGraph benchmark (issue #6). Seeds (or reuses) a bench database per data size, runs the server under
 * test as a child process, loads it with autocannon over loopback, measures the hand-written floors and
 * PostGraphile on the same data, times the model fits, and writes bench/results/<size>.json and
 * bench/REPORT.md with bench/chart.svg.
 *
 *   npm run build && node dist/bench/run.js [--sizes S,M] [--duration 10] [--warmup 3]
 *     [--connections 1,10,50] [--seed 1] [--skip-peer] [--skip-sqlite] [--skip-fits] [--reseed]
 */
import { execFileSync } from 'node:child_process';
import type { GraphQLSchema } from 'graphql';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, release, totalmem } from 'node:os';
import { isDeepStrictEqual } from 'node:util';
import {
  benchDataPath, benchDbName, createApiKey, dropStoredModels, revokeApiKey, ensureMariaDb, ensureSqlite, mariaVersion, sampleIds, SIZES, StatementCounter, undoWrites, WRITE_COMMENT_PREFIX, WRITE_KEY_PREFIX,
} from './data';
import { checkFloorPage } from './floor-check';
import { runFits } from './fits';
import { load, type LoadResult } from './load';
import { ensurePeerInstalled, ensurePgCopy, pgUrl, pgVersion, startPeer } from './peer';
import { fitWhileServing, type HeavyRequest } from './probe';
import {
  CUSTOMER_360, CUSTOMER_PAGE, DASHBOARD, ENTITY_PAGES, fetchSchema, fitQuery, LOOKUP_QUERY, mutationNames, PEER_LOOKUP_QUERY, PEER_PLAIN_QUERY, PLAIN_QUERY, splitByField, WRITE, type FittedQuery,
} from './queries';
import { writeReport } from './report';
import type { Machine, SizeResult, StatementSample } from './results';
import { startCareGraph, startFloor, type ServerProcess } from './servers';
import { startStatementProxy, type StatementProxy } from './sql-proxy';
import { graphql, log, pidsByName, ROOT, seededRandom, toGlobalId, type GraphQLBody } from './util';

interface Options {
  sizes: string[];
  durationS: number;
  warmupS: number;
  connections: number[];
  seed: number;
  skipPeer: boolean;
  skipSqlite: boolean;
  skipFits: boolean;
  reseed: boolean;
}

function parseArgs(argv: string[]): Options {
  const value = (name: string) => {
    const i = argv.indexOf(`--${name}`);
    if (i >= 0) return argv[i + 1];
    return argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  };
  const flag = (name: string) => argv.includes(`--${name}`);
  const list = (s: string) => s.split(',').map((x) => x.trim()).filter(Boolean);
  const sizes = list(value('sizes') ?? 'S,M').map((s) => s.toUpperCase());
  for (const s of sizes) if (!SIZES[s]) throw new Error(`unknown size ${s}: use ${Object.keys(SIZES).join(', ')}`);
  const connections = list(value('connections') ?? '1,10,50').map(Number);
  if (connections.some((c) => !Number.isInteger(c) || c < 1 || c > 1000)) throw new Error('--connections takes integers 1..1000');
  const durationS = Number(value('duration') ?? 10);
  const warmupS = Number(value('warmup') ?? 3);
  if (!(durationS >= 1 && durationS <= 600) || !(warmupS >= 0 && warmupS <= 120)) throw new Error('--duration 1..600 and --warmup 0..120 seconds');
  return {
    sizes,
    durationS,
    warmupS,
    connections,
    seed: Number(value('seed') ?? 1),
    skipPeer: flag('skip-peer'),
    skipSqlite: flag('skip-sqlite'),
    skipFits: flag('skip-fits'),
    reseed: flag('reseed'),
  };
}

const WRITE_SHARE = 0.2;

const body = (query: string, variables?: Record<string, unknown>) => JSON.stringify({ query, variables });

function gitCommit(): string {
  if (process.env.BENCH_COMMIT) return process.env.BENCH_COMMIT;
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT }).toString().trim();
    // The bench's own outputs (results of the sizes measured before in this run, the report) do not count.
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no', '--', '.', ':!bench/results', ':!bench/REPORT.md', ':!bench/chart.svg'], { cwd: ROOT }).toString().trim();
    return dirty ? `${head} (with uncommitted changes)` : head;
  } catch {
    return 'unknown';
  }
}

async function machine(withPg: boolean): Promise<Machine> {
  let os = 'Linux';
  try {
    os = /PRETTY_NAME="([^"]+)"/.exec(readFileSync('/etc/os-release', 'utf8'))?.[1] ?? os;
  } catch {
    /* keep the default */
  }
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    os,
    kernel: release(),
    node: process.version,
    mariadb: await mariaVersion(),
    postgres: withPg ? await pgVersion().catch(() => undefined) : undefined,
  };
}

const mariaPids = () => pidsByName('mariadbd', 'mysqld');
const pgPids = () => pidsByName('postgres');

/** Objects in a plain three-level response, to check every server answered the same shape. */
function plainShape(data: unknown, keys: { root: string; purchases: string; lines: string }) {
  const nodes = (v: unknown): Record<string, unknown>[] => {
    if (Array.isArray(v)) return v as Record<string, unknown>[];
    return ((v as { nodes?: unknown[] } | null)?.nodes ?? []) as Record<string, unknown>[];
  };
  const customers = nodes((data as Record<string, unknown> | null)?.[keys.root]);
  const purchases = customers.flatMap((c) => nodes(c[keys.purchases]));
  const lines = purchases.flatMap((p) => nodes(p[keys.lines]));
  return { customers: customers.length, purchases: purchases.length, lines: lines.length };
}

/**
 * A request in steady state, sent five times in a row (the first ones warm caches and models): SQL
 * statements as CareGraph reports them (extensions.sql) and as counted on the wire by the statement
 * proxy in front of MariaDB (the fewest of the five, in case something ran in the background).
 */
const SAMPLES = 5;

/**
 * Waits until the server has sent no statement for QUIET_MS (at most QUIET_MAX_MS): models the start-up warm-up
 * or a first request set off are still being fitted, and their reads would be counted with the sample's.
 */
const QUIET_MS = 1500;
const QUIET_MAX_MS = 120_000;
async function quiet(proxy: StatementProxy): Promise<void> {
  const until = Date.now() + QUIET_MAX_MS;
  let seen = proxy.statements();
  let since = Date.now();
  while (Date.now() < until && Date.now() - since < QUIET_MS) {
    await new Promise((r) => setTimeout(r, 250));
    if (proxy.statements() !== seen) [seen, since] = [proxy.statements(), Date.now()];
  }
}
async function sample(
  server: ServerProcess,
  proxy: StatementProxy,
  query: string,
  variables?: Record<string, unknown> | (() => Record<string, unknown>),
): Promise<StatementSample & { body: GraphQLBody }> {
  let last: Awaited<ReturnType<typeof graphql>> | undefined;
  let counted = Infinity;
  await quiet(proxy);
  for (let i = 0; i < SAMPLES; i++) {
    const before = proxy.statements();
    last = await graphql(server.url, query, typeof variables === 'function' ? variables() : variables, server.headers);
    counted = Math.min(counted, proxy.statements() - before);
  }
  const sql = last!.body.extensions?.sql;
  return {
    statements: sql?.statements ?? null,
    wireStatements: counted,
    dbMs: sql?.dbMs ?? null,
    ms: last!.ms,
    bytes: last!.bytes,
    error: last!.body.errors?.[0]?.message,
    body: last!.body,
  };
}

/** data.url with the host and port of the statement proxy. */
function viaProxy(url: string, port: number): string {
  const u = new URL(url);
  u.host = `127.0.0.1:${port}`;
  return u.toString();
}

async function runSize(size: string, o: Options, mach: Machine): Promise<SizeResult> {
  const startedAt = new Date().toISOString();
  const data = await ensureMariaDb(size, SIZES[size], o.seed, o.reseed, (database) => undoWrites(database, WRITE_KEY_PREFIX, WRITE_COMMENT_PREFIX));
  const database = benchDbName(size);
  const ids = await sampleIds(database);
  const random = seededRandom(o.seed);
  const counter = await StatementCounter.open();
  const pick = (list: Int32Array) => list[Math.floor(random() * list.length)];

  const result: SizeResult = {
    size, startedAt, finishedAt: '', commit: gitCommit(),
    options: { durationS: o.durationS, warmupS: o.warmupS, connections: o.connections, seed: o.seed },
    machine: mach, data, queries: {}, statements: {}, breakdown: {}, plainShape: {}, runs: [], skipped: [], fits: [], serverPeakRssMb: {},
  };
  const skip = (what: string, why: string) => {
    result.skipped.push({ what, why });
    log(`${size}: skipped ${what}: ${why}`);
  };
  const measure = async (server: ServerProcess, serverName: string, workload: string, payload: string | (() => { body: string; kind: string }), db: 'maria' | 'pg' | 'sqlite') => {
    for (const connections of o.connections) {
      const r: LoadResult = await load({
        url: server.url, headers: server.headers, connections, durationS: o.durationS, warmupS: o.warmupS, body: payload, serverPid: server.pid,
        dbPids: db === 'maria' ? mariaPids : db === 'pg' ? pgPids : () => [],
        statements: db === 'maria' ? counter : undefined,
      });
      result.runs.push({ server: serverName, workload, result: r });
      log(`${size} ${serverName} ${workload} c=${connections}: ${r.rps.toFixed(1)} req/s, p50 ${r.p50.toFixed(1)} p95 ${r.p95.toFixed(1)} p99 ${r.p99.toFixed(1)} ms, errors ${r.errors + r.non2xx + r.graphqlErrors}${r.firstError ? ` (${r.firstError})` : ''}`);
    }
  };

  // ---- CareGraph on MariaDB: first behind the statement proxy (schema, fit probe, SQL per request) ----
  const dropped = await dropStoredModels(database);
  if (dropped) log(`${size}: dropped ${dropped} stored models so that the probe sees the fits`);
  const maria = new URL(data.url);
  const proxy = await startStatementProxy(maria.hostname, Number(maria.port || 3306));
  let plainData: unknown = null;
  let schema: GraphQLSchema;
  const q: Record<string, FittedQuery> = {};
  const customerVars = () => ({ id: toGlobalId('Customer', pick(ids.customers)) });
  // Every write is a new purchase (a repeated idempotency key would only read the first one back).
  const runTag = Date.now().toString(36);
  let writes = 0;
  const writeVars = () => {
    const customerId = toGlobalId('Customer', pick(ids.customers));
    const lines = [0, 1, 2].map(() => ({ productId: toGlobalId('Product', pick(ids.products)), quantity: 1 + Math.floor(random() * 3) }));
    return {
      purchase: { customerId, channel: 'ONLINE', idempotencyKey: `${WRITE_KEY_PREFIX}${runTag}-${writes++}`, lines },
      feedback: { customerId, score: 1 + Math.floor(random() * 5), issue: 'DELIVERY', comment: `${WRITE_COMMENT_PREFIX} ${runTag}`, channel: 'WEB' },
    };
  };
  const apiKey = await createApiKey(data.url, `bench ${size} ${startedAt}`);
  const counted = await startCareGraph(`caregraph-${size}-counted`, viaProxy(data.url, proxy.port), apiKey?.key ?? null, true);
  try {
    schema = await fetchSchema(counted.url, counted.headers);
    q.plain = fitQuery(schema, PLAIN_QUERY);
    q['customer-page'] = fitQuery(schema, CUSTOMER_PAGE);
    q['customer-360'] = fitQuery(schema, CUSTOMER_360);
    q.dashboard = fitQuery(schema, DASHBOARD);
    q.write = fitQuery(schema, WRITE);
    for (const [name, text] of Object.entries(ENTITY_PAGES)) q[name] = fitQuery(schema, text);
    result.queries = q;
    for (const [name, f] of Object.entries(q)) {
      if (f.missing.length) log(`${size}: ${name}: not on the server yet: ${f.missing.join(', ')}`);
      if (f.error) log(`${size}: ${name}: ${f.error}`);
    }

    // Cold analytic requests fit the models inside the server: are cheap requests still answered meanwhile?
    const heavy: HeavyRequest[] = [];
    if (q.dashboard.text) heavy.push({ name: 'dashboard', query: q.dashboard.text });
    if (q['customer-page'].text) heavy.push({ name: 'customer page (first: 50)', query: q['customer-page'].text, variables: { first: 50 } });
    result.probe = await fitWhileServing(counted.url, counted.headers, ids.customers, heavy, random, () => proxy.statements());
    log(`${size}: fit probe: ${result.probe.heavy.map((h) => `${h.name} ${h.ms.toFixed(0)} ms`).join(', ')}; cheap lookups during: ${result.probe.during.requests}, p95 ${result.probe.during.p95.toFixed(1)} ms, longest silence ${result.probe.during.longestGapMs.toFixed(0)} ms`);

    // Steady-state SQL per request (the same document at two page sizes must cost the same statements).
    if (q.plain.text) {
      const s = await sample(counted, proxy, q.plain.text);
      plainData = s.body.data;
      result.statements.plain = strip(s);
      result.plainShape.caregraph = { ...plainShape(s.body.data, { root: 'customers', purchases: 'purchases', lines: 'lines' }), bytes: s.bytes };
    }
    if (q['customer-page'].text) {
      result.statements['customer-page first 5'] = strip(await sample(counted, proxy, q['customer-page'].text, { first: 5 }));
      result.statements['customer-page first 50'] = strip(await sample(counted, proxy, q['customer-page'].text, { first: 50 }));
    }
    if (q['customer-360'].text) result.statements['customer-360'] = strip(await sample(counted, proxy, q['customer-360'].text, customerVars()));
    if (q.dashboard.text) result.statements.dashboard = strip(await sample(counted, proxy, q.dashboard.text));
    if (q.write.text) result.statements.write = strip(await sample(counted, proxy, q.write.text, writeVars));
    for (const name of Object.keys(ENTITY_PAGES)) {
      const text = q[name].text;
      if (!text) continue;
      result.statements[`${name} first 5`] = strip(await sample(counted, proxy, text, { first: 5 }));
      result.statements[`${name} first 50`] = strip(await sample(counted, proxy, text, { first: 50 }));
    }
    for (const [k, v] of Object.entries(result.statements)) {
      log(`${size}: ${k}: ${v.wireStatements} statements (server says ${v.statements}), ${v.ms.toFixed(1)} ms${v.error ? `, error: ${v.error}` : ''}`);
    }
    // Where the time goes: each object field of a workload alone, in steady state.
    const parts: [string, string | null, string[], Record<string, unknown> | (() => Record<string, unknown>) | undefined][] = [
      ['customer-page', q['customer-page'].text, ['customers', 'nodes'], { first: 50 }],
      ['customer-360', q['customer-360'].text, ['customer'], customerVars],
      ['dashboard', q.dashboard.text, [], undefined],
    ];
    for (const [workload, text, path, variables] of parts) {
      if (!text) continue;
      result.breakdown[workload] = [];
      for (const v of splitByField(text, path)) {
        const s = strip(await sample(counted, proxy, v.text, variables));
        result.breakdown[workload].push({ field: v.field, ...s });
      }
      log(`${size}: ${workload} by field: ${result.breakdown[workload].map((b) => `${b.field} ${b.ms.toFixed(0)} ms/${b.wireStatements}`).join(', ')}`);
    }

    // A server that cannot answer the plain query is broken, not slow: measuring it would only count errors.
    if (result.statements.plain?.error) {
      throw new Error(`CareGraph answers the plain query with "${result.statements.plain.error}"; see ${counted.logFile}`);
    }

    // A restart (a deploy, a crash): the models are stored now, so a new process answers from them at once.
    result.serverPeakRssMb['caregraph-counted'] = counted.peakRssMb();
    await counted.stop();
    const restarted = await startCareGraph(`caregraph-${size}-restarted`, viaProxy(data.url, proxy.port), apiKey?.key ?? null, true);
    try {
      result.probeRestart = await fitWhileServing(restarted.url, restarted.headers, ids.customers, heavy, random, () => proxy.statements());
      log(`${size}: restart probe: ${result.probeRestart.heavy.map((h) => `${h.name} ${h.ms.toFixed(0)} ms`).join(', ')}; longest lookup silence ${result.probeRestart.during.longestGapMs.toFixed(0)} ms`);
    } finally {
      result.serverPeakRssMb['caregraph-restarted'] = restarted.peakRssMb();
      await restarted.stop();
    }
  } finally {
    // This instance fitted the models (the probe): its peak is the fits' peak in the server.
    if (!result.serverPeakRssMb['caregraph-counted']) result.serverPeakRssMb['caregraph-counted'] = counted.peakRssMb();
    await counted.stop();
    await proxy.close();
  }

  // ---- CareGraph on MariaDB, direct, under load ----
  const cg = await startCareGraph(`caregraph-${size}`, data.url, apiKey?.key ?? null);
  let floor: ServerProcess | null = null;
  try {
    if (q.plain.text) await measure(cg, 'caregraph', 'plain', body(q.plain.text), 'maria');
    else skip('CareGraph plain query', q.plain.error ?? 'not available');
    await measure(cg, 'caregraph', 'lookup', () => ({ body: body(LOOKUP_QUERY, customerVars()), kind: 'lookup' }), 'maria');
    const pageText = q['customer-page'].text;
    if (pageText) {
      await measure(cg, 'caregraph', 'customer-page', body(pageText, { first: 50 }), 'maria');
      // The workload-1 floor reads the models CareGraph stored; it is checked against CareGraph side by side
      // now, before the write mix changes the data, and measured later, alone.
      floor = await startFloor(data.url);
      result.floorPage = await checkFloorPage(cg, floor, pageText);
      log(`${size}: the floor's customer page ${result.floorPage.matches ? 'equals' : 'DIFFERS from'} CareGraph's${result.floorPage.differences.length ? `: ${result.floorPage.differences.slice(0, 3).join('; ')}` : ''}`);
    } else skip('workload 1 (customer page)', q['customer-page'].error ?? 'no field available');
    const c360 = q['customer-360'].text;
    if (c360) await measure(cg, 'caregraph', 'customer-360', () => ({ body: body(c360, customerVars()), kind: 'customer-360' }), 'maria');
    else skip('workload 2 (customer 360)', q['customer-360'].error ?? 'no field available');
    if (q.dashboard.text) await measure(cg, 'caregraph', 'dashboard', body(q.dashboard.text), 'maria');
    else skip('workload 3 (dashboard)', q.dashboard.error ?? 'no field available');
    for (const name of Object.keys(ENTITY_PAGES)) {
      const text = q[name].text;
      if (text) await measure(cg, 'caregraph', name, body(text, { first: 50 }), 'maria');
      else skip(`workload ${name}`, q[name].error ?? 'no field available');
    }

    const write = q.write.text;
    const page = q['customer-page'].text;
    if (write && page && mutationNames(schema).includes('createPurchase')) {
      const pageBody = body(page, { first: 50 });
      const mix = () =>
        random() >= WRITE_SHARE
          ? { body: pageBody, kind: 'read: customer page' }
          : { body: body(write, writeVars()), kind: 'write: purchase + feedback' };
      await measure(cg, 'caregraph', 'write-mix', mix, 'maria');
    } else skip('workload 4 (write mix)', write ? 'the customer page query is not available' : q.write.error ?? 'createPurchase is not available');
  } finally {
    result.serverPeakRssMb.caregraph = cg.peakRssMb();
    // Stopping drains the writes still in flight when the load ended; only then can they all be undone.
    await cg.stop();
    if (apiKey) await revokeApiKey(data.url, apiKey.id);
    result.writesUndone = await undoWrites(database, WRITE_KEY_PREFIX, WRITE_COMMENT_PREFIX);
    log(`${size}: undid the bench's writes: ${result.writesUndone.purchases} purchases, ${result.writesUndone.feedback} feedback`);
  }

  // ---- The floors: the plain query, and workload 1 ----
  floor ??= await startFloor(data.url);
  try {
    const s = await graphql(floor.url, PLAIN_QUERY);
    result.plainShape.floor = { ...plainShape(s.body.data, { root: 'customers', purchases: 'purchases', lines: 'lines' }), bytes: s.bytes };
    if (plainData) result.floorMatchesCareGraph = isDeepStrictEqual(s.body.data, plainData);
    await measure(floor, 'floor', 'plain', body(PLAIN_QUERY), 'maria');
    if (result.floorPage) await measure(floor, 'floor', 'customer-page', body(CUSTOMER_PAGE, { first: 50 }), 'maria');
  } finally {
    result.serverPeakRssMb.floor = floor.peakRssMb();
    await floor.stop();
  }

  // ---- The peer: PostGraphile 5 on PostgreSQL ----
  if (o.skipPeer) skip('PostGraphile peer', '--skip-peer');
  else {
    try {
      const installed = await ensurePeerInstalled();
      const copy = await ensurePgCopy(data, database);
      result.peer = { postgraphile: installed.postgraphile, node: installed.nodeVersion, copySeconds: copy.seconds, copied: copy.copied };
      const peer = await startPeer(installed.node, database);
      try {
        const s = await graphql(peer.url, PEER_PLAIN_QUERY);
        if (s.body.errors?.length) throw new Error(`PostGraphile rejected the plain query: ${s.body.errors[0].message}`);
        result.plainShape.postgraphile = {
          ...plainShape(s.body.data, { root: 'allCustomers', purchases: 'purchasesByCustomerId', lines: 'purchaseLinesByPurchaseId' }),
          bytes: s.bytes,
        };
        await measure(peer, 'postgraphile', 'plain', body(PEER_PLAIN_QUERY), 'pg');
        const lookup = await graphql(peer.url, PEER_LOOKUP_QUERY, { id: pick(ids.customers) });
        if (lookup.body.errors?.length || !lookup.body.data?.customerByRowId) skip('PostGraphile one-row lookup', lookup.body.errors?.[0]?.message ?? 'no customer in the answer');
        else await measure(peer, 'postgraphile', 'lookup', () => ({ body: body(PEER_LOOKUP_QUERY, { id: pick(ids.customers) }), kind: 'lookup' }), 'pg');
      } finally {
        result.serverPeakRssMb.postgraphile = peer.peakRssMb();
        await peer.stop();
      }
    } catch (e) {
      skip('PostGraphile peer', (e as Error).message.slice(0, 400));
    }
  }

  // ---- CareGraph on PostgreSQL, over the very database PostGraphile read (same rows, same indexes) ----
  if (result.peer) {
    const url = pgUrl(database);
    try {
      const pgKey = await createApiKey(url, `bench ${size} ${startedAt}`);
      // The plain query and the lookup use no model: without MODEL_REFRESH=inline the new process would fit every
      // default model on this copy at start-up (its first), on the same two cores, while it is being measured.
      const cgPg = await startCareGraph(`caregraph-postgres-${size}`, url, pgKey?.key ?? null, false, { MODEL_REFRESH: 'inline' });
      try {
        if (q.plain.text) {
          const s = await graphql(cgPg.url, q.plain.text, undefined, cgPg.headers);
          if (s.body.errors?.length) throw new Error(`CareGraph on PostgreSQL answers the plain query with "${s.body.errors[0].message}"; see ${cgPg.logFile}`);
          result.plainShape['caregraph-postgres'] = { ...plainShape(s.body.data, { root: 'customers', purchases: 'purchases', lines: 'lines' }), bytes: s.bytes };
          if (plainData) result.postgresMatchesMariaDb = isDeepStrictEqual(s.body.data, plainData);
          await measure(cgPg, 'caregraph-postgres', 'plain', body(q.plain.text), 'pg');
        }
        await measure(cgPg, 'caregraph-postgres', 'lookup', () => ({ body: body(LOOKUP_QUERY, customerVars()), kind: 'lookup' }), 'pg');
      } finally {
        result.serverPeakRssMb['caregraph-postgres'] = cgPg.peakRssMb();
        await cgPg.stop();
        if (pgKey) await revokeApiKey(url, pgKey.id);
      }
    } catch (e) {
      skip('CareGraph on PostgreSQL', (e as Error).message.slice(0, 400));
    }
  }

  // ---- CareGraph on embedded SQLite (size S) ----
  if (size === 'S' && !o.skipSqlite) {
    try {
      result.sqliteData = await ensureSqlite(size, SIZES[size], o.seed, o.reseed);
      const liteKey = await createApiKey(result.sqliteData.url, `bench ${size} ${startedAt}`);
      const lite = await startCareGraph(`caregraph-sqlite-${size}`, result.sqliteData.url, liteKey?.key ?? null);
      try {
        const q = result.queries;
        if (q.plain?.text) {
          await graphql(lite.url, q.plain.text, undefined, lite.headers);
          await measure(lite, 'caregraph-sqlite', 'plain', body(q.plain.text), 'sqlite');
        }
        if (q['customer-page']?.text) {
          await graphql(lite.url, q['customer-page'].text, { first: 50 }, lite.headers, 600_000);
          await measure(lite, 'caregraph-sqlite', 'customer-page', body(q['customer-page'].text, { first: 50 }), 'sqlite');
        }
      } finally {
        result.serverPeakRssMb['caregraph-sqlite'] = lite.peakRssMb();
        await lite.stop();
        if (liteKey) await revokeApiKey(result.sqliteData.url, liteKey.id);
      }
    } catch (e) {
      skip('CareGraph on SQLite', (e as Error).message.slice(0, 400));
    }
  }

  // ---- Model fits, each in its own process ----
  if (o.skipFits) skip('model fits', '--skip-fits');
  else result.fits = await runFits(data.url);

  await counter.close();
  result.finishedAt = new Date().toISOString();
  return result;
}

function strip(s: StatementSample & { body?: unknown }): StatementSample {
  const { body: _body, ...rest } = s;
  return rest;
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  const started = Date.now();
  log(`sizes ${o.sizes.join(', ')}, ${o.durationS} s per run after ${o.warmupS} s warm-up, connections ${o.connections.join('/')}`);
  const mach = await machine(!o.skipPeer);
  mkdirSync(`${ROOT}/bench/results`, { recursive: true });
  for (const size of o.sizes) {
    const r = await runSize(size, o, mach);
    writeFileSync(benchDataPath(size), JSON.stringify(r, null, 2) + '\n');
    writeReport();
    log(`${size}: done; results in bench/results/${size}.json, report in bench/REPORT.md`);
  }
  log(`finished in ${((Date.now() - started) / 60000).toFixed(1)} min`);
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error('bench failed:', err);
    process.exit(1);
  },
);
