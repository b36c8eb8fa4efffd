import { Client } from 'pg';
import { mapError } from '../src/common/errors';
import { openDatabase } from '../src/db/database';
import { createScratchDatabase } from '../src/db/scratch';
import { dbKind, ok, startTestApp } from './support/app';
import { makeCustomer } from './support/factories';

/** What only PostgreSQL does differently; the rest of the suite runs on it unchanged (DATABASE_URL=postgres://...). */
const run = dbKind === 'postgres' ? describe : describe.skip;

run('PostgreSQL specifics', () => {
  test('STATEMENT_TIMEOUT_MS is the session statement_timeout: a long statement is stopped and answered as SERVICE_UNAVAILABLE', async () => {
    const { db, drop } = await createScratchDatabase('postgres', process.env.DATABASE_URL);
    const ds = await openDatabase(db, { statementTimeoutMs: 300 });
    try {
      const started = Date.now();
      const error = await ds.query('SELECT pg_sleep(5)').then(() => null, (e: unknown) => e);
      expect(Date.now() - started).toBeLessThan(3000);
      expect(mapError(error)).toMatchObject({ code: 'SERVICE_UNAVAILABLE', message: 'The query took too long and was stopped' });
    } finally {
      await ds.destroy();
      await drop();
    }
  });

  test('sessions run in UTC whatever the server default; instants round-trip exactly; dates are plain strings', async () => {
    const { db, drop } = await createScratchDatabase('postgres', process.env.DATABASE_URL);
    const ds = await openDatabase(db);
    try {
      expect((await ds.query('SHOW TimeZone'))[0].TimeZone).toBe('UTC');
      const at = new Date('2025-03-30T01:30:00.123Z');
      const [r] = await ds.query(`SELECT to_char(?::timestamptz, 'YYYY-MM-DD HH24:MI') AS d, ?::timestamptz AS t, COUNT(*) AS n FROM customers`, [at, at]);
      expect(r).toEqual({ d: '2025-03-30 01:30', t: at, n: 0 });
      // Dates (birth dates) read as 'YYYY-MM-DD', never as a Date at the process's local midnight.
      expect((await ds.query(`SELECT DATE '1980-05-01' AS bd`))[0].bd).toBe('1980-05-01');
    } finally {
      await ds.destroy();
      await drop();
    }
  });

  test('a database that is not UTF8 stops the start with the fix', async () => {
    const base = new URL(process.env.DATABASE_URL!);
    const name = `caregraph_ascii_${process.pid}`;
    const admin = new URL(base.toString());
    admin.pathname = '/postgres';
    const sql = async (q: string) => {
      const c = new Client({ connectionString: admin.toString() });
      await c.connect();
      try {
        await c.query(q);
      } finally {
        await c.end();
      }
    };
    await sql(`CREATE DATABASE "${name}" ENCODING 'SQL_ASCII' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0`);
    try {
      const url = new URL(base.toString());
      url.pathname = `/${name}`;
      await expect(openDatabase({ kind: 'postgres', url: url.toString(), database: name })).rejects.toThrow(/encoding is SQL_ASCII, not UTF8/);
    } finally {
      await sql(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    }
  });

  test('connections cut by the server (pg_terminate_backend, as in a restart) are answered 503 at worst, never 500, and the pool recovers', async () => {
    const t = await startTestApp();
    try {
      await makeCustomer(t, { name: 'Before the cut' });
      const database = (t.ds.options as { url: string }).url.replace(/^.*\//, '');
      const admin = new URL(process.env.DATABASE_URL!);
      admin.pathname = '/postgres';
      const c = new Client({ connectionString: admin.toString() });
      await c.connect();
      try {
        const cut = await c.query('SELECT pg_terminate_backend(pid) AS done FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [database]);
        expect(cut.rows.length).toBeGreaterThan(0);
      } finally {
        await c.end();
      }
      const seen: number[] = [];
      for (let i = 0; i < 20; i++) {
        const r = await t.gql('{ customers(first: 5) { totalCount nodes { name } } }');
        seen.push(r.status);
        if (r.errors?.length) expect(r.errors[0].extensions?.code).toBe('SERVICE_UNAVAILABLE');
        else if (r.data) {
          expect(r.data.customers.nodes.map((n: { name: string }) => n.name)).toContain('Before the cut');
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(seen.every((s) => s === 200 || s === 503)).toBe(true);
      expect(seen[seen.length - 1]).toBe(200);
      ok(await t.gql(`mutation { createCustomer(input: { name: "After the cut" }) { id } }`));
    } finally {
      await t.close();
    }
  });
});
