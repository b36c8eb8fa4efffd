import { isUnsatisfied, rankPainPoints, summarizeFeedback } from './satisfaction';

const DAY = 86_400_000;
const asOf = Date.UTC(2024, 5, 30);
const ago = (days: number) => asOf - days * DAY;

describe('summarizeFeedback', () => {
  it('summarises scores and lists the issues of unsatisfied feedback', () => {
    const summary = summarizeFeedback([
      { score: 5, issue: null, at: ago(50) },
      { score: 1, issue: 'delivery', at: ago(40) },
      { score: 2, issue: 'quality', at: ago(30) },
      { score: 4, issue: 'price', at: ago(20) }, // satisfied: not a pain point
      { score: 3, issue: 'service', at: ago(15) }, // neutral: not a pain point
      { score: 2, issue: 'delivery', at: ago(10) },
      { score: 1, issue: 'price', at: ago(5) },
      { score: 2, issue: null, at: ago(1) },
    ]);
    expect(summary).toEqual({
      feedbackCount: 8,
      averageScore: 20 / 8,
      satisfiedRatio: 2 / 8,
      lastScore: 2,
      // delivery twice; price (5 days ago) is more recent than quality (30 days ago)
      painPoints: ['delivery', 'price', 'quality'],
    });
  });

  it('takes the last score by time, not by row order, and the later row on a tie', () => {
    expect(summarizeFeedback([
      { score: 1, issue: null, at: ago(1) },
      { score: 5, issue: null, at: ago(9) },
    ]).lastScore).toBe(1);
    expect(summarizeFeedback([
      { score: 1, issue: null, at: ago(1) },
      { score: 5, issue: null, at: ago(1) },
    ]).lastScore).toBe(5);
  });

  it('orders equally frequent and equally recent issues by name', () => {
    const at = ago(3);
    expect(summarizeFeedback([
      { score: 1, issue: 'b', at },
      { score: 1, issue: 'a', at },
    ]).painPoints).toEqual(['a', 'b']);
  });

  it('has null averages without feedback', () => {
    expect(summarizeFeedback([])).toEqual({
      feedbackCount: 0,
      averageScore: null,
      satisfiedRatio: null,
      lastScore: null,
      painPoints: [],
    });
  });

  it('rejects scores outside 1..5', () => {
    expect(() => summarizeFeedback([{ score: 6, issue: null, at: asOf }])).toThrow(/rows\[0\]\.score/);
    expect(() => summarizeFeedback([{ score: 4.5, issue: null, at: asOf }])).toThrow(RangeError);
    expect(() => summarizeFeedback([{ score: 4, issue: null, at: Number.NaN }])).toThrow(TypeError);
  });

  it('calls 1 and 2 unsatisfied', () => {
    expect([1, 2, 3, 4, 5].map(isUnsatisfied)).toEqual([true, true, false, false, false]);
  });
});

describe('rankPainPoints', () => {
  it('ranks issues by count with the trend of the last 30 days against the 30 before', () => {
    const rows = [
      // delivery: 2 recent, 1 previous, 1 older
      { issue: 'delivery', at: ago(1) },
      { issue: 'delivery', at: ago(29) },
      { issue: 'delivery', at: ago(45) },
      { issue: 'delivery', at: ago(100) },
      // quality: periods are (asOf - 30d, asOf] and (asOf - 60d, asOf - 30d]: exactly 30 days ago is
      // in the previous period, exactly 60 days ago is older
      { issue: 'quality', at: ago(30) },
      { issue: 'quality', at: ago(59) },
      { issue: 'quality', at: ago(60) },
      // price: 1 and 1; service: 1 and 1 but only 2 in all, ties broken by name
      { issue: 'price', at: ago(10) },
      { issue: 'price', at: ago(40) },
      { issue: 'service', at: ago(11) },
      { issue: 'service', at: ago(41) },
      { issue: null, at: ago(1) },
      { issue: 'delivery', at: asOf + DAY }, // after asOf
    ];
    expect(rankPainPoints(rows, { asOf })).toEqual([
      { issue: 'delivery', count: 4, recentCount: 2, previousCount: 1, trend: 'RISING' },
      { issue: 'quality', count: 3, recentCount: 0, previousCount: 2, trend: 'FALLING' },
      { issue: 'price', count: 2, recentCount: 1, previousCount: 1, trend: 'STEADY' },
      { issue: 'service', count: 2, recentCount: 1, previousCount: 1, trend: 'STEADY' },
    ]);
  });

  it('uses the given period length', () => {
    const rows = [
      { issue: 'delivery', at: ago(3) },
      { issue: 'delivery', at: ago(10) },
    ];
    expect(rankPainPoints(rows, { asOf, periodDays: 7 })).toEqual([
      { issue: 'delivery', count: 2, recentCount: 1, previousCount: 1, trend: 'STEADY' },
    ]);
    expect(rankPainPoints(rows, { asOf, periodDays: 2 })[0]).toMatchObject({ recentCount: 0, previousCount: 1, trend: 'FALLING' });
  });

  it('rejects bad options', () => {
    expect(() => rankPainPoints([], { asOf: Number.NaN })).toThrow(TypeError);
    expect(() => rankPainPoints([], { asOf, periodDays: 0 })).toThrow(RangeError);
  });
});
