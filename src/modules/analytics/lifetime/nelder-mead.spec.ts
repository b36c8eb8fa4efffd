import { nelderMead } from './nelder-mead';

const rosenbrock = (x: Float64Array): number => 100 * (x[1] - x[0] * x[0]) ** 2 + (1 - x[0]) ** 2;

describe('nelderMead', () => {
  it('finds the minimum of the Rosenbrock valley at (1, 1) from the classic start (-1.2, 1)', () => {
    const result = nelderMead(rosenbrock, [-1.2, 1], { xTolerance: 1e-10, fTolerance: 1e-14, maxIterations: 2000 });
    expect(result.converged).toBe(true);
    expect(result.x[0]).toBeCloseTo(1, 6);
    expect(result.x[1]).toBeCloseTo(1, 6);
    expect(result.value).toBeLessThan(1e-12);
    expect(result.evaluations).toBeGreaterThan(result.iterations);
  });

  it('finds the centre of a 4-dimensional scaled quadratic bowl', () => {
    const centre = [3, -2, 0.5, 10];
    const bowl = (x: Float64Array) => x.reduce((sum, xi, i) => sum + (i + 1) * (xi - centre[i]) ** 2, 7);
    const result = nelderMead(bowl, [0, 0, 0, 0], { initialStep: 1, xTolerance: 1e-9, fTolerance: 1e-14 });
    expect(result.converged).toBe(true);
    result.x.forEach((xi, i) => expect(xi).toBeCloseTo(centre[i], 6));
    expect(result.value).toBeCloseTo(7, 10);
  });

  it('reports converged: false when the iteration cap is reached first', () => {
    const result = nelderMead(rosenbrock, [-1.2, 1], { maxIterations: 5 });
    expect(result.converged).toBe(false);
    expect(result.iterations).toBe(5);
    expect(Number.isFinite(result.value)).toBe(true);
  });

  it('treats NaN as +Infinity, so an objective can forbid a region', () => {
    // (x - 1)^2 is undefined below 0.5 here; the search starts above and must stay out of it.
    const result = nelderMead((x) => (x[0] < 0.5 ? NaN : (x[0] - 1) ** 2), [4], { initialStep: 2 });
    expect(result.converged).toBe(true);
    expect(result.x[0]).toBeCloseTo(1, 6);
  });

  it('stops at once when the start is already a converged simplex', () => {
    const result = nelderMead(() => 3, [1, 2], { initialStep: 1e-9, xTolerance: 1e-8 });
    expect(result).toEqual({ x: [1, 2], value: 3, converged: true, iterations: 0, evaluations: 3 });
  });

  it('rejects bad input with readable errors', () => {
    expect(() => nelderMead(rosenbrock, [])).toThrow(RangeError);
    expect(() => nelderMead(rosenbrock, [NaN, 1])).toThrow(/x0\[0\]/);
    expect(() => nelderMead(rosenbrock, [0, 1], { maxIterations: 0 })).toThrow(/maxIterations/);
    expect(() => nelderMead(rosenbrock, [0, 1], { initialStep: [1, 0] })).toThrow(/initialStep/);
    expect(() => nelderMead(rosenbrock, [0, 1], { xTolerance: -1 })).toThrow(/tolerances/);
  });
});
