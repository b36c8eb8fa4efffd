import { explainSegments, readableThreshold } from './explain';

describe('readableThreshold', () => {
  it('takes the roundest number that splits the fitted rows alike, nearest the split', () => {
    expect(readableThreshold(39, 40, 39.5)).toBe(40);
    expect(readableThreshold(15, 137, 76)).toBe(100);
    expect(readableThreshold(2, 8, 5)).toBe(5);
    expect(readableThreshold(2.07, 2.15, 2.11)).toBe(2.1);
    expect(readableThreshold(-12, -3, -7.5)).toBe(-10);
    expect(readableThreshold(-1, 1, 0)).toBe(0);
  });

  it('keeps at most 3 significant digits when the gap is narrower', () => {
    expect(readableThreshold(52341.2, 52341.3, 52341.25)).toBe(52300);
    expect(readableThreshold(0.012341, 0.012342, 0.0123415)).toBe(0.0123);
  });
});

describe('explainSegments', () => {
  it('turns a one-feature tree into ranges, merging bounds on the same feature', () => {
    const rows = [[1], [2], [3], [10], [11], [12], [20], [21], [22]];
    const labels = [0, 0, 0, 1, 1, 1, 2, 2, 2];
    const { bySegment, accuracy, trainingRows } = explainSegments(rows, labels, ['income']);
    expect(bySegment).toEqual([['income < 10'], ['10 <= income < 20'], ['income >= 20']]);
    expect(accuracy).toBe(1);
    expect(trainingRows).toBe(9);
  });

  it('joins conditions on two features with "and", thresholds with thousands separators', () => {
    // quadrants: income 20,000s vs 80,000s (split 51,000 -> 50,000) x visits 1-3 vs 8-10 (split 5.5 -> 6)
    const rows: number[][] = [];
    const labels: number[] = [];
    [20000, 21000, 22000, 80000, 81000, 82000].forEach((income, i) =>
      [1, 2, 3, 8, 9, 10].forEach((visits, j) => {
        rows.push([income, visits]);
        labels.push((i < 3 ? 0 : 2) + (j < 3 ? 0 : 1));
      }),
    );
    const { bySegment, accuracy } = explainSegments(rows, labels, ['annualIncome', 'visits']);
    expect(bySegment).toEqual([
      ['annualIncome < 50,000 and visits < 6'],
      ['annualIncome < 50,000 and visits >= 6'],
      ['annualIncome >= 50,000 and visits < 6'],
      ['annualIncome >= 50,000 and visits >= 6'],
    ]);
    expect(accuracy).toBe(1);
  });

  it('fits on a deterministic per-segment sample above sampleSize, and scores all rows', () => {
    const rows: number[][] = [];
    const labels: number[] = [];
    for (let i = 0; i < 3000; i++) {
      const segment = i % 3 === 0 ? 0 : 1; // 1,000 vs 2,000 rows
      rows.push([segment === 0 ? 100 + (i % 50) : 300 + (i % 70)]);
      labels.push(segment);
    }
    const first = explainSegments(rows, labels, ['spend'], { sampleSize: 300 });
    expect(first.trainingRows).toBe(300);
    expect(first.bySegment).toEqual([['spend < 200'], ['spend >= 200']]);
    expect(first.accuracy).toBe(1);
    expect(explainSegments(rows, labels, ['spend'], { sampleSize: 300 })).toEqual(first);
  });

  it('reports an imperfect tree honestly: accuracy counts the rows its rules misplace', () => {
    // row 4 (value 4) belongs to segment 1 but sits among segment 0; a depth-1 tree cannot isolate it
    const rows = [[1], [2], [3], [4], [5], [10], [11], [12], [13]];
    const labels = [0, 0, 0, 1, 0, 1, 1, 1, 1];
    const { bySegment, accuracy } = explainSegments(rows, labels, ['x'], { maxDepth: 1 });
    expect(bySegment).toEqual([['x < 10'], ['x >= 10']]);
    expect(accuracy).toBeCloseTo(8 / 9, 12);
  });

  it('says "all customers" when there is one segment', () => {
    expect(explainSegments([[1], [2], [3], [4]], [0, 0, 0, 0], ['x'])).toEqual({
      bySegment: [['all customers']],
      accuracy: 1,
      trainingRows: 4,
    });
  });

  it('rejects mismatched input', () => {
    expect(() => explainSegments([[1], [2]], [0], ['x'])).toThrow(RangeError);
    expect(() => explainSegments([[1], [2]], [0, 1], ['x', 'y'])).toThrow(RangeError);
    expect(() => explainSegments([[1], [2]], [0, -1], ['x'])).toThrow(RangeError);
    expect(() => explainSegments([[1], [2]], [0, 0.5], ['x'])).toThrow(RangeError);
    expect(() => explainSegments([[1], [2]], [0, 1], ['x'], { maxDepth: 0 })).toThrow(RangeError);
    expect(() => explainSegments([[1], [Number.NaN]], [0, 1], ['x'])).toThrow(TypeError);
  });
});
