import type { DataSource } from 'typeorm';

/** How long /readyz waits for the database's answer to `SELECT 1`. */
export const PING_TIMEOUT_MS = 800;

interface MysqlConnection {
  query(options: { sql: string; timeout: number }, cb: (err: Error | null) => void): void;
  release(): void;
  destroy(): void;
}

const inFlight = new WeakMap<DataSource, Promise<boolean>>();

/**
 * Whether the database answers `SELECT 1` within `timeoutMs`. A frozen server (SIGSTOP) accepts TCP and never
 * answers: the ping's own statement times out after `timeoutMs` (mysql2 then drops that connection, so a probe
 * does not hold a pooled connection for the 20 s statement timeout), and concurrent probes share one ping.
 */
export function databaseAnswers(ds: DataSource, timeoutMs = PING_TIMEOUT_MS): Promise<boolean> {
  // One ping at a time, until it has really finished (not only until a caller stopped waiting for it): probes
  // every 200 ms against a frozen database must not pile up connections.
  let running = inFlight.get(ds);
  if (!running) {
    running = pingOnce(ds, timeoutMs).then(() => true, () => false).finally(() => inFlight.delete(ds));
    inFlight.set(ds, running);
  }
  return withTimeout(running, timeoutMs);
}

async function pingOnce(ds: DataSource, timeoutMs: number): Promise<void> {
  if (!ds.isInitialized) throw new Error('the database is closed');
  const driver = ds.driver as unknown as { obtainMasterConnection?: () => Promise<MysqlConnection> };
  if (ds.options.type === 'mysql' || ds.options.type === 'mariadb') {
    const conn = await driver.obtainMasterConnection!();
    try {
      await new Promise<void>((resolve, reject) => conn.query({ sql: 'SELECT 1', timeout: timeoutMs }, (err) => (err ? reject(err) : resolve())));
    } catch (err) {
      // A connection whose statement never answered still has it queued: it must not serve anyone else.
      conn.destroy();
      throw err;
    }
    conn.release();
    return;
  }
  await ds.query('SELECT 1');
}

function withTimeout(p: Promise<boolean>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    timer.unref?.();
    p.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      () => {
        clearTimeout(timer);
        resolve(false);
      },
    );
  });
}
