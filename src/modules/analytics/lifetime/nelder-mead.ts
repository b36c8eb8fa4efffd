/** Options for {@link nelderMead}. */
export interface NelderMeadOptions {
  /** Offset of the initial simplex vertices from `x0`, one value or one per coordinate. Default 0.5. */
  initialStep?: number | ArrayLike<number>;
  /** Maximum number of iterations. Default 200 × dimension. */
  maxIterations?: number;
  /** Stop when every vertex is within this distance (max norm) of the best one. Default 1e-8. */
  xTolerance?: number;
  /** ...and every vertex value is within this of the best value. Default 1e-8. */
  fTolerance?: number;
}

/** Result of {@link nelderMead}. */
export interface NelderMeadResult {
  x: number[];
  value: number;
  /** Whether both tolerances were met before `maxIterations`. */
  converged: boolean;
  iterations: number;
  evaluations: number;
}

interface Vertex {
  x: Float64Array;
  f: number;
}

/**
 * Minimises `objective` with the Nelder–Mead simplex method (standard coefficients: reflection 1,
 * expansion 2, contraction 0.5, shrink 0.5, as scipy's `minimize(method='Nelder-Mead')`).
 * NaN values are treated as +Infinity, so an objective may return Infinity to forbid a region.
 */
export function nelderMead(
  objective: (x: Float64Array) => number,
  x0: ArrayLike<number>,
  options: NelderMeadOptions = {},
): NelderMeadResult {
  const n = x0.length;
  if (n === 0) throw new RangeError('nelderMead: x0 must have at least one coordinate');
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(x0[i])) throw new RangeError(`nelderMead: x0[${i}] is not a finite number`);
  }
  const {
    initialStep = 0.5,
    maxIterations = 200 * n,
    xTolerance = 1e-8,
    fTolerance = 1e-8,
  } = options;
  if (!Number.isInteger(maxIterations) || maxIterations < 1) {
    throw new RangeError(`nelderMead: maxIterations must be a positive integer, got ${maxIterations}`);
  }
  if (!(xTolerance >= 0) || !(fTolerance >= 0)) {
    throw new RangeError('nelderMead: tolerances must be non-negative numbers');
  }
  const steps = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const s = typeof initialStep === 'number' ? initialStep : initialStep[i];
    if (!Number.isFinite(s) || s === 0) {
      throw new RangeError(`nelderMead: initialStep must be finite and non-zero, got ${s}`);
    }
    steps[i] = s;
  }

  let evaluations = 0;
  const evaluate = (x: Float64Array): number => {
    evaluations++;
    const f = objective(x);
    return Number.isNaN(f) ? Infinity : f;
  };

  const simplex: Vertex[] = [];
  for (let j = 0; j <= n; j++) {
    const x = Float64Array.from(x0);
    if (j > 0) x[j - 1] += steps[j - 1];
    simplex.push({ x, f: evaluate(x) });
  }
  const byValue = (u: Vertex, v: Vertex): number => u.f - v.f || 0;
  simplex.sort(byValue);

  const centroid = new Float64Array(n);
  // x = centroid + coef × (centroid − worst): coef 1 reflects, 2 expands, ±0.5 contracts.
  const along = (coef: number): Float64Array => {
    const worst = simplex[n].x;
    const x = new Float64Array(n);
    for (let i = 0; i < n; i++) x[i] = centroid[i] + coef * (centroid[i] - worst[i]);
    return x;
  };
  const hasConverged = (): boolean => {
    const best = simplex[0];
    for (let j = 1; j <= n; j++) {
      if (!(Math.abs(simplex[j].f - best.f) <= fTolerance)) return false;
      for (let i = 0; i < n; i++) {
        if (Math.abs(simplex[j].x[i] - best.x[i]) > xTolerance) return false;
      }
    }
    return true;
  };

  let iterations = 0;
  let converged = hasConverged();
  while (!converged && iterations < maxIterations) {
    iterations++;
    centroid.fill(0);
    for (let j = 0; j < n; j++) {
      for (let i = 0; i < n; i++) centroid[i] += simplex[j].x[i] / n;
    }
    const worst = simplex[n];
    const xr = along(1);
    const fr = evaluate(xr);
    let replacement: Vertex | undefined;
    if (fr < simplex[0].f) {
      const xe = along(2);
      const fe = evaluate(xe);
      replacement = fe < fr ? { x: xe, f: fe } : { x: xr, f: fr };
    } else if (fr < simplex[n - 1].f) {
      replacement = { x: xr, f: fr };
    } else if (fr < worst.f) {
      const xc = along(0.5);
      const fc = evaluate(xc);
      if (fc <= fr) replacement = { x: xc, f: fc };
    } else {
      const xcc = along(-0.5);
      const fcc = evaluate(xcc);
      if (fcc < worst.f) replacement = { x: xcc, f: fcc };
    }
    if (replacement) {
      simplex[n] = replacement;
    } else {
      const best = simplex[0].x;
      for (let j = 1; j <= n; j++) {
        const x = simplex[j].x;
        for (let i = 0; i < n; i++) x[i] = best[i] + 0.5 * (x[i] - best[i]);
        simplex[j].f = evaluate(x);
      }
    }
    simplex.sort(byValue);
    converged = hasConverged();
  }

  return {
    x: Array.from(simplex[0].x),
    value: simplex[0].f,
    converged,
    iterations,
    evaluations,
  };
}
