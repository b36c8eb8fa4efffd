import { Gender } from '../../modules/customer/customer.entity';
import { CustomerFieldsInput } from '../../modules/customer/customer.inputs';
import { validationMessages } from '../../common/validation';
import { headerIndex, parseCsv, type ParseResult } from './csv';

/**
 * Format `customers-csv` — customers in RFC 4180 CSV with a header row naming the columns (any order,
 * case-insensitive; only name or email is required in each row):
 *
 *     name,email,phone,gender,birthDate,city,country,annualIncome,emailOptIn,smsOptIn,tags
 *     Ada Lovelace,ada@example.com,+44 20 7946 0000,FEMALE,1990-12-10,London,GB,85000,true,false,vip|newsletter
 *
 * gender is FEMALE, MALE or OTHER; birthDate YYYY-MM-DD; country an ISO alpha-2 code; annualIncome whole
 * units; emailOptIn/smsOptIn true/false (also yes/no, 1/0); tags separated by |. An empty cell means
 * "not given": a new customer gets the default, an existing one keeps its value. Each row is checked with
 * the API's CustomerFieldsInput rules; a row failing them is bad and skipped.
 *
 * Loading: upsert by email (trimmed, lower-cased): a row whose email exists updates that customer
 * (version + 1), others create one; rows without email always create. A later row for the same email
 * in the file updates the earlier one.
 */
export interface CustomerRow {
  line: number;
  fields: CustomerFieldsInput;
}

const COLUMNS = ['name', 'email', 'phone', 'gender', 'birthDate', 'city', 'country', 'annualIncome', 'emailOptIn', 'smsOptIn', 'tags'] as const;

export async function parseCustomersCsv(text: string): Promise<ParseResult<CustomerRow>> {
  const { records, bad } = parseCsv(text);
  const result: ParseResult<CustomerRow> = { rows: [], bad };
  if (!records.length) return result;
  const [header, ...data] = records;
  const { index, error } = headerIndex(header.fields, COLUMNS, []);
  if (error || (index.name < 0 && index.email < 0)) {
    result.bad.unshift({ line: header.line, reason: error ?? 'header needs a name or an email column' });
    return result;
  }
  for (const { line, fields: cells } of data) {
    const cell = (k: (typeof COLUMNS)[number]) => (index[k] >= 0 ? (cells[index[k]] ?? '').trim() : '');
    if (cells.length !== header.fields.length) {
      result.bad.push({ line, reason: `expected ${header.fields.length} fields, found ${cells.length}` });
      continue;
    }
    const problems: string[] = [];
    const fields = new CustomerFieldsInput();
    const text = (k: 'name' | 'email' | 'phone' | 'birthDate' | 'city' | 'country') => {
      const v = cell(k);
      if (v !== '') fields[k] = v;
    };
    for (const k of ['name', 'email', 'phone', 'birthDate', 'city', 'country'] as const) text(k);
    if (fields.email) fields.email = fields.email.toLowerCase();
    if (fields.country) fields.country = fields.country.toUpperCase();
    const gender = cell('gender').toUpperCase();
    if (gender) {
      if ((Object.values(Gender) as string[]).includes(gender)) fields.gender = gender as Gender;
      else problems.push(`gender must be FEMALE, MALE or OTHER (got "${cell('gender')}")`);
    }
    const income = cell('annualIncome');
    if (income) fields.annualIncome = /^-?\d+$/.test(income) ? Number(income) : (problems.push(`annualIncome must be a whole number (got "${income}")`), undefined);
    for (const k of ['emailOptIn', 'smsOptIn'] as const) {
      const v = cell(k);
      if (!v) continue;
      const b = parseBoolean(v);
      if (b === null) problems.push(`${k} must be true or false (got "${v}")`);
      else fields[k] = b;
    }
    const tags = cell('tags');
    if (tags) fields.tags = tags.split('|').map((t) => t.trim()).filter(Boolean);
    problems.push(...(await validationMessages(fields)));
    if (!fields.name && !fields.email) problems.push('name or email is required');
    if (problems.length) result.bad.push({ line, reason: problems.join('; ') });
    else result.rows.push({ line, fields });
  }
  return result;
}

export function parseBoolean(v: string): boolean | null {
  if (/^(true|yes|y|1)$/i.test(v)) return true;
  if (/^(false|no|n|0)$/i.test(v)) return false;
  return null;
}
