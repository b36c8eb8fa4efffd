import { spawn, type SpawnOptions } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';

/** The repository root: dist/bench/*.js sits two levels below it. */
export const ROOT = resolve(__dirname, '..', '..');
export const BENCH_DIR = join(ROOT, 'bench');
/** Git-ignored scratch space: peer install, SQLite files, server logs. */
export const WORK_DIR = join(BENCH_DIR, '.work');

export const MYSQL_BASE = process.env.BENCH_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';
export const PG_HOST = process.env.BENCH_PG_HOST ?? '127.0.0.1';
export const PG_PORT = Number(process.env.BENCH_PG_PORT ?? 5432);
export const PG_USER = process.env.BENCH_PG_USER ?? 'postgres';

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export function log(message: string): void {
  const t = new Date().toISOString().slice(11, 19);
  process.stderr.write(`[bench ${t}] ${message}\n`);
}

/** mulberry32: a small seeded generator, so that every run sends the same request mix. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Nearest-rank percentile of an ascending array (p in 0..100). */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

export function toGlobalId(type: string, id: number): string {
  return Buffer.from(`${type}:${id}`).toString('base64');
}

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolvePort(port));
    });
  });
}

/** Runs a command to completion; rejects with its stderr tail on a non-zero exit. */
export function run(cmd: string, args: string[], options: SpawnOptions & { input?: string } = {}): Promise<{ stdout: string; stderr: string; ms: number }> {
  const started = performance.now();
  return new Promise((resolveRun, reject) => {
    const child = spawn(cmd, args, { ...options, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = performance.now() - started;
      if (code === 0) resolveRun({ stdout, stderr, ms });
      else reject(new Error(`${cmd} ${args.join(' ')} exited with ${code}: ${stderr.slice(-2000)}`));
    });
    if (options.input !== undefined) child.stdin!.end(options.input);
    else child.stdin!.end();
  });
}

const CLOCK_TICK_MS = 10; // getconf CLK_TCK is 100 on Linux

/** CPU time (user + system) a process has used so far, in ms; 0 when it is gone. */
export function processCpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may hold spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * CLOCK_TICK_MS;
  } catch {
    return 0;
  }
}

/** Peak resident set of a process (VmHWM), in MiB. */
export function processPeakRssMb(pid: number): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

/** CPU time the whole machine spent busy so far (all cores, /proc/stat), in ms. */
export function machineBusyMs(): number {
  try {
    const [, ...v] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
    const [user, nice, system, , , irq, softirq, steal] = v.map(Number);
    return (user + nice + system + irq + softirq + (steal || 0)) * CLOCK_TICK_MS;
  } catch {
    return NaN;
  }
}

/** Pids of the running processes with this command name (e.g. mariadbd, postgres). */
export function pidsByName(...names: string[]): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (names.includes(readFileSync(`/proc/${entry}/comm`, 'utf8').trim())) pids.push(Number(entry));
    } catch {
      /* the process ended while we looked */
    }
  }
  return pids;
}

/** Summed CPU ms of a group of processes, e.g. all PostgreSQL backends. */
export function groupCpuMs(pids: number[]): number {
  return pids.reduce((s, pid) => s + processCpuMs(pid), 0);
}

/**
 * POSTs a GraphQL document and returns the parsed body and the wall time. node:http without keep-alive:
 * the bench's own requests leave no idle connection behind to hold up a server's shutdown.
 */
export function graphql(
  url: string,
  query: string,
  variables?: Record<string, unknown>,
  headers: Record<string, string> = {},
  timeoutMs = 600_000,
): Promise<{ body: GraphQLBody; ms: number; bytes: number }> {
  const payload = JSON.stringify({ query, variables });
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      {
        method: 'POST',
        agent: false,
        timeout: timeoutMs,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), connection: 'close', ...headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const ms = performance.now() - started;
          let body: GraphQLBody;
          try {
            body = JSON.parse(text) as GraphQLBody;
          } catch {
            body = { errors: [{ message: `HTTP ${res.statusCode}: ${text.slice(0, 300)}` }] };
          }
          resolve({ body, ms, bytes: Buffer.byteLength(text) });
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer from ${url} within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(payload);
  });
}

/** GET or POST without keep-alive; resolves with the status code (0 when nothing answered). */
export function httpStatus(url: string, post?: string, timeoutMs = 2000): Promise<number> {
  return new Promise((resolve) => {
    const req = httpRequest(
      url,
      {
        method: post === undefined ? 'GET' : 'POST',
        agent: false,
        timeout: timeoutMs,
        headers: post === undefined ? { connection: 'close' } : { connection: 'close', 'content-type': 'application/json', 'content-length': Buffer.byteLength(post) },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(0));
    req.end(post);
  });
}

export interface GraphQLBody {
  data?: Record<string, unknown> | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
  extensions?: { sql?: { statements: number; dbMs: number } } & Record<string, unknown>;
}

export function round(value: number, digits = 1): number {
  if (!Number.isFinite(value)) return value;
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
