import { DecisionTreeClassifier } from 'ml-cart';
import type { CartNode } from 'ml-cart';

import { toFlatMatrix } from './matrix';
import type { FlatMatrix } from './matrix';

export interface ExplainOptions {
  /** Depth of the tree, so at most 2^maxDepth rules in all. Default 3. */
  maxDepth?: number;
  /**
   * Rows the tree is fitted on. ml-cart's split search grows with the square of its rows
   * (~0.2 s at 1,000 rows), so above this a deterministic sample is taken: from each segment,
   * rows evenly spaced in input order, in proportion to its size. Default 1,000.
   */
  sampleSize?: number;
}

export interface SegmentExplanations {
  /**
   * Per segment id, readable rules (any one of them places a customer in the segment), most
   * customers first, e.g. "Annual_Income >= 70 and Spending_Score < 40"; [] when no leaf of the
   * shallow tree predicts the segment. Thresholds are in original units.
   */
  bySegment: string[][];
  /** Share of all rows (not only the fitted sample) that the rules place in their own segment. */
  accuracy: number;
  /** Rows the tree was fitted on. */
  trainingRows: number;
}

/** The fitted tree with thresholds made readable; rows with x[feature] < threshold go left. */
type RuleNode =
  | { segment: number; support: number }
  | { feature: number; threshold: number; left: RuleNode; right: RuleNode };

interface Bounds {
  feature: number;
  atLeast?: number;
  below?: number;
}

/**
 * Explains segments with a shallow CART decision tree (ml-cart) fitted to the segment labels:
 * each root-to-leaf path becomes a rule for the leaf's segment, conditions on one feature merged
 * into one range. A threshold is rounded to the roundest number that still splits the fitted rows
 * the same way (3 significant digits at most), and accuracy is measured with the rounded rules.
 * @param rows - feature values per customer, in original units
 * @param labels - segment id (0, 1, ...) per row
 * @param featureNames - one name per column, used in the rules
 */
export function explainSegments(
  rows: ReadonlyArray<ReadonlyArray<number>>,
  labels: ArrayLike<number>,
  featureNames: ReadonlyArray<string>,
  options: ExplainOptions = {},
): SegmentExplanations {
  const { maxDepth = 3, sampleSize = 1000 } = options;
  const matrix = toFlatMatrix(rows);
  if (labels.length !== matrix.rows) {
    throw new RangeError(`labels must have one entry per row (${matrix.rows}), got ${labels.length}`);
  }
  if (featureNames.length !== matrix.columns) {
    throw new RangeError(`featureNames must name the ${matrix.columns} columns, got ${featureNames.length}`);
  }
  if (!Number.isInteger(maxDepth) || maxDepth < 1) {
    throw new RangeError(`maxDepth must be a positive integer, got ${maxDepth}`);
  }
  if (!Number.isInteger(sampleSize) || sampleSize < 2) {
    throw new RangeError(`sampleSize must be an integer >= 2, got ${sampleSize}`);
  }
  let segmentCount = 0;
  for (let i = 0; i < labels.length; i++) {
    if (!Number.isInteger(labels[i]) || labels[i] < 0) {
      throw new RangeError(`labels[${i}] must be a segment id >= 0, got ${labels[i]}`);
    }
    segmentCount = Math.max(segmentCount, labels[i] + 1);
  }

  const sample = sampleRows(labels, segmentCount, sampleSize);
  const tree = new DecisionTreeClassifier({ maxDepth });
  tree.train(
    sample.map((i) => Array.from(matrix.data.subarray(i * matrix.columns, (i + 1) * matrix.columns))),
    sample.map((i) => labels[i]),
  );
  const ruleTree = readableTree(tree.root, matrix, labels, sample);

  const byLeaf: { rule: string; support: number }[][] = Array.from({ length: segmentCount }, () => []);
  collectRules(ruleTree, [], featureNames, byLeaf);
  let correct = 0;
  for (let i = 0; i < matrix.rows; i++) {
    if (predict(ruleTree, matrix, i) === labels[i]) correct++;
  }
  return {
    bySegment: byLeaf.map((rules) =>
      rules
        .sort((a, b) => b.support - a.support || (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0))
        .map(({ rule }) => rule),
    ),
    accuracy: correct / matrix.rows,
    trainingRows: sample.length,
  };
}

/** All rows, or per segment rows evenly spaced in input order, in proportion to segment size. */
function sampleRows(labels: ArrayLike<number>, segmentCount: number, sampleSize: number): number[] {
  const n = labels.length;
  if (n <= sampleSize) return Array.from({ length: n }, (_, i) => i);
  const members: number[][] = Array.from({ length: segmentCount }, () => []);
  for (let i = 0; i < n; i++) members[labels[i]].push(i);
  const sample: number[] = [];
  for (const rowsOfSegment of members) {
    const size = rowsOfSegment.length;
    if (size === 0) continue;
    const quota = Math.min(size, Math.max(1, Math.round((sampleSize * size) / n)));
    for (let q = 0; q < quota; q++) sample.push(rowsOfSegment[Math.floor(((q + 0.5) * size) / quota)]);
  }
  return sample.sort((a, b) => a - b);
}

/** Copies ml-cart's tree with readable thresholds, and folds splits whose two sides predict the same segment. */
function readableTree(node: CartNode, matrix: FlatMatrix, labels: ArrayLike<number>, reaching: number[]): RuleNode {
  if (!node.left || !node.right || node.splitColumn === undefined || node.splitValue === undefined) {
    const shares = node.distribution ? node.distribution.getRow(0) : [];
    let segment = 0;
    for (let s = 1; s < shares.length; s++) if (shares[s] > shares[segment]) segment = s;
    return { segment, support: reaching.filter((i) => labels[i] === segment).length };
  }
  const feature = node.splitColumn;
  const value = (i: number) => matrix.data[i * matrix.columns + feature];
  let below = -Infinity;
  let above = Infinity;
  for (const i of reaching) {
    if (value(i) < node.splitValue) below = Math.max(below, value(i));
    else above = Math.min(above, value(i));
  }
  const threshold = readableThreshold(below, above, node.splitValue);
  const left = readableTree(
    node.left,
    matrix,
    labels,
    reaching.filter((i) => value(i) < threshold),
  );
  const right = readableTree(
    node.right,
    matrix,
    labels,
    reaching.filter((i) => value(i) >= threshold),
  );
  if ('segment' in left && 'segment' in right && left.segment === right.segment) {
    return { segment: left.segment, support: left.support + right.support };
  }
  return { feature, threshold, left, right };
}

/**
 * The roundest number in (below, above] nearest to `split`: every such threshold splits the fitted
 * rows alike. Never finer than 3 significant digits of `split`, even when that moves a few rows.
 */
export function readableThreshold(below: number, above: number, split: number): number {
  if (split === 0) return 0;
  const finest = Math.floor(Math.log10(Math.abs(split))) - 2;
  const gap = above - below;
  const coarsest = Number.isFinite(gap) ? Math.max(finest, Math.ceil(Math.log10(gap))) : finest;
  for (let exponent = coarsest; exponent >= finest; exponent--) {
    const step = 10 ** exponent;
    let candidate = Math.round(split / step) * step;
    if (candidate <= below) candidate += step;
    if (candidate > above) candidate -= step;
    if (candidate > below && candidate <= above) return roundTo(candidate, exponent);
  }
  return roundTo(Math.round(split / 10 ** finest) * 10 ** finest, finest);
}

/** Strips binary noise such as 0.30000000000000004 from a multiple of 10^exponent. */
function roundTo(value: number, exponent: number): number {
  return exponent < 0 ? Number(value.toFixed(-exponent)) : value;
}

function collectRules(
  node: RuleNode,
  path: Bounds[],
  featureNames: ReadonlyArray<string>,
  byLeaf: { rule: string; support: number }[][],
): void {
  if ('segment' in node) {
    const rule =
      path.length === 0 ? 'all customers' : path.map((bounds) => describe(bounds, featureNames)).join(' and ');
    byLeaf[node.segment].push({ rule, support: node.support });
    return;
  }
  const narrowed = (change: Bounds): Bounds[] => {
    const at = path.findIndex((bounds) => bounds.feature === node.feature);
    if (at < 0) return [...path, change];
    const { atLeast, below } = path[at];
    const merged: Bounds = {
      feature: node.feature,
      atLeast: Math.max(atLeast ?? -Infinity, change.atLeast ?? -Infinity),
      below: Math.min(below ?? Infinity, change.below ?? Infinity),
    };
    return path.map((bounds, index) => (index === at ? merged : bounds));
  };
  collectRules(node.left, narrowed({ feature: node.feature, below: node.threshold }), featureNames, byLeaf);
  collectRules(node.right, narrowed({ feature: node.feature, atLeast: node.threshold }), featureNames, byLeaf);
}

const numberFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 6 });

function describe(bounds: Bounds, featureNames: ReadonlyArray<string>): string {
  const { feature, atLeast = -Infinity, below = Infinity } = bounds;
  const name = featureNames[feature];
  if (atLeast > -Infinity && below < Infinity) {
    return `${numberFormat.format(atLeast)} <= ${name} < ${numberFormat.format(below)}`;
  }
  if (atLeast > -Infinity) return `${name} >= ${numberFormat.format(atLeast)}`;
  return `${name} < ${numberFormat.format(below)}`;
}

function predict(node: RuleNode, matrix: FlatMatrix, row: number): number {
  let current = node;
  while (!('segment' in current)) {
    current = matrix.data[row * matrix.columns + current.feature] < current.threshold ? current.left : current.right;
  }
  return current.segment;
}
