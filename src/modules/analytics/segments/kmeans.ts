import { kmeansPlusPlus } from './kmeanspp';
import { toFlatMatrix } from './matrix';
import type { FlatMatrix } from './matrix';
import { seededRandom } from './random';

export interface KMeansOptions {
  /** Number of clusters, 1 <= k <= number of rows. */
  k: number;
  /** Seed of the first restart; restart r uses seed + r. */
  seed: number;
  /** Independent k-means++ starts; the lowest inertia wins. Default 10. */
  restarts?: number;
  /** Lloyd iterations per restart. Default 300. */
  maxIterations?: number;
  /**
   * Stop once the summed squared centroid shift of one iteration is at most
   * tolerance x the mean feature variance (scikit-learn's `tol`). Default 1e-4; 0 runs every
   * restart until no row changes cluster.
   */
  tolerance?: number;
}

export interface KMeansResult {
  /** Cluster of each row, 0..k-1, nearest to its centroid. */
  labels: Int32Array;
  centroids: number[][];
  /** Sum of squared distances of the rows to their centroid. */
  inertia: number;
  /** Lloyd iterations of the winning restart. */
  iterations: number;
  /** Seed of the winning restart. */
  seedUsed: number;
  /** False when the winning restart stopped at maxIterations. */
  converged: boolean;
}

interface LloydRun {
  inertia: number;
  iterations: number;
  converged: boolean;
}

/**
 * K-means: k-means++ starts and Lloyd iterations, repeated over seeded restarts, best inertia kept.
 * Lloyd runs here on one Float64Array instead of in ml-kmeans 6: even from our fast starts its
 * per-point nearestVector calls over number[][] (~6 ms per 100,000 x 3 iteration) keep 10 restarts
 * near 1 s (kmeans.measure.ts); kmeans.spec.ts checks both reach the same labels and inertia from
 * the same start. An emptied cluster keeps its previous centroid, as in ml-kmeans.
 * @param rows - one array of feature values per row, all the same length
 */
export function kmeans(rows: ReadonlyArray<ReadonlyArray<number>>, options: KMeansOptions): KMeansResult {
  const { k, seed, restarts = 10, maxIterations = 300, tolerance = 1e-4 } = options;
  const matrix = toFlatMatrix(rows);
  if (!Number.isInteger(k) || k < 1) {
    throw new RangeError(`k must be a positive integer, got ${k}`);
  }
  if (k > matrix.rows) {
    throw new RangeError(`k = ${k} exceeds the number of rows (${matrix.rows})`);
  }
  if (!Number.isInteger(restarts) || restarts < 1) {
    throw new RangeError(`restarts must be a positive integer, got ${restarts}`);
  }
  if (!Number.isSafeInteger(seed) || !Number.isSafeInteger(seed + restarts)) {
    throw new TypeError(`seed must be a safe integer, got ${seed}`);
  }
  if (!Number.isInteger(maxIterations) || maxIterations < 1) {
    throw new RangeError(`maxIterations must be a positive integer, got ${maxIterations}`);
  }
  if (!(tolerance >= 0) || !Number.isFinite(tolerance)) {
    throw new RangeError(`tolerance must be a finite number >= 0, got ${tolerance}`);
  }

  const shiftTolerance = tolerance * meanVariance(matrix);
  let labels = new Int32Array(matrix.rows);
  let bestLabels = new Int32Array(matrix.rows);
  let bestCentroids: Float64Array = new Float64Array(0);
  let best: LloydRun | null = null;
  let seedUsed = seed;
  for (let restart = 0; restart < restarts; restart++) {
    const centroids = kmeansPlusPlus(matrix, k, seededRandom(seed + restart));
    const run = lloyd(matrix, centroids, labels, maxIterations, shiftTolerance);
    if (best === null || run.inertia < best.inertia) {
      best = run;
      bestCentroids = centroids;
      seedUsed = seed + restart;
      [bestLabels, labels] = [labels, bestLabels];
    }
  }
  const run = best as LloydRun;
  const centroidRows: number[][] = [];
  for (let c = 0; c < k; c++) {
    centroidRows.push(Array.from(bestCentroids.subarray(c * matrix.columns, (c + 1) * matrix.columns)));
  }
  return {
    labels: bestLabels,
    centroids: centroidRows,
    inertia: run.inertia,
    iterations: run.iterations,
    seedUsed,
    converged: run.converged,
  };
}

/**
 * Lloyd iterations from `centroids` (updated in place), leaving `labels` nearest to them.
 * Hamerly's bounds (2010) skip every distance that cannot change a label: per row an upper bound
 * on the distance to its own centroid and a lower bound on the distance to any other, moved by how
 * far the centroids moved. Same labels as plain Lloyd (up to rounding), a small fraction of its
 * distances. Per-cluster sums follow the rows that move instead of being recomputed each iteration.
 */
function lloyd(
  matrix: FlatMatrix,
  centroids: Float64Array,
  labels: Int32Array,
  maxIterations: number,
  shiftTolerance: number,
): LloydRun {
  const { rows: n } = matrix;
  const k = centroids.length / matrix.columns;
  const upper = new Float64Array(n);
  const lower = new Float64Array(n);
  const moves = new Float64Array(k);
  const halfGaps = new Float64Array(k);
  const sums = new Float64Array(centroids.length);
  const counts = new Int32Array(k);
  for (let i = 0; i < n; i++) scanAll(matrix, centroids, k, i, labels, upper, lower);
  sumByCluster(matrix, labels, sums, counts);
  let iterations = 0;
  while (iterations < maxIterations) {
    const shift = moveCentroids(centroids, sums, counts, moves);
    iterations++;
    const changed = reassign(matrix, centroids, labels, upper, lower, moves, halfGaps, sums, counts);
    if (changed === 0 || shift <= shiftTolerance) {
      return { inertia: inertia(matrix, centroids, labels), iterations, converged: true };
    }
  }
  return { inertia: inertia(matrix, centroids, labels), iterations, converged: false };
}

/**
 * One Hamerly pass after the centroids moved by `moves`: a row's own centroid may now be farther by
 * its move, any other nearer by the largest other move; rows whose bounds still leave no doubt
 * keep their label. Returns how many rows changed cluster.
 */
function reassign(
  matrix: FlatMatrix,
  centroids: Float64Array,
  labels: Int32Array,
  upper: Float64Array,
  lower: Float64Array,
  moves: Float64Array,
  halfGaps: Float64Array,
  sums: Float64Array,
  counts: Int32Array,
): number {
  const { data, rows: n, columns: d } = matrix;
  const k = counts.length;
  let largest = 0;
  let largestAt = -1;
  let secondLargest = 0;
  for (let c = 0; c < k; c++) {
    if (moves[c] > largest) {
      secondLargest = largest;
      largest = moves[c];
      largestAt = c;
    } else if (moves[c] > secondLargest) {
      secondLargest = moves[c];
    }
  }
  for (let c = 0; c < k; c++) {
    let nearest = Infinity;
    for (let other = 0; other < k; other++) {
      if (other !== c) nearest = Math.min(nearest, squaredDistance(centroids, c * d, centroids, other * d, d));
    }
    halfGaps[c] = Math.sqrt(nearest) / 2;
  }
  let changed = 0;
  for (let i = 0; i < n; i++) {
    const own = labels[i];
    upper[i] += moves[own];
    lower[i] -= own === largestAt ? secondLargest : largest;
    const bound = Math.max(halfGaps[own], lower[i]);
    if (upper[i] <= bound) continue;
    upper[i] = Math.sqrt(squaredDistance(data, i * d, centroids, own * d, d));
    if (upper[i] <= bound) continue;
    scanAll(matrix, centroids, k, i, labels, upper, lower);
    const now = labels[i];
    if (now !== own) {
      changed++;
      counts[own]--;
      counts[now]++;
      for (let j = 0; j < d; j++) {
        sums[own * d + j] -= data[i * d + j];
        sums[now * d + j] += data[i * d + j];
      }
    }
  }
  return changed;
}

/** Exact nearest and second-nearest centroid of row i (first one on ties, as ml-kmeans). */
function scanAll(
  matrix: FlatMatrix,
  centroids: Float64Array,
  k: number,
  i: number,
  labels: Int32Array,
  upper: Float64Array,
  lower: Float64Array,
): void {
  const { data, columns: d } = matrix;
  let nearest = 0;
  let first = Infinity;
  let second = Infinity;
  for (let c = 0; c < k; c++) {
    const distance = squaredDistance(data, i * d, centroids, c * d, d);
    if (distance < first) {
      second = first;
      first = distance;
      nearest = c;
    } else if (distance < second) {
      second = distance;
    }
  }
  labels[i] = nearest;
  upper[i] = Math.sqrt(first);
  lower[i] = Math.sqrt(second);
}

/** Moves each centroid to the mean of its rows; records each move and returns the summed squared shift. */
function moveCentroids(centroids: Float64Array, sums: Float64Array, counts: Int32Array, moves: Float64Array): number {
  const k = counts.length;
  const d = centroids.length / k;
  let shift = 0;
  for (let c = 0; c < k; c++) {
    let moved = 0;
    if (counts[c] > 0) {
      for (let j = 0, at = c * d; j < d; j++, at++) {
        const mean = sums[at] / counts[c];
        moved += (mean - centroids[at]) * (mean - centroids[at]);
        centroids[at] = mean;
      }
    }
    moves[c] = Math.sqrt(moved);
    shift += moved;
  }
  return shift;
}

function sumByCluster(matrix: FlatMatrix, labels: Int32Array, sums: Float64Array, counts: Int32Array): void {
  const { data, rows: n, columns: d } = matrix;
  sums.fill(0);
  counts.fill(0);
  for (let i = 0, offset = 0; i < n; i++, offset += d) {
    const target = labels[i] * d;
    counts[labels[i]]++;
    for (let j = 0; j < d; j++) sums[target + j] += data[offset + j];
  }
}

function inertia(matrix: FlatMatrix, centroids: Float64Array, labels: Int32Array): number {
  const { data, rows: n, columns: d } = matrix;
  let total = 0;
  for (let i = 0; i < n; i++) total += squaredDistance(data, i * d, centroids, labels[i] * d, d);
  return total;
}

function squaredDistance(a: Float64Array, aOffset: number, b: Float64Array, bOffset: number, d: number): number {
  let distance = 0;
  for (let j = 0; j < d; j++) {
    const difference = a[aOffset + j] - b[bOffset + j];
    distance += difference * difference;
  }
  return distance;
}

function meanVariance(matrix: FlatMatrix): number {
  const { data, rows: n, columns: d } = matrix;
  let total = 0;
  for (let j = 0; j < d; j++) {
    let mean = 0;
    for (let i = 0; i < n; i++) mean += data[i * d + j];
    mean /= n;
    let variance = 0;
    for (let i = 0; i < n; i++) variance += (data[i * d + j] - mean) * (data[i * d + j] - mean);
    total += variance / n;
  }
  return total / d;
}
