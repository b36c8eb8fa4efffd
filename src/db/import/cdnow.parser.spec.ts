import { parseCdnow } from './cdnow.parser';

describe('parseCdnow', () => {
  it('reads the 5-column sample layout, in cents', () => {
    const r = parseCdnow(' 00004 0001 19970101  2   29.33\n 00004 0001 19970118  2   29.73\n 00021 0002 19970101  3   63.34\n');
    expect(r.columns).toBe(5);
    expect(r.bad).toEqual([]);
    expect(r.rows).toEqual([
      { line: 1, customerId: 4, date: '1997-01-01', cds: 2, valueCents: 2933 },
      { line: 2, customerId: 4, date: '1997-01-18', cds: 2, valueCents: 2973 },
      { line: 3, customerId: 21, date: '1997-01-01', cds: 3, valueCents: 6334 },
    ]);
  });

  it('reads the 4-column master layout and reports bad rows with their line numbers', () => {
    const r = parseCdnow('00001 19970101 1 11.77\n00002 19970230 1 5.00\n00003 19970105 1 -3.50\n00004 19970105 1\n00005 19970105 x 1.00\n00006 19970107 0 0.00');
    expect(r.columns).toBe(4);
    expect(r.rows.map((x) => [x.line, x.customerId, x.valueCents])).toEqual([[1, 1, 1177], [6, 6, 0]]);
    expect(r.bad).toEqual([
      { line: 2, reason: 'date "19970230" is not a real YYYYMMDD date' },
      { line: 3, reason: 'dollar value -3.50 is negative' },
      { line: 4, reason: 'expected 4 columns like the first line, found 3' },
      { line: 5, reason: 'number of CDs "x" is not a non-negative integer' },
    ]);
  });

  it('rejects a first line of another width', () => {
    expect(parseCdnow('1 2 3\n').bad).toEqual([{ line: 1, reason: 'expected 4 (master) or 5 (sample) columns, found 3' }]);
  });
});
