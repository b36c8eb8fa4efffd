import { hitAtK, holdOut, ndcgAtK, popularityRanking, scoreRankings, topUnbought, type PurchaseBasket } from './offline-evaluation';

const basket = (customerId: number, purchaseId: number, at: number, productIds: number[]): PurchaseBasket => ({ customerId, purchaseId, at, productIds });

describe('hitAtK / ndcgAtK', () => {
  it('counts a hit only within the first k', () => {
    expect(hitAtK([5, 3, 9], new Set([3]), 1)).toBe(0);
    expect(hitAtK([5, 3, 9], new Set([3]), 2)).toBe(1);
    expect(hitAtK([5, 3], new Set([9]), 10)).toBe(0);
  });

  it('discounts a hit at rank r by log2(r + 1) and divides by the perfect list', () => {
    // one target at rank 2: (1 / log2 3) / 1
    expect(ndcgAtK([5, 3, 9], new Set([3]), 3)).toBeCloseTo(1 / Math.log2(3), 12);
    expect(ndcgAtK([3, 5, 9], new Set([3]), 3)).toBe(1);
    // targets at ranks 2 and 3: (1 / log2 3 + 1 / 2) / (1 + 1 / log2 3) = 0.69342...
    expect(ndcgAtK([5, 3, 9], new Set([3, 9]), 3)).toBeCloseTo((1 / Math.log2(3) + 0.5) / (1 + 1 / Math.log2(3)), 12);
    expect(ndcgAtK([5, 3, 9], new Set([3, 9]), 3)).toBeCloseTo(0.693426, 6);
    // three targets, k = 2: the ideal list has only two places
    expect(ndcgAtK([1, 2], new Set([1, 2, 3]), 2)).toBe(1);
    expect(ndcgAtK([5, 3, 9], new Set([9]), 2)).toBe(0);
    expect(ndcgAtK([5], new Set(), 2)).toBe(0);
  });

  it('rejects a bad k', () => {
    expect(() => hitAtK([1], new Set([1]), 0)).toThrow(RangeError);
    expect(() => ndcgAtK([1], new Set([1]), 1.5)).toThrow(RangeError);
  });
});

describe('scoreRankings', () => {
  it('averages hit and NDCG over the cases; coverage is distinct products shown over the catalogue', () => {
    const scores = scoreRankings([[1, 2], [2, 3], [4, 1]], [{ targets: [2] }, { targets: [9] }, { targets: [4] }], 2, 10);
    // hits: case 1 (rank 2), case 3 (rank 1); NDCG (1 / log2 3 + 0 + 1) / 3; shown {1, 2, 3, 4}
    expect(scores).toEqual({ cases: 3, hitRate: 2 / 3, ndcg: (1 / Math.log2(3) + 1) / 3, coverage: 0.4 });
  });

  it('only looks at the first k of each list', () => {
    expect(scoreRankings([[1, 2, 3]], [{ targets: [3] }], 2, 4)).toEqual({ cases: 1, hitRate: 0, ndcg: 0, coverage: 0.5 });
  });
});

describe('popularityRanking / topUnbought', () => {
  it('ranks by customers, not purchases, ties to the lower id', () => {
    // 7: customers 1, 2 (customer 1 twice); 3: customers 1, 3; 5: customer 2
    const purchases = [basket(1, 1, 0, [7, 3]), basket(1, 2, 1, [7]), basket(2, 3, 2, [7, 5]), basket(3, 4, 3, [3])];
    expect(popularityRanking(purchases)).toEqual([3, 7, 5]);
    expect(topUnbought([3, 7, 5], new Set([3]), 1)).toEqual([7]);
    expect(topUnbought([3, 7, 5], new Set([7]), 5)).toEqual([3, 5]);
  });
});

describe('holdOut LEAVE_ONE_OUT', () => {
  it('hides one product of a large enough basket that the customer bought nowhere else', () => {
    const purchases = [
      // customer 1: products 1-3 are in both purchases, so only 4 can be hidden
      basket(1, 10, 100, [1, 2, 3]),
      basket(1, 11, 200, [1, 2, 3, 4]),
      // customer 2: basket too small
      basket(2, 12, 100, [1, 2, 3]),
    ];
    const split = holdOut(purchases, { protocol: 'LEAVE_ONE_OUT', seed: 1, minBasketItems: 4 });
    expect(split.eligible).toBe(1);
    expect(split.cases).toEqual([{ customerId: 1, history: [basket(1, 10, 100, [1, 2, 3]), basket(1, 11, 200, [1, 2, 3])], targets: [4], asOf: 200 }]);
    expect(split.training).toEqual([basket(1, 10, 100, [1, 2, 3]), basket(1, 11, 200, [1, 2, 3]), basket(2, 12, 100, [1, 2, 3])]);
  });

  it('is deterministic for a seed and samples maxCases customers', () => {
    const purchases = Array.from({ length: 50 }, (_, c) => basket(c + 1, c + 1, c, [1, 2, 3, 4, 5].map((p) => p + (c % 7))));
    const a = holdOut(purchases, { protocol: 'LEAVE_ONE_OUT', seed: 7, maxCases: 10 });
    const b = holdOut(purchases, { protocol: 'LEAVE_ONE_OUT', seed: 7, maxCases: 10 });
    expect(a).toEqual(b);
    expect(a.eligible).toBe(50);
    expect(a.cases).toHaveLength(10);
    expect(a.training).toHaveLength(50);
    // every case lost exactly its target from training, and nobody else lost anything
    const lines = (ps: PurchaseBasket[]) => ps.reduce((n, p) => n + p.productIds.length, 0);
    expect(lines(a.training)).toBe(250 - 10);
    for (const c of a.cases) {
      expect(c.targets).toHaveLength(1);
      expect(c.history[0].productIds).not.toContain(c.targets[0]);
      expect(c.history[0].productIds).toHaveLength(4);
    }
    const other = holdOut(purchases, { protocol: 'LEAVE_ONE_OUT', seed: 8, maxCases: 10 });
    expect(other.cases.map((c) => [c.customerId, c.targets])).not.toEqual(a.cases.map((c) => [c.customerId, c.targets]));
  });
});

describe('holdOut LAST_PURCHASE', () => {
  it("hides each customer's last purchase; its new products are the targets", () => {
    const purchases = [
      basket(1, 1, 100, [1, 2]),
      basket(1, 2, 300, [2, 3]), // last: 3 is new, 2 was bought before
      basket(2, 3, 100, [1]), // one purchase: not eligible
      basket(3, 4, 100, [5]),
      basket(3, 5, 100, [5]), // same time, higher id is last; nothing new: not eligible
    ];
    const split = holdOut(purchases, { protocol: 'LAST_PURCHASE', seed: 1 });
    expect(split.eligible).toBe(1);
    expect(split.cases).toEqual([{ customerId: 1, history: [basket(1, 1, 100, [1, 2])], targets: [3], asOf: 300 }]);
    expect(split.training.map((p) => p.purchaseId)).toEqual([1, 3, 4, 5]);
  });

  it('rejects bad options', () => {
    expect(() => holdOut([], { protocol: 'NOPE' as never, seed: 1 })).toThrow(RangeError);
    expect(() => holdOut([], { protocol: 'LEAVE_ONE_OUT', seed: 1, maxCases: 0 })).toThrow(RangeError);
    expect(() => holdOut([], { protocol: 'LEAVE_ONE_OUT', seed: 1, minBasketItems: 1 })).toThrow(RangeError);
  });
});
