import { hitRateAtK, popularityHitRateAtK } from './evaluate';
import { buildProductSpace, type BoughtItem } from './recommend';

const DAY = 86_400_000;
const day = (n: number) => Date.UTC(2024, 0, 1) + n * DAY;
const item = (productId: number, at: number, quantity = 1): BoughtItem => ({ productId, quantity, at });

// Two books alike (1, 2), one book less so (3), two garden tools alike (4, 5), seeds (6), cola (7).
const space = buildProductSpace([
  { id: 1, category: 'books', tags: ['scifi', 'novel'], priceCents: 1500 },
  { id: 2, category: 'books', tags: ['scifi', 'novel'], priceCents: 1500 },
  { id: 3, category: 'books', tags: ['classic', 'novel'], priceCents: 1500 },
  { id: 4, category: 'garden', tags: ['tool', 'steel'], priceCents: 2500 },
  { id: 5, category: 'garden', tags: ['tool', 'steel'], priceCents: 2500 },
  { id: 6, category: 'garden', tags: ['seed'], priceCents: 2500 },
  { id: 7, category: 'drinks', tags: ['soda'], priceCents: 200 },
]);

// Everyone drinks cola; customers 1-4 then buy the twin of what they bought first. Customers 5 and 6
// (one purchase day) only make 3 and 6 popular.
const histories = new Map<number, BoughtItem[]>([
  [1, [item(1, day(0)), item(7, day(0)), item(2, day(5))]],
  [2, [item(2, day(0)), item(7, day(0)), item(1, day(6))]],
  [3, [item(4, day(0)), item(7, day(0)), item(5, day(7))]],
  [4, [item(5, day(0)), item(7, day(0)), item(4, day(8))]],
  [5, [item(7, day(1)), item(6, day(1)), item(3, day(1))]],
  [6, [item(6, day(2)), item(3, day(2))]],
  // bought again what they had bought before: nothing new to recommend, not evaluated
  [7, [item(3, day(0)), item(3, day(3))]],
  // the held-out day starts at its first UTC midnight: both items of day 4 are held out
  [8, [item(4, day(0)), item(5, day(4)), item(6, day(4) + 3_600_000)]],
]);

describe('hitRateAtK / popularityHitRateAtK', () => {
  it('lets content-based recommendations beat the most-popular baseline', () => {
    // customer 8: training {4}, targets {5, 6}; 5 is 4's twin
    expect(hitRateAtK(histories, space, 1)).toEqual({ customers: 5, hits: 5, hitRate: 1 });
    // Training quantities: 7 five times, 3 three times, 4 and 6 twice, 1, 2 and 5 once, so the ranking
    // is 7 3 4 6 1 2 5. At k = 1 customers 1-4 get 3 and customer 8 gets 7: no hit.
    expect(popularityHitRateAtK(histories, space, 1)).toEqual({ customers: 5, hits: 0, hitRate: 0 });
  });

  it('counts a hit anywhere in the top k', () => {
    // k = 2: customer 4 (bought 5, 7) gets 3, 4; k = 3: customer 8 (bought 4) gets 7, 3, 6 as well;
    // k = 5: customer 1 gets 3 4 6 2 5, customer 2 3 4 6 1 .., customer 3 3 6 1 2 5: all hit
    expect(popularityHitRateAtK(histories, space, 2)).toEqual({ customers: 5, hits: 1, hitRate: 0.2 });
    expect(popularityHitRateAtK(histories, space, 3)).toEqual({ customers: 5, hits: 2, hitRate: 0.4 });
    expect(popularityHitRateAtK(histories, space, 5)).toEqual({ customers: 5, hits: 5, hitRate: 1 });
  });

  it('reports no rate when no customer can be evaluated', () => {
    const single = new Map([[1, [item(1, day(0)), item(2, day(0) + 1000)]]]);
    expect(hitRateAtK(single, space, 5)).toEqual({ customers: 0, hits: 0, hitRate: null });
    expect(popularityHitRateAtK(single, space, 5)).toEqual({ customers: 0, hits: 0, hitRate: null });
  });

  it('rejects a bad k', () => {
    expect(() => hitRateAtK(histories, space, 0)).toThrow(RangeError);
    expect(() => popularityHitRateAtK(histories, space, 1.5)).toThrow(RangeError);
  });
});
