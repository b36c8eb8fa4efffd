import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** What `npm start` does on a fresh clone: the built server on an empty embedded database seeds a demo company. */
const root = join(__dirname, '..');
let child: ChildProcess;
let dir: string;
let port = 0;
let devKey = '';

beforeAll(async () => {
  if (!existsSync(join(root, 'dist', 'src', 'main.js'))) {
    const built = spawnSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
    if (built.status !== 0 && !existsSync(join(root, 'dist', 'src', 'main.js'))) throw new Error('build failed');
  }
  dir = mkdtempSync(join(tmpdir(), 'caregraph-start-'));
  port = 20000 + Math.floor(Math.random() * 12000); // below the ephemeral range (32768-)
  child = spawn(process.execPath, ['dist/src/main.js'], {
    cwd: root,
    env: { ...process.env, NODE_ENV: 'development', DATABASE_URL: `sqlite:${join(dir, 'caregraph.sqlite')}`, PORT: String(port), DEMO_CUSTOMERS: '200', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${stderr}`)), 60_000);
    child.stderr!.on('data', (d: Buffer) => {
      stderr += d.toString();
      const key = /Development API key \(ADMIN\): (cg_\S+)/.exec(stderr);
      if (stderr.includes('playground:') && key) {
        devKey = key[1];
        clearTimeout(timer);
        resolve();
      }
    });
    child.on('exit', (code) => reject(new Error(`server exited with ${code}: ${stderr}`)));
  });
}, 180_000);

afterAll(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }
  rmSync(dir, { recursive: true, force: true });
});

test('answers { customers(first: 5) { totalCount } } with the demo company, given the printed development key', async () => {
  const anonymous = await fetch(`http://127.0.0.1:${port}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: '{ customers(first: 5) { totalCount } }' }),
  });
  expect(anonymous.status).toBe(401);
  const res = await fetch(`http://127.0.0.1:${port}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${devKey}` },
    body: JSON.stringify({ query: '{ customers(first: 5) { totalCount edges { node { id } } } }' }),
  });
  const body = (await res.json()) as { data: { customers: { totalCount: number; edges: unknown[] } } };
  expect(body.data.customers.totalCount).toBe(200);
  expect(body.data.customers.edges).toHaveLength(5);
});

test('serves the playground page to a browser at /graphql', async () => {
  const res = await fetch(`http://127.0.0.1:${port}/graphql`, { headers: { accept: 'text/html' } });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/text\/html/);
  const html = await res.text();
  expect(html).toMatch(/graphiql/i);
  expect(html).toContain(devKey);
  const asset = await fetch(`http://127.0.0.1:${port}/graphql/assets/graphiql.js`);
  expect(asset.status).toBe(200);
  expect((await asset.text()).length).toBeGreaterThan(100_000);
});

/** GET /graphql as a browser would, with the Host and Origin a page's URL gives. */
function page(headers: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/graphql', headers: { accept: 'text/html', ...headers } }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve(body));
    });
    req.on('error', reject);
    req.end();
  });
}

test('the development key goes only to a page opened from this machine by a loopback name (no DNS rebinding)', async () => {
  for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`]) expect(await page({ host })).toContain(devKey);
  expect(await page({ host: `localhost:${port}`, origin: `http://localhost:${port}` })).toContain(devKey);
  // A rebound name resolving to 127.0.0.1, or a foreign page posting to localhost: the page, without the key.
  const foreign: Record<string, string>[] = [{ host: `attacker.example:${port}` }, { host: 'attacker.example' }, { host: `localhost:${port}`, origin: 'http://attacker.example' }, { host: `localhost.attacker.example:${port}` }];
  for (const headers of foreign) {
    const html = await page(headers);
    expect(html).toMatch(/graphiql/i);
    expect(html).not.toContain(devKey);
    expect(html).not.toMatch(/cg_[A-Za-z0-9_-]{20}/);
  }
});

test('population models are fitted on the fit worker thread of the built server', async () => {
  const res = await fetch(`http://127.0.0.1:${port}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${devKey}` },
    body: JSON.stringify({ query: '{ segments(k: 3) { segments { size } } lifetimeModel { subjects converged } associationRules(minSupport: 0.01, minConfidence: 0.1) { transactionCount } }' }),
  });
  const body = (await res.json()) as { data: { segments: { segments: { size: number }[] }; lifetimeModel: { subjects: number }; associationRules: { transactionCount: number } }; errors?: unknown };
  expect(body.errors).toBeUndefined();
  expect(body.data.segments.segments.reduce((n, s) => n + s.size, 0)).toBe(200);
  expect(body.data.lifetimeModel.subjects).toBeGreaterThan(0);
  expect(body.data.associationRules.transactionCount).toBeGreaterThan(0);
});

test('stops gracefully on SIGTERM', async () => {
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  child.kill('SIGTERM');
  expect(await exited).toBe(0);
});
