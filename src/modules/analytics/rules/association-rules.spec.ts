import { readFileSync } from 'fs';
import { join } from 'path';
import { AssociationRule, encodeBaskets, mineAssociationRules, RuleMiningOptions } from './association-rules';

// Items: 0 bread, 1 milk, 2 butter, 3 beer, 4 eggs (never bought). Basket 2 lists butter twice, basket 5 is empty.
const BASKETS = [[0, 1, 2], [0, 1], [0, 2, 2], [1, 3], [0, 1, 2], []];
const ITEM_COUNT = 5;
// 6 * 0.3 = 1.8, so an itemset needs 2 baskets. Counts by hand: {0} 4, {1} 4, {2} 3, {3} 1,
// {0,1} 3, {0,2} 3, {1,2} 2, {0,1,2} 2: seven frequent itemsets.
const ALL = { minSupport: 0.3, minConfidence: 0 };

type Shape = [number[], number, number];
const shape = (rule: AssociationRule): Shape => [rule.antecedent, rule.consequent[0], rule.count];

describe('mineAssociationRules on a hand-computed fixture', () => {
  it('counts transactions, frequent itemsets and every rule with a non-empty antecedent', () => {
    const result = mineAssociationRules(BASKETS, ITEM_COUNT, ALL);
    expect(result.transactionCount).toBe(6);
    expect(result.itemsetCount).toBe(7);
    // Lift desc, then confidence desc, support desc, antecedent ids asc.
    expect(result.rules.map(shape)).toEqual([
      [[2], 0, 3], // lift 1.5, confidence 1, support 1/2
      [[1, 2], 0, 2], // lift 1.5, confidence 1, support 1/3
      [[0], 2, 3], // lift 1.5, confidence 3/4
      [[0, 1], 2, 2], // lift 4/3
      [[0], 1, 3], // lift 9/8, ties with the next one down to the antecedent
      [[1], 0, 3],
      [[0, 2], 1, 2], // lift 1, confidence 2/3, support 1/3
      [[2], 1, 2], // same figures, antecedent [2] after [0, 2]
      [[1], 2, 2], // lift 1, confidence 1/2
    ]);
  });

  it('computes support, confidence, lift, leverage and conviction', () => {
    const rules = mineAssociationRules(BASKETS, ITEM_COUNT, ALL).rules;
    const [butterToBread, milkButterToBread, breadToButter, breadMilkToButter, breadToMilk] = rules;

    expect(butterToBread.support).toBeCloseTo(1 / 2, 12);
    expect(butterToBread.confidence).toBe(1);
    expect(butterToBread.lift).toBeCloseTo(1.5, 12); // 1 / (4/6)
    expect(butterToBread.leverage).toBeCloseTo(1 / 6, 12); // 1/2 - (3/6)(4/6)
    expect(butterToBread.conviction).toBeNull();

    expect(milkButterToBread.support).toBeCloseTo(1 / 3, 12);
    expect(milkButterToBread.leverage).toBeCloseTo(1 / 9, 12); // 1/3 - (2/6)(4/6)
    expect(milkButterToBread.conviction).toBeNull();

    expect(breadToButter.confidence).toBeCloseTo(0.75, 12);
    expect(breadToButter.lift).toBeCloseTo(1.5, 12); // 0.75 / (3/6)
    expect(breadToButter.conviction).toBeCloseTo(2, 12); // (1 - 3/6) / (1 - 0.75)

    expect(breadMilkToButter.confidence).toBeCloseTo(2 / 3, 12);
    expect(breadMilkToButter.lift).toBeCloseTo(4 / 3, 12);
    expect(breadMilkToButter.leverage).toBeCloseTo(1 / 12, 12); // 1/3 - (3/6)(3/6)
    expect(breadMilkToButter.conviction).toBeCloseTo(1.5, 12); // (1/2) / (1/3)

    expect(breadToMilk.lift).toBeCloseTo(1.125, 12);
    expect(breadToMilk.leverage).toBeCloseTo(1 / 18, 12); // 1/2 - (4/6)(4/6)
    expect(breadToMilk.conviction).toBeCloseTo(4 / 3, 12); // (1/3) / (1/4)

    const independent = rules[rules.length - 1]; // milk => butter
    expect(independent.lift).toBeCloseTo(1, 12);
    expect(independent.leverage).toBeCloseTo(0, 12);
    expect(independent.conviction).toBeCloseTo(1, 12);
  });

  it('keeps rules whose confidence equals minConfidence and drops those below', () => {
    const atTwoThirds = mineAssociationRules(BASKETS, ITEM_COUNT, { minSupport: 0.3, minConfidence: 2 / 3 });
    expect(atTwoThirds.rules).toHaveLength(8); // all but milk => butter (1/2)
    const atSevenTenths = mineAssociationRules(BASKETS, ITEM_COUNT, { minSupport: 0.3, minConfidence: 0.7 });
    expect(atSevenTenths.rules.map(shape)).toEqual([
      [[2], 0, 3],
      [[1, 2], 0, 2],
      [[0], 2, 3],
      [[0], 1, 3],
      [[1], 0, 3],
    ]);
  });

  it('keeps itemsets whose support equals minSupport', () => {
    // 6 * 0.5 = 3 exactly: {0}, {1}, {2}, {0,1}, {0,2} qualify, {1,2} and {0,1,2} (count 2) do not.
    const result = mineAssociationRules(BASKETS, ITEM_COUNT, { minSupport: 0.5, minConfidence: 0 });
    expect(result.itemsetCount).toBe(5);
    expect(result.rules.map(shape)).toEqual([
      [[2], 0, 3],
      [[0], 2, 3],
      [[0], 1, 3],
      [[1], 0, 3],
    ]);
  });

  it('filters by minLift inclusively', () => {
    const rules = mineAssociationRules(BASKETS, ITEM_COUNT, { ...ALL, minLift: 1.5 }).rules;
    expect(rules.map(shape)).toEqual([
      [[2], 0, 3],
      [[1, 2], 0, 2],
      [[0], 2, 3],
    ]);
    expect(mineAssociationRules(BASKETS, ITEM_COUNT, { ...ALL, minLift: 1.2 }).rules).toHaveLength(4);
  });

  it('limits itemsets and rules to maxLength items, consequent included', () => {
    const pairs = mineAssociationRules(BASKETS, ITEM_COUNT, { ...ALL, maxLength: 2 });
    expect(pairs.itemsetCount).toBe(6);
    expect(pairs.rules.map(shape)).toEqual([
      [[2], 0, 3],
      [[0], 2, 3],
      [[0], 1, 3],
      [[1], 0, 3],
      [[2], 1, 2],
      [[1], 2, 2],
    ]);
    const singles = mineAssociationRules(BASKETS, ITEM_COUNT, { ...ALL, maxLength: 1 });
    expect(singles.itemsetCount).toBe(3);
    expect(singles.rules).toEqual([]);
  });

  it('accepts typed arrays and returns an empty result for no baskets', () => {
    const typed = BASKETS.map((basket) => Int32Array.from(basket));
    expect(mineAssociationRules(typed, ITEM_COUNT, ALL)).toEqual(mineAssociationRules(BASKETS, ITEM_COUNT, ALL));
    expect(mineAssociationRules([], ITEM_COUNT, ALL)).toEqual({ transactionCount: 0, itemsetCount: 0, rules: [] });
  });

  it('rejects invalid input with readable errors', () => {
    const mine = (baskets: unknown, itemCount: unknown, options: unknown) => () =>
      mineAssociationRules(baskets as number[][], itemCount as number, options as typeof ALL);
    expect(mine('0,1', 2, ALL)).toThrow(TypeError);
    expect(mine([[0], 7], 2, ALL)).toThrow(new TypeError('baskets[1] must be an array of item ids'));
    expect(mine([[0, 2]], 2, ALL)).toThrow(
      new RangeError('baskets[0][1] must be an integer item id in [0, 2), got 2'),
    );
    expect(mine([[0.5]], 2, ALL)).toThrow(RangeError);
    expect(mine([[-1]], 2, ALL)).toThrow(RangeError);
    expect(mine([[0]], -1, ALL)).toThrow(RangeError);
    expect(mine([[0]], 1.5, ALL)).toThrow(RangeError);
    expect(mine([[0]], 1, undefined)).toThrow(TypeError);
    for (const minSupport of [0, -0.1, 1.5, NaN, '0.1', undefined]) {
      expect(mine([[0]], 1, { minSupport, minConfidence: 0.5 })).toThrow(/minSupport must be a number in \(0, 1\]/);
    }
    for (const minConfidence of [-0.1, 1.1, NaN, undefined]) {
      expect(mine([[0]], 1, { minSupport: 0.5, minConfidence })).toThrow(/minConfidence/);
    }
    for (const minLift of [-1, NaN, Infinity]) {
      expect(mine([[0]], 1, { ...ALL, minLift })).toThrow(/minLift/);
    }
    for (const maxLength of [0, 2.5, NaN]) {
      expect(mine([[0]], 1, { ...ALL, maxLength })).toThrow(/maxLength/);
    }
  });
});

describe('mineAssociationRules against brute force', () => {
  // Counts every subset of every (short) basket, then derives each rule from the definitions.
  function bruteForce(baskets: number[][], minSupport: number, minConfidence: number, maxLength: number) {
    const n = baskets.length;
    const counts = new Map<string, number>();
    for (const basket of baskets) {
      const items = [...new Set(basket)].sort((a, b) => a - b);
      for (let mask = 1; mask < 1 << items.length; mask++) {
        const key = items.filter((_, i) => mask & (1 << i)).join(',');
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
    }
    const frequent = [...counts].filter(([key, count]) => key.split(',').length <= maxLength && count / n >= minSupport);
    const rules: string[] = [];
    for (const [key, count] of frequent) {
      const items = key.split(',');
      for (const head of items) {
        if (items.length < 2) continue;
        const antecedent = items.filter((item) => item !== head).join(',');
        const confidence = count / counts.get(antecedent)!;
        if (confidence >= minConfidence) {
          const lift = confidence / (counts.get(head)! / n);
          rules.push(`${antecedent} => ${head} ${count} ${lift.toFixed(9)}`);
        }
      }
    }
    return { itemsetCount: frequent.length, rules: rules.sort() };
  }

  function lcg(seed: number): () => number {
    return () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  }

  function expectSameAsBruteForce(baskets: number[][], itemCount: number, options: Required<Omit<RuleMiningOptions, 'maxItemsets' | 'maxRules'>>) {
    const expected = bruteForce(baskets, options.minSupport, options.minConfidence, options.maxLength);
    const actual = mineAssociationRules(baskets, itemCount, options);
    expect(actual.itemsetCount).toBe(expected.itemsetCount);
    const rules = actual.rules.map(
      (rule) => `${rule.antecedent} => ${rule.consequent[0]} ${rule.count} ${rule.lift.toFixed(9)}`,
    );
    expect(rules.sort()).toEqual(expected.rules);
    expect(expected.rules.length).toBeGreaterThan(0);
  }

  it('finds the same itemsets and rules on random dense baskets', () => {
    const random = lcg(12345);
    const itemCount = 9;
    for (let trial = 0; trial < 6; trial++) {
      const baskets = Array.from({ length: 40 }, () =>
        [...Array(itemCount).keys()].filter((item) => random() < 0.2 + item * 0.05),
      );
      const options = { minSupport: 0.125, minConfidence: 0.4, minLift: 0, maxLength: 2 + (trial % 4) };
      expectSameAsBruteForce(baskets, itemCount, options);
    }
  });

  it('finds the same itemsets and rules on a wide, sparse catalogue', () => {
    // Hundreds of items in short baskets: the miner sizes its occurrence buckets exactly here.
    const random = lcg(2024);
    const itemCount = 600;
    const baskets = Array.from({ length: 30000 }, () =>
      Array.from({ length: 2 + Math.floor(random() * 4) }, () => Math.floor(itemCount * random() ** 2)),
    );
    expectSameAsBruteForce(baskets, itemCount, { minSupport: 0.0004, minConfidence: 0.05, minLift: 0, maxLength: 10 });
  });
});

describe('mineAssociationRules on Groceries (arules, published)', () => {
  const lines = readFileSync(join(__dirname, '../../../../test/fixtures/datasets/groceries.csv'), 'utf8').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const { ids, names } = encodeBaskets(lines.map((line) => line.split(',')));

  it('reads 9,835 baskets over 169 items', () => {
    expect(ids).toHaveLength(9835);
    expect(names).toHaveLength(169);
  });

  it('finds 13,492 itemsets and 410 rules at support 0.001, confidence 0.8, liquor and wine => beer on top', () => {
    const result = mineAssociationRules(ids, names.length, { minSupport: 0.001, minConfidence: 0.8 });
    expect(result.transactionCount).toBe(9835);
    expect(result.itemsetCount).toBe(13492);
    expect(result.rules).toHaveLength(410);
    const top = result.rules[0];
    expect(top.antecedent.map((id) => names[id]).sort()).toEqual(['liquor', 'red/blush wine']);
    expect(top.consequent.map((id) => names[id])).toEqual(['bottled beer']);
    expect(top.support).toBeCloseTo(0.001932, 6);
    expect(top.confidence).toBeCloseTo(0.904762, 6);
    expect(top.lift).toBeCloseTo(11.235269, 6);
    for (let i = 1; i < result.rules.length; i++) {
      expect(result.rules[i].lift).toBeLessThanOrEqual(result.rules[i - 1].lift);
    }
  });

  it('finds 5,668 rules at support 0.001, confidence 0.5', () => {
    const result = mineAssociationRules(ids, names.length, { minSupport: 0.001, minConfidence: 0.5 });
    expect(result.itemsetCount).toBe(13492);
    expect(result.rules).toHaveLength(5668);
  });
});

describe('encodeBaskets', () => {
  it('numbers names by first appearance and keeps them exactly as written', () => {
    expect(encodeBaskets([['milk', 'cream cheese '], [], ['cream cheese', 'milk', 'milk']])).toEqual({
      ids: [[0, 1], [], [2, 0, 0]],
      names: ['milk', 'cream cheese ', 'cream cheese'],
    });
  });
});
