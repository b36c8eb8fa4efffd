import { Gender } from '../../modules/customer/customer.entity';
import { CustomerFieldsInput } from '../../modules/customer/customer.inputs';
import { validationMessages } from '../../common/validation';
import { headerIndex, parseCsv, type ParseResult } from './csv';
import type { CustomerRow } from './customers-csv.parser';

/**
 * Format `customers` — the "Mall Customers" demographics (mall_customers.csv), CSV with a header:
 *
 *     CustomerID,Genre,Age,Annual_Income (k$),Spending_Score (1-100)
 *     1,Male,19,15,39
 *
 * Header cells match ignoring case, spaces, underscores and parentheses ("Annual_Income" works too).
 * Genre is Male or Female; Age whole years; Annual_Income in thousands; Spending_Score 1 to 100.
 *
 * Loading: one customer per row named "Mall customer <CustomerID>" (re-imports update it by name), gender,
 * birthDate = --as-of (default today) minus Age years minus 182 days (the middle of that year of age),
 * annualIncome = k$ x 1000, and the spending score as the tag spending-score-<n>.
 */
const COLUMNS = ['CustomerID', 'Genre', 'Age', 'Annual_Income', 'Spending_Score'] as const;
const DAY = 86_400_000;

export async function parseMallCustomers(text: string, options: { asOf: Date | number }): Promise<ParseResult<CustomerRow>> {
  const asOf = new Date(options.asOf);
  if (Number.isNaN(asOf.getTime())) throw new TypeError('asOf must be a valid date');
  const { records, bad } = parseCsv(text);
  const result: ParseResult<CustomerRow> = { rows: [], bad };
  if (!records.length) return result;
  const [header, ...data] = records;
  const { index, error } = headerIndex(header.fields, COLUMNS, COLUMNS);
  if (error) {
    result.bad.unshift({ line: header.line, reason: error });
    return result;
  }
  for (const { line, fields: cells } of data) {
    const [id, genre, age, income, score] = COLUMNS.map((k) => (cells[index[k]] ?? '').trim());
    const reason = cells.length !== COLUMNS.length ? `expected ${COLUMNS.length} fields, found ${cells.length}`
      : !/^\d+$/.test(id) ? `CustomerID "${id}" is not a positive integer`
      : !/^(male|female)$/i.test(genre) ? `Genre must be Male or Female (got "${genre}")`
      : !/^\d+$/.test(age) || Number(age) > 120 ? `Age "${age}" is not a whole number of years up to 120`
      : !/^\d+(\.\d+)?$/.test(income) ? `Annual_Income "${income}" is not a non-negative number`
      : !/^\d+$/.test(score) || Number(score) < 1 || Number(score) > 100 ? `Spending_Score "${score}" is not an integer from 1 to 100`
      : null;
    if (reason) {
      result.bad.push({ line, reason });
      continue;
    }
    const years = Date.UTC(asOf.getUTCFullYear() - Number(age), asOf.getUTCMonth(), asOf.getUTCDate());
    const fields = Object.assign(new CustomerFieldsInput(), {
      name: `Mall customer ${Number(id)}`,
      gender: /^male$/i.test(genre) ? Gender.MALE : Gender.FEMALE,
      birthDate: new Date(years - 182 * DAY).toISOString().slice(0, 10),
      annualIncome: Math.round(Number(income) * 1000),
      tags: [`spending-score-${Number(score)}`],
    });
    const problems = await validationMessages(fields);
    if (problems.length) result.bad.push({ line, reason: problems.join('; ') });
    else result.rows.push({ line, fields });
  }
  return result;
}
