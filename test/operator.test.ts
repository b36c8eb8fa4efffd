import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import Database from 'better-sqlite3';
import pino from 'pino';
import { loadConfig } from '../src/config';
import { openDatabase } from '../src/db/database';
import { createScratchDatabase } from '../src/db/scratch';
import { createApp } from '../src/server';
import { dbKind, startTestApp, type TestApp } from './support/app';

/** The operator's first day: what a fresh deployment does by default and how it fails. */
const root = join(__dirname, '..');
const main = join(root, 'dist', 'src', 'main.js');
let dir: string;

beforeAll(() => {
  if (!existsSync(main)) throw new Error('build first (npm test does)');
  dir = mkdtempSync(join(tmpdir(), 'caregraph-operator-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Run { code: number | null; stderr: string; stdout: string }

/** Starts the built server; resolves when it exits, or when `until` matches its output (then stops it). */
function runServer(env: Record<string, string>, opts: { cwd?: string; until?: RegExp; timeoutMs?: number } = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [main], {
      cwd: opts.cwd ?? dir,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/root', LOG_LEVEL: 'info', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    let stdout = '';
    let stopping = false;
    const check = () => {
      if (opts.until && !stopping && opts.until.test(stderr + stdout)) {
        stopping = true;
        child.kill('SIGTERM');
      }
    };
    child.stderr.on('data', (d: Buffer) => { stderr += d; check(); });
    child.stdout.on('data', (d: Buffer) => { stdout += d; check(); });
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`no exit within the time: ${stderr}${stdout}`)); }, opts.timeoutMs ?? 60_000);
    child.on('exit', (code) => { clearTimeout(timer); resolve({ code, stderr, stdout }); });
  });
}

const freePort = () => 20000 + Math.floor(Math.random() * 12000); // below the ephemeral range (32768-)

test('a port already in use: exit code 1 and one line naming the address, no stack trace', async () => {
  const blocker = createServer();
  const port = await new Promise<number>((r) => blocker.listen(0, '127.0.0.1', () => r((blocker.address() as { port: number }).port)));
  try {
    const run = await runServer({ NODE_ENV: 'production', PORT: String(port), DATABASE_URL: `sqlite:${join(dir, 'busy.sqlite')}`, LOG_LEVEL: 'warn' });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`127.0.0.1:${port} is already in use`);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  } finally {
    blocker.close();
  }
});

test('production mode on an empty database loads no demo company; development does', async () => {
  const prod = join(dir, 'prod.sqlite');
  const run = await runServer({ NODE_ENV: 'production', PORT: String(freePort()), DATABASE_URL: `sqlite:${prod}` }, { until: /listening/ });
  expect(run.code).toBe(0);
  const customers = (file: string) => {
    const db = new Database(file, { readonly: true });
    try {
      return (db.prepare('SELECT COUNT(*) AS n FROM customers').get() as { n: number }).n;
    } finally {
      db.close();
    }
  };
  expect(customers(prod)).toBe(0);
  const dev = join(dir, 'dev.sqlite');
  await runServer({ NODE_ENV: 'development', PORT: String(freePort()), DATABASE_URL: `sqlite:${dev}`, DEMO_CUSTOMERS: '20' }, { until: /listening/ });
  expect(customers(dev)).toBe(20);
}, 120_000);

test('a SQLite path in a folder that does not exist fails with a clear message (no folders made)', async () => {
  const run = await runServer({ NODE_ENV: 'production', PORT: String(freePort()), DATABASE_URL: `sqlite:${join(dir, 'no', 'such', 'x.sqlite')}` });
  expect(run.code).toBe(2);
  expect(run.stderr).toMatch(/folder .* does not exist/);
  expect(existsSync(join(dir, 'no'))).toBe(false);
});

test('.env in the working directory is read, and the real environment wins over it', async () => {
  const cwd = mkdtempSync(join(dir, 'envdir-'));
  const envPort = freePort();
  const realPort = envPort + 1;
  writeFileSync(join(cwd, '.env'), `NODE_ENV=production\nDATABASE_URL=sqlite:${join(cwd, 'from-env-file.sqlite')}\nPORT=${envPort}\n`);
  const run = await runServer({ PORT: String(realPort) }, { cwd, until: /listening/ });
  expect(run.stdout + run.stderr).toContain(`127.0.0.1:${realPort}`);
  expect(existsSync(join(cwd, 'from-env-file.sqlite'))).toBe(true);
});

(dbKind === 'sqlite' ? test.skip : test)(`a ${dbKind} database that does not exist: one line with the cause and the fix`, async () => {
  const base = new URL(process.env.DATABASE_URL!);
  base.pathname = '/caregraph_missing_db_for_test';
  const run = await runServer({ NODE_ENV: 'production', PORT: String(freePort()), DATABASE_URL: base.toString() });
  expect(run.code).toBe(1);
  expect(run.stderr.trim()).toBe(dbKind === 'mysql'
    ? `CareGraph cannot open its database: database "caregraph_missing_db_for_test" does not exist on ${base.hostname}:${base.port || 3306}: CREATE DATABASE \`caregraph_missing_db_for_test\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`
    : `CareGraph cannot open its database: database "caregraph_missing_db_for_test" does not exist on ${base.hostname}:${base.port || 5432}: CREATE DATABASE "caregraph_missing_db_for_test" ENCODING 'UTF8'`,
  );
  base.port = '1';
  const refused = await runServer({ NODE_ENV: 'production', PORT: String(freePort()), DATABASE_URL: base.toString() });
  expect(refused.code).toBe(1);
  expect(refused.stderr).toContain('connection refused');
  expect(refused.stderr.trim().split('\n')).toHaveLength(1);
});

describe('CORS', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ CORS_ORIGINS: 'https://crm.example.com,http://localhost:5173' });
  });
  afterAll(() => t.close());

  test('a preflight from an allowed origin is answered without a key', async () => {
    const res = await fetch(`${t.url}/graphql`, {
      method: 'OPTIONS',
      headers: { origin: 'https://crm.example.com', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('https://crm.example.com');
    expect(res.headers.get('access-control-allow-headers')).toMatch(/authorization/);
    expect(res.headers.get('access-control-allow-methods')).toMatch(/POST/);
  });

  test('the request itself carries the origin back, never a wildcard', async () => {
    const res = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { origin: 'http://localhost:5173', 'content-type': 'application/json', authorization: `Bearer ${t.keys.ANALYST}` },
      body: JSON.stringify({ query: '{ customers(first: 1) { totalCount } }' }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    expect(res.headers.get('vary')).toMatch(/Origin/);
  });

  test('another origin gets no Access-Control headers and its preflight is refused', async () => {
    const pre = await fetch(`${t.url}/graphql`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example.net', 'access-control-request-method': 'POST' },
    });
    expect(pre.status).toBe(403);
    expect(pre.headers.get('access-control-allow-origin')).toBeNull();
    const res = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { origin: 'https://evil.example.net', 'content-type': 'application/json', authorization: `Bearer ${t.keys.ANALYST}` },
      body: JSON.stringify({ query: '{ customers(first: 1) { totalCount } }' }),
    });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });

  test('CORS_ORIGINS refuses a wildcard', () => {
    expect(() => loadConfig({ CORS_ORIGINS: '*' })).toThrow(/no \*/);
  });
});

test('every variable goes through config.ts: a bad DATABASE_URL names every scheme; MIGRATION_MYSQL_URL is validated', () => {
  expect(() => loadConfig({ DATABASE_URL: 'mssql://x/y' })).toThrow(/mysql:\/\/, mariadb:\/\/, postgres:\/\/, postgresql:\/\/ or sqlite:/);
  expect(loadConfig({ DATABASE_URL: 'postgres://u:p@db:5432/crm' }).database).toEqual({ kind: 'postgres', url: 'postgres://u:p@db:5432/crm', database: 'crm' });
  expect(loadConfig({ DATABASE_URL: 'postgresql://db/crm' }).database).toMatchObject({ kind: 'postgres', url: 'postgres://db/crm', database: 'crm' });
  expect(() => loadConfig({ DATABASE_URL: 'postgres://db:5432/' })).toThrow(/must name a database/);
  expect(loadConfig({}).migrationPostgresUrl).toBe('postgres://postgres@127.0.0.1:5432/caregraph');
  expect(() => loadConfig({ MIGRATION_POSTGRES_URL: 'mysql://x/y' })).toThrow(/MIGRATION_POSTGRES_URL must be a postgres:\/\//);
  expect(loadConfig({ DATABASE_URL: 'mariadb://root@127.0.0.1:3306/crm' }).database).toMatchObject({ kind: 'mysql', database: 'crm', flavor: 'mariadb' });
  expect(loadConfig({}).migrationMysqlUrl).toBe('mysql://root@127.0.0.1:3306/caregraph');
  expect(loadConfig({ MIGRATION_MYSQL_URL: 'mariadb://u:p@db:3306/tooling' }).migrationMysqlUrl).toBe('mysql://u:p@db:3306/tooling');
  expect(() => loadConfig({ MIGRATION_MYSQL_URL: 'sqlite:x' })).toThrow(/MIGRATION_MYSQL_URL must be a mysql:\/\/ or mariadb:\/\//);
});

test('the access log has one line per request with operation, status, time, SQL statements and key id; never the key or personal data', async () => {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      for (const l of String(chunk).split('\n')) if (l) lines.push(JSON.parse(l));
      done();
    },
  });
  const { db, drop } = await createScratchDatabase(dbKind, process.env.DATABASE_URL);
  const ds = await openDatabase(db);
  const config = loadConfig({ NODE_ENV: 'test', SQL_STATS: 'true', PLAYGROUND: 'off', LOG_LEVEL: 'info', RATE_LIMIT_PER_MINUTE: '0', SLOW_REQUEST_MS: '0' });
  const app = await createApp(config, ds, pino({ level: 'info' }, sink));
  await new Promise<void>((r) => app.http.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(app.http.address() as { port: number }).port}/graphql`;
  try {
    const { key, apiKey } = await app.services.auth.create('agent', 'AGENT' as never);
    const email = 'ada.lovelace@example.org';
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({
        query: 'mutation AddCustomer($email: String!) { createCustomer(input: { name: "Ada Lovelace", email: $email }) { id } }',
        variables: { email },
      }),
    });
    expect(res.status).toBe(200);
    await new Promise((r) => setTimeout(r, 50));
    const access = lines.filter((l) => l.msg === 'request');
    expect(access).toHaveLength(1);
    expect(access[0]).toMatchObject({ method: 'POST', route: '/graphql', operation: 'AddCustomer', status: 200, keyId: apiKey.id });
    expect(typeof access[0].ms).toBe('number');
    expect(access[0].sql).toBeGreaterThan(0);
    const all = JSON.stringify(lines);
    expect(all).not.toContain(key);
    expect(all).not.toContain(key.slice(0, 10));
    expect(all).not.toContain(email);
    expect(all).not.toContain('Lovelace');
  } finally {
    await app.stop();
    await ds.destroy();
    await drop();
  }
});
