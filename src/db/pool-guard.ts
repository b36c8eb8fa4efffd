import type { DataSource } from 'typeorm';

/** What mysql2's callback pool offers that the guard uses (mysql2 3.x `lib/base/pool.js`). */
interface PooledConnection {
  release(): void;
  destroy(): void;
  query(...args: unknown[]): unknown;
  __caregraphGuarded?: boolean;
}

interface CallbackPool {
  getConnection(cb: (err: Error | null, conn?: PooledConnection) => void): void;
  on(event: 'connection', listener: (conn: PooledConnection) => void): unknown;
  _connectionQueue?: { toArray(): unknown[]; removeOne(index: number): unknown };
  _allConnections?: { toArray(): unknown[] };
  _freeConnections?: { length: number };
  __caregraphGuarded?: boolean;
}

/** The error a request gets when no pooled connection came while the database answered nothing (SERVICE_UNAVAILABLE). */
export class PoolWaitTimeout extends Error {
  readonly code = 'DB_POOL_TIMEOUT';
  constructor(ms: number) {
    super(`DB_POOL_TIMEOUT: no database connection became free, and the database answered no statement for ${ms} ms`);
  }
}

/**
 * mysql2's pool queues a request for a connection without limit in time: with a frozen database every new
 * request would wait behind the busy connections until their statements time out (20 s). This bounds the wait
 * when the database is stuck, not when it is busy: a request waiting for a connection fails with DB_POOL_TIMEOUT
 * (SERVICE_UNAVAILABLE, HTTP 503) once it has waited `waitMs` and the database has answered no statement for
 * `waitMs` either (so within about 2 × `waitMs` of a freeze); while statements keep completing, a burst waits its
 * turn as before. A failed waiter leaves the queue; a connection that arrives later for it goes straight back to
 * the pool. A new connection's handshake counts as waiting (a frozen server accepts TCP but never greets). Also
 * covers every pool of a replication cluster.
 */
export function boundPoolWaits(ds: DataSource, waitMs: number): void {
  if (!(waitMs > 0)) return;
  for (const pool of poolsOf(ds)) guard(pool, waitMs);
}

function guard(pool: CallbackPool, waitMs: number): void {
  if (pool.__caregraphGuarded) return;
  pool.__caregraphGuarded = true;
  /** When the database last answered something on this pool (a statement's result or error, a handshake). */
  const health = { answeredAt: Date.now() };
  const watch = (conn: PooledConnection) => {
    health.answeredAt = Date.now();
    watchConnection(conn, health);
  };
  pool.on('connection', watch);
  for (const conn of pool._allConnections?.toArray() ?? []) watchConnection(conn as PooledConnection, health);
  const getConnection = pool.getConnection.bind(pool);
  pool.getConnection = (cb) => {
    // The common case, a free connection: handed over at once, nothing to bound.
    if ((pool._freeConnections?.length ?? 0) > 0) return getConnection(cb);
    let settled = false;
    let timer: NodeJS.Timeout;
    const waiter = (err: Error | null, conn?: PooledConnection) => {
      if (settled) {
        conn?.release();
        return;
      }
      settled = true;
      clearTimeout(timer);
      cb(err, conn);
    };
    const check = () => {
      if (settled) return;
      const quietFor = Date.now() - health.answeredAt;
      if (quietFor < waitMs) {
        // Busy, not stuck: wait on, and look again once the database has been quiet for waitMs.
        timer = setTimeout(check, waitMs - quietFor);
        timer.unref?.();
        return;
      }
      settled = true;
      // Out of the queue, so that a queue of abandoned waiters does not grow while the database is frozen.
      const queue = pool._connectionQueue;
      if (queue && typeof queue.toArray === 'function') {
        const at = queue.toArray().indexOf(waiter);
        if (at >= 0) queue.removeOne(at);
      }
      cb(new PoolWaitTimeout(waitMs));
    };
    timer = setTimeout(check, waitMs);
    timer.unref?.();
    getConnection(waiter);
  };
}

/**
 * Notes every answer of the database on this connection (a result, or an error the server sent: it has a
 * sqlState) as a sign of life. A statement that timed out (mysql2's client-side timeout) is still queued on its
 * connection: the next command on it (TypeORM's ROLLBACK) would wait behind it, without a timeout, until the
 * database answers again. Such a connection is closed at once and leaves the pool; the server rolls back what it
 * had not committed.
 */
function watchConnection(conn: PooledConnection, health: { answeredAt: number }): void {
  if (conn.__caregraphGuarded) return;
  conn.__caregraphGuarded = true;
  const query = conn.query;
  conn.query = function (this: unknown, ...args: unknown[]) {
    const last = args.length - 1;
    const cb = args[last];
    if (typeof cb === 'function') {
      args[last] = (err: { code?: string; sqlState?: string } | null, ...rest: unknown[]) => {
        if (!err || err.sqlState) health.answeredAt = Date.now();
        else if (err.code === 'PROTOCOL_SEQUENCE_TIMEOUT') conn.destroy();
        return (cb as (...a: unknown[]) => unknown)(err, ...rest);
      };
    }
    return query.apply(this, args);
  };
}

/**
 * The statement timeout on the server's side too (MySQL/MariaDB), for every connection of every pool: mysql2's
 * own timeout only closes the client's socket, and the server went on running the statement (seen: a 20 s
 * timeout left a scan of 10M rows running for half an hour). MariaDB stops any statement at max_statement_time
 * (seconds), MySQL a SELECT at max_execution_time (ms); set a second after the client's timeout, so a request
 * still gets the same answer, and the work behind it stops. Set after migrations, which may take longer.
 */
export function limitStatementsOnServer(ds: DataSource, flavor: 'mysql' | 'mariadb', timeoutMs: number): void {
  if (!(timeoutMs > 0)) return;
  const ms = timeoutMs + 1000;
  const sql = flavor === 'mariadb' ? `SET SESSION max_statement_time = ${(ms / 1000).toFixed(3)}` : `SET SESSION max_execution_time = ${Math.round(ms)}`;
  const limit = (conn: PooledConnection) => conn.query(sql, () => undefined); // a refusal leaves the client's timeout alone
  for (const pool of poolsOf(ds)) {
    pool.on('connection', limit);
    for (const conn of pool._allConnections?.toArray() ?? []) limit(conn as PooledConnection);
  }
}

function poolsOf(ds: DataSource): CallbackPool[] {
  const driver = ds.driver as unknown as { pool?: CallbackPool; poolCluster?: { _nodes?: Record<string, { pool: CallbackPool }> } };
  return [driver.pool, ...Object.values(driver.poolCluster?._nodes ?? {}).map((n) => n.pool)].filter((p): p is CallbackPool => !!p);
}
