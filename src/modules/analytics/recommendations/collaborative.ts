import { deflateRawSync, inflateRawSync } from 'node:zlib';

/**
 * Collaborative filtering learned from purchase histories (implicit feedback: who bought what, not how much).
 *
 * Input: one row per customer, the distinct items (dense indices 0 .. itemCount - 1) they bought, back to
 * back in `items` with row r at items[starts[r] .. starts[r + 1]).
 *
 * Two item-item models, both stored the same bounded way: for every item i its `neighbours` top-k targets j
 * with a weight w(i, j), so that a customer who bought items S gets score(j) = sum over i in S of w(i, j).
 * Memory is O(items x neighbours) whatever the catalogue; the dense work of EASE is capped by
 * EASE_MAX_ITEMS (above it fitCollaborative falls back to item-kNN).
 *
 * - EASE (Steck 2019, "Embarrassingly Shallow Autoencoders"): B = argmin ||X - XB||^2 + lambda ||B||^2 with
 *   diag(B) = 0, closed form P = (X'X + lambda I)^-1, B_ij = -P_ij / P_jj. O(n^3) in the item count.
 * - ITEM_KNN: asymmetric cosine with shrinkage, w(i, j) = c_ij / (n_i^alpha n_j^(1 - alpha) + shrink),
 *   c_ij customers who bought both, n_i customers who bought i; alpha = 0.5 is the cosine, alpha = 1 the
 *   conditional probability P(j | i). O(sum of squared row lengths), sparse.
 */
export type CollaborativeStrategy = 'EASE' | 'ITEM_KNN';

/** Dense EASE needs an items x items matrix (8 n^2 bytes) and n^3 / 3 flops: 1,500 items ~ 18 MB, ~1 s. */
export const EASE_MAX_ITEMS = 1500;

export interface InteractionRows {
  items: Int32Array;
  starts: Int32Array;
  itemCount: number;
}

export interface CollaborativeOptions {
  strategy?: CollaborativeStrategy;
  /** Neighbours kept per item (top weights). Default 50. */
  neighbours?: number;
  /** EASE ridge; default 100 (chosen on Groceries, see docs/analytics.md). */
  lambda?: number;
  /** ITEM_KNN shrinkage; default 10. */
  shrink?: number;
  /** ITEM_KNN asymmetry; default 1 (conditional probability, best on Groceries). */
  alpha?: number;
  /** Customers that must have bought an item before it gets neighbours. Default 1. */
  minBuyers?: number;
}

export interface CollaborativeModel {
  strategy: CollaborativeStrategy;
  itemCount: number;
  /** Customers (rows) the model was fitted on. */
  rows: number;
  /** Customers who bought each item. */
  buyers: Int32Array;
  /** Item i's targets are neighbours[neighbourStart[i] .. neighbourStart[i + 1]), strongest first. */
  neighbourStart: Int32Array;
  neighbours: Int32Array;
  weights: Float32Array;
}

export interface CollaborativeScore {
  item: number;
  score: number;
  /** The bought item contributing most to the score ("often bought with X, which you bought"). */
  because: number;
}

export function fitCollaborative(rows: InteractionRows, options: CollaborativeOptions = {}): CollaborativeModel {
  const { strategy = 'EASE', neighbours = 50, lambda = 100, shrink = 10, alpha = 1, minBuyers = 1 } = options;
  checkRows(rows);
  if (!Number.isInteger(neighbours) || neighbours < 1) throw new RangeError(`options.neighbours must be a positive integer, got ${neighbours}`);
  if (!(lambda > 0)) throw new RangeError(`options.lambda must be > 0, got ${lambda}`);
  if (!(shrink >= 0)) throw new RangeError(`options.shrink must be >= 0, got ${shrink}`);
  if (!(alpha >= 0 && alpha <= 1)) throw new RangeError(`options.alpha must be in [0, 1], got ${alpha}`);
  if (strategy === 'EASE' && rows.itemCount <= EASE_MAX_ITEMS) return fitEase(rows, neighbours, lambda, minBuyers);
  return fitItemKnn(rows, neighbours, shrink, alpha, minBuyers);
}

function checkRows({ items, starts, itemCount }: InteractionRows): void {
  if (!Number.isInteger(itemCount) || itemCount < 0) throw new RangeError(`itemCount must be an integer >= 0, got ${itemCount}`);
  if (starts.length < 1 || starts[0] !== 0 || starts[starts.length - 1] !== items.length) {
    throw new RangeError('starts must begin at 0 and end at items.length');
  }
  for (let r = 0; r + 1 < starts.length; r++) if (starts[r + 1] < starts[r]) throw new RangeError(`starts must not decrease (row ${r})`);
  for (let p = 0; p < items.length; p++) {
    if (!(items[p] >= 0 && items[p] < itemCount)) throw new RangeError(`items[${p}] = ${items[p]} is not an item index below ${itemCount}`);
  }
}

/** Customers per item (an item repeated in a row counts once: rows are expected distinct). */
function buyerCounts({ items, itemCount }: InteractionRows): Int32Array {
  const n = new Int32Array(itemCount);
  for (let p = 0; p < items.length; p++) n[items[p]]++;
  return n;
}

function fitEase(rows: InteractionRows, k: number, lambda: number, minBuyers: number): CollaborativeModel {
  const n = rows.itemCount;
  const { items, starts } = rows;
  const buyers = buyerCounts(rows);
  // Gram matrix X'X (upper triangle, mirrored after), then + lambda on the diagonal.
  const g = new Float64Array(n * n);
  for (let r = 0; r + 1 < starts.length; r++) {
    const end = starts[r + 1];
    for (let p = starts[r]; p < end; p++) {
      const a = items[p];
      const rowA = a * n;
      for (let q = starts[r]; q < end; q++) g[rowA + items[q]] += 1;
    }
  }
  for (let i = 0; i < n; i++) g[i * n + i] += lambda;
  const p = invertSpd(g, n);
  const targetScore = new Float64Array(n);
  return keepTopNeighbours(n, k, buyers, rows.starts.length - 1, 'EASE', (i, out) => {
    if (buyers[i] < minBuyers) return;
    for (let j = 0; j < n; j++) {
      // B_ij = -P_ij / P_jj; the diagonal is 0 by construction.
      targetScore[j] = j === i || buyers[j] < minBuyers ? 0 : -p[i * n + j] / p[j * n + j];
    }
    out(targetScore);
  });
}

function fitItemKnn(rows: InteractionRows, k: number, shrink: number, alpha: number, minBuyers: number): CollaborativeModel {
  const n = rows.itemCount;
  const { items, starts } = rows;
  const buyers = buyerCounts(rows);
  // Inverted index: the rows (customers) that bought each item.
  const rowStart = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) rowStart[i + 1] = rowStart[i] + buyers[i];
  const fill = rowStart.slice(0, n);
  const rowsOf = new Int32Array(items.length);
  for (let r = 0; r + 1 < starts.length; r++) for (let p = starts[r]; p < starts[r + 1]; p++) rowsOf[fill[items[p]]++] = r;
  const count = new Float64Array(n);
  const touched = new Int32Array(n);
  const score = new Float64Array(n);
  return keepTopNeighbours(n, k, buyers, starts.length - 1, 'ITEM_KNN', (i, out) => {
    if (buyers[i] < minBuyers) return;
    let m = 0;
    for (let x = rowStart[i]; x < rowStart[i + 1]; x++) {
      const r = rowsOf[x];
      for (let p = starts[r]; p < starts[r + 1]; p++) {
        const j = items[p];
        if (j === i) continue;
        if (count[j] === 0) touched[m++] = j;
        count[j]++;
      }
    }
    const left = Math.pow(buyers[i], alpha);
    for (let t = 0; t < m; t++) {
      const j = touched[t];
      score[j] = buyers[j] < minBuyers ? 0 : count[j] / (left * Math.pow(buyers[j], 1 - alpha) + shrink);
    }
    out(score, touched.subarray(0, m));
    for (let t = 0; t < m; t++) {
      count[touched[t]] = 0;
      score[touched[t]] = 0;
    }
  });
}

/**
 * Calls `rowOf(i, out)` for every item; `out(scores, candidates?)` hands over the weights of i's targets
 * (a dense array, only `candidates` read when given). Keeps the k largest positive weights per item
 * (ties to the lower index), strongest first.
 */
function keepTopNeighbours(
  n: number,
  k: number,
  buyers: Int32Array,
  rowCount: number,
  strategy: CollaborativeStrategy,
  rowOf: (i: number, out: (scores: Float64Array, candidates?: Int32Array) => void) => void,
): CollaborativeModel {
  const neighbourStart = new Int32Array(n + 1);
  const neighbours: number[] = [];
  const weights: number[] = [];
  const topItem = new Int32Array(k);
  const topWeight = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    let size = 0;
    rowOf(i, (scores, candidates) => {
      const m = candidates ? candidates.length : n;
      for (let t = 0; t < m; t++) {
        const j = candidates ? candidates[t] : t;
        const w = scores[j];
        if (!(w > 0)) continue;
        if (size === k && !(w > topWeight[k - 1] || (w === topWeight[k - 1] && j < topItem[k - 1]))) continue;
        let slot = size < k ? size++ : k - 1;
        while (slot > 0 && (w > topWeight[slot - 1] || (w === topWeight[slot - 1] && j < topItem[slot - 1]))) {
          topItem[slot] = topItem[slot - 1];
          topWeight[slot] = topWeight[slot - 1];
          slot--;
        }
        topItem[slot] = j;
        topWeight[slot] = w;
      }
    });
    for (let t = 0; t < size; t++) {
      neighbours.push(topItem[t]);
      weights.push(topWeight[t]);
    }
    neighbourStart[i + 1] = neighbours.length;
  }
  return {
    strategy, itemCount: n, rows: rowCount, buyers, neighbourStart, neighbours: Int32Array.from(neighbours), weights: Float32Array.from(weights),
  };
}

/**
 * Inverse of a symmetric positive definite matrix (row-major, n x n) by Cholesky: A = L L', A^-1 = L^-T L^-1.
 * Overwrites nothing of `a`'s caller-visible meaning beyond reuse as scratch; returns a new array.
 */
export function invertSpd(a: Float64Array, n: number): Float64Array {
  if (a.length !== n * n) throw new RangeError(`matrix must be ${n} x ${n}`);
  const l = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    const rowJ = j * n;
    let d = a[rowJ + j];
    for (let t = 0; t < j; t++) d -= l[rowJ + t] * l[rowJ + t];
    if (!(d > 0)) throw new RangeError('matrix is not positive definite');
    const ljj = Math.sqrt(d);
    l[rowJ + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      const rowI = i * n;
      let s = a[rowI + j];
      for (let t = 0; t < j; t++) s -= l[rowI + t] * l[rowJ + t];
      l[rowI + j] = s / ljj;
    }
  }
  // M = L^-1 (lower triangular), by forward substitution column by column.
  const m = new Float64Array(n * n);
  for (let c = 0; c < n; c++) {
    m[c * n + c] = 1 / l[c * n + c];
    for (let i = c + 1; i < n; i++) {
      const rowI = i * n;
      let s = 0;
      for (let t = c; t < i; t++) s += l[rowI + t] * m[t * n + c];
      m[rowI + c] = -s / l[rowI + i];
    }
  }
  // A^-1 = M' M: (i, j) = sum over t >= max(i, j) of M[t][i] M[t][j].
  const inv = new Float64Array(n * n);
  for (let t = 0; t < n; t++) {
    const rowT = t * n;
    for (let i = 0; i <= t; i++) {
      const mti = m[rowT + i];
      if (mti === 0) continue;
      const rowI = i * n;
      for (let j = 0; j <= i; j++) inv[rowI + j] += mti * m[rowT + j];
    }
  }
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) inv[j * n + i] = inv[i * n + j];
  return inv;
}

/** Scratch arrays of scoreCollaborative, grown to the largest catalogue seen (scoring never re-enters itself). */
let scratch = { score: new Float64Array(0), best: new Float64Array(0), because: new Int32Array(0), seen: new Uint8Array(0) };

/**
 * The `limit` best items for a customer who bought `bought` (item indices): score(j) = sum of w(i, j) over
 * bought i, bought items excluded when `exclude`; only positive scores; ties to the lower index.
 */
export function scoreCollaborative(model: CollaborativeModel, bought: ArrayLike<number>, limit: number, exclude = true): CollaborativeScore[] {
  const { neighbourStart, neighbours, weights, itemCount } = model;
  if (scratch.score.length < itemCount) {
    scratch = { score: new Float64Array(itemCount), best: new Float64Array(itemCount), because: new Int32Array(itemCount), seen: new Uint8Array(itemCount) };
  }
  const { score, best, because, seen } = scratch;
  const owned: number[] = [];
  for (let b = 0; b < bought.length; b++) {
    const i = bought[b];
    if (i >= 0 && i < itemCount && !(seen[i] & 1)) {
      seen[i] |= 1;
      owned.push(i);
    }
  }
  owned.sort((a, b) => a - b);
  const touched: number[] = [];
  for (const i of owned) {
    for (let p = neighbourStart[i]; p < neighbourStart[i + 1]; p++) {
      const j = neighbours[p];
      if (exclude && seen[j] & 1) continue;
      const w = weights[p];
      if (!(seen[j] & 2)) {
        seen[j] |= 2;
        touched.push(j);
        score[j] = w;
        best[j] = w;
        because[j] = i;
      } else {
        score[j] += w;
        // owned is ascending: an equal weight keeps the lower bought item
        if (w > best[j]) {
          best[j] = w;
          because[j] = i;
        }
      }
    }
  }
  const out: CollaborativeScore[] = [];
  for (const j of touched) if (score[j] > 0) out.push({ item: j, score: score[j], because: because[j] });
  for (const j of touched) seen[j] = 0;
  for (const i of owned) seen[i] = 0;
  out.sort((x, y) => y.score - x.score || x.item - y.item);
  if (out.length > limit) out.length = limit;
  return out;
}

/** A fitted model as JSON (typed arrays little-endian, deflated, in base64), for the model store. */
export interface EncodedCollaborativeModel {
  strategy: CollaborativeStrategy;
  itemCount: number;
  rows: number;
  buyers: string;
  neighbourStart: string;
  neighbours: string;
  weights: string;
}

type Packable = Int32Array | Float32Array | Float64Array;

/** A typed array as deflated base64 (how stored models keep their arrays in JSON). */
export const toBase64 = (a: Packable) => deflateRawSync(Buffer.from(a.buffer, a.byteOffset, a.byteLength)).toString('base64');
export function fromBase64<T extends Packable>(text: string, Type: { new (b: ArrayBuffer): T; BYTES_PER_ELEMENT: number }): T {
  const bytes = inflateRawSync(Buffer.from(text, 'base64'));
  const copy = new ArrayBuffer(bytes.length);
  new Uint8Array(copy).set(bytes);
  if (copy.byteLength % Type.BYTES_PER_ELEMENT) throw new RangeError('encoded array has a partial element');
  return new Type(copy);
}

export function encodeCollaborative(m: CollaborativeModel): EncodedCollaborativeModel {
  return {
    strategy: m.strategy, itemCount: m.itemCount, rows: m.rows, buyers: toBase64(m.buyers), neighbourStart: toBase64(m.neighbourStart),
    neighbours: toBase64(m.neighbours), weights: toBase64(m.weights),
  };
}

export function decodeCollaborative(e: EncodedCollaborativeModel): CollaborativeModel {
  const m: CollaborativeModel = {
    strategy: e.strategy, itemCount: e.itemCount, rows: e.rows, buyers: fromBase64(e.buyers, Int32Array),
    neighbourStart: fromBase64(e.neighbourStart, Int32Array), neighbours: fromBase64(e.neighbours, Int32Array), weights: fromBase64(e.weights, Float32Array),
  };
  if (m.buyers.length !== m.itemCount || m.neighbourStart.length !== m.itemCount + 1 || m.neighbours.length !== m.weights.length) {
    throw new RangeError('encoded collaborative model is inconsistent');
  }
  return m;
}
