import { BgNbdCustomer, BgNbdParams, bgNbdExpectedPurchases } from './bg-nbd';
import { GammaGammaCustomer, GammaGammaParams, gammaGammaExpectedValue } from './gamma-gamma';
import { expectedPurchasesCurve, type PurchaseModelParams } from './models';

export interface CustomerLifetimeValueOptions {
  /** How far ahead to value the customer, in days. */
  horizonDays: number;
  /** Days per time unit of the customer's recency and T (and of the BG/NBD fit): 1 for days, 7 for weeks. */
  timeUnitDays: number;
  /** Yearly discount rate of future cash. Default 0.1. */
  annualDiscountRate?: number;
}

const MONTH_DAYS = 30;

/**
 * Discounted customer lifetime value over the horizon, as lifetimes' customer_lifetime_value:
 * Σ over months i of (expected purchases in month i) × (Gamma-Gamma expected value),
 * discounted by (1 + monthly rate)^i.
 * Convention: a month is 30 days (lifetimes' factor for freq 'D'); the monthly rate is
 * (1 + annualDiscountRate)^(1/12) − 1; a horizon that is not a whole number of months ends with a
 * partial month discounted at its fractional month index. With horizonDays = 30·k this equals
 * lifetimes' customer_lifetime_value(time=k, discount_rate=(1 + annual)^(1/12) − 1, freq='D')
 * for a day-based fit. `bg` is a BG/NBD fit or any purchase model (models.ts).
 */
export function customerLifetimeValue(
  bg: BgNbdParams | PurchaseModelParams,
  gg: GammaGammaParams,
  c: BgNbdCustomer & GammaGammaCustomer,
  options: CustomerLifetimeValueOptions,
): number {
  const { horizonDays, timeUnitDays, annualDiscountRate = 0.1 } = options;
  if (!(horizonDays >= 0) || !Number.isFinite(horizonDays)) {
    throw new RangeError(`customerLifetimeValue: horizonDays must be a non-negative number, got ${horizonDays}`);
  }
  if (!(timeUnitDays > 0) || !Number.isFinite(timeUnitDays)) {
    throw new RangeError(`customerLifetimeValue: timeUnitDays must be a positive number, got ${timeUnitDays}`);
  }
  if (!(annualDiscountRate > -1) || !Number.isFinite(annualDiscountRate)) {
    throw new RangeError(`customerLifetimeValue: annualDiscountRate must be a number above -1, got ${annualDiscountRate}`);
  }
  const value = gammaGammaExpectedValue(gg, c);
  const ends: number[] = [];
  for (let start = 0; start < horizonDays; start += MONTH_DAYS) ends.push(Math.min(start + MONTH_DAYS, horizonDays));
  const ts = ends.map((end) => end / timeUnitDays);
  const cumulative = 'kind' in bg ? expectedPurchasesCurve(bg, ts, c) : ts.map((t) => bgNbdExpectedPurchases(bg, t, c));
  let clv = 0;
  let purchasesSoFar = 0;
  ends.forEach((end, i) => {
    clv += ((cumulative[i] - purchasesSoFar) * value) / Math.pow(1 + annualDiscountRate, end / MONTH_DAYS / 12);
    purchasesSoFar = cumulative[i];
  });
  return clv;
}
