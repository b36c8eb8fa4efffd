import type { DataSource, EntityManager } from 'typeorm';
import type { Dialect } from './dialect';

/** Anything that runs SQL with `?` parameters: a QueryRunner, an EntityManager or a DataSource. */
export interface SqlRunner {
  query(sql: string, params?: unknown[]): Promise<unknown>;
}

/**
 * Multi-row INSERTs of `values` (row after row, `columns.length` values each), split so that no statement
 * carries more than the dialect's parameter budget. Values must already be bindable (see `bindable`).
 */
export async function insertRows(sql: SqlRunner, dialect: Dialect, table: string, columns: readonly string[], values: readonly unknown[]): Promise<void> {
  const width = columns.length;
  if (values.length % width !== 0) throw new RangeError(`${table}: ${values.length} values do not fill rows of ${width} columns`);
  const rowsPerStatement = Math.max(1, Math.floor(dialect.maxParams / width));
  const row = `(${new Array(width).fill('?').join(',')})`;
  const head = `INSERT INTO ${table} (${columns.join(', ')}) VALUES `;
  for (let start = 0; start < values.length; start += rowsPerStatement * width) {
    const chunk = values.slice(start, start + rowsPerStatement * width);
    await sql.query(head + new Array(chunk.length / width).fill(row).join(','), chunk);
  }
}

/** A value both drivers bind: better-sqlite3 takes no Date, boolean or undefined. */
export function bindable(dialect: Dialect, v: unknown): unknown {
  if (v === undefined) return null;
  if (v instanceof Date) return dialect.date(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  return v;
}

/**
 * Inserts rows and returns the ids the database gave them, in row order: concurrent writers (another import,
 * the API) can never collide on an id. MariaDB, PostgreSQL and SQLite: multi-row INSERT ... RETURNING id (within one
 * statement ids grow with the rows, so sorting restores the order); MySQL 8 has no RETURNING: one row per
 * statement, its insertId.
 */
export async function insertRowsReturningIds(
  sql: SqlRunner, dialect: Dialect, returning: boolean, table: string, columns: readonly string[], values: readonly unknown[],
): Promise<number[]> {
  const width = columns.length;
  if (values.length % width !== 0) throw new RangeError(`${table}: ${values.length} values do not fill rows of ${width} columns`);
  const row = `(${new Array(width).fill('?').join(',')})`;
  const head = `INSERT INTO ${table} (${columns.join(', ')}) VALUES `;
  const ids: number[] = [];
  if (!returning) {
    for (let start = 0; start < values.length; start += width) {
      const result = (await sql.query(head + row, values.slice(start, start + width))) as { insertId?: number };
      ids.push(Number(result.insertId));
    }
    return ids;
  }
  const rowsPerStatement = Math.max(1, Math.floor(dialect.maxParams / width));
  for (let start = 0; start < values.length; start += rowsPerStatement * width) {
    const chunk = values.slice(start, start + rowsPerStatement * width);
    const rows = (await sql.query(`${head}${new Array(chunk.length / width).fill(row).join(',')} RETURNING id`, chunk)) as { id: number | string }[];
    if (rows.length !== chunk.length / width) throw new Error(`${table}: inserted ${chunk.length / width} rows but got ${rows.length} ids back`);
    ids.push(...rows.map((r) => Number(r.id)).sort((a, b) => a - b));
  }
  return ids;
}

/** The largest id of each table (0 when empty): explicit ids let lines point at purchases without reading back. */
export async function maxIds<T extends string>(sql: SqlRunner, tables: readonly T[]): Promise<Record<T, number>> {
  const out = {} as Record<T, number>;
  for (const t of tables) {
    const rows = (await sql.query(`SELECT COALESCE(MAX(id), 0) AS m FROM ${t}`)) as { m: number | string }[];
    out[t] = Number(rows[0].m);
  }
  return out;
}

/**
 * After rows were written with explicit ids: PostgreSQL's id sequences do not follow such inserts (MySQL's
 * AUTO_INCREMENT and SQLite's rowid do), so each table's sequence is moved past its largest id.
 */
export async function syncIdSequences(sql: SqlRunner, dialect: Dialect, tables: readonly string[]): Promise<void> {
  if (dialect.kind !== 'postgres') return;
  for (const t of tables) {
    await sql.query(`SELECT setval(pg_get_serial_sequence('${t}', 'id'), COALESCE((SELECT MAX(id) FROM ${t}), 0) + 1, false)`);
  }
}

/**
 * A transaction that will write. On SQLite it starts with BEGIN IMMEDIATE: a deferred transaction that has
 * read and then writes fails at once ("database is locked") when another process (a second import, the
 * server) wrote in between; taking the write lock first makes it wait its turn (busy_timeout) instead.
 */
export async function writeTransaction<T>(ds: DataSource, work: (m: EntityManager) => Promise<T>): Promise<T> {
  if (ds.options.type !== 'better-sqlite3') return ds.transaction(work);
  const qr = ds.createQueryRunner();
  try {
    await qr.query('BEGIN IMMEDIATE');
    try {
      const out = await work(qr.manager);
      await qr.query('COMMIT');
      return out;
    } catch (e) {
      await qr.query('ROLLBACK').catch(() => undefined);
      throw e;
    }
  } finally {
    await qr.release();
  }
}
