import { textLines, type ParseResult } from './csv';

/**
 * Format `cdnow` — the CDNOW purchase histories of Fader, Hardie and Lee (2005), whitespace-separated:
 *
 *     CDNOW_master.txt (4 columns):  customer id, date YYYYMMDD, number of CDs, dollar value
 *         00001 19970101  1   11.77
 *     CDNOW_sample.txt (5 columns):  customer id, a second id, date YYYYMMDD, number of CDs, dollar value
 *          00004 0001 19970101  2   29.33
 *
 * The column count of the first non-empty line decides which; a line with another count is bad. Bad rows
 * also: a non-numeric id, an impossible date, a CD count that is not a non-negative integer, a value that
 * is not a number or is negative.
 *
 * Loading: one customer per CDNOW id (name "CDNOW <id>" without leading zeros, tag cdnow, no email;
 * re-imports reuse them by name), one product "CD order" (sku CDNOW-CD), and per row one COMPLETED
 * ONLINE purchase at the date, 00:00 UTC, with one line of quantity 1 whose unit price is the dollar
 * value, so that totals equal the file's values to the cent.
 */
export interface CdnowRow {
  line: number;
  customerId: number;
  /** YYYY-MM-DD */
  date: string;
  cds: number;
  valueCents: number;
}

export function parseCdnow(text: string): ParseResult<CdnowRow> & { columns: 4 | 5 | null } {
  const result: ParseResult<CdnowRow> & { columns: 4 | 5 | null } = { rows: [], bad: [], columns: null };
  for (const { line, text: t } of textLines(text)) {
    const cols = t.trim().split(/\s+/);
    if (cols.length === 1 && cols[0] === '') continue;
    if (result.columns === null) {
      if (cols.length !== 4 && cols.length !== 5) {
        result.bad.push({ line, reason: `expected 4 (master) or 5 (sample) columns, found ${cols.length}` });
        continue;
      }
      result.columns = cols.length;
    }
    if (cols.length !== result.columns) {
      result.bad.push({ line, reason: `expected ${result.columns} columns like the first line, found ${cols.length}` });
      continue;
    }
    const [id, date, cds, value] = result.columns === 5 ? [cols[0], cols[2], cols[3], cols[4]] : cols;
    const reason = !/^\d+$/.test(id) ? `customer id "${id}" is not a number`
      : !realDate(date) ? `date "${date}" is not a real YYYYMMDD date`
      : !/^\d+$/.test(cds) ? `number of CDs "${cds}" is not a non-negative integer`
      : !/^-?\d+(\.\d+)?$/.test(value) ? `dollar value "${value}" is not a number`
      : Number(value) < 0 ? `dollar value ${value} is negative`
      : null;
    if (reason) result.bad.push({ line, reason });
    else {
      result.rows.push({
        line, customerId: Number(id), date: `${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}`,
        cds: Number(cds), valueCents: Math.round(Number(value) * 100),
      });
    }
  }
  return result;
}

function realDate(s: string): boolean {
  if (!/^\d{8}$/.test(s)) return false;
  const iso = `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}`;
  const d = new Date(`${iso}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(iso);
}
