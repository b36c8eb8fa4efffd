/**
 * Association rules over purchase baskets, with the semantics of R arules
 * `apriori(data, parameter = list(supp, conf, maxlen, target = "rules"))` (Hahsler et al.), restricted to
 * rules with a non-empty antecedent: rules X => {y}, one item on the right, X ∪ {y} frequent.
 *
 * Frequent itemsets are mined depth-first with occurrence delivery (Uno's LCM): each node of the search
 * tree keeps the positions of its last item in the horizontal baskets, and one scan of the items after
 * those positions yields every extension's count and occurrence list at once. Baskets are sparse, so
 * this reads far less than intersecting tidset bitmaps: on Groceries at support 0.001 it scans 0.56 M
 * cells where a bitset Eclat would AND 78 k pairs of 308-word bitmaps (24 M words). The search tree
 * doubles as a prefix trie of all frequent itemsets, so antecedent counts are found without string keys.
 */

export interface RuleMiningOptions {
  /** Minimum share of baskets holding the whole rule (antecedent and consequent), in (0, 1]. */
  minSupport: number;
  /** Minimum confidence, count(X ∪ {y}) / count(X), in [0, 1]. */
  minConfidence: number;
  /** Minimum lift, >= 0. Default 0 (no filter). */
  minLift?: number;
  /** Maximum items in a frequent itemset, and so in a rule including its consequent. Default 10 (arules maxlen). */
  maxLength?: number;
  /**
   * Mining stops with a RangeError as soon as more frequent itemsets (or rules) than this would be kept, so
   * that a tiny minSupport costs a quick refusal instead of all the memory. Default: no limit.
   */
  maxItemsets?: number;
  maxRules?: number;
}

/** Thrown when mining would exceed maxItemsets or maxRules: the caller asked for more than it may have. */
export class MiningLimitError extends RangeError {
  override name = 'RangeError';
}

export interface AssociationRule {
  /** Item ids of the left-hand side, ascending, never empty. */
  antecedent: number[];
  /** The single item id of the right-hand side. */
  consequent: number[];
  /** Number of baskets holding antecedent and consequent together. */
  count: number;
  support: number;
  confidence: number;
  lift: number;
  leverage: number;
  /** (1 - support(consequent)) / (1 - confidence); null when infinite (confidence 1). */
  conviction: number | null;
}

export interface RuleMiningResult {
  transactionCount: number;
  /** Frequent itemsets of length 1..maxLength, singletons included (arules semantics). */
  itemsetCount: number;
  /** By lift, confidence and support descending, then antecedent and consequent ids ascending. */
  rules: AssociationRule[];
}

const DEFAULT_MAX_LENGTH = 10;
/** arules accepts a rule when confidence >= minConfidence - 1e-12 (istree.c, EPSILON). */
const CONFIDENCE_SLACK = 1e-12;
/** Occurrence buckets of one search node may be sized loosely up to this many cells (64 KiB). */
const LOOSE_BUCKET_CELLS = 16384;

/**
 * Mines the frequent itemsets of `baskets` (arrays of item ids in 0..itemCount-1; duplicates within a
 * basket count once, empty baskets count as transactions) and the association rules they support.
 * No baskets at all yield an empty result (arules stops with an error there).
 */
export function mineAssociationRules(
  baskets: ReadonlyArray<ArrayLike<number>>,
  itemCount: number,
  options: RuleMiningOptions,
): RuleMiningResult {
  const { minSupport, minConfidence, minLift, maxLength } = checkOptions(options);
  const maxItemsets = options.maxItemsets ?? Infinity;
  const maxRules = options.maxRules ?? Infinity;
  if (!Number.isInteger(itemCount) || itemCount < 0) {
    throw new RangeError(`itemCount must be a non-negative integer, got ${itemCount}`);
  }
  if (!Array.isArray(baskets)) throw new TypeError('baskets must be an array of item id arrays');

  const transactionCount = baskets.length;
  if (transactionCount === 0) return { transactionCount, itemsetCount: 0, rules: [] };
  // Same threshold as arules' (int)ceil(tacnt * supp), floating-point product included.
  const minCount = Math.ceil(transactionCount * minSupport);

  const database = encodeFrequentItems(baskets, itemCount, minCount);
  const tree = mineFrequentItemsets(database, minCount, maxLength, maxItemsets);
  const rules = generateRules(tree, database.itemIds, transactionCount, minConfidence, minLift, maxRules);
  return { transactionCount, itemsetCount: tree.size - 1, rules };
}

/**
 * Assigns dense ids to item names in order of first appearance, for callers holding named baskets.
 * Names are kept exactly as given (no trimming).
 */
export function encodeBaskets(baskets: ReadonlyArray<ReadonlyArray<string>>): { ids: number[][]; names: string[] } {
  const idOf = new Map<string, number>();
  const names: string[] = [];
  const ids = baskets.map((basket) =>
    basket.map((name) => {
      let id = idOf.get(name);
      if (id === undefined) {
        id = names.length;
        idOf.set(name, id);
        names.push(name);
      }
      return id;
    }),
  );
  return { ids, names };
}

interface CheckedOptions {
  minSupport: number;
  minConfidence: number;
  minLift: number;
  maxLength: number;
}

function checkOptions(options: RuleMiningOptions): CheckedOptions {
  if (options === null || typeof options !== 'object') {
    throw new TypeError('options must be an object with minSupport and minConfidence');
  }
  const { minSupport, minConfidence, minLift = 0, maxLength = DEFAULT_MAX_LENGTH } = options;
  if (typeof minSupport !== 'number' || !(minSupport > 0 && minSupport <= 1)) {
    throw new RangeError(`minSupport must be a number in (0, 1], got ${minSupport}`);
  }
  if (typeof minConfidence !== 'number' || !(minConfidence >= 0 && minConfidence <= 1)) {
    throw new RangeError(`minConfidence must be a number in [0, 1], got ${minConfidence}`);
  }
  if (typeof minLift !== 'number' || !(minLift >= 0 && minLift < Infinity)) {
    throw new RangeError(`minLift must be a finite number >= 0, got ${minLift}`);
  }
  if (!Number.isInteger(maxLength) || maxLength < 1) {
    throw new RangeError(`maxLength must be an integer >= 1, got ${maxLength}`);
  }
  return { minSupport, minConfidence, minLift, maxLength };
}

/** Baskets restricted to frequent items, recoded to ranks and stored flat, each basket's ranks ascending. */
interface RankedDatabase {
  /** itemIds[rank] = item id; ranks order items by ascending count, then id. */
  itemIds: Int32Array;
  rankCounts: Int32Array;
  /** All baskets' ranks back to back. */
  ranks: Int32Array;
  /** basketEnd[p] = end (exclusive) in `ranks` of the basket holding position p. */
  basketEnd: Int32Array;
}

function encodeFrequentItems(
  baskets: ReadonlyArray<ArrayLike<number>>,
  itemCount: number,
  minCount: number,
): RankedDatabase {
  const counts = new Int32Array(itemCount);
  const lastBasket = new Int32Array(itemCount).fill(-1);
  for (let b = 0; b < baskets.length; b++) {
    const basket = baskets[b];
    if (basket === null || typeof basket !== 'object' || typeof basket.length !== 'number') {
      throw new TypeError(`baskets[${b}] must be an array of item ids`);
    }
    for (let j = 0; j < basket.length; j++) {
      const item = basket[j];
      if (!Number.isInteger(item) || item < 0 || item >= itemCount) {
        throw new RangeError(`baskets[${b}][${j}] must be an integer item id in [0, ${itemCount}), got ${item}`);
      }
      if (lastBasket[item] !== b) {
        lastBasket[item] = b;
        counts[item]++;
      }
    }
  }

  // Rare items first keeps the occurrence lists deep in the search tree short.
  const frequent: number[] = [];
  for (let item = 0; item < itemCount; item++) if (counts[item] >= minCount) frequent.push(item);
  frequent.sort((a, b) => counts[a] - counts[b] || a - b);
  const itemIds = Int32Array.from(frequent);
  const rankCounts = new Int32Array(itemIds.length);
  const rankOf = new Int32Array(itemCount).fill(-1);
  let cells = 0;
  for (let rank = 0; rank < itemIds.length; rank++) {
    rankOf[itemIds[rank]] = rank;
    rankCounts[rank] = counts[itemIds[rank]];
    cells += rankCounts[rank];
  }

  const ranks = new Int32Array(cells);
  const basketEnd = new Int32Array(cells);
  lastBasket.fill(-1);
  let end = 0;
  for (let b = 0; b < baskets.length; b++) {
    const basket = baskets[b];
    const start = end;
    for (let j = 0; j < basket.length; j++) {
      const item = basket[j];
      if (rankOf[item] >= 0 && lastBasket[item] !== b) {
        lastBasket[item] = b;
        ranks[end++] = rankOf[item];
      }
    }
    if (end - start > 1) ranks.subarray(start, end).sort();
    basketEnd.fill(end, start, end);
  }
  return { itemIds, rankCounts, ranks, basketEnd };
}

/**
 * The set-enumeration tree of all frequent itemsets, node 0 being the empty set. A node's itemset is the
 * ranks on its path from the root (ascending); its children are contiguous and sorted by rank.
 */
interface ItemsetTree {
  size: number;
  rank: number[];
  count: number[];
  parent: number[];
  depth: number[];
  firstChild: number[];
  childCount: number[];
}

function mineFrequentItemsets(database: RankedDatabase, minCount: number, maxLength: number, maxItemsets = Infinity): ItemsetTree {
  const { rankCounts, ranks, basketEnd } = database;
  const rankTotal = rankCounts.length;
  const tree: ItemsetTree = {
    size: 1,
    rank: [-1],
    count: [0],
    parent: [-1],
    depth: [0],
    firstChild: [1],
    childCount: [rankTotal],
  };
  const addNode = (rank: number, count: number, parent: number): void => {
    if (tree.size > maxItemsets) {
      throw new MiningLimitError(`more than ${maxItemsets.toLocaleString('en')} frequent itemsets at this minSupport and maxLength: narrow the query (raise minSupport or lower maxLength)`);
    }
    tree.rank.push(rank);
    tree.count.push(count);
    tree.parent.push(parent);
    tree.depth.push(tree.depth[parent] + 1);
    tree.firstChild.push(0);
    tree.childCount.push(0);
    tree.size++;
  };

  // Occurrence lists (positions in `ranks`) of the nodes on the current path and their siblings, as a stack.
  let occurrences = new Int32Array(Math.max(16, 2 * ranks.length));
  let top = 0;
  const reserve = (extra: number): void => {
    if (top + extra <= occurrences.length) return;
    const grown = new Int32Array(Math.max(2 * occurrences.length, top + extra));
    grown.set(occurrences.subarray(0, top));
    occurrences = grown;
  };
  const writeAt = new Int32Array(rankTotal).fill(-1);

  // Singletons: their occurrences are every position of their rank.
  const rootListStart = new Int32Array(rankTotal + 1);
  for (let rank = 0; rank < rankTotal; rank++) {
    addNode(rank, rankCounts[rank], 0);
    rootListStart[rank + 1] = rootListStart[rank] + rankCounts[rank];
  }
  writeAt.set(rootListStart.subarray(0, rankTotal));
  for (let p = 0; p < ranks.length; p++) occurrences[writeAt[ranks[p]]++] = p;
  writeAt.fill(-1);
  top = ranks.length;

  // Only the later siblings y of a node x can extend it (Apriori: P ∪ {y} must be frequent), and
  // count(P ∪ {x, y}) <= count(P ∪ {y}): one bucket per sibling, sized by that bound, filled in one scan.
  // Where the bounds would reserve far more than the cells to scan, a counting scan sizes buckets exactly,
  // which keeps memory linear in the data on wide catalogues.
  const extend = (node: number, from: number, to: number): void => {
    if (tree.depth[node] >= maxLength) return;
    const parent = tree.parent[node];
    const siblings = tree.firstChild[parent] + tree.childCount[parent] - node - 1;
    if (siblings === 0) return;
    const bucketSize = new Int32Array(siblings);
    let bound = 0;
    for (let j = 0; j < siblings; j++) {
      bucketSize[j] = Math.min(tree.count[node + 1 + j], to - from);
      bound += bucketSize[j];
    }
    if (bound > LOOSE_BUCKET_CELLS) {
      let cells = 0;
      for (let i = from; i < to; i++) cells += basketEnd[occurrences[i]] - occurrences[i] - 1;
      if (bound > 4 * cells) {
        bucketSize.fill(0);
        for (let j = 0; j < siblings; j++) writeAt[tree.rank[node + 1 + j]] = j;
        for (let i = from; i < to; i++) {
          const end = basketEnd[occurrences[i]];
          for (let p = occurrences[i] + 1; p < end; p++) {
            if (writeAt[ranks[p]] >= 0) bucketSize[writeAt[ranks[p]]]++;
          }
        }
        bound = cells;
      }
    }

    const mark = top;
    reserve(bound);
    const bucketStart = new Int32Array(siblings);
    for (let j = 0; j < siblings; j++) {
      bucketStart[j] = top;
      writeAt[tree.rank[node + 1 + j]] = top;
      top += bucketSize[j];
    }
    for (let i = from; i < to; i++) {
      const end = basketEnd[occurrences[i]];
      for (let p = occurrences[i] + 1; p < end; p++) {
        const at = writeAt[ranks[p]];
        if (at >= 0) {
          occurrences[at] = p;
          writeAt[ranks[p]] = at + 1;
        }
      }
    }
    const firstChild = tree.size;
    for (let j = 0; j < siblings; j++) {
      const rank = tree.rank[node + 1 + j];
      const count = writeAt[rank] - bucketStart[j];
      writeAt[rank] = -1;
      if (count >= minCount) addNode(rank, count, node);
      else bucketStart[j] = -1;
    }
    tree.firstChild[node] = firstChild;
    tree.childCount[node] = tree.size - firstChild;
    for (let j = 0, child = firstChild; j < siblings; j++) {
      if (bucketStart[j] < 0) continue;
      extend(child, bucketStart[j], bucketStart[j] + tree.count[child]);
      child++;
    }
    top = mark;
  };

  for (let rank = 0; rank < rankTotal; rank++) extend(rank + 1, rootListStart[rank], rootListStart[rank + 1]);
  return tree;
}

function generateRules(
  tree: ItemsetTree,
  itemIds: Int32Array,
  transactionCount: number,
  minConfidence: number,
  minLift: number,
  maxRules = Infinity,
): AssociationRule[] {
  const n = transactionCount;
  const singletonCount = (rank: number): number => tree.count[rank + 1];
  const path: number[] = [];
  const rules: AssociationRule[] = [];

  // Count of the node's itemset without path[skip]; every subset of a frequent itemset is in the tree.
  const countWithout = (skip: number): number => {
    let node = 0;
    for (let j = 0; j < path.length; j++) {
      if (j !== skip) node = findChild(tree, node, path[j]);
    }
    return tree.count[node];
  };

  for (let node = 1; node < tree.size; node++) {
    if (tree.depth[node] < 2) continue;
    path.length = 0;
    for (let v = node; v > 0; v = tree.parent[v]) path.push(tree.rank[v]);
    path.reverse();

    const count = tree.count[node];
    for (let head = 0; head < path.length; head++) {
      const antecedentCount = head === path.length - 1 ? tree.count[tree.parent[node]] : countWithout(head);
      const confidence = count / antecedentCount;
      if (confidence < minConfidence - CONFIDENCE_SLACK) continue;
      const consequentCount = singletonCount(path[head]);
      // Integer numerators and denominators: one rounding each, so equal ratios compare equal when sorting.
      const lift = (count * n) / (antecedentCount * consequentCount);
      if (lift < minLift) continue;
      const antecedent: number[] = [];
      for (let j = 0; j < path.length; j++) if (j !== head) antecedent.push(itemIds[path[j]]);
      antecedent.sort((a, b) => a - b);
      if (rules.length >= maxRules) {
        throw new MiningLimitError(`more than ${maxRules.toLocaleString('en')} rules at these thresholds: narrow the query (raise minSupport, minConfidence or minLift, or lower maxLength)`);
      }
      rules.push({
        antecedent,
        consequent: [itemIds[path[head]]],
        count,
        support: count / n,
        confidence,
        lift,
        leverage: (count * n - antecedentCount * consequentCount) / (n * n),
        conviction:
          count === antecedentCount
            ? null
            : ((n - consequentCount) * antecedentCount) / (n * (antecedentCount - count)),
      });
    }
  }
  return rules.sort(compareRules);
}

function findChild(tree: ItemsetTree, node: number, rank: number): number {
  let low = tree.firstChild[node];
  let high = low + tree.childCount[node] - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const found = tree.rank[middle];
    if (found === rank) return middle;
    if (found < rank) low = middle + 1;
    else high = middle - 1;
  }
  throw new Error(`internal: rank ${rank} missing under itemset node ${node}`);
}

function compareRules(a: AssociationRule, b: AssociationRule): number {
  return (
    b.lift - a.lift ||
    b.confidence - a.confidence ||
    b.support - a.support ||
    compareIds(a.antecedent, b.antecedent) ||
    a.consequent[0] - b.consequent[0]
  );
}

function compareIds(a: number[], b: number[]): number {
  const shared = Math.min(a.length, b.length);
  for (let i = 0; i < shared; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}
