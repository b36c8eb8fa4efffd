import { toFlatMatrix } from './matrix';

export interface StandardizeResult {
  /** (value - mean) / std per column. */
  z: number[][];
  means: number[];
  /** Population standard deviations (divisor n, as scikit-learn's StandardScaler); 1 for a constant column. */
  stds: number[];
}

/**
 * Rescales every column to mean 0 and standard deviation 1, so that k-means weighs income in
 * thousands and purchases per month alike. A constant column keeps std 1 (all its z are 0).
 * @param rows - one array of feature values per customer
 */
export function standardize(rows: ReadonlyArray<ReadonlyArray<number>>): StandardizeResult {
  const { data, rows: n, columns: d } = toFlatMatrix(rows);
  const means = new Array<number>(d).fill(0);
  const stds = new Array<number>(d).fill(0);
  for (let j = 0; j < d; j++) {
    let sum = 0;
    let constant = true;
    for (let i = 0; i < n; i++) {
      sum += data[i * d + j];
      constant &&= data[i * d + j] === data[j];
    }
    // The mean of equal values can be off by rounding: test constancy exactly, not by variance.
    const mean = constant ? data[j] : sum / n;
    let squares = 0;
    for (let i = 0; i < n; i++) squares += (data[i * d + j] - mean) * (data[i * d + j] - mean);
    means[j] = mean;
    stds[j] = constant ? 1 : Math.sqrt(squares / n);
  }
  const z: number[][] = new Array(n);
  for (let i = 0; i < n; i++) {
    const row = new Array<number>(d);
    for (let j = 0; j < d; j++) row[j] = (data[i * d + j] - means[j]) / stds[j];
    z[i] = row;
  }
  return { z, means, stds };
}
