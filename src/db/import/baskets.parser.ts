import { textLines, type ParseResult } from './csv';

/**
 * Format `baskets` — market baskets such as the arules Groceries data (groceries.csv):
 *
 *     citrus fruit,semi-finished bread,margarine,ready soups
 *     tropical fruit,yogurt,coffee
 *
 * One basket per line, item names separated by commas; no header, no quoting, LF or CRLF line ends.
 * Names are kept exactly as written, trailing spaces included ("cream cheese " and "cream cheese" are
 * two items); an item repeated within one line counts once. Bad rows: an empty line, an empty item
 * name, a name longer than 200 characters.
 *
 * Loading: every distinct item becomes a product (sku from `basketSku`, price 1.00, category from
 * --category, default groceries); every line one COMPLETED purchase with one line per item, quantity 1,
 * dated --date (default 2024-01-01T00:00:00Z) plus the line number in seconds, all belonging to one
 * customer "Basket import" tagged anonymous (or one customer "Basket <line>" each with
 * --customer-per-basket). Importing the same file again adds the baskets again.
 */
export interface BasketRow {
  line: number;
  /** Distinct item names in order of first appearance on the line. */
  items: string[];
}

export function parseBaskets(text: string): ParseResult<BasketRow> {
  const result: ParseResult<BasketRow> = { rows: [], bad: [] };
  for (const { line, text: t } of textLines(text)) {
    if (t === '') {
      result.bad.push({ line, reason: 'empty basket' });
      continue;
    }
    const items = [...new Set(t.split(','))];
    if (items.includes('')) result.bad.push({ line, reason: 'empty item name' });
    else if (items.some((i) => i.length > 200)) result.bad.push({ line, reason: 'item name longer than 200 characters' });
    else result.rows.push({ line, items });
  }
  return result;
}

/**
 * A stable, unique sku for an item name: a readable slug plus a hash of the exact name, so that names
 * differing only by case, accents or trailing spaces get different skus.
 */
export function basketSku(name: string): string {
  const slug = name.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 40);
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  return `BSK-${slug || 'item'}-${(h >>> 0).toString(16).padStart(8, '0')}`;
}
