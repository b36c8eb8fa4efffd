import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createApiKey, ensureMariaDb, ensureSqlite, revokeApiKey, SIZES, undoWrites, WRITE_COMMENT_PREFIX, WRITE_KEY_PREFIX } from './data';
import { startCareGraph, type ServerProcess } from './servers';
import { BENCH_DIR, graphql, log, percentile, sleep } from './util';

// What runs inside the page (the bench is compiled without DOM types).
declare const document: { querySelector(s: string): { dataset: Record<string, string | undefined> } | null };
declare const location: { hash: string };
declare const sessionStorage: { setItem(k: string, v: string): void };

/**
 * How long each view of the insights page (GET /insights, issue #14) takes to become interactive on a
 * bench company, with the server as production runs it (NODE_ENV=production, MODEL_REFRESH=background) on
 * warm models, in Debian's Chromium. "Interactive" = from navigation until the view's <main> says
 * data-state="ready" (every chart drawn, controls live), the state the browser test waits for.
 *
 *   npm run -s build && node dist/bench/insights.js [--size M] [--db mariadb|sqlite] [--rounds 5]
 *
 * Two ways a user arrives, each timed per view:
 * - "new tab": a fresh tab opens the view's URL (page, bundle and the customer sample are all fetched);
 * - "in tab": the user clicks from another view (the sample the tab already read is reused).
 * Writes bench/results/insights-<size>-<db>.json and bench/INSIGHTS.md (all result files).
 */
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

interface Options { size: string; db: 'mariadb' | 'sqlite'; rounds: number; seed: number }

function parseArgs(argv: string[]): Options {
  const value = (name: string, fallback: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 && argv[i + 1] ? argv[i + 1] : fallback;
  };
  const size = value('size', 'M').toUpperCase();
  if (!(size in SIZES)) throw new Error(`--size must be one of ${Object.keys(SIZES).join(', ')}`);
  const db = value('db', 'mariadb');
  if (db !== 'mariadb' && db !== 'sqlite') throw new Error('--db must be mariadb or sqlite');
  return { size, db, rounds: Math.max(1, Number(value('rounds', '5'))), seed: Number(value('seed', '1')) };
}

interface ViewTiming { view: string; hash: string; newTab: number[]; inTab: number[] }

async function drawn(page: Page, hash: string): Promise<number> {
  const view = hash.split(/[/?]/)[0];
  const started = performance.now();
  if (page.url().includes('/insights')) await page.evaluate((h) => (location.hash = h), `#/${hash}`);
  else throw new Error('page not open');
  await page.waitForFunction(
    ([v, h]) => {
      const main = document.querySelector('main');
      return !!main && main.dataset.hash === `#/${h}` && (main.dataset.state === 'error' || (main.dataset.view === v && main.dataset.state === 'ready'));
    },
    [view, hash] as const,
    { timeout: 60_000, polling: 'raf' },
  );
  const ms = performance.now() - started;
  const error = await page.$eval('main', (m) => (m.getAttribute('data-state') === 'error' ? m.textContent : null));
  if (error) throw new Error(`view ${hash}: ${error}`);
  return ms;
}

async function openFresh(browser: Browser, origin: string, key: string, hash: string): Promise<number> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  try {
    await context.addInitScript((k) => sessionStorage.setItem('caregraph.insights.apiKey', k), key);
    const page = await context.newPage();
    const view = hash.split(/[/?]/)[0];
    const started = performance.now();
    await page.goto(`${origin}/insights#/${hash}`);
    await page.waitForSelector(`main[data-view="${view}"][data-state="ready"], main[data-state="error"]`, { timeout: 60_000 });
    const ms = performance.now() - started;
    const error = await page.$eval('main', (m) => (m.getAttribute('data-state') === 'error' ? m.textContent : null));
    if (error) throw new Error(`view ${hash}: ${error}`);
    return ms;
  } finally {
    await context.close();
  }
}

/** Waits until the models the page reads answer (background fits done) and returns a customer to show. */
async function warm(server: ServerProcess): Promise<string> {
  const deadline = Date.now() + 20 * 60_000;
  for (;;) {
    const { body } = await graphql(
      server.url,
      '{ segments { k } lifetimeModel { model } associationRules(first: 1) { itemsetCount } atRiskCustomers(first: 1) { customer { id } } }',
      {},
      server.headers,
    );
    const atRisk = (body.data as { atRiskCustomers?: { customer: { id: string } }[] } | undefined)?.atRiskCustomers;
    if (!body.errors && atRisk?.length) return atRisk[0].customer.id;
    if (Date.now() > deadline) throw new Error(`models not ready after 20 minutes: ${JSON.stringify(body.errors)}`);
    log(`waiting for the models: ${body.errors?.[0]?.message ?? 'no at-risk customer yet'}`);
    await sleep(5_000);
  }
}

const fmt = (ms: number) => (ms / 1000).toFixed(2);

async function main() {
  const o = parseArgs(process.argv.slice(2));
  const data = o.db === 'mariadb'
    ? await ensureMariaDb(o.size, SIZES[o.size], o.seed, false, (database) => undoWrites(database, WRITE_KEY_PREFIX, WRITE_COMMENT_PREFIX))
    : await ensureSqlite(o.size, SIZES[o.size], o.seed, false);
  const key = await createApiKey(data.url, `insights bench ${new Date().toISOString()}`, 'ANALYST');
  if (!key) throw new Error('this build has no apikey command');
  const server = await startCareGraph(`insights-${o.size.toLowerCase()}-${o.db}`, data.url, key.key);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  try {
    const startedAt = Date.now();
    const customerId = await warm(server);
    log(`models warm ${((Date.now() - startedAt) / 1000).toFixed(1)} s after the server was ready`);
    const hashes: [string, string][] = [
      ['Overview', 'overview'],
      ['Segments', 'segments'],
      ['Segments, k 6 on RFM', 'segments?k=6&features=rfm&x=RECENCY_DAYS&y=MONETARY'],
      ['RFM', 'rfm'],
      ['Lifetime', 'lifetime'],
      ['Rules', 'rules'],
      ['Forecast', 'forecast'],
      ['Satisfaction', 'satisfaction'],
      ['Customer', `customer/${encodeURIComponent(customerId)}`],
    ];
    const timings: ViewTiming[] = hashes.map(([view, hash]) => ({ view, hash, newTab: [], inTab: [] }));
    // One pass that is not counted: the server's dashboard aggregates and the page's bundle get warm.
    for (const t of timings) await openFresh(browser, server.url.replace('/graphql', ''), key.key, t.hash);
    for (let round = 0; round < o.rounds; round++) {
      for (const t of timings) t.newTab.push(await openFresh(browser, server.url.replace('/graphql', ''), key.key, t.hash));
      // In one tab: open the overview, then every view by its link, as a user clicks through.
      const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
      await context.addInitScript((k) => sessionStorage.setItem('caregraph.insights.apiKey', k), key.key);
      const page = await context.newPage();
      await page.goto(`${server.url.replace('/graphql', '')}/insights#/overview`);
      await page.waitForSelector('main[data-view="overview"][data-state="ready"]', { timeout: 60_000 });
      for (const t of timings.slice(1)) t.inTab.push(await drawn(page, t.hash));
      timings[0].inTab.push(await drawn(page, 'overview'));
      await context.close();
      log(`round ${round + 1}/${o.rounds}: ${timings.map((t) => `${t.view} ${fmt(t.newTab[round])}/${fmt(t.inTab[round])} s`).join(', ')}`);
    }
    const stats = (xs: number[]) => {
      const s = [...xs].sort((a, b) => a - b);
      return { p50: percentile(s, 50), max: s[s.length - 1] };
    };
    const result = {
      size: o.size,
      db: o.db,
      commit: process.env.BENCH_COMMIT ?? null,
      measuredAt: new Date().toISOString(),
      customers: data.counts.customers,
      rounds: o.rounds,
      serverPeakRssMb: server.peakRssMb(),
      views: timings.map((t) => ({ view: t.view, hash: t.hash, newTab: stats(t.newTab), inTab: stats(t.inTab), samples: { newTab: t.newTab, inTab: t.inTab } })),
    };
    const dir = join(BENCH_DIR, 'results');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `insights-${o.size.toLowerCase()}-${o.db}.json`), `${JSON.stringify(result, null, 2)}\n`);
    const target = o.size === 'M' || o.size === 'L' ? 3000 : 1500;
    const lines = [
      `Insights page at ${o.size} (${data.counts.customers.toLocaleString('en-US')} customers, ${o.db}), production mode, warm models, ANALYST key, ${o.rounds} rounds; seconds from navigation until the view is drawn and interactive (target ${target / 1000} s):`,
      '',
      '| view | new tab p50 | new tab max | in tab p50 | in tab max | met |',
      '| --- | ---: | ---: | ---: | ---: | --- |',
      ...result.views.map((v) => `| ${v.view} | ${fmt(v.newTab.p50)} | ${fmt(v.newTab.max)} | ${fmt(v.inTab.p50)} | ${fmt(v.inTab.max)} | ${Math.max(v.newTab.max, v.inTab.max) <= target ? 'yes' : '**no**'} |`),
    ];
    console.log(lines.join('\n'));
  } finally {
    await browser.close();
    await server.stop();
    await revokeApiKey(data.url, key.id);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
