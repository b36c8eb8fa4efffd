import { loadConfig } from '../../config';
import { openDatabase } from '../database';
import { isDatabaseEmpty, seedDatabase, type SeedSummary } from './load';
import { startProgress } from './progress';

/**
 * `npm run seed -- --customers N [--seed S] [--as-of YYYY-MM-DD] [--months M] [--append]`
 *
 * Loads a deterministic synthetic company (see generator.ts) into the database of DATABASE_URL.
 * Refuses a database that already has rows unless --append (new rows then get ids after the current
 * ones and reuse the catalogue by sku). Progress and a summary with timings go to stderr.
 */
export type OptionReader = (args: string[], name: string) => string | undefined;

const USAGE = 'usage: npm run seed -- --customers N [--seed S] [--as-of YYYY-MM-DD] [--months M] [--append]';

export async function runSeed(args: string[], option: OptionReader): Promise<number> {
  let parsed;
  try {
    parsed = {
      customers: integer(option(args, 'customers'), 'customers', 1000, 0, 10_000_000),
      seed: integer(option(args, 'seed'), 'seed', 1, 0, 2 ** 32 - 1),
      months: integer(option(args, 'months'), 'months', 24, 1, 240),
      asOf: asOfDate(option(args, 'as-of')),
    };
  } catch (e) {
    console.error(`${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  const config = loadConfig();
  const ds = await openDatabase(config.database);
  try {
    if (!args.includes('--append') && !(await isDatabaseEmpty(ds))) {
      console.error('the database already has data: pass --append to add the synthetic company after it, or use an empty database');
      return 1;
    }
    const where = config.database.kind === 'sqlite' ? `SQLite ${config.database.file}` : `${config.database.kind === 'postgres' ? 'PostgreSQL' : 'MySQL'} database ${config.database.database}`;
    console.error(`seeding ${parsed.customers.toLocaleString('en-US')} customers (seed ${parsed.seed}, as of ${parsed.asOf.toISOString().slice(0, 10)}, ${parsed.months} months) into ${where}`);
    const progress = startProgress('seed', parsed.customers, 'customers');
    let summary: SeedSummary;
    try {
      summary = await seedDatabase(ds, {
        ...parsed,
        onBatch: (done) => {
          progress.update(done.customers);
          if (done.customers === parsed.customers) progress.stop();
        },
      });
    } finally {
      progress.stop();
    }
    console.error(formatSummary(summary));
    return 0;
  } finally {
    await ds.destroy();
  }
}

export function formatSummary(s: SeedSummary): string {
  const n = (x: number) => x.toLocaleString('en-US');
  const sec = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  return [
    `seeded ${n(s.customers)} customers, ${n(s.purchases)} purchases, ${n(s.lines)} purchase lines, ${n(s.feedback)} feedback, ` +
      `${n(s.products)} new products (${n(s.productsReused)} reused) in ${sec(s.ms.total)}`,
    `  catalogue ${sec(s.ms.catalogue)}, rows ${sec(s.ms.rows)} (${s.method === 'load-data' ? 'LOAD DATA streams' : 'multi-row INSERTs'}, ` +
      `${n(Math.round(s.lines / Math.max(0.001, s.ms.rows / 1000)))} lines/s), secondary indexes rebuilt ${sec(s.ms.indexes)}`,
  ].join('\n');
}

function integer(raw: string | undefined, name: string, fallback: number, min: number, max: number): number {
  if (raw === undefined) return fallback;
  const v = Number(raw);
  if (!Number.isInteger(v) || v < min || v > max) throw new RangeError(`--${name} must be an integer from ${min} to ${max} (got "${raw}")`);
  return v;
}

/** Today at 00:00 UTC unless given, so that two runs on the same day make the same company. */
function asOfDate(raw: string | undefined): Date {
  if (raw === undefined) {
    const now = new Date();
    return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  }
  const d = new Date(/^\d{4}-\d{2}-\d{2}$/.test(raw) ? `${raw}T00:00:00Z` : raw);
  if (Number.isNaN(d.getTime())) throw new RangeError(`--as-of must be a date YYYY-MM-DD or an ISO date-time (got "${raw}")`);
  return d;
}
