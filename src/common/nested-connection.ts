import type { DataSource } from 'typeorm';
import { ConnectionResult, keysetCondition, orderTerm, pageWindow, toConnection, type PageArgs, type SortKey, type SortValue } from './pagination';
import { inList, whereClause, type Fragment, type Hydrator } from './sql';

export interface NestedListQuery<T> {
  ds: DataSource;
  table: string;
  alias: string;
  columns: string;
  /** The column that points at the parent (e.g. p.customer_id). */
  parentColumn: string;
  parentOf: (row: T) => number;
  where: ReadonlyArray<Fragment | null | undefined>;
  sort: SortKey<T>;
  hydrate: Hydrator<T>;
  param: (v: SortValue) => unknown;
}

/**
 * One page of a child list for many parents in ONE statement: ROW_NUMBER() over each parent's rows
 * (MySQL 8, MariaDB 10.2+, PostgreSQL and SQLite 3.25+ all have window functions). totalCount, when asked, is one
 * GROUP BY for all parents.
 */
export async function nestedPages<T extends { id: number }>(
  q: NestedListQuery<T>,
  parentIds: readonly number[],
  args: PageArgs,
  countAll: (parentIds: readonly number[]) => Promise<Map<number, number>>,
): Promise<ConnectionResult<T>[]> {
  const w = pageWindow(args, q.sort);
  const idExpr = `${q.alias}.id`;
  const keyset = w.cursor ? keysetCondition(q.sort.expression, idExpr, w.direction, w.cursor.value, w.cursor.id, q.param) : null;
  const where = whereClause([inList(q.parentColumn, parentIds), ...q.where, keyset]);
  const rows: T[] = w.limit === 0
    ? []
    : (
        await q.ds.query(
          `SELECT * FROM (SELECT ${q.columns}, ROW_NUMBER() OVER (PARTITION BY ${q.parentColumn} ORDER BY ${orderTerm(q.ds, q.sort, w.direction)}, ${idExpr} ${w.direction}) AS rn__ FROM ${q.table} ${q.alias}${where.sql}) ranked WHERE rn__ <= ${w.limit + 1} ORDER BY rn__`,
          where.params,
        )
      ).map(q.hydrate);
  const byParent = new Map<number, T[]>();
  for (const r of rows) {
    const k = q.parentOf(r);
    const list = byParent.get(k);
    if (list) list.push(r);
    else byParent.set(k, [r]);
  }
  let counts: Promise<Map<number, number>> | null = null;
  return parentIds.map((id) =>
    toConnection(byParent.get(id) ?? [], w, q.sort, async () => {
      counts ??= countAll(parentIds);
      return (await counts).get(id) ?? 0;
    }),
  );
}

/** COUNT(*) per parent for the same filters, in one GROUP BY. */
export async function countByParent(
  ds: DataSource,
  table: string,
  alias: string,
  parentColumn: string,
  parentIds: readonly number[],
  where: ReadonlyArray<Fragment | null | undefined>,
): Promise<Map<number, number>> {
  const w = whereClause([inList(parentColumn, parentIds), ...where]);
  const rows: { pid: number; n: number }[] = await ds.query(
    `SELECT ${parentColumn} AS pid, COUNT(*) AS n FROM ${table} ${alias}${w.sql} GROUP BY ${parentColumn}`,
    w.params,
  );
  return new Map(rows.map((r) => [Number(r.pid), Number(r.n)]));
}
