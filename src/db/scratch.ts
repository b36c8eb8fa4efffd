import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection } from 'mysql2/promise';
import { Client } from 'pg';
import type { DatabaseConfig } from '../config';

/**
 * A throw-away database for tests and tooling: a temporary SQLite file, or a new database on the MySQL or
 * PostgreSQL server named by `base` (mysql://user:pass@host:port/anything, postgres://...), dropped afterwards.
 */
export async function createScratchDatabase(
  kind: 'mysql' | 'postgres' | 'sqlite', base?: string, options: { charset?: 'utf8mb4' | 'latin1' } = {},
): Promise<{ db: DatabaseConfig; drop: () => Promise<void> }> {
  const mysqlBase = base;
  const suffix = `${process.pid}_${randomBytes(4).toString('hex')}`;
  if (kind === 'sqlite') {
    const file = join(tmpdir(), `caregraph_${suffix}.sqlite`);
    return {
      db: { kind: 'sqlite', file },
      drop: async () => {
        for (const f of [file, `${file}-wal`, `${file}-shm`]) rmSync(f, { force: true });
      },
    };
  }
  if (kind === 'postgres') return createPostgresScratch(base ?? 'postgres://postgres@127.0.0.1:5432/caregraph', suffix);
  const server = new URL(mysqlBase ?? 'mysql://root@127.0.0.1:3306/caregraph');
  const prefix = decodeURIComponent(server.pathname.replace(/^\//, '')) || 'caregraph';
  const name = `${prefix}_t_${suffix}`.slice(0, 64);
  const admin = await connectAdmin(server);
  try {
    // latin1: as on a server left at the upstream default (the migrations must cope).
    const charset = options.charset === 'latin1' ? 'latin1' : 'utf8mb4 COLLATE utf8mb4_unicode_ci';
    await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET ${charset}`);
  } finally {
    await admin.end();
  }
  const url = new URL(server.toString());
  url.pathname = `/${name}`;
  return {
    db: { kind: 'mysql', url: url.toString(), database: name },
    drop: async () => {
      const c = await connectAdmin(server);
      try {
        await c.query(`DROP DATABASE IF EXISTS \`${name}\``);
      } finally {
        await c.end();
      }
    },
  };
}

function connectAdmin(base: URL) {
  return createConnection({
    host: base.hostname,
    port: Number(base.port || 3306),
    user: decodeURIComponent(base.username || 'root'),
    password: decodeURIComponent(base.password || ''),
  });
}

/** PostgreSQL: CREATE DATABASE from the server's `postgres` maintenance database; dropped WITH (FORCE). */
async function createPostgresScratch(base: string, suffix: string): Promise<{ db: DatabaseConfig; drop: () => Promise<void> }> {
  const server = new URL(base.replace(/^postgresql:/, 'postgres:'));
  const prefix = decodeURIComponent(server.pathname.replace(/^\//, '')) || 'caregraph';
  const name = `${prefix}_t_${suffix}`.toLowerCase().slice(0, 63);
  const admin = new URL(server.toString());
  admin.pathname = '/postgres';
  const run = async (sql: string) => {
    const c = new Client({ connectionString: admin.toString() });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  };
  await run(`CREATE DATABASE "${name}" ENCODING 'UTF8' TEMPLATE template0`);
  const url = new URL(server.toString());
  url.pathname = `/${name}`;
  return {
    db: { kind: 'postgres', url: url.toString(), database: name },
    drop: () => run(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
  };
}

export async function withScratchDatabase<T>(kind: 'mysql' | 'postgres' | 'sqlite', base: string | undefined, fn: (db: DatabaseConfig) => Promise<T>): Promise<T> {
  const { db, drop } = await createScratchDatabase(kind, base);
  try {
    return await fn(db);
  } finally {
    await drop();
  }
}
