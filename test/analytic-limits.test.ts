import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';

/**
 * A read-only key cannot make the analytics take the server down (issue #10, part 1): every argument that
 * drives work is bounded before the work starts, fits run in a worker with a time and heap budget, and the
 * model store does not grow with argument variety. Run against the built server (its fit worker is the
 * compiled one) on the arules Groceries baskets.
 */
const root = join(__dirname, '..');
const dist = join(root, 'dist', 'src');
const ALLOWED = new Set(['BAD_USER_INPUT', 'RATE_LIMITED', 'ANALYTICS_LIMIT', 'QUERY_TOO_COSTLY', 'GRAPHQL_VALIDATION_FAILED', 'GRAPHQL_PARSE_FAILED', 'FORBIDDEN']);
/** RSS the server must stay under through the hostile run (it idles around 150-250 MB on Groceries). */
const RSS_CEILING_MB = 700;

describe('compiled fit pool', () => {
  // The compiled module, so that jobs really run on the worker thread with its limits.
  const load = () => require(join(dist, 'modules', 'analytics', 'fit-pool.js')) as typeof import('../src/modules/analytics/fit-pool');
  const dense = (baskets: number, items: number, perBasket: number) => {
    const starts = [0];
    const flat: number[] = [];
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    for (let b = 0; b < baskets; b++) {
      const set = new Set<number>();
      while (set.size < perBasket) set.add(Math.floor(rnd() * items));
      flat.push(...[...set].sort((x, y) => x - y));
      starts.push(flat.length);
    }
    return { items: Int32Array.from(flat), starts: Int32Array.from(starts), itemCount: items };
  };

  test('a fit past its time budget is stopped with ANALYTICS_LIMIT, and the next fit runs on a fresh worker; a shared model\'s fit has the larger budget', async () => {
    const { FitPool } = load();
    const pool = new FitPool({ timeoutMs: 300, sharedTimeoutMs: 120_000, heapMb: 512 });
    try {
      expect(pool.threaded).toBe(true);
      const heavy = dense(3000, 40, 20);
      const started = Date.now();
      await expect(pool.run('rules', { ...heavy, options: { minSupport: 0.002, minConfidence: 0, maxLength: 10 } })).rejects.toMatchObject({ code: 'ANALYTICS_LIMIT' });
      expect(Date.now() - started).toBeLessThan(5000);
      // Work like the server's own default models (no client chose its size) runs past the request budget to the end:
      // the same job is stopped on a request's budget and completes on the shared one (no clock read: a faster machine
      // would finish a job of fixed size under any fixed time).
      const moderate = { ...dense(120_000, 40, 12), options: { minSupport: 0.01, minConfidence: 0.5, maxLength: 5 } };
      await expect(pool.run('rules', moderate)).rejects.toMatchObject({ code: 'ANALYTICS_LIMIT' });
      const shared = await pool.run('rules', moderate, [], 'shared');
      expect(shared.transactionCount).toBe(120_000);
      const small = dense(50, 10, 3);
      const r = await pool.run('rules', { ...small, options: { minSupport: 0.1, minConfidence: 0.1, maxLength: 3 } });
      expect(r.transactionCount).toBe(50);
    } finally {
      await pool.stop();
    }
  });

  test('a fit that needs more than its heap is stopped with ANALYTICS_LIMIT; the process goes on', async () => {
    const { FitPool } = load();
    const pool = new FitPool({ timeoutMs: 60_000, sharedTimeoutMs: 60_000, heapMb: 64 });
    try {
      const heavy = dense(3000, 40, 20);
      await expect(pool.run('rules', { ...heavy, options: { minSupport: 0.002, minConfidence: 0, maxLength: 10 } })).rejects.toMatchObject({ code: 'ANALYTICS_LIMIT' });
      const r = await pool.run('rules', { ...dense(50, 10, 3), options: { minSupport: 0.1, minConfidence: 0.1, maxLength: 3 } });
      expect(r.transactionCount).toBe(50);
    } finally {
      await pool.stop();
    }
  }, 60_000);
});

describe('a hostile ANALYST key on the Groceries baskets', () => {
  let dir: string;
  let server: ChildProcess;
  let base: string;
  let key: string;
  const rssMb = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${server.pid}/status`, 'utf8'))![1]) / 1024;
  const send = async (query: string) => {
    const started = performance.now();
    const res = await fetch(`${base}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body: JSON.stringify({ query }) });
    const body = (await res.json()) as { data?: any; errors?: { message: string; extensions?: { code?: string } }[] };
    return { status: res.status, body, ms: performance.now() - started };
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'caregraph-hostile-'));
    const env = { ...process.env, DATABASE_URL: `sqlite:${join(dir, 'groceries.sqlite')}`, NODE_ENV: 'production' };
    const cli = (args: string[]) => spawnSync(process.execPath, [join(dist, 'cli.js'), ...args], { cwd: dir, env, encoding: 'utf8' });
    const imported = cli(['import', '--format', 'baskets', '--file', join(__dirname, 'fixtures', 'datasets', 'groceries.csv'), '--customer-per-basket']);
    if (imported.status !== 0) throw new Error(imported.stderr);
    key = cli(['apikey', 'create', '--role', 'ANALYST', '--name', 'hostile']).stdout.trim();
    const port = 20000 + Math.floor(Math.random() * 12000); // below the ephemeral range (32768-)
    base = `http://127.0.0.1:${port}`;
    server = spawn(process.execPath, [join(dist, 'main.js')], { cwd: dir, env: { ...env, PORT: String(port), RATE_LIMIT_PER_MINUTE: '0', LOG_LEVEL: 'warn' }, stdio: 'ignore' });
    for (let i = 0; i < 300; i++) {
      if ((await fetch(`${base}/readyz`).catch(() => null))?.ok) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('server did not start');
  }, 120_000);

  afterAll(async () => {
    server?.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  test('every extreme argument is refused quickly with a stable 4xx code, the store stays bounded, the server lives', async () => {
    const before = rssMb();
    const refusals: { query: string; ms: number; code?: string }[] = [];
    const hostile = [
      '{ associationRules(minSupport: 0.0000001, minConfidence: 0) { totalCount } }',
      '{ associationRules(minSupport: 0.0002, minConfidence: 0) { totalCount } }',
      '{ associationRules(minSupport: 0.0003, minConfidence: 0) { totalCount } }',
      '{ associationRules(minSupport: 0.00052, minConfidence: 0, maxLength: 10) { totalCount } }',
      '{ associationRules(minSupport: 0.01, maxLength: 1000) { totalCount } }',
      '{ associationRules(minSupport: 0.01, minLift: 1e308) { totalCount } }',
      '{ associationRules(minSupport: 0.01, first: 100000) { totalCount } }',
      '{ segments(k: 100000) { inertia } }',
      '{ segments(k: 3, restarts: 100000) { inertia } }',
      '{ lifetimeModel(asOf: "9999-12-31") { r } }',
      '{ lifetimeModel(asOf: "2025-02-30") { r } }',
      '{ lifetimeModel(asOf: "0001-01-01") { r } }',
      '{ demandForecast(category: "groceries", horizonMonths: 100000) { trend } }',
      '{ painPoints(first: 100000) { issue } }',
      '{ atRiskCustomers(first: 100000) { churnRisk } }',
      '{ customers(first: 100000) { totalCount } }',
      '{ customers(first: 1) { nodes { recommendations(limit: 100000) { score } } } }',
      '{ customers(first: 1) { nodes { lifetime(horizonDays: 100000000) { clv } forecast(horizonMonths: 100000) { trend } } } }',
    ];
    for (const query of hostile) {
      const r = await send(query);
      expect(r.status).toBeLessThan(500);
      const codes = (r.body.errors ?? []).map((e) => e.extensions?.code ?? 'none');
      for (const code of codes) expect([query, code, ALLOWED.has(code)]).toEqual([query, code, true]);
      refusals.push({ query, ms: Math.round(r.ms), code: codes[0] });
    }
    // The case that killed the process: refused before any mining, naming the limit.
    const tiny = await send('{ associationRules(minSupport: 0.0000001, minConfidence: 0) { totalCount } }');
    expect(tiny.body.errors?.[0].message).toMatch(/at least 5 baskets/);
    expect(tiny.ms).toBeLessThan(2000);

    // Argument variety: 20 requests of 15 aliases with distinct minSupport each (300 variants). Only 10 new
    // variants a minute are fitted for a key, so every request meets RATE_LIMITED; nothing is stored for other
    // instances (a non-null field's error nulls the whole answer, so one error per request is reported).
    let rateLimited = 0;
    for (let r = 0; r < 20; r++) {
      const aliases = Array.from({ length: 15 }, (_, i) => `a${i}: associationRules(minSupport: ${(0.02 + r * 0.0013 + i * 0.00007).toFixed(6)}, minConfidence: 0.1) { totalCount }`);
      const res = await send(`{ ${aliases.join(' ')} }`);
      expect(res.status).toBeLessThan(500);
      for (const e of res.body.errors ?? []) expect(ALLOWED.has(e.extensions?.code ?? '')).toBe(true);
      if ((res.body.errors ?? []).some((e) => e.extensions?.code === 'RATE_LIMITED')) rateLimited++;
    }
    expect(rateLimited).toBe(20);

    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const after = rssMb();
    const db = new Database(join(dir, 'groceries.sqlite'), { readonly: true });
    const keys = (db.prepare('SELECT model_key AS k FROM analytics_models').all() as { k: string }[]).map((r) => r.k);
    const stored = keys.length;
    db.close();
    // Only the default models (population, lifetime, segments, rules, pairs, recommender, basket totals):
    // none of the 300 variants, none of the refused arguments.
    expect(stored).toBeLessThanOrEqual(10);
    expect(keys.filter((k) => /rules:PRODUCT:0\.0[2-9]|9999|0001|2025-02/.test(k))).toEqual([]);
    expect(after).toBeLessThan(RSS_CEILING_MB);
    console.log(JSON.stringify({ rssBeforeMb: Math.round(before), rssAfterMb: Math.round(after), storedModels: stored, refusals }, null, 1));
  }, 180_000);
});

// The compiled server is what this file drives: `npm test` builds it first.
if (!existsSync(join(dist, 'main.js'))) throw new Error('build first (npm test does)');
