/**
 * One model fit in its own process, so that its peak memory is its own: reads the population from a bench
 * database, calls the pure function of src/modules/analytics, prints one JSON line.
 * `node --expose-gc dist/bench/fit-worker.js <job> <mysql url>`; jobs: kmeans, rfm, lifetime, rules.
 * The analytics modules are still landing: each is loaded at run time and a missing module or export is
 * reported as not available instead of failing the build.
 */
import { join } from 'node:path';
import { createConnection, type RowDataPacket } from 'mysql2/promise';

const DAY_MS = 86_400_000;
const ANALYTICS = join(__dirname, '..', 'src', 'modules', 'analytics');

export interface FitStep {
  name: string;
  ms: number;
  note?: string;
}

export interface FitOutcome {
  job: string;
  status: 'ok' | 'not available' | 'failed';
  reason?: string;
  /** Rows the fit ran on (customers, transactions or baskets). */
  rows?: number;
  steps: FitStep[];
  /** The headline time: the model fit itself, data loading excluded. */
  fitMs?: number;
  rssBeforeFitMb?: number;
  peakRssMb?: number;
  detail?: Record<string, unknown>;
}

type AnyFn = (...args: never[]) => unknown;

class Unavailable extends Error {}

/** A function of an analytics module, or Unavailable when the module or the export is not there yet. */
function fn<T extends AnyFn>(modulePath: string, name: string): T {
  let mod: Record<string, unknown>;
  try {
    mod = require(join(ANALYTICS, modulePath)) as Record<string, unknown>;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND' && String((e as Error).message).includes(modulePath)) {
      throw new Unavailable(`module analytics/${modulePath} is missing`);
    }
    throw e;
  }
  if (typeof mod[name] !== 'function') throw new Unavailable(`analytics/${modulePath} exports no ${name}()`);
  return mod[name] as T;
}

function timed<T>(steps: FitStep[], name: string, f: () => T, note?: string): T {
  const t0 = performance.now();
  const v = f();
  steps.push({ name, ms: performance.now() - t0, note });
  return v;
}

const gc = () => (globalThis as { gc?: () => void }).gc?.();
const rssMb = () => process.memoryUsage().rss / 2 ** 20;

interface CustomerRow {
  id: number;
  birth_date: string | null;
  annual_income: number | null;
  purchase_count: number;
  total_spent_cents: number;
  first_purchase_at: Date | null;
  last_purchase_at: Date | null;
}

async function query<T>(url: string, sql: string): Promise<T[]> {
  const conn = await createConnection({ uri: url, timezone: 'Z', supportBigNumbers: true, dateStrings: ['DATE'] });
  try {
    const [rows] = await conn.query<RowDataPacket[]>(sql);
    return rows as T[];
  } finally {
    await conn.end();
  }
}

/** The day after the last completed purchase: every fit sees the same "now" on the same data. */
async function asOfOf(url: string): Promise<number> {
  const [r] = await query<{ t: Date | null }>(url, "SELECT MAX(purchased_at) AS t FROM purchases WHERE status = 'COMPLETED' AND deleted_at IS NULL");
  return (r.t ? r.t.getTime() : Date.UTC(2025, 0, 1)) + DAY_MS;
}

const customersSql =
  'SELECT id, birth_date, annual_income, purchase_count, total_spent_cents, first_purchase_at, last_purchase_at FROM customers WHERE deleted_at IS NULL';

function ageAt(birthDate: string, asOf: number): number {
  return (asOf - Date.parse(`${birthDate}T00:00:00Z`)) / (365.2425 * DAY_MS);
}

async function kmeansJob(url: string, out: FitOutcome): Promise<void> {
  const segmentCustomers = fn<(rows: number[][], names: string[], o: { k: number; seed: number; restarts?: number }) => { inertia: number; segments: { size: number; label: string }[] }>('segments/segments', 'segmentCustomers');
  const kmeans = fn<(rows: number[][], o: { k: number; seed: number; restarts?: number }) => { inertia: number; iterations?: number }>('segments/kmeans', 'kmeans');
  const standardize = fn<(rows: number[][]) => { z: number[][] }>('segments/standardize', 'standardize');
  let frequency: (count: number, first: number | null, asOf: number) => number;
  try {
    frequency = fn('value/value', 'purchaseFrequency');
  } catch {
    frequency = (count, first, asOf) => (count && first !== null ? (count * 30) / Math.max(30, (asOf - first) / DAY_MS) : 0);
  }
  const asOf = await asOfOf(url);
  const customers = await query<CustomerRow>(url, customersSql);
  const rows: number[][] = [];
  for (const c of customers) {
    if (c.birth_date === null || c.annual_income === null) continue;
    rows.push([ageAt(c.birth_date, asOf), c.annual_income, frequency(c.purchase_count, c.first_purchase_at?.getTime() ?? null, asOf)]);
  }
  out.rows = rows.length;
  const options = { k: 4, seed: 1, restarts: 10 };
  gc();
  out.rssBeforeFitMb = rssMb();
  const z = standardize(rows).z;
  const bare = timed(out.steps, 'k-means, 10 restarts (standardized features)', () => kmeans(z, options));
  const seg = timed(out.steps, 'segmentCustomers (k-means + labels + CART explanation)', () =>
    segmentCustomers(rows, ['age', 'annualIncome', 'purchaseFrequency'], options),
  );
  out.fitMs = out.steps[1].ms;
  out.detail = { k: 4, restarts: 10, features: ['age', 'annualIncome', 'purchaseFrequency'], inertia: bare.inertia, segmentSizes: seg.segments.map((s) => s.size) };
}

async function rfmJob(url: string, out: FitOutcome): Promise<void> {
  type Input = { recencyDays: number; frequency: number; monetary: number };
  const fitRfmModel = fn<(rows: Input[]) => unknown>('rfm/rfm', 'fitRfmModel');
  const scoreRfm = fn<(model: unknown, row: Input) => { segment: string }>('rfm/rfm', 'scoreRfm');
  const asOf = await asOfOf(url);
  const customers = await query<CustomerRow>(url, customersSql);
  const rows: Input[] = customers
    .filter((c) => c.purchase_count > 0 && c.last_purchase_at)
    .map((c) => ({ recencyDays: (asOf - c.last_purchase_at!.getTime()) / DAY_MS, frequency: c.purchase_count, monetary: c.total_spent_cents }));
  out.rows = rows.length;
  gc();
  out.rssBeforeFitMb = rssMb();
  const model = timed(out.steps, 'fitRfmModel (quintile breakpoints)', () => fitRfmModel(rows));
  const segments = new Map<string, number>();
  timed(out.steps, 'scoreRfm for every customer', () => {
    for (const r of rows) {
      const s = scoreRfm(model, r).segment;
      segments.set(s, (segments.get(s) ?? 0) + 1);
    }
  });
  out.fitMs = out.steps[0].ms + out.steps[1].ms;
  out.detail = { segments: Object.fromEntries(segments) };
}

async function lifetimeJob(url: string, out: FitOutcome): Promise<void> {
  type Summary = { frequency: number; recency: number; T: number; monetaryValue: number };
  type Fit = { params: Record<string, number>; converged: boolean; iterations: number; subjects: number };
  const summarize = fn<(tx: { customerId: number; at: number; amount: number }[], o: { asOf: number; timeUnitDays?: number }) => Summary[]>('lifetime/summary', 'summarizeTransactions');
  const fitBgNbd = fn<(s: Summary[]) => Fit>('lifetime/bg-nbd', 'fitBgNbd');
  const fitGammaGamma = fn<(s: Summary[]) => Fit>('lifetime/gamma-gamma', 'fitGammaGamma');
  const asOf = await asOfOf(url);
  const rows = await query<{ c: number; t: Date; a: number }>(
    url,
    "SELECT customer_id AS c, purchased_at AS t, total_cents AS a FROM purchases WHERE status = 'COMPLETED' AND deleted_at IS NULL",
  );
  const tx = rows.map((r) => ({ customerId: r.c, at: r.t.getTime(), amount: r.a / 100 }));
  out.rows = tx.length;
  gc();
  out.rssBeforeFitMb = rssMb();
  const summaries = timed(out.steps, 'summarizeTransactions (frequency, recency, T, monetary; days)', () => summarize(tx, { asOf, timeUnitDays: 1 }));
  const bg = timed(out.steps, 'fitBgNbd (Nelder-Mead, log space)', () => fitBgNbd(summaries));
  const gg = timed(out.steps, 'fitGammaGamma', () => fitGammaGamma(summaries));
  out.fitMs = out.steps.reduce((s, x) => s + x.ms, 0);
  out.detail = {
    customers: summaries.length,
    bgNbd: { params: bg.params, converged: bg.converged, iterations: bg.iterations },
    gammaGamma: { params: gg.params, converged: gg.converged, iterations: gg.iterations, subjects: gg.subjects },
  };
}

async function rulesJob(url: string, out: FitOutcome): Promise<void> {
  const mine = fn<(b: number[][], itemCount: number, o: { minSupport: number; minConfidence: number; maxLength?: number }) => { itemsetCount: number; rules: unknown[]; transactionCount: number }>(
    'rules/association-rules',
    'mineAssociationRules',
  );
  const lines = await query<{ p: number; i: number }>(
    url,
    "SELECT l.purchase_id AS p, l.product_id AS i FROM purchase_lines l JOIN purchases pu ON pu.id = l.purchase_id WHERE pu.status = 'COMPLETED' AND pu.deleted_at IS NULL ORDER BY l.purchase_id",
  );
  const dense = new Map<number, number>();
  const baskets: number[][] = [];
  let current = -1;
  for (const l of lines) {
    if (l.p !== current) {
      baskets.push([]);
      current = l.p;
    }
    let id = dense.get(l.i);
    if (id === undefined) dense.set(l.i, (id = dense.size));
    baskets[baskets.length - 1].push(id);
  }
  out.rows = baskets.length;
  gc();
  out.rssBeforeFitMb = rssMb();
  const settings = [
    { minSupport: 0.01, minConfidence: 0.3 },
    { minSupport: 0.001, minConfidence: 0.1 },
  ];
  const found: Record<string, unknown>[] = [];
  for (const s of settings) {
    const r = timed(out.steps, `mineAssociationRules support ${s.minSupport}, confidence ${s.minConfidence}`, () => mine(baskets, dense.size, s));
    found.push({ ...s, itemsets: r.itemsetCount, rules: r.rules.length });
  }
  out.fitMs = Math.max(...out.steps.map((s) => s.ms));
  out.detail = { baskets: baskets.length, items: dense.size, settings: found };
}

const JOBS: Record<string, (url: string, out: FitOutcome) => Promise<void>> = {
  kmeans: kmeansJob,
  rfm: rfmJob,
  lifetime: lifetimeJob,
  rules: rulesJob,
};

async function main() {
  const [job, url] = process.argv.slice(2);
  const out: FitOutcome = { job, status: 'ok', steps: [] };
  try {
    const run = JOBS[job];
    if (!run) throw new Error(`unknown job ${job}`);
    await run(url, out);
  } catch (e) {
    out.status = e instanceof Unavailable ? 'not available' : 'failed';
    out.reason = (e as Error).message;
  }
  out.peakRssMb = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(JSON.stringify(out) + '\n');
}

if (require.main === module) void main();
