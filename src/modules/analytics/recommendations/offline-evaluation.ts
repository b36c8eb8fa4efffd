import { seededRandom } from '../segments/random';

/**
 * Offline evaluation of recommenders on purchase data: hold purchases out, recommend from what is left,
 * count how often (and how high) the held-out products come back. Pure and seeded: the same purchases,
 * options and seed give the same split and the same figures.
 */

export interface PurchaseBasket {
  customerId: number;
  purchaseId: number;
  /** Epoch ms. */
  at: number;
  /** Products of the purchase (repeats are ignored). */
  productIds: number[];
}

export type HoldOutProtocol = 'LEAVE_ONE_OUT' | 'LAST_PURCHASE';

export interface HoldOutOptions {
  /**
   * LEAVE_ONE_OUT: in one basket of at least `minBasketItems` products per sampled customer, hide one product
   * the customer bought in no other purchase. LAST_PURCHASE: for customers with at least two purchases, hide
   * the last one (latest `at`, then highest purchase id); its products not bought before are the targets.
   */
  protocol: HoldOutProtocol;
  seed: number;
  /** LEAVE_ONE_OUT only; default 4. */
  minBasketItems?: number;
  /** Customers evaluated at most (a seeded sample of the eligible ones); default 5,000. */
  maxCases?: number;
}

export interface EvaluationCase {
  customerId: number;
  /** What the customer is known to have bought at recommendation time: their training purchases. */
  history: PurchaseBasket[];
  /** Held-out products; a recommendation list hits when it holds one of them. */
  targets: number[];
  /** Time of the held-out purchase. */
  asOf: number;
}

export interface HoldOutSplit {
  /** Every purchase minus what was held out: what a model may be fitted on. */
  training: PurchaseBasket[];
  cases: EvaluationCase[];
  /** Customers that could have been evaluated (before sampling down to maxCases). */
  eligible: number;
}

export function holdOut(purchases: ReadonlyArray<PurchaseBasket>, options: HoldOutOptions): HoldOutSplit {
  const { protocol, seed, minBasketItems = 4, maxCases = 5000 } = options;
  if (protocol !== 'LEAVE_ONE_OUT' && protocol !== 'LAST_PURCHASE') throw new RangeError(`unknown protocol ${String(protocol)}`);
  if (!Number.isInteger(minBasketItems) || minBasketItems < 2) throw new RangeError(`minBasketItems must be an integer >= 2, got ${minBasketItems}`);
  if (!Number.isInteger(maxCases) || maxCases < 1) throw new RangeError(`maxCases must be a positive integer, got ${maxCases}`);
  const random = seededRandom(seed);
  const byCustomer = new Map<number, PurchaseBasket[]>();
  for (const p of purchases) {
    const distinct = { ...p, productIds: [...new Set(p.productIds)] };
    const list = byCustomer.get(p.customerId);
    if (list) list.push(distinct);
    else byCustomer.set(p.customerId, [distinct]);
  }
  const customers = [...byCustomer.keys()].sort((a, b) => a - b);
  for (const id of customers) byCustomer.get(id)!.sort((a, b) => a.at - b.at || a.purchaseId - b.purchaseId);

  // Per eligible customer: the held-out purchase, the products hidden from it and what stays of it.
  const plans: { customerId: number; purchase: PurchaseBasket; hidden: number[]; kept: number[] }[] = [];
  for (const customerId of customers) {
    const list = byCustomer.get(customerId)!;
    if (protocol === 'LEAVE_ONE_OUT') {
      const times = new Map<number, number>();
      for (const p of list) for (const id of p.productIds) times.set(id, (times.get(id) ?? 0) + 1);
      const candidates = list
        .map((p) => ({ p, once: p.productIds.filter((id) => times.get(id) === 1) }))
        .filter(({ p, once }) => p.productIds.length >= minBasketItems && once.length > 0);
      if (!candidates.length) continue;
      const { p, once } = candidates[Math.floor(random() * candidates.length)];
      const hidden = once[Math.floor(random() * once.length)];
      plans.push({ customerId, purchase: p, hidden: [hidden], kept: p.productIds.filter((id) => id !== hidden) });
    } else {
      if (list.length < 2) continue;
      const last = list[list.length - 1];
      const before = new Set(list.slice(0, -1).flatMap((p) => p.productIds));
      const targets = last.productIds.filter((id) => !before.has(id));
      if (!targets.length) continue;
      plans.push({ customerId, purchase: last, hidden: last.productIds, kept: [] });
    }
  }
  const eligible = plans.length;
  // Seeded partial Fisher-Yates: the first maxCases of a random permutation, then back in customer order.
  const chosen = plans.slice();
  const take = Math.min(maxCases, chosen.length);
  for (let i = 0; i < take; i++) {
    const j = i + Math.floor(random() * (chosen.length - i));
    [chosen[i], chosen[j]] = [chosen[j], chosen[i]];
  }
  const sample = chosen.slice(0, take).sort((a, b) => a.customerId - b.customerId);

  const replaced = new Map<PurchaseBasket, PurchaseBasket | null>();
  for (const plan of sample) replaced.set(plan.purchase, plan.kept.length ? { ...plan.purchase, productIds: plan.kept } : null);
  const trainingOf = (p: PurchaseBasket) => (replaced.has(p) ? replaced.get(p) ?? null : p);
  const training: PurchaseBasket[] = [];
  for (const id of customers) for (const p of byCustomer.get(id)!) {
    const t = trainingOf(p);
    if (t) training.push(t);
  }
  const cases = sample.map((plan) => {
    const history = byCustomer.get(plan.customerId)!.map(trainingOf).filter((p): p is PurchaseBasket => p !== null);
    const before = new Set(history.flatMap((p) => p.productIds));
    return { customerId: plan.customerId, history, targets: plan.hidden.filter((id) => !before.has(id)), asOf: plan.purchase.at };
  });
  return { training, cases, eligible };
}

/** 1 when one of the first k ranked products is a target, else 0. */
export function hitAtK(ranked: ReadonlyArray<number>, targets: ReadonlySet<number>, k: number): number {
  checkK(k);
  for (let r = 0; r < Math.min(k, ranked.length); r++) if (targets.has(ranked[r])) return 1;
  return 0;
}

/**
 * Normalised discounted cumulative gain with binary relevance: DCG = sum over hits at rank r (1-based) of
 * 1 / log2(r + 1), divided by the DCG of a perfect list (all targets first, at most k of them).
 */
export function ndcgAtK(ranked: ReadonlyArray<number>, targets: ReadonlySet<number>, k: number): number {
  checkK(k);
  if (targets.size === 0) return 0;
  let dcg = 0;
  for (let r = 0; r < Math.min(k, ranked.length); r++) if (targets.has(ranked[r])) dcg += 1 / Math.log2(r + 2);
  let ideal = 0;
  for (let r = 0; r < Math.min(k, targets.size); r++) ideal += 1 / Math.log2(r + 2);
  return dcg / ideal;
}

export interface RankingScores {
  cases: number;
  /** Share of cases with a target in the top k. */
  hitRate: number;
  /** Mean NDCG@k over the cases. */
  ndcg: number;
  /** Distinct products shown in any top k / catalogue size. */
  coverage: number;
}

/** Scores of one strategy: rankings[c] is the list shown for cases[c]. */
export function scoreRankings(rankings: ReadonlyArray<ReadonlyArray<number>>, cases: ReadonlyArray<Pick<EvaluationCase, 'targets'>>, k: number, catalogueSize: number): RankingScores {
  checkK(k);
  if (rankings.length !== cases.length) throw new RangeError(`${rankings.length} rankings for ${cases.length} cases`);
  if (!(catalogueSize >= 1)) throw new RangeError(`catalogueSize must be >= 1, got ${catalogueSize}`);
  let hits = 0;
  let ndcg = 0;
  const shown = new Set<number>();
  rankings.forEach((ranked, c) => {
    const targets = new Set(cases[c].targets);
    hits += hitAtK(ranked, targets, k);
    ndcg += ndcgAtK(ranked, targets, k);
    for (const id of ranked.slice(0, k)) shown.add(id);
  });
  const n = cases.length;
  return { cases: n, hitRate: n ? hits / n : 0, ndcg: n ? ndcg / n : 0, coverage: shown.size / catalogueSize };
}

/** Products ranked by how many customers bought them in `purchases` (ties to the lower id). */
export function popularityRanking(purchases: ReadonlyArray<PurchaseBasket>): number[] {
  const buyers = new Map<number, Set<number>>();
  for (const p of purchases) {
    for (const id of p.productIds) {
      const set = buyers.get(id);
      if (set) set.add(p.customerId);
      else buyers.set(id, new Set([p.customerId]));
    }
  }
  return [...buyers.keys()].sort((a, b) => buyers.get(b)!.size - buyers.get(a)!.size || a - b);
}

/** The first k of `ranking` the customer has not bought (the "most popular" baseline). */
export function topUnbought(ranking: ReadonlyArray<number>, bought: ReadonlySet<number>, k: number): number[] {
  const out: number[] = [];
  for (const id of ranking) {
    if (out.length === k) break;
    if (!bought.has(id)) out.push(id);
  }
  return out;
}

function checkK(k: number): void {
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`k must be a positive integer, got ${k}`);
}
