import { explainSegments } from './explain';
import type { ExplainOptions } from './explain';
import { kmeans } from './kmeans';
import { standardize } from './standardize';

export interface SegmentOptions {
  /** Number of segments. */
  k: number;
  /** Seed of the first k-means restart (restart r uses seed + r). */
  seed: number;
  /** k-means++ restarts, lowest inertia kept. Default 10. */
  restarts?: number;
  /** Cluster on z-scores, so that no feature dominates through its units. Default true. */
  standardize?: boolean;
  /** Lloyd iterations per restart. Default 300. */
  maxIterations?: number;
  /** k-means stopping tolerance, see KMeansOptions. Default 1e-4. */
  tolerance?: number;
  /** Decision-tree explanation settings. */
  explain?: ExplainOptions;
}

export interface SegmentExplanation {
  /** Readable rules, any one of which places a customer in this segment; [] when the shallow tree has none. */
  rules: string[];
  /** Share of all customers the tree's rules place in their own segment (the same for every segment). */
  accuracy: number;
}

export interface Segment {
  /** 0 = the largest segment; see segmentCustomers for the order. */
  id: number;
  size: number;
  /** size / number of customers. */
  share: number;
  /** Segment centre in original units. */
  centroid: { feature: string; value: number }[];
  /** Readable profile from the centre's z-scores, e.g. "High annual income, low spending score"; unique in a fit. */
  label: string;
  explanation: SegmentExplanation;
}

/** What assignSegment needs to place a new customer; plain JSON, so it can be stored with the fit. */
export interface SegmentModel {
  features: string[];
  standardized: boolean;
  means: number[];
  stds: number[];
  /** Per segment id, the centre in the space k-means ran in: z-scores when standardized, else original units. */
  centroids: number[][];
}

export interface SegmentationResult {
  k: number;
  features: string[];
  /** k-means inertia in the space it ran in (z-scores when standardized). */
  inertia: number;
  segments: Segment[];
  /** Segment id per input row. */
  labels: number[];
  standardized: boolean;
  /** The seed passed in: the same rows, options and seed give the same result. */
  seed: number;
  model: SegmentModel;
}

/**
 * Customer segments: k-means (k-means++ starts, seeded restarts, best inertia kept) on
 * standardized features, each segment with its size, centre in original units, a readable label
 * and decision-tree rules explaining it.
 * Segment ids are stable and meaningful: 0 is the largest segment, by size descending, ties by
 * centre (original units, first feature first) ascending.
 * @param rows - feature values per customer, in original units
 * @param featureNames - one name per column, e.g. ['age', 'annualIncome', 'purchaseFrequency']
 */
export function segmentCustomers(
  rows: ReadonlyArray<ReadonlyArray<number>>,
  featureNames: ReadonlyArray<string>,
  options: SegmentOptions,
): SegmentationResult {
  const { k, seed, restarts, maxIterations, tolerance, standardize: standardized = true } = options;
  const { z, means, stds } = standardize(rows);
  checkFeatureNames(featureNames, means.length);
  const fit = kmeans(standardized ? z : rows, { k, seed, restarts, maxIterations, tolerance });

  const sizes = new Array<number>(k).fill(0);
  for (const cluster of fit.labels) sizes[cluster]++;
  const original = fit.centroids.map((centre) =>
    standardized ? centre.map((value, j) => value * stds[j] + means[j]) : centre,
  );
  const order = Array.from({ length: k }, (_, cluster) => cluster).sort(
    (a, b) => sizes[b] - sizes[a] || compareRows(original[a], original[b]),
  );
  const idOf = new Array<number>(k);
  order.forEach((cluster, id) => (idOf[cluster] = id));
  const labels = Array.from(fit.labels, (cluster) => idOf[cluster]);

  const names = segmentNames(
    order.map((cluster) => original[cluster].map((value, j) => (value - means[j]) / stds[j])),
    featureNames,
  );
  const explanation = explainSegments(rows, labels, featureNames, options.explain);
  const segments = order.map((cluster, id) => ({
    id,
    size: sizes[cluster],
    share: sizes[cluster] / labels.length,
    centroid: original[cluster].map((value, j) => ({ feature: featureNames[j], value })),
    label: names[id],
    explanation: { rules: explanation.bySegment[id] ?? [], accuracy: explanation.accuracy },
  }));
  return {
    k,
    features: [...featureNames],
    inertia: fit.inertia,
    segments,
    labels,
    standardized,
    seed,
    model: {
      features: [...featureNames],
      standardized,
      means,
      stds,
      centroids: order.map((cluster) => fit.centroids[cluster]),
    },
  };
}

/**
 * The segment of a customer who was not in the fit: the nearest centre, measured as in the fit.
 * @param model - SegmentationResult.model
 * @param row - the customer's feature values in original units, in model.features order
 */
export function assignSegment(model: SegmentModel, row: ReadonlyArray<number>): number {
  const d = model.features.length;
  if (!Array.isArray(row) || row.length !== d) {
    throw new RangeError(`row must have ${d} values (${model.features.join(', ')})`);
  }
  const point = row.map((value, j) => {
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new TypeError(`row[${j}] (${model.features[j]}) must be a finite number, got ${String(value)}`);
    }
    return model.standardized ? (value - model.means[j]) / model.stds[j] : value;
  });
  let nearest = 0;
  let nearestDistance = Infinity;
  model.centroids.forEach((centre, id) => {
    let distance = 0;
    for (let j = 0; j < d; j++) distance += (point[j] - centre[j]) * (point[j] - centre[j]);
    if (distance < nearestDistance) {
      nearestDistance = distance;
      nearest = id;
    }
  });
  return nearest;
}

function checkFeatureNames(featureNames: ReadonlyArray<string>, columns: number): void {
  if (!Array.isArray(featureNames) || featureNames.length !== columns) {
    throw new RangeError(`featureNames must name the ${columns} columns`);
  }
  featureNames.forEach((name, j) => {
    if (typeof name !== 'string' || name.trim() === '') {
      throw new TypeError(`featureNames[${j}] must be a non-empty string`);
    }
    if (featureNames.indexOf(name) !== j) {
      throw new RangeError(`featureNames has "${name}" twice`);
    }
  });
}

function compareRows(a: number[], b: number[]): number {
  for (let j = 0; j < a.length; j++) if (a[j] !== b[j]) return a[j] - b[j];
  return 0;
}

/**
 * Readable, unique names from each centre's z-scores: first only the features at least half a
 * standard deviation from the mean ("High annual income, low spending score"); segments that
 * share a name get every feature on a five-step scale; a name still shared gets " (2)", " (3)".
 */
function segmentNames(zScores: number[][], featureNames: ReadonlyArray<string>): string[] {
  const words = featureNames.map(humanize);
  const brief = zScores.map((z) => {
    const notable = z.flatMap((value, j) =>
      Math.abs(value) >= 0.5 ? [`${value > 0 ? 'high' : 'low'} ${words[j]}`] : [],
    );
    return capitalize(notable.length > 0 ? notable.join(', ') : `average ${joinWords(words)}`);
  });
  const detailed = zScores.map((z, id) =>
    brief.indexOf(brief[id]) === brief.lastIndexOf(brief[id])
      ? brief[id]
      : capitalize(z.map((value, j) => `${level(value)} ${words[j]}`).join(', ')),
  );
  return detailed.map((name, id) => {
    const earlier = detailed.slice(0, id).filter((other) => other === name).length;
    return earlier === 0 ? name : `${name} (${earlier + 1})`;
  });
}

function level(z: number): string {
  if (z <= -1.5) return 'very low';
  if (z <= -0.5) return 'low';
  if (z < 0.5) return 'average';
  return z < 1.5 ? 'high' : 'very high';
}

/** "annualIncome" or "Annual_Income" -> "annual income"; acronyms such as "RFM" stay upper case. */
function humanize(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[\s_-]+/)
    .filter((word) => word !== '')
    .map((word) => (word === word.toUpperCase() && word.length > 1 ? word : word.toLowerCase()))
    .join(' ');
}

function joinWords(words: string[]): string {
  return words.length === 1 ? words[0] : `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
