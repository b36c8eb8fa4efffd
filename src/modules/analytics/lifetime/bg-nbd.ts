import gammaln from '@stdlib/math-base-special-gammaln';
import { hyp2f1 } from './hyp2f1';
import { FitOptions, FitResult, maximizeLogLikelihood } from './mle';

// Module constants, not global lookups: under Jest's VM context every access to the global Math is ~100x slower.
const { abs, exp, log, log1p, max, pow } = Math;

/** BG/NBD parameters: purchase rates ~ Gamma(r, alpha), dropout probabilities ~ Beta(a, b). */
export interface BgNbdParams {
  r: number;
  alpha: number;
  a: number;
  b: number;
}

/** A customer's calibration summary: repeat purchases, time of the last one and age, in one time unit. */
export interface BgNbdCustomer {
  frequency: number;
  recency: number;
  T: number;
}

/** A purchase history summary every model of the family checks the same way. */
export function checkCustomer(c: BgNbdCustomer, where: string): void {
  const { frequency, recency, T } = c;
  if (!Number.isInteger(frequency) || frequency < 0) {
    throw new RangeError(`${where}: frequency must be a non-negative integer, got ${frequency}`);
  }
  if (!Number.isFinite(recency) || !Number.isFinite(T) || recency < 0 || recency > T) {
    throw new RangeError(`${where}: need 0 <= recency <= T (finite), got recency ${recency}, T ${T}`);
  }
  if (frequency === 0 && recency !== 0) {
    throw new RangeError(`${where}: recency must be 0 when frequency is 0, got ${recency}`);
  }
}

/** Every named parameter of a model is a positive finite number. */
export function checkPositiveParams<P extends object>(model: string, p: P, names: readonly (keyof P & string)[]): void {
  for (const name of names) {
    const v = p[name] as unknown as number;
    if (!(v > 0) || !Number.isFinite(v)) throw new RangeError(`${model} parameter ${name} must be a positive finite number, got ${v}`);
  }
}

function checkParams(p: BgNbdParams): void {
  checkPositiveParams('BG/NBD', p, ['r', 'alpha', 'a', 'b']);
}

/**
 * Fits the BG/NBD model (Fader, Hardie & Lee 2005) by maximum likelihood, as lifetimes'
 * BetaGeoFitter: same log-likelihood and penalty, log-parameters, times scaled so that the
 * largest T is 1 while optimising (alpha is scaled back).
 */
export function fitBgNbd(data: ReadonlyArray<BgNbdCustomer>, options: FitOptions = {}): FitResult<BgNbdParams> {
  const n = data.length;
  if (n === 0) throw new RangeError('fitBgNbd: no customers to fit');
  let maxT = 0;
  data.forEach((c, i) => {
    checkCustomer(c, `fitBgNbd: customer ${i}`);
    if (c.T > maxT) maxT = c.T;
  });
  if (maxT === 0) throw new RangeError('fitBgNbd: every T is 0, there is no observation time to fit on');

  // Customers without repeat purchases only need log(alpha + T); the others also need their recency
  // and share few distinct frequencies, whose gamma-function terms are computed once per value.
  const zeroAge: number[] = [];
  const repeatAge: number[] = [];
  const repeatRecency: number[] = [];
  const repeatLevel: number[] = [];
  const levelOf = new Map<number, number>();
  const levelCounts: number[] = [];
  let repeatPurchases = 0;
  for (const { frequency: x, recency, T } of data) {
    if (x === 0) {
      zeroAge.push(T / maxT);
      continue;
    }
    let level = levelOf.get(x);
    if (level === undefined) {
      level = levelOf.size;
      levelOf.set(x, level);
      levelCounts.push(0);
    }
    levelCounts[level]++;
    repeatPurchases += x;
    repeatLevel.push(level);
    repeatAge.push(T / maxT);
    repeatRecency.push(recency / maxT);
  }
  const zeros = Float64Array.from(zeroAge);
  const age = Float64Array.from(repeatAge);
  const recency = Float64Array.from(repeatRecency);
  const levelIndex = Int32Array.from(repeatLevel);
  const levels = Float64Array.from(levelOf.keys());
  const levelLogDrop = new Float64Array(levels.length); // log(a / (b + x − 1))

  const logLikelihood = (p: Float64Array): number => {
    const [r, alpha, a, b] = p;
    // A_1 + A_2 of lifetimes, which reduce to r log(alpha) when x = 0.
    let total = n * r * log(alpha) + age.length * (gammaln(a + b) - gammaln(b) - gammaln(r));
    for (let j = 0; j < levels.length; j++) {
      const x = levels[j];
      total += levelCounts[j] * (gammaln(r + x) + gammaln(b + x) - gammaln(a + b + x));
      levelLogDrop[j] = log(a / (b + x - 1));
    }
    let zeroLogs = 0;
    for (let i = 0; i < zeros.length; i++) zeroLogs += log(alpha + zeros[i]);
    total -= r * zeroLogs; // A_3 when x = 0
    for (let i = 0; i < age.length; i++) {
      const j = levelIndex[i];
      const rx = r + levels[j];
      const logAlphaT = log(alpha + age[i]);
      // log(exp(A_3) + exp(A_4)) = A_3 + softplus(A_4 − A_3)
      const d = levelLogDrop[j] + rx * (logAlphaT - log(alpha + recency[i]));
      total += -rx * logAlphaT + max(d, 0) + log1p(exp(-abs(d)));
    }
    return total;
  };

  // lifetimes starts its optimiser at log-parameters 0.1.
  const start = exp(0.1);
  const fit = maximizeLogLikelihood(logLikelihood, n, [start, start, start, start], options);
  const [r, alphaScaled, a, b] = fit.params;
  return {
    params: { r, alpha: alphaScaled * maxT, a, b },
    // Scaling time by 1/maxT multiplies each customer's likelihood by maxT^x.
    logLikelihood: fit.logLikelihood - repeatPurchases * log(maxT),
    converged: fit.converged,
    iterations: fit.iterations,
    subjects: n,
  };
}

/**
 * Expected number of repeat purchases in the next `t` time units for a customer with this history
 * (lifetimes' conditional_expected_number_of_purchases_up_to_time, equation 10 of Fader, Hardie &
 * Lee 2005). The paper's (1−z)^(r+x)·2F1(r+x, b+x; a+b+x−1; z) is evaluated through Euler's
 * transformation as (1−z)^(a−1)·2F1(a+b−1−r, a−1; a+b+x−1; z): the same value, but neither factor
 * overflows for frequent buyers and the series converges faster.
 */
export function bgNbdExpectedPurchases(params: BgNbdParams, t: number, c: BgNbdCustomer): number {
  checkParams(params);
  checkCustomer(c, 'bgNbdExpectedPurchases');
  if (!(t >= 0) || !Number.isFinite(t)) throw new RangeError(`bgNbdExpectedPurchases: t must be >= 0, got ${t}`);
  const { r, alpha, a, b } = params;
  if (a === 1) throw new RangeError('bgNbdExpectedPurchases: a = 1 makes the closed form 0/0');
  const { frequency: x, T } = c;
  const z = t / (alpha + T + t);
  const decay = pow(1 - z, a - 1) * hyp2f1(a + b - 1 - r, a - 1, a + b + x - 1, z);
  const numerator = ((a + b + x - 1) / (a - 1)) * (1 - decay);
  return x === 0 ? numerator : numerator / (1 + exp(logOddsDead(params, c)));
}

/**
 * Probability that the customer has not dropped out (Fader, Hardie & Lee, note 021; lifetimes'
 * conditional_probability_alive). A customer without repeat purchases cannot have dropped out yet
 * in this model, so the answer is 1.
 */
export function bgNbdProbabilityAlive(params: BgNbdParams, c: BgNbdCustomer): number {
  checkParams(params);
  checkCustomer(c, 'bgNbdProbabilityAlive');
  return c.frequency === 0 ? 1 : 1 / (1 + exp(logOddsDead(params, c)));
}

/** log P(dropped out after the last purchase) − log P(alive), for frequency > 0 (lifetimes' log_div). */
function logOddsDead({ r, alpha, a, b }: BgNbdParams, { frequency: x, recency, T }: BgNbdCustomer): number {
  return log(a / (b + x - 1)) + (r + x) * log((alpha + T) / (alpha + recency));
}
