import { Field, Float, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Campaign } from '../../care/campaign/campaign.entity';
import { Feedback, FeedbackIssue } from '../feedback.entity';

export enum SentimentLabel {
  POSITIVE = 'POSITIVE',
  NEUTRAL = 'NEUTRAL',
  NEGATIVE = 'NEGATIVE',
}
registerEnumType(SentimentLabel, { name: 'SentimentLabel' });

export enum FollowUpLevel {
  NONE = 'NONE',
  LOW = 'LOW',
  MEDIUM = 'MEDIUM',
  HIGH = 'HIGH',
  URGENT = 'URGENT',
}
registerEnumType(FollowUpLevel, { name: 'FollowUpLevel' });

export enum FollowUpAction {
  NONE = 'NONE',
  HANDLE_OPEN_TICKET = 'HANDLE_OPEN_TICKET',
  CALL = 'CALL',
  OPEN_TICKET = 'OPEN_TICKET',
  OFFER_COUPON = 'OFFER_COUPON',
}
registerEnumType(FollowUpAction, { name: 'FollowUpAction', description: 'What the care team should do about a piece of feedback.' });

@ObjectType({ simpleResolvers: true, description: 'Sentiment of a comment (wink-sentiment: AFINN lexicon with negation and emoji).' })
export class FeedbackSentiment {
  @Field(() => Float, { description: '-1 (very negative) .. 1 (very positive).' }) score!: number;
  @Field(() => SentimentLabel, { description: 'NEUTRAL when the comment holds no sentiment word.' }) label!: SentimentLabel;
}

@ObjectType({ simpleResolvers: true })
export class FeedbackPainPoint {
  @Field(() => FeedbackIssue) issue!: FeedbackIssue;
  @Field({ description: 'true when no issue was given and it was inferred from the comment by keywords (PAIN_POINT_KEYWORDS_FILE).' }) inferred!: boolean;
  @Field({ description: "true when the issue is one of the customer's open pain points (an issue of their unsatisfied feedback)." }) openForCustomer!: boolean;
}

@ObjectType({ simpleResolvers: true, description: 'How much a piece of feedback needs the care team, and what to do.' })
export class FeedbackFollowUp {
  @Field(() => Int, { description: '0 (nothing to do) .. 100: dissatisfaction (stars or words) x value at stake and churn risk, raised by an open ticket or earlier complaints.' })
  priority!: number;
  @Field(() => FollowUpLevel) level!: FollowUpLevel;
  @Field(() => FollowUpAction) action!: FollowUpAction;
  @Field(() => String, { nullable: true, description: 'PHONE for a call; EMAIL or SMS for a coupon, only when the customer consented.' }) channel!: string | null;
  @Field(() => Campaign, { nullable: true, description: 'For OFFER_COUPON: the active campaign whose audience holds the customer.' }) campaign!: Campaign | null;
  @Field(() => [String], { description: 'Why, in words a care agent can repeat (no personal data).' }) reasons!: string[];
}

@ObjectType({ simpleResolvers: true })
export class FeedbackInboxItem {
  @Field(() => Feedback) feedback!: Feedback;
  @Field(() => FeedbackFollowUp) followUp!: FeedbackFollowUp;
}

@ObjectType({ simpleResolvers: true, description: 'Unsatisfied feedback, most urgent first.' })
export class FeedbackInbox {
  @Field(() => [FeedbackInboxItem]) items!: FeedbackInboxItem[];
  @Field(() => Int, { description: 'Items in the whole inbox (of the candidates looked at).' }) totalCount!: number;
  @Field(() => String, { nullable: true, description: 'Pass as `after` for the next page; null on the last.' }) endCursor!: string | null;
  @Field(() => Int, { description: 'Feedback looked at: the newest in the period, at most 2,000.' }) candidates!: number;
}
