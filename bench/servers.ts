import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, openSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, httpStatus, log, processPeakRssMb, ROOT, sleep, WORK_DIR } from './util';

/** A server under test, running as a child process so that its CPU time is its own. */
export interface ServerProcess {
  name: string;
  pid: number;
  url: string;
  logFile: string;
  /** Headers every request to it carries (CareGraph: the API key). */
  headers: Record<string, string>;
  stop(): Promise<void>;
  /** Peak RSS so far, MiB. */
  peakRssMb(): number;
}

const running = new Set<ChildProcess>();

// The bench must never leave a server behind, whatever way it stops.
function killAll(): void {
  for (const child of running) {
    try {
      child.kill('SIGKILL');
    } catch {
      /* already gone */
    }
  }
}
process.on('exit', killAll);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    killAll();
    process.exit(130);
  });
}

export interface StartOptions {
  name: string;
  command: string;
  args: string[];
  env: Record<string, string>;
  /** Path answering 200 once the server is ready, or a GraphQL endpoint to POST `{__typename}` to. */
  ready: { path: string; graphql?: boolean };
  graphqlPath?: string;
  readyTimeoutMs?: number;
  headers?: Record<string, string>;
}

export async function startServer(o: StartOptions): Promise<ServerProcess> {
  const port = await freePort();
  const logDir = join(WORK_DIR, 'logs');
  mkdirSync(logDir, { recursive: true });
  const logFile = join(logDir, `${o.name}.log`);
  const fd = openSync(logFile, 'w');
  const child = spawn(o.command, o.args, {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/root', ...o.env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  running.add(child);
  let exited: number | null = null;
  const exit = new Promise<void>((r) =>
    child.on('exit', (code, signal) => {
      exited = code ?? (signal ? 128 : 1);
      running.delete(child);
      r();
    }),
  );
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (o.readyTimeoutMs ?? 120_000);
  for (;;) {
    if (exited !== null) throw new Error(`${o.name} exited with ${exited} before it was ready; see ${logFile}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${o.name} was not ready within ${(o.readyTimeoutMs ?? 120_000) / 1000} s; see ${logFile}`);
    }
    const status = await httpStatus(base + o.ready.path, o.ready.graphql ? '{"query":"{__typename}"}' : undefined);
    if (status === 200) break;
    await sleep(200);
  }
  log(`${o.name} ready on ${base} (pid ${child.pid})`);
  return {
    name: o.name,
    pid: child.pid!,
    url: base + (o.graphqlPath ?? '/graphql'),
    logFile,
    headers: o.headers ?? {},
    peakRssMb: () => processPeakRssMb(child.pid!),
    async stop() {
      if (exited !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exit;
      clearTimeout(timer);
    },
  };
}

/**
 * CareGraph itself, as production runs it, plus introspection for the bench, and without the per-key rate
 * limit (the load generator is one key doing the work of many clients). `sqlStats` adds CareGraph's own
 * per-request SQL figures (AsyncLocalStorage, ~10% CPU): on for the counted instance, off under load.
 */
export function startCareGraph(name: string, databaseUrl: string, apiKey: string | null, sqlStats = false, env: Record<string, string> = {}): Promise<ServerProcess> {
  return startServer({
    name,
    command: process.execPath,
    // The young generation `npm start` gives it (README, "Running in production").
    args: ['--max-semi-space-size=64', join(ROOT, 'dist', 'src', 'main.js')],
    env: {
      NODE_ENV: 'production',
      DATABASE_URL: databaseUrl,
      SEED_DEMO: 'false',
      SQL_STATS: sqlStats ? 'true' : 'false',
      INTROSPECTION: 'true',
      PLAYGROUND: 'off',
      RATE_LIMIT_PER_MINUTE: '0',
      ...env,
    },
    ready: { path: '/readyz' },
    readyTimeoutMs: 300_000,
    headers: apiKey ? { authorization: `Bearer ${apiKey}` } : {},
  });
}

/** The hand-written floors (bench/floor.ts): node:http + mysql2, the plain query and the customer page, no GraphQL or ORM. */
export function startFloor(databaseUrl: string): Promise<ServerProcess> {
  return startServer({
    name: 'floor',
    command: process.execPath,
    args: [join(ROOT, 'dist', 'bench', 'floor.js')],
    env: { NODE_ENV: 'production', DATABASE_URL: databaseUrl },
    ready: { path: '/healthz' },
  });
}
