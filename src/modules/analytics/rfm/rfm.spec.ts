import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fitRfmModel, rfmSegment, scoreRfm, type RfmInput, type RfmSegmentName } from './rfm';

const row = (recencyDays: number, frequency: number, monetary: number): RfmInput => ({ recencyDays, frequency, monetary });

// Ten customers; quintile breakpoints are the 2nd, 4th, 6th and 8th smallest values.
const TEN: RfmInput[] = [
  row(5, 10, 900),
  row(12, 8, 1000),
  row(30, 6, 500),
  row(45, 1, 100),
  row(60, 3, 300),
  row(90, 2, 200),
  row(120, 1, 50),
  row(200, 4, 700),
  row(300, 1, 80),
  row(400, 2, 600),
];

describe('fitRfmModel', () => {
  it('takes the nearest-rank quintiles of each dimension', () => {
    expect(fitRfmModel(TEN)).toEqual({
      recency: [12, 45, 90, 200], // sorted 5 12 30 45 60 90 120 200 300 400
      frequency: [1, 2, 3, 6], // sorted 1 1 1 2 2 3 4 6 8 10
      monetary: [80, 200, 500, 700], // sorted 50 80 100 200 300 500 600 700 900 1000
    });
  });

  it('does not depend on the order of the rows', () => {
    expect(fitRfmModel([...TEN].reverse())).toEqual(fitRfmModel(TEN));
  });

  it('rejects an empty population, customers without purchases and bad numbers', () => {
    expect(() => fitRfmModel([])).toThrow(RangeError);
    expect(() => fitRfmModel([row(1, 0, 0)])).toThrow(/rows\[0\]\.frequency is 0/);
    expect(() => fitRfmModel([row(1, 1, 1), row(-1, 1, 1)])).toThrow(/rows\[1\]\.recencyDays/);
    expect(() => fitRfmModel([row(1, 1, Number.NaN)])).toThrow(/monetary/);
  });
});

describe('scoreRfm', () => {
  const model = fitRfmModel(TEN);

  it('scores the ten customers (R: fewer days is better)', () => {
    expect(TEN.map((r) => scoreRfm(model, r).code)).toEqual([
      '555', '555', '443', '412', '333', '322', '211', '244', '111', '124',
    ]);
    expect(TEN.map((r) => scoreRfm(model, r).segment)).toEqual([
      'Champions', 'Champions', 'Loyal', 'Promising', 'Need attention',
      'About to sleep', 'Hibernating', 'At risk', 'Lost', 'Lost',
    ]);
  });

  it('puts a value equal to a breakpoint in the lower bin', () => {
    expect(scoreRfm(model, row(12, 6, 80))).toMatchObject({ r: 5, f: 4, m: 1 });
    expect(scoreRfm(model, row(12.5, 6.5, 81))).toMatchObject({ r: 4, f: 5, m: 2 });
  });

  it('gives identical values one score even when the tie straddles quintiles', () => {
    const tied = [1, 1, 1, 1, 1, 1, 2, 3, 4, 5].map((v) => row(v, v, v));
    const tiedModel = fitRfmModel(tied);
    expect(tiedModel.frequency).toEqual([1, 1, 1, 3]);
    expect(tied.map((r) => scoreRfm(tiedModel, r).f)).toEqual([1, 1, 1, 1, 1, 1, 4, 4, 5, 5]);
    expect(tied.map((r) => scoreRfm(tiedModel, r).r)).toEqual([5, 5, 5, 5, 5, 5, 2, 2, 1, 1]);
  });

  it('reads a brand-new shop, where everyone bought once yesterday, as New', () => {
    const fresh = fitRfmModel([row(1, 1, 500), row(1, 1, 500), row(1, 1, 500)]);
    expect(scoreRfm(fresh, row(1, 1, 500))).toEqual({ r: 5, f: 1, m: 1, code: '511', segment: 'New' });
  });

  it('spreads the very tied CDNOW purchase counts sensibly', () => {
    // Purchases per customer in CDNOW_sample (2,357 customers): 1205 bought once, 406 twice, 208 three
    // times, 150 four times. Cut ranks ceil(k * 2357 / 5) = 472, 943, 1415, 1886 fall on 1, 1, 2 and 4.
    const counts = new Map<string, number>();
    for (const line of readFileSync(join(__dirname, '../../../../test/fixtures/datasets/CDNOW_sample.txt'), 'utf8').split('\n')) {
      const id = line.trim().split(/\s+/)[0];
      if (id) counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    const rows = [...counts.values()].map((frequency) => row(0, frequency, frequency));
    const cdnow = fitRfmModel(rows);
    expect(cdnow.frequency).toEqual([1, 1, 2, 4]);
    const byScore = [0, 0, 0, 0, 0, 0];
    for (const r of rows) byScore[scoreRfm(cdnow, r).f]++;
    // one-timers share F=1, two purchases F=3, three or four F=4, five or more F=5 (at most a fifth)
    expect(byScore.slice(1)).toEqual([1205, 0, 406, 358, 388]);
  });

  it('rejects a malformed model', () => {
    expect(() => scoreRfm({ recency: [1], frequency: [1, 2, 3, 4], monetary: [1, 2, 3, 4] }, row(1, 1, 1))).toThrow(
      /model\.recency/,
    );
  });
});

describe('rfmSegment', () => {
  // Every cell of the R/F grid, R score 5..1 top to bottom, F score 1..5 left to right.
  const grid: Array<[RfmSegmentName, Array<[number, number]>]> = [
    ['Champions', [[5, 4], [5, 5]]],
    ['Loyal', [[4, 4], [4, 5], [3, 4], [3, 5]]],
    ['Potential loyalist', [[5, 2], [5, 3], [4, 2], [4, 3]]],
    ['New', [[5, 1]]],
    ['Promising', [[4, 1]]],
    ['Need attention', [[3, 3]]],
    ['About to sleep', [[3, 1], [3, 2]]],
    ['At risk', [[2, 3], [2, 4], [1, 3], [1, 4]]],
    ["Can't lose", [[2, 5], [1, 5]]],
    ['Hibernating', [[2, 1], [2, 2]]],
    ['Lost', [[1, 1], [1, 2]]],
  ];

  it.each(grid)('%s', (name, cells) => {
    for (const [r, f] of cells) expect(rfmSegment(r, f)).toBe(name);
  });

  it('covers all 25 cells exactly once', () => {
    const cells = grid.flatMap(([, c]) => c.map(([r, f]) => `${r}${f}`));
    expect(new Set(cells).size).toBe(25);
    expect(cells).toHaveLength(25);
  });

  it('rejects scores outside 1..5', () => {
    expect(() => rfmSegment(0, 3)).toThrow(RangeError);
    expect(() => rfmSegment(3, 2.5)).toThrow(RangeError);
  });
});
