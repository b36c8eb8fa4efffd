/** Test-only readers for the CDNOW reference files in test/fixtures/datasets (see its README). */
import * as fs from 'fs';
import * as path from 'path';
import { Transaction } from './summary';

const datasets = path.resolve(__dirname, '../../../../test/fixtures/datasets');

function csvRows(file: string): number[][] {
  const lines = fs.readFileSync(path.join(datasets, file), 'utf8').trim().split(/\r?\n/);
  return lines.slice(1).map((line) => line.split(',').map(Number));
}

/** cdnow_customers_summary.csv: ID, frequency, recency, T (weeks, calibration to 1997-09-30). */
export function cdnowSummary(): { id: number; frequency: number; recency: number; T: number }[] {
  return csvRows('cdnow_customers_summary.csv').map(([id, frequency, recency, T]) => ({ id, frequency, recency, T }));
}

/** cdnow_customers_summary_with_transactions.csv: ID, x, t_x, T, zbar. */
export function cdnowSummaryWithSpend(): {
  id: number;
  frequency: number;
  recency: number;
  T: number;
  monetaryValue: number;
}[] {
  return csvRows('cdnow_customers_summary_with_transactions.csv').map(([id, frequency, recency, T, monetaryValue]) => ({
    id,
    frequency,
    recency,
    T,
    monetaryValue,
  }));
}

/** CDNOW_sample.txt: customer id, second id (the summaries' ID), YYYYMMDD, CDs, dollars. */
export function cdnowTransactions(): Transaction[] {
  const lines = fs.readFileSync(path.join(datasets, 'CDNOW_sample.txt'), 'utf8').trim().split(/\r?\n/);
  return lines.map((line) => {
    const [, id, date, , dollars] = line.trim().split(/\s+/);
    const at = Date.UTC(Number(date.slice(0, 4)), Number(date.slice(4, 6)) - 1, Number(date.slice(6, 8)));
    return { customerId: Number(id), at, amount: Number(dollars) };
  });
}
