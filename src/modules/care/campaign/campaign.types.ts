import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { ValueTierEnum } from '../../analytics/analytics.types';
import { Customer } from '../../customer/customer.entity';

@ObjectType({ simpleResolvers: true, description: 'Who a campaign targets; every given criterion must hold.' })
export class CampaignAudience {
  @Field(() => Int, { nullable: true }) segmentId!: number | null;
  @Field(() => String, { nullable: true }) rfmSegment!: string | null;
  @Field(() => Float, { nullable: true }) churnRiskAbove!: number | null;
  @Field(() => ValueTierEnum, { nullable: true }) valueTier!: ValueTierEnum | null;
  @Field(() => [ID], { nullable: true }) customerIds!: string[] | null;
}

@ObjectType({ simpleResolvers: true })
export class AudiencePreviewResult {
  @Field(() => Int, { description: 'Customers matching the audience now.' }) totalCount!: number;
  @Field(() => Int, { nullable: true, description: 'Of those, how many consented to the channel (null without a channel).' }) consentedCount!: number | null;
  @Field(() => [Customer], { description: 'The first matching customers, by id.' }) customers!: Customer[];
}

@ObjectType({ simpleResolvers: true, description: 'What a launch did; relaunching issues only to newcomers.' })
export class LaunchResult {
  @Field(() => Int, { description: 'Customers in the audience now.' }) audience!: number;
  @Field(() => Int, { description: 'Coupons issued by this launch (one OUTBOUND interaction logged per coupon).' }) issued!: number;
  @Field(() => Int, { description: 'Consenting members who already held a coupon of this campaign.' }) alreadyIssued!: number;
  @Field(() => Int, { description: 'Members without consent for the channel: no coupon.' }) skippedNoConsent!: number;
}

@ObjectType({ simpleResolvers: true })
export class CampaignResults {
  @Field(() => Int) issued!: number;
  @Field(() => Int) redeemed!: number;
  @Field(() => Float, { description: 'redeemed / issued (0 before any coupon).' }) redemptionRate!: number;
  @Field(() => Float, { description: 'Total paid in the redeeming purchases that are still COMPLETED.' }) revenue!: number;
}
