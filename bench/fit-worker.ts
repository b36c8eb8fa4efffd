/**
 * One model fit in its own process, so that its peak memory is its own: reads the population from a bench
 * database with the server's own reads (AnalyticsData), builds the same typed inputs as the server and times
 * the server's own fit jobs (src/modules/analytics/fits.ts), the ones its worker thread runs.
 * `node --expose-gc dist/bench/fit-worker.js <job> <mysql url>`; jobs: kmeans, rfm, lifetime, rules.
 */
import 'reflect-metadata';
import type { DataSource } from 'typeorm';
import { createDataSource } from '../ormconfig';
import { parseDatabaseUrl } from '../src/config';
import { AnalyticsData } from '../src/modules/analytics/analytics.data';
import { DEFAULT_SEED, DEFAULT_SEGMENT_FEATURES, segmentMatrix } from '../src/modules/analytics/analytics.service';
import { DEFAULT_PURCHASE_MODEL, FIT_JOBS } from '../src/modules/analytics/fits';
import { fitRfmModel } from '../src/modules/analytics/rfm/rfm';
import { fitValueTiers } from '../src/modules/analytics/value/value';

const DAY_MS = 86_400_000;

export interface FitStep {
  name: string;
  ms: number;
  note?: string;
}

export interface FitOutcome {
  job: string;
  status: 'ok' | 'failed';
  reason?: string;
  /** Rows the fit ran on (customers, customer-days or basket lines). */
  rows?: number;
  steps: FitStep[];
  /** The headline time: the model fit itself, data loading excluded. */
  fitMs?: number;
  rssBeforeFitMb?: number;
  peakRssMb?: number;
  detail?: Record<string, unknown>;
}

function timed<T>(steps: FitStep[], name: string, f: () => T, note?: string): T {
  const t0 = performance.now();
  const v = f();
  steps.push({ name, ms: performance.now() - t0, note });
  return v;
}

const gc = () => (globalThis as { gc?: () => void }).gc?.();
const rssMb = () => process.memoryUsage().rss / 2 ** 20;

/** The server's segments fit: default features, mean-imputed matrix, 10 restarts. */
async function kmeansJob(data: AnalyticsData, out: FitOutcome, asOf: number): Promise<void> {
  const pop = await data.populationColumns(null);
  const { values } = await segmentMatrix(pop, DEFAULT_SEGMENT_FEATURES, asOf);
  out.rows = pop.ids.length;
  gc();
  out.rssBeforeFitMb = rssMb();
  const options = { values, features: [...DEFAULT_SEGMENT_FEATURES], k: 4, seed: DEFAULT_SEED, restarts: 10 };
  const fit = timed(out.steps, 'segments job (k-means, 10 restarts, labels, CART explanation)', () => FIT_JOBS.segments(options));
  out.fitMs = out.steps[0].ms;
  out.detail = { k: 4, restarts: 10, features: DEFAULT_SEGMENT_FEATURES, inertia: fit.inertia, segmentSizes: fit.segments.map((s) => s.size) };
}

/** The server's population model: value tiers and RFM quintiles of the buyers (on the main thread there). */
async function rfmJob(data: AnalyticsData, out: FitOutcome, asOf: number): Promise<void> {
  const buyers = (await data.population(null)).filter((r) => r.purchaseCount > 0);
  out.rows = buyers.length;
  gc();
  out.rssBeforeFitMb = rssMb();
  timed(out.steps, 'fitValueTiers', () => fitValueTiers(buyers.map((r) => r.totalCents)));
  timed(out.steps, 'fitRfmModel (quintile breakpoints)', () =>
    fitRfmModel(buyers.map((r) => ({ recencyDays: Math.floor((asOf - r.lastAt!) / DAY_MS), frequency: r.purchaseCount, monetary: r.totalCents }))),
  );
  out.fitMs = out.steps[0].ms + out.steps[1].ms;
}

/** The server's lifetime job: spend per customer and day, the default purchase model + Gamma-Gamma in weeks, the at-risk ranking. */
async function lifetimeJob(data: AnalyticsData, out: FitOutcome, asOf: number): Promise<void> {
  const job = { ...(await data.dailySpendColumns(new Date(asOf))), asOf };
  out.rows = job.customerIds.length;
  gc();
  out.rssBeforeFitMb = rssMb();
  const fit = timed(out.steps, `lifetime job (summaries, ${DEFAULT_PURCHASE_MODEL}, Gamma-Gamma, at-risk ranking)`, () => FIT_JOBS.lifetime(job));
  out.fitMs = out.steps[0].ms;
  out.detail = { customers: fit.subjects, repeatCustomers: fit.repeatCustomers, model: fit.model, params: fit.fit?.params, converged: fit.converged, gammaGamma: fit.gg, ggConverged: fit.ggConverged };
}

/** The server's rule fits: the dashboard's (support 0.01) and the recommendations' co-purchase pairs (0.001). */
async function rulesJob(data: AnalyticsData, out: FitOutcome, asOf: number): Promise<void> {
  const { items, starts, names } = await data.baskets('PRODUCT', new Date(asOf));
  out.rows = items.length;
  gc();
  out.rssBeforeFitMb = rssMb();
  const settings = [
    { minSupport: 0.01, minConfidence: 0.3, minLift: 1.2, maxLength: 10 },
    { minSupport: 0.001, minConfidence: 0.05, minLift: 1, maxLength: 2 },
  ];
  const found: Record<string, unknown>[] = [];
  for (const options of settings) {
    const r = timed(out.steps, `rules job, support ${options.minSupport}, confidence ${options.minConfidence}`, () =>
      FIT_JOBS.rules({ items, starts, itemCount: names.length, options }),
    );
    found.push({ ...options, itemsets: r.itemsetCount, rules: r.rules.length });
  }
  out.fitMs = Math.max(...out.steps.map((s) => s.ms));
  out.detail = { baskets: starts.length - 1, items: names.length, settings: found };
}

const JOBS: Record<string, (data: AnalyticsData, out: FitOutcome, asOf: number) => Promise<void>> = {
  kmeans: kmeansJob,
  rfm: rfmJob,
  lifetime: lifetimeJob,
  rules: rulesJob,
};

async function main() {
  const [job, url] = process.argv.slice(2);
  const out: FitOutcome = { job, status: 'ok', steps: [] };
  let ds: DataSource | null = null;
  try {
    const run = JOBS[job];
    if (!run) throw new Error(`unknown job ${job}`);
    ds = await createDataSource(parseDatabaseUrl(url)).initialize();
    await run(new AnalyticsData(ds), out, Date.now());
  } catch (e) {
    out.status = 'failed';
    out.reason = (e as Error).message;
  } finally {
    await ds?.destroy();
  }
  out.peakRssMb = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(JSON.stringify(out) + '\n');
}

if (require.main === module) void main();
