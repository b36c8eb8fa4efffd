import 'reflect-metadata';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { types as pgTypes } from 'pg';
import { DataSource, type Logger as TypeOrmLogger } from 'typeorm';
import { ConfigError, DEFAULT_SQLITE_FILE, type DatabaseConfig } from './src/config';
import { SqlStatsSubscriber } from './src/common/sql-stats';
import { entities } from './src/db/entities';
import { mysqlMigrations } from './src/db/migrations/mysql';
import { postgresMigrations } from './src/db/migrations/postgres';
import { sqliteMigrations } from './src/db/migrations/sqlite';
import { SnakeNamingStrategy } from './src/db/naming';
import { positional } from './src/db/dialect';

/**
 * TypeORM prints slow statements and driver warnings with console.log even with `logging: false`; these go to
 * the process's JSON log instead (or nowhere, for the CLI and tests that pass no log).
 */
export function typeormLogger(log?: { warn(obj: object, msg: string): void }): TypeOrmLogger {
  return {
    logQuery: () => undefined,
    logQueryError: () => undefined,
    logQuerySlow: (ms, query) => log?.warn({ ms, sql: String(query).slice(0, 300) }, 'slow SQL statement'),
    logSchemaBuild: () => undefined,
    logMigration: () => undefined,
    log: (level, message) => {
      if (level === 'warn') log?.warn({ detail: String(message).slice(0, 500) }, 'database driver warning');
    },
  };
}

/**
 * Builds the one kind of DataSource used by the server, the CLI and the tests:
 * MySQL/MariaDB when DATABASE_URL is mysql://..., PostgreSQL when it is postgres://..., an embedded SQLite
 * file otherwise.
 */
export function createDataSource(
  database: DatabaseConfig,
  options: { poolSize?: number; statementTimeoutMs?: number; log?: { warn(obj: object, msg: string): void } } = {},
): DataSource {
  const common = {
    logger: typeormLogger(options.log),
    entities,
    namingStrategy: new SnakeNamingStrategy(),
    subscribers: [SqlStatsSubscriber],
    synchronize: false,
    migrationsRun: false,
    logging: false,
  };
  if (database.kind === 'mysql') {
    return new DataSource({
      ...common,
      // TypeORM reads MariaDB's catalogue differently: the flavour must be right for migration checks.
      type: database.flavor ?? 'mysql',
      // With read replicas: every ordinary read stays on the primary (defaultMode), only the analytics ask for
      // a replica (src/db/replicas.ts); a replica that fails is skipped for 5 s, then tried again.
      ...(database.replicas?.length
        ? { replication: { master: { url: database.url }, slaves: database.replicas.map((url) => ({ url })), defaultMode: 'master' as const, restoreNodeTimeout: 5000, removeNodeErrorCount: 1, canRetry: true } }
        : { url: database.url }),
      timezone: 'Z',
      charset: 'utf8mb4_unicode_ci',
      // mysql2 captures a stack trace (Error.captureStackTrace) before every statement, to splice it into the
      // error of a failed one; TypeORM wraps such errors in its QueryFailedError anyway.
      trace: false,
      supportBigNumbers: true,
      bigNumberStrings: false,
      dateStrings: false,
      poolSize: options.poolSize ?? 10,
      migrations: mysqlMigrations,
      migrationsTableName: 'migrations',
      ...(options.statementTimeoutMs ? { maxQueryExecutionTime: options.statementTimeoutMs, enableQueryTimeout: true } : {}),
    });
  }
  if (database.kind === 'postgres') return postgresDataSource(database.url, common, options);
  if (database.file !== ':memory:') {
    const folder = dirname(database.file);
    // Only the built-in default gets its folder made: a typo in DATABASE_URL must not start an empty database.
    if (database.file === DEFAULT_SQLITE_FILE) mkdirSync(folder, { recursive: true });
    else if (!existsSync(folder)) throw new ConfigError(`the folder of DATABASE_URL sqlite:${database.file} does not exist (${folder}); create it or fix the path`);
  }
  return new DataSource({
    ...common,
    type: 'better-sqlite3',
    database: database.file,
    enableWAL: database.file !== ':memory:',
    migrations: sqliteMigrations,
    migrationsTableName: 'migrations',
    prepareDatabase: (db: { pragma(s: string): unknown }) => {
      db.pragma('busy_timeout = 5000');
      db.pragma('synchronous = NORMAL');
      // Deleted and overwritten content is zeroed on disk (erasure must be erasure; see PrivacyService.erase).
      db.pragma('secure_delete = ON');
    },
  });
}

/** pg's text parsers, per connection: counts and sums (int8, numeric) as numbers like the other drivers give. */
const PG_NUMBER_TYPES = new Set([20, 1700]);
/** date: 'YYYY-MM-DD' as SQLite gives it (pg's default is a Date at the process's local midnight). */
const PG_DATE = 1082;

function postgresDataSource(url: string, common: object, options: { poolSize?: number; statementTimeoutMs?: number }): DataSource {
  const ds = new DataSource({
    ...common,
    type: 'postgres',
    url,
    poolSize: options.poolSize ?? 10,
    migrations: postgresMigrations,
    migrationsTableName: 'migrations',
    extra: {
      // Timestamps are timestamptz and every session reads and formats them in UTC (dialect.month/day).
      options: '-c TimeZone=UTC',
      ...(options.statementTimeoutMs ? { statement_timeout: options.statementTimeoutMs } : {}),
      types: {
        getTypeParser: (oid: number, format?: string) =>
          PG_NUMBER_TYPES.has(oid) ? (v: string) => Number(v) : oid === PG_DATE ? (v: string) => v : pgTypes.getTypeParser(oid, format),
      },
    },
  });
  adaptPostgresDriver(ds);
  return ds;
}

/**
 * The entities are written once for every database: 'datetime' (MySQL's and SQLite's instant) is a
 * timestamptz here, and services' `?` placeholders become $1, $2, ... on every query runner.
 */
function adaptPostgresDriver(ds: DataSource): void {
  const driver = ds.driver as unknown as {
    supportedDataTypes: string[];
    mappedDataTypes: Record<string, string>;
    normalizeType(column: { type?: unknown }): string;
    createQueryRunner(mode: string): { query(sql: string, params?: unknown[], structured?: boolean): Promise<unknown> };
  };
  driver.supportedDataTypes.push('datetime');
  for (const k of ['createDate', 'updateDate', 'deleteDate']) driver.mappedDataTypes[k] = 'timestamptz';
  const normalizeType = driver.normalizeType.bind(driver);
  driver.normalizeType = (column) => (column.type === 'datetime' ? 'timestamp with time zone' : normalizeType(column));
  const createQueryRunner = driver.createQueryRunner.bind(driver);
  driver.createQueryRunner = (mode) => {
    const qr = createQueryRunner(mode);
    const query = qr.query.bind(qr);
    qr.query = (sql, params, structured) => query(params?.length ? positional(sql) : sql, params, structured);
    return qr;
  };
}
