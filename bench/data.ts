import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync, openSync, closeSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createConnection, type Connection, type RowDataPacket } from 'mysql2/promise';
import { log, MYSQL_BASE, ROOT, WORK_DIR } from './util';

/** XS is a smoke test of the harness itself; the report covers S, M and L. */
export const SIZES: Record<string, number> = { XS: 1_000, S: 10_000, M: 100_000, L: 1_000_000 };
export const REPORT_SIZES = ['S', 'M', 'L'];
/** What the write mix's rows carry, so that a later run removes what an interrupted one left. */
export const WRITE_KEY_PREFIX = 'bench-wm-';
export const WRITE_COMMENT_PREFIX = 'bench write-mix';

export interface DataCounts {
  customers: number;
  products: number;
  purchases: number;
  purchaseLines: number;
  feedback: number;
}

/** What a bench database holds and how it got there; stored with it so that a later run can reuse it. */
export interface BenchData {
  size: string;
  kind: 'mariadb' | 'sqlite';
  url: string;
  customersAsked: number;
  seed: number;
  seededAt: string;
  /** Wall time of the seed CLI when this database was filled. */
  seedSeconds: number;
  /** True when this run filled it, false when an earlier run's database was reused. */
  seededNow: boolean;
  counts: DataCounts;
}

export const mysqlUrl = (database: string) => `${MYSQL_BASE.replace(/\/$/, '')}/${database}`;
export const benchDbName = (size: string) => `caregraph_bench_${size.toLowerCase()}`;

export async function mysql(database?: string): Promise<Connection> {
  return createConnection({ uri: database ? mysqlUrl(database) : MYSQL_BASE, timezone: 'Z', supportBigNumbers: true, multipleStatements: false });
}

async function rows<T>(conn: Connection, sql: string, params: unknown[] = []): Promise<T[]> {
  const [r] = await conn.query<RowDataPacket[]>(sql, params);
  return r as T[];
}

export async function countRows(conn: Connection): Promise<DataCounts> {
  const n = async (table: string) => Number((await rows<{ n: number }>(conn, `SELECT COUNT(*) AS n FROM ${table}`))[0].n);
  return {
    customers: await n('customers'),
    products: await n('products'),
    purchases: await n('purchases'),
    purchaseLines: await n('purchase_lines'),
    feedback: await n('feedback'),
  };
}

/** Runs `node dist/src/cli.js seed --customers N --seed S` against a database URL; returns seconds. */
async function seedCli(url: string, customers: number, seed: number, logName: string): Promise<number> {
  const logDir = join(WORK_DIR, 'logs');
  mkdirSync(logDir, { recursive: true });
  const logFile = join(logDir, `${logName}.log`);
  const fd = openSync(logFile, 'w');
  const started = performance.now();
  const code = await new Promise<number>((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'dist', 'src', 'cli.js'), 'seed', '--customers', String(customers), '--seed', String(seed)], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: url, NODE_ENV: 'production' },
      stdio: ['ignore', fd, fd],
    });
    child.on('error', reject);
    child.on('exit', (c) => resolve(c ?? 1));
  });
  closeSync(fd);
  const seconds = (performance.now() - started) / 1000;
  if (code !== 0) throw new Error(`seed CLI exited with ${code}; see ${logFile}:\n${readFileSync(logFile, 'utf8').slice(-1500)}`);
  return seconds;
}

/**
 * The MariaDB database of a size: reused when its marker says it was seeded with the same customer count
 * and seed and the customers are all there; otherwise dropped and seeded again by the seed CLI.
 */
export async function ensureMariaDb(
  size: string,
  customers: number,
  seed: number,
  reseed: boolean,
  /** Removes what an interrupted earlier run may have written, before the counts are compared. */
  tidy: (database: string) => Promise<{ purchases: number; feedback: number }>,
): Promise<BenchData> {
  const database = benchDbName(size);
  const url = mysqlUrl(database);
  const admin = await mysql();
  try {
    const exists = (await rows(admin, 'SHOW DATABASES LIKE ?', [database])).length > 0;
    if (exists && !reseed) {
      const marker = await readMarker(admin, database);
      if (marker && marker.customersAsked === customers && marker.seed === seed) {
        const left = await tidy(database);
        if (left.purchases || left.feedback) log(`${size}: removed ${left.purchases} purchases / ${left.feedback} feedback left by an earlier run`);
        const conn = await mysql(database);
        try {
          const counts = await countRows(conn);
          if (counts.customers === marker.counts.customers && counts.purchases === marker.counts.purchases) {
            log(`${size}: reusing ${database} (seeded ${marker.seededAt} in ${marker.seedSeconds.toFixed(1)} s)`);
            return { ...marker, size, kind: 'mariadb', url, seededNow: false, counts };
          }
        } finally {
          await conn.end();
        }
      }
    }
    log(`${size}: seeding ${database} with ${customers} customers (seed ${seed})...`);
    await admin.query(`DROP DATABASE IF EXISTS \`${database}\``);
    await admin.query(`CREATE DATABASE \`${database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  } finally {
    await admin.end();
  }
  const seedSeconds = await seedCli(url, customers, seed, `seed-${size}-mariadb`);
  const conn = await mysql(database);
  try {
    const counts = await countRows(conn);
    const data: BenchData = { size, kind: 'mariadb', url, customersAsked: customers, seed, seededAt: new Date().toISOString(), seedSeconds, seededNow: true, counts };
    await conn.query('CREATE TABLE bench_marker (id INT PRIMARY KEY, marker TEXT NOT NULL)');
    await conn.query('INSERT INTO bench_marker (id, marker) VALUES (1, ?)', [JSON.stringify(data)]);
    log(`${size}: seeded in ${seedSeconds.toFixed(1)} s: ${JSON.stringify(counts)}`);
    return data;
  } finally {
    await conn.end();
  }
}

async function readMarker(admin: Connection, database: string): Promise<BenchData | null> {
  try {
    const r = await rows<{ marker: string }>(admin, `SELECT marker FROM \`${database}\`.bench_marker WHERE id = 1`);
    return r.length ? (JSON.parse(r[0].marker) as BenchData) : null;
  } catch {
    return null;
  }
}

/** The embedded SQLite variant of a size, filled by the same seed CLI; the marker is a file beside it. */
export async function ensureSqlite(size: string, customers: number, seed: number, reseed: boolean): Promise<BenchData> {
  mkdirSync(WORK_DIR, { recursive: true });
  const file = join(WORK_DIR, `caregraph_bench_${size.toLowerCase()}.sqlite`);
  const markerFile = `${file}.marker.json`;
  const url = `sqlite:${file}`;
  if (!reseed && existsSync(file) && existsSync(markerFile)) {
    const marker = JSON.parse(readFileSync(markerFile, 'utf8')) as BenchData;
    if (marker.customersAsked === customers && marker.seed === seed) {
      log(`${size}: reusing ${file} (seeded in ${marker.seedSeconds.toFixed(1)} s)`);
      return { ...marker, url, seededNow: false };
    }
  }
  for (const f of [file, `${file}-wal`, `${file}-shm`, markerFile]) rmSync(f, { force: true });
  log(`${size}: seeding SQLite ${file} with ${customers} customers...`);
  const seedSeconds = await seedCli(url, customers, seed, `seed-${size}-sqlite`);
  // better-sqlite3 is a dependency of the project: the counts come straight from the file.
  const Database = require('better-sqlite3') as new (f: string, o?: { readonly?: boolean }) => { prepare(s: string): { get(): { n: number } }; close(): void };
  const db = new Database(file, { readonly: true });
  const n = (table: string) => Number(db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get().n);
  const counts: DataCounts = { customers: n('customers'), products: n('products'), purchases: n('purchases'), purchaseLines: n('purchase_lines'), feedback: n('feedback') };
  db.close();
  const data: BenchData = { size, kind: 'sqlite', url, customersAsked: customers, seed, seededAt: new Date().toISOString(), seedSeconds, seededNow: true, counts };
  writeFileSync(markerFile, JSON.stringify(data, null, 2));
  log(`${size}: SQLite seeded in ${seedSeconds.toFixed(1)} s`);
  return data;
}

/**
 * An API key for the bench, made with the CLI (`apikey create`), or null on a build whose CLI has no
 * such command (the server then asks for none). AGENT (default): the role of the care agent the workloads play.
 */
export async function createApiKey(databaseUrl: string, name: string, role: 'ADMIN' | 'AGENT' | 'ANALYST' = 'AGENT'): Promise<{ key: string; id: number } | null> {
  const cli = join(ROOT, 'dist', 'src', 'cli.js');
  const env = { ...process.env, DATABASE_URL: databaseUrl, NODE_ENV: 'production' };
  const out = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, [cli, 'apikey', 'create', '--role', role, '--name', name], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
  if (out.code !== 0) {
    if (/usage: cli </.test(out.stderr)) return null;
    throw new Error(`apikey create failed: ${out.stderr.slice(-500)}`);
  }
  const id = Number(/#(\d+)/.exec(out.stderr)?.[1] ?? NaN);
  return { key: out.stdout.trim(), id };
}

export async function revokeApiKey(databaseUrl: string, id: number): Promise<void> {
  if (!Number.isInteger(id)) return;
  await new Promise<void>((resolve) => {
    const child = spawn(process.execPath, [join(ROOT, 'dist', 'src', 'cli.js'), 'apikey', 'revoke', String(id)], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: databaseUrl, NODE_ENV: 'production' },
      stdio: 'ignore',
    });
    child.on('exit', () => resolve());
    child.on('error', () => resolve());
  });
}

/** Ids the workloads draw from: live customers and products. */
export async function sampleIds(database: string): Promise<{ customers: Int32Array; products: Int32Array }> {
  const conn = await mysql(database);
  try {
    const c = await rows<{ id: number }>(conn, 'SELECT id FROM customers WHERE deleted_at IS NULL AND erased_at IS NULL ORDER BY id');
    const p = await rows<{ id: number }>(conn, 'SELECT id FROM products WHERE deleted_at IS NULL ORDER BY id');
    return { customers: Int32Array.from(c, (r) => r.id), products: Int32Array.from(p, (r) => r.id) };
  } finally {
    await conn.end();
  }
}

/** Fitted models are dropped so that the next analytic request fits them again (the fit-while-serving probe). */
export async function dropStoredModels(database: string): Promise<number> {
  const conn = await mysql(database);
  try {
    const [res] = await conn.query('DELETE FROM analytics_models');
    await conn.query('DELETE FROM analytics_model_parts').catch(() => undefined);
    return (res as { affectedRows: number }).affectedRows;
  } catch {
    return 0; // no model table (yet)
  } finally {
    await conn.end();
  }
}

/**
 * Undoes the write-mix workload: its purchases (idempotency keys with the bench prefix) with their lines,
 * its feedback (comment prefix), and the customers' denormalised purchase statistics, recomputed as the
 * purchase service does. The cached database then matches its marker again.
 */
export async function undoWrites(database: string, keyPrefix: string, commentPrefix: string): Promise<{ purchases: number; feedback: number }> {
  const conn = await mysql(database);
  try {
    const touched = await rows<{ customer_id: number }>(conn, 'SELECT DISTINCT customer_id FROM purchases WHERE idempotency_key LIKE ?', [`${keyPrefix}%`]);
    const [fb] = await conn.query('DELETE FROM feedback WHERE comment LIKE ?', [`${commentPrefix}%`]);
    await conn.query('DELETE l FROM purchase_lines l JOIN purchases p ON p.id = l.purchase_id WHERE p.idempotency_key LIKE ?', [`${keyPrefix}%`]);
    const [pu] = await conn.query('DELETE FROM purchases WHERE idempotency_key LIKE ?', [`${keyPrefix}%`]);
    const ids = touched.map((t) => t.customer_id);
    for (let i = 0; i < ids.length; i += 1000) {
      const chunk = ids.slice(i, i + 1000);
      const sub = (expr: string) =>
        `(SELECT ${expr} FROM purchases p WHERE p.customer_id = customers.id AND p.status = 'COMPLETED' AND p.deleted_at IS NULL)`;
      await conn.query(
        `UPDATE customers SET purchase_count = ${sub('COUNT(*)')}, total_spent_cents = ${sub('COALESCE(SUM(p.total_cents), 0)')}, ` +
          `first_purchase_at = ${sub('MIN(p.purchased_at)')}, last_purchase_at = ${sub('MAX(p.purchased_at)')} WHERE id IN (${chunk.map(() => '?').join(',')})`,
        chunk,
      );
    }
    return { purchases: (pu as { affectedRows: number }).affectedRows, feedback: (fb as { affectedRows: number }).affectedRows };
  } finally {
    await conn.end();
  }
}

/**
 * MariaDB's own count of statements (global status Questions), read on one open connection. The
 * counter is server-wide: the figures are exact only while nothing else talks to MariaDB, so single
 * requests are sampled several times and the smallest count kept.
 */
export class StatementCounter {
  /** Questions added by one read of the counter itself. */
  private overhead = 0;
  private constructor(private readonly conn: Connection) {}

  static async open(): Promise<StatementCounter> {
    const c = new StatementCounter(await mysql());
    const deltas: number[] = [];
    for (let i = 0; i < 3; i++) {
      const a = await c.raw();
      deltas.push((await c.raw()) - a);
    }
    c.overhead = Math.min(...deltas);
    return c;
  }

  private async raw(): Promise<number> {
    const r = await rows<{ Value: string }>(this.conn, "SHOW GLOBAL STATUS LIKE 'Questions'");
    return Number(r[0].Value);
  }

  /** Runs `f` and returns its result with the statements MariaDB executed meanwhile. */
  async around<T>(f: () => Promise<T>): Promise<{ value: T; statements: number }> {
    const before = await this.raw();
    const value = await f();
    return { value, statements: (await this.raw()) - before - this.overhead };
  }

  close(): Promise<void> {
    return this.conn.end();
  }
}

export async function mariaVersion(): Promise<string> {
  const conn = await mysql();
  try {
    return String((await rows<{ v: string }>(conn, 'SELECT VERSION() AS v'))[0].v);
  } finally {
    await conn.end();
  }
}

export function benchDataPath(size: string): string {
  return join(ROOT, 'bench', 'results', `${size}.json`);
}
