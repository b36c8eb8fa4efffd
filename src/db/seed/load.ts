import type { DataSource, QueryRunner } from 'typeorm';
import { dialectOf, type Dialect } from '../dialect';
import { tagsTransformer } from '../transformers';
import { bindable, insertRows, maxIds, syncIdSequences } from '../bulk';
import {
  generateCatalogue, generateCompany, type CompanyOptions, type SeedBatch, type SeedCustomer, type SeedFeedback, type SeedIds, type SeedLine, type SeedPurchase,
} from './generator';
import { addIndexes, dropSecondaryIndexes, localInfileEnabled, TableLoad, tsvLine } from './mysql-load';

export interface SeedDatabaseOptions extends Omit<CompanyOptions, 'firstIds' | 'productIds'> {
  /** Called after each generated batch with the running totals (committed, or on its way in a LOAD DATA stream). */
  onBatch?: (done: SeedCounts) => void;
  /** false: multi-row INSERTs even where LOAD DATA LOCAL is allowed (tests compare the two paths). Default true. */
  loadData?: boolean;
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
  /** How the rows went in: multi-row INSERTs, or LOAD DATA LOCAL INFILE streams (MySQL/MariaDB). */
  method: 'insert' | 'load-data';
  /** Wall-clock milliseconds of each phase; `indexes` rebuilds the secondary indexes dropped for the load (0 when none were). */
  ms: { catalogue: number; rows: number; indexes: number; total: number };
}

const TABLES = ['customers', 'products', 'purchases', 'purchase_lines', 'feedback'] as const;

const PRODUCT_COLUMNS = ['id', 'sku', 'name', 'category', 'tags', 'price_cents', 'attributes', 'version'];

/** How one generated table becomes rows: its columns and each row's values (Dates and booleans as they are). */
interface TableRows<T> {
  table: 'customers' | 'purchases' | 'purchase_lines' | 'feedback';
  columns: readonly string[];
  rows(b: SeedBatch): T[];
  values(x: T): unknown[];
}

const table = <T>(t: TableRows<T>) => t as TableRows<unknown>;

/** The four tables of a generated company, in the order their rows are inserted batch by batch. */
const COMPANY_TABLES = [
  table<SeedCustomer>({
    table: 'customers',
    columns: ['id', 'name', 'email', 'phone', 'gender', 'birth_date', 'city', 'country', 'annual_income', 'email_opt_in', 'sms_opt_in', 'tags',
      'created_at', 'updated_at', 'version', 'purchase_count', 'total_spent_cents', 'first_purchase_at', 'last_purchase_at'],
    rows: (b) => b.customers,
    values: (c) => [
      c.id, c.name, c.email, c.phone, c.gender, c.birthDate, c.city, c.country, c.annualIncome, c.emailOptIn, c.smsOptIn,
      tagsTransformer.to(c.tags) ?? '', c.createdAt, c.createdAt, 1, c.purchaseCount, c.totalSpentCents, c.firstPurchaseAt, c.lastPurchaseAt,
    ],
  }),
  table<SeedPurchase>({
    table: 'purchases',
    columns: ['id', 'customer_id', 'purchased_at', 'channel', 'status', 'subtotal_cents', 'discount_cents', 'total_cents', 'created_at', 'updated_at'],
    rows: (b) => b.purchases,
    values: (p) => [p.id, p.customerId, p.purchasedAt, p.channel, p.status, p.subtotalCents, p.discountCents, p.totalCents, p.purchasedAt, p.purchasedAt],
  }),
  table<SeedLine>({
    table: 'purchase_lines',
    columns: ['id', 'purchase_id', 'product_id', 'quantity', 'unit_price_cents'],
    rows: (b) => b.lines,
    values: (l) => [l.id, l.purchaseId, l.productId, l.quantity, l.unitPriceCents],
  }),
  table<SeedFeedback>({
    table: 'feedback',
    columns: ['id', 'customer_id', 'purchase_id', 'product_id', 'score', 'issue', 'comment', 'channel', 'created_at', 'updated_at'],
    rows: (b) => b.feedback,
    values: (f) => [f.id, f.customerId, f.purchaseId, f.productId, f.score, f.issue, f.comment, f.channel, f.createdAt, f.createdAt],
  }),
];

/** True when none of the CRM tables holds a row. */
export async function isDatabaseEmpty(ds: DataSource): Promise<boolean> {
  for (const t of TABLES) if (((await ds.query(`SELECT 1 AS x FROM ${t} LIMIT 1`)) as unknown[]).length) return false;
  return true;
}

/**
 * Loads the synthetic company after the current largest ids. The customers' purchase statistics come with
 * their rows (the generator computes them), so nothing is recomputed afterwards.
 *
 * MySQL/MariaDB with LOAD DATA LOCAL allowed (MariaDB's default): every table is one LOAD DATA LOCAL INFILE
 * statement streamed from memory on its own connection while the rows are generated; into an empty
 * database, the secondary indexes that do not follow the load order are dropped first and built after.
 * Otherwise (SQLite, PostgreSQL, MySQL 8 with local_infile off): batched multi-row INSERTs, one transaction
 * per batch.
 */
export async function seedDatabase(ds: DataSource, options: SeedDatabaseOptions): Promise<SeedSummary> {
  const started = performance.now();
  const dialect = dialectOf(ds);
  const qr = ds.createQueryRunner();
  await qr.connect();
  const restore: string[] = [];
  try {
    const max = await maxIds(qr, TABLES);
    const empty = Object.values(max).every((m) => m === 0);
    restore.push(...(await relaxChecks(qr, dialect, empty)));

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
    const count = (batch: SeedBatch) => {
      done.customers += batch.customers.length;
      done.purchases += batch.purchases.length;
      done.lines += batch.lines.length;
      done.feedback += batch.feedback.length;
      options.onBatch?.({ ...done });
    };
    const batches = generateCompany({ ...options, firstIds, productIds });
    let method: SeedSummary['method'] = 'insert';
    let indexesMs = 0;
    // The streams take a pooled connection per table besides this one: a smaller pool would wait for itself.
    const poolSize = (ds.options as { poolSize?: number }).poolSize ?? 10;
    if (dialect.kind === 'mysql' && options.loadData !== false && poolSize > COMPANY_TABLES.length && (await localInfileEnabled(qr))) {
      method = 'load-data';
      indexesMs = await streamCompany(ds, qr, batches, empty, count);
    } else {
      for (const batch of batches) {
        await inTransaction(qr, () => insertBatch(qr, dialect, batch));
        count(batch);
      }
    }
    await syncIdSequences(qr, dialect, TABLES);
    const end = performance.now();
    return {
      ...done, products: newProducts.length, productsReused: existing.size, firstIds, method,
      ms: { catalogue: catalogueMs, rows: end - started - catalogueMs - indexesMs, indexes: indexesMs, total: end - started },
    };
  } finally {
    try {
      for (const s of restore) await qr.query(s);
    } finally {
      await qr.release();
    }
  }
}

/**
 * Our rows are consistent by construction: skip the per-row checks for this session only (the returned
 * statements put them back). Unique checks stay on when appending, where someone else's rows could collide.
 */
async function relaxChecks(qr: QueryRunner, dialect: Dialect, empty: boolean): Promise<string[]> {
  const restore: string[] = [];
  if (dialect.kind === 'mysql') {
    const [flags] = (await qr.query('SELECT @@foreign_key_checks AS fk, @@unique_checks AS uq')) as { fk: number; uq: number }[];
    restore.push(`SET foreign_key_checks = ${Number(flags.fk)}`, `SET unique_checks = ${Number(flags.uq)}`);
    await qr.query('SET foreign_key_checks = 0');
    if (empty) await qr.query('SET unique_checks = 0');
  }
  if (dialect.kind === 'postgres') {
    // The same for PostgreSQL: foreign keys are triggers, which a session in replica mode does not fire.
    // Only a superuser may set it; anyone else seeds with the checks on.
    const skipped = await qr.query('SET session_replication_role = replica').then(() => true, () => false);
    if (skipped) restore.push('SET session_replication_role = DEFAULT');
  }
  return restore;
}

/**
 * The MySQL/MariaDB bulk path (see mysql-load.ts): one LOAD DATA LOCAL INFILE per table, the four running at
 * once on their own connections, fed batch by batch from the generator. Into an empty database the secondary
 * indexes are dropped before and each table's are built again as soon as its rows are in. Returns the
 * milliseconds the index builds went on after the last table's rows were in.
 */
async function streamCompany(ds: DataSource, qr: QueryRunner, batches: Iterable<SeedBatch>, empty: boolean, count: (b: SeedBatch) => void): Promise<number> {
  const dropped = new Map((empty ? await dropSecondaryIndexes(qr, COMPANY_TABLES.map((t) => t.table)) : []).map((d) => [d.table, d]));
  const runners = COMPANY_TABLES.map(() => ds.createQueryRunner());
  const restores: string[][] = [];
  try {
    for (const r of runners) restores.push(await relaxChecks(r, dialectOf(ds), empty));
    const loads: TableLoad[] = [];
    try {
      for (const [i, t] of COMPANY_TABLES.entries()) loads.push(await TableLoad.start(runners[i], t.table, t.columns));
      for (const batch of batches) {
        COMPANY_TABLES.forEach((t, i) => {
          let text = '';
          for (const row of t.rows(batch)) text += tsvLine(t.values(row));
          loads[i].write(text);
        });
        count(batch);
        for (const load of loads) await load.drained();
      }
    } catch (e) {
      // Each started statement gets the end of its data, so that it finishes and its connection can go back to the pool.
      await Promise.all(loads.map((l) => l.abort()));
      throw e;
    }
    let rowsIn = 0;
    let loaded = 0;
    const finished = await Promise.allSettled(loads.map(async (load, i) => {
      await load.end();
      if (++loaded === loads.length) rowsIn = performance.now();
      const d = dropped.get(load.table);
      if (!d) return;
      await addIndexes(runners[i], d);
      dropped.delete(load.table);
    }));
    const failed = finished.find((f): f is PromiseRejectedResult => f.status === 'rejected');
    if (failed) throw failed.reason;
    return performance.now() - rowsIn;
  } finally {
    try {
      // After a failure: the indexes go back on whatever was loaded, so the schema stays the migrations' one.
      for (const d of dropped.values()) await addIndexes(qr, d);
    } finally {
      await Promise.all(runners.map(async (r, i) => {
        try {
          for (const s of restores[i] ?? []) await r.query(s);
        } finally {
          await r.release();
        }
      }));
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
  for (const t of COMPANY_TABLES) {
    await insertRows(qr, d, t.table, t.columns, t.rows(b).flatMap((x) => t.values(x).map((v) => bindable(d, v))));
  }
}
