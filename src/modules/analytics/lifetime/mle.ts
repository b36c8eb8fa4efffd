import { nelderMead } from './nelder-mead';

/** Options shared by the lifetime model fitters. */
export interface FitOptions {
  /** L2 penalty on the parameters, added to the mean negative log-likelihood as lifetimes does. Default 0. */
  penalizer?: number;
  /** Nelder–Mead iteration cap. Default 2000. */
  maxIterations?: number;
  /** Nelder–Mead tolerance on log-parameters and on the mean negative log-likelihood. Default 1e-8. */
  tolerance?: number;
}

/** A fitted model. */
export interface FitResult<P> {
  params: P;
  /** Total (not mean) log-likelihood of the subjects at `params`, without the penalty. */
  logLikelihood: number;
  /** False when the optimiser ran out of iterations or the optimum sits at the edge of the search box. */
  converged: boolean;
  iterations: number;
  /** Number of customers the model was fitted on. */
  subjects: number;
}

/** Log-parameters are kept within ±LOG_BOUND so that every returned parameter is finite and positive. */
const LOG_BOUND = 30;

export interface LogSpaceFit {
  params: Float64Array;
  logLikelihood: number;
  converged: boolean;
  iterations: number;
}

/**
 * Maximises a total log-likelihood over positive parameters by Nelder–Mead on their logarithms,
 * like lifetimes. The objective is lifetimes' own: mean negative log-likelihood plus
 * `penalizer × Σ param²`, so that tolerances do not depend on the number of subjects.
 */
export function maximizeLogLikelihood(
  logLikelihood: (params: Float64Array) => number,
  subjects: number,
  start: ArrayLike<number>,
  options: FitOptions = {},
): LogSpaceFit {
  const { penalizer = 0, maxIterations = 2000, tolerance = 1e-8 } = options;
  if (!(penalizer >= 0) || !Number.isFinite(penalizer)) {
    throw new RangeError(`penalizer must be a finite non-negative number, got ${penalizer}`);
  }
  if (!(tolerance > 0)) throw new RangeError(`tolerance must be positive, got ${tolerance}`);
  const params = new Float64Array(start.length);
  const toParams = (theta: ArrayLike<number>): Float64Array => {
    for (let i = 0; i < params.length; i++) params[i] = Math.exp(theta[i]);
    return params;
  };
  const objective = (theta: Float64Array): number => {
    let penalty = 0;
    for (let i = 0; i < theta.length; i++) {
      if (!(Math.abs(theta[i]) <= LOG_BOUND)) return Infinity;
      penalty += Math.exp(2 * theta[i]);
    }
    return -logLikelihood(toParams(theta)) / subjects + penalizer * penalty;
  };
  const start0 = Array.from(start, Math.log);
  const result = nelderMead(objective, start0, { maxIterations, xTolerance: tolerance, fTolerance: tolerance });
  const atEdge = result.x.some((t) => Math.abs(t) > LOG_BOUND - 1);
  const best = Float64Array.from(toParams(result.x));
  const ll = logLikelihood(best);
  return {
    params: best,
    logLikelihood: ll,
    converged: result.converged && !atEdge && Number.isFinite(ll),
    iterations: result.iterations,
  };
}
