import { CHEAP } from './queries';
import { graphql, percentile, sleep, toGlobalId } from './util';

export interface HeavyRequest {
  name: string;
  query: string;
  variables?: Record<string, unknown>;
}

export interface ProbeResult {
  /** Cold analytic requests: the first ones after the stored models were dropped, so they fit them. */
  heavy: {
    name: string;
    /** Until the useful answer (after retrying every SERVICE_UNAVAILABLE as a client would), or the error. */
    ms: number;
    /** The first answer, whatever it said: with background fits, a 503 + Retry-After while a model is fitted for the first time. */
    firstAnswerMs?: number;
    /** SERVICE_UNAVAILABLE answers before the useful one. */
    unavailable?: number;
    error?: string;
    statements?: number;
  }[];
  /**
   * Statements on the wire during the cold requests, less what the lookups sent meanwhile (at their
   * rate before): the SQL the fits and the cold requests cost. Null without a statement counter.
   */
  coldStatements: number | null;
  windowMs: number;
  baseline: { requests: number; p50: number; p95: number; max: number };
  /** One-customer lookups sent one after another while the heavy requests ran. */
  during: { requests: number; p50: number; p95: number; max: number; longestGapMs: number };
}

/**
 * Requests must still be served while a model fit runs: a sequential loop of cheap lookups measures
 * latency before and while the cold analytic requests (which fit the models inside the server) run.
 */
export async function fitWhileServing(
  url: string,
  headers: Record<string, string>,
  customerIds: Int32Array,
  heavy: HeavyRequest[],
  random: () => number,
  statements?: () => number,
): Promise<ProbeResult> {
  const samples: { start: number; end: number }[] = [];
  let stop = false;
  const loop = (async () => {
    while (!stop) {
      const id = customerIds[Math.floor(random() * customerIds.length)];
      const start = performance.now();
      await graphql(url, CHEAP, { id: toGlobalId('Customer', id) }, headers, 120_000).catch(() => undefined);
      samples.push({ start, end: performance.now() });
    }
  })();
  const s0 = statements?.() ?? 0;
  const base0 = samples.length;
  await sleep(2000);
  const s1 = statements?.() ?? 0;
  const base1 = samples.length;
  const t0 = performance.now();
  // Each cold request is sent again after a SERVICE_UNAVAILABLE (a model being fitted for the first time),
  // one second later, as a client honouring Retry-After would, until it answers (at most 15 minutes).
  const results = await Promise.all(
    heavy.map(async (h) => {
      const started = performance.now();
      let firstAnswerMs: number | undefined;
      let unavailable = 0;
      try {
        for (;;) {
          const { body } = await graphql(url, h.query, h.variables, headers, 900_000);
          firstAnswerMs ??= performance.now() - started;
          const e = body.errors?.[0];
          if (e?.extensions?.code === 'SERVICE_UNAVAILABLE' && performance.now() - started < 900_000) {
            unavailable++;
            await sleep(1000);
            continue;
          }
          return { name: h.name, ms: performance.now() - started, firstAnswerMs, unavailable, error: e?.message, statements: body.extensions?.sql?.statements };
        }
      } catch (e) {
        return { name: h.name, ms: performance.now() - started, firstAnswerMs, unavailable, error: (e as Error).message };
      }
    }),
  );
  const t1 = performance.now();
  const s2 = statements?.() ?? 0;
  const lookups = samples.length - base1;
  const perLookup = base1 > base0 ? (s1 - s0) / (base1 - base0) : 0;
  await sleep(300);
  stop = true;
  await loop;

  const before = samples.filter((s) => s.end < t0).map((s) => s.end - s.start);
  const inWindow = samples.filter((s) => s.end > t0 && s.start < t1);
  const during = inWindow.map((s) => s.end - s.start);
  // Longest stretch of the window without a completed lookup: how long the server stopped answering.
  const ends = [t0, ...inWindow.map((s) => s.end).filter((e) => e <= t1), t1].sort((a, b) => a - b);
  let longestGapMs = 0;
  for (let i = 1; i < ends.length; i++) longestGapMs = Math.max(longestGapMs, ends[i] - ends[i - 1]);
  const summary = (list: number[]) => {
    const sorted = Float64Array.from(list).sort();
    return { requests: list.length, p50: percentile(sorted, 50), p95: percentile(sorted, 95), max: sorted.length ? sorted[sorted.length - 1] : NaN };
  };
  const coldStatements = statements ? Math.max(0, Math.round(s2 - s1 - lookups * perLookup)) : null;
  return { heavy: results, coldStatements, windowMs: t1 - t0, baseline: summary(before), during: { ...summary(during), longestGapMs } };
}
