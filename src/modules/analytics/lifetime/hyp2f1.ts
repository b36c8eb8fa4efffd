import gammaln from '@stdlib/math-base-special-gammaln';

/** Options for {@link hyp2f1}. */
export interface Hyp2f1Options {
  /** Series terms allowed before giving up with a RangeError. Default 1,000,000. */
  maxTerms?: number;
}

/** log|Γ(x)| and the sign of Γ(x), for any x that is not a non-positive integer (reflection for x < 0). */
function signedLogGamma(x: number): { log: number; sign: number } {
  if (x > 0) return { log: gammaln(x), sign: 1 };
  const s = Math.sin(Math.PI * x);
  return { log: Math.log(Math.PI) - Math.log(Math.abs(s)) - gammaln(1 - x), sign: Math.sign(s) };
}

/** Γ(n1)Γ(n2) / (Γ(d1)Γ(d2)), through logarithms; 0 when a denominator argument is a pole (1/Γ = 0). */
function gammaRatio(n1: number, n2: number, d1: number, d2: number): number {
  for (const d of [d1, d2]) if (d <= 0 && Number.isInteger(d)) return 0;
  const [a, b, c, e] = [signedLogGamma(n1), signedLogGamma(n2), signedLogGamma(d1), signedLogGamma(d2)];
  return a.sign * b.sign * c.sign * e.sign * Math.exp(a.log + b.log - c.log - e.log);
}

/** z above this goes through the transformation to 1 − z, where the series converge fast. */
const NEAR_ONE = 0.9;

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
  const gap = c - a - b;
  // Near z = 1 the series needs ~37 / (1 − z) terms, or never settles when it converges only like a power of
  // k. Abramowitz & Stegun 15.3.6 rewrites it as two series in 1 − z (valid when c − a − b is not an integer).
  if (z > NEAR_ONE && Math.abs(gap - Math.round(gap)) > 1e-6) {
    const w = 1 - z;
    const first = gammaRatio(c, gap, c - a, c - b) * series(a, b, a + b - c + 1, w, maxTerms);
    const second = Math.pow(w, gap) * gammaRatio(c, -gap, a, b) * series(c - a, c - b, gap + 1, w, maxTerms);
    return first + second;
  }
  return series(a, b, c, z, maxTerms);
}

// Module constants rather than global lookups in the hot loop: under Jest's VM context each access to the global
// `Math` costs ~100x more than in plain Node, which made likelihood fits crawl in the test suite.
const { abs, max } = Math;
const EPSILON = Number.EPSILON;

function series(a: number, b: number, c: number, z: number, maxTerms: number): number {
  let sum = 1;
  let term = 1;
  for (let k = 0; k < maxTerms; k++) {
    const ratio = (((a + k) * (b + k)) / ((c + k) * (k + 1))) * z;
    term *= ratio;
    sum += term;
    if (term === 0) return sum; // a or b is a non-positive integer: a polynomial
    // Once terms shrink, the tail is at most a geometric series with the larger of the two rates.
    const r = abs(ratio);
    const rate = max(r, abs(z));
    if (r < 1 && abs(term) <= EPSILON * abs(sum) * (1 - rate)) return sum;
  }
  throw new RangeError(`hyp2f1: series did not converge in ${maxTerms} terms (z = ${z})`);
}
