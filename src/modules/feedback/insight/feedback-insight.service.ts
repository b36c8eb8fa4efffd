import { badInput } from '../../../common/errors';
import { openCursor, sealCursor } from '../../../common/cursor-seal';
import { startOfMinute } from '../../../common/time';
import type { Context } from '../../../context';
import type { Feedback, FeedbackIssue } from '../feedback.entity';
import { followUpOf } from './follow-up';
import type { FeedbackFollowUp, FeedbackInbox, FeedbackPainPoint } from './feedback-insight.types';
import { compileKeywords, DEFAULT_PAIN_POINT_KEYWORDS, inferIssue, type PainPointKeywords } from './pain-point';
import { sentimentOf, type Sentiment } from './sentiment';

/** The newest feedback the inbox looks at: its cost is bounded whatever the period. */
export const INBOX_CANDIDATES = 2000;
const DAY_MS = 86_400_000;

/**
 * What a piece of feedback means for the care team: sentiment, pain point, follow-up. Every input comes
 * through the request's DataLoaders (customers, lifetime summaries, open tickets, feedback history,
 * campaigns), so a page of 5 or 50 feedback costs the same SQL statements.
 */
export class FeedbackInsightService {
  private readonly matchers;

  constructor(keywords: PainPointKeywords = DEFAULT_PAIN_POINT_KEYWORDS) {
    this.matchers = compileKeywords(keywords);
  }

  sentiment(f: Feedback): Sentiment | null {
    return sentimentOf(f.comment);
  }

  issueOf(f: Feedback): { issue: FeedbackIssue; inferred: boolean } | null {
    if (f.issue) return { issue: f.issue, inferred: false };
    const issue = inferIssue(f.comment, this.matchers) as FeedbackIssue | null;
    return issue ? { issue, inferred: true } : null;
  }

  async painPoint(f: Feedback, ctx: Context): Promise<FeedbackPainPoint | null> {
    const found = this.issueOf(f);
    if (!found) return null;
    const rows = await ctx.loaders.analytics.feedback(startOfMinute()).load(f.customerId);
    const open = ctx.services.analytics.satisfactionOf(rows, startOfMinute()).painPoints.includes(found.issue);
    return { ...found, openForCustomer: open };
  }

  async followUp(f: Feedback, ctx: Context): Promise<FeedbackFollowUp> {
    const now = startOfMinute();
    const version = await ctx.loaders.analytics.version();
    const [model, customer, openTickets, history, campaign] = await Promise.all([
      ctx.services.analytics.lifetime(version, null),
      ctx.loaders.customer.load(f.customerId),
      ctx.loaders.care.openTicketCount.load(f.customerId),
      ctx.loaders.analytics.feedback(now).load(f.customerId),
      ctx.loaders.care.campaignFor(now).load(f.customerId),
    ]);
    const summary = await ctx.loaders.analytics.lifetimeSummary(model.asOf).load(f.customerId);
    const life = ctx.services.analytics.lifetimeOf(summary, model.value, 365, model.asOf);
    const at = f.createdAt.getTime();
    const result = followUpOf({
      stars: f.score,
      sentiment: this.sentiment(f),
      valueAtStake: life?.clv ?? (customer?.totalSpentCents ?? 0) / 100,
      churnRisk: life?.churnRisk ?? null,
      openTickets,
      earlierComplaints: history.filter((r) => r.score <= 2 && r.at < at).length,
      consent: { email: !!customer?.emailOptIn, sms: !!customer?.smsOptIn, phone: !!customer?.phone },
      campaign: campaign ? { id: campaign.id, name: campaign.name, channel: campaign.channel } : null,
    });
    return { ...result, level: result.level as FeedbackFollowUp['level'], action: result.action as FeedbackFollowUp['action'], campaign: result.campaignId ? campaign : null };
  }

  /** Feedback of the last `periodDays` that needs the care team, by follow-up priority (then newest). */
  async inbox(ctx: Context, first: number, after: string | undefined, periodDays: number): Promise<FeedbackInbox> {
    if (!Number.isInteger(first) || first < 1 || first > 100) throw badInput('first must be from 1 to 100', { argument: 'first' });
    if (!Number.isInteger(periodDays) || periodDays < 1 || periodDays > 3650) throw badInput('periodDays must be from 1 to 3650', { argument: 'periodDays' });
    let offset = 0;
    if (after != null) {
      const c = openCursor(after);
      if (!Array.isArray(c) || c[0] !== 'inbox' || !Number.isInteger(c[1]) || c[1] < 0) throw badInput('after is not a cursor of this inbox', { argument: 'after' });
      offset = c[1];
    }
    // Ranking the candidates reads five inputs for up to 2,000 customers (seconds at a million customers): in
    // MODEL_REFRESH=background the ranked inbox is a dashboard aggregate, recomputed behind the answers once a
    // minute or when customers, purchases or feedback were added, so that paging through it costs no ranking.
    const version = await ctx.loaders.analytics.version();
    const { items, candidates } = await ctx.services.analytics.aggregate(`inbox:${periodDays}`, version, () => this.rank(ctx, periodDays));
    const page = items.slice(offset, offset + first);
    const end = offset + page.length;
    return { items: page, totalCount: items.length, endCursor: end < items.length ? sealCursor(['inbox', end]) : null, candidates };
  }

  /** The newest INBOX_CANDIDATES feedback of the period that need follow-up, by priority (then newest). */
  private async rank(ctx: Context, periodDays: number): Promise<{ items: FeedbackInbox['items']; candidates: number }> {
    const since = new Date(startOfMinute().getTime() - periodDays * DAY_MS);
    const candidates = await ctx.services.feedback.inboxCandidates(since, INBOX_CANDIDATES);
    const scored = await Promise.all(candidates.map(async (feedback) => ({ feedback, followUp: await this.followUp(feedback, ctx) })));
    const items = scored
      .filter((x) => x.followUp.priority > 0)
      .sort((a, b) => b.followUp.priority - a.followUp.priority || b.feedback.createdAt.getTime() - a.feedback.createdAt.getTime() || b.feedback.id - a.feedback.id);
    return { items, candidates: candidates.length };
  }
}
