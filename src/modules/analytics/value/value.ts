const DAY_MS = 86_400_000;
const MONTH_DAYS = 30;

/**
 * Purchases per 30 days over the customer's tenure (asOf minus the first purchase).
 * Tenure is at least 30 days so that a customer who bought twice yesterday is not
 * reported as buying sixty times a month.
 */
export function purchaseFrequency(
  purchaseCount: number,
  firstPurchaseAt: number | null,
  asOf: number,
): number {
  if (!Number.isInteger(purchaseCount) || purchaseCount < 0) {
    throw new RangeError(`purchaseCount must be a non-negative integer, got ${purchaseCount}`);
  }
  if (!Number.isFinite(asOf)) throw new TypeError('asOf must be a finite epoch time in ms');
  if (purchaseCount === 0) return 0;
  if (firstPurchaseAt === null || !Number.isFinite(firstPurchaseAt)) {
    throw new TypeError('firstPurchaseAt must be a finite epoch time in ms when purchaseCount > 0');
  }
  if (firstPurchaseAt > asOf) {
    throw new RangeError('firstPurchaseAt is after asOf: pass only purchases made up to asOf');
  }
  const tenureDays = Math.max(MONTH_DAYS, (asOf - firstPurchaseAt) / DAY_MS);
  return (purchaseCount * MONTH_DAYS) / tenureDays;
}

/**
 * Tier cuts on total spent (cents). HIGH when total >= highMin, MEDIUM when total >= mediumMin.
 * highMin is the smallest total among the top ceil(20% n) customers, mediumMin the smallest among
 * the top ceil(50% n): ties at a cut all go to the higher tier, so equal totals always share a tier
 * and HIGH may hold a little more than 20% when many customers spent exactly the cut value.
 */
export interface ValueTierModel {
  highMin: number;
  mediumMin: number;
}

export type ValueTier = 'HIGH' | 'MEDIUM' | 'LOW';

// Shares in percent so the cut ranks are exact integer divisions (0.2 * 35 is 7.000000000000001).
const HIGH_PERCENT = 20;
const HIGH_OR_MEDIUM_PERCENT = 50;

/** Fits the cuts on the population's totals (typically every customer with a completed purchase). */
export function fitValueTiers(totals: ArrayLike<number>): ValueTierModel {
  const n = totals.length;
  if (n === 0) throw new RangeError('fitValueTiers needs at least one total');
  const sorted = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const total = totals[i];
    if (!Number.isFinite(total) || total < 0) {
      throw new RangeError(`totals[${i}] must be a finite non-negative amount, got ${total}`);
    }
    sorted[i] = total;
  }
  sorted.sort();
  return {
    highMin: sorted[n - Math.ceil((HIGH_PERCENT * n) / 100)],
    mediumMin: sorted[n - Math.ceil((HIGH_OR_MEDIUM_PERCENT * n) / 100)],
  };
}

/** A customer who has spent nothing is LOW whatever the cuts (they can be 0 when most totals are 0). */
export function valueTier(model: ValueTierModel, total: number): ValueTier {
  if (!Number.isFinite(total)) throw new TypeError(`total must be a finite amount, got ${total}`);
  if (total <= 0) return 'LOW';
  if (total >= model.highMin) return 'HIGH';
  if (total >= model.mediumMin) return 'MEDIUM';
  return 'LOW';
}
