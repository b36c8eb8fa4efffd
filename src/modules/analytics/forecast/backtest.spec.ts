import { cdnowTransactions } from '../lifetime/cdnow.fixtures';
import { demandBacktest, forecastAccuracy, spearman, spendBacktest } from './backtest';

describe('spearman', () => {
  it('is 1 for the same order, -1 for the reverse, averages ties, null for a constant side', () => {
    expect(spearman([1, 2, 3], [10, 20, 30])).toBeCloseTo(1, 12);
    expect(spearman([1, 2, 3], [3, 2, 1])).toBeCloseTo(-1, 12);
    // ranks [1.5, 1.5, 3] against [1, 2, 3]: r = 0.8660...
    expect(spearman([0, 0, 5], [1, 2, 3])).toBeCloseTo(Math.sqrt(3) / 2, 12);
    expect(spearman([1, 1, 1], [1, 2, 3])).toBeNull();
  });
});

describe('forecastAccuracy', () => {
  it('computes RMSE, MAE, totals and the buyers forecast at zero', () => {
    const a = forecastAccuracy([0, 10, 0.001, 4], [5, 10, 3, 0]);
    expect(a.rootMeanSquaredError).toBeCloseTo(Math.sqrt((25 + 0 + 2.999 ** 2 + 16) / 4), 12);
    expect(a.meanAbsoluteError).toBeCloseTo((5 + 0 + 2.999 + 4) / 4, 12);
    expect(a).toMatchObject({ predictedTotal: 14.001, actualTotal: 18, actualPositive: 3, positiveForecastAtZero: 2 });
  });
});

describe('spendBacktest on CDNOW (forecast as of 1997-10-01 for the nine months to 1998-06-30)', () => {
  const b = spendBacktest(cdnowTransactions(), { calibrationEnd: Date.UTC(1997, 8, 30), holdoutEnd: Date.UTC(1998, 5, 30), timeUnitDays: 7 }, ['BG_NBD', 'MBG_NBD', 'PARETO_NBD']);
  const row = (model: string | null) => b.rows.find((r) => r.model === model)!;

  it('reproduces the linear trend of issue #20: RMSE 140.5, 437 of 684 holdout buyers forecast at 0', () => {
    expect(b).toMatchObject({ customers: 2357, holdoutWeeks: 39, holdoutMonths: 9 });
    const linear = row(null);
    expect(linear.method).toBe('LINEAR_TREND');
    expect(linear.rootMeanSquaredError).toBeCloseTo(140.47, 1);
    expect(linear.actualPositive).toBe(684);
    expect(linear.positiveForecastAtZero).toBe(437);
  });

  it('the default (Pareto/NBD x Gamma-Gamma) is at least as good as BG/NBD x Gamma-Gamma (RMSE about 72) and forecasts no buyer at 0', () => {
    const pareto = row('PARETO_NBD');
    const bg = row('BG_NBD');
    expect(bg.rootMeanSquaredError).toBeCloseTo(72.3, 1);
    expect(pareto.rootMeanSquaredError).toBeLessThanOrEqual(bg.rootMeanSquaredError);
    expect(pareto.meanAbsoluteError).toBeLessThan(bg.meanAbsoluteError);
    expect(pareto.spearman!).toBeGreaterThan(bg.spearman!);
    expect(pareto.positiveForecastAtZero).toBe(0);
    expect(pareto.actualTotal).toBeCloseTo(70976, -1);
  });
});

describe('demandBacktest', () => {
  const month = (y: number, m: number) => Date.UTC(y, m - 1, 15);
  it('scores the linear trend against naive and seasonal-naive on whole months', () => {
    // 24 months of a seasonal product: 10 units a month, 30 in every December; holdout: the next 3 months (Jan-Mar).
    const points = [];
    for (let i = 0; i < 24; i++) {
      const y = 2022 + Math.floor(i / 12);
      const m = (i % 12) + 1;
      points.push({ at: month(y, m), amount: m === 12 ? 30 : 10 });
    }
    points.push({ at: month(2024, 1), amount: 10 }, { at: month(2024, 2), amount: 10 }, { at: month(2024, 3), amount: 10 });
    const b = demandBacktest([{ points }, { points: [] }], Date.UTC(2023, 11, 31), Date.UTC(2024, 2, 31));
    expect(b).toMatchObject({ subjects: 1, holdoutMonths: 3 });
    const by = Object.fromEntries(b.rows.map((r) => [r.method, r]));
    expect(by.SEASONAL_NAIVE.predictedTotal).toBe(30); // Jan, Feb, Mar of 2023
    expect(by.NAIVE.predictedTotal).toBe(90); // December repeated
    expect(by.SEASONAL_NAIVE.meanAbsoluteError).toBe(0);
    expect(by.LINEAR_TREND.actualTotal).toBe(30);
  });
});
