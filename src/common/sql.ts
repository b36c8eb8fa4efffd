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

/** Column types both drivers hand over unchanged when there is no transformer. */
const AS_READ = new Set<unknown>([String, 'varchar', 'char', 'text', 'int', 'integer', 'smallint', 'bigint', 'float', 'double', 'real']);

/**
 * Turns raw rows into entity instances with TypeORM's own per-dialect value conversion (dates, booleans,
 * JSON, transformers), without the cost of the query builder's result mapping. The function is generated per
 * entity: fixed property assignments in column order keep the objects' shape stable (fast property access
 * downstream), and columns read as they are skip the driver's conversion.
 */
export function hydrator<T extends ObjectLiteral>(ds: DataSource, entity: EntityTarget<T>): Hydrator<T> {
  const meta = ds.getMetadata(entity);
  const columns = meta.columns.filter((c) => !c.embeddedMetadata);
  const driver = ds.driver;
  const proto = (meta.target as { prototype: object }).prototype;
  const body = columns
    .map((c, i) => {
      const read = `row[${JSON.stringify(c.databaseName)}]`;
      const value = !c.transformer && AS_READ.has(c.type) ? read : `prepare(${read}, columns[${i}])`;
      return `obj[${JSON.stringify(c.propertyName)}] = ${value};`;
    })
    .join('\n');
  const build = new Function('proto', 'prepare', 'columns', `return function hydrate(row) {\nconst obj = Object.create(proto);\n${body}\nreturn obj;\n};`);
  return build(proto, driver.prepareHydratedValue.bind(driver), columns) as Hydrator<T>;
}

/** Column list of an entity table with an alias, for SELECTs that must not pick up helper columns. */
export function selectColumns(ds: DataSource, entity: EntityTarget<ObjectLiteral>, alias: string): string {
  return ds
    .getMetadata(entity)
    .columns.filter((c) => !c.embeddedMetadata)
    .map((c) => `${alias}.${c.databaseName}`)
    .join(', ');
}
