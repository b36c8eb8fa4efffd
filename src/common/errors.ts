import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { isUniqueViolation } from '../db/dialect';

/** The closed set of error codes clients may rely on (`extensions.code`). */
export enum ErrorCode {
  BAD_USER_INPUT = 'BAD_USER_INPUT',
  NOT_FOUND = 'NOT_FOUND',
  CONFLICT = 'CONFLICT',
  FORBIDDEN = 'FORBIDDEN',
  UNAUTHENTICATED = 'UNAUTHENTICATED',
  RATE_LIMITED = 'RATE_LIMITED',
  QUERY_TOO_COSTLY = 'QUERY_TOO_COSTLY',
  /** A model fit ran past its time or memory budget and was stopped (the query asked for too much). */
  ANALYTICS_LIMIT = 'ANALYTICS_LIMIT',
  /** An idempotency key sent again with a different request (IETF Idempotency-Key draft: 422). */
  IDEMPOTENCY_KEY_REUSED = 'IDEMPOTENCY_KEY_REUSED',
  /** A dependency (the database) is down or not answering: nothing was done; retry after `Retry-After`. */
  SERVICE_UNAVAILABLE = 'SERVICE_UNAVAILABLE',
  /**
   * A write lost its database while it ran (timeout, connection lost): it may or may not have been saved.
   * Retry with the same idempotency key; HTTP 503 with `Retry-After` like SERVICE_UNAVAILABLE.
   */
  OUTCOME_UNKNOWN = 'OUTCOME_UNKNOWN',
  INTERNAL_SERVER_ERROR = 'INTERNAL_SERVER_ERROR',
}

/** A domain error: services throw these; the error mapper turns them into GraphQL errors. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

export const badInput = (message: string, details?: Record<string, unknown>) =>
  new AppError(ErrorCode.BAD_USER_INPUT, message, details);
export const notFound = (what: string, id: string | number) =>
  new AppError(ErrorCode.NOT_FOUND, `${what} ${id} was not found`);
export const conflict = (message: string, details?: Record<string, unknown>) =>
  new AppError(ErrorCode.CONFLICT, message, details);

const KNOWN_CODES = new Set<string>([
  ...Object.values(ErrorCode),
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
]);

/** Seconds a client should wait before retrying when a dependency is down (the `Retry-After` of every 503). */
export const RETRY_AFTER_SECONDS = 2;

/** The codes that mean "a dependency is down": HTTP 503 with `Retry-After`. */
export const UNAVAILABLE_CODES: ReadonlySet<string> = new Set([ErrorCode.SERVICE_UNAVAILABLE, ErrorCode.OUTCOME_UNKNOWN]);

/**
 * Errors raised while a write (a mutation) ran. A statement that timed out or lost its connection there may
 * have committed: mapError says OUTCOME_UNKNOWN for these, SERVICE_UNAVAILABLE for the same error in a read.
 */
const duringWrite = new WeakSet<object>();
export function markDuringWrite(err: unknown): void {
  if (err && typeof err === 'object') duringWrite.add(err);
}

/** The database (or its pool) refused before a statement was sent: nothing ran, whatever the operation. */
const NOT_STARTED = /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|Pool is closed|Queue limit reached|DB_POOL_TIMEOUT|No connections available|ER_CON_COUNT_ERROR|Too many connections|Can't add new command when connection is in closed state/;
/** PostgreSQL (pg): a connection that could not be had in time ran nothing. */
const PG_NOT_STARTED = /timeout exceeded when trying to connect/;
/** PostgreSQL (pg): the connection went away under a statement. */
const PG_INTERRUPTED = /Connection terminated|connection error and is not queryable/;
/** The database went away or stopped answering while a statement may have been running. */
const INTERRUPTED = /PROTOCOL_CONNECTION_LOST|ECONNRESET|ETIMEDOUT|Connection lost|ER_SERVER_SHUTDOWN|EPIPE|PROTOCOL_SEQUENCE_TIMEOUT|Query inactivity timeout|max_statement_time|ER_QUERY_TIMEOUT|ER_STATEMENT_TIMEOUT|ER_QUERY_INTERRUPTED/;

export const OUTCOME_UNKNOWN_MESSAGE = 'The database stopped answering while this write ran: it may or may not have been saved. '
  + 'Retry with the same idempotency key (a saved write is not repeated); without one, check before retrying';

/** Whether an error means a dependency is down (for callers outside GraphQL, e.g. the API-key lookup). */
export function isUnavailable(err: unknown): boolean {
  return UNAVAILABLE_CODES.has(mapError(err).code);
}

export interface MappedError {
  message: string;
  code: string;
  details?: Record<string, unknown>;
  internal?: unknown;
}

/**
 * One place that decides what a client sees of an error. Unknown errors are masked: the caller logs
 * `internal` with the request id and returns only the generic message.
 */
export function mapError(original: unknown, fallbackCode?: string): MappedError {
  if (original instanceof AppError) {
    return { message: original.message, code: original.code, details: original.details };
  }
  if (original instanceof GraphQLError) {
    const code = original.extensions?.code;
    const validationErrors = original.extensions?.validationErrors as
      | { property: string; constraints?: Record<string, string>; children?: unknown[] }[]
      | undefined;
    // Not a list when a validator itself threw (validator.js on a lone surrogate): then the plain BAD_USER_INPUT below.
    if (Array.isArray(validationErrors)) {
      return {
        message: `Invalid input: ${flattenValidation(validationErrors).join('; ')}`,
        code: ErrorCode.BAD_USER_INPUT,
        details: { fields: flattenValidationFields(validationErrors) },
      };
    }
    if (typeof code === 'string' && KNOWN_CODES.has(code)) return { message: original.message, code };
    // type-graphql's @Authorized refusal: the caller is known but its role may not do this.
    if (code === 'UNAUTHORIZED') return { message: original.message, code: ErrorCode.FORBIDDEN };
    // Apollo's own request errors without a code (a persisted-query hash mismatch) carry their 4xx status.
    const status = (original.extensions?.http as { status?: number } | undefined)?.status;
    if (code === undefined && typeof status === 'number' && status >= 400 && status < 500) return { message: original.message, code: 'BAD_REQUEST' };
  }
  const text = `${(original as { code?: string })?.code ?? ''} ${(original as Error)?.message ?? ''} ${(original as { driverError?: { code?: string } })?.driverError?.code ?? ''}`;
  const syscall = (original as { syscall?: string })?.syscall ?? (original as { driverError?: { syscall?: string } })?.driverError?.syscall;
  // PostgreSQL's SQLSTATE (pg puts it on the driver error; TypeORM wraps that in QueryFailedError).
  const sqlState = [(original as { driverError?: { code?: unknown } })?.driverError?.code, (original as { code?: unknown })?.code]
    .find((c): c is string => typeof c === 'string' && /^[0-9A-Z]{5}$/.test(c)) ?? '';
  // A connection that could not be opened (refused, or its handshake timed out) ran nothing.
  if (NOT_STARTED.test(text) || PG_NOT_STARTED.test(text) || /^(08001|08004|57P03|53300)$/.test(sqlState) || (syscall === 'connect' && INTERRUPTED.test(text))) {
    return { message: 'The database is unavailable right now; retry shortly', code: ErrorCode.SERVICE_UNAVAILABLE, internal: original };
  }
  if (INTERRUPTED.test(text) || PG_INTERRUPTED.test(text) || /^(08...|57P0[12]|57014)$/.test(sqlState)) {
    if (duringWrite.has(original as object)) return { message: OUTCOME_UNKNOWN_MESSAGE, code: ErrorCode.OUTCOME_UNKNOWN, internal: original };
    const timedOut = (/TIMEOUT|timeout|max_statement_time|INTERRUPTED/.test(text) && !/ETIMEDOUT/.test(text)) || sqlState === '57014';
    return { message: timedOut ? 'The query took too long and was stopped' : 'The database is unavailable right now; retry shortly', code: ErrorCode.SERVICE_UNAVAILABLE, internal: original };
  }
  // A value its column cannot hold (text in a narrower character set, too long, out of range): the client's input.
  if (/ER_TRUNCATED_WRONG_VALUE|ER_DATA_TOO_LONG|ER_WARN_DATA_OUT_OF_RANGE|WARN_DATA_TRUNCATED|ER_CANT_AGGREGATE_2COLLATIONS|ER_INVALID_CHARACTER_STRING/.test(text)
    || /^(22001|22003|22008|22021|22P05)$/.test(sqlState)) {
    return { message: 'A value does not fit its field (too long, out of range, or characters the database cannot store)', code: ErrorCode.BAD_USER_INPUT, internal: original };
  }
  // A unique index refused a write no service anticipated (they name the field themselves): still the client's conflict.
  if (isUniqueViolation(original)) {
    return { message: 'A record with the same unique value already exists', code: ErrorCode.CONFLICT, internal: original };
  }
  if (fallbackCode && KNOWN_CODES.has(fallbackCode) && fallbackCode !== ErrorCode.INTERNAL_SERVER_ERROR) {
    return { message: (original as Error).message, code: fallbackCode };
  }
  return { message: 'Internal server error', code: ErrorCode.INTERNAL_SERVER_ERROR, internal: original };
}

type ValidationNode = { property: string; constraints?: Record<string, string>; children?: unknown[] };

function flattenValidation(nodes: ValidationNode[], prefix = ''): string[] {
  return nodes.flatMap((n) => {
    const path = prefix ? `${prefix}.${n.property}` : n.property;
    const own = Object.values(n.constraints ?? {}).map((m) => (m.startsWith(n.property) ? `${prefix ? prefix + '.' : ''}${m}` : `${path}: ${m}`));
    return [...own, ...flattenValidation((n.children ?? []) as ValidationNode[], path)];
  });
}

function flattenValidationFields(nodes: ValidationNode[], prefix = ''): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const n of nodes) {
    const path = prefix ? `${prefix}.${n.property}` : n.property;
    if (n.constraints) out[path] = Object.values(n.constraints);
    Object.assign(out, flattenValidationFields((n.children ?? []) as ValidationNode[], path));
  }
  return out;
}

/** An error as a client sees it (HTTP and WebSocket alike): the mapped message and code, never internals. */
export function clientError(original: unknown, code: string | undefined, where: Pick<GraphQLFormattedError, 'locations' | 'path'>): GraphQLFormattedError {
  const mapped = mapError(original, code);
  return { message: mapped.message, locations: where.locations, path: where.path, extensions: { code: mapped.code, ...(mapped.details ? { details: mapped.details } : {}) } };
}

/** The key of an `Authorization: Bearer <key>` value (HTTP header or graphql-ws connection parameter). */
export function bearerToken(value: unknown): string | undefined {
  return typeof value === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(value)?.[1] : undefined;
}
