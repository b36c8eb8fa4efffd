import {
  expectedPurchases, fitGammaGamma, fitPurchaseModel, gammaGammaExpectedValue, splitCalibrationHoldout,
  type CalibrationHoldoutSplit, type PurchaseModelKind, type SplitOptions, type Transaction,
} from '../lifetime';
import { forecastSeries, monthlySeries } from './forecast';

const DAY_MS = 86_400_000;

/** How a customer's future spend is forecast. */
export type SpendForecastMethod = 'PURCHASE_MODEL' | 'LINEAR_TREND';

/** How well predictions matched what happened, one value per customer (or product). */
export interface ForecastAccuracy {
  rootMeanSquaredError: number;
  meanAbsoluteError: number;
  /** Spearman rank correlation (average ranks for ties); null when either side is constant. */
  spearman: number | null;
  predictedTotal: number;
  actualTotal: number;
  /** Subjects with actual > 0 ("holdout buyers"). */
  actualPositive: number;
  /** Of those, forecast at zero (below half a cent). */
  positiveForecastAtZero: number;
}

/** Below this a forecast shows as 0.00. */
const ZERO = 0.005;

function ranks(values: ArrayLike<number>): Float64Array {
  const order = Array.from({ length: values.length }, (_, i) => i).sort((a, b) => values[a] - values[b]);
  const out = new Float64Array(values.length);
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && values[order[j + 1]] === values[order[i]]) j++;
    const rank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) out[order[k]] = rank;
    i = j + 1;
  }
  return out;
}

/** Pearson correlation of the ranks. */
export function spearman(a: ArrayLike<number>, b: ArrayLike<number>): number | null {
  if (a.length !== b.length) throw new RangeError('spearman: the two samples differ in length');
  const n = a.length;
  if (n < 2) return null;
  const ra = ranks(a);
  const rb = ranks(b);
  const mean = (n + 1) / 2;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += (ra[i] - mean) * (rb[i] - mean);
    saa += (ra[i] - mean) ** 2;
    sbb += (rb[i] - mean) ** 2;
  }
  return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : null;
}

export function forecastAccuracy(predicted: ArrayLike<number>, actual: ArrayLike<number>): ForecastAccuracy {
  if (predicted.length !== actual.length) throw new RangeError('forecastAccuracy: predicted and actual differ in length');
  const n = predicted.length;
  let sq = 0;
  let abs = 0;
  let p = 0;
  let a = 0;
  let positive = 0;
  let zero = 0;
  for (let i = 0; i < n; i++) {
    const e = predicted[i] - actual[i];
    sq += e * e;
    abs += Math.abs(e);
    p += predicted[i];
    a += actual[i];
    if (actual[i] > 0) {
      positive++;
      if (predicted[i] < ZERO) zero++;
    }
  }
  return {
    rootMeanSquaredError: n ? Math.sqrt(sq / n) : 0, meanAbsoluteError: n ? abs / n : 0, spearman: spearman(predicted, actual),
    predictedTotal: p, actualTotal: a, actualPositive: positive, positiveForecastAtZero: zero,
  };
}

export interface SpendBacktestRow extends ForecastAccuracy {
  method: SpendForecastMethod;
  /** The purchase model of PURCHASE_MODEL; null for LINEAR_TREND. */
  model: PurchaseModelKind | null;
}

export interface SpendBacktest {
  customers: number;
  holdoutWeeks: number;
  /** Calendar months the holdout touches (the linear trend's forecast months). */
  holdoutMonths: number;
  rows: SpendBacktestRow[];
}

/**
 * Each customer's spend in the holdout period under the linear trend: the zero-filled monthly history up to the
 * calibration end (24 months at most, from the first purchase), a line through it (forecastSeries' rules for short
 * histories), the forecast months the holdout overlaps, each prorated by the share of its days in the holdout.
 */
export function linearTrendHoldoutSpend(transactions: ReadonlyArray<Transaction>, split: CalibrationHoldoutSplit, historyMonths = 24): { spend: Float64Array; months: number } {
  const calDay = Math.floor(split.calibrationEnd / DAY_MS);
  const endDay = Math.floor(split.holdoutEnd / DAY_MS);
  const asOf = (calDay + 1) * DAY_MS; // the day after the calibration: its month is the first forecast month
  const first = new Date(asOf);
  const last = new Date(endDay * DAY_MS);
  const months = (last.getUTCFullYear() - first.getUTCFullYear()) * 12 + last.getUTCMonth() - first.getUTCMonth() + 1;
  const share: number[] = [];
  for (let k = 0; k < months; k++) {
    const start = Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + k, 1) / DAY_MS;
    const next = Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + k + 1, 1) / DAY_MS;
    const covered = Math.min(next - 1, endDay) - Math.max(start, calDay + 1) + 1;
    share.push(Math.max(0, covered) / (next - start));
  }
  const byCustomer = new Map<string | number, { at: number; amount: number }[]>();
  let firstAt = new Map<string | number, number>();
  for (const tx of transactions) {
    const at = tx.at instanceof Date ? tx.at.getTime() : tx.at;
    if (Math.floor(at / DAY_MS) > calDay) continue;
    let list = byCustomer.get(tx.customerId);
    if (!list) byCustomer.set(tx.customerId, (list = []));
    list.push({ at, amount: tx.amount });
    firstAt.set(tx.customerId, Math.min(firstAt.get(tx.customerId) ?? Infinity, at));
  }
  const spend = new Float64Array(split.customers.length);
  split.customers.forEach((c, i) => {
    const points = byCustomer.get(c.customerId) ?? [];
    const series = monthlySeries(points, { asOf, months: historyMonths, startAt: firstAt.get(c.customerId) });
    const f = forecastSeries(series, months);
    let total = 0;
    f.months.forEach((m, k) => (total += m.value * share[k]));
    spend[i] = total;
  });
  firstAt = new Map();
  return { spend, months };
}

/**
 * Backtest of the per-customer spend forecasts on a calibration / holdout split (the split of the lifetime models'
 * holdout validation): every method forecasts each calibration customer's spend over the holdout period from the
 * calibration data alone; the forecasts are compared with what each customer really spent.
 * PURCHASE_MODEL rows: expected purchases over the holdout from each purchase model x Gamma-Gamma's expected
 * order value (fitted on the calibration repeaters).
 */
export function spendBacktest(transactions: ReadonlyArray<Transaction>, options: SplitOptions, models: readonly PurchaseModelKind[]): SpendBacktest {
  const split = splitCalibrationHoldout(transactions, options);
  if (!split.customers.length) throw new RangeError('spendBacktest: no customer bought in the calibration period');
  const actual = Float64Array.from(split.customers, (c) => c.holdoutSpend);
  const rows: SpendBacktestRow[] = [];
  const repeaters = split.customers.filter((c) => c.frequency > 0 && c.monetaryValue > 0);
  let gg: ReturnType<typeof fitGammaGamma>['params'] | null = null;
  try {
    gg = fitGammaGamma(repeaters).params;
    if (!(gg.q > 1)) gg = null;
  } catch {
    gg = null;
  }
  for (const kind of models) {
    const fit = fitPurchaseModel(kind, split.customers).params;
    const predicted = Float64Array.from(split.customers, (c) => {
      let purchases: number;
      try {
        purchases = expectedPurchases(fit, split.holdoutDuration, c);
      } catch (e) {
        if (!(e instanceof RangeError)) throw e;
        purchases = 0;
      }
      // Without a Gamma-Gamma fit (nobody repeated), the customer's own mean order value.
      const value = gg ? gammaGammaExpectedValue(gg, c) : c.monetaryValue;
      return Number.isFinite(purchases) ? purchases * value : 0;
    });
    rows.push({ method: 'PURCHASE_MODEL', model: kind, ...forecastAccuracy(predicted, actual) });
  }
  const linear = linearTrendHoldoutSpend(transactions, split);
  rows.push({ method: 'LINEAR_TREND', model: null, ...forecastAccuracy(linear.spend, actual) });
  return { customers: split.customers.length, holdoutWeeks: split.holdoutDuration, holdoutMonths: linear.months, rows };
}

/** How aggregate demand (units of a product or category per month) is forecast in the backtest. */
export type DemandForecastMethod = 'LINEAR_TREND' | 'NAIVE' | 'SEASONAL_NAIVE';
export const DEMAND_METHODS: readonly DemandForecastMethod[] = ['LINEAR_TREND', 'NAIVE', 'SEASONAL_NAIVE'];

export interface DemandBacktestRow extends ForecastAccuracy {
  method: DemandForecastMethod;
}

export interface DemandBacktest {
  /** Products or categories with any demand up to the calibration end. */
  subjects: number;
  holdoutMonths: number;
  rows: DemandBacktestRow[];
}

/**
 * Backtest of demandForecast's linear trend against the usual baselines, on whole calendar months: calibration
 * months up to the month of calibrationEnd's next day (exclusive, as demandForecast leaves out the current month),
 * holdout = the following months through holdoutEnd's month. NAIVE repeats the last calibration month;
 * SEASONAL_NAIVE repeats the same month a year earlier (NAIVE where there is no such month). Scored per subject
 * on its total holdout units.
 */
export function demandBacktest(
  subjects: ReadonlyArray<{ points: ReadonlyArray<{ at: number; amount: number }> }>,
  calibrationEnd: number,
  holdoutEnd: number,
  historyMonths = 24,
): DemandBacktest {
  const asOf = (Math.floor(calibrationEnd / DAY_MS) + 1) * DAY_MS;
  const first = new Date(asOf);
  const last = new Date(holdoutEnd);
  const months = (last.getUTCFullYear() - first.getUTCFullYear()) * 12 + last.getUTCMonth() - first.getUTCMonth() + 1;
  if (months < 1) throw new RangeError('demandBacktest: the holdout must reach past the calibration month');
  const firstHoldoutMonth = first.getUTCFullYear() * 12 + first.getUTCMonth();
  const predicted: Record<DemandForecastMethod, number[]> = { LINEAR_TREND: [], NAIVE: [], SEASONAL_NAIVE: [] };
  const actual: number[] = [];
  for (const s of subjects) {
    const history = monthlySeries(s.points, { asOf, months: historyMonths });
    if (!history.values.some((v) => v !== 0)) continue; // nothing sold before the holdout: no forecast to judge
    let sold = 0;
    for (const p of s.points) {
      const d = new Date(p.at);
      const m = d.getUTCFullYear() * 12 + d.getUTCMonth() - firstHoldoutMonth;
      if (m >= 0 && m < months) sold += p.amount;
    }
    actual.push(sold);
    predicted.LINEAR_TREND.push(forecastSeries(history, months).months.reduce((sum, m) => sum + m.value, 0));
    const values = history.values;
    const lastValue = values[values.length - 1];
    predicted.NAIVE.push(lastValue * months);
    let seasonal = 0;
    for (let k = 0; k < months; k++) {
      const back = values.length - 12 + (k % 12); // the same calendar month in the last year of history
      seasonal += back >= 0 ? values[back] : lastValue;
    }
    predicted.SEASONAL_NAIVE.push(seasonal);
  }
  return { subjects: actual.length, holdoutMonths: months, rows: DEMAND_METHODS.map((method) => ({ method, ...forecastAccuracy(predicted[method], actual) })) };
}
