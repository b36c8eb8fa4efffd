import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { syncIdSequences } from '../../src/db/bulk';
import { dialectOf } from '../../src/db/dialect';
import { PurchaseService } from '../../src/modules/purchase/purchase.service';

/** Multi-row INSERTs for loading reference data sets fast in tests (explicit ids, chunked). */
export async function bulkInsert(ds: DataSource, table: string, columns: string[], rows: unknown[][]): Promise<void> {
  const chunk = Math.floor(dialectOf(ds).maxParams / columns.length / 2);
  for (let i = 0; i < rows.length; i += chunk) {
    const part = rows.slice(i, i + chunk);
    await ds.query(
      `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${part.map(() => `(${columns.map(() => '?').join(',')})`).join(',')}`,
      part.flat(),
    );
  }
  if (columns.includes('id')) await syncIdSequences(ds, dialectOf(ds), [table]);
}

export const fixture = (name: string) => readFileSync(join(__dirname, '..', 'fixtures', 'datasets', name), 'utf8');

/** CDNOW_sample.txt as customers "CDNOW n" with one purchase per row (one line: the dollar value). */
export async function loadCdnowSample(ds: DataSource): Promise<{ customers: number; purchases: number }> {
  const d = dialectOf(ds);
  const rows = fixture('CDNOW_sample.txt').trim().split('\n').map((l) => l.trim().split(/\s+/));
  const ids = [...new Set(rows.map((r) => Number(r[0])))];
  const now = d.date(new Date('2020-01-01T00:00:00Z'));
  await bulkInsert(ds, 'customers', ['id', 'name', 'created_at', 'updated_at', 'version'], ids.map((id) => [id, `CDNOW ${id}`, now, now, 1]));
  await bulkInsert(ds, 'products', ['id', 'sku', 'name', 'category', 'price_cents', 'created_at', 'updated_at', 'version'], [[1, 'CDNOW-CD', 'CD order', 'music', 1000, now, now, 1]]);
  const purchases = rows.map((r, i) => {
    const ymd = r[2];
    const at = d.date(new Date(`${ymd.slice(0, 4)}-${ymd.slice(4, 6)}-${ymd.slice(6, 8)}T00:00:00Z`));
    const cents = Math.round(Number(r[4]) * 100);
    return [i + 1, Number(r[0]), at, 'STORE', 'COMPLETED', cents, 0, cents, now, now];
  });
  await bulkInsert(ds, 'purchases', ['id', 'customer_id', 'purchased_at', 'channel', 'status', 'subtotal_cents', 'discount_cents', 'total_cents', 'created_at', 'updated_at'], purchases);
  await bulkInsert(ds, 'purchase_lines', ['id', 'purchase_id', 'product_id', 'quantity', 'unit_price_cents'], purchases.map((p) => [p[0], p[0], 1, 1, p[5]]));
  await new PurchaseService(ds).refreshCustomerStats('all');
  return { customers: ids.length, purchases: purchases.length };
}

/** groceries.csv as 9,835 baskets of one customer; each distinct item a product named exactly as written. */
export async function loadGroceries(ds: DataSource, firstId = 1): Promise<{ baskets: number; products: number }> {
  const d = dialectOf(ds);
  const baskets = fixture('groceries.csv').split('\n').filter((l) => l.length).map((l) => [...new Set(l.split(','))]);
  const productIds = new Map<string, number>();
  for (const b of baskets) for (const item of b) if (!productIds.has(item)) productIds.set(item, firstId + productIds.size);
  const now = d.date(new Date('2020-01-01T00:00:00Z'));
  await bulkInsert(ds, 'customers', ['id', 'name', 'created_at', 'updated_at', 'version'], [[firstId, 'Basket import', now, now, 1]]);
  await bulkInsert(ds, 'products', ['id', 'sku', 'name', 'category', 'price_cents', 'created_at', 'updated_at', 'version'],
    [...productIds].map(([name, id]) => [id, `G-${id}`, name, 'groceries', 100, now, now, 1]));
  const base = Date.parse('2024-01-01T00:00:00Z');
  await bulkInsert(ds, 'purchases', ['id', 'customer_id', 'purchased_at', 'channel', 'status', 'subtotal_cents', 'discount_cents', 'total_cents', 'created_at', 'updated_at'],
    baskets.map((b, i) => [firstId + i, firstId, d.date(new Date(base + i * 1000)), 'STORE', 'COMPLETED', b.length * 100, 0, b.length * 100, now, now]));
  const lines: unknown[][] = [];
  baskets.forEach((b, i) => b.forEach((item) => lines.push([firstId + i, productIds.get(item), 1, 100])));
  await bulkInsert(ds, 'purchase_lines', ['purchase_id', 'product_id', 'quantity', 'unit_price_cents'], lines);
  return { baskets: baskets.length, products: productIds.size };
}
