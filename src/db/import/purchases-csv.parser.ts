import { isEmail } from 'class-validator';
import { validationMessages } from '../../common/validation';
import { SalesChannel } from '../../modules/purchase/purchase.entity';
import { CreatePurchaseInput, PurchaseLineInput } from '../../modules/purchase/purchase.inputs';
import { headerIndex, parseCsv, type BadRow, type ParseResult } from './csv';

/**
 * Format `purchases-csv` — purchase lines in RFC 4180 CSV with this header (any column order):
 *
 *     orderRef,customerEmail,purchasedAt,channel,sku,quantity,unitPrice
 *     A-1001,ada@example.com,2024-03-01T10:15:00Z,ONLINE,PAN-0101,2,1.09
 *     A-1001,ada@example.com,2024-03-01T10:15:00Z,ONLINE,PAN-0201,1,
 *
 * Rows with the same orderRef form one purchase (they need not be adjacent) and must agree on
 * customerEmail, purchasedAt and channel. purchasedAt is an ISO 8601 date (00:00 UTC) or date-time
 * (UTC unless it has an offset), not in the future; channel one of ONLINE, STORE, PHONE, APP,
 * MARKETPLACE (empty: STORE); quantity a whole number from 1; unitPrice in currency units (empty: the
 * product's list price). orderRef is the purchase's idempotency key (letters, digits, . _ : -, at most
 * 100), so importing the same file again adds nothing. A purchase is never half-imported: when one of
 * its rows is bad, every row of that order is reported and skipped. Unknown customer emails and skus
 * are found when loading and reported the same way.
 */
export interface PurchaseCsvLine {
  line: number;
  sku: string;
  quantity: number;
  /** null: the product's list price. */
  unitPriceCents: number | null;
}

export interface PurchaseCsvOrder {
  /** Line of the order's first row. */
  line: number;
  orderRef: string;
  customerEmail: string;
  purchasedAt: Date;
  channel: SalesChannel;
  lines: PurchaseCsvLine[];
}

const COLUMNS = ['orderRef', 'customerEmail', 'purchasedAt', 'channel', 'sku', 'quantity', 'unitPrice'] as const;
const ISO = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,3})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/** An ISO 8601 date or date-time that exists on the calendar; UTC unless an offset is given. */
export function parseIsoDateTime(s: string): Date | null {
  const m = ISO.exec(s);
  if (!m) return null;
  const day = new Date(`${m[1]}T00:00:00Z`);
  if (Number.isNaN(day.getTime()) || !day.toISOString().startsWith(m[1])) return null;
  if (m[2] !== undefined && (Number(m[2]) > 23 || Number(m[3]) > 59 || Number(m[4] ?? 0) > 59)) return null;
  const d = new Date(m[2] === undefined ? `${m[1]}T00:00:00Z` : s.replace(' ', 'T') + (m[5] ? '' : 'Z'));
  return Number.isNaN(d.getTime()) ? null : d;
}

/** Groups rows into orders; `now` (default: no check) rejects purchase dates after it. */
export async function parsePurchasesCsv(text: string, options: { now?: Date } = {}): Promise<ParseResult<PurchaseCsvOrder>> {
  const { records, bad } = parseCsv(text);
  const result: ParseResult<PurchaseCsvOrder> = { rows: [], bad };
  if (!records.length) return result;
  const [header, ...data] = records;
  const { index, error } = headerIndex(header.fields, COLUMNS, ['orderRef', 'customerEmail', 'purchasedAt', 'sku', 'quantity']);
  if (error) {
    result.bad.unshift({ line: header.line, reason: error });
    return result;
  }
  const orders = new Map<string, { order: PurchaseCsvOrder; bad: BadRow[]; lines: number[] }>();
  const ownBad: BadRow[] = [];
  for (const { line, fields: cells } of data) {
    const cell = (k: (typeof COLUMNS)[number]) => (index[k] >= 0 ? (cells[index[k]] ?? '').trim() : '');
    const orderRef = cell('orderRef');
    if (cells.length !== header.fields.length || !orderRef) {
      ownBad.push({ line, reason: !orderRef ? 'orderRef is required' : `expected ${header.fields.length} fields, found ${cells.length}` });
      continue;
    }
    const problems: string[] = [];
    const email = cell('customerEmail').toLowerCase();
    if (!isEmail(email)) problems.push(`customerEmail "${cell('customerEmail')}" is not a valid email address`);
    const purchasedAt = parseIsoDateTime(cell('purchasedAt'));
    if (!purchasedAt) problems.push(`purchasedAt "${cell('purchasedAt')}" is not an ISO 8601 date or date-time`);
    else if (options.now && purchasedAt.getTime() > options.now.getTime() + 5 * 60_000) problems.push(`purchasedAt ${cell('purchasedAt')} is in the future`);
    const channel = (cell('channel') || SalesChannel.STORE).toUpperCase();
    if (!(Object.values(SalesChannel) as string[]).includes(channel)) problems.push(`channel must be one of ${Object.values(SalesChannel).join(', ')} (got "${cell('channel')}")`);
    const sku = cell('sku');
    if (!sku) problems.push('sku is required');
    const quantity = /^-?\d+$/.test(cell('quantity')) ? Number(cell('quantity')) : NaN;
    if (Number.isNaN(quantity)) problems.push(`quantity "${cell('quantity')}" is not a whole number`);
    const price = cell('unitPrice');
    const unitPrice = price === '' ? undefined : /^-?\d+(\.\d+)?$/.test(price) ? Number(price) : NaN;
    if (Number.isNaN(unitPrice)) problems.push(`unitPrice "${price}" is not a number`);
    if (!Number.isNaN(quantity) && !Number.isNaN(unitPrice)) {
      // The API's own rules for a purchase with this one line (key format, quantity and price ranges).
      const input = Object.assign(new CreatePurchaseInput(), {
        customerId: 'import', channel, idempotencyKey: orderRef,
        lines: [Object.assign(new PurchaseLineInput(), { productId: sku, quantity, unitPrice })],
      });
      problems.push(...(await validationMessages(input)).map((m) => m.replace(/^lines\.0\./, '')));
    }
    let entry = orders.get(orderRef);
    if (!entry) {
      entry = {
        order: { line, orderRef, customerEmail: email, purchasedAt: purchasedAt ?? new Date(NaN), channel: channel as SalesChannel, lines: [] },
        bad: [],
        lines: [],
      };
      orders.set(orderRef, entry);
    } else if (!problems.length && !entry.bad.length) {
      const o = entry.order;
      if (o.customerEmail !== email || o.purchasedAt.getTime() !== purchasedAt!.getTime() || o.channel !== channel) {
        problems.push(`order ${orderRef} has another customerEmail, purchasedAt or channel on line ${o.line}`);
      }
    }
    entry.lines.push(line);
    if (problems.length) entry.bad.push({ line, reason: problems.join('; ') });
    else entry.order.lines.push({ line, sku, quantity, unitPriceCents: unitPrice === undefined ? null : Math.round(unitPrice * 100) });
  }
  for (const { order, bad: orderBad, lines } of orders.values()) {
    if (!orderBad.length) {
      result.rows.push(order);
      continue;
    }
    ownBad.push(...orderBad, ...rejectSiblings(order.orderRef, lines, orderBad));
  }
  result.bad.push(...ownBad.sort((a, b) => a.line - b.line));
  return result;
}

/** The good rows of an order that has a bad one: reported too, so that no line vanishes silently. */
export function rejectSiblings(orderRef: string, lines: readonly number[], bad: readonly BadRow[]): BadRow[] {
  const badLines = new Set(bad.map((b) => b.line));
  const first = Math.min(...badLines);
  return lines.filter((l) => !badLines.has(l)).map((line) => ({ line, reason: `order ${orderRef} has a bad row on line ${first}; the whole order is skipped` }));
}
