import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';

/**
 * The insights page in a real browser: Debian's Chromium (driven by playwright-core, whose own browser
 * download cannot work here) against the built server on a demo company. For every view: the marks the API
 * data implies, no console error, no request outside the server's origin; an ANALYST key sees masked names;
 * the page also works from a production server, where it asks for a key. Screenshots: test-output/insights/.
 */
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const root = join(__dirname, '..');
const out = join(root, 'test-output', 'insights');
const available = existsSync(CHROMIUM);
if (!available && !process.env.CI) {
  console.warn(`insights browser test skipped: no Chromium at ${CHROMIUM} (apt-get install -y chromium; in CI, where CI is set, it fails instead)`);
}
const suite = available || process.env.CI ? describe : describe.skip;

const DEMO_CUSTOMERS = 300;

interface Server { child: ChildProcess; port: number; stderr: string; /** The last of its JSON log (stdout). */ log: string }

async function startServer(env: Record<string, string>, ready: RegExp): Promise<Server> {
  const port = 20000 + Math.floor(Math.random() * 12000); // below the ephemeral range (32768-)
  const child = spawn(process.execPath, ['dist/src/main.js'], {
    cwd: root,
    env: { ...process.env, PORT: String(port), LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const server: Server = { child, port, stderr: '', log: '' };
  child.stdout!.on('data', (d: Buffer) => (server.log = (server.log + d.toString()).slice(-20_000)));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${server.stderr}`)), 90_000);
    child.stderr!.on('data', (d: Buffer) => {
      server.stderr += d.toString();
      if (ready.test(server.stderr)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.on('exit', (code) => reject(new Error(`server exited with ${code}: ${server.stderr}`)));
  });
  return server;
}

async function stopServer(s: Server | undefined) {
  if (!s || s.child.exitCode !== null) return;
  const exited = new Promise((r) => s.child.once('exit', r));
  s.child.kill('SIGTERM');
  await exited;
}

let dir: string;
let dev: Server;
let prod: Server | undefined;
let devKey = '';
let analystKey = '';
let browser: Browser;
const timings: Record<string, number> = {};

async function gql<T = any>(query: string, variables: Record<string, unknown> = {}, key = devKey, port = dev.port): Promise<T> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const res = await fetch(`http://127.0.0.1:${port}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data: T; errors?: { message: string }[] };
  if (body.errors) throw new Error(body.errors[0].message);
  return body.data;
}

/** A browser context that records console errors and refuses (and records) every request outside the origin. */
async function watchedContext(origin: string) {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 }, acceptDownloads: true });
  const errors: string[] = [];
  const outside: string[] = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (new URL(url).origin === origin) return route.continue();
    outside.push(url);
    return route.abort();
  });
  context.on('page', (p) => watchPage(p, errors));
  return { context, errors, outside };
}

function watchPage(page: Page, errors: string[]) {
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
}

/** Opens a view and waits until it has drawn; the time from navigation to drawn is kept per view. */
async function open(page: Page, origin: string, hash: string, label = hash): Promise<void> {
  const started = Date.now();
  await page.goto(`${origin}/insights#/${hash}`);
  const view = hash.split(/[/?]/)[0];
  await page.waitForSelector(`main[data-view="${view}"][data-state="ready"], main[data-state="error"]`, { timeout: 30_000 });
  const error = await page.$eval('main', (m) => (m.getAttribute('data-state') === 'error' ? m.textContent : null));
  // The server's last log lines (errors with their stack) make a CI failure readable.
  if (error) throw new Error(`view ${hash}: ${error}\nserver log:\n${dev.log.slice(-6000)}`);
  timings[label] = Date.now() - started;
  await page.screenshot({ path: join(out, `${label.replace(/[^a-z0-9-]+/gi, '_')}.png`), fullPage: true });
}

type Series = { type: string; name?: string; data: any[] }; // eslint-disable-line @typescript-eslint/no-explicit-any
const charts = (page: Page): Promise<Record<string, Series[]>> => page.evaluate(() => (globalThis as any).caregraphInsights.charts()); // eslint-disable-line @typescript-eslint/no-explicit-any
const tableRows = (page: Page, name: string) => page.$$eval(`[data-table="${name}"] tbody tr`, (rows) => rows.map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent ?? '')));
const valueOf = (d: any) => (d && typeof d === 'object' && 'value' in d ? d.value : d); // eslint-disable-line @typescript-eslint/no-explicit-any

/** The customers the page samples (first 500 by id): the test reads them itself to know what must be drawn. */
async function sample() {
  const nodes: any[] = []; // eslint-disable-line @typescript-eslint/no-explicit-any
  let after: string | null = null;
  for (;;) {
    const d: any = await gql(`query($after: String) { customers(first: 100, after: $after, orderBy: { field: ID, direction: ASC }) { pageInfo { hasNextPage endCursor } nodes { id name age annualIncome rfm { r f monetary } lifetime { clv } segment { id } } } }`, { after }); // eslint-disable-line @typescript-eslint/no-explicit-any
    nodes.push(...d.customers.nodes);
    if (!d.customers.pageInfo.hasNextPage || nodes.length >= 500) return nodes;
    after = d.customers.pageInfo.endCursor;
  }
}

suite('insights page in Chromium', () => {
  const origin = () => `http://127.0.0.1:${dev.port}`;
  let ctx: Awaited<ReturnType<typeof watchedContext>>;
  let page: Page;

  beforeAll(async () => {
    if (!available) throw new Error(`CI is set but there is no Chromium at ${CHROMIUM}: .ci/run installs it (apt-get install -y chromium)`);
    if (!existsSync(join(root, 'dist', 'src', 'main.js')) || !existsSync(join(root, 'dist', 'web', 'insights', 'app.js'))) {
      const built = spawnSync('npm', ['run', '-s', 'build'], { cwd: root, stdio: 'inherit' });
      if (built.status !== 0) throw new Error('build failed');
    }
    mkdirSync(out, { recursive: true });
    dir = mkdtempSync(join(tmpdir(), 'caregraph-insights-'));
    dev = await startServer(
      { NODE_ENV: 'development', DATABASE_URL: `sqlite:${join(dir, 'caregraph.sqlite')}`, DEMO_CUSTOMERS: String(DEMO_CUSTOMERS) },
      /Development API key \(ADMIN\): cg_\S+\s/,
    );
    devKey = /Development API key \(ADMIN\): (cg_\S+)/.exec(dev.stderr)![1];
    analystKey = (await gql(`mutation { createApiKey(input: { name: "insights analyst", role: ANALYST }) { key } }`)).createApiKey.key;
    // Warm models, as a care lead's second visit finds them (the first fit is timed by the analytics tests).
    await gql(`{ segments { k } lifetimeModel { r } associationRules(minSupport: 0.005, minConfidence: 0.2, minLift: 1, maxLength: 3, first: 1) { totalCount } }`);
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    ctx = await watchedContext(origin());
    page = await ctx.context.newPage();
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await stopServer(dev);
    await stopServer(prod);
    if (Object.keys(timings).length) {
      writeFileSync(join(out, 'timings.json'), `${JSON.stringify(timings, null, 2)}\n`);
      console.log(`insights views, navigation to drawn (ms): ${JSON.stringify(timings)}`);
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  afterEach(() => {
    // Checked after every view: nothing logged an error, nothing left the origin.
    expect(ctx.errors).toEqual([]);
    expect(ctx.outside).toEqual([]);
  });

  test('the page and its assets come from the server; the development key only to a loopback page', async () => {
    const res = await fetch(`${origin()}/insights`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toMatch(/connect-src 'self'/);
    const html = await res.text();
    expect(html).toContain(devKey);
    expect(html).not.toMatch(/https?:\/\/(?!127\.0\.0\.1)/);
    const js = await fetch(`${origin()}/insights/assets/app.js`);
    expect(js.status).toBe(200);
    expect((await js.text()).length).toBeGreaterThan(100_000);
    const foreign = await new Promise<string>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: dev.port, path: '/insights', headers: { host: `attacker.example:${dev.port}` } }, (r) => {
        let body = '';
        r.on('data', (d: Buffer) => (body += d.toString()));
        r.on('end', () => resolve(body));
      });
      req.on('error', reject);
      req.end();
    });
    expect(foreign).toContain('app.js');
    expect(foreign).not.toContain(devKey);
    expect(foreign).not.toMatch(/cg_[A-Za-z0-9_-]{20}/);
  });

  test('Overview: a KPI per figure, one point per month of revenue and of satisfaction', async () => {
    await open(page, origin(), 'overview');
    const d = await gql(`{ customers(first: 1) { totalCount } months: analyticsSummary(groupBy: MONTH) { group revenue } satisfactionSummary(groupBy: MONTH) { period } }`);
    const kpis = await page.$$eval('.kpi', (ks) => ks.map((k) => k.textContent ?? ''));
    expect(kpis[0]).toContain(String(d.customers.totalCount));
    const c = await charts(page);
    expect(c['revenue-by-month'][0].data.map(valueOf)).toEqual(d.months.map((m: { revenue: number }) => Math.round(m.revenue * 100) / 100));
    expect(c['satisfaction-trend'][0].data).toHaveLength(d.satisfactionSummary.length);
    expect(d.months.length).toBeGreaterThan(3);
  });

  test('Segments: one point per sampled customer in its own segment, a centroid per segment, k selectable', async () => {
    await open(page, origin(), 'segments');
    const customers = await sample();
    const drawable = customers.filter((x) => x.age != null && x.annualIncome != null);
    const c = (await charts(page))['segments-scatter'];
    const points = c.filter((s) => s.name !== 'centroids');
    expect(points).toHaveLength(4);
    expect(points.reduce((n, s) => n + s.data.length, 0)).toBe(drawable.length);
    // Default segmentation: every point in the series of the segment the graph gives the customer.
    const bySeries = new Map(points.flatMap((s, i) => s.data.map((p: { id: string }) => [p.id, i] as const)));
    for (const x of drawable) expect(bySeries.get(x.id)).toBe(x.segment.id);
    expect(c.find((s) => s.name === 'centroids')!.data).toHaveLength(4);
    expect(await tableRows(page, 'segments')).toHaveLength(4);

    await open(page, origin(), 'segments?k=6&features=rfm&x=RECENCY_DAYS&y=MONETARY', 'segments-k6-rfm');
    const c6 = (await charts(page))['segments-scatter'];
    expect(c6.find((s) => s.name === 'centroids')!.data).toHaveLength(6);
    const withPurchases = (await gql(`{ customers(first: 1) { totalCount } analyticsSummary(groupBy: RFM_SEGMENT) { group customers } }`)).analyticsSummary
      .filter((g: { group: string }) => g.group !== 'No purchases').reduce((n: number, g: { customers: number }) => n + g.customers, 0);
    expect(c6.filter((s) => s.name !== 'centroids').reduce((n, s) => n + s.data.length, 0)).toBe(withPurchases);
  });

  test('RFM: 25 cells holding the sampled customers by R and F score, a bar per RFM segment', async () => {
    await open(page, origin(), 'rfm');
    const customers = await sample();
    const c = await charts(page);
    const cells = c['rfm-grid'][0].data.map(valueOf) as [number, number, number][];
    expect(cells).toHaveLength(25);
    for (const [r, f, n] of cells) expect(n).toBe(customers.filter((x) => x.rfm && x.rfm.r === r + 1 && x.rfm.f === f + 1).length);
    expect(cells.reduce((n, x) => n + x[2], 0)).toBe(customers.filter((x) => x.rfm).length);
    const groups = (await gql(`{ analyticsSummary(groupBy: RFM_SEGMENT) { group } }`)).analyticsSummary;
    expect(c['rfm-segments'][0].data).toHaveLength(groups.length);
  });

  test('Lifetime: the P(alive) matrix, a CLV histogram of the sample, the at-risk list linking to the customer', async () => {
    await open(page, origin(), 'lifetime');
    const c = await charts(page);
    const cells = c['palive-matrix'][0].data.map(valueOf) as [number, number, number][];
    expect(cells.length % 25).toBe(0);
    expect(cells.length).toBeGreaterThanOrEqual(50);
    for (const [, , p] of cells) {
      expect(p).toBeGreaterThanOrEqual(0);
      expect(p).toBeLessThanOrEqual(1);
    }
    // The cells are the API's own P(alive) (the default model), and a more recent last purchase means more alive.
    const maxX = Math.max(...cells.map((x) => x[1]));
    const steps = Math.max(...cells.map((x) => x[0]));
    const row = (x: number) => cells.filter((c) => c[1] === x).sort((a, b) => a[0] - b[0]).map((c) => c[2]);
    for (let x = 1; x <= maxX; x++) expect([...row(x)].sort((a, b) => a - b)).toEqual(row(x));
    expect(row(0).every((p) => p === row(0)[0])).toBe(true);
    expect(steps).toBe(24);
    const customers = await sample();
    expect(c['clv-histogram'][0].data.reduce((n: number, v: number) => n + v, 0)).toBe(customers.filter((x) => x.lifetime?.clv != null).length);
    const atRisk = (await gql(`{ atRiskCustomers(first: 20) { customer { id name } } }`)).atRiskCustomers;
    const rows = await tableRows(page, 'at-risk');
    expect(rows.map((r) => r[0])).toEqual(atRisk.map((a: { customer: { name: string } }) => a.customer.name));
    await page.click('[data-table="at-risk"] a.customer-name');
    await page.waitForSelector('main[data-view="customer"][data-state="ready"]');
    expect(await page.textContent('[data-customer-name]')).toBe(atRisk[0].customer.name);
  });

  test('Rules: one point and one row per rule within the thresholds; the table filters', async () => {
    await open(page, origin(), 'rules');
    const d = (await gql(`{ associationRules(minSupport: 0.005, minConfidence: 0.2, minLift: 1, maxLength: 3, first: 100) { rules { lift antecedent { name } consequent { name } } } }`)).associationRules;
    expect(d.rules.length).toBeGreaterThan(0);
    const c = await charts(page);
    expect(c['rules-scatter'][0].data.map((p: { value: number[] }) => p.value[2])).toEqual(d.rules.map((r: { lift: number }) => r.lift));
    expect(await tableRows(page, 'rules')).toHaveLength(d.rules.length);
    const item = d.rules[0].consequent[0].name as string;
    await page.fill('input[type=search]', item);
    const filtered = await tableRows(page, 'rules');
    expect(filtered.length).toBeGreaterThan(0);
    expect(filtered.length).toBe(d.rules.filter((r: { antecedent: { name: string }[]; consequent: { name: string }[] }) => [...r.antecedent, ...r.consequent].some((i) => i.name.toLowerCase().includes(item.toLowerCase()))).length);
    // Thresholds are edited in the form and sent to the API.
    await page.fill('input[name=minConfidence]', '0.5');
    await page.click('form.controls button[type=submit]');
    await page.waitForSelector('main[data-state="ready"][data-hash*="minConfidence=0.5"]');
    const strict = (await gql(`{ associationRules(minSupport: 0.005, minConfidence: 0.5, minLift: 1, maxLength: 3, first: 100) { rules { lift } } }`)).associationRules.rules;
    expect(await tableRows(page, 'rules')).toHaveLength(strict.length);
  });

  test('Forecast: history and forecast points of a category and of a customer', async () => {
    await open(page, origin(), 'forecast');
    const c = await charts(page);
    const target = await page.$eval('select[name=target]', (s) => (s as unknown as { value: string }).value);
    const customerId = await page.$eval('select[name=customer]', (s) => (s as unknown as { value: string }).value);
    const d = await gql(`query($c: String, $id: ID!) { demandForecast(category: $c, horizonMonths: 6) { history { spend } months { spend } } customer(id: $id) { forecast(horizonMonths: 6) { history { spend } months { spend } } } }`, { c: target.replace(/^category:/, ''), id: customerId });
    expect(c['demand-forecast'][0].data).toEqual(d.demandForecast.history.map((m: { spend: number }) => m.spend));
    expect(c['demand-forecast'][1].data.filter((v: number | null) => v != null)).toHaveLength(d.demandForecast.months.length + 1);
    expect(c['spend-forecast'][0].data).toHaveLength(d.customer.forecast.history.length);
    expect(c['spend-forecast'][1].data.filter((v: number | null) => v != null)).toHaveLength(d.customer.forecast.months.length + 1);
  });

  test('Satisfaction: a point per month, a bar per pain point', async () => {
    await open(page, origin(), 'satisfaction');
    const d = await gql(`{ satisfactionSummary(groupBy: MONTH) { period averageScore } painPoints(first: 10) { issue count } }`);
    const c = await charts(page);
    expect(c['score-by-month'][0].data).toHaveLength(d.satisfactionSummary.length);
    expect(c['pain-points'][0].data).toEqual(d.painPoints.map((p: { count: number }) => p.count).reverse());
  });

  test('Customer 360: value, RFM, lifetime, segment, spend forecast, recommendations with reasons, timeline', async () => {
    const top = (await gql(`{ customers(first: 1, orderBy: { field: TOTAL_SPENT, direction: DESC }) { nodes { id name forecast(horizonMonths: 6) { history { spend } } recommendations(limit: 5) { reason } timeline(first: 20) { nodes { kind } } } } }`)).customers.nodes[0];
    await open(page, origin(), `customer/${encodeURIComponent(top.id)}`, 'customer');
    expect(await page.textContent('[data-customer-name]')).toBe(top.name);
    const c = await charts(page);
    expect(c['customer-spend'][0].data).toHaveLength(top.forecast.history.length);
    const recs = await tableRows(page, 'recommendations');
    expect(recs.map((r) => r[3])).toEqual(top.recommendations.map((r: { reason: string }) => r.reason));
    expect(await tableRows(page, 'timeline')).toHaveLength(top.timeline.nodes.length);
    expect(await page.$$eval('.facts', (f) => f.length)).toBe(4);
  });

  test('each chart saves as PNG and as SVG', async () => {
    await open(page, origin(), 'satisfaction', 'satisfaction-save');
    const card = '[data-chart="score-by-month"]';
    const [png] = await Promise.all([page.waitForEvent('download'), page.click(`${card} [data-save=png]`)]);
    expect(png.suggestedFilename()).toBe('caregraph-score-by-month.png');
    expect(readFileSync((await png.path())!).subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    const [svg] = await Promise.all([page.waitForEvent('download'), page.click(`${card} [data-save=svg]`)]);
    expect(svg.suggestedFilename()).toBe('caregraph-score-by-month.svg');
    const text = readFileSync((await svg.path())!, 'utf8');
    expect(text).toMatch(/^<svg[\s\S]*<\/svg>$/);
    expect(text).toContain('average score');
  });

  test('an ANALYST key, entered in the page, sees masked names in the at-risk list and the 360', async () => {
    await open(page, origin(), 'lifetime', 'lifetime-admin');
    const full = (await tableRows(page, 'at-risk')).map((r) => r[0]);
    await page.click('[data-action=change-key]');
    await page.fill('input[name=apiKey]', analystKey);
    await page.click('.key-form button[type=submit]');
    await page.waitForSelector('main[data-view="lifetime"][data-state="ready"]');
    await page.screenshot({ path: join(out, 'lifetime-analyst.png'), fullPage: true });
    const masked = (await tableRows(page, 'at-risk')).map((r) => r[0]);
    expect(masked).toHaveLength(full.length);
    for (const [i, name] of masked.entries()) {
      expect(name).toMatch(/^(\p{Lu}\.)( \p{Lu}\.)*$/u);
      expect(name).not.toBe(full[i]);
    }
    await page.click('[data-table="at-risk"] a.customer-name');
    await page.waitForSelector('main[data-view="customer"][data-state="ready"]');
    expect(await page.textContent('[data-customer-name]')).toMatch(/^(\p{Lu}\.)( \p{Lu}\.)*$/u);
    await page.screenshot({ path: join(out, 'customer-analyst.png'), fullPage: true });
    await page.evaluate(() => (globalThis as any).sessionStorage.clear()); // eslint-disable-line @typescript-eslint/no-explicit-any
  });

  test('in production the page carries no key, asks for one, and draws with it', async () => {
    prod = await startServer({ NODE_ENV: 'production', DATABASE_URL: `sqlite:${join(dir, 'caregraph.sqlite')}` }, /CareGraph insights \(charts\): \S+\/insights/);
    const prodOrigin = `http://127.0.0.1:${prod.port}`;
    const p = await watchedContext(prodOrigin);
    try {
      const pg = await p.context.newPage();
      await pg.goto(`${prodOrigin}/insights#/overview`);
      await pg.waitForSelector('main[data-view="key"] input[name=apiKey]');
      expect(await pg.$('meta[name="caregraph-dev-key"]')).toBeNull();
      await pg.fill('input[name=apiKey]', 'cg_not_a_key_of_this_company_0000');
      await pg.click('.key-form button[type=submit]');
      await pg.waitForSelector('.key-form .error');
      expect(await pg.textContent('.key-form .error')).toMatch(/not accepted/);
      await pg.fill('input[name=apiKey]', analystKey);
      await pg.click('.key-form button[type=submit]');
      await pg.waitForSelector('main[data-view="overview"][data-state="ready"]', { timeout: 30_000 });
      expect((await charts(pg))['revenue-by-month'][0].data.length).toBeGreaterThan(3);
      await pg.screenshot({ path: join(out, 'production-overview.png'), fullPage: true });
      // The only errors are Chromium's own lines for the requests the wrong key sent (refused); the page logged none.
      expect(p.errors.length).toBeGreaterThan(0);
      expect(new Set(p.errors)).toEqual(new Set(['Failed to load resource: the server responded with a status of 401 (Unauthorized)']));
      expect(p.outside).toEqual([]);
    } finally {
      await p.context.close();
    }
  });

  test('on a database whose models were never fitted, a view waits while the server fits them (503 + Retry-After) and then draws; a dead instance\'s fit lease runs out', async () => {
    const freshDir = mkdtempSync(join(tmpdir(), 'caregraph-insights-fresh-'));
    const file = join(freshDir, 'caregraph.sqlite');
    // The demo company without its fitted models: the production server fits them at start-up, one at a time.
    const Database = require('better-sqlite3'); // eslint-disable-line @typescript-eslint/no-require-imports
    const src = new Database(join(dir, 'caregraph.sqlite'), { readonly: true });
    await src.backup(file);
    src.close();
    const db = new Database(file);
    db.exec('DELETE FROM analytics_models; DELETE FROM analytics_model_parts; DELETE FROM analytics_fit_leases');
    // Another instance took the lifetime fit and died: its lease runs out in 4 s, then this server fits.
    const until = new Date(Date.now() + 4000).toISOString().replace('T', ' ').replace('Z', '');
    db.prepare('INSERT INTO analytics_fit_leases (model_key, holder, expires_at) VALUES (?, ?, ?)').run('lifetime:PARETO_NBD:live', 'an instance that died', until);
    db.close();
    const fresh = await startServer({ NODE_ENV: 'production', DATABASE_URL: `sqlite:${file}`, FIRST_FIT_WAIT_MS: '100' }, /CareGraph insights \(charts\): \S+\/insights/);
    const origin503 = `http://127.0.0.1:${fresh.port}`;
    const p = await watchedContext(origin503);
    try {
      // The key as if entered in this tab (about:blank, where the init script also runs, has no sessionStorage).
      await p.context.addInitScript((k) => {
        if ((globalThis as any).location.protocol === 'http:') (globalThis as any).sessionStorage.setItem('caregraph.insights.apiKey', k); // eslint-disable-line @typescript-eslint/no-explicit-any
      }, analystKey);
      const pg = await p.context.newPage();
      const unavailable: string[] = [];
      pg.on('response', (r) => r.status() === 503 && unavailable.push(r.headers()['retry-after'] ?? ''));
      await pg.goto(`${origin503}/insights#/lifetime`);
      await pg.waitForSelector('main[data-view="lifetime"][data-state="ready"], main[data-state="error"]', { timeout: 60_000 });
      const state = await pg.$eval('main', (m) => [m.getAttribute('data-state'), m.getAttribute('data-state') === 'error' ? m.textContent : '']);
      expect([...state, state[0] === 'ready' ? '' : fresh.log.slice(-6000)]).toEqual(['ready', '', '']);
      expect(unavailable.length).toBeGreaterThan(0);
      expect(unavailable.every((v) => Number(v) > 0)).toBe(true);
      // Chromium logs each 503 as a failed resource; the page itself logged nothing.
      expect(p.errors.filter((e) => !/status of 503/.test(e))).toEqual([]);
      expect(p.outside).toEqual([]);
    } finally {
      await p.context.close();
      await stopServer(fresh);
      rmSync(freshDir, { recursive: true, force: true });
    }
  }, 90_000);

  test('an empty company: every view says there is nothing yet, without an error', async () => {
    const emptyDir = mkdtempSync(join(tmpdir(), 'caregraph-insights-empty-'));
    const env = { NODE_ENV: 'development', SEED_DEMO: 'false', DATABASE_URL: `sqlite:${join(emptyDir, 'caregraph.sqlite')}` };
    const empty = await startServer(env, /CareGraph insights \(charts\): \S+\/insights/);
    const p = await watchedContext(`http://127.0.0.1:${empty.port}`);
    try {
      const made = spawnSync(process.execPath, ['dist/src/cli.js', 'apikey', 'create', '--role', 'ADMIN', '--name', 'empty'], { cwd: root, env: { ...process.env, ...env }, encoding: 'utf8' });
      const key = /cg_\S+/.exec(made.stdout)?.[0];
      expect(key).toBeDefined();
      const pg = await p.context.newPage();
      await pg.goto(`http://127.0.0.1:${empty.port}/insights#/overview`);
      await pg.fill('input[name=apiKey]', key!);
      await pg.click('.key-form button[type=submit]');
      for (const view of ['overview', 'segments', 'rfm', 'lifetime', 'rules', 'forecast', 'satisfaction', 'customer']) {
        await pg.goto(`http://127.0.0.1:${empty.port}/insights#/${view}`);
        await pg.waitForSelector(`main[data-view="${view}"][data-state="ready"], main[data-state="error"]`, { timeout: 30_000 });
        expect([view, await pg.$eval('main', (m) => m.getAttribute('data-state'))]).toEqual([view, 'ready']);
        expect([view, await pg.$$eval('[data-empty], .empty, [data-error]', (e) => e.length > 0)]).toEqual([view, true]);
        await pg.screenshot({ path: join(out, `empty-${view}.png`) });
      }
      expect(p.errors).toEqual([]);
      expect(p.outside).toEqual([]);
    } finally {
      await p.context.close();
      await stopServer(empty);
      rmSync(emptyDir, { recursive: true, force: true });
    }
  });

  test('every view was drawn within 3 s of navigation on the demo company (warm models)', () => {
    expect(Object.keys(timings).length).toBeGreaterThanOrEqual(8);
    for (const [view, ms] of Object.entries(timings)) expect([view, ms < 3000]).toEqual([view, true]);
  });
});
