import { maximizeLogLikelihood } from './mle';

// Waiting times 1, 2, 3, 6: mean 3, so the exponential rate's MLE is 1/3.
const waits = [1, 2, 3, 6];
const exponentialLogLikelihood = (p: Float64Array) => waits.reduce((sum, y) => sum + Math.log(p[0]) - p[0] * y, 0);

describe('maximizeLogLikelihood', () => {
  it('finds closed-form maxima: exponential rate 1/mean, Poisson means of two groups', () => {
    const rate = maximizeLogLikelihood(exponentialLogLikelihood, waits.length, [1]);
    expect(rate.converged).toBe(true);
    expect(rate.params[0]).toBeCloseTo(1 / 3, 6);
    expect(rate.logLikelihood).toBeCloseTo(4 * Math.log(1 / 3) - 4, 8);

    // Counts 2, 4 in group one and 10 in group two: MLEs are the group means 3 and 10.
    const poisson = (p: Float64Array) =>
      [2, 4].reduce((s, y) => s + y * Math.log(p[0]) - p[0], 0) + (10 * Math.log(p[1]) - p[1]);
    const means = maximizeLogLikelihood(poisson, 3, [1, 1]);
    expect(means.converged).toBe(true);
    expect(means.params[0]).toBeCloseTo(3, 5);
    expect(means.params[1]).toBeCloseTo(10, 5);
  });

  it('adds lifetimes-style penalizer × param² to the mean negative log-likelihood', () => {
    // Minimise −(log λ − 3λ) + P λ²: 2Pλ² + 3λ − 1 = 0, so λ = (−3 + sqrt(9 + 8P)) / (4P); P = 2: λ = 0.25.
    const fit = maximizeLogLikelihood(exponentialLogLikelihood, waits.length, [1], { penalizer: 2 });
    expect(fit.params[0]).toBeCloseTo(0.25, 6);
    // The reported log-likelihood is the unpenalised total.
    expect(fit.logLikelihood).toBeCloseTo(4 * Math.log(0.25) - 3, 8);
  });

  it('returns finite parameters and converged: false when the likelihood has no maximum', () => {
    const unbounded = maximizeLogLikelihood((p) => p[0], 1, [1]);
    expect(unbounded.converged).toBe(false);
    expect(Number.isFinite(unbounded.params[0])).toBe(true);
    expect(Number.isFinite(unbounded.logLikelihood)).toBe(true);
  });

  it('reports converged: false when the iteration cap is hit', () => {
    expect(maximizeLogLikelihood(exponentialLogLikelihood, 4, [1], { maxIterations: 2 }).converged).toBe(false);
  });

  it('rejects bad options', () => {
    expect(() => maximizeLogLikelihood(exponentialLogLikelihood, 4, [1], { penalizer: -1 })).toThrow(/penalizer/);
    expect(() => maximizeLogLikelihood(exponentialLogLikelihood, 4, [1], { tolerance: 0 })).toThrow(/tolerance/);
  });
});
