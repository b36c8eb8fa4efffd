import { existsSync, readFileSync } from 'node:fs';
import { parsePainPointKeywords, type PainPointKeywords } from './modules/feedback/insight/pain-point';
import { DEFAULT_ANALYTIC_LIMITS, type AnalyticLimits } from './modules/analytics/limits';
import { QUASI_IDENTIFIER_POLICIES, type QuasiIdentifierPolicy } from './modules/auth/masking';

/**
 * The only reader of process.env: parsed and validated once at start-up, typed and frozen.
 * Every key is listed in .env.example.
 */
export type DatabaseConfig =
  | { kind: 'mysql'; url: string; database: string; flavor?: 'mysql' | 'mariadb'; replicas?: readonly string[] }
  | { kind: 'postgres'; url: string; database: string }
  | { kind: 'sqlite'; file: string };

export type PlaygroundKind = 'apollo' | 'graphiql' | 'off';

export interface AppConfig {
  env: 'development' | 'production' | 'test';
  host: string;
  port: number;
  database: DatabaseConfig;
  seedDemo: boolean;
  demoCustomers: number;
  playground: PlaygroundKind;
  introspection: boolean;
  /** Adds SQL statement count and database time to every response's `extensions` (bench/dev aid). */
  sqlStats: boolean;
  /** Queries run compiled by graphql-jit where that is safe (src/execution.ts); false: graphql-js for all. */
  compiledExecution: boolean;
  logLevel: string;
  maxBodyBytes: number;
  shutdownGraceMs: number;
  /** Requests a minute per API key (token bucket); 0 turns the limit off. */
  rateLimitPerMinute: number;
  /** A request that takes longer is answered 503 and its socket closed. */
  requestTimeoutMs: number;
  /** Longest a single SQL statement may run (MySQL/MariaDB, PostgreSQL). */
  statementTimeoutMs: number;
  /** A request waiting this long for a pooled connection, while the database answered nothing as long, gets 503 (MySQL/MariaDB; 0: no limit). */
  dbPoolWaitMs: number;
  limits: { maxDepth: number; maxAliases: number; maxDirectives: number; maxTokens: number; maxCost: number };
  /** Keywords that infer a feedback's issue from its comment (PAIN_POINT_KEYWORDS_FILE, JSON); null: the built-in list. */
  painPointKeywords: PainPointKeywords | null;
  /** The MySQL/MariaDB server the migration tooling (migration:generate, migration:check) diffs against. */
  migrationMysqlUrl: string;
  /** The PostgreSQL server the migration tooling diffs against (scratch databases are made and dropped there). */
  migrationPostgresUrl: string;
  /** WebSocket (subscriptions) limits; see src/realtime/subscriptions.ts. */
  websocket: { maxConnectionsPerKey: number; maxSubscriptionsPerConnection: number; keyRecheckMs: number };
  metrics: boolean;
  /** redis://... shares live care events between instances; null keeps them in-process. */
  redisUrl: string | null;
  /** Browser origins allowed to call the API (CORS); empty: no cross-origin access. */
  corsOrigins: readonly string[];
  /** Requests slower than this are logged at warn level (0: never). */
  slowRequestMs: number;
  /** A read replica further behind the primary than this is not read from (analytics read the primary). */
  replicaMaxLagSeconds: number;
  /** How ANALYST callers see age, gender, city, country, income and tags (src/modules/auth/masking.ts). */
  analystQuasiIdentifiers: QuasiIdentifierPolicy;
  /** Seals pagination cursors; null: a random key per process (cursors do not cross instances or restarts). */
  cursorSecret: string | null;
  /** What one request may make the analytics do (src/modules/analytics/limits.ts). */
  analyticLimits: Readonly<AnalyticLimits>;
}

/** The embedded default database; the only path whose folder is created when missing. */
export const DEFAULT_SQLITE_FILE = 'data/caregraph.sqlite';

export class ConfigError extends Error {}

/**
 * Reads `.env` from the working directory when there is one (ENV_FILE names another file); variables
 * already set in the real environment win over the file.
 */
export function loadDotEnv(env: NodeJS.ProcessEnv = process.env): string | null {
  const file = env.ENV_FILE || '.env';
  if (!existsSync(file)) {
    if (env.ENV_FILE) throw new ConfigError(`ENV_FILE ${file} does not exist`);
    return null;
  }
  try {
    process.loadEnvFile(file);
  } catch (e) {
    throw new ConfigError(`cannot read ${file}: ${(e as Error).message}`);
  }
  return file;
}

function oneOf<T extends string>(key: string, value: string | undefined, allowed: readonly T[], fallback: T): T {
  if (value === undefined || value === '') return fallback;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new ConfigError(`${key} must be one of ${allowed.join(', ')} (got "${value}")`);
  }
  return value as T;
}

function bool(key: string, value: string | undefined, fallback: boolean): boolean {
  if (value === undefined || value === '') return fallback;
  if (/^(1|true|yes|on)$/i.test(value)) return true;
  if (/^(0|false|no|off)$/i.test(value)) return false;
  throw new ConfigError(`${key} must be true or false (got "${value}")`);
}

function int(key: string, value: string | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new ConfigError(`${key} must be an integer from ${min} to ${max} (got "${value}")`);
  }
  return n;
}

/** DATABASE_REPLICA_URLS: read replicas of a MySQL/MariaDB primary, for the analytics' population reads. */
function withReplicas(db: DatabaseConfig, value: string | undefined): DatabaseConfig {
  if (value === undefined || value.trim() === '') return db;
  if (db.kind !== 'mysql') throw new ConfigError('DATABASE_REPLICA_URLS needs a MySQL/MariaDB DATABASE_URL');
  const replicas = value.split(',').map((u) => u.trim()).filter(Boolean).map((u) => {
    const parsed = parseDatabaseUrl(u);
    if (parsed.kind !== 'mysql') throw new ConfigError(`DATABASE_REPLICA_URLS must list mysql:// URLs (got "${u.replace(/:[^:@/]*@/, ':***@')}")`);
    return parsed.url;
  });
  return { ...db, replicas: Object.freeze(replicas) };
}

function secret(key: string, value: string | undefined): string | null {
  if (value === undefined || value === '') return null;
  if (value.length < 16) throw new ConfigError(`${key} must be at least 16 characters (a long random string, the same on every instance)`);
  return value;
}

function origins(value: string | undefined): readonly string[] {
  if (value === undefined || value.trim() === '') return Object.freeze([]);
  const list = value.split(',').map((o) => o.trim()).filter(Boolean);
  for (const o of list) {
    // A wildcard would let any site read the API with a user's key; credentials are never wildcarded.
    if (!/^https?:\/\/[^/\s*]+$/.test(o)) throw new ConfigError(`CORS_ORIGINS must list origins like https://app.example.com (scheme://host[:port], no path, no *); got "${o}"`);
  }
  return Object.freeze(list);
}

function redisUrl(value: string | undefined): string | null {
  if (value === undefined || value === '') return null;
  if (!/^rediss?:\/\/[^\s]+$/.test(value)) throw new ConfigError('REDIS_URL must be redis://[user:pass@]host:port[/db] (or rediss://)');
  return value;
}

function keywordsFile(path: string | undefined): PainPointKeywords | null {
  if (!path) return null;
  try {
    return parsePainPointKeywords(JSON.parse(readFileSync(path, 'utf8')));
  } catch (e) {
    throw new ConfigError(`PAIN_POINT_KEYWORDS_FILE ${path}: ${(e as Error).message}`);
  }
}

function mysqlUrl(key: string, value: string | undefined, fallback: string): string {
  const url = value || fallback;
  if (!/^(mysql|mariadb):\/\/[^\s/]+\/[^\s/]+$/.test(url)) throw new ConfigError(`${key} must be a mysql:// or mariadb://user:pass@host:port/database URL (got "${url}")`);
  return url.replace(/^mariadb:/, 'mysql:');
}

function postgresUrl(key: string, value: string | undefined, fallback: string): string {
  const url = value || fallback;
  if (!/^postgres(ql)?:\/\/[^\s/]+\/[^\s/]+$/.test(url)) throw new ConfigError(`${key} must be a postgres:// or postgresql://user:pass@host:port/database URL (got "${url}")`);
  return url.replace(/^postgresql:/, 'postgres:');
}

export function parseDatabaseUrl(url: string | undefined): DatabaseConfig {
  if (!url) return { kind: 'sqlite', file: DEFAULT_SQLITE_FILE };
  if (url.startsWith('sqlite:')) {
    const file = url.slice('sqlite:'.length).replace(/^\/\//, '');
    if (!file) throw new ConfigError('DATABASE_URL sqlite:<file> needs a file name (or :memory:)');
    return { kind: 'sqlite', file };
  }
  if (url.startsWith('mysql:') || url.startsWith('mariadb:')) {
    let parsed: URL;
    try {
      parsed = new URL(url.replace(/^mariadb:/, 'mysql:'));
    } catch {
      throw new ConfigError('DATABASE_URL is not a valid mysql:// or mariadb://user:pass@host:port/database URL');
    }
    const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
    if (!database) throw new ConfigError('DATABASE_URL must name a database: mysql://user:pass@host:3306/caregraph');
    return { kind: 'mysql', url: parsed.toString(), database, flavor: url.startsWith('mariadb:') ? 'mariadb' : undefined };
  }
  if (url.startsWith('postgres:') || url.startsWith('postgresql:')) {
    let parsed: URL;
    try {
      parsed = new URL(url.replace(/^postgresql:/, 'postgres:'));
    } catch {
      throw new ConfigError('DATABASE_URL is not a valid postgres:// or postgresql://user:pass@host:port/database URL');
    }
    const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
    if (!database) throw new ConfigError('DATABASE_URL must name a database: postgres://user:pass@host:5432/caregraph');
    return { kind: 'postgres', url: parsed.toString(), database };
  }
  throw new ConfigError('DATABASE_URL must start with mysql://, mariadb://, postgres://, postgresql:// or sqlite: (e.g. sqlite:data/crm.sqlite; leave it unset for the embedded default)');
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Readonly<AppConfig> {
  const mode = oneOf('NODE_ENV', env.NODE_ENV, ['development', 'production', 'test'] as const, 'development');
  const production = mode === 'production';
  return Object.freeze({
    env: mode,
    host: env.HOST || '127.0.0.1',
    port: int('PORT', env.PORT, 4000, 0, 65535),
    database: Object.freeze(withReplicas(parseDatabaseUrl(env.DATABASE_URL), env.DATABASE_REPLICA_URLS)),
    // Demo data only where it cannot mix with real customers: development, or when production asks for it.
    seedDemo: bool('SEED_DEMO', env.SEED_DEMO, mode === 'development'),
    demoCustomers: int('DEMO_CUSTOMERS', env.DEMO_CUSTOMERS, 500, 1, 1_000_000),
    playground: oneOf('PLAYGROUND', env.PLAYGROUND, ['apollo', 'graphiql', 'off'] as const, production ? 'off' : 'graphiql'),
    introspection: bool('INTROSPECTION', env.INTROSPECTION, !production),
    sqlStats: bool('SQL_STATS', env.SQL_STATS, !production),
    compiledExecution: bool('COMPILED_EXECUTION', env.COMPILED_EXECUTION, true),
    logLevel: oneOf('LOG_LEVEL', env.LOG_LEVEL, ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const, mode === 'test' ? 'silent' : 'info'),
    maxBodyBytes: int('MAX_BODY_BYTES', env.MAX_BODY_BYTES, 1_000_000, 1_000, 100_000_000),
    shutdownGraceMs: int('SHUTDOWN_GRACE_MS', env.SHUTDOWN_GRACE_MS, 10_000, 0, 600_000),
    rateLimitPerMinute: int('RATE_LIMIT_PER_MINUTE', env.RATE_LIMIT_PER_MINUTE, 1200, 0, 10_000_000),
    requestTimeoutMs: int('REQUEST_TIMEOUT_MS', env.REQUEST_TIMEOUT_MS, 30_000, 100, 600_000),
    statementTimeoutMs: int('STATEMENT_TIMEOUT_MS', env.STATEMENT_TIMEOUT_MS, 20_000, 100, 600_000),
    dbPoolWaitMs: int('DB_POOL_WAIT_MS', env.DB_POOL_WAIT_MS, 1000, 0, 600_000),
    limits: Object.freeze({
      maxDepth: int('MAX_DEPTH', env.MAX_DEPTH, 12, 2, 100),
      maxAliases: int('MAX_ALIASES', env.MAX_ALIASES, 15, 1, 1000),
      maxDirectives: int('MAX_DIRECTIVES', env.MAX_DIRECTIVES, 10, 1, 1000),
      maxTokens: int('MAX_TOKENS', env.MAX_TOKENS, 2000, 50, 100_000),
      maxCost: int('MAX_COST', env.MAX_COST, 50_000, 10, 10_000_000),
    }),
    painPointKeywords: keywordsFile(env.PAIN_POINT_KEYWORDS_FILE),
    migrationMysqlUrl: mysqlUrl('MIGRATION_MYSQL_URL', env.MIGRATION_MYSQL_URL, 'mysql://root@127.0.0.1:3306/caregraph'),
    migrationPostgresUrl: postgresUrl('MIGRATION_POSTGRES_URL', env.MIGRATION_POSTGRES_URL, 'postgres://postgres@127.0.0.1:5432/caregraph'),
    websocket: Object.freeze({
      maxConnectionsPerKey: int('WS_MAX_CONNECTIONS_PER_KEY', env.WS_MAX_CONNECTIONS_PER_KEY, 20, 1, 100_000),
      maxSubscriptionsPerConnection: int('WS_MAX_SUBSCRIPTIONS_PER_CONNECTION', env.WS_MAX_SUBSCRIPTIONS_PER_CONNECTION, 10, 1, 10_000),
      keyRecheckMs: int('WS_KEY_RECHECK_MS', env.WS_KEY_RECHECK_MS, 30_000, 100, 3_600_000),
    }),
    metrics: bool('METRICS', env.METRICS, true),
    redisUrl: redisUrl(env.REDIS_URL),
    corsOrigins: origins(env.CORS_ORIGINS),
    slowRequestMs: int('SLOW_REQUEST_MS', env.SLOW_REQUEST_MS, 1000, 0, 600_000),
    replicaMaxLagSeconds: int('REPLICA_MAX_LAG_S', env.REPLICA_MAX_LAG_S, 30, 0, 86_400),
    analystQuasiIdentifiers: oneOf('ANALYST_QUASI_IDENTIFIERS', env.ANALYST_QUASI_IDENTIFIERS, QUASI_IDENTIFIER_POLICIES, 'coarse'),
    cursorSecret: secret('CURSOR_SECRET', env.CURSOR_SECRET),
    analyticLimits: Object.freeze({
      fitTimeoutMs: int('FIT_TIMEOUT_MS', env.FIT_TIMEOUT_MS, DEFAULT_ANALYTIC_LIMITS.fitTimeoutMs, 1000, 3_600_000),
      sharedFitTimeoutMs: int('SHARED_FIT_TIMEOUT_MS', env.SHARED_FIT_TIMEOUT_MS, DEFAULT_ANALYTIC_LIMITS.sharedFitTimeoutMs, 1000, 3_600_000),
      fitHeapMb: int('FIT_HEAP_MB', env.FIT_HEAP_MB, DEFAULT_ANALYTIC_LIMITS.fitHeapMb, 64, 65_536),
      modelRefresh: oneOf('MODEL_REFRESH', env.MODEL_REFRESH, ['background', 'inline'] as const, mode === 'production' ? 'background' : 'inline'),
      firstFitWaitMs: int('FIRST_FIT_WAIT_MS', env.FIRST_FIT_WAIT_MS, DEFAULT_ANALYTIC_LIMITS.firstFitWaitMs, 100, 600_000),
      modelCacheBytes: int('MODEL_CACHE_MB', env.MODEL_CACHE_MB, DEFAULT_ANALYTIC_LIMITS.modelCacheBytes / 1048576, 1, 65_536) * 1048576,
      variantFitsPerMinute: int('VARIANT_FITS_PER_MINUTE', env.VARIANT_FITS_PER_MINUTE, DEFAULT_ANALYTIC_LIMITS.variantFitsPerMinute, 0, 100_000),
    }),
  });
}
