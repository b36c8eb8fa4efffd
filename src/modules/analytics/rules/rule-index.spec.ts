import { RuleIndex } from './rule-index';

const rule = (a: number[], c: number, confidence: number, lift: number, support = 0.1) => ({ a, c: [c], confidence, lift, support });
const index = new RuleIndex([
  rule([1], 2, 0.5, 2),
  rule([1, 3], 4, 0.9, 5),
  rule([3], 4, 0.6, 3),
  rule([5], 1, 0.4, 1.5),
  rule([1], 4, 0.3, 1.2),
]);

describe('RuleIndex', () => {
  test('matched: rules wholly inside the basket, strongest lift first', () => {
    expect(index.matched(new Set([1, 2, 3, 4]), 10).map((r) => [r.a, r.c[0]])).toEqual([[[1, 3], 4], [[3], 4], [[1], 2], [[1], 4]]);
    expect(index.matched(new Set([1]), 10)).toEqual([]);
  });

  test('crossSell: the most confident rule per missing product whose antecedent the basket holds', () => {
    const offers = index.crossSell(new Set([1, 3]), 10);
    expect(offers.map((o) => [o.productId, o.rule.confidence])).toEqual([[4, 0.9], [2, 0.5]]);
    expect(index.crossSell(new Set([1, 2, 3, 4]), 10)).toEqual([]);
    expect(index.crossSell(new Set([1, 3]), 1)).toHaveLength(1);
    // {1, 3} => 4 needs both: with 1 alone, only the weaker single-item rules fire.
    expect(index.crossSell(new Set([1]), 10).map((o) => [o.productId, o.rule.confidence])).toEqual([[2, 0.5], [4, 0.3]]);
  });

  test('boughtWith: single-item antecedent rules of the product', () => {
    expect(index.boughtWith(1, 10).map((r) => r.c[0])).toEqual([2, 4]);
    expect(index.boughtWith(3, 10).map((r) => r.c[0])).toEqual([4]);
    expect(index.boughtWith(9, 10)).toEqual([]);
  });
});
