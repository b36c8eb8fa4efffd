import autocannon from 'autocannon';
import type { StatementCounter } from './data';
import { cpus } from 'node:os';
import { graphql, groupCpuMs, machineBusyMs, percentile, processCpuMs, sleep } from './util';

export interface LoadOptions {
  url: string;
  connections: number;
  durationS: number;
  warmupS: number;
  /** A fixed body, or a generator of bodies labelled by kind (mixes, random ids). */
  body: string | (() => { body: string; kind: string });
  serverPid: number;
  headers: Record<string, string>;
  /** Database processes whose CPU is charged to the run (mariadbd, or the PostgreSQL backends). */
  dbPids: () => number[];
  /** Counts MariaDB's statements during the run, for SQL statements per request under load. */
  statements?: StatementCounter;
  timeoutS?: number;
}

export interface LatencyStats {
  requests: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

export interface LoadResult extends LatencyStats {
  connections: number;
  durationS: number;
  rps: number;
  /** Connection errors and timeouts. */
  errors: number;
  timeouts: number;
  non2xx: number;
  /** 200 responses whose body carried GraphQL errors. */
  graphqlErrors: number;
  /** Requests sent but not answered when the run ended: abandoned by the client, still work for the server. */
  unanswered: number;
  /** How long after the run the server still worked off that backlog before answering a trivial request quickly. */
  busyAfterMs: number;
  firstError?: string;
  bytesPerRequest: number;
  serverCpuMsPerRequest: number;
  dbCpuMsPerRequest: number;
  loadGeneratorCpuMsPerRequest: number;
  /**
   * Share of the machine's CPU (all cores) busy with anything else than the server, its database and the
   * load generator during the run: other work on the box that the figures of this run suffered from.
   */
  othersCpuPercent: number;
  /** MariaDB statements per request from its Questions counter (null on other databases). */
  dbStatementsPerRequest: number | null;
  byKind?: Record<string, LatencyStats & { graphqlErrors: number }>;
}

function stats(latencies: number[]): LatencyStats {
  const sorted = Float64Array.from(latencies).sort();
  const sum = latencies.reduce((s, v) => s + v, 0);
  return {
    requests: latencies.length,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted.length ? sorted[sorted.length - 1] : NaN,
    mean: latencies.length ? sum / latencies.length : NaN,
  };
}

const HAS_ERRORS = '"errors":[';

interface Raw {
  result: autocannon.Result;
  latencies: number[];
  byKind: Map<string, number[]>;
  errorsByKind: Map<string, number>;
  firstError?: string;
  bytes: number;
}

function cannon(o: LoadOptions, durationS: number): Promise<Raw> {
  const latencies: number[] = [];
  const byKind = new Map<string, number[]>();
  const errorsByKind = new Map<string, number>();
  let lastKind = '';
  let firstError: string | undefined;
  let bytes = 0;
  const generator = typeof o.body === 'function' ? o.body : null;
  const request: autocannon.Request = generator
    ? {
        method: 'POST',
        setupRequest(req, context) {
          const next = generator();
          context.kind = next.kind;
          return { ...req, body: next.body };
        },
        // Called just before the 'response' event of the same response: it names the kind that event records.
        onResponse(_status, _body, context) {
          lastKind = context.kind as string;
        },
      }
    : { method: 'POST', body: o.body as string };
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: o.url,
        connections: o.connections,
        duration: durationS,
        timeout: o.timeoutS ?? 60,
        pipelining: 1,
        headers: { 'content-type': 'application/json', ...o.headers },
        requests: [request],
        verifyBody: (body) => !body.includes(HAS_ERRORS),
      },
      (err, result) => (err ? reject(err) : resolve({ result, latencies, byKind, errorsByKind, firstError, bytes })),
    );
    instance.on('response', (_client: unknown, _status: number, resBytes: number, responseTime: number) => {
      latencies.push(responseTime);
      bytes += resBytes;
      if (generator) {
        let list = byKind.get(lastKind);
        if (!list) byKind.set(lastKind, (list = []));
        list.push(responseTime);
      }
    });
    instance.on('reqMismatch', (body: string) => {
      if (generator) errorsByKind.set(lastKind, (errorsByKind.get(lastKind) ?? 0) + 1);
      if (!firstError) {
        try {
          firstError = (JSON.parse(body) as { errors: { message: string }[] }).errors[0].message;
        } catch {
          firstError = body.slice(0, 200);
        }
      }
    });
  });
}

const IDLE_MS = 250;
const DRAIN_LIMIT_MS = 300_000;

/**
 * Waits until the server answers a trivial request within IDLE_MS: requests the load generator gave up
 * on are still being worked on (nothing cancels them), and the next run must not pay for them.
 */
export async function drain(url: string, headers: Record<string, string>): Promise<number> {
  const started = performance.now();
  while (performance.now() - started < DRAIN_LIMIT_MS) {
    const t = performance.now();
    try {
      await graphql(url, '{ __typename }', undefined, headers, 60_000);
      if (performance.now() - t < IDLE_MS) break;
    } catch {
      await sleep(500);
    }
  }
  return performance.now() - started;
}

/** Warm-up (discarded), then a fixed-duration run with CPU and statement accounting around it. */
export async function load(o: LoadOptions): Promise<LoadResult> {
  if (o.warmupS > 0) {
    await cannon(o, o.warmupS);
    await drain(o.url, o.headers);
  }
  const dbPids = o.dbPids();
  const cpu0 = { server: processCpuMs(o.serverPid), db: groupCpuMs(dbPids), self: process.cpuUsage(), machine: machineBusyMs() };
  const measured = o.statements ? await o.statements.around(() => cannon(o, o.durationS)) : { value: await cannon(o, o.durationS), statements: null };
  const raw = measured.value;
  const statements = measured.statements;
  const self = process.cpuUsage(cpu0.self);
  const serverCpu = processCpuMs(o.serverPid) - cpu0.server;
  const dbCpu = groupCpuMs(dbPids) - cpu0.db;
  const machineCpu = machineBusyMs() - cpu0.machine;
  const busyAfterMs = await drain(o.url, o.headers);
  const selfCpu = (self.user + self.system) / 1000;
  const s = stats(raw.latencies);
  const n = Math.max(1, s.requests);
  const r = raw.result;
  const out: LoadResult = {
    ...s,
    connections: o.connections,
    durationS: r.duration,
    rps: s.requests / r.duration,
    errors: r.errors,
    timeouts: r.timeouts,
    non2xx: r.non2xx,
    graphqlErrors: r.mismatches,
    unanswered: Math.max(0, r.requests.sent - s.requests - r.errors),
    busyAfterMs,
    firstError: raw.firstError,
    bytesPerRequest: raw.bytes / n,
    serverCpuMsPerRequest: serverCpu / n,
    dbCpuMsPerRequest: dbCpu / n,
    loadGeneratorCpuMsPerRequest: selfCpu / n,
    othersCpuPercent: Math.max(0, (100 * (machineCpu - serverCpu - dbCpu - selfCpu)) / (r.duration * 1000 * cpus().length)),
    dbStatementsPerRequest: statements === null ? null : statements / n,
  };
  if (typeof o.body === 'function') {
    out.byKind = {};
    for (const [kind, list] of raw.byKind) out.byKind[kind] = { ...stats(list), graphqlErrors: raw.errorsByKind.get(kind) ?? 0 };
  }
  return out;
}
