/** One purchase. */
export interface Transaction {
  customerId: string | number;
  /** Purchase time: a Date or epoch milliseconds (UTC). */
  at: Date | number;
  amount: number;
}

/** A customer's calibration summary, as lifetimes' summary_data_from_transaction_data. */
export interface CustomerSummary {
  customerId: string | number;
  /** Number of distinct purchase days minus 1 (repeat purchase days). */
  frequency: number;
  /** Time from the first to the last purchase day, in time units. */
  recency: number;
  /** Time from the first purchase day to the `asOf` day, in time units. */
  T: number;
  /** Mean of the repeat purchase days' totals (the first day excluded); 0 when frequency is 0. */
  monetaryValue: number;
}

export interface SummarizeOptions {
  /** End of the observation period; purchases on later UTC days are ignored. */
  asOf: Date | number;
  /** Days per time unit of recency and T: 1 (default) for days, 7 for weeks. */
  timeUnitDays?: number;
}

const DAY_MS = 86_400_000;

function epochMs(value: Date | number, what: string): number {
  const ms = value instanceof Date ? value.getTime() : value;
  if (typeof ms !== 'number' || !Number.isFinite(ms)) throw new TypeError(`${what} must be a valid Date or epoch milliseconds`);
  return ms;
}

/**
 * Per-customer frequency / recency / T / monetary value, reproducing lifetimes'
 * summary_data_from_transaction_data with freq 'D' and freq_multiplier = timeUnitDays: purchases
 * are grouped by UTC day (amounts of one day summed), and day counts are divided by the unit.
 * Customers come out in the order of their first transaction in the input; customers whose every
 * purchase is after `asOf` are left out, as in lifetimes.
 */
export function summarizeTransactions(
  transactions: ReadonlyArray<Transaction>,
  options: SummarizeOptions,
): CustomerSummary[] {
  const asOfDay = Math.floor(epochMs(options.asOf, 'summarizeTransactions: asOf') / DAY_MS);
  const { timeUnitDays = 1 } = options;
  if (!(timeUnitDays > 0) || !Number.isFinite(timeUnitDays)) {
    throw new RangeError(`summarizeTransactions: timeUnitDays must be a positive number, got ${timeUnitDays}`);
  }

  const spendByDay = new Map<string | number, Map<number, number>>();
  transactions.forEach((tx, i) => {
    const { customerId, amount } = tx;
    if (typeof customerId !== 'string' && typeof customerId !== 'number') {
      throw new TypeError(`summarizeTransactions: transaction ${i}: customerId must be a string or a number`);
    }
    if (typeof amount !== 'number' || !Number.isFinite(amount)) {
      throw new TypeError(`summarizeTransactions: transaction ${i}: amount must be a finite number, got ${amount}`);
    }
    const day = Math.floor(epochMs(tx.at, `summarizeTransactions: transaction ${i}: at`) / DAY_MS);
    if (day > asOfDay) return;
    let days = spendByDay.get(customerId);
    if (!days) {
      days = new Map();
      spendByDay.set(customerId, days);
    }
    days.set(day, (days.get(day) ?? 0) + amount);
  });

  const summaries: CustomerSummary[] = [];
  for (const [customerId, days] of spendByDay) {
    let first = Infinity;
    let last = -Infinity;
    for (const day of days.keys()) {
      if (day < first) first = day;
      if (day > last) last = day;
    }
    let repeatSpend = 0;
    for (const [day, spend] of days) if (day !== first) repeatSpend += spend;
    const frequency = days.size - 1;
    summaries.push({
      customerId,
      frequency,
      recency: (last - first) / timeUnitDays,
      T: (asOfDay - first) / timeUnitDays,
      monetaryValue: frequency === 0 ? 0 : repeatSpend / frequency,
    });
  }
  return summaries;
}
