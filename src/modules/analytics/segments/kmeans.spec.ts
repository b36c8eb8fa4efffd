import { readFileSync } from 'fs';
import { join } from 'path';

import { kmeans as mlKmeans } from 'ml-kmeans';

import { kmeans } from './kmeans';
import { kmeansPlusPlus } from './kmeanspp';
import { toFlatMatrix } from './matrix';
import { seededRandom } from './random';

const twoGroups = [
  [0, 0],
  [0, 1],
  [1, 0],
  [10, 10],
  [10, 11],
  [11, 10],
];

function mallIncomeAndScore(): number[][] {
  const csv = readFileSync(join(__dirname, '../../../../test/fixtures/datasets/mall_customers.csv'), 'utf8');
  return csv
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.split(',').slice(3).map(Number));
}

/** Three-feature blobs that overlap, so Lloyd needs many iterations. */
function blobs(n: number, seed: number): number[][] {
  const random = seededRandom(seed);
  const centres = [
    [0, 0, 0],
    [2, 1, 0],
    [1, 3, 1],
    [-1, 2, 2],
  ];
  return Array.from({ length: n }, (_, i) => centres[i % centres.length].map((value) => value + 3 * (random() - 0.5)));
}

function inertiaOf(rows: number[][], labels: ArrayLike<number>, centroids: number[][]): number {
  return rows.reduce((sum, row, i) => sum + row.reduce((s, v, j) => s + (v - centroids[labels[i]][j]) ** 2, 0), 0);
}

describe('kmeans', () => {
  it('separates two obvious groups, with their means as centroids and inertia 8/3', () => {
    // each group: mean (1/3, 1/3); squared distances 2/9 + 5/9 + 5/9 = 4/3
    const result = kmeans(twoGroups, { k: 2, seed: 1 });
    const labels = Array.from(result.labels);
    expect(new Set(labels.slice(0, 3)).size).toBe(1);
    expect(new Set(labels.slice(3)).size).toBe(1);
    expect(labels[0]).not.toBe(labels[3]);
    expect(result.centroids[labels[0]][0]).toBeCloseTo(1 / 3, 12);
    expect(result.centroids[labels[3]][1]).toBeCloseTo(31 / 3, 12);
    expect(result.inertia).toBeCloseTo(8 / 3, 12);
    expect(result.converged).toBe(true);
  });

  it('gives every row its own cluster when k = n', () => {
    const result = kmeans(twoGroups, { k: 6, seed: 3 });
    expect(new Set(result.labels).size).toBe(6);
    expect(result.inertia).toBe(0);
  });

  it('is deterministic for a seed and keeps the best of its restarts', () => {
    const rows = blobs(400, 5);
    const first = kmeans(rows, { k: 4, seed: 100, restarts: 6 });
    const again = kmeans(rows, { k: 4, seed: 100, restarts: 6 });
    expect(again).toEqual(first);
    const singles = [0, 1, 2, 3, 4, 5].map((r) => kmeans(rows, { k: 4, seed: 100 + r, restarts: 1 }));
    const best = Math.min(...singles.map((run) => run.inertia));
    expect(first.inertia).toBe(best);
    expect(singles[first.seedUsed - 100].inertia).toBe(best);
    expect(first.inertia).toBeCloseTo(inertiaOf(rows, first.labels, first.centroids), 9);
  });

  it('reaches the same labels and inertia as ml-kmeans from the same k-means++ start', () => {
    const cases: [number[][], number][] = [
      [blobs(3000, 11), 4],
      [blobs(3000, 12), 7],
      [mallIncomeAndScore(), 5],
    ];
    for (const [rows, k] of cases) {
      for (let seed = 0; seed < 4; seed++) {
        const start = kmeansPlusPlus(toFlatMatrix(rows), k, seededRandom(seed));
        const d = rows[0].length;
        const initialization = Array.from({ length: k }, (_, c) => Array.from(start.subarray(c * d, (c + 1) * d)));
        const reference = mlKmeans(rows, k, { initialization, tolerance: 0, maxIterations: 1000 });
        expect(reference.iterations).toBeGreaterThan(3);
        const ours = kmeans(rows, { k, seed, restarts: 1, tolerance: 0, maxIterations: 1000 });
        expect(Array.from(ours.labels)).toEqual(reference.clusters);
        expect(ours.inertia).toBeCloseTo(inertiaOf(rows, reference.clusters, reference.centroids), 8);
      }
    }
  });

  it('finds the published Mall customers clusters on unscaled income and spending score', () => {
    // datasets/README.md: sizes 22, 23, 35, 39, 81 and inertia 44,448.46 (scikit-learn, n_init 10)
    const result = kmeans(mallIncomeAndScore(), { k: 5, seed: 0 });
    const sizes = [0, 1, 2, 3, 4].map((c) => result.labels.filter((label) => label === c).length);
    expect(sizes.sort((a, b) => a - b)).toEqual([22, 23, 35, 39, 81]);
    expect(Math.abs(result.inertia / 44448.46 - 1)).toBeLessThan(0.005);
  });

  it('rejects bad input with readable errors', () => {
    expect(() => kmeans(twoGroups, { k: 7, seed: 0 })).toThrow(new RangeError('k = 7 exceeds the number of rows (6)'));
    expect(() => kmeans(twoGroups, { k: 7, seed: 0 })).toThrow(RangeError);
    expect(() => kmeans([], { k: 1, seed: 0 })).toThrow(RangeError);
    expect(() => kmeans([[1, 2], [Number.NaN, 3]], { k: 1, seed: 0 })).toThrow(TypeError);
    expect(() => kmeans(twoGroups, { k: 0, seed: 0 })).toThrow(RangeError);
    expect(() => kmeans(twoGroups, { k: 1.5, seed: 0 })).toThrow(RangeError);
    expect(() => kmeans(twoGroups, { k: 2, seed: 0.5 })).toThrow(TypeError);
    expect(() => kmeans(twoGroups, { k: 2, seed: 0, restarts: 0 })).toThrow(RangeError);
    expect(() => kmeans(twoGroups, { k: 2, seed: 0, maxIterations: 0 })).toThrow(RangeError);
    expect(() => kmeans(twoGroups, { k: 2, seed: 0, tolerance: -1 })).toThrow(RangeError);
    expect(() => kmeans([[1], [1], [1]], { k: 2, seed: 0 })).toThrow(RangeError);
  });
});
