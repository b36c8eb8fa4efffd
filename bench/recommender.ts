/**
 * The recommender at a bench size: fit time of the server's own job (FIT_JOBS.recommender) on every
 * customer's purchases, the stored model's size, the time to recommend for a page of 50 customers, and the
 * offline evaluation on the same data. Reads a seeded database (the seed CLI) through the server's reads.
 *
 *   npm run -s build:bench && node --expose-gc dist/bench/recommender.js <database url> [--max-cases 5000] [--out bench/results/recommender-M.json]
 *
 * e.g. DATABASE_URL of `node dist/src/cli.js seed --customers 100000 --seed 1` (size M).
 */
import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { loadConfig } from '../src/config';
import { openDatabase } from '../src/db/database';
import { AnalyticsService } from '../src/modules/analytics/analytics.service';
import { evaluateRecommendersJob, FIT_JOBS } from '../src/modules/analytics/fits';
import { formatEvaluation } from '../src/modules/analytics/recommendations/evaluate.command';
import { decodeCollaborative } from '../src/modules/analytics/recommendations/collaborative';
import { productModel, recommendHybrid } from '../src/modules/analytics/recommendations/hybrid';
import type { CollaborativeStrategy } from '../src/modules/analytics/recommendations/collaborative';

const gc = () => (globalThis as { gc?: () => void }).gc?.();
const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};

async function main() {
  const url = process.argv[2];
  if (!url) throw new Error('usage: node dist/bench/recommender.js <database url> [--max-cases N] [--out file.json]');
  const ds = await openDatabase(loadConfig({ DATABASE_URL: url, NODE_ENV: 'production' }).database);
  const a = new AnalyticsService(ds);
  const report: Record<string, unknown> = { url: url.replace(/\/\/[^@]*@/, '//'), at: new Date().toISOString() };
  try {
    const version = await a.data.version();
    const at = new Date();
    let t = performance.now();
    // The same typed input the server builds (AnalyticsService.recommender).
    const { items, starts, names, groupIds } = await a.data.customerProducts(at);
    report.loadPairsMs = Math.round(performance.now() - t);
    report.customers = starts.length - 1;
    report.customerProductPairs = items.length;
    report.products = names.length;
    const fits: Record<string, unknown>[] = [];
    let easeFit = null;
    for (const strategy of ['EASE', 'ITEM_KNN'] as CollaborativeStrategy[]) {
      gc();
      t = performance.now();
      const productIds = Float64Array.from(names as number[]);
      const fit = FIT_JOBS.recommender({ items, starts, productIds, options: { strategy } });
      const fitMs = performance.now() - t;
      // The shared model also ranks every product's likely buyers (Product.likelyBuyers): its extra time and bytes.
      t = performance.now();
      const withBuyers = FIT_JOBS.recommender({ items, starts, productIds, customerIds: groupIds, options: { strategy } });
      const likelyBuyersMs = performance.now() - t - fitMs;
      fits.push({
        strategy, fitMs: Math.round(fitMs), storedBytes: JSON.stringify(fit).length, neighbours: decodeCollaborative(fit.model).neighbours.length,
        likelyBuyersMs: Math.round(likelyBuyersMs), likelyBuyersBytes: JSON.stringify(withBuyers.likelyBuyers).length,
      });
      if (strategy === 'EASE') easeFit = fit;
    }
    report.fits = fits;
    report.peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);

    // A page of 50 customers: the history statement and the pure scoring, as the resolver does it.
    const catalogue = await a.productCatalogue(version);
    const model = productModel(decodeCollaborative(easeFit!.model), easeFit!.productIds);
    const coPurchase = await a.coPurchase(version);
    const ids: number[] = (await ds.query('SELECT id FROM customers ORDER BY id LIMIT 50')).map((r: { id: number }) => Number(r.id));
    t = performance.now();
    const history = await a.data.history(ids, at);
    const historyMs = performance.now() - t;
    const byCustomer = ids.map((id) => history.filter((h) => h.customerId === id));
    const page: Record<string, number> = { historyStatementMs: Math.round(historyMs) };
    for (const strategy of ['HYBRID', 'EASE', 'CONTENT'] as const) {
      const run = () => byCustomer.reduce((n: number, h) => n + recommendHybrid(catalogue.space, model, h, { asOf: at.getTime(), limit: 5, coPurchase, strategy }).length, 0);
      run(); // warm-up
      t = performance.now();
      for (let r = 0; r < 10; r++) run();
      page[`${strategy} ms (limit 5, mean of 10)`] = Math.round(((performance.now() - t) / 10) * 10) / 10;
    }
    report.pageOf50 = page;

    const maxCases = Number(arg('max-cases') ?? 5000);
    if (process.argv.includes('--skip-evaluation')) {
      console.log(JSON.stringify(report, null, 2));
      return;
    }
    t = performance.now();
    const job = await a.evaluationJob(version, at, ['LEAVE_ONE_OUT', 'LAST_PURCHASE'].map((protocol) => ({ protocol: protocol as 'LEAVE_ONE_OUT', seed: 42, maxCases })));
    const loadMs = performance.now() - t;
    t = performance.now();
    const evaluation = evaluateRecommendersJob(job);
    report.evaluation = { loadMs: Math.round(loadMs), evaluateMs: Math.round(performance.now() - t), results: evaluation };
    console.log(JSON.stringify({ ...report, evaluation: undefined }, null, 2));
    console.log(formatEvaluation(evaluation));
    const out = arg('out');
    if (out) writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
  } finally {
    await a.fits.stop();
    await ds.destroy();
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
