import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../src/db/database';
import { dbKind, ok, startTestApp, tableNames, type TestApp } from './support/app';
import { makeCustomer, makeProduct } from './support/factories';

/** Data integrity (issue #11 parts 2, 4, 5), on SQLite and on MariaDB (DATABASE_URL=mysql://...). */
let t: TestApp;
let products: { id: string }[];
beforeAll(async () => {
  t = await startTestApp();
  products = [await makeProduct(t, { price: 10 }), await makeProduct(t, { price: 3 })];
}, 60_000);
afterAll(() => t.close());

const code = (r: { errors?: { extensions?: { code?: string } }[] }) => r.errors?.[0]?.extensions?.code;
const dbId = (gid: string) => Number(Buffer.from(gid, 'base64').toString('utf8').split(':')[1]);
const CREATE = `mutation($i: CreatePurchaseInput!) { createPurchase(input: $i) { id total } }`;
const count = async (sql: string, params: unknown[] = []) => Number((await t.ds.query(sql, params))[0].n);

describe('idempotency keys', () => {
  test('the same key with the same request answers the first purchase; with a different one IDEMPOTENCY_KEY_REUSED and nothing is written', async () => {
    const c = await makeCustomer(t);
    const first = { customerId: c.id, channel: 'ONLINE', idempotencyKey: 'order-1', lines: [{ productId: products[0].id, quantity: 1 }] };
    const a = ok(await t.gql(CREATE, { i: first })).createPurchase;
    expect(ok(await t.gql(CREATE, { i: first })).createPurchase).toEqual(a);
    for (const changed of [
      { ...first, lines: [{ productId: products[0].id, quantity: 2 }] },
      { ...first, lines: [{ productId: products[1].id, quantity: 1 }] },
      { ...first, channel: 'STORE' },
    ]) {
      const r = await t.gql(CREATE, { i: changed });
      expect(code(r)).toBe('IDEMPOTENCY_KEY_REUSED');
      expect(r.errors![0].message).toContain(a.id);
    }
    expect(await count('SELECT COUNT(*) AS n FROM purchases WHERE customer_id = ?', [dbId(c.id)])).toBe(1);
  });

  test('keys are scoped to the customer: another customer may use the same key for its own purchase', async () => {
    const [x, y] = [await makeCustomer(t), await makeCustomer(t)];
    const lines = [{ productId: products[1].id, quantity: 3 }];
    const px = ok(await t.gql(CREATE, { i: { customerId: x.id, channel: 'ONLINE', idempotencyKey: 'shared-key', lines } })).createPurchase;
    const py = ok(await t.gql(CREATE, { i: { customerId: y.id, channel: 'ONLINE', idempotencyKey: 'shared-key', lines } })).createPurchase;
    expect(py.id).not.toBe(px.id);
  });

  test('an import row reusing a key for another purchase is reported, the others land', async () => {
    const c = await makeCustomer(t);
    const row = (quantity: number, idempotencyKey: string) => ({ customerId: c.id, idempotencyKey, lines: [{ productId: products[0].id, quantity }] });
    const r = ok(await t.gql(`mutation($i: ImportPurchasesInput!) { importPurchases(input: $i) { okCount errorCount rows { index ok error } } }`, {
      i: { rows: [row(1, 'imp-1'), row(1, 'imp-1'), row(5, 'imp-1'), row(2, 'imp-2')] },
    })).importPurchases;
    expect(r.rows.map((x: { ok: boolean }) => x.ok)).toEqual([true, true, false, true]);
    expect(r.rows[2].error).toMatch(/already used for a different purchase/);
    expect(await count('SELECT COUNT(*) AS n FROM purchases WHERE customer_id = ?', [dbId(c.id)])).toBe(2);
  });
});

describe('text', () => {
  test('C0 control characters are refused in names and short fields; free text keeps tabs and line breaks', async () => {
    const before = await count('SELECT COUNT(*) AS n FROM customers');
    for (const name of ['Ann\u0000 Admin', 'Ann\nAdmin', 'Ann\u001bAdmin']) {
      const r = await t.gql(`mutation($n: String!) { createCustomer(input: { name: $n }) { id } }`, { n: name });
      expect(code(r)).toBe('BAD_USER_INPUT');
      expect(r.errors![0].message).toMatch(/name must not contain control characters/);
    }
    expect(code(await t.gql(`mutation { createCustomer(input: { name: "A", email: "a\\u0000@x.org" }) { id } }`))).toBe('BAD_USER_INPUT');
    expect(await count('SELECT COUNT(*) AS n FROM customers')).toBe(before);
    const c = await makeCustomer(t);
    const comment = 'first line\nsecond line\twith a tab';
    const f = ok(await t.gql(`mutation($i: CreateFeedbackInput!) { createFeedback(input: $i) { comment } }`, { i: { customerId: c.id, score: 4, comment } }));
    expect(f.createFeedback.comment).toBe(comment);
    const nul = await t.gql(`mutation($i: CreateFeedbackInput!) { createFeedback(input: $i) { id } }`, { i: { customerId: c.id, score: 4, comment: 'cut\u0000here' } });
    expect(code(nul)).toBe('BAD_USER_INPUT');
    const imported = ok(await t.gql(`mutation($rows: [CustomerFieldsInput!]!) { importCustomers(input: { rows: $rows }) { okCount errorCount rows { ok error } } }`, {
      rows: [{ name: 'Good Row' }, { name: 'Bad\u0000Row' }],
    })).importCustomers;
    expect(imported.rows.map((r: { ok: boolean }) => r.ok)).toEqual([true, false]);
    expect(imported.rows[1].error).toMatch(/control characters/);
  });

  test('product attributes (JSON) may hold line breaks but no other control characters', async () => {
    const ok1 = await t.gql(`mutation($a: JSONObject) { createProduct(input: { sku: "ATTR-1", name: "Wool scarf", category: "textiles", price: 20, attributes: $a }) { id attributes } }`,
      { a: { care: 'Wash cold.\nDry flat.' } });
    expect(ok(ok1).createProduct.attributes).toEqual({ care: 'Wash cold.\nDry flat.' });
    const bad = await t.gql(`mutation($a: JSONObject) { createProduct(input: { sku: "ATTR-2", name: "Scarf", category: "textiles", price: 20, attributes: $a }) { id } }`,
      { a: { care: 'cut\u0000here' } });
    expect(code(bad)).toBe('BAD_USER_INPUT');
  });

  test('emoji, Polish and Chinese text round-trip', async () => {
    const name = 'Zażółć gęślą jaźń 张伟 🎉👩‍👩‍👧';
    const c = ok(await t.gql(`mutation($n: String!) { createCustomer(input: { name: $n, city: "Łódź" }) { id name city } }`, { n: name })).createCustomer;
    expect(c).toMatchObject({ name, city: 'Łódź' });
  });

  test('ten concurrent importCustomers of the same 300 new emails: every row succeeds, 300 customers exist', async () => {
    const rows = Array.from({ length: 300 }, (_, i) => ({ email: `race-${i}@example.org`, name: `Race ${i}` }));
    const results = await Promise.all(Array.from({ length: 10 }, () =>
      t.gql(`mutation($rows: [CustomerFieldsInput!]!) { importCustomers(input: { rows: $rows }) { okCount errorCount rows { ok error updated } } }`, { rows })));
    for (const r of results) {
      const d = ok(r).importCustomers;
      expect(d.rows.filter((x: { ok: boolean }) => !x.ok)).toEqual([]);
      expect(d.errorCount).toBe(0);
    }
    const created = results.reduce((n, r) => n + r.data.importCustomers.rows.filter((x: { updated: boolean }) => !x.updated).length, 0);
    expect(created).toBe(300);
    expect(await count(`SELECT COUNT(*) AS n FROM customers WHERE email LIKE 'race-%'`)).toBe(300);
  }, 180_000); // 3,000 row upserts: about 15 s alone, several times that while CI runs three suites at once

  test('two CLI imports at once, beside API writes, never collide on ids (the database allocates them)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'caregraph-imports-'));
    const o = t.ds.options as { database: string; url?: string };
    const env = { ...process.env, DATABASE_URL: dbKind === 'sqlite' ? `sqlite:${o.database}` : o.url!, LOG_LEVEL: 'silent' };
    // Baskets with items of their own per file: 300 new customers and purchases each.
    const files = ['a', 'b'].map((tag) => {
      const file = join(dir, `${tag}.csv`);
      writeFileSync(file, Array.from({ length: 300 }, (_, i) => `${tag}-item-${i % 7},${tag}-item-${(i + 3) % 7}`).join('\n') + '\n');
      return file;
    });
    const cli = (file: string) => new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, ['dist/src/cli.js', 'import', '--format', 'baskets', '--file', file, '--customer-per-basket'], { cwd: join(__dirname, '..'), env });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('exit', (code) => resolve({ code, stderr }));
    });
    const before = await count('SELECT COUNT(*) AS n FROM purchases');
    const api = async () => {
      for (let i = 0; i < 15; i++) {
        const c = await makeCustomer(t);
        ok(await t.gql(CREATE, { i: { customerId: c.id, channel: 'ONLINE', lines: [{ productId: products[1].id, quantity: 1 }] } }));
      }
    };
    const [a, b] = await Promise.all([cli(files[0]), cli(files[1]), api()]);
    expect([a.code, /duplicate|unique/i.test(a.stderr)]).toEqual([0, false]);
    expect([b.code, /duplicate|unique/i.test(b.stderr)]).toEqual([0, false]);
    expect(await count('SELECT COUNT(*) AS n FROM purchases')).toBe(before + 600 + 15);
    // Every imported basket kept its own two lines.
    const lines = await t.ds.query(`SELECT p.id, COUNT(l.id) AS n FROM purchases p JOIN purchase_lines l ON l.purchase_id = p.id JOIN products pr ON pr.id = l.product_id
      WHERE pr.name LIKE 'a-item-%' OR pr.name LIKE 'b-item-%' GROUP BY p.id`);
    expect(lines).toHaveLength(600);
    expect(lines.every((r: { n: number }) => Number(r.n) === 2)).toBe(true);
    rmSync(dir, { recursive: true, force: true });
  }, 120_000);
});

describe('erasure is erasure on disk', () => {
  test('after eraseCustomer the erased values are in no table, and (SQLite) in neither the database file nor its WAL', async () => {
    const secret = `erase-${Date.now()}`;
    const c = await makeCustomer(t, { name: `Name ${secret}`, email: `${secret}@example.org`, phone: '+49 555 0199', address: `${secret} street` });
    ok(await t.gql(`mutation($i: CreateFeedbackInput!) { createFeedback(input: $i) { id } }`, { i: { customerId: c.id, score: 1, comment: `comment ${secret}` } }));
    ok(await t.gql(`mutation($id: ID!) { eraseCustomer(id: $id) { id } }`, { id: c.id }));
    const tables = await tableNames(t.ds);
    for (const table of tables) {
      const rows = await t.ds.query(`SELECT * FROM ${table}`);
      expect({ table, found: JSON.stringify(rows).includes(secret) }).toEqual({ table, found: false });
    }
    if (dbKind === 'sqlite') {
      const file = (t.ds.options as { database: string }).database;
      for (const f of [file, `${file}-wal`]) {
        if (!existsSync(f)) continue;
        expect({ f, found: readFileSync(f).includes(secret) }).toEqual({ f, found: false });
      }
    }
  });
});

const mysqlOnly = dbKind === 'mysql' ? describe : describe.skip;
mysqlOnly('a database created latin1 (the upstream default)', () => {
  test('the migrations make every table utf8mb4; a narrower column stops the start with a clear message', async () => {
    const latin = await startTestApp({}, { charset: 'latin1' });
    try {
      const name = 'Zażółć 张伟 🎉';
      const c = ok(await latin.gql(`mutation($n: String!) { createCustomer(input: { name: $n }) { name } }`, { n: name })).createCustomer;
      expect(c.name).toBe(name);
      const narrow = await latin.ds.query(`SELECT COUNT(*) AS n FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND CHARACTER_SET_NAME <> 'utf8mb4'`);
      expect(Number(narrow[0].n)).toBe(0);
      await latin.ds.query('ALTER TABLE customers MODIFY city varchar(100) CHARACTER SET latin1 NULL');
      const opts = latin.ds.options as { url?: string; database?: string };
      await expect(openDatabase({ kind: 'mysql', url: opts.url!, database: String(opts.database) })).rejects.toThrow(/not utf8mb4 \(customers\.city is latin1\)/);
    } finally {
      await latin.close();
    }
  });
});
