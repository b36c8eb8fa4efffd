import { forecastSeries, monthlySeries, type MonthlySeries } from './forecast';

const at = (iso: string) => Date.parse(iso);
const series = (firstMonth: string, values: number[]): MonthlySeries => {
  const [year, month] = firstMonth.split('-').map(Number);
  const months = values.map((_, i) => {
    const index = year * 12 + month - 1 + i;
    return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
  });
  return { months, values };
};

describe('monthlySeries', () => {
  const asOf = at('2024-02-15T10:00:00Z');

  it('zero-fills whole UTC months across a year boundary and leaves out the partial asOf month', () => {
    const points = [
      { at: at('2023-09-30T23:59:59.999Z'), amount: 1 }, // before the window
      { at: at('2023-10-01T00:00:00Z'), amount: 10 },
      { at: at('2023-12-31T23:59:59.999Z'), amount: 20 },
      { at: at('2024-01-15T00:00:00Z'), amount: 30 },
      { at: at('2024-01-31T12:00:00Z'), amount: 5 },
      { at: at('2024-02-01T00:00:00Z'), amount: 100 }, // the partial current month
      { at: at('2024-03-01T00:00:00Z'), amount: 1000 }, // after asOf
    ];
    expect(monthlySeries(points, { asOf, months: 4 })).toEqual({
      months: ['2023-10', '2023-11', '2023-12', '2024-01'],
      values: [10, 0, 20, 35],
    });
  });

  it('defaults to 24 months ending at the last full month', () => {
    const { months, values } = monthlySeries([], { asOf });
    expect(months).toHaveLength(24);
    expect(months[0]).toBe('2022-02');
    expect(months[23]).toBe('2024-01');
    expect(values.every((v) => v === 0)).toBe(true);
  });

  it('treats an asOf at the first instant of a month as the start of a partial month', () => {
    expect(monthlySeries([], { asOf: at('2024-01-01T00:00:00Z'), months: 2 }).months).toEqual(['2023-11', '2023-12']);
  });

  it('starts at the month of startAt when that is later than the history length', () => {
    const points = [{ at: at('2023-12-05T00:00:00Z'), amount: 7 }];
    expect(monthlySeries(points, { asOf, startAt: at('2023-12-05T00:00:00Z') })).toEqual({
      months: ['2023-12', '2024-01'],
      values: [7, 0],
    });
    expect(monthlySeries(points, { asOf, months: 1, startAt: at('2020-01-01T00:00:00Z') }).months).toEqual(['2024-01']);
  });

  it('keeps one zero month when the first purchase is in the current month', () => {
    const points = [{ at: at('2024-02-03T00:00:00Z'), amount: 7 }];
    expect(monthlySeries(points, { asOf, startAt: at('2024-02-03T00:00:00Z') })).toEqual({ months: ['2024-01'], values: [0] });
  });

  it('rejects bad options and points', () => {
    expect(() => monthlySeries([], { asOf: Number.NaN })).toThrow(TypeError);
    expect(() => monthlySeries([], { asOf, months: 0 })).toThrow(RangeError);
    expect(() => monthlySeries([], { asOf, startAt: Number.NaN })).toThrow(TypeError);
    expect(() => monthlySeries([{ at: asOf, amount: Number.NaN }], { asOf })).toThrow(/points\[0\]/);
  });
});

describe('forecastSeries', () => {
  it('fits a straight line exactly', () => {
    const forecast = forecastSeries(series('2023-01', [10, 20, 30, 40, 50, 60]), 3);
    expect(forecast).toMatchObject({ trend: 'UP', insufficientHistory: false });
    expect(forecast.slope).toBeCloseTo(10, 12);
    expect(forecast.intercept).toBeCloseTo(10, 12);
    expect(forecast.r2).toBeCloseTo(1, 12);
    expect(forecast.months.map((m) => m.month)).toEqual(['2023-07', '2023-08', '2023-09']);
    expect(forecast.months.map((m) => m.value)).toEqual([
      expect.closeTo(70, 10),
      expect.closeTo(80, 10),
      expect.closeTo(90, 10),
    ]);
    expect(forecast.history[0]).toEqual({ month: '2023-01', value: 10 });
  });

  it('matches hand-computed least squares on a noisy series', () => {
    // x = 0..5, y = 2 4 3 6 5 8: Sxx = 17.5, Sxy = 18, Syy = 70/3
    const forecast = forecastSeries(series('2023-11', [2, 4, 3, 6, 5, 8]), 2);
    expect(forecast.slope).toBeCloseTo(36 / 35, 12);
    expect(forecast.intercept).toBeCloseTo(44 / 21, 12);
    expect(forecast.r2).toBeCloseTo(972 / 1225, 12);
    expect(forecast.months.map((m) => m.month)).toEqual(['2024-05', '2024-06']);
    expect(forecast.months[0].value).toBeCloseTo(868 / 105, 12);
    expect(forecast.months[1].value).toBeCloseTo(44 / 21 + (36 / 35) * 7, 12);
  });

  it('never predicts negative values', () => {
    const forecast = forecastSeries(series('2023-01', [70, 60, 50, 40, 30, 20]), 3);
    expect(forecast.slope).toBeCloseTo(-10, 12);
    expect(forecast.intercept).toBeCloseTo(70, 12);
    expect(forecast.trend).toBe('DOWN');
    expect(forecast.months.map((m) => m.value)).toEqual([expect.closeTo(10, 10), 0, 0]);
  });

  it('fits from the first non-zero month and flags short history with a flat mean forecast', () => {
    const short = series('2023-01', [0, 0, 0, 100, 0, 50, 0, 0]);
    const flagged = forecastSeries(short, 2);
    expect(flagged).toMatchObject({ slope: 0, intercept: 30, r2: 0, trend: 'FLAT', insufficientHistory: true });
    expect(flagged.history.map((h) => h.month)).toEqual(['2023-04', '2023-05', '2023-06', '2023-07', '2023-08']);
    expect(flagged.months).toEqual([
      { month: '2023-09', value: 30 },
      { month: '2023-10', value: 30 },
    ]);

    // Same months with minMonths 5: x = 0..4, y = 100 0 50 0 0, Sxx = 10, Sxy = -200, Syy = 8000
    const fitted = forecastSeries(short, 1, { minMonths: 5 });
    expect(fitted).toMatchObject({ trend: 'DOWN', insufficientHistory: false });
    expect(fitted.slope).toBeCloseTo(-20, 12);
    expect(fitted.intercept).toBeCloseTo(70, 12);
    expect(fitted.r2).toBeCloseTo(0.5, 12);
    expect(fitted.months).toEqual([{ month: '2023-09', value: 0 }]);
  });

  it('defines r2 = 1 for a constant series', () => {
    expect(forecastSeries(series('2023-01', [50, 50, 50, 50, 50, 50]), 1)).toMatchObject({
      slope: 0,
      intercept: 50,
      r2: 1,
      trend: 'FLAT',
      months: [{ month: '2023-07', value: 50 }],
    });
    expect(forecastSeries(series('2023-01', [0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1]), 1).r2).toBe(1);
  });

  it('predicts zero for a series without any spend', () => {
    expect(forecastSeries(series('2023-12', [0, 0, 0]), 2)).toEqual({
      history: [],
      months: [
        { month: '2024-03', value: 0 },
        { month: '2024-04', value: 0 },
      ],
      slope: 0,
      intercept: 0,
      r2: 0,
      trend: 'FLAT',
      insufficientHistory: true,
    });
  });

  it('reads a slope within flatTolerance of the mean as FLAT', () => {
    const slow = series('2023-01', [100, 101, 102, 103, 104, 105]); // slope 1, mean 102.5
    expect(forecastSeries(slow, 0).trend).toBe('FLAT');
    expect(forecastSeries(slow, 0, { flatTolerance: 0.005 }).trend).toBe('UP');
  });

  it('rejects malformed series and options', () => {
    expect(() => forecastSeries({ months: [], values: [] }, 1)).toThrow(/at least one month/);
    expect(() => forecastSeries({ months: ['2023-01'], values: [1, 2] }, 1)).toThrow(/differ in length/);
    expect(() => forecastSeries({ months: ['2023-01', '2023-03'], values: [1, 2] }, 1)).toThrow(/consecutive/);
    expect(() => forecastSeries({ months: ['2023-13'], values: [1] }, 1)).toThrow(/YYYY-MM/);
    expect(() => forecastSeries(series('2023-01', [1]), -1)).toThrow(RangeError);
    expect(() => forecastSeries(series('2023-01', [1]), 1, { minMonths: 1 })).toThrow(RangeError);
    expect(() => forecastSeries(series('2023-01', [1]), 1, { flatTolerance: -1 })).toThrow(RangeError);
  });
});
