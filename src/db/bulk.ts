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

/** The largest id of each table (0 when empty): explicit ids let lines point at purchases without reading back. */
export async function maxIds<T extends string>(sql: SqlRunner, tables: readonly T[]): Promise<Record<T, number>> {
  const out = {} as Record<T, number>;
  for (const t of tables) {
    const rows = (await sql.query(`SELECT COALESCE(MAX(id), 0) AS m FROM ${t}`)) as { m: number | string }[];
    out[t] = Number(rows[0].m);
  }
  return out;
}
