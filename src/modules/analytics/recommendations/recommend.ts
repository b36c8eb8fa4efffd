const DAY_MS = 86_400_000;

export interface ProductFeatures {
  id: number;
  category: string;
  tags: string[];
  priceCents: number;
}

/**
 * Unit-length product vectors in three equally weighted blocks: the category (one-hot), the tags
 * (tf-idf with smooth idf, ln((1 + N) / (1 + df)) + 1, so a rare tag says more than "sale"; each
 * product's tag block has unit length however many tags it has) and the price band (one-hot).
 * The cosine of two products is therefore the mean of "same category", the tag cosine and
 * "same price band" (over two blocks for a product without tags).
 * Rows are stored sparse (CSR): the columns of row i are columns[rowStart[i] .. rowStart[i + 1] - 1],
 * ascending, with their values in weights.
 */
export interface ProductSpace {
  /** Product ids, one per row, in catalogue order. */
  productIds: Float64Array;
  rowOf: ReadonlyMap<number, number>;
  /** Column names: `category:<name>`, `tag:<name>`, `price:<band>`, in column order. */
  columnNames: string[];
  /** Upper bounds (inclusive, cents) of the price bands but the last, ascending. */
  priceBreaks: number[];
  rowStart: Int32Array;
  columns: Int32Array;
  weights: Float64Array;
}

export interface ProductSpaceOptions {
  /** Quantiles of the catalogue prices; tied prices can leave fewer distinct bands. */
  priceBands?: number;
}

export interface BoughtItem {
  productId: number;
  quantity: number;
  at: number;
}

export interface Recommendation {
  productId: number;
  score: number;
  reason: string;
  /** The bought product most similar to this one ("like X you bought"), null when none is similar. */
  becauseOf: number | null;
  /** The bought product whose association rule boosted this one ("often bought with Y"). */
  boostedBy: number | null;
  /** The content score (cosine, boosted by co-purchase rules) when a bonus was blended in. */
  contentScore?: number;
}

export interface CoPurchaseRule {
  productId: number;
  lift: number;
}

export interface RecommendOptions {
  asOf: number;
  limit?: number;
  excludePurchased?: boolean;
  /** A purchase this many days before asOf weighs half as much in the profile. */
  halfLifeDays?: number;
  /** Association rules keyed by antecedent product id: consequents and their lift. */
  coPurchase?: ReadonlyMap<number, ReadonlyArray<CoPurchaseRule>>;
  productName?: (id: number) => string;
  /** Only products passing this test are recommended (the hybrid asks content for never-bought products). */
  include?: (productId: number) => boolean;
  /**
   * Blending (the hybrid): products rank by contentWeight x score + bonus(product), and that is their score;
   * `contentScore` keeps the content part. Default: weight 1, no bonus.
   */
  contentWeight?: number;
  bonus?: (productId: number) => number;
}

export function buildProductSpace(
  products: ReadonlyArray<ProductFeatures>,
  options: ProductSpaceOptions = {},
): ProductSpace {
  const { priceBands = 5 } = options;
  if (!Number.isInteger(priceBands) || priceBands < 1) {
    throw new RangeError(`options.priceBands must be a positive integer, got ${priceBands}`);
  }
  const n = products.length;
  const rowOf = new Map<number, number>();
  const productIds = new Float64Array(n);
  const categories = new Set<string>();
  const tagDocuments = new Map<string, number>();
  const prices = new Float64Array(n);
  const productTags: string[][] = [];
  for (let i = 0; i < n; i++) {
    const { id, category, tags, priceCents } = products[i];
    if (!Number.isSafeInteger(id)) throw new TypeError(`products[${i}].id must be an integer, got ${id}`);
    if (rowOf.has(id)) throw new RangeError(`products[${i}].id ${id} appears twice`);
    if (typeof category !== 'string') throw new TypeError(`products[${i}].category must be a string`);
    if (!Array.isArray(tags) || tags.some((tag) => typeof tag !== 'string')) {
      throw new TypeError(`products[${i}].tags must be an array of strings`);
    }
    if (!Number.isFinite(priceCents) || priceCents < 0) {
      throw new RangeError(`products[${i}].priceCents must be a finite amount >= 0, got ${priceCents}`);
    }
    rowOf.set(id, i);
    productIds[i] = id;
    categories.add(category);
    const distinctTags = [...new Set(tags)];
    for (const tag of distinctTags) tagDocuments.set(tag, (tagDocuments.get(tag) ?? 0) + 1);
    productTags.push(distinctTags);
    prices[i] = priceCents;
  }

  // Sorted names make the column order independent of the catalogue order.
  const categoryNames = [...categories].sort();
  const tagNames = [...tagDocuments.keys()].sort();
  const priceBreaks = bandBreaks(prices, priceBands);
  const categoryColumn = new Map(categoryNames.map((name, c) => [name, c]));
  const tagColumn = new Map(tagNames.map((name, t) => [name, categoryNames.length + t]));
  const priceOffset = categoryNames.length + tagNames.length;
  const idf = new Map([...tagDocuments].map(([tag, df]) => [tag, Math.log((1 + n) / (1 + df)) + 1]));

  const rowStart = new Int32Array(n + 1);
  const columns: number[] = [];
  const weights: number[] = [];
  for (let i = 0; i < n; i++) {
    const tags = productTags[i];
    const blockScale = 1 / Math.sqrt(tags.length > 0 ? 3 : 2);
    columns.push(categoryColumn.get(products[i].category) as number);
    weights.push(blockScale);
    let tagNorm = 0;
    for (const tag of tags) tagNorm += (idf.get(tag) as number) ** 2;
    tagNorm = Math.sqrt(tagNorm);
    const tagEntries = tags
      .map((tag) => [tagColumn.get(tag) as number, ((idf.get(tag) as number) / tagNorm) * blockScale] as const)
      .sort((a, b) => a[0] - b[0]);
    for (const [column, weight] of tagEntries) {
      columns.push(column);
      weights.push(weight);
    }
    columns.push(priceOffset + priceBand(priceBreaks, prices[i]));
    weights.push(blockScale);
    rowStart[i + 1] = columns.length;
  }

  const columnNames = [
    ...categoryNames.map((name) => `category:${name}`),
    ...tagNames.map((name) => `tag:${name}`),
    ...Array.from({ length: priceBreaks.length + 1 }, (_, band) => `price:${band}`),
  ];
  return {
    productIds,
    rowOf,
    columnNames,
    priceBreaks,
    rowStart,
    columns: Int32Array.from(columns),
    weights: Float64Array.from(weights),
  };
}

/** Cosine similarity of two catalogue products, in [0, 1]. */
export function productSimilarity(space: ProductSpace, a: number, b: number): number {
  const rowA = space.rowOf.get(a);
  const rowB = space.rowOf.get(b);
  if (rowA === undefined || rowB === undefined) {
    throw new RangeError(`product ${rowA === undefined ? a : b} is not in the product space`);
  }
  return rowDot(space, rowA, rowB);
}

/**
 * Content-based recommendations. The profile is the mean of the bought products' vectors weighted by
 * quantity x 2^(-age / halfLife); the score is its cosine with each product. An association rule
 * bought -> candidate with lift > 1 shrinks the distance to the profile by the lift,
 * score = 1 - (1 - cosine) / lift, so cross-category pairs (bread -> butter) can surface while the
 * score stays in [0, 1]. Purchases after asOf and products missing from the space are ignored;
 * products scoring 0 are never recommended. Ties go to the lower product id.
 */
export function recommendProducts(
  space: ProductSpace,
  history: ReadonlyArray<BoughtItem>,
  options: RecommendOptions,
): Recommendation[] {
  const {
    asOf,
    limit = 10,
    excludePurchased = true,
    halfLifeDays = 180,
    coPurchase,
    productName = (id: number) => `product ${id}`,
    include,
    contentWeight = 1,
    bonus,
  } = options;
  if (!Number.isFinite(asOf)) throw new TypeError('options.asOf must be a finite epoch time in ms');
  if (!Number.isInteger(limit) || limit < 0) throw new RangeError(`options.limit must be an integer >= 0, got ${limit}`);
  if (!(halfLifeDays > 0)) throw new RangeError(`options.halfLifeDays must be > 0, got ${halfLifeDays}`);

  const n = space.productIds.length;
  const boughtWeight = new Float64Array(n);
  const boughtRows: number[] = [];
  const decayPerMs = -Math.LN2 / (halfLifeDays * DAY_MS);
  for (let i = 0; i < history.length; i++) {
    const { productId, quantity, at } = history[i];
    if (!(quantity > 0) || !Number.isFinite(quantity)) {
      throw new RangeError(`history[${i}].quantity must be a positive number, got ${quantity}`);
    }
    if (!Number.isFinite(at)) throw new TypeError(`history[${i}].at must be a finite epoch time in ms`);
    const row = space.rowOf.get(productId);
    if (row === undefined || at > asOf) continue;
    if (boughtWeight[row] === 0) boughtRows.push(row);
    boughtWeight[row] += quantity * Math.exp(decayPerMs * (asOf - at));
  }
  if (boughtRows.length === 0 || limit === 0) return [];

  const { rowStart, columns, weights } = space;
  const profile = new Float64Array(space.columnNames.length);
  for (const row of boughtRows) {
    const w = boughtWeight[row];
    for (let p = rowStart[row]; p < rowStart[row + 1]; p++) profile[columns[p]] += w * weights[p];
  }
  let norm = 0;
  for (let c = 0; c < profile.length; c++) norm += profile[c] * profile[c];
  // The weighted mean and the weighted sum point the same way: dividing by the norm is all cosine needs.
  const inverseNorm = 1 / Math.sqrt(norm);

  const lift = new Float64Array(n);
  const boostedBy = new Float64Array(n);
  if (coPurchase) {
    for (const row of boughtRows) {
      const antecedent = space.productIds[row];
      for (const rule of coPurchase.get(antecedent) ?? []) {
        if (!Number.isFinite(rule.lift)) throw new RangeError(`lift of rule ${antecedent} -> ${rule.productId} must be finite`);
        const target = space.rowOf.get(rule.productId);
        if (target === undefined || rule.lift <= 1) continue;
        if (rule.lift > lift[target] || (rule.lift === lift[target] && antecedent < boostedBy[target])) {
          lift[target] = rule.lift;
          boostedBy[target] = antecedent;
        }
      }
    }
  }

  // Top `limit` rows by (score desc, id asc), kept sorted by insertion: limit is small next to n.
  const topRows = new Int32Array(limit);
  const topScores = new Float64Array(limit);
  const topCosines = new Float64Array(limit);
  const topContent = new Float64Array(limit);
  let size = 0;
  const ids = space.productIds;
  for (let row = 0; row < n; row++) {
    if (excludePurchased && boughtWeight[row] > 0) continue;
    if (include && !include(space.productIds[row])) continue;
    let dot = 0;
    for (let p = rowStart[row]; p < rowStart[row + 1]; p++) dot += profile[columns[p]] * weights[p];
    const cosine = dot * inverseNorm;
    const content = lift[row] > 1 ? 1 - (1 - cosine) / lift[row] : cosine;
    const score = bonus ? contentWeight * content + bonus(ids[row]) : content;
    if (score <= 0) continue;
    if (size === limit && !ranksBefore(score, ids[row], topScores[size - 1], ids[topRows[size - 1]])) continue;
    let slot = size < limit ? size++ : size - 1;
    while (slot > 0 && ranksBefore(score, ids[row], topScores[slot - 1], ids[topRows[slot - 1]])) {
      topRows[slot] = topRows[slot - 1];
      topScores[slot] = topScores[slot - 1];
      topCosines[slot] = topCosines[slot - 1];
      topContent[slot] = topContent[slot - 1];
      slot--;
    }
    topRows[slot] = row;
    topScores[slot] = score;
    topCosines[slot] = cosine;
    topContent[slot] = content;
  }

  const recommendations: Recommendation[] = [];
  for (let k = 0; k < size; k++) {
    const row = topRows[k];
    const becauseOf = mostSimilarBought(space, row, boughtRows, boughtWeight);
    const booster = lift[row] > 1 ? boostedBy[row] : null;
    // The reason names whichever of similarity and the rule's boost contributes more to the score.
    const boostWins = booster !== null && topContent[k] - topCosines[k] > topCosines[k];
    const reason =
      boostWins || becauseOf === null
        ? `Often bought with ${productName(booster as number)}`
        : `Like ${productName(becauseOf)} you bought`;
    recommendations.push({ productId: ids[row], score: topScores[k], reason, becauseOf, boostedBy: booster, ...(bonus ? { contentScore: topContent[k] } : {}) });
  }
  return recommendations;
}

function ranksBefore(score: number, id: number, otherScore: number, otherId: number): boolean {
  return score > otherScore || (score === otherScore && id < otherId);
}

/** Most similar bought product; ties go to the heavier profile weight, then the lower id. */
function mostSimilarBought(space: ProductSpace, row: number, boughtRows: number[], boughtWeight: Float64Array): number | null {
  let best = -1;
  let bestSimilarity = 0;
  for (const bought of boughtRows) {
    const similarity = rowDot(space, row, bought);
    if (
      similarity > bestSimilarity ||
      (similarity === bestSimilarity &&
        best >= 0 &&
        (boughtWeight[bought] > boughtWeight[best] ||
          (boughtWeight[bought] === boughtWeight[best] && space.productIds[bought] < space.productIds[best])))
    ) {
      best = bought;
      bestSimilarity = similarity;
    }
  }
  return best < 0 ? null : space.productIds[best];
}

/** Dot product of two sparse rows by merging their ascending columns. */
function rowDot(space: ProductSpace, a: number, b: number): number {
  const { rowStart, columns, weights } = space;
  let p = rowStart[a];
  let q = rowStart[b];
  const pEnd = rowStart[a + 1];
  const qEnd = rowStart[b + 1];
  let dot = 0;
  while (p < pEnd && q < qEnd) {
    if (columns[p] === columns[q]) dot += weights[p++] * weights[q++];
    else if (columns[p] < columns[q]) p++;
    else q++;
  }
  return dot;
}

/** Nearest-rank quantile breaks of the prices, deduplicated; a price equal to a break falls in the lower band. */
function bandBreaks(prices: Float64Array, bands: number): number[] {
  const sorted = Float64Array.from(prices).sort();
  const breaks: number[] = [];
  for (let k = 1; k < bands && sorted.length > 0; k++) {
    const value = sorted[Math.ceil((k * sorted.length) / bands) - 1];
    if (breaks.length === 0 || value > breaks[breaks.length - 1]) breaks.push(value);
  }
  return breaks;
}

function priceBand(breaks: number[], price: number): number {
  let band = 0;
  while (band < breaks.length && price > breaks[band]) band++;
  return band;
}
