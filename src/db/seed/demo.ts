import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { seedDatabase } from './load';

/**
 * First start on an empty database: loads a small synthetic company (the seed generator, seed 1, as of
 * today 00:00 UTC) so that the playground has something to show. Returns false when customers exist.
 */
export async function seedDemoIfEmpty(ds: DataSource, customers = 500, log?: Pick<Logger, 'debug'>): Promise<boolean> {
  // One row is enough to know (COUNT(*) scans a large InnoDB table at every start).
  if (((await ds.query('SELECT 1 AS x FROM customers LIMIT 1')) as unknown[]).length) return false;
  const now = new Date();
  const summary = await seedDatabase(ds, { customers, seed: 1, asOf: Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) });
  log?.debug(
    { customers: summary.customers, purchases: summary.purchases, lines: summary.lines, feedback: summary.feedback, ms: Math.round(summary.ms.total) },
    'demo company loaded',
  );
  return true;
}
