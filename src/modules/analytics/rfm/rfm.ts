export interface RfmInput {
  /** Days since the last purchase, as of the scoring date. */
  recencyDays: number;
  /** Number of purchases (at least 1 for the population the model is fitted on). */
  frequency: number;
  /** Amount spent, e.g. total of completed purchases in cents. */
  monetary: number;
}

/**
 * Quintile breakpoints of the population, four ascending values per dimension. Scores count the
 * breakpoints strictly below the value: bins are closed on the right like pandas.qcut's, so identical
 * values always share a score and a value equal to a breakpoint falls in the lower bin (lower F and M
 * scores, higher R score, since few days since the last purchase is good).
 */
export interface RfmModel {
  recency: number[];
  frequency: number[];
  monetary: number[];
}

export type RfmSegmentName =
  | 'Champions'
  | 'Loyal'
  | 'Potential loyalist'
  | 'New'
  | 'Promising'
  | 'Need attention'
  | 'About to sleep'
  | 'At risk'
  | "Can't lose"
  | 'Hibernating'
  | 'Lost';

export interface RfmScore {
  r: number;
  f: number;
  m: number;
  /** r, f and m as digits, e.g. "545". */
  code: string;
  segment: RfmSegmentName;
}

/**
 * The R/F segment grid: row = R score 5..1, column = F score 1..5.
 * It is the widely used ten-segment R/F map, except that its Hibernating block (R 1-2, F 1-2)
 * is split so that the oldest recency quintile with low frequency reads as Lost.
 */
const SEGMENT_GRID: ReadonlyArray<ReadonlyArray<RfmSegmentName>> = [
  /* R=5 */ ['New', 'Potential loyalist', 'Potential loyalist', 'Champions', 'Champions'],
  /* R=4 */ ['Promising', 'Potential loyalist', 'Potential loyalist', 'Loyal', 'Loyal'],
  /* R=3 */ ['About to sleep', 'About to sleep', 'Need attention', 'Loyal', 'Loyal'],
  /* R=2 */ ['Hibernating', 'Hibernating', 'At risk', 'At risk', "Can't lose"],
  /* R=1 */ ['Lost', 'Lost', 'At risk', 'At risk', "Can't lose"],
];

const QUINTILE_COUNT = 5;

/** The segment of an R score and an F score, both 1..5. */
export function rfmSegment(r: number, f: number): RfmSegmentName {
  if (!isScore(r) || !isScore(f)) throw new RangeError(`R and F scores must be integers 1..5, got ${r} and ${f}`);
  return SEGMENT_GRID[QUINTILE_COUNT - r][f - 1];
}

/** Fits the quintile breakpoints on the customers with at least one purchase. */
export function fitRfmModel(rows: ReadonlyArray<RfmInput>): RfmModel {
  const n = rows.length;
  if (n === 0) throw new RangeError('fitRfmModel needs at least one customer');
  const recency = new Float64Array(n);
  const frequency = new Float64Array(n);
  const monetary = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const row = rows[i];
    checkRow(row, `rows[${i}]`);
    if (row.frequency < 1) {
      throw new RangeError(`rows[${i}].frequency is ${row.frequency}: fit on customers with at least one purchase`);
    }
    recency[i] = row.recencyDays;
    frequency[i] = row.frequency;
    monetary[i] = row.monetary;
  }
  return {
    recency: breakpoints(recency),
    frequency: breakpoints(frequency),
    monetary: breakpoints(monetary),
  };
}

export function scoreRfm(model: RfmModel, row: RfmInput): RfmScore {
  checkRow(row, 'row');
  for (const name of ['recency', 'frequency', 'monetary'] as const) {
    if (model[name]?.length !== QUINTILE_COUNT - 1) throw new TypeError(`model.${name} must hold 4 breakpoints`);
  }
  let r = QUINTILE_COUNT;
  let f = 1;
  let m = 1;
  for (let k = 0; k < QUINTILE_COUNT - 1; k++) {
    if (row.recencyDays > model.recency[k]) r--;
    if (row.frequency > model.frequency[k]) f++;
    if (row.monetary > model.monetary[k]) m++;
  }
  return { r, f, m, code: `${r}${f}${m}`, segment: SEGMENT_GRID[QUINTILE_COUNT - r][f - 1] };
}

/**
 * Nearest-rank quintiles: the k-th breakpoint is the largest value among the lowest ceil(k n / 5).
 * Without ties each bin then holds exactly one fifth by rank. A tie block falls in the bin of its
 * lowest-ranked member, so bins above the k-th never hold more than (5 - k) fifths together: when most
 * customers bought once, they share F = 1 and the top F score still goes to at most a fifth.
 */
function breakpoints(values: Float64Array): number[] {
  const n = values.length;
  values.sort();
  const cuts: number[] = [];
  for (let k = 1; k < QUINTILE_COUNT; k++) cuts.push(values[Math.ceil((k * n) / QUINTILE_COUNT) - 1]);
  return cuts;
}

function checkRow(row: RfmInput, label: string): void {
  if (!Number.isFinite(row.recencyDays) || row.recencyDays < 0) {
    throw new RangeError(`${label}.recencyDays must be a finite number of days >= 0, got ${row.recencyDays}`);
  }
  if (!Number.isFinite(row.frequency) || row.frequency < 0) {
    throw new RangeError(`${label}.frequency must be a finite count >= 0, got ${row.frequency}`);
  }
  if (!Number.isFinite(row.monetary)) {
    throw new RangeError(`${label}.monetary must be a finite amount, got ${row.monetary}`);
  }
}

function isScore(value: number): boolean {
  return Number.isInteger(value) && value >= 1 && value <= QUINTILE_COUNT;
}
