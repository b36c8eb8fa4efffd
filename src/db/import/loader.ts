import type { DataSource, EntityManager } from 'typeorm';
import { inList } from '../../common/sql';
import type { CustomerFieldsInput } from '../../modules/customer/customer.inputs';
import type { PurchaseStatus, SalesChannel } from '../../modules/purchase/purchase.entity';
import { PurchaseService } from '../../modules/purchase/purchase.service';
import { dialectOf, type Dialect } from '../dialect';
import { tagsTransformer } from '../transformers';
import { bindable, insertRows, insertRowsReturningIds, writeTransaction } from '../bulk';
import type { BadRow } from './csv';
import type { CustomerRow } from './customers-csv.parser';

/**
 * The database side of the imports: bulk, one transaction per batch. The database allocates every id (read
 * back with RETURNING, or one insert at a time on MySQL 8), so imports running at the same moment as each other
 * or as the API never collide.
 */

/** MariaDB, PostgreSQL and SQLite answer INSERT ... RETURNING; MySQL does not. */
const hasReturning = (m: EntityManager) => m.connection.options.type !== 'mysql';

export type Progress = (done: number, total: number) => void;

const CUSTOMER_COLUMNS: Record<string, string> = {
  name: 'name', email: 'email', phone: 'phone', gender: 'gender', birthDate: 'birth_date', city: 'city', country: 'country',
  annualIncome: 'annual_income', emailOptIn: 'email_opt_in', smsOptIn: 'sms_opt_in', tags: 'tags',
};
const FIELDS = Object.keys(CUSTOMER_COLUMNS) as (keyof CustomerFieldsInput)[];
const DEFAULTS: Record<string, unknown> = { emailOptIn: false, smsOptIn: false, tags: [] };
/** Rows per SELECT ... IN (...): far below every driver's parameter limit. */
const LOOKUP = 1000;

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function columnValue(d: Dialect, field: string, value: unknown): unknown {
  if (field === 'tags') return tagsTransformer.to(value as string[]) ?? '';
  return bindable(d, value);
}

export interface CustomerUpsertResult {
  inserted: number;
  updated: number;
  /** Customer id by key (lower-cased email or exact name). */
  ids: Map<string, number>;
  bad: BadRow[];
}

/**
 * Creates or updates customers by a natural key: `email` (rows without one are always created) or
 * `name` (for data sets that have no email, such as CDNOW ids). A later row with the same key updates
 * the earlier one; a key held by a deleted or erased customer is a bad row.
 */
export async function upsertCustomers(ds: DataSource, rows: readonly CustomerRow[], key: 'email' | 'name', onProgress?: Progress): Promise<CustomerUpsertResult> {
  const d = dialectOf(ds);
  const result: CustomerUpsertResult = { inserted: 0, updated: 0, ids: new Map(), bad: [] };
  const keyOf = (r: CustomerRow) => {
    const k = key === 'email' ? r.fields.email?.trim().toLowerCase() : r.fields.name;
    return k ? k : null;
  };
  let done = 0;
  for (const batch of chunks(rows, 500)) {
    await writeTransaction(ds, async (m) => {
      const keys = [...new Set(batch.map(keyOf).filter((k): k is string => k !== null))];
      const existing = new Map<string, { id: number; gone: boolean }>();
      if (keys.length) {
        const w = inList(key, keys);
        const found = (await m.query(`SELECT id, ${key} AS k, deleted_at, erased_at FROM customers WHERE ${w.sql} ORDER BY id`, w.params)) as
          { id: number; k: string; deleted_at: unknown; erased_at: unknown }[];
        for (const f of found) {
          const k = key === 'email' ? f.k.toLowerCase() : f.k;
          const gone = f.deleted_at != null || f.erased_at != null;
          // Names are not unique: the oldest live customer with that name is the one.
          if (!existing.has(k) || (existing.get(k)!.gone && !gone)) existing.set(k, { id: Number(f.id), gone });
        }
      }
      const inserts: { key: string | null; fields: Record<string, unknown> }[] = [];
      const pendingInsert = new Map<string, Record<string, unknown>>();
      const updates = new Map<number, Record<string, unknown>>();
      for (const row of batch) {
        const k = keyOf(row);
        const fields = given(row.fields);
        if (key === 'email' && typeof fields.email === 'string') fields.email = fields.email.trim().toLowerCase();
        const hit = k === null ? undefined : existing.get(k);
        if (hit?.gone) {
          result.bad.push({ line: row.line, reason: `${key} ${k} belongs to a deleted or erased customer` });
        } else if (hit) {
          updates.set(hit.id, { ...updates.get(hit.id), ...fields });
          result.updated++;
        } else if (k !== null && pendingInsert.has(k)) {
          Object.assign(pendingInsert.get(k)!, fields);
          result.updated++;
        } else {
          inserts.push({ key: k, fields });
          if (k !== null) pendingInsert.set(k, fields);
        }
      }
      if (inserts.length) {
        const values: unknown[] = [];
        for (const ins of inserts) {
          const f = ins.fields;
          // Like the API's upsert: a customer known only by email is named after its local part.
          const value = (field: string) => (field === 'name' ? f.name ?? String(f.email).split('@')[0] : f[field] ?? DEFAULTS[field] ?? null);
          values.push(...FIELDS.map((field) => columnValue(d, field, value(field))), 1);
        }
        const ids = await insertRowsReturningIds(m, d, hasReturning(m), 'customers', [...FIELDS.map((f) => CUSTOMER_COLUMNS[f]), 'version'], values);
        inserts.forEach((ins, i) => ins.key !== null && result.ids.set(ins.key, ids[i]));
        result.inserted += inserts.length;
      }
      for (const [id, fields] of updates) {
        const set = Object.keys(fields).map((f) => `${CUSTOMER_COLUMNS[f]} = ?`);
        await m.query(
          `UPDATE customers SET ${[...set, 'version = version + 1', 'updated_at = CURRENT_TIMESTAMP'].join(', ')} WHERE id = ?`,
          [...Object.entries(fields).map(([f, v]) => columnValue(d, f, v)), id],
        );
      }
      for (const [k, hit] of existing) if (!hit.gone) result.ids.set(k, hit.id);
    });
    onProgress?.((done += batch.length), rows.length);
  }
  return result;
}

/** The fields a row gives (undefined means "keep" on update, "default" on insert). */
function given(fields: CustomerFieldsInput): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of FIELDS) if (fields[f] !== undefined) out[f] = fields[f];
  return out;
}

export interface NewProduct {
  sku: string;
  name: string;
  category: string;
  priceCents: number;
  tags?: string[];
}

/** Product ids by sku, creating the products that do not exist yet (existing ones are left as they are). */
export async function ensureProducts(ds: DataSource, products: readonly NewProduct[]): Promise<{ ids: Map<string, number>; inserted: number; reused: number }> {
  const d = dialectOf(ds);
  const ids = new Map<string, number>();
  let inserted = 0;
  await writeTransaction(ds, async (m) => {
    for (const batch of chunks(products, LOOKUP)) {
      const w = inList('sku', batch.map((p) => p.sku));
      for (const r of (await m.query(`SELECT id, sku FROM products WHERE ${w.sql}`, w.params)) as { id: number; sku: string }[]) ids.set(r.sku, Number(r.id));
    }
    const fresh = products.filter((p) => !ids.has(p.sku));
    if (!fresh.length) return;
    const newIds = await insertRowsReturningIds(m, d, hasReturning(m), 'products', ['sku', 'name', 'category', 'tags', 'price_cents', 'version'],
      fresh.flatMap((p) => [p.sku, p.name, p.category, tagsTransformer.to(p.tags ?? []) ?? '', p.priceCents, 1]));
    fresh.forEach((p, i) => ids.set(p.sku, newIds[i]));
    inserted = fresh.length;
  });
  return { ids, inserted, reused: products.length - inserted };
}

export interface NewPurchase {
  customerId: number;
  purchasedAt: Date;
  channel: SalesChannel;
  status: PurchaseStatus;
  idempotencyKey: string | null;
  lines: { productId: number; quantity: number; unitPriceCents: number }[];
}

export interface PurchaseInsertResult {
  inserted: number;
  /** Purchases whose idempotency key was already in the database. */
  skipped: number;
  lines: number;
  customerIds: Set<number>;
}

/** Inserts purchases with their lines in batches of about 10,000 lines, each batch one transaction. */
export async function insertPurchases(ds: DataSource, purchases: readonly NewPurchase[], onProgress?: Progress): Promise<PurchaseInsertResult> {
  const d = dialectOf(ds);
  const result: PurchaseInsertResult = { inserted: 0, skipped: 0, lines: 0, customerIds: new Set() };
  let start = 0;
  while (start < purchases.length) {
    let end = start;
    for (let lines = 0; end < purchases.length && lines < 10_000 && end - start < 5000; end++) lines += purchases[end].lines.length;
    const batch = purchases.slice(start, end);
    await writeTransaction(ds, (m) => insertPurchaseBatch(m, d, batch, result));
    start = end;
    onProgress?.(start, purchases.length);
  }
  return result;
}

async function insertPurchaseBatch(m: EntityManager, d: Dialect, batch: readonly NewPurchase[], result: PurchaseInsertResult): Promise<void> {
  // Idempotency keys are scoped to the customer, as in the API.
  const scoped = (customerId: number, key: string) => `${customerId}\n${key}`;
  const keys = [...new Set(batch.map((p) => p.idempotencyKey).filter((k): k is string => k !== null))];
  const seen = new Set<string>();
  for (const part of chunks(keys, LOOKUP)) {
    const w = inList('idempotency_key', part);
    for (const r of (await m.query(`SELECT customer_id AS c, idempotency_key AS k FROM purchases WHERE ${w.sql}`, w.params)) as { c: number; k: string }[]) {
      seen.add(scoped(Number(r.c), r.k));
    }
  }
  const fresh = batch.filter((p) => {
    if (p.idempotencyKey === null) return true;
    const k = scoped(p.customerId, p.idempotencyKey);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
  result.skipped += batch.length - fresh.length;
  if (!fresh.length) return;
  const purchaseValues: unknown[] = [];
  for (const p of fresh) {
    const subtotal = p.lines.reduce((s, l) => s + l.quantity * l.unitPriceCents, 0);
    const at = d.date(p.purchasedAt);
    purchaseValues.push(p.customerId, at, p.channel, p.status, subtotal, 0, subtotal, p.idempotencyKey, at);
    result.customerIds.add(p.customerId);
  }
  const ids = await insertRowsReturningIds(m, d, hasReturning(m), 'purchases',
    ['customer_id', 'purchased_at', 'channel', 'status', 'subtotal_cents', 'discount_cents', 'total_cents', 'idempotency_key', 'created_at'], purchaseValues);
  const lineValues = fresh.flatMap((p, i) => p.lines.flatMap((l) => [ids[i], l.productId, l.quantity, l.unitPriceCents]));
  await insertRows(m, d, 'purchase_lines', ['purchase_id', 'product_id', 'quantity', 'unit_price_cents'], lineValues);
  result.inserted += fresh.length;
  result.lines += lineValues.length / 4;
}

/** Recomputes the purchase statistics of the given customers, a bounded id list per statement. */
export async function refreshStats(ds: DataSource, customerIds: Iterable<number>): Promise<void> {
  const service = new PurchaseService(ds);
  for (const part of chunks([...customerIds], LOOKUP)) await service.refreshCustomerStats(part);
}
