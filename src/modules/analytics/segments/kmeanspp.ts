import type { FlatMatrix } from './matrix';

/**
 * Greedy k-means++ seeding (Arthur & Vassilvitskii 2007, with scikit-learn's local trials): the
 * first centre is a uniformly drawn row; each next one is the best of `2 + floor(ln k)` rows drawn
 * with probability proportional to their squared distance to the nearest centre so far, "best"
 * meaning the lowest total squared distance once it is added.
 * Written on Float64Arrays because ml-kmeans 6's version (ml-matrix rows) takes ~0.28 s per
 * 100,000 x 3 start, more than its Lloyd iterations (see kmeans.measure.ts).
 * @param matrix - the rows to cluster
 * @param k - number of centres, 1 <= k <= rows
 * @param random - uniform generator in [0, 1), e.g. seededRandom(seed)
 * @returns the k centres, row-major (k x columns)
 */
export function kmeansPlusPlus(matrix: FlatMatrix, k: number, random: () => number): Float64Array {
  const { data, rows: n, columns: d } = matrix;
  if (!Number.isInteger(k) || k < 1 || k > n) {
    throw new RangeError(`k must be an integer between 1 and the number of rows (${n}), got ${k}`);
  }
  const centres = new Float64Array(k * d);
  const trials = 2 + Math.floor(Math.log(k));
  let closest = new Float64Array(n);
  let candidate = new Float64Array(n);
  let bestCandidate = new Float64Array(n);
  const cumulative = new Float64Array(n);

  const first = Math.min(n - 1, Math.floor(random() * n));
  copyRow(data, first, d, centres, 0);
  distancesTo(matrix, first, null, closest);

  for (let c = 1; c < k; c++) {
    let potential = 0;
    for (let i = 0; i < n; i++) {
      potential += closest[i];
      cumulative[i] = potential;
    }
    if (!(potential > 0)) {
      throw new RangeError(`k = ${k} exceeds the number of distinct rows (${c})`);
    }
    let bestRow = -1;
    let bestPotential = Infinity;
    for (let t = 0; t < trials; t++) {
      const row = drawWeighted(cumulative, random() * potential);
      const trialPotential = distancesTo(matrix, row, closest, candidate);
      if (trialPotential < bestPotential) {
        bestPotential = trialPotential;
        bestRow = row;
        [bestCandidate, candidate] = [candidate, bestCandidate];
      }
    }
    copyRow(data, bestRow, d, centres, c * d);
    [closest, bestCandidate] = [bestCandidate, closest];
  }
  return centres;
}

/** First index whose cumulative weight exceeds `target`, so zero-weight rows are never drawn. */
function drawWeighted(cumulative: Float64Array, target: number): number {
  let low = 0;
  let high = cumulative.length - 1;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (cumulative[middle] > target) high = middle;
    else low = middle + 1;
  }
  return low;
}

/** Squared distance of every row to row `centre`, capped by `cap` when given; returns their sum. */
function distancesTo(matrix: FlatMatrix, centre: number, cap: Float64Array | null, out: Float64Array): number {
  const { data, rows: n, columns: d } = matrix;
  const point = data.slice(centre * d, (centre + 1) * d);
  let total = 0;
  for (let i = 0, offset = 0; i < n; i++, offset += d) {
    let distance = 0;
    for (let j = 0; j < d; j++) {
      const difference = data[offset + j] - point[j];
      distance += difference * difference;
    }
    // a select rather than an if: which one is smaller is unpredictable, and a branch costs ~40% here
    const capped = cap !== null && cap[i] < distance ? cap[i] : distance;
    out[i] = capped;
    total += capped;
  }
  return total;
}

function copyRow(source: Float64Array, row: number, d: number, target: Float64Array, offset: number): void {
  for (let j = 0; j < d; j++) target[offset + j] = source[row * d + j];
}
