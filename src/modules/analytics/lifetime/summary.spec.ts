import { cdnowSummary, cdnowSummaryWithSpend, cdnowTransactions } from './cdnow.fixtures';
import { summarizeTransactions, Transaction } from './summary';

const utc = (iso: string) => new Date(`${iso}Z`);

// Customer "a": Jan 1 (10 + 5 on one day), Jan 8 (20), Jan 15 (30 and a −4 refund), Feb 1 (after asOf).
// Customer 7: one purchase on Jan 20. Customer "b": Jan 20 and on the asOf day itself, after the asOf
// hour (lifetimes floors asOf to its day, so it counts). Customer "late": only after asOf.
const transactions: Transaction[] = [
  { customerId: 'a', at: utc('2024-01-01T10:00:00'), amount: 10 },
  { customerId: 7, at: utc('2024-01-20T23:00:00').getTime(), amount: 50 },
  { customerId: 'a', at: utc('2024-01-08T00:00:00'), amount: 20 },
  { customerId: 'a', at: utc('2024-01-01T23:59:59'), amount: 5 },
  { customerId: 'late', at: utc('2024-01-30T00:00:00'), amount: 99 },
  { customerId: 'a', at: utc('2024-01-15T12:00:00'), amount: 30 },
  { customerId: 'b', at: utc('2024-01-29T23:00:00'), amount: 12 },
  { customerId: 'a', at: utc('2024-01-15T13:00:00'), amount: -4 },
  { customerId: 'a', at: utc('2024-02-01T09:00:00'), amount: 1000 },
  { customerId: 'b', at: utc('2024-01-20T08:00:00'), amount: 3 },
];
const asOf = utc('2024-01-29T08:00:00');

describe('summarizeTransactions', () => {
  it('summarises by UTC purchase day like lifetimes (days)', () => {
    expect(summarizeTransactions(transactions, { asOf })).toEqual([
      // days Jan 1, 8, 15: frequency 2, recency 14, T 28, repeat days 20 and 26 average 23
      { customerId: 'a', frequency: 2, recency: 14, T: 28, monetaryValue: 23 },
      { customerId: 7, frequency: 0, recency: 0, T: 9, monetaryValue: 0 },
      // Jan 20 and Jan 29: the repeat day spent 12
      { customerId: 'b', frequency: 1, recency: 9, T: 9, monetaryValue: 12 },
    ]);
  });

  it('divides recency and T by the time unit (weeks) and accepts asOf as epoch ms', () => {
    const weeks = summarizeTransactions(transactions, { asOf: asOf.getTime(), timeUnitDays: 7 });
    expect(weeks[0]).toEqual({ customerId: 'a', frequency: 2, recency: 2, T: 4, monetaryValue: 23 });
    expect(weeks[2].T).toBeCloseTo(9 / 7, 12);
  });

  it('returns nothing for no transactions', () => {
    expect(summarizeTransactions([], { asOf })).toEqual([]);
  });

  it('reproduces cdnow_customers_summary(_with_transactions) from CDNOW_sample.txt, all 2,357 rows', () => {
    const summaries = summarizeTransactions(cdnowTransactions(), { asOf: Date.UTC(1997, 8, 30), timeUnitDays: 7 });
    const published = new Map(cdnowSummary().map((row) => [row.id, row]));
    const withSpend = new Map(cdnowSummaryWithSpend().map((row) => [row.id, row]));
    expect(summaries).toHaveLength(2357);
    expect(published.size).toBe(2357);
    for (const s of summaries) {
      for (const row of [published.get(s.customerId as number), withSpend.get(s.customerId as number)]) {
        expect(row).toBeDefined();
        if (!row) continue;
        expect(s.frequency).toBe(row.frequency);
        // The files hold recency and T rounded to 2 decimals (weeks = days / 7 never ends in an exact 5).
        expect(Math.abs(Number(s.recency.toFixed(2)) - row.recency)).toBeLessThan(1e-6);
        expect(Math.abs(Number(s.T.toFixed(2)) - row.T)).toBeLessThan(1e-6);
      }
      // zbar is the mean repeat-day value rounded to the cent (a half cent may round either way).
      const zbar = withSpend.get(s.customerId as number)?.monetaryValue;
      expect(Math.abs(s.monetaryValue - (zbar as number))).toBeLessThanOrEqual(0.005 + 1e-9);
    }
    // Customer 1 by hand: Jan 1, Jan 18 (29.73), Aug 2 (14.96); Dec 12 is after the calibration end.
    expect(summaries.find((s) => s.customerId === 1)).toEqual({
      customerId: 1,
      frequency: 2,
      recency: 213 / 7,
      T: 272 / 7,
      monetaryValue: (29.73 + 14.96) / 2,
    });
  });

  it('rejects bad input with readable errors', () => {
    const at = asOf;
    expect(() => summarizeTransactions(transactions, { asOf: new Date('nope') })).toThrow(TypeError);
    expect(() => summarizeTransactions(transactions, { asOf, timeUnitDays: 0 })).toThrow(/timeUnitDays/);
    expect(() => summarizeTransactions([{ customerId: 1, at, amount: NaN }], { asOf })).toThrow(/amount/);
    expect(() => summarizeTransactions([{ customerId: 1, at: Infinity, amount: 1 }], { asOf })).toThrow(/at/);
    const noId = { customerId: null, at, amount: 1 } as unknown as Transaction;
    expect(() => summarizeTransactions([noId], { asOf })).toThrow(/customerId/);
  });
});
