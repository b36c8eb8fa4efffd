import { fitCollaborative } from './collaborative';
import { COLD_MIN_SCORE, defaultContentWeight, productModel, recommendHybrid } from './hybrid';
import { buildProductSpace, type BoughtItem } from './recommend';

const asOf = Date.UTC(2024, 5, 1);
const NAMES = new Map([
  [10, 'Whole milk'], [20, 'Rolls'], [30, 'Butter'], [40, 'Trail shoe'], [50, 'Road shoe'], [60, 'Trail runner'],
]);
const name = (id: number) => NAMES.get(id) ?? `product ${id}`;
const CATEGORY = new Map([[10, 'dairy'], [20, 'bakery'], [30, 'dairy'], [40, 'shoes'], [50, 'shoes'], [60, 'shoes']]);
// 60 is new in the catalogue: nobody bought it yet, but it is the twin of the trail shoe.
const space = buildProductSpace([
  { id: 10, category: 'dairy', tags: ['milk'], priceCents: 100 },
  { id: 20, category: 'bakery', tags: ['bread'], priceCents: 150 },
  { id: 30, category: 'dairy', tags: ['butter'], priceCents: 200 },
  { id: 40, category: 'shoes', tags: ['running', 'trail'], priceCents: 9000 },
  { id: 50, category: 'shoes', tags: ['running', 'road'], priceCents: 8000 },
  { id: 60, category: 'shoes', tags: ['running', 'trail'], priceCents: 9000 },
]);
// Item indices 0..4 are products 10..50: milk goes with rolls, the shoes with each other.
const productIds = [10, 20, 30, 40, 50];
const customers = [[0, 1], [0, 1], [0, 1, 2], [0], [3, 4], [3, 4], [0]];
const starts = [0];
for (const c of customers) starts.push(starts[starts.length - 1] + c.length);
const model = productModel(
  fitCollaborative({ items: Int32Array.from(customers.flat()), starts: Int32Array.from(starts), itemCount: 5 }, { strategy: 'ITEM_KNN', alpha: 1, shrink: 0 }),
  productIds,
);
const bought = (...ids: number[]): BoughtItem[] => ids.map((productId) => ({ productId, quantity: 1, at: asOf - 86_400_000 }));
const options = { asOf, productName: name, productCategory: (id: number) => CATEGORY.get(id) ?? null };

describe('recommendHybrid', () => {
  it('serves the collaborative model with a reason naming what the customer bought', () => {
    const recs = recommendHybrid(space, model, bought(20), { ...options, limit: 1 });
    // rolls -> milk with P(milk | rolls) = 3/3, the best collaborative score (scaled to 1), plus 0.5 x the content
    // cosine: price breaks 150 200 8000 9000 put milk (1.00) and rolls (1.50) in band 0, the only block they share: 1/3
    expect(recs).toEqual([{ productId: 10, score: 1 + 0.5 / 3, reason: 'Often bought with Rolls, which you bought', becauseOf: 20, boostedBy: null, source: 'COLLABORATIVE' }]);
    expect(recommendHybrid(space, model, bought(20), { ...options, limit: 1, contentWeight: 0 })[0].score).toBe(1);
    expect(recommendHybrid(space, model, bought(20), { ...options, limit: 1, strategy: 'ITEM_KNN' })[0].score).toBe(1);
  });

  it('falls back to content for a product nobody bought yet', () => {
    const recs = recommendHybrid(space, model, bought(40), { ...options, limit: 5 });
    // road shoe from purchases; the new trail runner, identical in content to the trail shoe, from content
    expect(recs.map((r) => [r.productId, r.source])).toEqual([[50, 'COLLABORATIVE'], [60, 'CONTENT'], ...recs.slice(2).map((r) => [r.productId, r.source])]);
    expect(recs[1].reason).toBe('New in shoes, like Trail shoe you bought');
    expect(recs[1].score).toBeGreaterThanOrEqual(COLD_MIN_SCORE);
    expect(recs[1].score).toBeCloseTo(1, 12);
    // a list of one keeps its place for purchase data
    expect(recommendHybrid(space, model, bought(40), { ...options, limit: 1 }).map((r) => r.productId)).toEqual([50]);
    // the same product is invisible to the collaborative model alone
    expect(recommendHybrid(space, model, bought(40), { ...options, limit: 5, strategy: 'ITEM_KNN' }).map((r) => r.productId)).not.toContain(60);
    // and with no model at all (no purchases in the database yet) content still answers
    expect(recommendHybrid(space, null, bought(40), { ...options, limit: 1 })[0]).toMatchObject({ productId: 60, source: 'CONTENT' });
  });

  it('gives a customer without history the most bought products', () => {
    const recs = recommendHybrid(space, model, [], { ...options, limit: 2 });
    expect(recs).toEqual([
      { productId: 10, score: 5 / 7, reason: 'Popular: bought by 5 customers', becauseOf: null, boostedBy: null, source: 'POPULARITY' },
      { productId: 20, score: 3 / 7, reason: 'Popular: bought by 3 customers', becauseOf: null, boostedBy: null, source: 'POPULARITY' },
    ]);
  });

  it('fills a short collaborative list with content, then popularity, never repeating a product', () => {
    const recs = recommendHybrid(space, model, bought(30), { ...options, limit: 5 });
    const ids = recs.map((r) => r.productId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).not.toContain(30);
    expect(recs[0]).toMatchObject({ source: 'COLLABORATIVE', reason: 'Often bought with Butter, which you bought' });
    // the new trail runner is like nothing this customer bought and popular with nobody: not shown
    expect([...ids].sort()).toEqual([10, 20, 40, 50]);
    expect(recs.slice(2).every((r) => r.source !== 'COLLABORATIVE')).toBe(true);
  });

  it('serves one strategy alone on request', () => {
    expect(recommendHybrid(space, model, bought(40), { ...options, limit: 3, strategy: 'POPULARITY' }).map((r) => r.productId)).toEqual([10, 20, 50]);
    expect(recommendHybrid(space, model, bought(40), { ...options, limit: 2, strategy: 'CONTENT' }).every((r) => r.source === 'CONTENT')).toBe(true);
    expect(() => recommendHybrid(space, model, [], { ...options, limit: 2, strategy: 'NOPE' as never })).toThrow(RangeError);
  });
});

describe('defaultContentWeight', () => {
  it('is 0.5 up to 100 buyers a product on average and shrinks as 100 / mean buyers beyond', () => {
    // buyers 5 3 1 2 2: mean 2.6
    expect(model.contentWeight).toBe(0.5);
    const many = (buyers: number[]) => defaultContentWeight({ ...model.model, itemCount: buyers.length, buyers: Int32Array.from(buyers) });
    expect(many([100, 100])).toBe(0.5);
    // products nobody bought do not count: mean of 300 and 500 is 400
    expect(many([300, 500, 0])).toBe(0.125);
    expect(many([0, 0])).toBe(0.5);
  });
});
