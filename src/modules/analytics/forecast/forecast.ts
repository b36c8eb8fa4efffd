import { SimpleLinearRegression } from 'ml-regression';

export interface MonthlySeries {
  /** 'YYYY-MM' in UTC, consecutive, oldest first. */
  months: string[];
  values: number[];
}

export interface MonthlySeriesOptions {
  asOf: number;
  /** History length in months. */
  months?: number;
  /** E.g. the first purchase: the series starts no earlier than this month. */
  startAt?: number;
}

export interface MonthValue {
  month: string;
  value: number;
}

export type Trend = 'UP' | 'DOWN' | 'FLAT';

export interface Forecast {
  /** The fitted months: the series from its first non-zero month. x = 0 is history[0]. */
  history: MonthValue[];
  /** One prediction per future month, never negative. */
  months: MonthValue[];
  /** Change per month of the fitted line. */
  slope: number;
  /** Fitted value of history[0]. */
  intercept: number;
  r2: number;
  trend: Trend;
  insufficientHistory: boolean;
}

export interface ForecastOptions {
  /** Fewer fitted months than this sets insufficientHistory. */
  minMonths?: number;
  /** |slope| up to this fraction of the mean monthly value reads as FLAT. */
  flatTolerance?: number;
}

/**
 * Sums the amounts per UTC calendar month, zero-filled. The month of asOf is partial and would read as a
 * drop, so the series ends at the last full month before it; points in or after that month are ignored.
 * It starts at the later of startAt's month and `months` months back, and is never empty: when startAt
 * falls in the current month the series is that one zero last full month, which anchors a forecast.
 */
export function monthlySeries(
  points: ReadonlyArray<{ at: number; amount: number }>,
  options: MonthlySeriesOptions,
): MonthlySeries {
  const { asOf, months: length = 24, startAt } = options;
  if (!Number.isFinite(asOf)) throw new TypeError('options.asOf must be a finite epoch time in ms');
  if (!Number.isInteger(length) || length < 1) {
    throw new RangeError(`options.months must be a positive integer, got ${length}`);
  }
  if (startAt !== undefined && !Number.isFinite(startAt)) {
    throw new TypeError('options.startAt must be a finite epoch time in ms');
  }
  const last = monthIndex(asOf) - 1;
  let first = last - length + 1;
  if (startAt !== undefined) first = Math.min(last, Math.max(first, monthIndex(startAt)));
  const values = new Array<number>(last - first + 1).fill(0);
  for (let i = 0; i < points.length; i++) {
    const { at, amount } = points[i];
    if (!Number.isFinite(at) || !Number.isFinite(amount)) {
      throw new TypeError(`points[${i}] must have a finite at (epoch ms) and amount`);
    }
    const index = monthIndex(at) - first;
    if (index >= 0 && index < values.length) values[index] += amount;
  }
  return { months: values.map((_, i) => monthLabel(first + i)), values };
}

/**
 * Ordinary least squares on the months from the first non-zero one (months before a customer's first
 * purchase or a product's launch say nothing about the trend). With fewer than minMonths such months a
 * line through a handful of points extrapolates wildly, so the forecast is then their mean, slope 0,
 * flagged insufficientHistory. r2 is 1 for a constant series: the line fits it exactly (scikit-learn's
 * convention); it is 0 when nothing was fitted.
 */
export function forecastSeries(series: MonthlySeries, horizonMonths: number, options: ForecastOptions = {}): Forecast {
  const { minMonths = 6, flatTolerance = 0.02 } = options;
  if (!Number.isInteger(horizonMonths) || horizonMonths < 0) {
    throw new RangeError(`horizonMonths must be a non-negative integer, got ${horizonMonths}`);
  }
  if (!Number.isInteger(minMonths) || minMonths < 2) {
    throw new RangeError(`options.minMonths must be an integer >= 2, got ${minMonths}`);
  }
  if (!(flatTolerance >= 0)) throw new RangeError(`options.flatTolerance must be >= 0, got ${flatTolerance}`);
  const lastMonth = checkSeries(series);

  let start = 0;
  while (start < series.values.length && series.values[start] === 0) start++;
  const n = series.values.length - start;
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    x[i] = i;
    y[i] = series.values[start + i];
    sum += y[i];
  }
  const mean = n > 0 ? sum / n : 0;
  const insufficientHistory = n < minMonths;

  let slope = 0;
  let intercept = mean;
  let r2 = 0;
  if (!insufficientHistory) {
    const regression = new SimpleLinearRegression(x, y);
    slope = regression.slope;
    intercept = regression.intercept;
    r2 = rSquared(y, mean, slope, intercept);
  }

  const history = new Array<MonthValue>(n);
  for (let i = 0; i < n; i++) history[i] = { month: series.months[start + i], value: y[i] };
  const months = new Array<MonthValue>(horizonMonths);
  for (let h = 1; h <= horizonMonths; h++) {
    // x of the h-th month after the series' last month; an all-zero series has n = 0 and predicts 0.
    months[h - 1] = { month: monthLabel(lastMonth + h), value: Math.max(0, intercept + slope * (n - 1 + h)) };
  }
  const trend: Trend = Math.abs(slope) <= flatTolerance * Math.abs(mean) ? 'FLAT' : slope > 0 ? 'UP' : 'DOWN';
  return { history, months, slope, intercept, r2, trend, insufficientHistory };
}

function rSquared(y: Float64Array, mean: number, slope: number, intercept: number): number {
  // Tested on the values, not on the total sum of squares: the mean of a constant 0.1 series is not
  // exactly 0.1, which would leave a round-off total and a meaningless ratio.
  if (y.every((value) => value === y[0])) return 1;
  let residual = 0;
  let total = 0;
  for (let i = 0; i < y.length; i++) {
    const error = y[i] - (intercept + slope * i);
    residual += error * error;
    total += (y[i] - mean) * (y[i] - mean);
  }
  return 1 - residual / total;
}

/** Validates the series and returns the month index of its last month. */
function checkSeries(series: MonthlySeries): number {
  const { months, values } = series;
  if (months.length !== values.length) {
    throw new RangeError(`series.months (${months.length}) and series.values (${values.length}) differ in length`);
  }
  if (months.length === 0) throw new RangeError('series must hold at least one month');
  const first = parseMonth(months[0]);
  for (let i = 0; i < months.length; i++) {
    if (i > 0 && parseMonth(months[i]) !== first + i) {
      throw new RangeError(`series.months must be consecutive, got ${months[i - 1]} then ${months[i]}`);
    }
    if (!Number.isFinite(values[i])) throw new TypeError(`series.values[${i}] must be finite, got ${values[i]}`);
  }
  return first + months.length - 1;
}

function monthIndex(epochMs: number): number {
  const date = new Date(epochMs);
  return date.getUTCFullYear() * 12 + date.getUTCMonth();
}

function monthLabel(index: number): string {
  const year = Math.floor(index / 12);
  const month = index - year * 12 + 1;
  return `${String(year).padStart(4, '0')}-${month < 10 ? '0' : ''}${month}`;
}

function parseMonth(label: string): number {
  const match = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(label);
  if (!match) throw new RangeError(`series month "${label}" is not YYYY-MM`);
  return Number(match[1]) * 12 + Number(match[2]) - 1;
}

/** z of the 10th / 90th percentiles of a normal: an 80 % interval. */
const Z80 = 1.2815515655446004;

/**
 * 80 % prediction interval of each forecast month of a linear-trend forecast: the OLS prediction interval
 * (normal errors, residual standard deviation s with n − 2 degrees of freedom, ± z s √(1 + 1/n + (x − x̄)²/Sxx)),
 * or around the mean (n − 1, √(1 + 1/n)) when too short a history was fitted by its mean; clipped at 0.
 * Null when fewer than 3 months (2 for a mean) leave no spread to estimate.
 */
export function linearForecastInterval(f: Forecast): { low: number; high: number }[] | null {
  const y = f.history.map((m) => m.value);
  const n = y.length;
  const byMean = f.insufficientHistory;
  const dof = n - (byMean ? 1 : 2);
  if (dof < 1) return null;
  const xMean = (n - 1) / 2;
  let sxx = 0;
  let rss = 0;
  for (let i = 0; i < n; i++) {
    sxx += (i - xMean) ** 2;
    const fitted = f.intercept + f.slope * i;
    rss += (y[i] - fitted) ** 2;
  }
  const s = Math.sqrt(rss / dof);
  return f.months.map((m, h) => {
    const x = n - 1 + h + 1;
    const spread = Z80 * s * Math.sqrt(1 + 1 / n + (byMean || sxx === 0 ? 0 : (x - xMean) ** 2 / sxx));
    const centre = f.intercept + f.slope * x;
    return { low: Math.max(0, centre - spread), high: Math.max(0, centre + spread) };
  });
}
