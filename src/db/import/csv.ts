/** What every import parser returns: the rows it understood and the ones it did not, with 1-based line numbers. */
export interface BadRow {
  line: number;
  reason: string;
}

export interface ParseResult<T> {
  rows: T[];
  bad: BadRow[];
}

export interface CsvRecord {
  /** Line on which the record starts, from 1. */
  line: number;
  fields: string[];
}

/**
 * Splits RFC 4180 CSV text into records: fields separated by commas, optionally in double quotes ("" is a
 * quote inside quotes, and quoted fields may hold commas and newlines); LF or CRLF line ends; blank lines
 * skipped. An unterminated quote makes the rest of the text one bad record.
 */
export function parseCsv(text: string): { records: CsvRecord[]; bad: BadRow[] } {
  const records: CsvRecord[] = [];
  const bad: BadRow[] = [];
  let line = 1;
  let i = 0;
  const n = text.length;
  if (text.charCodeAt(0) === 0xfeff) i = 1;
  while (i < n) {
    const start = line;
    const fields: string[] = [];
    let field = '';
    let quoted = false;
    let inQuotes = false;
    let ended = false;
    while (i < n && !ended) {
      const ch = text[i];
      if (inQuotes) {
        if (ch === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
          } else {
            inQuotes = false;
            i++;
          }
        } else {
          if (ch === '\n') line++;
          field += ch;
          i++;
        }
      } else if (ch === '"' && field === '' && !quoted) {
        inQuotes = quoted = true;
        i++;
      } else if (ch === ',') {
        fields.push(field);
        field = '';
        quoted = false;
        i++;
      } else if (ch === '\n' || ch === '\r') {
        i += ch === '\r' && text[i + 1] === '\n' ? 2 : 1;
        line++;
        ended = true;
      } else {
        field += ch;
        i++;
      }
    }
    if (inQuotes) {
      bad.push({ line: start, reason: 'unterminated quoted field' });
      break;
    }
    fields.push(field);
    if (fields.length === 1 && fields[0] === '' && !quoted) continue;
    records.push({ line: start, fields });
  }
  return { records, bad };
}

/** Text lines with their 1-based numbers (LF or CRLF), without the empty remainder after a final newline. */
export function textLines(text: string): { line: number; text: string }[] {
  const parts = text.replace(/^\ufeff/, '').split('\n');
  if (parts.length && parts[parts.length - 1] === '') parts.pop();
  return parts.map((t, i) => ({ line: i + 1, text: t.endsWith('\r') ? t.slice(0, -1) : t }));
}

/**
 * Maps a header row to column positions. `names` are the canonical column names; a header cell matches
 * when it equals the name ignoring case, spaces, underscores and anything in parentheses.
 */
export function headerIndex<K extends string>(header: readonly string[], names: readonly K[], required: readonly K[]): { index: Record<K, number>; error: string | null } {
  const norm = (s: string) => s.replace(/\(.*?\)/g, '').replace(/[\s_-]/g, '').toLowerCase();
  const index = {} as Record<K, number>;
  for (const name of names) index[name] = header.findIndex((h) => norm(h) === norm(name));
  const missing = required.filter((k) => index[k] < 0);
  const unknown = header.filter((h) => !names.some((k) => norm(k) === norm(h)));
  if (missing.length) return { index, error: `header lacks column(s) ${missing.join(', ')}` };
  if (unknown.length) return { index, error: `header has unknown column(s) ${unknown.join(', ')} (expected ${names.join(',')})` };
  return { index, error: null };
}
