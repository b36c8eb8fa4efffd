import { createConnection } from 'mysql2/promise';
import { mapError } from '../src/common/errors';
import { openDatabase } from '../src/db/database';
import { createScratchDatabase } from '../src/db/scratch';
import { dbKind } from './support/app';

/** What only MySQL/MariaDB does differently; the rest of the suite runs on it unchanged (DATABASE_URL=mysql://...). */
const run = dbKind === 'mysql' ? describe : describe.skip;

run('MySQL/MariaDB specifics', () => {
  test('STATEMENT_TIMEOUT_MS stops the statement on the server too, not only the client\'s wait', async () => {
    const { db, drop } = await createScratchDatabase('mysql', process.env.DATABASE_URL);
    const ds = await openDatabase(db, { statementTimeoutMs: 300 });
    const watcher = await createConnection(process.env.DATABASE_URL!);
    try {
      const marker = `caregraph_timeout_probe_${Date.now()}`;
      const started = Date.now();
      const error = await ds.query(`SELECT SLEEP(8) AS ${marker}`).then(() => null, (e: unknown) => e);
      expect(Date.now() - started).toBeLessThan(3000);
      expect(mapError(error)).toMatchObject({ code: 'SERVICE_UNAVAILABLE', message: 'The query took too long and was stopped' });
      // The server stops it a second after the client gave up: nothing of it is left running.
      let running = 1;
      for (let i = 0; i < 40 && running > 0; i++) {
        const [rows] = await watcher.query(`SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE INFO LIKE ? AND COMMAND = 'Query' AND ID <> CONNECTION_ID()`, [`%AS ${marker}%`]);
        running = Number((rows as { n: number }[])[0].n);
        if (running) await new Promise((r) => setTimeout(r, 100));
      }
      expect(running).toBe(0);
      expect(Date.now() - started).toBeLessThan(6000);
    } finally {
      await watcher.end();
      await ds.destroy();
      await drop();
    }
  });
});
