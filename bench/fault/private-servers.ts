import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createConnection as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection, type Connection } from 'mysql2/promise';

/**
 * A MariaDB server and a Redis server of our own (own data directory, own free port), for tests and drills that
 * kill, freeze (SIGSTOP) and restart them. The machine's shared MariaDB (3306) and Redis (6379) are never touched.
 */
const MARIADBD = '/usr/sbin/mariadbd';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function mariadbAvailable(): boolean {
  return spawnSync('sh', ['-c', `command -v mariadb-install-db >/dev/null && test -x ${MARIADBD}`]).status === 0;
}

export function redisAvailable(): boolean {
  return spawnSync('sh', ['-c', 'command -v redis-server >/dev/null']).status === 0;
}

/** A free-looking port below Linux's ephemeral range (32768-60999, the local ports of outgoing connections) and the tests' app ports (20000-31999). */
function randomPort(): number {
  return 10000 + Math.floor(Math.random() * 10000);
}

function signal(pid: number | undefined, sig: NodeJS.Signals): void {
  if (!pid) return;
  try {
    process.kill(pid, sig);
  } catch {
    /* gone */
  }
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((r) => child.once('exit', () => r()));
}

export interface PrivateMariaDB {
  port: number;
  /** mysql://app@127.0.0.1:<port>/<database> (app may do everything). */
  url(database: string): string;
  /** root over the server's own socket. */
  root(): Promise<Connection>;
  pid(): number;
  /** SIGKILL: connections drop, the server is gone until start(). */
  kill(): Promise<void>;
  /** SIGSTOP: TCP still connects, nothing answers. */
  freeze(): void;
  /** SIGCONT. */
  thaw(): void;
  /** Starts it again on the same data directory and port (after kill); resolves when it answers. */
  start(): Promise<void>;
  /** Kills it and removes its data directory. */
  stop(): Promise<void>;
}

export async function startPrivateMariaDB(): Promise<PrivateMariaDB> {
  const dir = mkdtempSync(join(tmpdir(), 'caregraph-mariadb-'));
  const datadir = join(dir, 'data');
  const socket = join(dir, 'mysqld.sock');
  let port = randomPort();
  const r = spawnSync('mariadb-install-db', ['--no-defaults', `--datadir=${datadir}`, '--user=root', '--auth-root-authentication-method=socket', '--skip-test-db'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`mariadb-install-db failed: ${r.stderr}`);
  let child: ChildProcess | null = null;
  const errorLog = () => {
    try {
      return readFileSync(join(dir, 'error.log'), 'utf8');
    } catch {
      return '';
    }
  };
  const root = async (limitMs = 30_000) => {
    const until = Date.now() + limitMs;
    for (;;) {
      try {
        return await createConnection({ socketPath: socket, user: 'root', multipleStatements: true });
      } catch (e) {
        if (Date.now() > until || (child && child.exitCode !== null)) throw e;
        await sleep(100);
      }
    }
  };
  const start = async () => {
    child = spawn(MARIADBD, ['--no-defaults', `--datadir=${datadir}`, `--port=${port}`, `--socket=${socket}`, '--user=root', '--bind-address=127.0.0.1',
      '--skip-name-resolve', '--innodb-buffer-pool-size=64M', '--innodb-log-file-size=32M', '--character-set-server=utf8mb4', '--collation-server=utf8mb4_unicode_ci',
      `--log-error=${join(dir, 'error.log')}`], { stdio: 'ignore', detached: true });
    const c = await root(60_000);
    await c.end();
  };
  // A random port may be taken (by anything, an ephemeral port included): another one then.
  for (let attempt = 1; ; attempt++) {
    try {
      await start();
      break;
    } catch (e) {
      if (attempt >= 5 || !/Address already in use/.test(errorLog())) {
        signal((child as ChildProcess | null)?.pid, 'SIGKILL');
        rmSync(dir, { recursive: true, force: true });
        throw new Error(`mariadbd did not start: ${(e as Error).message}\n${errorLog().slice(-1000)}`);
      }
      port = randomPort();
    }
  }
  const c = await root();
  await c.query(`CREATE USER IF NOT EXISTS 'app'@'127.0.0.1'; GRANT ALL ON *.* TO 'app'@'127.0.0.1';`);
  await c.end();
  return {
    port,
    url: (database) => `mysql://app@127.0.0.1:${port}/${database}`,
    root: () => root(),
    pid: () => child!.pid!,
    async kill() {
      const c = child!;
      signal(c.pid, 'SIGCONT');
      signal(c.pid, 'SIGKILL');
      await exited(c);
    },
    freeze: () => signal(child?.pid, 'SIGSTOP'),
    thaw: () => signal(child?.pid, 'SIGCONT'),
    start,
    async stop() {
      if (child) {
        signal(child.pid, 'SIGCONT');
        signal(child.pid, 'SIGKILL');
        await exited(child);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface PrivateRedis {
  port: number;
  url: string;
  /** SIGKILL: with --save '' it comes back empty. */
  kill(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = tcpConnect({ host: '127.0.0.1', port });
    s.setTimeout(500);
    s.once('connect', () => {
      s.end();
      resolve(true);
    });
    s.once('error', () => resolve(false));
    s.once('timeout', () => {
      s.destroy();
      resolve(false);
    });
  });
}

/** redis-server on a free port, no persistence (`--save '' --appendonly no`): a restart loses every key. */
export async function startPrivateRedis(): Promise<PrivateRedis> {
  let port = randomPort();
  while (await answers(port)) port = randomPort();
  const dir = mkdtempSync(join(tmpdir(), 'caregraph-redis-'));
  let child: ChildProcess | null = null;
  const start = async () => {
    child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--loglevel', 'warning'],
      { stdio: 'ignore', detached: true });
    const until = Date.now() + 10_000;
    const c = child;
    while (!(await answers(port)) || c.exitCode !== null) {
      if (Date.now() > until || c.exitCode !== null) throw new Error(`redis-server did not start on port ${port}`);
      await sleep(50);
    }
  };
  // A port taken between the check and the bind (another suite's server): try another, a few times.
  for (let attempt = 1; ; attempt++) {
    try {
      await start();
      break;
    } catch (e) {
      if (attempt >= 5) throw e;
      port = randomPort();
      while (await answers(port)) port = randomPort();
    }
  }
  return {
    port,
    url: `redis://127.0.0.1:${port}/0`,
    async kill() {
      const c = child!;
      signal(c.pid, 'SIGKILL');
      await exited(c);
    },
    start,
    async stop() {
      if (child) {
        signal(child.pid, 'SIGKILL');
        await exited(child);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
