import 'reflect-metadata';
import type { DataSource } from 'typeorm';
import { openDatabase } from '../src/db/database';
import { dialectOf } from '../src/db/dialect';
import { createScratchDatabase } from '../src/db/scratch';
import { dbKind } from './support/app';
import { seedDemoIfEmpty } from '../src/db/seed/demo';
import { generateCompany } from '../src/db/seed/generator';
import { seedDatabase, type SeedSummary } from '../src/db/seed/load';
import { runSeed } from '../src/db/seed/seed.command';

/** MariaDB/MySQL or PostgreSQL when DATABASE_URL says so, SQLite otherwise. */
const kind = dbKind;
const AS_OF = new Date('2025-01-01T00:00:00Z');
const DAY = 86_400_000;

interface Scratch {
  ds: DataSource;
  url: string;
  drop: () => Promise<void>;
}

async function scratch(): Promise<Scratch> {
  const { db, drop } = await createScratchDatabase(kind, process.env.DATABASE_URL);
  const ds = await openDatabase(db);
  return { ds, url: db.kind === 'sqlite' ? `sqlite:${db.file}` : db.url, drop };
}

const num = async (ds: DataSource, sql: string, params: unknown[] = []) => Number(((await ds.query(sql, params)) as Record<string, unknown>[])[0].n);

/** Every stored value of the generated tables, row by row (products' timestamps are the load time, left out). */
async function contents(ds: DataSource) {
  const out: Record<string, unknown[]> = {};
  for (const t of ['customers', 'products', 'purchases', 'purchase_lines', 'feedback']) {
    out[t] = ((await ds.query(`SELECT * FROM ${t} ORDER BY id`)) as Record<string, unknown>[]).map((r) => {
      const { created_at: createdAt, updated_at: updatedAt, ...rest } = r;
      return t === 'products' ? rest : { ...rest, created_at: createdAt, updated_at: updatedAt };
    });
  }
  return out;
}

/** The indexes of the generated tables as the database describes them (sorted: order of creation does not matter). */
async function indexes(ds: DataSource): Promise<string[]> {
  const tables = ['customers', 'purchases', 'purchase_lines', 'feedback'];
  const list = tables.map((t) => `'${t}'`).join(', ');
  const rows = (await ds.query(
    kind === 'mysql'
      ? `SELECT CONCAT_WS(' ', TABLE_NAME, INDEX_NAME, NON_UNIQUE, GROUP_CONCAT(CONCAT(COLUMN_NAME, '/', COALESCE(SUB_PART, ''), '/', COALESCE(COLLATION, '')) ORDER BY SEQ_IN_INDEX)) AS d
           FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME IN (${list}) GROUP BY TABLE_NAME, INDEX_NAME, NON_UNIQUE`
      : kind === 'postgres'
        ? `SELECT indexdef AS d FROM pg_indexes WHERE schemaname = current_schema() AND tablename IN (${list})`
        : `SELECT tbl_name || ' ' || name || ' ' || COALESCE(sql, '') AS d FROM sqlite_master WHERE type = 'index' AND tbl_name IN (${list})`,
  )) as { d: string }[];
  return rows.map((r) => r.d).sort();
}

/** Row counts and column sums that any lost, doubled or altered row would change. */
async function fingerprint(ds: DataSource) {
  const q = (sql: string) => ds.query(sql).then((rows: Record<string, unknown>[]) => Object.fromEntries(Object.entries(rows[0]).map(([k, v]) => [k, Number(v)])));
  return {
    customers: await q('SELECT COUNT(*) AS n, SUM(annual_income) AS income, SUM(purchase_count) AS purchases, SUM(total_spent_cents) AS spent, SUM(CASE WHEN email_opt_in THEN 1 ELSE 0 END) AS optin FROM customers'),
    products: await q('SELECT COUNT(*) AS n, SUM(price_cents) AS price FROM products'),
    purchases: await q('SELECT COUNT(*) AS n, SUM(total_cents) AS total, SUM(discount_cents) AS discount, SUM(customer_id) AS customers FROM purchases'),
    lines: await q('SELECT COUNT(*) AS n, SUM(quantity * unit_price_cents) AS amount, SUM(product_id) AS products FROM purchase_lines'),
    feedback: await q('SELECT COUNT(*) AS n, SUM(score) AS score, SUM(purchase_id) AS purchases FROM feedback'),
  };
}

describe(`seed (${kind})`, () => {
  let a: Scratch;
  let b: Scratch;
  let summary: SeedSummary;

  beforeAll(async () => {
    a = await scratch();
    b = await scratch();
    summary = await seedDatabase(a.ds, { customers: 300, seed: 1, asOf: AS_OF });
    // On MySQL/MariaDB, a is streamed with LOAD DATA and b inserted: the two paths must store the same rows.
    await seedDatabase(b.ds, { customers: 300, seed: 1, asOf: AS_OF, loadData: false });
  });
  afterAll(async () => {
    for (const s of [a, b]) {
      await s?.ds.destroy();
      await s?.drop();
    }
  });

  it('gives the same database twice from the same seed, holding every generated row', async () => {
    const fa = await fingerprint(a.ds);
    expect(await fingerprint(b.ds)).toEqual(fa);
    const generated = { customers: 0, purchases: 0, total: 0, lines: 0, amount: 0, feedback: 0, score: 0 };
    for (const batch of generateCompany({ customers: 300, seed: 1, asOf: AS_OF })) {
      generated.customers += batch.customers.length;
      generated.purchases += batch.purchases.length;
      generated.total += batch.purchases.reduce((s, p) => s + p.totalCents, 0);
      generated.lines += batch.lines.length;
      generated.amount += batch.lines.reduce((s, l) => s + l.quantity * l.unitPriceCents, 0);
      generated.feedback += batch.feedback.length;
      generated.score += batch.feedback.reduce((s, f) => s + f.score, 0);
    }
    expect(fa.customers.n).toBe(300);
    expect(fa.products.n).toBe(summary.products);
    expect([fa.purchases.n, fa.purchases.total, fa.lines.n, fa.lines.amount, fa.feedback.n, fa.feedback.score]).toEqual([
      generated.purchases, generated.total, generated.lines, generated.amount, generated.feedback, generated.score,
    ]);
    expect(summary).toMatchObject({ customers: 300, purchases: generated.purchases, lines: generated.lines, feedback: generated.feedback });
  });

  it('stores every value the same way on both load paths, and leaves the indexes as the migrations made them', async () => {
    expect(await contents(b.ds)).toEqual(await contents(a.ds));
    const fresh = await scratch();
    try {
      expect(await indexes(a.ds)).toEqual(await indexes(fresh.ds));
    } finally {
      await fresh.ds.destroy();
      await fresh.drop();
    }
    if (kind === 'mysql') {
      const [{ on_: localInfile }] = (await a.ds.query('SELECT @@local_infile AS on_')) as { on_: number }[];
      expect(summary.method).toBe(Number(localInfile) === 1 ? 'load-data' : 'insert');
    } else {
      expect(summary.method).toBe('insert');
    }
  });

  it('shows the behaviours: customers gone quiet for six months and regulars with more than 10 purchases', async () => {
    const sixMonthsAgo = dialectOf(a.ds).date(new Date(AS_OF.getTime() - 182 * DAY));
    expect(await num(a.ds, 'SELECT COUNT(*) AS n FROM customers WHERE purchase_count > 0 AND last_purchase_at < ?', [sixMonthsAgo])).toBeGreaterThan(10);
    expect(await num(a.ds, 'SELECT COUNT(*) AS n FROM customers WHERE purchase_count > 10')).toBeGreaterThan(5);
    expect(await num(a.ds, "SELECT COUNT(*) AS n FROM purchases WHERE status <> 'COMPLETED'")).toBeGreaterThan(0);
    expect(await num(a.ds, 'SELECT COUNT(*) AS n FROM feedback WHERE score <= 2 AND issue IS NOT NULL')).toBeGreaterThan(0);
  });

  it('leaves the customer statistics consistent with the purchases table', async () => {
    const d = dialectOf(a.ds);
    const rows = (await a.ds.query(
      `SELECT c.id, c.purchase_count, c.total_spent_cents, c.first_purchase_at, c.last_purchase_at, s.n, s.total, s.first_at, s.last_at
         FROM customers c
         LEFT JOIN (SELECT customer_id, COUNT(*) AS n, SUM(total_cents) AS total, MIN(purchased_at) AS first_at, MAX(purchased_at) AS last_at
                      FROM purchases WHERE status = 'COMPLETED' AND deleted_at IS NULL GROUP BY customer_id) s ON s.customer_id = c.id`,
    )) as Record<string, unknown>[];
    expect(rows).toHaveLength(300);
    const time = (v: unknown) => d.readDate(v)?.getTime() ?? null;
    const wrong = rows.filter((r) =>
      Number(r.purchase_count) !== Number(r.n ?? 0) || Number(r.total_spent_cents) !== Number(r.total ?? 0) ||
      time(r.first_purchase_at) !== time(r.first_at) || time(r.last_purchase_at) !== time(r.last_at));
    expect(wrong).toEqual([]);
    expect(rows.filter((r) => Number(r.purchase_count) > 0).length).toBeGreaterThan(250);
  });

  it('appends after the existing ids, reusing the catalogue by sku', async () => {
    const extra = await seedDatabase(b.ds, { customers: 100, seed: 1, asOf: AS_OF });
    expect(extra.products).toBe(0);
    expect(extra.productsReused).toBe(summary.products);
    expect(extra.firstIds.customer).toBe(301);
    expect(extra.firstIds.purchase).toBe(summary.purchases + 1);
    expect(await num(b.ds, 'SELECT COUNT(*) AS n FROM customers')).toBe(400);
    expect(await num(b.ds, 'SELECT COUNT(DISTINCT email) AS n FROM customers')).toBe(await num(b.ds, 'SELECT COUNT(email) AS n FROM customers'));
    expect(await num(b.ds, 'SELECT COUNT(*) AS n FROM purchase_lines l LEFT JOIN purchases p ON p.id = l.purchase_id WHERE p.id IS NULL')).toBe(0);
  });

  it('leaves the database giving new ids after the seeded ones (PostgreSQL sequences follow explicit ids)', async () => {
    await b.ds.query(
      `INSERT INTO products (sku, name, category, tags, price_cents, version, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 1, ?, ?)`,
      ['AFTER-SEED-1', 'after the seed', 'misc', '', 100, dialectOf(b.ds).date(AS_OF), dialectOf(b.ds).date(AS_OF)],
    );
    const id = await num(b.ds, 'SELECT id AS n FROM products WHERE sku = ?', ['AFTER-SEED-1']);
    expect(Number(id)).toBe(await num(b.ds, 'SELECT MAX(id) AS n FROM products'));
    expect(Number(id)).toBeGreaterThan(summary.products);
  });

  it('loads the demo company only into an empty database', async () => {
    expect(await seedDemoIfEmpty(a.ds, 20)).toBe(false);
    expect(await num(a.ds, 'SELECT COUNT(*) AS n FROM customers')).toBe(300);
    const fresh = await scratch();
    try {
      expect(await seedDemoIfEmpty(fresh.ds, 20)).toBe(true);
      expect(await num(fresh.ds, 'SELECT COUNT(*) AS n FROM customers')).toBe(20);
      expect(await num(fresh.ds, 'SELECT COUNT(*) AS n FROM customers WHERE purchase_count > 0')).toBeGreaterThan(10);
    } finally {
      await fresh.ds.destroy();
      await fresh.drop();
    }
  });

  it('seed command: refuses a database with data unless --append', async () => {
    const option = (args: string[], name: string) => {
      const i = args.indexOf(`--${name}`);
      return i >= 0 ? args[i + 1] : undefined;
    };
    const saved = process.env.DATABASE_URL;
    const errors: string[] = [];
    const spy = jest.spyOn(console, 'error').mockImplementation((m: string) => void errors.push(String(m)));
    const fresh = await scratch();
    process.env.DATABASE_URL = fresh.url;
    try {
      expect(await runSeed(['--customers', 'many'], option)).toBe(2);
      expect(await runSeed(['--customers', '30', '--seed', '3', '--as-of', '2025-01-01'], option)).toBe(0);
      expect(errors.join('\n')).toMatch(/seeded 30 customers/);
      expect(await runSeed(['--customers', '30'], option)).toBe(1);
      expect(await runSeed(['--customers', '30', '--append', '--as-of', '2025-01-01'], option)).toBe(0);
      expect(await num(fresh.ds, 'SELECT COUNT(*) AS n FROM customers')).toBe(60);
    } finally {
      if (saved === undefined) delete process.env.DATABASE_URL;
      else process.env.DATABASE_URL = saved;
      spy.mockRestore();
      await fresh.ds.destroy();
      await fresh.drop();
    }
  });
});
