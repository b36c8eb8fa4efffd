import 'reflect-metadata';
import type { LifetimeModel } from './analytics.types';
import { LifetimeMatrixResolver } from './lifetime-matrix.resolver';

describe('LifetimeModel.probabilityAliveMatrix', () => {
  const model = { fitted: { kind: 'PARETO_NBD', params: { r: 1.04, alpha: 20.25, s: 0.358, beta: 54.81 } } } as unknown as LifetimeModel;

  test('a T whose T x n / n lands above T (one ulp) still draws, its last column at recency T', () => {
    const T = 104.16006901455026;
    expect((T * 24) / 24).toBeGreaterThan(T); // the floating-point case the insights page met
    const m = new LifetimeMatrixResolver().probabilityAliveMatrix(model, T, 10, 24);
    expect(m).toHaveLength(11);
    for (const row of m) expect(row).toHaveLength(25);
    // A customer whose last repeat purchase is now is as alive as the model allows; fewer weeks since, more alive.
    for (let x = 1; x <= 10; x++) {
      expect(m[x][24]).toBeGreaterThan(0.9);
      for (let i = 1; i <= 24; i++) expect(m[x][i]).toBeGreaterThanOrEqual(m[x][i - 1]);
    }
  });
});
