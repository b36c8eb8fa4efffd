import type { DataSource, EntityTarget, ObjectLiteral } from 'typeorm';

/** A piece of portable SQL with `?` placeholders and its parameters, composed by the list queries. */
export interface Fragment {
  sql: string;
  params: unknown[];
}

export const frag = (sql: string, ...params: unknown[]): Fragment => ({ sql, params });

export function whereClause(parts: ReadonlyArray<Fragment | null | undefined>): Fragment {
  const present = parts.filter((p): p is Fragment => !!p);
  if (!present.length) return { sql: '', params: [] };
  return { sql: ` WHERE ${present.map((p) => `(${p.sql})`).join(' AND ')}`, params: present.flatMap((p) => p.params) };
}

export function inList(column: string, values: ReadonlyArray<unknown>): Fragment {
  if (!values.length) return frag('1 = 0');
  return { sql: `${column} IN (${values.map(() => '?').join(',')})`, params: [...values] };
}

export type Hydrator<T> = (row: Record<string, unknown>) => T;

/**
 * Turns raw rows into entity instances with TypeORM's own per-dialect value conversion (dates, booleans,
 * JSON, transformers), without the cost of the query builder's result mapping.
 */
export function hydrator<T extends ObjectLiteral>(ds: DataSource, entity: EntityTarget<T>): Hydrator<T> {
  const meta = ds.getMetadata(entity);
  const columns = meta.columns.filter((c) => !c.embeddedMetadata);
  const driver = ds.driver;
  const proto = (meta.target as { prototype: object }).prototype;
  return (row) => {
    const obj = Object.create(proto) as Record<string, unknown>;
    for (const c of columns) obj[c.propertyName] = driver.prepareHydratedValue(row[c.databaseName], c);
    return obj as T;
  };
}

/** Column list of an entity table with an alias, for SELECTs that must not pick up helper columns. */
export function selectColumns(ds: DataSource, entity: EntityTarget<ObjectLiteral>, alias: string): string {
  return ds
    .getMetadata(entity)
    .columns.filter((c) => !c.embeddedMetadata)
    .map((c) => `${alias}.${c.databaseName}`)
    .join(', ');
}
