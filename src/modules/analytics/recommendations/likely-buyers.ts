import { fromBase64, toBase64, type CollaborativeModel, type InteractionRows } from './collaborative';

/**
 * Customers most likely to buy each item next (Product.likelyBuyers, a campaign audience), computed once per
 * recommender fit on the fit worker from the rows it was fitted on, so that a page of products reads no
 * purchase line at all.
 *
 * An item's sources are the items whose neighbour lists hold it with a positive weight, strongest first (ties
 * to the lower item index), at most `sources` of them. A customer who has not bought item t scores
 * sum of w(s, t) over the sources s of t they bought; "because" is the strongest such source. Each item keeps
 * its best `first` customers, highest score first, ties to the lower customer id.
 *
 * Cost: one pass over the rows, each bought item visiting the targets it is a source of (at most
 * items x sources pairs in all), and a bounded heap per item: O(rows x sources + customers x touched x log first).
 */
export interface LikelyBuyersTable {
  /** Item i's customers are at [starts[i], starts[i + 1]) of the arrays below, best first. */
  starts: Int32Array;
  customerIds: Float64Array;
  scores: Float32Array;
  /** The item index of the strongest bought source. */
  because: Int32Array;
}

export interface LikelyBuyersOptions {
  /** Customers kept per item (the largest `likelyBuyers(first)`). */
  first: number;
  /** Sources considered per item. */
  sources: number;
}

export function likelyBuyers(model: CollaborativeModel, rows: InteractionRows & { groupIds: Float64Array }, opts: LikelyBuyersOptions): LikelyBuyersTable {
  const n = model.itemCount;
  const { first, sources } = opts;
  if (!Number.isInteger(first) || first < 1 || !Number.isInteger(sources) || sources < 1) throw new RangeError('first and sources must be positive integers');
  if (rows.groupIds.length !== rows.starts.length - 1) throw new RangeError('one group id per row group is needed');
  const targets = targetsBySource(model, sources);

  const score = new Float64Array(n);
  const rank = new Int32Array(n);
  const because = new Int32Array(n);
  const seen = new Int32Array(n); // stamp: row + 1 when item was touched by this row
  const owned = new Int32Array(n); // stamp: row + 1 when this row bought the item
  const touched = new Int32Array(n);
  const heaps = Array.from({ length: n }, () => new BoundedHeap(first));

  for (let r = 0; r + 1 < rows.starts.length; r++) {
    const stamp = r + 1;
    let count = 0;
    for (let k = rows.starts[r]; k < rows.starts[r + 1]; k++) owned[rows.items[k]] = stamp;
    for (let k = rows.starts[r]; k < rows.starts[r + 1]; k++) {
      const s = rows.items[k];
      for (let e = targets.start[s]; e < targets.start[s + 1]; e++) {
        const t = targets.target[e];
        if (owned[t] === stamp) continue;
        if (seen[t] !== stamp) {
          seen[t] = stamp;
          score[t] = 0;
          rank[t] = targets.rank[e];
          because[t] = s;
          touched[count++] = t;
        } else if (targets.rank[e] < rank[t]) {
          rank[t] = targets.rank[e];
          because[t] = s;
        }
        score[t] += targets.weight[e];
      }
    }
    const customerId = rows.groupIds[r];
    for (let i = 0; i < count; i++) {
      const t = touched[i];
      heaps[t].offer(score[t], customerId, because[t]);
    }
  }

  const starts = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) starts[i + 1] = starts[i] + heaps[i].size;
  const out: LikelyBuyersTable = {
    starts, customerIds: new Float64Array(starts[n]), scores: new Float32Array(starts[n]), because: new Int32Array(starts[n]),
  };
  for (let i = 0; i < n; i++) heaps[i].drainInto(out, starts[i]);
  return out;
}

/** For each source item, the items it is one of the `sources` strongest sources of, with weight and rank. */
function targetsBySource(model: CollaborativeModel, sources: number) {
  const n = model.itemCount;
  const into: { source: number; weight: number }[][] = Array.from({ length: n }, () => []);
  for (let s = 0; s < n; s++) {
    for (let k = model.neighbourStart[s]; k < model.neighbourStart[s + 1]; k++) {
      if (model.weights[k] > 0) into[model.neighbours[k]].push({ source: s, weight: model.weights[k] });
    }
  }
  const start = new Int32Array(n + 1);
  for (let t = 0; t < n; t++) {
    into[t].sort((x, y) => y.weight - x.weight || x.source - y.source);
    into[t].length = Math.min(into[t].length, sources);
    for (const { source } of into[t]) start[source + 1]++;
  }
  for (let s = 0; s < n; s++) start[s + 1] += start[s];
  const fill = start.slice(0, n);
  const target = new Int32Array(start[n]);
  const weight = new Float64Array(start[n]);
  const rank = new Int32Array(start[n]);
  for (let t = 0; t < n; t++) {
    into[t].forEach(({ source, weight: w }, r) => {
      const e = fill[source]++;
      target[e] = t;
      weight[e] = w;
      rank[e] = r;
    });
  }
  return { start, target, weight, rank };
}

/** The best `capacity` (score desc, customer id asc) offered so far; the worst kept sits at the root. */
class BoundedHeap {
  size = 0;
  // Grown on demand: most items of a large catalogue keep far fewer than capacity.
  private scores = new Float64Array(0);
  private ids = new Float64Array(0);
  private because = new Int32Array(0);

  constructor(private readonly capacity: number) {}

  /** a ranks below b (is worse). */
  private static worse(sa: number, ia: number, sb: number, ib: number) {
    return sa < sb || (sa === sb && ia > ib);
  }

  offer(score: number, id: number, because: number): void {
    if (this.size === this.capacity) {
      if (!BoundedHeap.worse(this.scores[0], this.ids[0], score, id)) return;
      this.set(0, score, id, because);
      this.down(0);
      return;
    }
    this.reserve();
    this.set(this.size, score, id, because);
    this.up(this.size++);
  }

  /** Writes the kept entries best first at `at`. */
  drainInto(out: LikelyBuyersTable, at: number): void {
    for (let end = this.size - 1; end >= 0; end--) {
      out.scores[at + end] = this.scores[0];
      out.customerIds[at + end] = this.ids[0];
      out.because[at + end] = this.because[0];
      this.size--;
      this.set(0, this.scores[this.size], this.ids[this.size], this.because[this.size]);
      this.down(0);
    }
  }

  private reserve() {
    if (this.size < this.scores.length) return;
    const length = Math.min(this.capacity, Math.max(4, this.scores.length * 2));
    const [scores, ids, because] = [new Float64Array(length), new Float64Array(length), new Int32Array(length)];
    scores.set(this.scores);
    ids.set(this.ids);
    because.set(this.because);
    [this.scores, this.ids, this.because] = [scores, ids, because];
  }

  private set(i: number, score: number, id: number, because: number) {
    this.scores[i] = score;
    this.ids[i] = id;
    this.because[i] = because;
  }

  private swap(i: number, j: number) {
    const [s, d, b] = [this.scores[i], this.ids[i], this.because[i]];
    this.set(i, this.scores[j], this.ids[j], this.because[j]);
    this.set(j, s, d, b);
  }

  private up(i: number) {
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!BoundedHeap.worse(this.scores[i], this.ids[i], this.scores[p], this.ids[p])) return;
      this.swap(i, p);
      i = p;
    }
  }

  private down(i: number) {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let w = i;
      if (l < this.size && BoundedHeap.worse(this.scores[l], this.ids[l], this.scores[w], this.ids[w])) w = l;
      if (r < this.size && BoundedHeap.worse(this.scores[r], this.ids[r], this.scores[w], this.ids[w])) w = r;
      if (w === i) return;
      this.swap(i, w);
      i = w;
    }
  }
}

export interface EncodedLikelyBuyers {
  starts: string;
  customerIds: string;
  scores: string;
  because: string;
}

export function encodeLikelyBuyers(t: LikelyBuyersTable): EncodedLikelyBuyers {
  return { starts: toBase64(t.starts), customerIds: toBase64(t.customerIds), scores: toBase64(t.scores), because: toBase64(t.because) };
}

export function decodeLikelyBuyers(e: EncodedLikelyBuyers, itemCount: number): LikelyBuyersTable {
  const t: LikelyBuyersTable = {
    starts: fromBase64(e.starts, Int32Array), customerIds: fromBase64(e.customerIds, Float64Array), scores: fromBase64(e.scores, Float32Array),
    because: fromBase64(e.because, Int32Array),
  };
  const total = t.starts[itemCount];
  if (t.starts.length !== itemCount + 1 || t.customerIds.length !== total || t.scores.length !== total || t.because.length !== total) {
    throw new RangeError('encoded likely-buyers table is inconsistent');
  }
  return t;
}
