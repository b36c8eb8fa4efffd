import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection, type Connection } from 'mysql2/promise';

/**
 * A MariaDB primary and a read replica of our own (binlog + CHANGE MASTER TO), on free ports with their own
 * data directories, as in shared/RECIPES.md. The machine's MariaDB on 3306 has no binary log, and a drill
 * must never stop it. `app`@127.0.0.1 may do everything; root logs in over each server's socket.
 */
export interface ReplicationPair {
  primaryUrl: (database: string) => string;
  replicaUrl: (database: string) => string;
  primary: () => Promise<Connection>;
  replica: () => Promise<Connection>;
  replicaPid: number;
  stop(): Promise<void>;
}

export function mariadbAvailable(): boolean {
  return spawnSync('sh', ['-c', 'command -v mariadb-install-db && command -v mariadbd || test -x /usr/sbin/mariadbd'], { encoding: 'utf8' }).status === 0;
}

const MARIADBD = '/usr/sbin/mariadbd';

export async function startReplicationPair(): Promise<ReplicationPair> {
  const dir = mkdtempSync(join(tmpdir(), 'caregraph-repl-'));
  const port = { p: 10000 + Math.floor(Math.random() * 9998), r: 0 }; // below the ephemeral range, like bench/fault/private-servers.ts
  port.r = port.p + 1;
  const children: ChildProcess[] = [];
  for (const d of ['p', 'r']) {
    const r = spawnSync('mariadb-install-db', ['--no-defaults', `--datadir=${join(dir, d)}`, '--user=root', '--auth-root-authentication-method=socket'], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`mariadb-install-db failed: ${r.stderr}`);
  }
  const start = (d: 'p' | 'r', extra: string[]) => {
    const child = spawn(MARIADBD, ['--no-defaults', `--datadir=${join(dir, d)}`, `--port=${port[d]}`, `--socket=${join(dir, `${d}.sock`)}`, '--user=root',
      '--bind-address=127.0.0.1', '--skip-name-resolve', '--innodb-buffer-pool-size=64M', ...extra], { stdio: 'ignore', detached: true });
    children.push(child);
    return child;
  };
  start('p', ['--server-id=1', '--log-bin=mysql-bin', '--binlog-format=ROW']);
  const replicaProcess = start('r', ['--server-id=2', '--read-only=1']);
  const socket = (d: 'p' | 'r') => join(dir, `${d}.sock`);
  const rootOf = async (d: 'p' | 'r') => {
    for (let i = 0; ; i++) {
      try {
        return await createConnection({ socketPath: socket(d), user: 'root', multipleStatements: true });
      } catch (e) {
        if (i > 150) throw e;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  };
  const p = await rootOf('p');
  await p.query(`CREATE USER 'repl'@'127.0.0.1' IDENTIFIED BY 'repl'; GRANT REPLICATION SLAVE ON *.* TO 'repl'@'127.0.0.1';
    CREATE USER 'app'@'127.0.0.1'; GRANT ALL ON *.* TO 'app'@'127.0.0.1';`);
  await p.end();
  const r = await rootOf('r');
  await r.query(`CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=${port.p}, MASTER_USER='repl', MASTER_PASSWORD='repl', MASTER_USE_GTID=slave_pos; START SLAVE;`);
  for (let i = 0; ; i++) {
    const [rows] = await r.query('SHOW SLAVE STATUS');
    const s = (rows as Record<string, string>[])[0];
    if (s?.Slave_IO_Running === 'Yes' && s.Slave_SQL_Running === 'Yes') break;
    if (i > 100) throw new Error(`replication did not start: ${JSON.stringify(s)}`);
    await new Promise((res) => setTimeout(res, 100));
  }
  await r.end();
  const url = (d: 'p' | 'r') => (database: string) => `mysql://app@127.0.0.1:${port[d]}/${database}`;
  return {
    primaryUrl: url('p'),
    replicaUrl: url('r'),
    primary: () => rootOf('p'),
    replica: () => rootOf('r'),
    replicaPid: replicaProcess.pid!,
    async stop() {
      for (const c of children) {
        try {
          process.kill(c.pid!, 'SIGCONT');
          process.kill(c.pid!, 'SIGKILL');
        } catch {
          /* gone */
        }
      }
      await new Promise((res) => setTimeout(res, 300));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
