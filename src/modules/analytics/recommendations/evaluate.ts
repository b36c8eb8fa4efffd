import { recommendProducts, type BoughtItem, type ProductSpace, type RecommendOptions } from './recommend';

const DAY_MS = 86_400_000;

export interface HitRate {
  /** Customers evaluated: at least two distinct purchase days and a new catalogue product on the last. */
  customers: number;
  hits: number;
  /** hits / customers; null when no customer could be evaluated. */
  hitRate: number | null;
}

export type HitRateOptions = Omit<RecommendOptions, 'asOf' | 'limit' | 'excludePurchased'>;

interface Split {
  training: BoughtItem[];
  /** Products of the last purchase day that are in the catalogue and were not bought before. */
  targets: Set<number>;
  /** When the held-out purchase happened, the recommendations' asOf; null for a single purchase day. */
  asOf: number | null;
}

/**
 * Leave-last-day-out hit rate of recommendProducts: for each customer with purchases on at least two
 * distinct UTC days, the items of the last day are held out and the customer is a hit when one of them
 * is in the top k recommended from the earlier items. Held-out products already bought earlier cannot be
 * recommended (already-bought items are excluded), so they do not count as targets, and a customer left
 * without targets is not evaluated.
 */
export function hitRateAtK<K>(
  histories: ReadonlyMap<K, ReadonlyArray<BoughtItem>>,
  space: ProductSpace,
  k: number,
  options: HitRateOptions = {},
): HitRate {
  checkK(k);
  let customers = 0;
  let hits = 0;
  for (const split of splits(histories, space)) {
    if (split.targets.size === 0 || split.asOf === null) continue;
    customers++;
    const top = recommendProducts(space, split.training, { ...options, asOf: split.asOf, limit: k, excludePurchased: true });
    if (top.some((r) => split.targets.has(r.productId))) hits++;
  }
  return { customers, hits, hitRate: customers > 0 ? hits / customers : null };
}

/**
 * The most-popular baseline on the same customers and hold-out: recommend the k catalogue products with
 * the largest quantity bought over all training items (every purchase but the held-out last days) that
 * the customer has not bought yet; ties go to the lower product id.
 */
export function popularityHitRateAtK<K>(
  histories: ReadonlyMap<K, ReadonlyArray<BoughtItem>>,
  space: ProductSpace,
  k: number,
): HitRate {
  checkK(k);
  const all = splits(histories, space);
  const quantity = new Map<number, number>();
  for (const { training } of all) {
    for (const item of training) {
      if (space.rowOf.has(item.productId)) quantity.set(item.productId, (quantity.get(item.productId) ?? 0) + item.quantity);
    }
  }
  const ranking = [...quantity.keys()].sort((a, b) => (quantity.get(b) as number) - (quantity.get(a) as number) || a - b);

  let customers = 0;
  let hits = 0;
  for (const { training, targets } of all) {
    if (targets.size === 0) continue;
    customers++;
    const bought = new Set(training.map((item) => item.productId));
    let shown = 0;
    for (const productId of ranking) {
      if (shown === k) break;
      if (bought.has(productId)) continue;
      shown++;
      if (targets.has(productId)) {
        hits++;
        break;
      }
    }
  }
  return { customers, hits, hitRate: customers > 0 ? hits / customers : null };
}

/** One split per customer; customers with a single purchase day keep everything as training. */
function splits<K>(histories: ReadonlyMap<K, ReadonlyArray<BoughtItem>>, space: ProductSpace): Split[] {
  const result: Split[] = [];
  for (const items of histories.values()) {
    let lastDay = -Infinity;
    let firstDay = Infinity;
    for (const item of items) {
      if (!Number.isFinite(item.at)) throw new TypeError(`purchase of product ${item.productId} has no finite at`);
      const day = Math.floor(item.at / DAY_MS);
      lastDay = Math.max(lastDay, day);
      firstDay = Math.min(firstDay, day);
    }
    if (!(firstDay < lastDay)) {
      result.push({ training: [...items], targets: new Set(), asOf: null });
      continue;
    }
    const training = items.filter((item) => Math.floor(item.at / DAY_MS) < lastDay);
    const heldOut = items.filter((item) => Math.floor(item.at / DAY_MS) === lastDay);
    const before = new Set(training.map((item) => item.productId));
    const targets = new Set(
      heldOut.map((item) => item.productId).filter((id) => space.rowOf.has(id) && !before.has(id)),
    );
    result.push({ training, targets, asOf: Math.min(...heldOut.map((item) => item.at)) });
  }
  return result;
}

function checkK(k: number): void {
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`k must be a positive integer, got ${k}`);
}
