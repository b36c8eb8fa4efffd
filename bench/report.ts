import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPORT_SIZES, SIZES } from './data';
import { FIT_JOBS, FIT_LABELS } from './fits';
import type { LoadResult } from './load';
import type { ProbeResult } from './probe';
import type { RunRecord, SizeResult, StatementSample } from './results';
import { BENCH_DIR } from './util';

/** REPORT.md and chart.svg, written from every bench/results/<size>.json present. */

const HEADLINE_CONNECTIONS = 10;
const FIT_BUDGET_MS = 5000;
const SEED_BUDGET_S = 180;
const STATEMENT_BUDGET = 12;
const FLOOR_FACTOR = 2;
/** "Still served" while a fit runs: no stretch this long without an answered lookup. */
const SERVED_GAP_MS = 1000;

const SERVER_NAMES: Record<string, string> = {
  caregraph: 'CareGraph (MariaDB)',
  'caregraph-sqlite': 'CareGraph (SQLite)',
  'caregraph-postgres': 'CareGraph (PostgreSQL, the database PostGraphile reads)',
  floor: 'floor: node:http + mysql2',
  postgraphile: 'PostGraphile 5 (PostgreSQL)',
};
const WORKLOAD_NAMES: Record<string, string> = {
  plain: 'plain three-level',
  lookup: 'one-row lookup',
  'customer-page': '1. customer page',
  'customer-360': '2. customer 360',
  dashboard: '3. dashboard',
  'write-mix': '4. write mix (20% writes)',
  'purchase-analytics': '5a. purchase page + analytics',
  'feedback-inbox': '5b. feedback inbox',
  'product-analytics': '5c. product page + analytics',
};

export function loadResults(): SizeResult[] {
  return REPORT_SIZES
    .map((s) => join(BENCH_DIR, 'results', `${s}.json`))
    .filter((f) => existsSync(f))
    .map((f) => JSON.parse(readFileSync(f, 'utf8')) as SizeResult);
}

const fmt = (v: number | null | undefined, digits = 1) =>
  v === null || v === undefined || !Number.isFinite(v) ? '–' : v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const int = (v: number | null | undefined) => fmt(v, 0);
const ratio = (v: number | null | undefined) => (v === null || v === undefined || !Number.isFinite(v) ? '–' : `${v.toFixed(2)}x`);

function find(r: SizeResult, server: string, workload: string, connections: number): LoadResult | undefined {
  return r.runs.find((x) => x.server === server && x.workload === workload && x.result.connections === connections)?.result;
}

function headlineConnections(r: SizeResult): number {
  const c = r.options.connections;
  return c.includes(HEADLINE_CONNECTIONS) ? HEADLINE_CONNECTIONS : c[Math.floor(c.length / 2)];
}

/** Statements of a single request as counted on the wire, which does not depend on the server counting right. */
const counted = (s?: StatementSample) => s?.wireStatements ?? s?.statements ?? null;

interface Target {
  target: string;
  measured: string;
  met: boolean | null;
}

function targets(results: SizeResult[]): Target[] {
  const bySize = new Map(results.map((r) => [r.size, r]));
  const m = bySize.get('M');
  const out: Target[] = [];

  {
    const parts: string[] = [];
    let met: boolean | null = null;
    for (const r of results) {
      const a = counted(r.statements['customer-page first 5']);
      const b = counted(r.statements['customer-page first 50']);
      if (a == null || b == null) continue;
      parts.push(`${r.size}: ${a} at first: 5, ${b} at first: 50 (counted on the wire)`);
      const ok = a === b && b <= STATEMENT_BUDGET;
      met = met === null ? ok : met && ok;
    }
    out.push({ target: `Workload 1: SQL statements per request identical at first: 5 and first: 50, and <= ${STATEMENT_BUDGET}`, measured: parts.join('; ') || 'not measured', met });
  }
  {
    let measured = 'not measured (no M run)';
    let met: boolean | null = null;
    if (m) {
      const c = headlineConnections(m);
      const w1 = find(m, 'caregraph', 'customer-page', c);
      const floor = find(m, 'floor', 'customer-page', c);
      if (w1 && floor) {
        const x = w1.p95 / floor.p95;
        measured = `M, ${c} connections: p95 ${fmt(w1.p95)} ms vs the workload-1 floor's ${fmt(floor.p95)} ms = ${ratio(x)}` +
          (m.floorPage?.matches === false ? " (**the floor's data differs from CareGraph's**)" : '');
        met = x <= FLOOR_FACTOR;
      } else measured = 'M: workload 1 or its floor run missing';
    }
    out.push({ target: `Workload 1 p95 at M <= ${FLOOR_FACTOR}x the floor's p95 (the same statements and analytics, without GraphQL)`, measured, met });
  }
  {
    const parts: string[] = [];
    let met: boolean | null = null;
    for (const r of results) {
      const c = headlineConnections(r);
      const cg = find(r, 'caregraph', 'plain', c);
      const pg = find(r, 'postgraphile', 'plain', c);
      if (!cg || !pg) continue;
      parts.push(`${r.size}, ${c} connections: ${fmt(cg.rps)} vs ${fmt(pg.rps)} req/s = ${ratio(cg.rps / pg.rps)}`);
      const ok = cg.rps >= pg.rps;
      if (r.size === 'M' || !m) met = met === null ? ok : met && ok;
    }
    out.push({ target: "Plain three-level query: CareGraph's throughput >= PostGraphile's", measured: parts.join('; ') || 'not measured', met });
  }
  {
    // Apples to apples: both servers on the one PostgreSQL database (same rows, same indexes).
    const parts: string[] = [];
    let met: boolean | null = null;
    for (const r of results) {
      const c = headlineConnections(r);
      for (const workload of ['plain', 'lookup']) {
        const cg = find(r, 'caregraph-postgres', workload, c);
        const pg = find(r, 'postgraphile', workload, c);
        if (!cg || !pg) continue;
        parts.push(`${r.size} ${WORKLOAD_NAMES[workload]}, ${c} connections: ${fmt(cg.rps)} vs ${fmt(pg.rps)} req/s = ${ratio(cg.rps / pg.rps)}`);
        if (r.size === 'M' || !m) met = met === null ? cg.rps >= pg.rps : met && cg.rps >= pg.rps;
      }
    }
    out.push({ target: "Same PostgreSQL database: CareGraph's throughput >= PostGraphile's (plain query and one-row lookup)", measured: parts.join('; ') || 'not measured', met });
  }
  {
    let measured = 'not measured (no M run)';
    let met: boolean | null = null;
    if (m) {
      const done = m.fits.filter((f) => f.status === 'ok');
      const parts = FIT_JOBS.map((job) => {
        const f = m.fits.find((x) => x.job === job);
        if (!f) return `${job}: not run`;
        return f.status === 'ok' ? `${job} ${fmt((f.fitMs ?? NaN) / 1000, 2)} s` : `${job}: ${f.status}`;
      });
      measured = parts.join(', ');
      met = done.length ? done.every((f) => (f.fitMs ?? Infinity) < FIT_BUDGET_MS) && done.length === FIT_JOBS.length : null;
      if (done.length && done.length < FIT_JOBS.length && done.every((f) => (f.fitMs ?? Infinity) < FIT_BUDGET_MS)) met = null;
    }
    out.push({ target: 'Model fits at M each < 5 s (the server\'s fit jobs, data loading excluded)', measured, met });
  }
  {
    let measured = 'not measured (no M run)';
    let met: boolean | null = null;
    if (m?.probe) {
      const p = m.probe;
      measured =
        `M: cold ${p.heavy.map((h) => `${h.name} ${fmt(h.ms, 0)} ms`).join(', ') || 'no analytic request available'}; ` +
        `${p.during.requests} lookups answered meanwhile, p95 ${fmt(p.during.p95)} ms, max ${fmt(p.during.max)} ms, longest silence ${fmt(p.during.longestGapMs, 0)} ms (baseline p95 ${fmt(p.baseline.p95)} ms)`;
      met = p.heavy.length ? p.during.longestGapMs < SERVED_GAP_MS && p.during.requests > 0 : null;
    }
    out.push({ target: `Requests still served while a fit runs (no gap >= ${SERVED_GAP_MS} ms between answered lookups)`, measured, met });
  }
  {
    let measured = 'not measured (no M run)';
    let met: boolean | null = null;
    if (m) {
      measured = `${fmt(m.data.seedSeconds)} s (${m.data.counts.customers.toLocaleString('en-US')} customers, ${m.data.counts.purchaseLines.toLocaleString('en-US')} lines; seeded ${m.data.seededAt.slice(0, 16).replace('T', ' ')}${m.data.seededNow ? ' in this run' : ', database reused'})`;
      met = m.data.seedSeconds < SEED_BUDGET_S;
    }
    out.push({ target: 'Seed of M into MariaDB < 3 minutes', measured, met });
  }
  return out;
}

function runTable(r: SizeResult): string[] {
  const lines = [
    '| server | workload | conn. | req/s | p50 ms | p95 ms | p99 ms | errors | unanswered at end | busy after, s | SQL/req (single) | SQL/req (under load) | server CPU ms/req | DB CPU ms/req | bench CPU ms/req | others\' CPU | KB/resp |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  const statementsOf = (run: RunRecord) => {
    if (run.server === 'floor' && run.workload === 'plain') return '4';
    if (run.server !== 'caregraph' && run.server !== 'floor') return '–';
    const s = run.workload === 'write-mix' ? r.statements.write : r.statements[run.workload] ?? r.statements[`${run.workload} first 50`];
    const c = counted(s);
    return c != null ? String(c) : '–';
  };
  for (const run of r.runs) {
    const x = run.result;
    const errors = x.errors + x.non2xx + x.graphqlErrors;
    lines.push(
      `| ${SERVER_NAMES[run.server] ?? run.server} | ${WORKLOAD_NAMES[run.workload] ?? run.workload} | ${x.connections} | ${fmt(x.rps)} | ${fmt(x.p50)} | ${fmt(x.p95)} | ${fmt(x.p99)} | ` +
        `${errors}${x.firstError ? ` (${x.firstError.slice(0, 60).replace(/\|/g, '/')})` : ''} | ${x.unanswered ?? '–'} | ${x.busyAfterMs === undefined ? '–' : fmt(x.busyAfterMs / 1000)} | ${statementsOf(run)} | ${fmt(x.dbStatementsPerRequest)} | ${fmt(x.serverCpuMsPerRequest)} | ${fmt(x.dbCpuMsPerRequest)} | ${fmt(x.loadGeneratorCpuMsPerRequest)} | ${x.othersCpuPercent === undefined ? '–' : `${fmt(x.othersCpuPercent, 0)}%`} | ${fmt(x.bytesPerRequest / 1024)} |`,
    );
  }
  return lines;
}

function ratioTable(r: SizeResult): string[] {
  const lines = [
    '| conn. | CareGraph plain / plain floor: req/s | p95 | CareGraph customer page / customer-page floor: req/s | p95 | CareGraph plain / PostGraphile: req/s | p95 | same PostgreSQL database: CareGraph plain / PostGraphile: req/s | p95 | same database: CareGraph lookup / PostGraphile: req/s | p95 |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const c of r.options.connections) {
    const floor = find(r, 'floor', 'plain', c);
    const pageFloor = find(r, 'floor', 'customer-page', c);
    const plain = find(r, 'caregraph', 'plain', c);
    const page = find(r, 'caregraph', 'customer-page', c);
    const peer = find(r, 'postgraphile', 'plain', c);
    const pgPlain = find(r, 'caregraph-postgres', 'plain', c);
    const pgLookup = find(r, 'caregraph-postgres', 'lookup', c);
    const peerLookup = find(r, 'postgraphile', 'lookup', c);
    const rr = (a?: LoadResult, b?: LoadResult) => (a && b ? ratio(a.rps / b.rps) : '–');
    const rp = (a?: LoadResult, b?: LoadResult) => (a && b ? ratio(a.p95 / b.p95) : '–');
    lines.push(`| ${c} | ${rr(plain, floor)} | ${rp(plain, floor)} | ${rr(page, pageFloor)} | ${rp(page, pageFloor)} | ${rr(plain, peer)} | ${rp(plain, peer)} | ${rr(pgPlain, peer)} | ${rp(pgPlain, peer)} | ${rr(pgLookup, peerLookup)} | ${rp(pgLookup, peerLookup)} |`);
  }
  return lines;
}

function floorPageSentence(f: NonNullable<SizeResult['floorPage']>): string {
  const clock = Number.isFinite(f.purchaseFrequencyRelDiff)
    ? ` (value.purchaseFrequency, which runs on each request's clock, within a relative ${f.purchaseFrequencyRelDiff.toExponential(1)}; every other value identical)`
    : '';
  return f.matches
    ? `Workload 1 (first: 50), fetched from CareGraph and from the customer-page floor back to back: the floor's data equals CareGraph's, value for value${clock}.`
    : `Workload 1 (first: 50): the customer-page floor's data **differs from** CareGraph's: ${f.differences.map((d) => `\`${d.slice(0, 160)}\``).join('; ')}.`;
}

function chart(results: SizeResult[]): string {
  const series: { name: string; server: string; workload: string; color: string }[] = [
    { name: 'CareGraph: 1. customer page', server: 'caregraph', workload: 'customer-page', color: '#d62728' },
    { name: 'CareGraph: plain three-level', server: 'caregraph', workload: 'plain', color: '#1f77b4' },
    { name: 'floor: 1. customer page', server: 'floor', workload: 'customer-page', color: '#ff9896' },
    { name: 'floor: plain three-level', server: 'floor', workload: 'plain', color: '#2ca02c' },
    { name: 'PostGraphile: plain three-level', server: 'postgraphile', workload: 'plain', color: '#9467bd' },
    { name: 'CareGraph: 2. customer 360', server: 'caregraph', workload: 'customer-360', color: '#ff7f0e' },
    { name: 'CareGraph: 3. dashboard', server: 'caregraph', workload: 'dashboard', color: '#8c564b' },
    { name: 'CareGraph: 4. write mix', server: 'caregraph', workload: 'write-mix', color: '#e377c2' },
  ];
  const points = series
    .map((s) => ({
      ...s,
      pts: results
        .map((r) => ({ x: SIZES[r.size], y: find(r, s.server, s.workload, headlineConnections(r))?.p95 }))
        .filter((p): p is { x: number; y: number } => p.y !== undefined && Number.isFinite(p.y) && p.y > 0),
    }))
    .filter((s) => s.pts.length);
  const W = 760, H = 440, left = 70, right = 250, top = 40, bottom = 60;
  const ys = points.flatMap((s) => s.pts.map((p) => p.y));
  const yMin = 10 ** Math.floor(Math.log10(Math.min(...ys, 1)));
  const yMax = 10 ** Math.ceil(Math.log10(Math.max(...ys, 10)));
  // Half a decade of margin each side, so that S and L do not sit on the frame.
  const xMin = 10 ** 3.7, xMax = 10 ** 6.3;
  const px = (x: number) => left + ((Math.log10(x) - Math.log10(xMin)) / (Math.log10(xMax) - Math.log10(xMin))) * (W - left - right);
  const py = (y: number) => top + (1 - (Math.log10(y) - Math.log10(yMin)) / (Math.log10(yMax) - Math.log10(yMin))) * (H - top - bottom);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${left}" y="22" font-size="15" font-weight="bold">p95 latency against data size (${HEADLINE_CONNECTIONS} connections, log scales)</text>`,
  ];
  for (let e = Math.log10(yMin); e <= Math.log10(yMax); e++) {
    const y = py(10 ** e);
    out.push(`<line x1="${left}" y1="${y}" x2="${W - right}" y2="${y}" stroke="#ddd"/>`);
    out.push(`<text x="${left - 8}" y="${y + 4}" text-anchor="end">${10 ** e >= 1 ? (10 ** e).toLocaleString('en-US') : 10 ** e}</text>`);
  }
  for (const size of REPORT_SIZES) {
    const n = SIZES[size];
    const x = px(n);
    out.push(`<line x1="${x}" y1="${top}" x2="${x}" y2="${H - bottom}" stroke="#ddd"/>`);
    out.push(`<text x="${x}" y="${H - bottom + 18}" text-anchor="middle">${size}: ${n.toLocaleString('en-US')}</text>`);
  }
  out.push(`<text x="${(left + W - right) / 2}" y="${H - 15}" text-anchor="middle">customers</text>`);
  out.push(`<text x="18" y="${(top + H - bottom) / 2}" text-anchor="middle" transform="rotate(-90 18 ${(top + H - bottom) / 2})">p95 latency, ms</text>`);
  out.push(`<rect x="${left}" y="${top}" width="${W - left - right}" height="${H - top - bottom}" fill="none" stroke="#888"/>`);
  points.forEach((s, i) => {
    const d = s.pts.map((p) => `${px(p.x).toFixed(1)},${py(p.y).toFixed(1)}`).join(' ');
    if (s.pts.length > 1) out.push(`<polyline points="${d}" fill="none" stroke="${s.color}" stroke-width="2"/>`);
    for (const p of s.pts) out.push(`<circle cx="${px(p.x).toFixed(1)}" cy="${py(p.y).toFixed(1)}" r="4" fill="${s.color}"><title>${s.name}: ${p.y.toFixed(1)} ms</title></circle>`);
    const ly = top + 10 + i * 20;
    out.push(`<line x1="${W - right + 15}" y1="${ly}" x2="${W - right + 35}" y2="${ly}" stroke="${s.color}" stroke-width="3"/>`);
    out.push(`<text x="${W - right + 40}" y="${ly + 4}">${s.name}</text>`);
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}

/** Issue #15's "wanted" figures at L (and the GraphQL overhead at M), each marked met or not. */
function largeTargets(results: SizeResult[]): Target[] {
  const bySize = new Map(results.map((r) => [r.size, r]));
  const l = bySize.get('L');
  const m = bySize.get('M');
  const out: Target[] = [];
  const atL = (target: string, value: number | undefined, limit: number, unit: string, show = (v: number) => fmt(v, unit === 's' ? 1 : 0)) =>
    out.push({ target, measured: value === undefined ? 'not measured (no L run)' : `L: ${show(value)} ${unit}`, met: value === undefined ? null : value <= limit });
  const heavy = (name: RegExp) => l?.probe?.heavy.find((h) => name.test(h.name));
  atL('Seed of L (1,000,000 customers) <= 180 s', l?.data.seedSeconds, 180, 's');
  const restarted = (name: RegExp) => l?.probeRestart?.heavy.find((h) => name.test(h.name));
  atL('First dashboard on a cold server (restarted, models stored) <= 5 s', restarted(/dashboard/)?.ms, 5000, 'ms');
  atL('First customer page (first: 50, every analytic field) on a cold server (restarted) <= 5 s', restarted(/customer page/)?.ms, 5000, 'ms');
  atL('A database that never had a model: the first dashboard answers (data, or 503 + Retry-After while it fits) <= 5 s', heavy(/dashboard/)?.firstAnswerMs, 5000, 'ms');
  atL('... and the first customer page', heavy(/customer page/)?.firstAnswerMs, 5000, 'ms');
  atL('Longest gap in one-customer lookups during the fits <= 250 ms', l?.probe?.during.longestGapMs, 250, 'ms');
  atL('Server peak RSS (under load, all workloads) <= 1.5 GB', l ? Math.max(l.serverPeakRssMb.caregraph ?? 0, l.serverPeakRssMb['caregraph-counted'] ?? 0) || undefined : undefined, 1536, 'MB');
  atL('Warm dashboard p50 <= 100 ms (1 connection)', l ? find(l, 'caregraph', 'dashboard', 1)?.p50 : undefined, 100, 'ms');
  atL('Warm customer page p50 <= 19 ms (1 connection; measured by hand before: 19 ms)', l ? find(l, 'caregraph', 'customer-page', 1)?.p50 : undefined, 19, 'ms');
  atL('Plain three-level p50 <= 11 ms (1 connection; measured by hand before: 11 ms)', l ? find(l, 'caregraph', 'plain', 1)?.p50 : undefined, 11, 'ms');
  const c = m ? headlineConnections(m) : HEADLINE_CONNECTIONS;
  const mRatio = (target: string, a: LoadResult | undefined, b: LoadResult | undefined, f: (a: LoadResult, b: LoadResult) => number, ok: (x: number) => boolean) => {
    if (!m || !a || !b) return out.push({ target, measured: 'not measured at M', met: null });
    const x = f(a, b);
    out.push({ target, measured: `M, ${c} connections: ${ratio(x)}`, met: ok(x) });
  };
  mRatio("Plain three-level throughput >= 0.7x the floor's at M", m && find(m, 'caregraph', 'plain', c), m && find(m, 'floor', 'plain', c), (a, b) => a.rps / b.rps, (x) => x >= 0.7);
  mRatio("Plain three-level throughput >= 1.5x PostGraphile's at M", m && find(m, 'caregraph', 'plain', c), m && find(m, 'postgraphile', 'plain', c), (a, b) => a.rps / b.rps, (x) => x >= 1.5);
  mRatio("Customer page p95 <= 1.5x its floor's at M", m && find(m, 'caregraph', 'customer-page', c), m && find(m, 'floor', 'customer-page', c), (a, b) => a.p95 / b.p95, (x) => x <= 1.5);
  return out;
}

/** Each metric at S, M and L with its ratio per 10x of data: costs that grow faster than the data stand out. */
function growthSection(results: SizeResult[]): string[] {
  const sized = REPORT_SIZES.map((size) => results.find((r) => r.size === size)).filter((r): r is SizeResult => !!r);
  if (sized.length < 2) return [];
  // per-request figures should stay flat as data grows; whole-data figures (seed, fits) at most follow it (x10).
  const rows: { name: string; perRequest: boolean; value: (r: SizeResult) => number | undefined }[] = [
    { name: 'seed, s', perRequest: false, value: (r) => r.data.seedSeconds },
    { name: 'never-fitted database: dashboard answered with data (fits), ms', perRequest: false, value: (r) => r.probe?.heavy.find((h) => /dashboard/.test(h.name))?.ms },
    { name: 'never-fitted database: customer page answered with data, ms', perRequest: false, value: (r) => r.probe?.heavy.find((h) => /customer page/.test(h.name))?.ms },
    { name: 'longest lookup silence during fits, ms', perRequest: true, value: (r) => r.probe?.during.longestGapMs },
    { name: 'restarted server (models stored): first dashboard, ms', perRequest: true, value: (r) => r.probeRestart?.heavy.find((h) => /dashboard/.test(h.name))?.ms },
    { name: 'restarted server: first customer page, ms', perRequest: true, value: (r) => r.probeRestart?.heavy.find((h) => /customer page/.test(h.name))?.ms },
    ...FIT_JOBS.map((job) => ({ name: `fit: ${FIT_LABELS[job] ?? job}, ms`, perRequest: false, value: (r: SizeResult) => r.fits.find((f) => f.job === job)?.fitMs })),
    ...FIT_JOBS.map((job) => ({ name: `fit: ${FIT_LABELS[job] ?? job}, peak RSS MB`, perRequest: false, value: (r: SizeResult) => r.fits.find((f) => f.job === job)?.peakRssMb })),
    { name: 'CareGraph peak RSS under load, MB', perRequest: false, value: (r) => r.serverPeakRssMb.caregraph },
    ...Object.keys(WORKLOAD_NAMES).flatMap((w) => [
      { name: `${WORKLOAD_NAMES[w]}: p50 ms, 1 connection`, perRequest: true, value: (r: SizeResult) => find(r, 'caregraph', w, 1)?.p50 },
      { name: `${WORKLOAD_NAMES[w]}: p95 ms, ${HEADLINE_CONNECTIONS} connections`, perRequest: true, value: (r: SizeResult) => find(r, 'caregraph', w, headlineConnections(r))?.p95 },
      { name: `${WORKLOAD_NAMES[w]}: server CPU ms/req`, perRequest: true, value: (r: SizeResult) => find(r, 'caregraph', w, headlineConnections(r))?.serverCpuMsPerRequest },
    ]),
  ];
  const lines = [
    '## Growth with data size',
    '',
    'Each metric at every size measured, and its ratio per 10x of data (the sizes are 10x apart). Per-request figures should stay near 1x; whole-data figures (seed, fits) near 10x at most. **Bold**: a per-request figure more than doubling, or a whole-data figure growing more than 12x per 10x of data.',
    '',
    `| metric | ${sized.map((r) => r.size).join(' | ')} | ${sized.slice(1).map((r, i) => `${sized[i].size}->${r.size}`).join(' | ')} |`,
    `| --- | ${sized.map(() => '---:').join(' | ')} | ${sized.slice(1).map(() => '---:').join(' | ')} |`,
  ];
  for (const row of rows) {
    const v = sized.map((r) => row.value(r));
    if (v.every((x) => x === undefined)) continue;
    const ratios = v.slice(1).map((x, i) => {
      const a = v[i];
      if (x === undefined || a === undefined || !(a > 0)) return '–';
      const q = x / a;
      return q > (row.perRequest ? 2 : 12) ? `**${ratio(q)}**` : ratio(q);
    });
    lines.push(`| ${row.name} | ${v.map((x) => fmt(x)).join(' | ')} | ${ratios.join(' | ')} |`);
  }
  return [...lines, ''];
}

const ENTITY_WORKLOADS = ['purchase-analytics', 'feedback-inbox', 'product-analytics'];

/** Issue #17: what a page of purchases, feedback or products with every analytic field costs. */
function entityPagesSection(results: SizeResult[]): string[] {
  const rows: string[] = [];
  for (const r of results) {
    const c = headlineConnections(r);
    for (const w of ENTITY_WORKLOADS) {
      const five = r.statements[`${w} first 5`];
      const fifty = r.statements[`${w} first 50`];
      const load = find(r, 'caregraph', w, c);
      if (!five && !fifty && !load) continue;
      rows.push(
        `| ${r.size} | ${WORKLOAD_NAMES[w]} | ${counted(five) ?? '–'} / ${counted(fifty) ?? '–'} | ${fmt(five?.ms)} / ${fmt(fifty?.ms)} | ` +
          `${load ? `${fmt(load.rps)} | ${fmt(load.p95)} | ${fmt(load.serverCpuMsPerRequest)}` : '– | – | –'} | ${[five?.error, fifty?.error].filter(Boolean).join('; ').slice(0, 80)} |`,
      );
    }
  }
  if (!rows.length) return [];
  return [
    '## Analytic fields on Purchase, Feedback and Product (issue #17)',
    '',
    `Each page asks for every analytic field of its type (bench/queries.ts: PURCHASE_ANALYTICS, FEEDBACK_INBOX, PRODUCT_ANALYTICS). Statements are counted on the wire in steady state at first: 5 and first: 50 (equal counts: the fields are batched); latency of one request alone; req/s, p95 and server CPU under load at first: 50, ${HEADLINE_CONNECTIONS} connections.`,
    '',
    '| size | page | SQL statements first 5 / 50 | latency ms first 5 / 50 | req/s | p95 ms | server CPU ms/req | error |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |',
    ...rows,
    '',
  ];
}

/** Issue #14: the insights page's views, timed in Chromium by bench/insights.ts (results/insights-*.json). */
function insightsSection(): string[] {
  const dir = join(BENCH_DIR, 'results');
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => /^insights-.*\.json$/.test(f)).sort() : [];
  const out: string[] = [];
  for (const f of files) {
    const x = JSON.parse(readFileSync(join(dir, f), 'utf8')) as {
      size: string; db: string; commit: string | null; measuredAt: string; customers: number; rounds: number; serverPeakRssMb: number;
      views: { view: string; newTab: { p50: number; max: number }; inTab: { p50: number; max: number } }[];
    };
    const target = x.size === 'M' || x.size === 'L' ? 3000 : 1500;
    out.push(
      `${x.size}, ${int(x.customers)} customers on ${x.db}, measured ${x.measuredAt.slice(0, 16).replace('T', ' ')} UTC${x.commit ? ` at ${x.commit}` : ''}, ${x.rounds} rounds, server peak RSS ${fmt(x.serverPeakRssMb, 0)} MB; seconds from navigation until the view is drawn and interactive (target ${target / 1000} s):`,
      '',
      '| view | new tab p50 | new tab max | in tab p50 | in tab max | met |',
      '| --- | ---: | ---: | ---: | ---: | --- |',
      ...x.views.map((v) => `| ${v.view} | ${fmt(v.newTab.p50 / 1000, 2)} | ${fmt(v.newTab.max / 1000, 2)} | ${fmt(v.inTab.p50 / 1000, 2)} | ${fmt(v.inTab.max / 1000, 2)} | ${Math.max(v.newTab.max, v.inTab.max) <= target ? 'yes' : '**no**'} |`),
      '',
    );
  }
  if (!out.length) return [];
  return [
    '## Insights page (issue #14)',
    '',
    '`node dist/bench/insights.js --size M` (bench/insights.ts): the server in production mode (NODE_ENV=production, models refreshed in the background) on warm models, an ANALYST key, Debian\'s Chromium. "New tab": a fresh tab opens the view\'s URL (page, bundle, customer sample); "in tab": the user clicks to it from another view.',
    '',
    ...out,
  ];
}

export function writeReport(results: SizeResult[] = loadResults()): void {
  if (!results.length) return;
  const latest = results.reduce((a, b) => (a.finishedAt > b.finishedAt ? a : b));
  const mach = latest.machine;
  const L: string[] = [];
  const p = (...s: string[]) => L.push(...s);
  p(
    '# CareGraph benchmark report',
    '',
    'Written by `node dist/bench/run.js` (bench/run.ts) from bench/results/*.json: do not edit by hand. ' +
      'Load generator, servers and databases share one machine over loopback; compare ratios measured in one run ' +
      '(see /work/shared/PERFORMANCE.md), not absolute figures across machines.',
    '',
    '## Machine',
    '',
    '| | |',
    '| --- | --- |',
    `| CPU | ${mach.cpuModel}, ${mach.cpus} vCPU |`,
    `| Memory | ${mach.memoryGiB} GiB |`,
    `| OS | ${mach.os}, kernel ${mach.kernel} |`,
    `| Node (bench, CareGraph, floor) | ${mach.node} |`,
    `| MariaDB | ${mach.mariadb} |`,
    `| PostgreSQL | ${mach.postgres ?? '–'} |`,
    `| PostGraphile (peer) | ${latest.peer ? `${latest.peer.postgraphile} on Node ${latest.peer.node}, amber preset, NODE_ENV=production` : '–'} |`,
    '',
    '| size | run | commit | per run | warm-up | connections |',
    '| --- | --- | --- | ---: | ---: | --- |',
    ...results.map((r) => `| ${r.size} | ${r.startedAt.slice(0, 16).replace('T', ' ')} UTC | ${r.commit} | ${r.options.durationS} s | ${r.options.warmupS} s | ${r.options.connections.join(', ')} |`),
    '',
    '## Targets (issue #6)',
    '',
    '| target | measured | met |',
    '| --- | --- | --- |',
    ...targets(results).map((t) => `| ${t.target} | ${t.measured} | ${t.met === null ? 'not measurable yet' : t.met ? 'yes' : '**no**'} |`),
    '',
    '## Targets at L (issue #15)',
    '',
    '| target | measured | met |',
    '| --- | --- | --- |',
    ...largeTargets(results).map((t) => `| ${t.target} | ${t.measured} | ${t.met === null ? 'not measured yet' : t.met ? 'yes' : '**no**'} |`),
    '',
    ...growthSection(results),
    ...entityPagesSection(results),
    ...insightsSection(),
    '## Data',
    '',
    '| size | database | customers | products | purchases | purchase lines | feedback | seed time |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |',
  );
  for (const r of results) {
    for (const d of [r.data, r.sqliteData].filter((x): x is NonNullable<typeof x> => !!x)) {
      p(
        `| ${r.size} | ${d.kind} | ${int(d.counts.customers)} | ${int(d.counts.products)} | ${int(d.counts.purchases)} | ${int(d.counts.purchaseLines)} | ${int(d.counts.feedback)} | ${fmt(d.seedSeconds)} s${d.seededNow ? '' : ' (reused)'} |`,
      );
    }
  }
  if (results.some((r) => r.peer)) {
    p('', 'PostgreSQL copies for the peer (customers, products, purchases, purchase_lines; indexes incl. purchases(customer_id, purchased_at)): ' +
      results.filter((r) => r.peer).map((r) => `${r.size} ${r.peer!.copied ? `copied in ${fmt(r.peer!.copySeconds)} s` : 'reused'}`).join(', ') + '.');
  }
  p('', '## p95 latency against data size', '', '![p95 latency against data size](chart.svg)', '');

  for (const r of results) {
    p(`## Size ${r.size}: throughput and latency`, '');
    p('Errors = connection errors + non-2xx + responses carrying GraphQL errors. "Unanswered at end": requests in flight when the run stopped; "busy after": how long the server then still worked on them (nothing cancels an abandoned request) before it answered `{ __typename }` within 250 ms; the next run starts only then. Latency percentiles cover answered requests only: a run that answered few requests is shown by its req/s and unanswered count. ' +
      '"SQL/req (single)" is the statements of one request in steady state, counted on the wire between CareGraph and MariaDB (the floor, by construction: 4 for the plain query, CareGraph\'s own statements for the customer page); ' +
      '"SQL/req (under load)" is MariaDB\'s Questions counter over the run divided by the requests answered (server-wide: anything else talking to MariaDB meanwhile inflates it, as does mariadbd\'s CPU). ' +
      'CPU per request is the process\'s user+system time over the run divided by the requests answered; DB CPU is mariadbd\'s (or all PostgreSQL processes\'); bench CPU is the load generator\'s. ' +
      '"Others\' CPU" is the share of the whole machine (all cores) busy with anything else during the run, e.g. another test suite: a run with a large share measured a crowded machine.', '');
    p(...runTable(r), '');
    p(`Ratios (CareGraph ÷ reference; for req/s higher is better, for p95 lower is better):`, '', ...ratioTable(r), '');
    const shapes = Object.entries(r.plainShape);
    if (shapes.length) {
      p('Plain three-level response per server: ' + shapes.map(([s, x]) => `${s} ${x.customers} customers / ${x.purchases} purchases / ${x.lines} lines, ${fmt(x.bytes / 1024)} KB`).join('; ') +
        (r.floorMatchesCareGraph === undefined ? '.' : `. The floor's data ${r.floorMatchesCareGraph ? 'equals' : '**differs from**'} CareGraph's, value for value.`), '');
    }
    if (r.floorPage) p(floorPageSentence(r.floorPage), '');
    const mix = r.runs.filter((x) => x.workload === 'write-mix' && x.result.byKind);
    if (mix.length) {
      p('Write mix by request kind:', '', '| conn. | kind | requests | p50 ms | p95 ms | p99 ms | GraphQL errors |', '| ---: | --- | ---: | ---: | ---: | ---: | ---: |');
      for (const x of mix) {
        for (const [kind, s] of Object.entries(x.result.byKind!)) p(`| ${x.result.connections} | ${kind} | ${int(s.requests)} | ${fmt(s.p50)} | ${fmt(s.p95)} | ${fmt(s.p99)} | ${s.graphqlErrors} |`);
      }
      if (r.writesUndone) p('', `"SQL/req (single)" of the write mix is that of one write. The written rows (${r.writesUndone.purchases} purchases, ${r.writesUndone.feedback} feedback) were deleted afterwards and the customers' statistics recomputed, so the cached database stays as seeded.`);
      p('');
    }
    const st = Object.entries(r.statements);
    if (st.length) {
      p('Single requests in steady state (five in a row; latency of the last; statements counted on the wire by a proxy between CareGraph and MariaDB, the fewest of the five; CareGraph\'s own `extensions.sql` figures beside them):', '',
        '| request | SQL statements (wire) | CareGraph says: statements | SQL ms | latency ms | KB | error |', '| --- | ---: | ---: | ---: | ---: | ---: | --- |');
      for (const [k, s] of st) p(`| ${k} | ${s.wireStatements ?? '–'} | ${s.statements ?? '–'} | ${fmt(s.dbMs)} | ${fmt(s.ms)} | ${fmt(s.bytes / 1024)} | ${s.error ? s.error.slice(0, 80) : ''} |`);
      p('');
    }
    const parts = Object.entries(r.breakdown ?? {});
    if (parts.length) {
      p('Where the time goes: each object field of a workload sent alone with the scalar fields beside it (single requests in steady state, as above):', '',
        '| workload | field | latency ms | SQL statements (wire) | SQL ms (CareGraph says) | KB | error |', '| --- | --- | ---: | ---: | ---: | ---: | --- |');
      for (const [workload, list] of parts) {
        for (const b of list) p(`| ${WORKLOAD_NAMES[workload] ?? workload} | ${b.field} | ${fmt(b.ms)} | ${b.wireStatements ?? '–'} | ${fmt(b.dbMs)} | ${fmt(b.bytes / 1024)} | ${b.error ? b.error.slice(0, 80) : ''} |`);
      }
      p('');
    }
    const probes: [string, ProbeResult | undefined][] = [
      ['Fit while serving: the stored models were dropped and the server restarted; the first analytic requests fit them inside the server while one-customer lookups ran one after another.', r.probe],
      ['A restart with the models stored (a deploy, a crash): the same requests from a new process, which answers from the stored models while lookups run.', r.probeRestart],
    ];
    for (const [title, pr] of probes) {
      if (!pr) continue;
      p(
        title,
        '',
        '| cold request | first answer ms | 503 answers (retried after 1 s) | until answered ms | SQL statements of the answer (CareGraph says) | error |',
        '| --- | ---: | ---: | ---: | ---: | --- |',
        ...pr.heavy.map((h) => `| ${h.name} | ${fmt(h.firstAnswerMs ?? h.ms, 0)} | ${h.unavailable ?? 0} | ${fmt(h.ms, 0)} | ${h.statements ?? '–'} | ${h.error ?? ''} |`),
        '',
        ...(pr.coldStatements != null ? [`SQL statements on the wire for the cold requests together (lookups' share taken out): ${pr.coldStatements}.`, ''] : []),
        '| lookups | answered | p50 ms | p95 ms | max ms | longest silence ms |',
        '| --- | ---: | ---: | ---: | ---: | ---: |',
        `| before (2 s) | ${pr.baseline.requests} | ${fmt(pr.baseline.p50)} | ${fmt(pr.baseline.p95)} | ${fmt(pr.baseline.max)} | |`,
        `| during the cold requests (${fmt(pr.windowMs / 1000, 2)} s) | ${pr.during.requests} | ${fmt(pr.during.p50)} | ${fmt(pr.during.p95)} | ${fmt(pr.during.max)} | ${fmt(pr.during.longestGapMs, 0)} |`,
        '',
      );
    }
    if (r.fits.length) {
      p('Model fits (the server\'s fit jobs of src/modules/analytics/fits.ts on the bench data, each job in its own process; data loading excluded from the time):', '',
        '| job | status | rows | time | steps | RSS before fit | peak RSS |', '| --- | --- | ---: | ---: | --- | ---: | ---: |');
      for (const f of r.fits) {
        const steps = f.steps.map((s) => `${s.name}: ${fmt(s.ms, 0)} ms`).join('<br>');
        p(`| ${FIT_LABELS[f.job] ?? f.job} | ${f.status}${f.reason ? `: ${f.reason.slice(0, 120)}` : ''} | ${int(f.rows)} | ${f.fitMs !== undefined ? `${fmt(f.fitMs / 1000, 2)} s` : '–'} | ${steps} | ${fmt(f.rssBeforeFitMb, 0)} MB | ${fmt(f.peakRssMb, 0)} MB |`);
      }
      const details = r.fits.filter((f) => f.detail).map((f) => `${f.job}: \`${JSON.stringify(f.detail)}\``);
      if (details.length) p('', ...details.map((d) => `- ${d}`));
      p('');
    }
    const rss = Object.entries(r.serverPeakRssMb).filter(([, v]) => Number.isFinite(v));
    if (rss.length) p(`Server peak RSS: ${rss.map(([k, v]) => `${k} ${fmt(v, 0)} MB`).join(', ')}.`, '');
    if (r.skipped.length) p('Not measured at this size:', '', ...r.skipped.map((s) => `- ${s.what}: ${s.why}`), '');
  }

  p('## Queries sent (fitted to the server\'s schema)', '',
    'Each workload is written as a client would (shared/QUERIES.md) and fitted to the running server: fields and arguments the server does not have yet are dropped and listed here; ' +
      'an object field whose wanted sub-fields are all unknown selects its scalar fields instead ("fallback").', '');
  for (const [name, q] of Object.entries(latest.queries)) {
    p(`### ${name}`, '');
    if (q.missing.length) p(`Not on the server (${latest.size} run): ${q.missing.map((m) => `\`${m}\``).join(', ')}`, '');
    if (q.fallbacks.length) p(`Fallback selections: ${q.fallbacks.map((m) => `\`${m}\``).join(', ')}`, '');
    if (q.error) p(`Not sent: ${q.error}`, '');
    if (q.text) p('```graphql', q.text, '```', '');
  }
  p('The plain floor and PostGraphile serve the plain query (PostGraphile\'s spelling of it is in bench/queries.ts, PEER_PLAIN_QUERY); ' +
    'the customer-page floor serves CUSTOMER_PAGE as written above, with first: 50.', '');

  writeFileSync(join(BENCH_DIR, 'REPORT.md'), L.join('\n'));
  writeFileSync(join(BENCH_DIR, 'chart.svg'), chart(results));
}

if (require.main === module) writeReport();
