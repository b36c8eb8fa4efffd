import { loadConfig } from '../../config';
import { openDatabase } from '../../db/database';
import type { OptionReader } from '../../db/seed/seed.command';
import { AnalyticsData } from './analytics.data';
import { AnalyticsService } from './analytics.service';
import { RuleItemLevel, type DemandForecastBacktest } from './analytics.types';
import { parseAsOf } from './as-of';
import { DEFAULT_PURCHASE_MODEL, holdoutValidation, spendForecastBacktest, type HoldoutResult } from './fits';
import type { SpendBacktest } from './forecast/backtest';
import { PURCHASE_MODEL_KINDS } from './lifetime';

/**
 * `npm run holdout -- --calibration-end YYYY-MM-DD --holdout-end YYYY-MM-DD`
 *
 * Holdout validation on the database of DATABASE_URL, the same computations as the lifetimeValidation and
 * spendForecastBacktest queries: every purchase model is fitted on the purchases up to the calibration end and
 * predicts each customer's purchase days up to the holdout end; every spend forecast method predicts each
 * customer's spend over the holdout. Prints Markdown tables (the README's come from here). Exit 2 for a usage error.
 */
const USAGE = 'usage: npm run holdout -- --calibration-end YYYY-MM-DD --holdout-end YYYY-MM-DD';

const f = (v: number, digits = 3) => v.toFixed(digits);

/** The validation as Markdown: one summary row per model, then predicted vs actual by calibration frequency. */
export function holdoutTables(r: HoldoutResult): string {
  const lines = [
    `${r.customers} customers, holdout ${f(r.holdoutWeeks, 2)} weeks, ${r.actualPurchases} actual holdout purchase days. Best (lowest MAE): ${r.best}; default: ${DEFAULT_PURCHASE_MODEL}.`,
    '',
    '| model | parameters | log-likelihood | predicted | actual | MAE per customer | RMSE |',
    '| --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const m of r.models) {
    const params = Object.entries(m.fit.params).map(([k, v]) => `${k} ${f(v as number, 4)}`).join(', ');
    lines.push(`| ${m.model} | ${params} | ${f(m.logLikelihood, 1)} | ${f(m.predictedPurchases, 1)} | ${m.actualPurchases} | ${f(m.meanAbsoluteError, 4)} | ${f(m.rootMeanSquaredError, 4)} |`);
  }
  lines.push('', `| calibration frequency | customers | actual | ${r.models.map((m) => m.model).join(' | ')} |`, `| --- | --- | --- | ${r.models.map(() => '---').join(' | ')} |`);
  r.models[0]?.byFrequency.forEach((g, i) => {
    lines.push(`| ${g.frequency} | ${g.customers} | ${f(g.actual)} | ${r.models.map((m) => f(m.byFrequency[i].predicted)).join(' | ')} |`);
  });
  return lines.join('\n');
}

/** The spend forecast backtest as Markdown: one row per method. */
export function backtestTable(b: SpendBacktest): string {
  const buyers = b.rows[0]?.actualPositive ?? 0;
  const lines = [
    `${b.customers} customers, holdout ${f(b.holdoutWeeks, 2)} weeks (${b.holdoutMonths} calendar months), ${buyers} holdout buyers. Default: PURCHASE_MODEL with ${DEFAULT_PURCHASE_MODEL}.`,
    '',
    '| method | RMSE | MAE | Spearman | predicted total | actual total | buyers forecast at 0 |',
    '| --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const r of b.rows) {
    const name = r.model ? `${r.method} (${r.model} x Gamma-Gamma)` : r.method;
    const zero = `${r.positiveForecastAtZero} of ${r.actualPositive} (${f((100 * r.positiveForecastAtZero) / Math.max(1, r.actualPositive), 1)} %)`;
    lines.push(`| ${name} | ${f(r.rootMeanSquaredError, 2)} | ${f(r.meanAbsoluteError, 2)} | ${r.spearman == null ? '-' : f(r.spearman)} | ${f(r.predictedTotal, 0)} | ${f(r.actualTotal, 0)} | ${zero} |`);
  }
  return lines.join('\n');
}

/** The demand backtest as Markdown. */
export function demandTable(b: DemandForecastBacktest): string {
  const lines = [
    `${b.subjects} ${b.level === RuleItemLevel.PRODUCT ? 'products' : 'categories'} sold before the holdout; ${b.holdoutMonths} holdout months.`,
    '',
    '| method | RMSE | MAE | Spearman | predicted units | actual units | sold but forecast at 0 |',
    '| --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const r of b.methods) {
    lines.push(`| ${r.method} | ${f(r.rootMeanSquaredError, 2)} | ${f(r.meanAbsoluteError, 2)} | ${r.spearman == null ? '-' : f(r.spearman)} | ${f(r.predictedUnits, 0)} | ${f(r.actualUnits, 0)} | ${r.soldForecastAtZero} |`);
  }
  return lines.join('\n');
}

export async function runHoldout(args: string[], option: OptionReader): Promise<number> {
  let calibrationEnd: Date | null;
  let holdoutEnd: Date | null;
  try {
    calibrationEnd = parseAsOf(option(args, 'calibration-end'));
    holdoutEnd = parseAsOf(option(args, 'holdout-end'));
  } catch (e) {
    console.error(`${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  if (!calibrationEnd || !holdoutEnd || holdoutEnd <= calibrationEnd) {
    console.error(`--calibration-end and a later --holdout-end are required\n${USAGE}`);
    return 2;
  }
  const ds = await openDatabase(loadConfig().database);
  try {
    const job = {
      ...(await new AnalyticsData(ds).dailySpendColumns(holdoutEnd)),
      calibrationEnd: calibrationEnd.getTime(),
      holdoutEnd: holdoutEnd.getTime(),
      models: [...PURCHASE_MODEL_KINDS],
    };
    console.log(`## Lifetime models: holdout purchases\n\n${holdoutTables(holdoutValidation(job))}\n`);
    console.log(`## Spend forecasts: holdout spend per customer\n\n${backtestTable(spendForecastBacktest(job))}\n`);
    const analytics = new AnalyticsService(ds);
    const version = await analytics.data.version();
    for (const level of [RuleItemLevel.CATEGORY, RuleItemLevel.PRODUCT]) {
      console.log(`## Demand forecasts: holdout units per ${level.toLowerCase()}\n\n${demandTable(await analytics.demandBacktest(version, calibrationEnd, holdoutEnd, level))}\n`);
    }
    return 0;
  } finally {
    await ds.destroy();
  }
}
