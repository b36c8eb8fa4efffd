import { readFileSync } from 'node:fs';
import { loadConfig } from '../../config';
import { openDatabase } from '../database';
import { startProgress, type Progress } from '../seed/progress';
import type { OptionReader } from '../seed/seed.command';
import { IMPORT_FORMATS, importData, type ImportFormat, type ImportSummary } from './import';
import { parseIsoDateTime } from './purchases-csv.parser';

/**
 * `npm run import -- --format <baskets|cdnow|customers|customers-csv|purchases-csv> --file <path>`
 *   baskets:   [--category groceries] [--date 2024-01-01T00:00:00Z] [--customer-per-basket]
 *   customers: [--as-of YYYY-MM-DD]  (default today)
 *
 * Loads a file into the database of DATABASE_URL. The formats are described in the header comments of
 * baskets.parser.ts, cdnow.parser.ts, mall-customers.parser.ts, customers-csv.parser.ts and
 * purchases-csv.parser.ts. Bad rows are listed on stderr with their line numbers and skipped; the
 * good rows land. Exit code 0 when every row landed, 1 when some were bad, 2 for a usage error.
 */
const USAGE = `usage: npm run import -- --format <${IMPORT_FORMATS.join('|')}> --file <path> [--category C] [--date ISO] [--customer-per-basket] [--as-of YYYY-MM-DD]`;
/** Enough to find the pattern in a bad file without flooding the terminal. */
const MAX_LISTED = 1000;

export async function runImport(args: string[], option: OptionReader): Promise<number> {
  const format = option(args, 'format');
  const file = option(args, 'file');
  const usage = (why: string) => {
    console.error(`${why}\n${USAGE}`);
    return 2;
  };
  if (!format || !(IMPORT_FORMATS as readonly string[]).includes(format)) return usage(`--format must be one of ${IMPORT_FORMATS.join(', ')}`);
  if (!file) return usage('--file is required');
  const date = option(args, 'date');
  const baseDate = date === undefined ? undefined : parseIsoDateTime(date);
  if (baseDate === null) return usage(`--date must be an ISO 8601 date or date-time (got "${date}")`);
  const asOfRaw = option(args, 'as-of');
  const asOf = asOfRaw === undefined ? today() : parseIsoDateTime(asOfRaw);
  if (asOf === null) return usage(`--as-of must be a date YYYY-MM-DD (got "${asOfRaw}")`);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    console.error(`cannot read ${file}: ${(e as Error).message}`);
    return 2;
  }

  const ds = await openDatabase(loadConfig().database);
  const bars = new Map<string, Progress>();
  const started = performance.now();
  let summary: ImportSummary;
  try {
    summary = await importData(ds, {
      format: format as ImportFormat, text, category: option(args, 'category'), date: baseDate, customerPerBasket: args.includes('--customer-per-basket'),
      asOf, now: new Date(),
      onProgress: (phase, done, total) => {
        if (!bars.has(phase)) bars.set(phase, startProgress(`import ${phase}`, total, phase));
        bars.get(phase)!.update(done);
      },
    });
  } finally {
    for (const bar of bars.values()) bar.stop();
    await ds.destroy();
  }
  for (const b of summary.bad.slice(0, MAX_LISTED)) console.error(`${file}:${b.line}: ${b.reason}`);
  if (summary.bad.length > MAX_LISTED) console.error(`... and ${summary.bad.length - MAX_LISTED} more bad rows`);
  console.error(formatImportSummary(summary, performance.now() - started));
  return summary.bad.length ? 1 : 0;
}

export function formatImportSummary(s: ImportSummary, ms: number): string {
  const n = (x: number) => x.toLocaleString('en-US');
  return `import ${s.format}: customers ${n(s.customers.inserted)} new, ${n(s.customers.updated)} updated; ` +
    `products ${n(s.products.inserted)} new, ${n(s.products.reused)} existing; purchases ${n(s.purchases.inserted)} new` +
    `${s.purchases.skipped ? `, ${n(s.purchases.skipped)} already imported` : ''} with ${n(s.lines)} lines; ` +
    `${n(s.bad.length)} bad rows skipped; ${(ms / 1000).toFixed(1)} s`;
}

function today(): Date {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
}
