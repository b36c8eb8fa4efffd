import { Max, Min } from 'class-validator';
import { ArgsType, Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import type { ClassType } from 'type-graphql';
import type { DataSource } from 'typeorm';
import { dialectOf } from '../db/dialect';
import { openCursor, sealCursor } from './cursor-seal';
import { badInput } from './errors';
import { whereClause, type Fragment, type Hydrator } from './sql';

/** One pagination helper for every connection: Relay cursors over a keyset (sort value, id). */
export const DEFAULT_PAGE = 20;
export const MAX_PAGE = 100;

export enum SortDirection {
  ASC = 'ASC',
  DESC = 'DESC',
}
registerEnumType(SortDirection, { name: 'SortDirection' });

/**
 * Nested connections (Customer.purchases, ...) take `@Args(() => PageArgs, NESTED_PAGE)`: class-validator would
 * otherwise run once per parent object (50 times for a page of 50); pageWindow checks the same bounds once.
 */
export const NESTED_PAGE = { validate: false } as const;

@ArgsType()
export class PageArgs {
  @Field(() => Int, { nullable: true, description: `Page size from the start (default ${DEFAULT_PAGE}, at most ${MAX_PAGE}).` })
  @Min(0, { message: 'first must not be negative' })
  @Max(MAX_PAGE, { message: `first must be at most ${MAX_PAGE}` })
  first?: number;

  @Field(() => String, { nullable: true })
  after?: string;

  @Field(() => Int, { nullable: true, description: `Page size from the end (at most ${MAX_PAGE}).` })
  @Min(0, { message: 'last must not be negative' })
  @Max(MAX_PAGE, { message: `last must be at most ${MAX_PAGE}` })
  last?: number;

  @Field(() => String, { nullable: true })
  before?: string;
}

@ObjectType({ simpleResolvers: true })
export class PageInfo {
  @Field() hasNextPage!: boolean;
  @Field() hasPreviousPage!: boolean;
  @Field(() => String, { nullable: true }) startCursor!: string | null;
  @Field(() => String, { nullable: true }) endCursor!: string | null;
}

export interface Edge<T> {
  cursor: string;
  node: T;
}

/** What a service returns; the GraphQL connection type reads it as is. */
export class ConnectionResult<T> {
  constructor(
    readonly edges: Edge<T>[],
    readonly pageInfo: PageInfo,
    private readonly count: () => Promise<number>,
  ) {}
  private nodeList: T[] | null = null;
  get nodes(): T[] {
    return (this.nodeList ??= this.edges.map((e) => e.node));
  }
  /** A getter, not a method: graphql-js and the compiled executor both read fields as properties. */
  get totalCount(): Promise<number> {
    return this.count();
  }
}

export interface ConnectionClass<T> {
  edges: Edge<T>[];
  nodes: T[];
  pageInfo: PageInfo;
  readonly totalCount: Promise<number>;
}

/** Builds `<Name>Connection` and `<Name>Edge` object types for a node type. */
export function Connection<T extends object>(node: ClassType<T>, name = node.name): ClassType<ConnectionClass<T>> {
  @ObjectType(`${name}Edge`, { simpleResolvers: true })
  class EdgeType {
    @Field() cursor!: string;
    @Field(() => node) node!: T;
  }

  // simpleResolvers: the fields are read as properties; totalCount is a getter that counts only when asked.
  @ObjectType(`${name}Connection`, { simpleResolvers: true, description: `A page of ${name} objects (Relay connection).` })
  class ConnectionType {
    @Field(() => [EdgeType]) edges!: Edge<T>[];
    @Field(() => [node], { description: 'The nodes of edges, for clients that need no cursors.' }) nodes!: T[];
    @Field(() => PageInfo) pageInfo!: PageInfo;
    // simple: false gives the field a resolver: the compiled executor awaits only what resolvers return.
    @Field(() => Int, { simple: false, description: 'All matching objects, not just this page (counted only when asked).' })
    totalCount!: Promise<number>;
  }
  return ConnectionType as unknown as ClassType<ConnectionClass<T>>;
}

export type SortValue = string | number | Date | null;

export interface SortKey<T> {
  /** SQL expression to order by, e.g. `c.last_purchase_at`. */
  expression: string;
  /** The same value read from a loaded row, for its cursor. */
  read: (row: T) => SortValue;
  direction: SortDirection;
  /** How a cursor value is turned back into a bound parameter. */
  kind: 'number' | 'string' | 'date';
  /** The column may be NULL: ORDER BY then says where NULL goes (lowest) on PostgreSQL. Only then, since an
   * explicit NULLS FIRST/LAST that differs from the index's order keeps PostgreSQL from reading the index. */
  nullable?: boolean;
}

/** `<expression> <direction>` for ORDER BY, NULL lowest as the keyset conditions assume. */
export function orderTerm(ds: DataSource, sort: Pick<SortKey<unknown>, 'expression' | 'nullable'>, direction: SortDirection): string {
  return `${sort.expression} ${sort.nullable ? dialectOf(ds).nullsLow(direction) : direction}`;
}

const orderingTags = new Map<string, string>();

/** A short tag of the ordering a cursor belongs to, so that a cursor of one ordering is refused by another. */
function orderingTag(expression: string): string {
  let tag = orderingTags.get(expression);
  if (tag === undefined) {
    let h = 2166136261;
    for (let i = 0; i < expression.length; i++) h = Math.imul(h ^ expression.charCodeAt(i), 16777619);
    orderingTags.set(expression, (tag = (h >>> 0).toString(36)));
  }
  return tag;
}

export function encodeCursor(value: SortValue, id: number, expression: string): string {
  const v = value instanceof Date ? value.toISOString() : value;
  return sealCursor([v, id, orderingTag(expression)]);
}

export function decodeCursor(cursor: string, sort: Pick<SortKey<unknown>, 'kind' | 'expression'>, argName: string): { value: SortValue; id: number } {
  const kind = sort.kind;
  try {
    const parsed = openCursor(cursor);
    if (Array.isArray(parsed) && parsed.length === 3 && Number.isInteger(parsed[1]) && parsed[2] === orderingTag(sort.expression)) {
      const [v, id] = parsed;
      if (v === null) return { value: null, id };
      if (kind === 'number' && typeof v === 'number') return { value: v, id };
      if (kind === 'string' && typeof v === 'string') return { value: v, id };
      if (kind === 'date' && typeof v === 'string' && !Number.isNaN(Date.parse(v))) return { value: new Date(v), id };
    }
  } catch {
    /* fall through to the error below */
  }
  throw badInput(`${argName} is not a cursor of this connection (was the ordering changed?)`, { argument: argName });
}

/**
 * The WHERE part that continues after (value, id) in the given direction. NULL sorts lowest (MySQL and
 * SQLite do so; on PostgreSQL the ORDER BY says so, see Dialect.nullsLow), so it comes first ascending and
 * last descending.
 */
export function keysetCondition(
  expr: string,
  idExpr: string,
  direction: SortDirection,
  value: SortValue,
  id: number,
  param: (v: SortValue) => unknown,
): { sql: string; params: unknown[] } {
  const asc = direction === SortDirection.ASC;
  const cmp = asc ? '>' : '<';
  if (value === null) {
    return asc
      ? { sql: `((${expr} IS NULL AND ${idExpr} > ?) OR ${expr} IS NOT NULL)`, params: [id] }
      : { sql: `(${expr} IS NULL AND ${idExpr} < ?)`, params: [id] };
  }
  const p = param(value);
  const sql = `(${expr} ${cmp} ? OR (${expr} = ? AND ${idExpr} ${cmp} ?)${asc ? '' : ` OR ${expr} IS NULL`})`;
  return { sql, params: [p, p, id] };
}

export interface PageWindow {
  limit: number;
  backward: boolean;
  cursor: { value: SortValue; id: number } | null;
  direction: SortDirection;
}

/** Validates first/last/after/before and says which way to read. */
export function pageWindow(args: PageArgs, sort: Pick<SortKey<unknown>, 'direction' | 'kind' | 'expression'>): PageWindow {
  // The same bounds as PageArgs' validators, for nested connections that skip per-object validation.
  for (const [name, v] of [['first', args.first], ['last', args.last]] as const) {
    if (v != null && v < 0) throw badInput(`${name} must not be negative`, { argument: name });
    if (v != null && v > MAX_PAGE) throw badInput(`${name} must be at most ${MAX_PAGE}`, { argument: name });
  }
  if (args.first != null && args.last != null) throw badInput('pass either first or last, not both');
  if (args.after && args.before) throw badInput('pass either after or before, not both');
  const backward = args.last != null || (!!args.before && args.first == null);
  const limit = (backward ? args.last : args.first) ?? DEFAULT_PAGE;
  const cursorArg = backward ? args.before : args.after;
  const cursor = cursorArg ? decodeCursor(cursorArg, sort, backward ? 'before' : 'after') : null;
  const flip = sort.direction === SortDirection.ASC ? SortDirection.DESC : SortDirection.ASC;
  return { limit, backward, cursor, direction: backward ? flip : sort.direction };
}

export interface ListQuery<T> {
  ds: DataSource;
  /** `FROM ...` target with its alias, e.g. `customers c`. */
  from: string;
  alias: string;
  columns: string;
  where: ReadonlyArray<Fragment | null | undefined>;
  sort: SortKey<T>;
  hydrate: Hydrator<T>;
  /** Turns a sort value into a bound parameter (dates differ by dialect). */
  param: (v: SortValue) => unknown;
}

/** One page of a filtered list, keyset-paginated; `count` runs only when a client asks for totalCount. */
export async function paginate<T extends { id: number }>(q: ListQuery<T>, args: PageArgs): Promise<ConnectionResult<T>> {
  const w = pageWindow(args, q.sort);
  const idExpr = `${q.alias}.id`;
  const filters = whereClause(q.where);
  const keyset = w.cursor ? keysetCondition(q.sort.expression, idExpr, w.direction, w.cursor.value, w.cursor.id, q.param) : null;
  const where = whereClause([...q.where, keyset]);
  const rows: T[] = w.limit === 0
    ? []
    : (
        await q.ds.query(
          `SELECT ${q.columns} FROM ${q.from}${where.sql} ORDER BY ${orderTerm(q.ds, q.sort, w.direction)}, ${idExpr} ${w.direction} LIMIT ${w.limit + 1}`,
          where.params,
        )
      ).map(q.hydrate);
  return toConnection(rows, w, q.sort, async () => {
    const [r] = await q.ds.query(`SELECT COUNT(*) AS n FROM ${q.from}${filters.sql}`, filters.params);
    return Number(r.n);
  });
}

/** An edge whose cursor is encoded only when a client asks for it (most ask for nodes alone). */
class LazyEdge<T> implements Edge<T> {
  constructor(
    readonly node: T,
    private readonly cursorOf: (node: T) => string,
  ) {}
  get cursor(): string {
    return this.cursorOf(this.node);
  }
}

/** Builds the connection from rows read with limit + 1 in the window's direction. */
export function toConnection<T extends { id: number }>(rows: T[], w: PageWindow, sort: SortKey<T>, count: () => Promise<number>): ConnectionResult<T> {
  const more = rows.length > w.limit;
  if (more) rows.pop();
  if (w.backward) rows.reverse();
  const cursorOf = (node: T) => encodeCursor(sort.read(node), node.id, sort.expression);
  const edges = rows.map((node) => new LazyEdge(node, cursorOf));
  // Getters like the edges' cursors: encoded only when a client asks for pageInfo.
  const pageInfo: PageInfo = {
    hasNextPage: w.backward ? !!w.cursor : more,
    hasPreviousPage: w.backward ? more : !!w.cursor,
    get startCursor() {
      return edges[0]?.cursor ?? null;
    },
    get endCursor() {
      return edges[edges.length - 1]?.cursor ?? null;
    },
  };
  return new ConnectionResult(edges, pageInfo, count);
}
