import { readFileSync } from 'fs';
import { join } from 'path';

import { assignSegment, segmentCustomers } from './segments';

function mallCustomers(): { age: number; income: number; score: number }[] {
  const csv = readFileSync(join(__dirname, '../../../../test/fixtures/datasets/mall_customers.csv'), 'utf8');
  return csv
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => {
      const [, , age, income, score] = line.split(',').map(Number);
      return { age, income, score };
    });
}

describe('segmentCustomers', () => {
  it('clusters on z-scores by default, so a feature in large units does not dominate', () => {
    // tenure splits the rows into two tight groups; spend spreads evenly within both.
    // Unscaled, spend's range (1,000) dwarfs tenure's (10): k-means splits on spend.
    const rows = [
      [0, 0],
      [0, 500],
      [0, 1000],
      [10, 0],
      [10, 500],
      [10, 1000],
    ];
    const scaled = segmentCustomers(rows, ['tenure', 'spend'], { k: 2, seed: 1 });
    expect(scaled.labels).toEqual([0, 0, 0, 1, 1, 1]);
    expect(scaled.standardized).toBe(true);
    // z-space inertia: spend's z-scores -1.2247, 0, 1.2247 in both groups -> 2 x 3 = 6
    expect(scaled.inertia).toBeCloseTo(6, 12);
    const unscaled = segmentCustomers(rows, ['tenure', 'spend'], { k: 2, seed: 1, standardize: false });
    expect(unscaled.labels[0]).toBe(unscaled.labels[3]);
    expect(unscaled.labels[2]).toBe(unscaled.labels[5]);
    expect(unscaled.labels[0]).not.toBe(unscaled.labels[2]);
  });

  it('numbers segments by size, ties by centre, with centres in original units', () => {
    const rows = [[5], [5], [0], [0], [9], [9], [9]];
    const result = segmentCustomers(rows, ['visits'], { k: 3, seed: 4 });
    expect(result.segments.map((s) => [s.id, s.size, s.centroid[0].value])).toEqual([
      [0, 3, 9],
      [1, 2, 0],
      [2, 2, 5],
    ]);
    expect(result.labels).toEqual([2, 2, 1, 1, 0, 0, 0]);
    expect(result.segments[0].share).toBeCloseTo(3 / 7, 12);
    expect(result.segments[0].centroid).toEqual([{ feature: 'visits', value: 9 }]);
  });

  it('labels segments from centre z-scores, unique within the fit', () => {
    // 0 x 20, 10 x 5, 12 x 5: mean 3.667, std 5.217 -> z -0.70, 1.21, 1.60
    const rows = [...Array(20).fill([0]), ...Array(5).fill([10]), ...Array(5).fill([12])];
    const result = segmentCustomers(rows, ['annualIncome'], { k: 3, seed: 0 });
    expect(result.segments.map((s) => s.label)).toEqual([
      'Low annual income',
      'High annual income',
      'Very high annual income',
    ]);
    // 0 x 30, 8 x 5, 9 x 5: z -0.58, 1.59, 1.86 -> both "very high": numbered
    const close = [...Array(30).fill([0]), ...Array(5).fill([8]), ...Array(5).fill([9])];
    expect(segmentCustomers(close, ['Annual_Income'], { k: 3, seed: 0 }).segments.map((s) => s.label)).toEqual([
      'Low annual income',
      'Very high annual income',
      'Very high annual income (2)',
    ]);
  });

  it('reproduces the published Mall customers segments, explained by readable rules', () => {
    const mall = mallCustomers();
    const rows = mall.map(({ income, score }) => [income, score]);
    const result = segmentCustomers(rows, ['Annual_Income', 'Spending_Score'], { k: 5, seed: 0, standardize: false });
    // datasets/README.md: 22, 23, 35, 39 and 81 customers, inertia 44,448.46 (scikit-learn)
    expect(result.segments.map((s) => s.size)).toEqual([81, 39, 35, 23, 22]);
    expect(Math.abs(result.inertia / 44448.46 - 1)).toBeLessThan(0.005);
    // the five textbook groups (mean income 60.6 k$, sd 26.2; mean score 50.2, sd 25.8)
    expect(result.segments.map((s) => s.label)).toEqual([
      'Average annual income and spending score',
      'High annual income, high spending score',
      'High annual income, low spending score',
      'Low annual income, low spending score',
      'Low annual income, high spending score',
    ]);
    // e.g. "40 <= Annual_Income < 70 and Spending_Score >= 80"
    const term = String.raw`(\d+ <= )?(Annual_Income|Spending_Score) (<|>=) \d+`;
    const condition = new RegExp(`^${term}( and ${term})*$`);
    result.segments.forEach((segment) => {
      const members = rows.filter((_, i) => result.labels[i] === segment.id);
      expect(segment.centroid[0].value).toBeCloseTo(members.reduce((sum, row) => sum + row[0], 0) / members.length, 9);
      expect(segment.centroid[1].value).toBeCloseTo(members.reduce((sum, row) => sum + row[1], 0) / members.length, 9);
      expect(segment.explanation.rules.length).toBeGreaterThan(0);
      for (const rule of segment.explanation.rules) {
        expect(rule).toMatch(condition);
      }
    });
    expect(result.segments[0].explanation.accuracy).toBeGreaterThanOrEqual(0.9);
    expect(result.segments.reduce((sum, s) => sum + s.share, 0)).toBeCloseTo(1, 12);
  });

  it('assigns customers to segments: fitted rows to their own, new ones to the nearest', () => {
    const mall = mallCustomers();
    const rows = mall.map(({ age, income, score }) => [age, income, score]);
    for (const standardize of [true, false]) {
      const result = segmentCustomers(rows, ['age', 'annualIncome', 'spendingScore'], { k: 5, seed: 7, standardize });
      rows.forEach((row, i) => expect(assignSegment(result.model, row)).toBe(result.labels[i]));
      const model = JSON.parse(JSON.stringify(result.model));
      const richSpender = assignSegment(model, [30, 130, 95]);
      const centre = result.segments[richSpender].centroid.map((c) => c.value);
      expect(centre[1]).toBeGreaterThan(70);
      expect(centre[2]).toBeGreaterThan(60);
    }
  });

  it('is deterministic for a seed', () => {
    const rows = mallCustomers().map(({ age, income, score }) => [age, income, score]);
    const options = { k: 4, seed: 12 };
    expect(segmentCustomers(rows, ['age', 'income', 'score'], options)).toEqual(
      segmentCustomers(rows, ['age', 'income', 'score'], options),
    );
  });

  it('rejects bad input with readable errors', () => {
    const rows = [
      [1, 2],
      [3, 4],
      [5, 6],
    ];
    expect(() => segmentCustomers(rows, ['a'], { k: 2, seed: 0 })).toThrow(RangeError);
    expect(() => segmentCustomers(rows, ['a', 'a'], { k: 2, seed: 0 })).toThrow(RangeError);
    expect(() => segmentCustomers(rows, ['a', ''], { k: 2, seed: 0 })).toThrow(TypeError);
    expect(() => segmentCustomers(rows, ['a', 'b'], { k: 4, seed: 0 })).toThrow(RangeError);
    expect(() => segmentCustomers([], ['a', 'b'], { k: 1, seed: 0 })).toThrow(RangeError);
    expect(() => segmentCustomers([[1, Number.NaN]], ['a', 'b'], { k: 1, seed: 0 })).toThrow(TypeError);
    const { model } = segmentCustomers(rows, ['a', 'b'], { k: 2, seed: 0 });
    expect(() => assignSegment(model, [1])).toThrow(new RangeError('row must have 2 values (a, b)'));
    expect(() => assignSegment(model, [1, Number.NaN])).toThrow(TypeError);
  });
});
