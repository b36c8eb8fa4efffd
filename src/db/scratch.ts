import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection } from 'mysql2/promise';
import type { DatabaseConfig } from '../config';

/**
 * A throw-away database for tests and tooling: a temporary SQLite file, or a new database on the MySQL
 * server named by `mysqlBase` (mysql://user:pass@host:port/anything), dropped afterwards.
 */
export async function createScratchDatabase(
  kind: 'mysql' | 'sqlite', mysqlBase?: string, options: { charset?: 'utf8mb4' | 'latin1' } = {},
): Promise<{ db: DatabaseConfig; drop: () => Promise<void> }> {
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
  const base = new URL(mysqlBase ?? 'mysql://root@127.0.0.1:3306/caregraph');
  const prefix = decodeURIComponent(base.pathname.replace(/^\//, '')) || 'caregraph';
  const name = `${prefix}_t_${suffix}`.slice(0, 64);
  const admin = await connectAdmin(base);
  try {
    // latin1: as on a server left at the upstream default (the migrations must cope).
    const charset = options.charset === 'latin1' ? 'latin1' : 'utf8mb4 COLLATE utf8mb4_unicode_ci';
    await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET ${charset}`);
  } finally {
    await admin.end();
  }
  const url = new URL(base.toString());
  url.pathname = `/${name}`;
  return {
    db: { kind: 'mysql', url: url.toString(), database: name },
    drop: async () => {
      const c = await connectAdmin(base);
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

export async function withScratchDatabase<T>(kind: 'mysql' | 'sqlite', mysqlBase: string | undefined, fn: (db: DatabaseConfig) => Promise<T>): Promise<T> {
  const { db, drop } = await createScratchDatabase(kind, mysqlBase);
  try {
    return await fn(db);
  } finally {
    await drop();
  }
}
