import { ArrayMaxSize, IsInt, IsOptional, Length, Matches, Max, Min, ValidateNested } from 'class-validator';
import { Field, Float, ID, InputType, Int } from 'type-graphql';
import { ValueTierEnum } from '../../analytics/analytics.types';
import { MAX_AUDIENCE_IDS } from './audience.service';
import { CampaignChannel, CampaignType } from './campaign.entity';

@InputType({ description: 'Who a campaign targets; every given criterion must hold (AND), at least one is required.' })
export class AudienceInput {
  @Field(() => Int, { nullable: true, description: 'Segment id in the default segmentation (Customer.segment.id).' })
  @IsOptional()
  @IsInt()
  @Min(0)
  segmentId?: number;

  @Field({ nullable: true, description: 'RFM segment name (Customer.rfm.segment), e.g. "At risk".' })
  @IsOptional()
  @Length(1, 40)
  rfmSegment?: string;

  @Field(() => Float, { nullable: true, description: 'Churn risk (Customer.lifetime.churnRisk) strictly above this; customers without a lifetime estimate never match.' })
  @IsOptional()
  @Min(0)
  @Max(0.999999, { message: 'churnRiskAbove must be below 1' })
  churnRiskAbove?: number;

  @Field(() => ValueTierEnum, { nullable: true, description: 'Value tier (Customer.value.tier).' })
  @IsOptional()
  valueTier?: ValueTierEnum;

  @Field(() => [ID], { nullable: true, description: `Hand-picked customers (at most ${MAX_AUDIENCE_IDS}).` })
  @IsOptional()
  @ArrayMaxSize(MAX_AUDIENCE_IDS, { message: `customerIds holds at most ${MAX_AUDIENCE_IDS} ids` })
  customerIds?: string[];
}

@InputType()
export class CreateCampaignInput {
  @Field()
  @Length(1, 200, { message: 'name must be 1 to 200 characters' })
  name!: string;

  @Field(() => CampaignType) type!: CampaignType;
  @Field(() => CampaignChannel) channel!: CampaignChannel;
  @Field() startsAt!: Date;
  @Field() endsAt!: Date;

  @Field(() => Int, { nullable: true, description: 'Percent off (1..100); give this or discountAmount.' })
  @IsOptional()
  @IsInt()
  @Min(1, { message: 'discountPercent must be from 1 to 100' })
  @Max(100, { message: 'discountPercent must be from 1 to 100' })
  discountPercent?: number;

  @Field(() => Float, { nullable: true, description: 'Amount off; give this or discountPercent.' })
  @IsOptional()
  @Min(0.01, { message: 'discountAmount must be positive' })
  @Max(1_000_000)
  discountAmount?: number;

  @Field({ description: 'Start of the coupon codes: 2-12 capital letters or digits, e.g. SPRING.' })
  @Matches(/^[A-Z0-9]{2,12}$/, { message: 'codePrefix must be 2-12 capital letters or digits' })
  codePrefix!: string;

  @Field(() => AudienceInput)
  @ValidateNested()
  audience!: AudienceInput;
}

@InputType()
export class CampaignFilter {
  @Field({ nullable: true, description: 'true: the validity window contains now.' }) active?: boolean;
  @Field(() => CampaignType, { nullable: true }) type?: CampaignType;
  @Field(() => CampaignChannel, { nullable: true }) channel?: CampaignChannel;
  @Field({ nullable: true, description: 'true: launched at least once.' }) launched?: boolean;
}

@InputType()
export class CouponFilter {
  @Field(() => ID, { nullable: true }) campaignId?: string;
  @Field(() => ID, { nullable: true }) customerId?: string;
  @Field({ nullable: true }) redeemed?: boolean;
}
