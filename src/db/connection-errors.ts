import type { DatabaseConfig } from '../config';

/**
 * One line for an operator whose database cannot be opened at start-up: the cause and the fix, instead of
 * the driver's stack. Unknown errors keep their own message (never the password: URLs are not echoed).
 */
export function describeDatabaseError(err: unknown, db: DatabaseConfig): string {
  const e = (err ?? {}) as { code?: string; errno?: number; message?: string; address?: string; port?: number };
  if (db.kind === 'sqlite') return `SQLite ${db.file}: ${e.message ?? String(err)}`;
  const url = new URL(db.url);
  const where = `${url.hostname}:${url.port || defaultPort(url.protocol)}`;
  const user = decodeURIComponent(url.username || '(none)');
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  switch (e.code) {
    case 'ECONNREFUSED':
      return `nothing answers at ${where} (connection refused): start the database server or fix host and port in DATABASE_URL`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `the host ${url.hostname} in DATABASE_URL cannot be resolved: fix the host name`;
    case 'ETIMEDOUT':
      return `${where} did not answer in time: check the host, the port and any firewall between`;
    case 'ER_ACCESS_DENIED_ERROR':
    case '28P01':
    case '28000':
      return `access denied for user "${user}" at ${where}: check the user name and password in DATABASE_URL`;
    case 'ER_BAD_DB_ERROR':
      return `database "${database}" does not exist on ${where}: CREATE DATABASE \`${database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`;
    case '3D000':
      return `database "${database}" does not exist on ${where}: CREATE DATABASE "${database}" ENCODING 'UTF8'`;
    case 'ER_DBACCESS_DENIED_ERROR':
    case '42501':
      return `user "${user}" may not use database "${database}" on ${where}: GRANT ALL ON the database to that user`;
    default:
      return `${e.code ? `${e.code}: ` : ''}${(e.message ?? String(err)).split('\n')[0]}`;
  }
}

function defaultPort(protocol: string): string {
  return /^postgres/.test(protocol) ? '5432' : '3306';
}
