import gammaln from '@stdlib/math-base-special-gammaln';
import { checkCustomer, checkPositiveParams, type BgNbdCustomer } from './bg-nbd';
import { hyp2f1 } from './hyp2f1';
import { FitOptions, FitResult, maximizeLogLikelihood } from './mle';

// Module constants, not global lookups: under Jest's VM context every access to the global Math is ~100x slower.
const { abs, exp, expm1, log, log1p, max } = Math;

/**
 * Pareto/NBD parameters (Schmittlein, Morrison & Colombo 1987): purchase rates ~ Gamma(r, alpha), dropout
 * rates ~ Gamma(s, beta); a customer's lifetime is exponential, so she may drop out at any moment, also
 * right after her first purchase.
 */
export interface ParetoNbdParams {
  r: number;
  alpha: number;
  s: number;
  beta: number;
}

export type ParetoNbdCustomer = BgNbdCustomer;

function checkParams(p: ParetoNbdParams): void {
  checkPositiveParams('Pareto/NBD', p, ['r', 'alpha', 's', 'beta']);
}

/**
 * log of one of the two terms of A_0 in Fader & Hardie's note "A Note on Deriving the Pareto/NBD Model and
 * Related Expressions" (2005), eq. (22)-(23): 2F1(r+s+x, b1; r+s+x+1; z) / base^(r+s+x) with
 * z = |alpha − beta| / base, base = max(alpha, beta) + t, b1 = s + 1 when alpha >= beta, else r + x.
 * Euler's transformation 2F1(a, b1; a+1; z) = (1−z)^(1−b1) 2F1(1, a+1−b1; a+1; z) leaves a series of positive terms
 * whose ratio stays below z, where the original's grows first for frequent buyers (b1 = r + x large).
 */
function logA0Term(r: number, alpha: number, s: number, beta: number, x: number, t: number): number {
  const a1 = r + s + x;
  const b1 = alpha >= beta ? s + 1 : r + x;
  const base = (alpha >= beta ? alpha : beta) + t;
  const z = abs(alpha - beta) / base;
  return (1 - b1) * log1p(-z) + log(hyp2f1(1, a1 + 1 - b1, a1 + 1, z)) - a1 * log(base);
}

/** log A_0 = log(term(t_x) − term(T)); −Infinity when t_x = T (no time between the last purchase and the end). */
function logA0(p: ParetoNbdParams, x: number, recency: number, T: number): number {
  const { r, alpha, s, beta } = p;
  if (recency >= T) return -Infinity;
  const first = logA0Term(r, alpha, s, beta, x, recency);
  const second = logA0Term(r, alpha, s, beta, x, T);
  return first + log1p(-exp(second - first));
}

/** log[(s / (r+s+x)) A_0 (alpha+T)^(r+x) (beta+T)^s]: the odds that the customer died in (t_x, T] against alive at T. */
function logOddsDead(p: ParetoNbdParams, c: ParetoNbdCustomer): number {
  const { r, alpha, s, beta } = p;
  const x = c.frequency;
  return log(s / (r + s + x)) + logA0(p, x, c.recency, c.T) + (r + x) * log(alpha + c.T) + s * log(beta + c.T);
}

const logAddExp = (u: number, v: number): number => {
  if (u === -Infinity) return v;
  if (v === -Infinity) return u;
  const m = max(u, v);
  return m + log1p(exp(-abs(u - v)));
};

/**
 * Fits the Pareto/NBD model by maximum likelihood with the likelihood of Fader & Hardie's 2005 note (eq. 22),
 * the Gauss hypergeometric function evaluated by its series, through logs. Like fitBgNbd: log-parameters,
 * Nelder–Mead, times scaled so that the largest T is 1 while optimising (alpha and beta scaled back).
 * Customers share few distinct (x, t_x) and (x, T) pairs, so each 2F1 term is computed once per pair, and
 * identical histories once per history.
 */
export function fitParetoNbd(data: ReadonlyArray<ParetoNbdCustomer>, options: FitOptions & { start?: ParetoNbdParams } = {}): FitResult<ParetoNbdParams> {
  const n = data.length;
  if (n === 0) throw new RangeError('fitParetoNbd: no customers to fit');
  let maxT = 0;
  data.forEach((c, i) => {
    checkCustomer(c, `fitParetoNbd: customer ${i}`);
    if (c.T > maxT) maxT = c.T;
  });
  if (maxT === 0) throw new RangeError('fitParetoNbd: every T is 0, there is no observation time to fit on');

  // Distinct (x, t) pairs for the two A_0 terms; distinct x for the gamma terms.
  const pairOf = new Map<string, number>();
  const pairX: number[] = [];
  const pairT: number[] = [];
  const pair = (x: number, t: number): number => {
    const key = `${x}:${t}`;
    let k = pairOf.get(key);
    if (k === undefined) {
      k = pairX.length;
      pairOf.set(key, k);
      pairX.push(x);
      pairT.push(t / maxT);
    }
    return k;
  };
  const levelOf = new Map<number, number>();
  const levelCounts: number[] = [];
  // Identical histories (most one-time buyers of a day share one) are summed once, weighted by their count.
  const historyOf = new Map<string, number>();
  const level: number[] = [];
  const atRecency: number[] = [];
  const atAge: number[] = [];
  // Distinct ages: log(alpha + T) and log(beta + T) once per age and evaluation.
  const ageOf = new Map<number, number>();
  const ageIndex: number[] = [];
  const weight: number[] = [];
  let repeatPurchases = 0;
  data.forEach(({ frequency: x, recency, T }) => {
    let l = levelOf.get(x);
    if (l === undefined) {
      l = levelOf.size;
      levelOf.set(x, l);
      levelCounts.push(0);
    }
    levelCounts[l]++;
    repeatPurchases += x;
    const key = `${x}:${recency}:${T}`;
    const h = historyOf.get(key);
    if (h !== undefined) {
      weight[h]++;
      return;
    }
    historyOf.set(key, level.length);
    level.push(l);
    // -1: the last purchase is at T, A_0 = 0.
    atRecency.push(recency < T ? pair(x, recency) : -1);
    atAge.push(pair(x, T));
    let k = ageOf.get(T);
    if (k === undefined) ageOf.set(T, (k = ageOf.size));
    ageIndex.push(k);
    weight.push(1);
  });
  const histories = level.length;
  const levels = Float64Array.from(levelOf.keys());
  const pxs = Float64Array.from(pairX);
  const pts = Float64Array.from(pairT);
  const terms = new Float64Array(pxs.length);
  const ages = Float64Array.from(ageOf.keys(), (T) => T / maxT);
  const logAlphaAge = new Float64Array(ages.length);
  const logBetaAge = new Float64Array(ages.length);
  const levelConst = new Float64Array(levels.length);

  const logLikelihood = (p: Float64Array): number => {
    const [r, alpha, s, beta] = p;
    try {
      for (let k = 0; k < pxs.length; k++) terms[k] = logA0Term(r, alpha, s, beta, pxs[k], pts[k]);
    } catch (e) {
      if (e instanceof RangeError) return NaN; // a series that does not settle: this corner is out of bounds
      throw e;
    }
    let total = n * (r * log(alpha) + s * log(beta) - gammaln(r));
    for (let j = 0; j < levels.length; j++) {
      total += levelCounts[j] * gammaln(r + levels[j]);
      levelConst[j] = log(s / (r + s + levels[j]));
    }
    for (let k = 0; k < ages.length; k++) {
      logAlphaAge[k] = log(alpha + ages[k]);
      logBetaAge[k] = log(beta + ages[k]);
    }
    for (let i = 0; i < histories; i++) {
      const x = levels[level[i]];
      const alive = -(r + x) * logAlphaAge[ageIndex[i]] - s * logBetaAge[ageIndex[i]];
      let dead = -Infinity;
      if (atRecency[i] >= 0) {
        const first = terms[atRecency[i]];
        dead = levelConst[level[i]] + first + log1p(-exp(terms[atAge[i]] - first));
      }
      total += weight[i] * logAddExp(alive, dead);
    }
    return total;
  };

  // Started from the published CDNOW fit's shape (scaled to the data): a sensible point for purchase data.
  const start = options.start
    ? [options.start.r, options.start.alpha / maxT, options.start.s, options.start.beta / maxT]
    : [0.5, 0.25, 0.5, 0.25];
  const fit = maximizeLogLikelihood(logLikelihood, n, start, options);
  const [r, alphaScaled, s, betaScaled] = fit.params;
  return {
    params: { r, alpha: alphaScaled * maxT, s, beta: betaScaled * maxT },
    logLikelihood: fit.logLikelihood - repeatPurchases * log(maxT),
    converged: fit.converged,
    iterations: fit.iterations,
    subjects: n,
  };
}

/**
 * Probability that the customer is still alive at T (Fader & Hardie 2005 note, eq. 26): for a one-time buyer
 * it falls as T grows, unlike BG/NBD's.
 */
export function paretoNbdProbabilityAlive(params: ParetoNbdParams, c: ParetoNbdCustomer): number {
  checkParams(params);
  checkCustomer(c, 'paretoNbdProbabilityAlive');
  return 1 / (1 + exp(logOddsDead(params, c)));
}

/**
 * Expected number of purchases in the next `t` time units (Fader & Hardie 2005 note, eq. 27; lifetimes'
 * ParetoNBDFitter.conditional_expected_number_of_purchases_up_to_time):
 * P(alive) · (r+x)(beta+T) / ((alpha+T)(s−1)) · [1 − ((beta+T)/(beta+T+t))^(s−1)], with its limit at s = 1.
 */
export function paretoNbdExpectedPurchases(params: ParetoNbdParams, t: number, c: ParetoNbdCustomer): number {
  return paretoNbdExpectedPurchasesCurve(params, [t], c)[0];
}

/** paretoNbdExpectedPurchases at several horizons, with P(alive) (two 2F1 series) computed once. */
export function paretoNbdExpectedPurchasesCurve(params: ParetoNbdParams, ts: ArrayLike<number>, c: ParetoNbdCustomer): number[] {
  checkParams(params);
  checkCustomer(c, 'paretoNbdExpectedPurchases');
  for (let i = 0; i < ts.length; i++) {
    if (!(ts[i] >= 0) || !Number.isFinite(ts[i])) throw new RangeError(`paretoNbdExpectedPurchases: t must be >= 0, got ${ts[i]}`);
  }
  const { r, alpha, s, beta } = params;
  const x = c.frequency;
  const bt = beta + c.T;
  const scale = (1 / (1 + exp(logOddsDead(params, c)))) * ((r + x) * bt / (alpha + c.T));
  return Array.from(ts, (t) => {
    const logRatio = log(bt / (bt + t)); // <= 0
    // (1 − e^((s−1) L)) / (s − 1) → −L as s → 1; expm1 keeps it accurate near there.
    const lifetime = abs(s - 1) < 1e-8 ? -logRatio : -expm1((s - 1) * logRatio) / (s - 1);
    return scale * lifetime;
  });
}
