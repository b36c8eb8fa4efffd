import { AsyncLocalStorage } from 'node:async_hooks';
import { createConnection } from 'mysql2/promise';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';

/**
 * Read replicas for analytics (DATABASE_REPLICA_URLS). TypeORM's replication gives the DataSource a MASTER
 * and SLAVE<i> pools; `defaultMode: 'master'` keeps every ordinary read on the primary, so a request always
 * sees its own writes. Only the population reads of the analytics (and so the model fits) ask for a replica,
 * through `analyticsReader`. A monitor checks each replica every few seconds (answers within a second,
 * replication threads running, lag under the limit); an unhealthy replica leaves the pool until it is
 * healthy again, and with none healthy the analytics read the primary and the log and /readyz say so.
 */
export interface ReplicaStatus {
  url: string;
  healthy: boolean;
  /** Seconds behind the primary, when the replica reports it. */
  lagSeconds: number | null;
  reason: string | null;
}

interface PoolCluster {
  add(id: string, options: unknown): void;
  remove(pattern: string): void;
}

interface ReplicatingDriver {
  poolCluster?: PoolCluster;
  options: { replication?: { slaves: unknown[] } };
  createConnectionOptions(options: unknown, credentials: unknown): unknown;
}

const CHECK_EVERY_MS = 3000;
const CHECK_TIMEOUT_MS = 1000;

export class ReplicaRouter {
  private readonly states: ReplicaStatus[];
  private readonly inPool: boolean[];
  private timer: NodeJS.Timeout | null = null;
  private checking: Promise<void> | null = null;
  /** Analytic reads answered by the primary because no replica could (for the drill and metrics). */
  fallbacks = 0;

  constructor(
    private readonly ds: DataSource,
    private readonly urls: readonly string[],
    private readonly maxLagSeconds: number,
    private readonly log?: Pick<Logger, 'warn' | 'info'>,
  ) {
    this.states = urls.map((url) => ({ url: redact(url), healthy: true, lagSeconds: null, reason: null }));
    this.inPool = urls.map(() => true);
  }

  get healthyCount(): number {
    return this.states.filter((s) => s.healthy).length;
  }

  status(): { replicas: ReplicaStatus[]; analyticsReadFrom: 'replicas' | 'primary' } {
    return { replicas: this.states.map((s) => ({ ...s })), analyticsReadFrom: this.healthyCount ? 'replicas' : 'primary' };
  }

  start(): Promise<void> {
    this.timer = setInterval(() => void this.check(), CHECK_EVERY_MS);
    this.timer.unref();
    return this.check();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** One statement for the analytics: on a healthy replica, else (or when the replica fails) on the primary. */
  async query(sql: string, params?: unknown[]): Promise<any> {
    if (primaryScope.getStore()) return this.ds.query(sql, params);
    if (!this.healthyCount) {
      this.fallbacks++;
      return this.ds.query(sql, params);
    }
    const runner = this.ds.createQueryRunner('slave');
    try {
      return await runner.query(sql, params);
    } catch (err) {
      if (!isConnectionError(err)) throw err;
      // The replica went away between checks: say so now, answer from the primary.
      this.log?.warn({ err: { code: (err as { code?: string }).code } }, 'a read replica failed; analytics read the primary until it is healthy');
      void this.check();
      this.fallbacks++;
      return this.ds.query(sql, params);
    } finally {
      await runner.release();
    }
  }

  check(): Promise<void> {
    this.checking ??= Promise.all(this.urls.map((url, i) => this.checkOne(url, i))).then(() => {
      this.checking = null;
    });
    return this.checking;
  }

  private async checkOne(url: string, i: number): Promise<void> {
    const state = this.states[i];
    let healthy = false;
    let reason: string | null = null;
    let lag: number | null = null;
    try {
      const r = await withTimeout(probe(url), CHECK_TIMEOUT_MS, 'did not answer within 1 s');
      lag = r.lag;
      if (!r.replicating) reason = 'replication is stopped';
      else if (lag !== null && lag > this.maxLagSeconds) reason = `${lag} s behind the primary (limit ${this.maxLagSeconds} s)`;
      else healthy = true;
    } catch (err) {
      reason = (err as Error).message || String(err);
    }
    state.lagSeconds = lag;
    state.reason = reason;
    if (healthy !== state.healthy) {
      state.healthy = healthy;
      if (healthy) this.log?.info({ replica: state.url }, 'read replica healthy again: analytics read from it');
      else this.log?.warn({ replica: state.url, reason }, `read replica unhealthy: ${this.healthyCount ? 'analytics read the other replicas' : 'analytics read the primary'}`);
    }
    this.setInPool(i, healthy);
  }

  /** Takes an unhealthy replica out of TypeORM's pool cluster, and puts it back once it is healthy. */
  private setInPool(i: number, wanted: boolean): void {
    if (this.inPool[i] === wanted) return;
    const driver = this.ds.driver as unknown as ReplicatingDriver;
    const cluster = driver.poolCluster;
    if (!cluster) return;
    const id = `SLAVE${i}`;
    if (wanted) cluster.add(id, driver.createConnectionOptions(driver.options, driver.options.replication!.slaves[i]));
    else cluster.remove(id);
    this.inPool[i] = wanted;
  }
}

async function probe(url: string): Promise<{ replicating: boolean; lag: number | null }> {
  const conn = await createConnection({ uri: url, connectTimeout: CHECK_TIMEOUT_MS });
  try {
    const [rows] = await conn.query('SHOW SLAVE STATUS');
    const status = (rows as Record<string, unknown>[])[0];
    // Not a replica at all (or no privilege to see it): treat it as a plain read server.
    if (!status) return { replicating: true, lag: null };
    const running = status.Slave_IO_Running === 'Yes' && status.Slave_SQL_Running === 'Yes';
    const lag = status.Seconds_Behind_Master === null || status.Seconds_Behind_Master === undefined ? null : Number(status.Seconds_Behind_Master);
    return { replicating: running, lag };
  } finally {
    conn.destroy();
  }
}

function withTimeout<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([p, new Promise<T>((_, reject) => (timer = setTimeout(() => reject(new Error(message)), ms)))]).finally(() => clearTimeout(timer));
}

function isConnectionError(err: unknown): boolean {
  const code = (err as { code?: string })?.code ?? '';
  return /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|PROTOCOL_CONNECTION_LOST|POOL_NONEONLINE|POOL_NOEXIST|ER_CON_COUNT_ERROR)$/.test(code)
    || /Pool does not exist|No pool|Pool is closed/i.test((err as Error)?.message ?? '');
}

function redact(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
}

const routers = new WeakMap<DataSource, ReplicaRouter>();
const primaryScope = new AsyncLocalStorage<boolean>();

/**
 * Runs a request that may write with every read on the primary, so that it sees its own writes even when
 * a replica lags. Only used when replicas are configured (AsyncLocalStorage has a price per request).
 */
export function onPrimary<T>(fn: () => T): T {
  return primaryScope.run(true, fn);
}

export function registerReplicaRouter(ds: DataSource, router: ReplicaRouter): void {
  routers.set(ds, router);
}

export function replicaRouterOf(ds: DataSource): ReplicaRouter | undefined {
  return routers.get(ds);
}

/**
 * The DataSource the analytics read through: the same DataSource, except that `query` goes to a healthy
 * replica when replicas are configured. Without replicas it is the DataSource itself.
 */
export function analyticsReader(ds: DataSource): DataSource {
  const router = routers.get(ds);
  if (!router) return ds;
  return new Proxy(ds, {
    get(target, prop, receiver) {
      if (prop === 'query') return (sql: string, params?: unknown[]) => router.query(sql, params);
      return Reflect.get(target, prop, receiver);
    },
  });
}
