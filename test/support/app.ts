import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import type { DataSource } from 'typeorm';
import { loadConfig } from '../../src/config';
import { openDatabase } from '../../src/db/database';
import { createScratchDatabase } from '../../src/db/scratch';
import { createLogger } from '../../src/logger';
import { createApp, type App } from '../../src/server';

/** Which database the suite runs on: MariaDB/MySQL or PostgreSQL when DATABASE_URL says so, SQLite otherwise. */
export const dbKind: 'mysql' | 'postgres' | 'sqlite' = /^(mysql|mariadb):/.test(process.env.DATABASE_URL ?? '')
  ? 'mysql'
  : /^postgres(ql)?:/.test(process.env.DATABASE_URL ?? '') ? 'postgres' : 'sqlite';

/** The base tables of the test database, whatever the dialect. */
export async function tableNames(ds: DataSource): Promise<string[]> {
  const rows: { name: string }[] = dbKind === 'mysql'
    ? await ds.query(`SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE() AND table_type = 'BASE TABLE'`)
    : dbKind === 'postgres'
      ? await ds.query(`SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`)
      : await ds.query(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`);
  return rows.map((r) => r.name);
}

export interface GqlResult<T = any> {
  status: number;
  data?: T;
  errors?: { message: string; path?: string[]; extensions?: { code?: string; [k: string]: unknown } }[];
  extensions?: { sql?: { statements: number; dbMs: number }; [k: string]: unknown };
}

export type TestRole = 'ADMIN' | 'AGENT' | 'ANALYST';

export interface TestApp {
  url: string;
  ds: DataSource;
  app: App;
  /** One API key per role, created for this app. */
  keys: Record<TestRole, string>;
  /** Sends an operation with the ADMIN key unless headers say otherwise (pass { authorization: '' } for none). */
  gql<T = any>(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<GqlResult<T>>;
  /** The same with another role's key. */
  as<T = any>(role: TestRole, query: string, variables?: Record<string, unknown>): Promise<GqlResult<T>>;
  close(): Promise<void>;
}

/** A real server on a random port over a fresh scratch database (migrated, empty). */
export async function startTestApp(env: Record<string, string> = {}, scratch: { charset?: 'utf8mb4' | 'latin1' } = {}): Promise<TestApp> {
  const { db, drop } = await createScratchDatabase(dbKind, process.env.DATABASE_URL, scratch);
  const ds = await openDatabase(db);
  const config = loadConfig({
    NODE_ENV: 'test', SQL_STATS: 'true', PLAYGROUND: 'off', LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent', SHUTDOWN_GRACE_MS: '1000',
    RATE_LIMIT_PER_MINUTE: '0', VARIANT_FITS_PER_MINUTE: '0', ...env,
  });
  const app = await createApp(config, ds, createLogger(config.logLevel));
  await new Promise<void>((resolve) => app.http.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(app.http.address() as AddressInfo).port}`;
  const keys = {} as Record<TestRole, string>;
  for (const role of ['ADMIN', 'AGENT', 'ANALYST'] as const) keys[role] = (await app.services.auth.create(`test ${role.toLowerCase()}`, role as never)).key;
  const send = async (query: string, variables: Record<string, unknown> | undefined, headers: Record<string, string>) => {
    const res = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as GqlResult;
    return { ...body, status: res.status };
  };
  return {
    url,
    ds,
    app,
    keys,
    gql(query, variables, headers = {}) {
      return send(query, variables, { authorization: `Bearer ${keys.ADMIN}`, ...headers });
    },
    as(role, query, variables) {
      return send(query, variables, { authorization: `Bearer ${keys[role]}` });
    },
    async close() {
      await app.stop();
      await ds.destroy();
      await drop();
    },
  };
}

/** Fails with the server's errors when an operation that should succeed did not. */
export function ok<T>(r: GqlResult<T>): T {
  if (r.errors?.length || !r.data) throw new Error(`GraphQL errors: ${JSON.stringify(r.errors)}`);
  return r.data;
}
