import gammaln from '@stdlib/math-base-special-gammaln';
import { checkCustomer, checkPositiveParams, type BgNbdCustomer, type BgNbdParams } from './bg-nbd';
import { hyp2f1 } from './hyp2f1';
import { FitOptions, FitResult, maximizeLogLikelihood } from './mle';

// Module constants, not global lookups: under Jest's VM context every access to the global Math is ~100x slower.
const { abs, exp, log, log1p, max, pow } = Math;

/**
 * MBG/NBD (Batislam, Denizel & Filiztekin 2007): BG/NBD in which a customer may also drop out right after
 * her first purchase, so that a one-time buyer's P(alive) falls with the time since that purchase. Same
 * parameters as BG/NBD: purchase rates ~ Gamma(r, alpha), dropout probabilities ~ Beta(a, b).
 */
export type MbgNbdParams = BgNbdParams;
export type MbgNbdCustomer = BgNbdCustomer;

function checkParams(p: MbgNbdParams): void {
  checkPositiveParams('MBG/NBD', p, ['r', 'alpha', 'a', 'b']);
}

/** log P(dropped out after the last purchase) − log P(alive at T): log(a/(b+x)) + (r+x) log((alpha+T)/(alpha+t_x)). */
function logOddsDead({ r, alpha, a, b }: MbgNbdParams, { frequency: x, recency, T }: MbgNbdCustomer): number {
  return log(a / (b + x)) + (r + x) * log((alpha + T) / (alpha + recency));
}

/**
 * Fits MBG/NBD by maximum likelihood (Batislam et al. 2007, eq. 4; lifetimes' ModifiedBetaGeoFitter):
 * L = B(a, b+x+1)/B(a, b) · Γ(r+x) alpha^r / (Γ(r) (alpha+T)^(r+x)) · [1 + a/(b+x) ((alpha+T)/(alpha+t_x))^(r+x)].
 * Log-parameters, Nelder–Mead, times scaled so that the largest T is 1 while optimising, as fitBgNbd.
 */
export function fitMbgNbd(data: ReadonlyArray<MbgNbdCustomer>, options: FitOptions = {}): FitResult<MbgNbdParams> {
  const n = data.length;
  if (n === 0) throw new RangeError('fitMbgNbd: no customers to fit');
  let maxT = 0;
  data.forEach((c, i) => {
    checkCustomer(c, `fitMbgNbd: customer ${i}`);
    if (c.T > maxT) maxT = c.T;
  });
  if (maxT === 0) throw new RangeError('fitMbgNbd: every T is 0, there is no observation time to fit on');

  const levelOf = new Map<number, number>();
  const levelCounts: number[] = [];
  const level = new Int32Array(n);
  const age = new Float64Array(n);
  const recency = new Float64Array(n);
  let repeatPurchases = 0;
  data.forEach(({ frequency: x, recency: tx, T }, i) => {
    let l = levelOf.get(x);
    if (l === undefined) {
      l = levelOf.size;
      levelOf.set(x, l);
      levelCounts.push(0);
    }
    levelCounts[l]++;
    level[i] = l;
    age[i] = T / maxT;
    recency[i] = tx / maxT;
    repeatPurchases += x;
  });
  const levels = Float64Array.from(levelOf.keys());
  const levelLogDrop = new Float64Array(levels.length); // log(a / (b + x))

  const logLikelihood = (p: Float64Array): number => {
    const [r, alpha, a, b] = p;
    let total = n * (r * log(alpha) - gammaln(r) + gammaln(a + b) - gammaln(b));
    for (let j = 0; j < levels.length; j++) {
      const x = levels[j];
      total += levelCounts[j] * (gammaln(r + x) + gammaln(b + x + 1) - gammaln(a + b + x + 1));
      levelLogDrop[j] = log(a / (b + x));
    }
    for (let i = 0; i < n; i++) {
      const j = level[i];
      const rx = r + levels[j];
      const logAlphaT = log(alpha + age[i]);
      const d = levelLogDrop[j] + rx * (logAlphaT - log(alpha + recency[i]));
      total += -rx * logAlphaT + max(d, 0) + log1p(exp(-abs(d)));
    }
    return total;
  };

  const start = exp(0.1); // lifetimes' starting log-parameters
  const fit = maximizeLogLikelihood(logLikelihood, n, [start, start, start, start], options);
  const [r, alphaScaled, a, b] = fit.params;
  return {
    params: { r, alpha: alphaScaled * maxT, a, b },
    logLikelihood: fit.logLikelihood - repeatPurchases * log(maxT),
    converged: fit.converged,
    iterations: fit.iterations,
    subjects: n,
  };
}

/** P(alive at T) = 1 / (1 + a/(b+x) ((alpha+T)/(alpha+t_x))^(r+x)); below 1 for one-time buyers too. */
export function mbgNbdProbabilityAlive(params: MbgNbdParams, c: MbgNbdCustomer): number {
  checkParams(params);
  checkCustomer(c, 'mbgNbdProbabilityAlive');
  return 1 / (1 + exp(logOddsDead(params, c)));
}

/**
 * Expected purchases in the next `t` time units (Batislam et al. 2007, eq. 8; lifetimes'
 * ModifiedBetaGeoFitter): (a+b+x)/(a−1) · [1 − ((alpha+T)/(alpha+T+t))^(r+x) 2F1(r+x, b+x+1; a+b+x; z)] · P(alive),
 * z = t/(alpha+T+t). As in bg-nbd.ts the bracket goes through Euler's transformation,
 * (1−z)^(r+x) 2F1(r+x, b+x+1; a+b+x; z) = (1−z)^(a−1) 2F1(a+b−r, a−1; a+b+x; z), so that nothing overflows.
 */
export function mbgNbdExpectedPurchases(params: MbgNbdParams, t: number, c: MbgNbdCustomer): number {
  checkParams(params);
  checkCustomer(c, 'mbgNbdExpectedPurchases');
  if (!(t >= 0) || !Number.isFinite(t)) throw new RangeError(`mbgNbdExpectedPurchases: t must be >= 0, got ${t}`);
  const { r, alpha, a, b } = params;
  if (a === 1) throw new RangeError('mbgNbdExpectedPurchases: a = 1 makes the closed form 0/0');
  const x = c.frequency;
  const z = t / (alpha + c.T + t);
  const decay = pow(1 - z, a - 1) * hyp2f1(a + b - r, a - 1, a + b + x, z);
  return (((a + b + x) / (a - 1)) * (1 - decay)) / (1 + exp(logOddsDead(params, c)));
}
