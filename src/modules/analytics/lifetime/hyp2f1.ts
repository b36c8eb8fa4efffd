/** Options for {@link hyp2f1}. */
export interface Hyp2f1Options {
  /** Series terms allowed before giving up with a RangeError. Default 1,000,000. */
  maxTerms?: number;
}

/**
 * Gauss hypergeometric function 2F1(a, b; c; z) by its power series, for |z| < 1:
 * sum over k of (a)_k (b)_k / ((c)_k k!) z^k. The series converges geometrically at rate |z|, so
 * z close to 1 costs many terms (about 37 / (1 − |z|)); callers should pick the transformation
 * that keeps z small or the parameters tame (see bg-nbd.ts).
 */
export function hyp2f1(a: number, b: number, c: number, z: number, options: Hyp2f1Options = {}): number {
  const { maxTerms = 1_000_000 } = options;
  if (![a, b, c, z].every(Number.isFinite)) {
    throw new RangeError(`hyp2f1: arguments must be finite numbers, got (${a}, ${b}, ${c}, ${z})`);
  }
  if (!(Math.abs(z) < 1)) throw new RangeError(`hyp2f1: the series needs |z| < 1, got z = ${z}`);
  if (c <= 0 && Number.isInteger(c)) {
    throw new RangeError(`hyp2f1: c must not be zero or a negative integer, got ${c}`);
  }
  let sum = 1;
  let term = 1;
  for (let k = 0; k < maxTerms; k++) {
    const ratio = (((a + k) * (b + k)) / ((c + k) * (k + 1))) * z;
    term *= ratio;
    sum += term;
    if (term === 0) return sum; // a or b is a non-positive integer: a polynomial
    // Once terms shrink, the tail is at most a geometric series with the larger of the two rates.
    const rate = Math.max(Math.abs(ratio), Math.abs(z));
    if (Math.abs(ratio) < 1 && Math.abs(term) <= Number.EPSILON * Math.abs(sum) * (1 - rate)) return sum;
  }
  throw new RangeError(`hyp2f1: series did not converge in ${maxTerms} terms (z = ${z})`);
}
