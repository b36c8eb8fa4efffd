import { summarizeTransactions, type CustomerSummary, type Transaction } from './summary';
import { expectedPurchases, fitPurchaseModel, type PurchaseModelKind, type PurchaseModelParams } from './models';

/** A customer's calibration summary and what she did in the holdout period. */
export interface CalibrationHoldoutCustomer extends CustomerSummary {
  /** Distinct purchase days in the holdout period (each one a purchase in the models' sense). */
  holdoutFrequency: number;
  /** Total amount spent in the holdout period. */
  holdoutSpend: number;
}

export interface CalibrationHoldoutSplit {
  customers: CalibrationHoldoutCustomer[];
  /** Length of the holdout period in time units. */
  holdoutDuration: number;
  calibrationEnd: number;
  holdoutEnd: number;
}

export interface SplitOptions {
  /** Last day of the calibration period (purchases up to the end of its UTC day are calibration). */
  calibrationEnd: Date | number;
  /** Last day of the holdout period, after calibrationEnd. */
  holdoutEnd: Date | number;
  /** Days per time unit: 1 for days, 7 (default) for weeks. */
  timeUnitDays?: number;
}

const DAY_MS = 86_400_000;
const dayOf = (v: Date | number) => Math.floor((v instanceof Date ? v.getTime() : v) / DAY_MS);

/**
 * lifetimes' calibration_and_holdout_data: customers who bought by the end of the calibration period, their
 * calibration summary (summarizeTransactions as of calibrationEnd), and the purchase days and spend of each in
 * the holdout period (calibrationEnd, holdoutEnd]. Customers whose first purchase is in the holdout period are
 * left out: the models say nothing about customers not yet acquired. Holdout duration = days between the two
 * ends, in time units (273 days = 39 weeks for CDNOW's 1997-09-30 / 1998-06-30).
 */
export function splitCalibrationHoldout(transactions: ReadonlyArray<Transaction>, options: SplitOptions): CalibrationHoldoutSplit {
  const { timeUnitDays = 7 } = options;
  const calDay = dayOf(options.calibrationEnd);
  const endDay = dayOf(options.holdoutEnd);
  if (!Number.isFinite(calDay) || !Number.isFinite(endDay)) throw new RangeError('splitCalibrationHoldout: calibrationEnd and holdoutEnd must be valid dates');
  if (!(endDay > calDay)) throw new RangeError('splitCalibrationHoldout: holdoutEnd must be after calibrationEnd');
  const summaries = summarizeTransactions(transactions, { asOf: calDay * DAY_MS, timeUnitDays });
  const holdoutDays = new Map<string | number, Map<number, number>>();
  for (const tx of transactions) {
    const day = dayOf(tx.at);
    if (day <= calDay || day > endDay) continue;
    let days = holdoutDays.get(tx.customerId);
    if (!days) holdoutDays.set(tx.customerId, (days = new Map()));
    days.set(day, (days.get(day) ?? 0) + tx.amount);
  }
  const customers = summaries.map((s) => {
    const days = holdoutDays.get(s.customerId);
    let spend = 0;
    if (days) for (const v of days.values()) spend += v;
    return { ...s, holdoutFrequency: days?.size ?? 0, holdoutSpend: spend };
  });
  return { customers, holdoutDuration: (endDay - calDay) / timeUnitDays, calibrationEnd: calDay * DAY_MS, holdoutEnd: endDay * DAY_MS };
}

/** Calibration frequencies 0..7 each get a row; 7 and more share the last one ("7+"), as BTYD plots do. */
export const FREQUENCY_GROUPS = 8;

export interface FrequencyGroup {
  /** "0" .. "6", "7+". */
  frequency: string;
  customers: number;
  /** Mean holdout purchases of these customers: actual and predicted. */
  actual: number;
  predicted: number;
}

export interface PurchaseModelValidation {
  model: PurchaseModelKind;
  fit: PurchaseModelParams;
  logLikelihood: number;
  converged: boolean;
  customers: number;
  actualPurchases: number;
  predictedPurchases: number;
  /** Mean absolute error of holdout purchases per customer. */
  meanAbsoluteError: number;
  rootMeanSquaredError: number;
  byFrequency: FrequencyGroup[];
}

/** Holdout purchases predicted for every customer by a fitted model (null where a closed form cannot be evaluated: 0). */
export function predictHoldoutPurchases(model: PurchaseModelParams, split: CalibrationHoldoutSplit): Float64Array {
  const out = new Float64Array(split.customers.length);
  split.customers.forEach((c, i) => {
    let v: number;
    try {
      v = expectedPurchases(model, split.holdoutDuration, c);
    } catch (e) {
      if (!(e instanceof RangeError)) throw e;
      v = NaN;
    }
    out[i] = Number.isFinite(v) ? v : 0;
  });
  return out;
}

/** Compares predicted with actual holdout purchases: totals, per-customer errors and the table by calibration frequency. */
export function purchaseValidation(model: PurchaseModelParams, split: CalibrationHoldoutSplit, predicted: ArrayLike<number>): Omit<PurchaseModelValidation, 'logLikelihood' | 'converged'> {
  const groups = Array.from({ length: FREQUENCY_GROUPS }, (_, k) => ({ frequency: k === FREQUENCY_GROUPS - 1 ? `${k}+` : String(k), customers: 0, actual: 0, predicted: 0 }));
  let actualTotal = 0;
  let predictedTotal = 0;
  let abs = 0;
  let sq = 0;
  split.customers.forEach((c, i) => {
    const p = predicted[i];
    const a = c.holdoutFrequency;
    actualTotal += a;
    predictedTotal += p;
    abs += Math.abs(p - a);
    sq += (p - a) * (p - a);
    const g = groups[Math.min(c.frequency, FREQUENCY_GROUPS - 1)];
    g.customers++;
    g.actual += a;
    g.predicted += p;
  });
  for (const g of groups) {
    if (g.customers) {
      g.actual /= g.customers;
      g.predicted /= g.customers;
    }
  }
  const n = Math.max(1, split.customers.length);
  return {
    model: model.kind, fit: model, customers: split.customers.length, actualPurchases: actualTotal, predictedPurchases: predictedTotal,
    meanAbsoluteError: abs / n, rootMeanSquaredError: Math.sqrt(sq / n), byFrequency: groups,
  };
}

/**
 * Holdout validation of the purchase models, the way lifetimes and BTYD users choose one: fit each on the
 * calibration period, predict each customer's purchases in the holdout period, compare with what happened.
 * The model with the lowest mean absolute error per customer fits the data best out of sample.
 */
export function validatePurchaseModels(split: CalibrationHoldoutSplit, models: readonly PurchaseModelKind[]): PurchaseModelValidation[] {
  if (!split.customers.length) throw new RangeError('validatePurchaseModels: no customer bought in the calibration period');
  return models.map((kind) => {
    const fit = fitPurchaseModel(kind, split.customers);
    return { ...purchaseValidation(fit.params, split, predictHoldoutPurchases(fit.params, split)), logLikelihood: fit.logLikelihood, converged: fit.converged };
  });
}

/** The model with the lowest mean absolute error (ties: the earlier in the list). */
export function bestByHoldout(results: readonly PurchaseModelValidation[]): PurchaseModelKind {
  return results.reduce((best, r) => (r.meanAbsoluteError < best.meanAbsoluteError ? r : best)).model;
}
