import 'reflect-metadata';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { openDatabase } from '../src/db/database';
import { createScratchDatabase } from '../src/db/scratch';
import { dbKind } from './support/app';
import { importData } from '../src/db/import/import';
import { runImport } from '../src/db/import/import.command';

/** MariaDB/MySQL or PostgreSQL when DATABASE_URL says so, SQLite otherwise. */
const kind = dbKind;
const datasets = join(__dirname, 'fixtures', 'datasets');
const fixture = (name: string) => readFileSync(join(datasets, name), 'utf8');

interface Scratch {
  ds: DataSource;
  url: string;
  drop: () => Promise<void>;
}

async function scratch(): Promise<Scratch> {
  const { db, drop } = await createScratchDatabase(kind, process.env.DATABASE_URL);
  return { ds: await openDatabase(db), url: db.kind === 'sqlite' ? `sqlite:${db.file}` : db.url, drop };
}

async function release(s: Scratch | undefined) {
  if (!s) return;
  await s.ds.destroy();
  await s.drop();
}

const num = async (ds: DataSource, sql: string, params: unknown[] = []) => Number(((await ds.query(sql, params)) as Record<string, unknown>[])[0].n);

describe(`import (${kind})`, () => {
  describe('baskets: groceries.csv', () => {
    let s: Scratch;
    beforeAll(async () => {
      s = await scratch();
    });
    afterAll(() => release(s));

    it('lands 9,835 purchases over 169 products, one line per distinct item, all for the anonymous basket customer', async () => {
      const text = fixture('groceries.csv');
      const summary = await importData(s.ds, { format: 'baskets', text });
      expect(summary.bad).toEqual([]);
      expect(await num(s.ds, 'SELECT COUNT(*) AS n FROM purchases')).toBe(9835);
      expect(await num(s.ds, 'SELECT COUNT(*) AS n FROM products')).toBe(169);
      const distinctItems = text.split('\n').filter((l) => l !== '').map((l) => new Set(l.replace(/\r$/, '').split(',')).size);
      const lines = distinctItems.reduce((a, b) => a + b, 0);
      expect(await num(s.ds, 'SELECT COUNT(*) AS n FROM purchase_lines')).toBe(lines);
      const [customer] = await s.ds.query("SELECT id, tags, purchase_count, total_spent_cents FROM customers WHERE name = 'Basket import'");
      expect(customer.tags).toBe(',anonymous,');
      expect(Number(customer.purchase_count)).toBe(9835);
      expect(Number(customer.total_spent_cents)).toBe(lines * 100);
      // Names are kept exactly as written: a trailing space survives the round trip.
      const names = ((await s.ds.query("SELECT name FROM products WHERE category = 'groceries'")) as { name: string }[]).map((r) => r.name);
      expect(names).toContain('cream cheese ');
      expect(await num(s.ds, 'SELECT COUNT(*) AS n FROM customers')).toBe(1);
    });

    it('dates line n at --date plus n seconds', async () => {
      const rows = await s.ds.query('SELECT MIN(purchased_at) AS a, MAX(purchased_at) AS b FROM purchases');
      const read = (v: unknown) => new Date(v instanceof Date ? v : `${String(v).replace(' ', 'T')}Z`).toISOString();
      expect(read(rows[0].a)).toBe('2024-01-01T00:00:01.000Z');
      expect(read(rows[0].b)).toBe(new Date(Date.UTC(2024, 0, 1) + 9835 * 1000).toISOString());
    });
  });

  describe('cdnow: CDNOW_sample.txt', () => {
    let s: Scratch;
    beforeAll(async () => {
      s = await scratch();
    });
    afterAll(() => release(s));

    it('lands 2,357 customers and 6,919 purchases with the total dollar value of the file', async () => {
      const text = fixture('CDNOW_sample.txt');
      const summary = await importData(s.ds, { format: 'cdnow', text });
      expect(summary.bad).toEqual([]);
      const fileCents = text.split('\n').filter((l) => l.trim()).reduce((sum, l) => sum + Math.round(Number(l.trim().split(/\s+/)[4]) * 100), 0);
      expect(await num(s.ds, 'SELECT COUNT(*) AS n FROM customers')).toBe(2357);
      expect(await num(s.ds, 'SELECT COUNT(*) AS n FROM purchases')).toBe(6919);
      expect(await num(s.ds, 'SELECT SUM(total_cents) AS n FROM purchases')).toBe(fileCents);
      expect(await num(s.ds, 'SELECT SUM(total_spent_cents) AS n FROM customers')).toBe(fileCents);
      expect(await num(s.ds, "SELECT purchase_count AS n FROM customers WHERE name = 'CDNOW 4'")).toBe(4);
      expect(await num(s.ds, "SELECT COUNT(*) AS n FROM products WHERE sku = 'CDNOW-CD'")).toBe(1);
    });

    it('reports negative values as bad rows and reuses the customers on a second import', async () => {
      const summary = await importData(s.ds, { format: 'cdnow', text: ' 00004 0001 19980101  2   29.33\n 00004 0001 19980102  1   -5.00\n 99999 0001 19980103  1   1.00\n' });
      expect(summary.bad).toEqual([{ line: 2, reason: 'dollar value -5.00 is negative' }]);
      expect(summary.customers).toEqual({ inserted: 1, updated: 1 });
      expect(await num(s.ds, 'SELECT COUNT(*) AS n FROM customers')).toBe(2358);
      expect(await num(s.ds, "SELECT purchase_count AS n FROM customers WHERE name = 'CDNOW 4'")).toBe(5);
    });
  });

  describe('customers: mall_customers.csv', () => {
    let s: Scratch;
    beforeAll(async () => {
      s = await scratch();
    });
    afterAll(() => release(s));

    it('lands 200 customers with gender, income, birth date from age and the spending score as a tag', async () => {
      const text = fixture('mall_customers.csv');
      const summary = await importData(s.ds, { format: 'customers', text, asOf: new Date('2024-06-30T00:00:00Z') });
      expect(summary.bad).toEqual([]);
      expect(await num(s.ds, 'SELECT COUNT(*) AS n FROM customers')).toBe(200);
      const [first] = await s.ds.query("SELECT gender, birth_date, annual_income, tags FROM customers WHERE name = 'Mall customer 1'");
      // Row 1 of the file: Male, 19, 15 k$, score 39.
      expect(first.gender).toBe('MALE');
      expect(String(first.birth_date instanceof Date ? first.birth_date.toISOString() : first.birth_date).slice(0, 10)).toBe('2004-12-30');
      expect(Number(first.annual_income)).toBe(15000);
      expect(first.tags).toBe(',spending-score-39,');
      expect(await num(s.ds, "SELECT COUNT(*) AS n FROM customers WHERE gender = 'FEMALE'")).toBe(text.split('\n').filter((l) => l.split(',')[1] === 'Female').length);
    });
  });

  describe('customers-csv and purchases-csv', () => {
    let s: Scratch;
    let dir: string;
    const errors: string[] = [];
    const option = (args: string[], name: string) => {
      const i = args.indexOf(`--${name}`);
      return i >= 0 ? args[i + 1] : undefined;
    };
    const saved = process.env.DATABASE_URL;

    beforeAll(async () => {
      s = await scratch();
      dir = mkdtempSync(join(tmpdir(), 'caregraph-import-'));
      process.env.DATABASE_URL = s.url;
      jest.spyOn(console, 'error').mockImplementation((m: string) => void errors.push(String(m)));
      await importData(s.ds, { format: 'baskets', text: 'pasta,sauce\n', category: 'pantry' });
    });
    afterAll(async () => {
      jest.restoreAllMocks();
      if (saved === undefined) delete process.env.DATABASE_URL;
      else process.env.DATABASE_URL = saved;
      rmSync(dir, { recursive: true, force: true });
      await release(s);
    });

    const file = (name: string, text: string) => {
      const path = join(dir, name);
      writeFileSync(path, text);
      return path;
    };

    it('upserts customers by email, lands the good rows and reports the bad ones with their line numbers', async () => {
      const path = file('customers.csv', [
        'name,email,phone,gender,birthDate,city,country,annualIncome,emailOptIn,smsOptIn,tags',
        'Ada Lovelace,ada@example.com,+44 20 7946 0000,FEMALE,1990-12-10,London,GB,85000,true,false,vip|newsletter',
        'Bad Email,not-an-email,,,,,,,,,',
        'Bob Builder,bob@example.com,,MALE,,Berlin,DE,,,,',
        'Bad Date,cy@example.com,,,1990-02-30,,,,,,',
      ].join('\n'));
      errors.length = 0;
      expect(await runImport(['--format', 'customers-csv', '--file', path], option)).toBe(1);
      expect(errors.filter((e) => e.startsWith(path))).toEqual([
        `${path}:3: email must be a valid email address`,
        `${path}:5: birthDate must be a real date (YYYY-MM-DD) not in the future`,
      ]);
      expect(await num(s.ds, "SELECT COUNT(*) AS n FROM customers WHERE email IN ('ada@example.com', 'bob@example.com')")).toBe(2);
      expect(await num(s.ds, "SELECT COUNT(*) AS n FROM customers WHERE email = 'cy@example.com'")).toBe(0);

      const update = file('customers2.csv', 'email,city,tags\nADA@example.com,Cambridge,vip\n');
      expect(await runImport(['--format', 'customers-csv', '--file', update], option)).toBe(0);
      const [ada] = await s.ds.query("SELECT name, city, country, tags, version FROM customers WHERE email = 'ada@example.com'");
      expect([ada.name, ada.city, ada.country, ada.tags, Number(ada.version)]).toEqual(['Ada Lovelace', 'Cambridge', 'GB', ',vip,', 2]);
    });

    it('lands good purchases, reports unknown sku, negative quantity and bad date by line, and a re-import adds nothing', async () => {
      const [pasta] = await s.ds.query("SELECT sku FROM products WHERE name = 'pasta'");
      const [sauce] = await s.ds.query("SELECT sku FROM products WHERE name = 'sauce'");
      const path = file('purchases.csv', [
        'orderRef,customerEmail,purchasedAt,channel,sku,quantity,unitPrice',
        `A-1,ada@example.com,2024-03-01T10:15:00Z,ONLINE,${pasta.sku},2,1.50`,
        `A-1,ada@example.com,2024-03-01T10:15:00Z,ONLINE,${sauce.sku},1,`,
        `B-1,bob@example.com,2024-03-02,STORE,NO-SUCH-SKU,1,2.00`,
        `C-1,bob@example.com,2024-03-03,STORE,${pasta.sku},-1,2.00`,
        `D-1,ada@example.com,2024-02-30,STORE,${pasta.sku},1,2.00`,
        `E-1,bob@example.com,2024-03-04,APP,${sauce.sku},3,0.99`,
        `F-1,nobody@example.com,2024-03-04,APP,${sauce.sku},3,0.99`,
      ].join('\n'));
      errors.length = 0;
      expect(await runImport(['--format', 'purchases-csv', '--file', path], option)).toBe(1);
      expect(errors.filter((e) => e.startsWith(path))).toEqual([
        `${path}:4: no product with sku NO-SUCH-SKU`,
        `${path}:5: quantity must be at least 1`,
        `${path}:6: purchasedAt "2024-02-30" is not an ISO 8601 date or date-time`,
        `${path}:8: no customer with email nobody@example.com`,
      ]);
      const landed = async () => s.ds.query('SELECT idempotency_key AS k, total_cents AS t FROM purchases WHERE idempotency_key IS NOT NULL ORDER BY idempotency_key');
      // 2 x 1.50 + 1 x list price 1.00; E-1: 3 x 0.99.
      expect((await landed()).map((r: { k: string; t: unknown }) => [r.k, Number(r.t)])).toEqual([['A-1', 400], ['E-1', 297]]);
      const [bob] = await s.ds.query("SELECT purchase_count, total_spent_cents FROM customers WHERE email = 'bob@example.com'");
      expect([Number(bob.purchase_count), Number(bob.total_spent_cents)]).toEqual([1, 297]);

      const before = await num(s.ds, 'SELECT COUNT(*) AS n FROM purchase_lines');
      const again = await importData(s.ds, { format: 'purchases-csv', text: readFileSync(path, 'utf8') });
      expect(again.purchases).toEqual({ inserted: 0, skipped: 2 });
      expect(await num(s.ds, 'SELECT COUNT(*) AS n FROM purchases WHERE idempotency_key IS NOT NULL')).toBe(2);
      expect(await num(s.ds, 'SELECT COUNT(*) AS n FROM purchase_lines')).toBe(before);
    });

    it('refuses an unknown format or a missing file with a usage error', async () => {
      expect(await runImport(['--format', 'xml', '--file', 'x'], option)).toBe(2);
      expect(await runImport(['--format', 'baskets'], option)).toBe(2);
      expect(await runImport(['--format', 'baskets', '--file', join(dir, 'missing.csv')], option)).toBe(2);
    });
  });
});
