import { loadConfig } from '../../../config';
import { openDatabase } from '../../../db/database';
import { AnalyticsService } from '../analytics.service';
import { evaluateRecommendersJob } from '../fits';
import type { RecommenderEvaluation } from './evaluate';
import type { HoldOutProtocol } from './offline-evaluation';

/**
 * `npm run evaluate:recommendations -- [--protocol LEAVE_ONE_OUT|LAST_PURCHASE|ALL] [--seed 42] [--k 10]
 *  [--max-cases 5000] [--min-basket-items 4] [--json]`
 *
 * Offline evaluation of every recommendation strategy on the purchases of DATABASE_URL (the same figures
 * as the recommenderEvaluation query), printed as a Markdown table (or JSON) on stdout.
 */
type OptionReader = (args: string[], name: string) => string | undefined;

const USAGE =
  'usage: npm run evaluate:recommendations -- [--protocol LEAVE_ONE_OUT|LAST_PURCHASE|ALL] [--seed 42] [--k 10] [--max-cases 5000] [--min-basket-items 4] [--json]';

export async function runEvaluateRecommendations(args: string[], option: OptionReader): Promise<number> {
  let parsed;
  try {
    const protocol = (option(args, 'protocol') ?? 'ALL').toUpperCase();
    if (!['LEAVE_ONE_OUT', 'LAST_PURCHASE', 'ALL'].includes(protocol)) throw new Error(`--protocol must be LEAVE_ONE_OUT, LAST_PURCHASE or ALL, got ${protocol}`);
    parsed = {
      protocols: (protocol === 'ALL' ? ['LEAVE_ONE_OUT', 'LAST_PURCHASE'] : [protocol]) as HoldOutProtocol[],
      seed: integer(option(args, 'seed'), 'seed', 42, 0, 2 ** 31 - 1),
      k: integer(option(args, 'k'), 'k', 10, 1, 100),
      maxCases: integer(option(args, 'max-cases'), 'max-cases', 5000, 1, 1_000_000),
      minBasketItems: integer(option(args, 'min-basket-items'), 'min-basket-items', 4, 2, 1000),
    };
  } catch (e) {
    console.error(`${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  const ds = await openDatabase(loadConfig().database);
  const analytics = new AnalyticsService(ds);
  try {
    const started = performance.now();
    const version = await analytics.data.version();
    const job = await analytics.evaluationJob(version, new Date(), parsed.protocols.map((protocol) => ({ ...parsed, protocol })));
    console.error(`${job.purchaseIds.length.toLocaleString('en-US')} purchase lines, ${job.catalogue.length.toLocaleString('en-US')} products loaded`);
    const results = evaluateRecommendersJob(job);
    console.error(`evaluated in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    process.stdout.write(args.includes('--json') ? `${JSON.stringify(results, null, 2)}\n` : formatEvaluation(results));
    return 0;
  } finally {
    await analytics.fits.stop();
    await ds.destroy();
  }
}

/** The evaluation as a Markdown table: one row per protocol and strategy. */
export function formatEvaluation(results: ReadonlyArray<RecommenderEvaluation>): string {
  const lines = [
    '| protocol | strategy | cases | hit@k | NDCG@k | coverage | hit vs popularity | fit ms |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const e of results) {
    if (e.cases === 0) {
      lines.push(`| ${e.protocol} (k = ${e.k}, seed ${e.seed}) | no customer could be evaluated | 0 | - | - | - | - | - |`);
      continue;
    }
    for (const s of e.strategies) {
      lines.push(`| ${e.protocol} (k = ${e.k}, seed ${e.seed}) | ${s.strategy} | ${s.cases} | ${s.hitRate.toFixed(3)} | ${s.ndcg.toFixed(3)} | ` +
        `${s.coverage.toFixed(3)} | ${s.hitRateVsPopularity == null ? '-' : `${s.hitRateVsPopularity.toFixed(3)}x`} | ${s.fitMs} |`);
    }
  }
  return `${lines.join('\n')}\n`;
}

function integer(text: string | undefined, name: string, fallback: number, min: number, max: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`--${name} must be an integer from ${min} to ${max}, got ${text}`);
  return n;
}
