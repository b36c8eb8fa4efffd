import type { DataSource } from 'typeorm';
import { inList } from '../../common/sql';
import { CustomerFieldsInput } from '../../modules/customer/customer.inputs';
import { PurchaseStatus, SalesChannel } from '../../modules/purchase/purchase.entity';
import { basketSku, parseBaskets } from './baskets.parser';
import { parseCdnow } from './cdnow.parser';
import type { BadRow } from './csv';
import { parseCustomersCsv, type CustomerRow } from './customers-csv.parser';
import { ensureProducts, insertPurchases, refreshStats, upsertCustomers, type NewPurchase, type Progress } from './loader';
import { parseMallCustomers } from './mall-customers.parser';
import { parsePurchasesCsv, rejectSiblings, type PurchaseCsvOrder } from './purchases-csv.parser';

/** The file formats of `npm run import`; each parser's header comment documents its format. */
export const IMPORT_FORMATS = ['baskets', 'cdnow', 'customers', 'customers-csv', 'purchases-csv'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

export interface ImportOptions {
  format: ImportFormat;
  /** The whole file as text. */
  text: string;
  /** baskets: category of the item products. Default 'groceries'. */
  category?: string;
  /** baskets: date of line 0 (line n is n seconds later). Default 2024-01-01T00:00:00Z. */
  date?: Date;
  /** baskets: one customer per basket instead of the single "Basket import" customer. */
  customerPerBasket?: boolean;
  /** customers (mall): the day ages refer to. Required for that format. */
  asOf?: Date;
  /** purchases-csv: purchase dates after this are bad rows. */
  now?: Date;
  /** Called as customers and purchases are written. */
  onProgress?: (phase: 'customers' | 'purchases', done: number, total: number) => void;
}

export interface ImportSummary {
  format: ImportFormat;
  customers: { inserted: number; updated: number };
  products: { inserted: number; reused: number };
  /** skipped: purchases-csv orders whose orderRef was imported before. */
  purchases: { inserted: number; skipped: number };
  lines: number;
  /** Rows that were skipped, by line number. */
  bad: BadRow[];
}

const BASKET_CUSTOMER = 'Basket import';
const DEFAULT_BASKET_DATE = new Date('2024-01-01T00:00:00Z');

/** Parses a file of one of the formats and loads its good rows; the bad ones come back with reasons. */
export async function importData(ds: DataSource, options: ImportOptions): Promise<ImportSummary> {
  const summary: ImportSummary = {
    format: options.format, customers: { inserted: 0, updated: 0 }, products: { inserted: 0, reused: 0 }, purchases: { inserted: 0, skipped: 0 }, lines: 0, bad: [],
  };
  switch (options.format) {
    case 'baskets':
      await importBaskets(ds, options, summary);
      break;
    case 'cdnow':
      await importCdnow(ds, options, summary);
      break;
    case 'customers': {
      if (!options.asOf) throw new TypeError('the customers format needs asOf (the day ages refer to)');
      const parsed = await parseMallCustomers(options.text, { asOf: options.asOf });
      summary.bad.push(...parsed.bad);
      await customers(ds, parsed.rows, 'name', options, summary);
      break;
    }
    case 'customers-csv': {
      const parsed = await parseCustomersCsv(options.text);
      summary.bad.push(...parsed.bad);
      await customers(ds, parsed.rows, 'email', options, summary);
      break;
    }
    case 'purchases-csv':
      await importPurchasesCsv(ds, options, summary);
      break;
    default:
      throw new RangeError(`unknown format "${options.format as string}" (expected one of ${IMPORT_FORMATS.join(', ')})`);
  }
  summary.bad.sort((a, b) => a.line - b.line);
  return summary;
}

const phase = (options: ImportOptions, name: 'customers' | 'purchases'): Progress | undefined =>
  options.onProgress && ((done, total) => options.onProgress!(name, done, total));

async function customers(ds: DataSource, rows: CustomerRow[], key: 'email' | 'name', options: ImportOptions, summary: ImportSummary) {
  const r = await upsertCustomers(ds, rows, key, phase(options, 'customers'));
  summary.customers = { inserted: r.inserted, updated: r.updated };
  summary.bad.push(...r.bad);
  return r.ids;
}

const customerRow = (line: number, name: string, tags: string[]): CustomerRow => ({ line, fields: Object.assign(new CustomerFieldsInput(), { name, tags }) });

async function importBaskets(ds: DataSource, options: ImportOptions, summary: ImportSummary) {
  const parsed = parseBaskets(options.text);
  summary.bad.push(...parsed.bad);
  if (!parsed.rows.length) return;
  const perBasket = options.customerPerBasket ?? false;
  const ids = await customers(ds, perBasket ? parsed.rows.map((r) => customerRow(r.line, `Basket ${r.line}`, ['anonymous'])) : [customerRow(0, BASKET_CUSTOMER, ['anonymous'])], 'name', options, summary);
  const category = options.category ?? 'groceries';
  const items = [...new Set(parsed.rows.flatMap((r) => r.items))];
  const products = await ensureProducts(ds, items.map((name) => ({ sku: basketSku(name), name, category, priceCents: 100 })));
  summary.products = { inserted: products.inserted, reused: products.reused };
  const base = (options.date ?? DEFAULT_BASKET_DATE).getTime();
  await purchases(ds, parsed.rows.map((r) => ({
    customerId: ids.get(perBasket ? `Basket ${r.line}` : BASKET_CUSTOMER)!,
    purchasedAt: new Date(base + r.line * 1000),
    channel: SalesChannel.STORE,
    status: PurchaseStatus.COMPLETED,
    idempotencyKey: null,
    lines: r.items.map((item) => ({ productId: products.ids.get(basketSku(item))!, quantity: 1, unitPriceCents: 100 })),
  })), options, summary);
}

async function importCdnow(ds: DataSource, options: ImportOptions, summary: ImportSummary) {
  const parsed = parseCdnow(options.text);
  summary.bad.push(...parsed.bad);
  if (!parsed.rows.length) return;
  const firstLine = new Map<number, number>();
  for (const r of parsed.rows) if (!firstLine.has(r.customerId)) firstLine.set(r.customerId, r.line);
  const ids = await customers(ds, [...firstLine].map(([id, line]) => customerRow(line, `CDNOW ${id}`, ['cdnow'])), 'name', options, summary);
  const products = await ensureProducts(ds, [{ sku: 'CDNOW-CD', name: 'CD order', category: 'music', priceCents: 0 }]);
  summary.products = { inserted: products.inserted, reused: products.reused };
  const productId = products.ids.get('CDNOW-CD')!;
  await purchases(ds, parsed.rows.map((r) => ({
    customerId: ids.get(`CDNOW ${r.customerId}`)!,
    purchasedAt: new Date(`${r.date}T00:00:00Z`),
    channel: SalesChannel.ONLINE,
    status: PurchaseStatus.COMPLETED,
    idempotencyKey: null,
    lines: [{ productId, quantity: 1, unitPriceCents: r.valueCents }],
  })), options, summary);
}

async function importPurchasesCsv(ds: DataSource, options: ImportOptions, summary: ImportSummary) {
  const parsed = await parsePurchasesCsv(options.text, { now: options.now });
  summary.bad.push(...parsed.bad);
  const customerIds = await lookup(ds, 'customers', 'email', parsed.rows.map((o) => o.customerEmail), 'deleted_at IS NULL AND erased_at IS NULL');
  const products = await lookup(ds, 'products', 'sku', parsed.rows.flatMap((o) => o.lines.map((l) => l.sku)), 'deleted_at IS NULL', ', price_cents');
  const good: NewPurchase[] = [];
  for (const order of parsed.rows) {
    const bad = orderProblems(order, customerIds, products);
    if (bad.length) {
      summary.bad.push(...bad, ...rejectSiblings(order.orderRef, order.lines.map((l) => l.line), bad));
      continue;
    }
    good.push({
      customerId: customerIds.get(order.customerEmail)!.id,
      purchasedAt: order.purchasedAt,
      channel: order.channel,
      status: PurchaseStatus.COMPLETED,
      idempotencyKey: order.orderRef,
      lines: order.lines.map((l) => {
        const p = products.get(l.sku)!;
        return { productId: p.id, quantity: l.quantity, unitPriceCents: l.unitPriceCents ?? Number(p.price_cents) };
      }),
    });
  }
  await purchases(ds, good, options, summary);
}

function orderProblems(order: PurchaseCsvOrder, customerIds: Map<string, { id: number }>, products: Map<string, { id: number; price_cents?: unknown }>): BadRow[] {
  if (!customerIds.has(order.customerEmail)) return [{ line: order.line, reason: `no customer with email ${order.customerEmail}` }];
  const bad = order.lines.filter((l) => !products.has(l.sku)).map((l) => ({ line: l.line, reason: `no product with sku ${l.sku}` }));
  if (bad.length) return bad;
  const total = order.lines.reduce((s, l) => s + l.quantity * (l.unitPriceCents ?? Number(products.get(l.sku)!.price_cents)), 0);
  return total > 2_000_000_000 ? [{ line: order.line, reason: `order ${order.orderRef} totals more than 20,000,000.00` }] : [];
}

async function purchases(ds: DataSource, rows: NewPurchase[], options: ImportOptions, summary: ImportSummary) {
  const r = await insertPurchases(ds, rows, phase(options, 'purchases'));
  summary.purchases = { inserted: r.inserted, skipped: r.skipped };
  summary.lines = r.lines;
  await refreshStats(ds, r.customerIds);
}

/** Rows of `table` whose `column` is one of `values`, by that value (emails compared lower-cased). */
async function lookup(ds: DataSource, table: string, column: string, values: string[], where: string, extra = ''): Promise<Map<string, { id: number; price_cents?: unknown }>> {
  const out = new Map<string, { id: number; price_cents?: unknown }>();
  const distinct = [...new Set(values)];
  for (let i = 0; i < distinct.length; i += 1000) {
    const w = inList(column, distinct.slice(i, i + 1000));
    const rows = (await ds.query(`SELECT id, ${column} AS k${extra} FROM ${table} WHERE ${w.sql} AND ${where}`, w.params)) as { id: number; k: string; price_cents?: unknown }[];
    for (const r of rows) out.set(column === 'email' ? r.k.toLowerCase() : r.k, { ...r, id: Number(r.id) });
  }
  return out;
}
