import { buildProductSpace, productSimilarity, recommendProducts, type BoughtItem, type ProductFeatures } from './recommend';

const DAY = 86_400_000;
const asOf = Date.UTC(2024, 5, 1);

// Prices sorted 1500 1500 3000 8000 9000 9000: quintile breaks are the 2nd, 3rd, 4th and 5th
// (ceil(k * 6 / 5)) smallest, 1500 3000 8000 9000, so bands are socks/block 0, mat 1, road 2, trail 3.
const CATALOGUE: ProductFeatures[] = [
  { id: 1, category: 'shoes', tags: ['running', 'trail'], priceCents: 9000 },
  { id: 2, category: 'shoes', tags: ['running', 'trail'], priceCents: 9000 },
  { id: 3, category: 'shoes', tags: ['running', 'road'], priceCents: 8000 },
  { id: 4, category: 'apparel', tags: ['running'], priceCents: 1500 },
  { id: 5, category: 'fitness', tags: ['yoga'], priceCents: 3000 },
  { id: 6, category: 'fitness', tags: ['yoga'], priceCents: 1500 },
];
const NAMES = new Map([
  [1, 'Trail shoe'],
  [2, 'Trail runner'],
  [3, 'Road shoe'],
  [4, 'Running socks'],
  [5, 'Yoga mat'],
  [6, 'Yoga block'],
]);
const productName = (id: number) => NAMES.get(id) as string;
const space = buildProductSpace(CATALOGUE);

// Smooth idf over 6 products: running is on 4, trail on 2, road on 1.
const idf = (df: number) => Math.log(7 / (1 + df)) + 1;
const RUN = idf(4);
const TRAIL = idf(2);
const ROAD = idf(1);
const trailTagCosRoad = (RUN * RUN) / (Math.hypot(RUN, TRAIL) * Math.hypot(RUN, ROAD));
const trailTagCosSocks = RUN / Math.hypot(RUN, TRAIL);

const bought = (productId: number, daysAgo = 0, quantity = 1): BoughtItem => ({ productId, quantity, at: asOf - daysAgo * DAY });

describe('buildProductSpace', () => {
  it('has category, tag and price-band columns', () => {
    expect(space.columnNames).toEqual([
      'category:apparel', 'category:fitness', 'category:shoes',
      'tag:road', 'tag:running', 'tag:trail', 'tag:yoga',
      'price:0', 'price:1', 'price:2', 'price:3', 'price:4',
    ]);
    expect(space.priceBreaks).toEqual([1500, 3000, 8000, 9000]);
  });

  it('makes every product unit length with the three blocks equally weighted', () => {
    for (const { id } of CATALOGUE) expect(productSimilarity(space, id, id)).toBeCloseTo(1, 12);
    expect(productSimilarity(space, 1, 2)).toBeCloseTo(1, 12);
    expect(productSimilarity(space, 1, 3)).toBeCloseTo((1 + trailTagCosRoad + 0) / 3, 12);
    expect(productSimilarity(space, 1, 4)).toBeCloseTo(trailTagCosSocks / 3, 12);
    expect(productSimilarity(space, 5, 6)).toBeCloseTo(2 / 3, 12); // same category and tag, other band
    expect(productSimilarity(space, 4, 6)).toBeCloseTo(1 / 3, 12); // only the price band
    expect(productSimilarity(space, 1, 5)).toBe(0);
  });

  it('weighs a product without tags over two blocks', () => {
    const untagged = buildProductSpace([
      { id: 1, category: 'a', tags: [], priceCents: 100 },
      { id: 2, category: 'a', tags: ['x'], priceCents: 100 },
    ], { priceBands: 1 });
    expect(untagged.priceBreaks).toEqual([]);
    expect(productSimilarity(untagged, 1, 1)).toBeCloseTo(1, 12);
    expect(productSimilarity(untagged, 1, 2)).toBeCloseTo(2 / Math.sqrt(6), 12);
  });

  it('rejects bad catalogues', () => {
    expect(() => buildProductSpace([...CATALOGUE, CATALOGUE[0]])).toThrow(/appears twice/);
    expect(() => buildProductSpace([{ id: 1.5, category: 'a', tags: [], priceCents: 1 }])).toThrow(TypeError);
    expect(() => buildProductSpace([{ id: 1, category: 'a', tags: [], priceCents: -1 }])).toThrow(RangeError);
    expect(() => buildProductSpace(CATALOGUE, { priceBands: 0 })).toThrow(RangeError);
    expect(() => productSimilarity(space, 1, 99)).toThrow(/product 99/);
  });
});

describe('recommendProducts', () => {
  it('ranks by similarity to the one product bought and leaves out unrelated products', () => {
    const recommendations = recommendProducts(space, [bought(1)], { asOf, productName });
    expect(recommendations.map((r) => r.productId)).toEqual([2, 3, 4]);
    expect(recommendations[0].score).toBeCloseTo(1, 12);
    expect(recommendations[1].score).toBeCloseTo((1 + trailTagCosRoad) / 3, 12);
    expect(recommendations[2].score).toBeCloseTo(trailTagCosSocks / 3, 12);
    expect(recommendations.map((r) => r.reason)).toEqual([
      'Like Trail shoe you bought',
      'Like Trail shoe you bought',
      'Like Trail shoe you bought',
    ]);
    expect(recommendations.every((r) => r.becauseOf === 1 && r.boostedBy === null)).toBe(true);
  });

  it('weights the profile by recency: a purchase two half-lives old counts a quarter', () => {
    const history = [bought(1, 360), bought(5, 0)];
    const recommendations = recommendProducts(space, history, { asOf, productName });
    // profile = 0.25 trail shoe + 1 yoga mat: block 2/3 * 1 beats runner 1 * 0.25
    expect(recommendations.map((r) => r.productId)).toEqual([6, 2, 3, 4]);
    expect(recommendations.map((r) => r.reason)).toEqual([
      'Like Yoga mat you bought',
      'Like Trail shoe you bought',
      'Like Trail shoe you bought',
      'Like Trail shoe you bought',
    ]);
    const norm = Math.hypot(0.25, 1); // the two products are orthogonal
    expect(recommendations[0].score).toBeCloseTo(2 / 3 / norm, 12);
    expect(recommendations[1].score).toBeCloseTo(0.25 / norm, 12);
  });

  it('weights the profile by quantity: four old shoes count as much as one new mat', () => {
    const history = [bought(1, 360, 4), bought(5, 0)];
    expect(recommendProducts(space, history, { asOf }).map((r) => r.productId)).toEqual([2, 6, 3, 4]);
    // one half-life with halfLifeDays 90: 2 x 0.5 = 1, the same weight as the new mat
    const [runner, block] = recommendProducts(space, [bought(1, 90, 2), bought(5, 0)], { asOf, halfLifeDays: 90 });
    expect(runner).toMatchObject({ productId: 2, score: expect.closeTo(1 / Math.SQRT2, 12) });
    expect(block).toMatchObject({ productId: 6, score: expect.closeTo(2 / 3 / Math.SQRT2, 12) });
  });

  it('boosts association-rule consequents and says so when the rule contributes most', () => {
    const coPurchase = new Map([
      [1, [{ productId: 5, lift: 3 }, { productId: 3, lift: 1.1 }, { productId: 6, lift: 0.8 }]],
    ]);
    const recommendations = recommendProducts(space, [bought(1)], { asOf, productName, coPurchase });
    expect(recommendations.map((r) => r.productId)).toEqual([2, 5, 3, 4]);
    expect(recommendations[1]).toEqual({
      productId: 5,
      score: expect.closeTo(1 - 1 / 3, 12),
      reason: 'Often bought with Trail shoe',
      becauseOf: null,
      boostedBy: 1,
    });
    // lift 1.1 adds (1 - cos)(1 - 1/1.1), less than the similarity itself
    const road = (1 + trailTagCosRoad) / 3;
    expect(recommendations[2]).toEqual({
      productId: 3,
      score: expect.closeTo(1 - (1 - road) / 1.1, 12),
      reason: 'Like Trail shoe you bought',
      becauseOf: 1,
      boostedBy: 1,
    });
  });

  it('breaks score ties by product id and honours limit and excludePurchased', () => {
    const all = recommendProducts(space, [bought(1)], { asOf, excludePurchased: false });
    expect(all.map((r) => r.productId)).toEqual([1, 2, 3, 4]);
    expect(all[0].score).toBe(all[1].score);
    expect(recommendProducts(space, [bought(1)], { asOf, excludePurchased: false, limit: 1 })[0].productId).toBe(1);
    expect(recommendProducts(space, [bought(1)], { asOf, limit: 2 }).map((r) => r.productId)).toEqual([2, 3]);
    expect(recommendProducts(space, [bought(1)], { asOf, limit: 0 })).toEqual([]);
  });

  it('names the most similar bought product, preferring the more recent one on a tie', () => {
    const [first] = recommendProducts(space, [bought(2, 30), bought(1, 10)], { asOf, productName, excludePurchased: false });
    expect(first).toMatchObject({ productId: 1, becauseOf: 1 });
    const [runner] = recommendProducts(space, [bought(2, 10), bought(1, 30)], { asOf, productName, excludePurchased: false });
    expect(runner).toMatchObject({ productId: 1, becauseOf: 2, reason: 'Like Trail runner you bought' });
  });

  it('ignores purchases after asOf and products outside the catalogue, and has a default name', () => {
    expect(recommendProducts(space, [], { asOf })).toEqual([]);
    expect(recommendProducts(space, [{ productId: 1, quantity: 1, at: asOf + 1 }], { asOf })).toEqual([]);
    // only the block shares anything with the mat: every other product scores 0 and is left out
    expect(recommendProducts(space, [bought(99), bought(5)], { asOf })).toEqual([
      { productId: 6, score: expect.closeTo(2 / 3, 12), reason: 'Like product 5 you bought', becauseOf: 5, boostedBy: null },
    ]);
  });

  it('rejects bad options and history', () => {
    expect(() => recommendProducts(space, [bought(1)], { asOf: Number.NaN })).toThrow(TypeError);
    expect(() => recommendProducts(space, [bought(1)], { asOf, limit: -1 })).toThrow(RangeError);
    expect(() => recommendProducts(space, [bought(1)], { asOf, halfLifeDays: 0 })).toThrow(RangeError);
    expect(() => recommendProducts(space, [bought(1, 0, 0)], { asOf })).toThrow(/history\[0\]\.quantity/);
    expect(() => recommendProducts(space, [{ productId: 1, quantity: 1, at: Number.NaN }], { asOf })).toThrow(TypeError);
    const badLift = new Map([[1, [{ productId: 2, lift: Number.NaN }]]]);
    expect(() => recommendProducts(space, [bought(1)], { asOf, coPurchase: badLift })).toThrow(/lift/);
  });
});
