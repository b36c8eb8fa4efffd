import { Arg, Ctx, FieldResolver, Int, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../../../context';
import { Feedback } from '../feedback.entity';
import { FeedbackFollowUp, FeedbackInbox, FeedbackPainPoint, FeedbackSentiment } from './feedback-insight.types';
import { scoreMismatch } from './sentiment';

/** Analytic fields of Feedback (lazy, batched) and the care team's feedback inbox. */
@Resolver(() => Feedback)
export class FeedbackInsightResolver {
  @FieldResolver(() => FeedbackSentiment, { nullable: true, description: 'Sentiment of the comment; null without one. Computed on the stored text, also for ANALYST keys (who do not see the text).' })
  sentiment(@Root() f: Feedback, @Ctx() ctx: Context) {
    return ctx.services.feedbackInsight.sentiment(f);
  }

  @FieldResolver(() => Boolean, { description: 'The stars and the words disagree: 4-5 stars with negative words, or 1-2 stars with positive ones.' })
  scoreMismatch(@Root() f: Feedback, @Ctx() ctx: Context) {
    return scoreMismatch(f.score, ctx.services.feedbackInsight.sentiment(f));
  }

  @FieldResolver(() => FeedbackPainPoint, { nullable: true, description: 'The issue given, or inferred from the comment by keywords; null when neither.' })
  painPoint(@Root() f: Feedback, @Ctx() ctx: Context) {
    return ctx.services.feedbackInsight.painPoint(f, ctx);
  }

  @FieldResolver(() => FeedbackFollowUp, { description: 'Priority and suggested action for the care team.' })
  followUp(@Root() f: Feedback, @Ctx() ctx: Context) {
    return ctx.services.feedbackInsight.followUp(f, ctx);
  }

  @Query(() => FeedbackInbox, { description: 'Feedback of the last periodDays that needs the care team (unsatisfied, or angry words), most urgent first. Looks at the newest 2,000.' })
  feedbackInbox(
    @Arg('first', () => Int, { defaultValue: 20 }) first: number,
    @Arg('after', () => String, { nullable: true }) after: string | undefined,
    @Arg('periodDays', () => Int, { defaultValue: 90 }) periodDays: number,
    @Ctx() ctx: Context,
  ) {
    return ctx.services.feedbackInsight.inbox(ctx, first, after, periodDays);
  }
}
