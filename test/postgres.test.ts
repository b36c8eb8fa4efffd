import { Client } from 'pg';
import { mapError } from '../src/common/errors';
import { openDatabase } from '../src/db/database';
import { createScratchDatabase } from '../src/db/scratch';
import { dbKind } from './support/app';

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

  test('sessions run in UTC whatever the server default, and instants round-trip exactly', async () => {
    const { db, drop } = await createScratchDatabase('postgres', process.env.DATABASE_URL);
    const ds = await openDatabase(db);
    try {
      expect((await ds.query('SHOW TimeZone'))[0].TimeZone).toBe('UTC');
      const at = new Date('2025-03-30T01:30:00.123Z');
      const [r] = await ds.query(`SELECT to_char(?::timestamptz, 'YYYY-MM-DD HH24:MI') AS d, ?::timestamptz AS t, COUNT(*) AS n FROM customers`, [at, at]);
      expect(r).toEqual({ d: '2025-03-30 01:30', t: at, n: 0 });
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
});
