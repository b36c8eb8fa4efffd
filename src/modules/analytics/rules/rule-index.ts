/** A rule of a mined model as stored: items are product ids (as strings or numbers), one consequent. */
export interface StoredRule {
  a: readonly (string | number)[];
  c: readonly (string | number)[];
  support: number;
  confidence: number;
  lift: number;
}

/**
 * Rules looked up by the products of a basket or one product: what a basket satisfies, what it lacks
 * (cross-sell), what a product is bought with. Built once per mined model (the caller caches it).
 */
export class RuleIndex<R extends StoredRule = StoredRule> {
  private readonly byItem = new Map<number, number[]>();

  constructor(readonly rules: readonly R[]) {
    rules.forEach((r, i) => {
      for (const item of r.a) {
        const id = Number(item);
        const list = this.byItem.get(id);
        if (list) list.push(i);
        else this.byItem.set(id, [i]);
      }
    });
  }

  private candidates(basket: ReadonlySet<number>): R[] {
    const seen = new Set<number>();
    for (const item of basket) for (const i of this.byItem.get(item) ?? []) seen.add(i);
    return [...seen].map((i) => this.rules[i]).filter((r) => r.a.every((x) => basket.has(Number(x))));
  }

  /** Rules wholly inside the basket (antecedent and consequent), strongest lift first. */
  matched(basket: ReadonlySet<number>, first: number): R[] {
    return this.candidates(basket).filter((r) => r.c.every((x) => basket.has(Number(x)))).sort(byStrength).slice(0, first);
  }

  /** For each product the basket lacks, the most confident rule whose antecedent the basket holds. */
  crossSell(basket: ReadonlySet<number>, limit: number): { productId: number; rule: R }[] {
    const best = new Map<number, R>();
    for (const r of this.candidates(basket)) {
      const c = Number(r.c[0]);
      if (basket.has(c)) continue;
      const held = best.get(c);
      if (!held || byConfidence(r, held) < 0) best.set(c, r);
    }
    return [...best].map(([productId, rule]) => ({ productId, rule })).sort((x, y) => byConfidence(x.rule, y.rule)).slice(0, limit);
  }

  /** Rules {product} => {other}, strongest lift first. */
  boughtWith(productId: number, limit: number): R[] {
    return (this.byItem.get(productId) ?? []).map((i) => this.rules[i]).filter((r) => r.a.length === 1).sort(byStrength).slice(0, limit);
  }
}

const byStrength = (x: StoredRule, y: StoredRule) => y.lift - x.lift || y.confidence - x.confidence || y.support - x.support;
const byConfidence = (x: StoredRule, y: StoredRule) => y.confidence - x.confidence || y.lift - x.lift || y.support - x.support;
