import type { DataSource, QueryRunner } from 'typeorm';
import { PurchaseService } from '../../modules/purchase/purchase.service';
import { dialectOf, type Dialect } from '../dialect';
import { tagsTransformer } from '../transformers';
import { bindable, insertRows, maxIds, syncIdSequences } from '../bulk';
import { generateCatalogue, generateCompany, type CompanyOptions, type SeedBatch, type SeedIds } from './generator';

export interface SeedDatabaseOptions extends Omit<CompanyOptions, 'firstIds' | 'productIds'> {
  /** Called after each committed batch with the running totals. */
  onBatch?: (done: SeedCounts) => void;
}

export interface SeedCounts {
  customers: number;
  purchases: number;
  lines: number;
  feedback: number;
}

export interface SeedSummary extends SeedCounts {
  /** Catalogue items inserted (items whose sku already existed are reused). */
  products: number;
  productsReused: number;
  firstIds: SeedIds;
  /** Wall-clock milliseconds of each phase. */
  ms: { catalogue: number; rows: number; stats: number; total: number };
}

const TABLES = ['customers', 'products', 'purchases', 'purchase_lines', 'feedback'] as const;

const CUSTOMER_COLUMNS = ['id', 'name', 'email', 'phone', 'gender', 'birth_date', 'city', 'country', 'annual_income', 'email_opt_in', 'sms_opt_in', 'tags', 'created_at', 'updated_at', 'version'];
const PRODUCT_COLUMNS = ['id', 'sku', 'name', 'category', 'tags', 'price_cents', 'attributes', 'version'];
const PURCHASE_COLUMNS = ['id', 'customer_id', 'purchased_at', 'channel', 'status', 'subtotal_cents', 'discount_cents', 'total_cents', 'created_at', 'updated_at'];
const LINE_COLUMNS = ['id', 'purchase_id', 'product_id', 'quantity', 'unit_price_cents'];
const FEEDBACK_COLUMNS = ['id', 'customer_id', 'purchase_id', 'product_id', 'score', 'issue', 'comment', 'channel', 'created_at', 'updated_at'];

/** True when none of the CRM tables holds a row. */
export async function isDatabaseEmpty(ds: DataSource): Promise<boolean> {
  for (const t of TABLES) if (((await ds.query(`SELECT 1 AS x FROM ${t} LIMIT 1`)) as unknown[]).length) return false;
  return true;
}

/**
 * Loads the synthetic company with batched multi-row INSERTs (one transaction per batch), ids placed
 * after the current largest ones, then recomputes the customers' purchase statistics once.
 */
export async function seedDatabase(ds: DataSource, options: SeedDatabaseOptions): Promise<SeedSummary> {
  const started = performance.now();
  const dialect = dialectOf(ds);
  const qr = ds.createQueryRunner();
  await qr.connect();
  const restore: string[] = [];
  try {
    const max = await maxIds(qr, TABLES);
    if (dialect.kind === 'mysql') {
      // Our rows are consistent by construction: skip the per-row checks for this session only. Unique
      // checks stay on when appending, where someone else's rows could collide.
      const [flags] = (await qr.query('SELECT @@foreign_key_checks AS fk, @@unique_checks AS uq')) as { fk: number; uq: number }[];
      restore.push(`SET foreign_key_checks = ${Number(flags.fk)}`, `SET unique_checks = ${Number(flags.uq)}`);
      await qr.query('SET foreign_key_checks = 0');
      if (Object.values(max).every((m) => m === 0)) await qr.query('SET unique_checks = 0');
    }
    if (dialect.kind === 'postgres') {
      // The same for PostgreSQL: foreign keys are triggers, which a session in replica mode does not fire.
      // Only a superuser may set it; anyone else seeds with the checks on.
      const skipped = await qr.query('SET session_replication_role = replica').then(() => true, () => false);
      if (skipped) restore.push('SET session_replication_role = DEFAULT');
    }

    const catalogue = generateCatalogue();
    const existing = new Map<string, number>();
    const skuRows = (await qr.query(`SELECT id, sku FROM products WHERE sku IN (${catalogue.map(() => '?').join(',')})`, catalogue.map((p) => p.sku))) as { id: number; sku: string }[];
    for (const r of skuRows) existing.set(r.sku, Number(r.id));
    let nextProduct = max.products + 1;
    const productIds = catalogue.map((p) => existing.get(p.sku) ?? nextProduct++);
    const newProducts = catalogue.filter((p) => !existing.has(p.sku));
    await inTransaction(qr, () =>
      insertRows(qr, dialect, 'products', PRODUCT_COLUMNS, newProducts.flatMap((p) => [
        productIds[p.id - 1], p.sku, p.name, p.category, tagsTransformer.to(p.tags) ?? '', p.priceCents, JSON.stringify(p.attributes), 1,
      ])),
    );
    const catalogueMs = performance.now() - started;

    const firstIds: SeedIds = { customer: max.customers + 1, purchase: max.purchases + 1, line: max.purchase_lines + 1, feedback: max.feedback + 1 };
    const done: SeedCounts = { customers: 0, purchases: 0, lines: 0, feedback: 0 };
    for (const batch of generateCompany({ ...options, firstIds, productIds })) {
      await inTransaction(qr, () => insertBatch(qr, dialect, batch));
      done.customers += batch.customers.length;
      done.purchases += batch.purchases.length;
      done.lines += batch.lines.length;
      done.feedback += batch.feedback.length;
      options.onBatch?.({ ...done });
    }
    await syncIdSequences(qr, dialect, TABLES);
    const rowsDone = performance.now();
    await new PurchaseService(ds).refreshCustomerStats('all', qr.manager);
    const end = performance.now();
    return {
      ...done, products: newProducts.length, productsReused: existing.size, firstIds,
      ms: { catalogue: catalogueMs, rows: rowsDone - started - catalogueMs, stats: end - rowsDone, total: end - started },
    };
  } finally {
    try {
      for (const s of restore) await qr.query(s);
    } finally {
      await qr.release();
    }
  }
}

async function inTransaction(qr: QueryRunner, work: () => Promise<void>): Promise<void> {
  await qr.startTransaction();
  try {
    await work();
    await qr.commitTransaction();
  } catch (e) {
    await qr.rollbackTransaction();
    throw e;
  }
}

async function insertBatch(qr: QueryRunner, d: Dialect, b: SeedBatch): Promise<void> {
  const v = (x: unknown) => bindable(d, x);
  await insertRows(qr, d, 'customers', CUSTOMER_COLUMNS, b.customers.flatMap((c) => [
    c.id, c.name, c.email, c.phone, c.gender, c.birthDate, c.city, c.country, c.annualIncome, v(c.emailOptIn), v(c.smsOptIn),
    tagsTransformer.to(c.tags) ?? '', v(c.createdAt), v(c.createdAt), 1,
  ]));
  await insertRows(qr, d, 'purchases', PURCHASE_COLUMNS, b.purchases.flatMap((p) => {
    const at = v(p.purchasedAt);
    return [p.id, p.customerId, at, p.channel, p.status, p.subtotalCents, p.discountCents, p.totalCents, at, at];
  }));
  await insertRows(qr, d, 'purchase_lines', LINE_COLUMNS, b.lines.flatMap((l) => [l.id, l.purchaseId, l.productId, l.quantity, l.unitPriceCents]));
  await insertRows(qr, d, 'feedback', FEEDBACK_COLUMNS, b.feedback.flatMap((f) => {
    const at = v(f.createdAt);
    return [f.id, f.customerId, f.purchaseId, f.productId, f.score, f.issue, f.comment, f.channel, at, at];
  }));
}
