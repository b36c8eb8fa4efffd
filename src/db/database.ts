import { createConnection } from 'mysql2/promise';
import type { DataSource } from 'typeorm';
import { createDataSource } from '../../ormconfig';
import type { Logger } from 'pino';
import type { DatabaseConfig } from '../config';
import { boundPoolWaits, limitStatementsOnServer } from './pool-guard';
import { ReplicaRouter, registerReplicaRouter } from './replicas';

/** mysql:// may point at MySQL or MariaDB; asks the server which, once, before TypeORM starts. */
export async function resolveFlavor(db: DatabaseConfig): Promise<DatabaseConfig> {
  if (db.kind !== 'mysql' || db.flavor) return db;
  const conn = await createConnection(db.url);
  try {
    const [rows] = await conn.query('SELECT VERSION() AS v');
    const version = String((rows as { v: string }[])[0].v);
    return { ...db, flavor: /mariadb/i.test(version) ? 'mariadb' : 'mysql' };
  } finally {
    await conn.end();
  }
}

/** Default of DB_POOL_WAIT_MS. */
export const DEFAULT_POOL_WAIT_MS = 1000;

/** Opens the database and applies pending migrations (never synchronize); starts watching read replicas. */
export async function openDatabase(
  db: DatabaseConfig,
  options: { statementTimeoutMs?: number; poolSize?: number; poolWaitMs?: number; replicaMaxLagSeconds?: number; log?: Pick<Logger, 'warn' | 'info'> } = {},
): Promise<DataSource> {
  const resolved = await resolveFlavor(db);
  const ds = await createDataSource(resolved, options).initialize();
  boundPoolWaits(ds, options.poolWaitMs ?? DEFAULT_POOL_WAIT_MS);
  await ds.runMigrations({ transaction: 'each' });
  if (resolved.kind === 'mysql' && options.statementTimeoutMs) limitStatementsOnServer(ds, resolved.flavor ?? 'mysql', options.statementTimeoutMs);
  if (db.kind === 'mysql') await assertUtf8mb4(ds);
  if (db.kind === 'postgres') await assertUtf8Server(ds);
  if (db.kind === 'mysql' && db.replicas?.length) {
    const router = new ReplicaRouter(ds, db.replicas, options.replicaMaxLagSeconds ?? 30, options.log);
    registerReplicaRouter(ds, router);
    await router.start();
    const destroy = ds.destroy.bind(ds);
    ds.destroy = () => {
      router.stop();
      return destroy();
    };
  }
  return ds;
}

/** Text of any language needs utf8mb4: a latin1 or utf8mb3 column would answer an emoji with an error. */
async function assertUtf8mb4(ds: DataSource): Promise<void> {
  const narrow: { t: string; c: string; cs: string }[] = await ds.query(
    `SELECT TABLE_NAME AS t, COLUMN_NAME AS c, CHARACTER_SET_NAME AS cs FROM information_schema.COLUMNS
     WHERE TABLE_SCHEMA = DATABASE() AND CHARACTER_SET_NAME IS NOT NULL AND CHARACTER_SET_NAME <> 'utf8mb4' LIMIT 5`,
  );
  if (narrow.length) {
    await ds.destroy();
    throw new Error(`the schema is not utf8mb4 (${narrow.map((n) => `${n.t}.${n.c} is ${n.cs}`).join(', ')}): `
      + 'convert it with ALTER TABLE <table> CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci');
  }
}

/** PostgreSQL stores text in the database's encoding: SQL_ASCII or LATIN1 would refuse (or garble) other scripts. */
async function assertUtf8Server(ds: DataSource): Promise<void> {
  const [{ server_encoding: encoding }]: { server_encoding: string }[] = await ds.query('SHOW server_encoding');
  if (encoding !== 'UTF8') {
    await ds.destroy();
    throw new Error(`the database's encoding is ${encoding}, not UTF8: create it with CREATE DATABASE <name> ENCODING 'UTF8' TEMPLATE template0 and load the data again`);
  }
}
