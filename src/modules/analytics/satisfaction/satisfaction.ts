const DAY_MS = 86_400_000;

/** Scores 4 and 5 count as satisfied. */
export const SATISFIED_MIN_SCORE = 4;
/**
 * Scores 1 and 2 count as unsatisfied; 3 is neutral, so a lukewarm "it was fine, delivery a bit slow"
 * does not make delivery a pain point. Callers pass rankPainPoints the feedback that isUnsatisfied keeps.
 */
export const UNSATISFIED_MAX_SCORE = 2;

export interface FeedbackRow {
  /** 1..5 */
  score: number;
  issue: string | null;
  at: number;
}

export interface FeedbackSummary {
  feedbackCount: number;
  averageScore: number | null;
  satisfiedRatio: number | null;
  /** Score of the latest feedback (the later row on a tie). */
  lastScore: number | null;
  /** Distinct issues of unsatisfied feedback, most frequent first, then most recent, then by name. */
  painPoints: string[];
}

export type PainPointTrend = 'RISING' | 'FALLING' | 'STEADY';

export interface PainPointRank {
  issue: string;
  /** Reports up to asOf. */
  count: number;
  /** Reports in (asOf - periodDays, asOf]. */
  recentCount: number;
  /** Reports in the period before that. */
  previousCount: number;
  trend: PainPointTrend;
}

export interface PainPointOptions {
  asOf: number;
  periodDays?: number;
}

export function isUnsatisfied(score: number): boolean {
  return score <= UNSATISFIED_MAX_SCORE;
}

export function summarizeFeedback(rows: ReadonlyArray<FeedbackRow>): FeedbackSummary {
  let sum = 0;
  let satisfied = 0;
  let lastAt = -Infinity;
  let lastScore: number | null = null;
  const issues = new Map<string, { count: number; lastAt: number }>();
  for (let i = 0; i < rows.length; i++) {
    const { score, issue, at } = rows[i];
    if (!Number.isInteger(score) || score < 1 || score > 5) {
      throw new RangeError(`rows[${i}].score must be an integer 1..5, got ${score}`);
    }
    if (!Number.isFinite(at)) throw new TypeError(`rows[${i}].at must be a finite epoch time in ms`);
    sum += score;
    if (score >= SATISFIED_MIN_SCORE) satisfied++;
    if (at >= lastAt) {
      lastAt = at;
      lastScore = score;
    }
    if (issue !== null && isUnsatisfied(score)) {
      const seen = issues.get(issue);
      if (seen) {
        seen.count++;
        seen.lastAt = Math.max(seen.lastAt, at);
      } else {
        issues.set(issue, { count: 1, lastAt: at });
      }
    }
  }
  const n = rows.length;
  const painPoints = [...issues]
    .sort(([a, x], [b, y]) => y.count - x.count || y.lastAt - x.lastAt || compareText(a, b))
    .map(([issue]) => issue);
  return {
    feedbackCount: n,
    averageScore: n > 0 ? sum / n : null,
    satisfiedRatio: n > 0 ? satisfied / n : null,
    lastScore,
    painPoints,
  };
}

/**
 * Ranks issues by their count up to asOf, then by recent count, then by name. The trend compares the
 * last period with the one before; rows after asOf are not known as of asOf and are left out.
 */
export function rankPainPoints(
  rows: ReadonlyArray<{ issue: string | null; at: number }>,
  options: PainPointOptions,
): PainPointRank[] {
  const { asOf, periodDays = 30 } = options;
  if (!Number.isFinite(asOf)) throw new TypeError('options.asOf must be a finite epoch time in ms');
  if (!(periodDays > 0) || !Number.isFinite(periodDays)) {
    throw new RangeError(`options.periodDays must be a positive number, got ${periodDays}`);
  }
  const recentStart = asOf - periodDays * DAY_MS;
  const previousStart = recentStart - periodDays * DAY_MS;
  const ranks = new Map<string, PainPointRank>();
  for (let i = 0; i < rows.length; i++) {
    const { issue, at } = rows[i];
    if (!Number.isFinite(at)) throw new TypeError(`rows[${i}].at must be a finite epoch time in ms`);
    if (issue === null || at > asOf) continue;
    let rank = ranks.get(issue);
    if (!rank) {
      rank = { issue, count: 0, recentCount: 0, previousCount: 0, trend: 'STEADY' };
      ranks.set(issue, rank);
    }
    rank.count++;
    if (at > recentStart) rank.recentCount++;
    else if (at > previousStart) rank.previousCount++;
  }
  const result = [...ranks.values()];
  for (const rank of result) {
    rank.trend = rank.recentCount > rank.previousCount ? 'RISING' : rank.recentCount < rank.previousCount ? 'FALLING' : 'STEADY';
  }
  return result.sort((a, b) => b.count - a.count || b.recentCount - a.recentCount || compareText(a.issue, b.issue));
}

/** Code-unit order, so the ranking does not depend on the server's locale. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
