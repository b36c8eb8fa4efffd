import gammaln from '@stdlib/math-base-special-gammaln';
import { FitOptions, FitResult, maximizeLogLikelihood } from './mle';

// Module constants, not global lookups: under Jest's VM context every access to the global Math is ~100x slower.
const { exp, log } = Math;

/** Gamma-Gamma parameters: spend per transaction ~ Gamma(p, ν) with ν ~ Gamma(q, v). */
export interface GammaGammaParams {
  p: number;
  q: number;
  v: number;
}

/** A customer's repeat purchase count and mean value of those repeat purchases. */
export interface GammaGammaCustomer {
  frequency: number;
  monetaryValue: number;
}

/**
 * Fits the Gamma-Gamma spend model (Fader, Hardie & Lee 2005; Hardie's note 025) by maximum
 * likelihood with lifetimes' GammaGammaFitter log-likelihood and penalty. Only customers with
 * frequency > 0 carry information about spend, so only they are used (and counted in `subjects`).
 */
export function fitGammaGamma(
  data: ReadonlyArray<GammaGammaCustomer>,
  options: FitOptions = {},
): FitResult<GammaGammaParams> {
  const repeaters = data.filter((c, i) => {
    if (!Number.isInteger(c.frequency) || c.frequency < 0) {
      throw new RangeError(`fitGammaGamma: customer ${i}: frequency must be a non-negative integer, got ${c.frequency}`);
    }
    if (c.frequency > 0 && !(c.monetaryValue > 0 && Number.isFinite(c.monetaryValue))) {
      throw new RangeError(
        `fitGammaGamma: customer ${i}: monetaryValue must be positive and finite when frequency > 0, got ${c.monetaryValue}`,
      );
    }
    return c.frequency > 0;
  });
  const n = repeaters.length;
  if (n === 0) throw new RangeError('fitGammaGamma: no customer with frequency > 0 to fit on');

  const frequency = new Float64Array(n);
  const spend = new Float64Array(n); // x · m, the customer's total repeat spend
  // The terms linear in p are summed once: Σ (p x − 1) log m + p x log x = p Σ x log(x m) − Σ log m.
  let sumXLogSpend = 0;
  let sumLogMean = 0;
  const levelOf = new Map<number, number>();
  const levelIndex = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const { frequency: x, monetaryValue: m } = repeaters[i];
    frequency[i] = x;
    spend[i] = x * m;
    sumXLogSpend += x * log(x * m);
    sumLogMean += log(m);
    let level = levelOf.get(x);
    if (level === undefined) {
      level = levelOf.size;
      levelOf.set(x, level);
    }
    levelIndex[i] = level;
  }
  const levels = Float64Array.from(levelOf.keys());
  const levelCounts = new Float64Array(levels.length);
  for (let i = 0; i < n; i++) levelCounts[levelIndex[i]]++;

  const logLikelihood = (params: Float64Array): number => {
    const [p, q, v] = params;
    let total = n * (q * log(v) - gammaln(q)) + p * sumXLogSpend - sumLogMean;
    for (let j = 0; j < levels.length; j++) {
      const px = p * levels[j];
      total += levelCounts[j] * (gammaln(px + q) - gammaln(px));
    }
    for (let i = 0; i < n; i++) total -= (p * frequency[i] + q) * log(spend[i] + v);
    return total;
  };

  const start = exp(0.1); // lifetimes' starting log-parameters are 0.1
  const fit = maximizeLogLikelihood(logLikelihood, n, [start, start, start], options);
  const [p, q, v] = fit.params;
  return { params: { p, q, v }, logLikelihood: fit.logLikelihood, converged: fit.converged, iterations: fit.iterations, subjects: n };
}

/**
 * Expected mean value of a customer's future transactions (lifetimes'
 * conditional_expected_average_profit): a credibility-weighted mix of the population mean
 * v·p/(q−1) and the customer's own mean repeat value. Needs q > 1 for the population mean to exist.
 */
export function gammaGammaExpectedValue(params: GammaGammaParams, c: GammaGammaCustomer): number {
  const { p, q, v } = params;
  if (!(p > 0 && v > 0 && Number.isFinite(p) && Number.isFinite(v) && Number.isFinite(q))) {
    throw new RangeError(`Gamma-Gamma parameters p and v must be positive and finite, got p ${p}, v ${v}`);
  }
  if (!(q > 1)) throw new RangeError(`gammaGammaExpectedValue: q must exceed 1 for a finite mean spend, got ${q}`);
  const { frequency: x, monetaryValue: m } = c;
  if (!Number.isInteger(x) || x < 0) throw new RangeError(`gammaGammaExpectedValue: frequency must be a non-negative integer, got ${x}`);
  if (!Number.isFinite(m) || (x > 0 && m <= 0)) {
    throw new RangeError(`gammaGammaExpectedValue: monetaryValue must be finite, and positive when frequency > 0, got ${m}`);
  }
  const populationMean = (v * p) / (q - 1);
  const individualWeight = (p * x) / (p * x + q - 1);
  return (1 - individualWeight) * populationMean + individualWeight * m;
}
