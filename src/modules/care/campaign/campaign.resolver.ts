import { Max, Min } from 'class-validator';
import { Arg, Args, ArgsType, Ctx, Field, FieldResolver, ID, Int, Mutation, Query, Resolver, Root, UseMiddleware } from 'type-graphql';
import { badInput } from '../../../common/errors';
import { expectGlobalId, toGlobalId } from '../../../common/global-id';
import { fromCents } from '../../../common/money';
import { Connection, PageArgs } from '../../../common/pagination';
import type { Context } from '../../../context';
import { ValueTierEnum } from '../../analytics/analytics.types';
import { Audited } from '../../auth/guards';
import { Customer } from '../../customer/customer.entity';
import { Purchase } from '../../purchase/purchase.entity';
import { Campaign, CampaignChannel, Coupon } from './campaign.entity';
import { AudienceInput, CampaignFilter, CouponFilter, CreateCampaignInput } from './campaign.inputs';
import { AudiencePreviewResult, CampaignAudience, CampaignResults, LaunchResult } from './campaign.types';

export const CampaignConnection = Connection(Campaign);
export const CouponConnection = Connection(Coupon);

@ArgsType()
class PreviewArgs {
  @Field(() => ID, { nullable: true, description: "A campaign's audience (and channel)..." }) campaignId?: string;
  @Field(() => AudienceInput, { nullable: true, description: '...or an audience being designed.' }) audience?: AudienceInput;
  @Field(() => CampaignChannel, { nullable: true, description: 'Count consent for this channel (default: the campaign\'s).' }) channel?: CampaignChannel;

  @Field(() => Int, { defaultValue: 20, description: 'How many customers to return (at most 100).' })
  @Min(0)
  @Max(100, { message: 'first must be at most 100' })
  first!: number;
}

@Resolver(() => Campaign)
export class CampaignResolver {
  @Query(() => CampaignConnection, { description: 'Campaigns, latest start first.' })
  campaigns(
    @Args(() => PageArgs) page: PageArgs,
    @Arg('filter', () => CampaignFilter, { nullable: true }) filter: CampaignFilter | undefined,
    @Ctx() { services }: Context,
  ) {
    return services.care.campaigns.list(filter, page);
  }

  @Query(() => Campaign, { nullable: true })
  campaign(@Arg('id', () => ID) id: string, @Ctx() { loaders }: Context) {
    return loaders.care.campaign.load(expectGlobalId(id, 'Campaign'));
  }

  @Query(() => AudiencePreviewResult, { description: 'How many customers an audience holds now, and the first of them.' })
  async previewAudience(@Args(() => PreviewArgs) args: PreviewArgs, @Ctx() { services, loaders }: Context) {
    if (!args.campaignId === !args.audience) throw badInput('pass exactly one of campaignId or audience');
    const campaign = args.campaignId ? await services.care.campaigns.get(expectGlobalId(args.campaignId, 'Campaign', 'campaignId')) : null;
    const spec = campaign ? campaign.audience : services.care.campaigns.specOf(args.audience!);
    const preview = await services.care.campaigns.preview(spec, args.channel ?? campaign?.channel ?? null, args.first);
    const customers = await loaders.customer.loadMany(preview.customerIds);
    return { totalCount: preview.totalCount, consentedCount: preview.consentedCount, customers: customers.filter((c): c is Customer => c instanceof Customer) };
  }

  @Query(() => CouponConnection, { description: 'Issued coupons, oldest first.' })
  coupons(
    @Args(() => PageArgs) page: PageArgs,
    @Arg('filter', () => CouponFilter, { nullable: true }) filter: CouponFilter | undefined,
    @Ctx() { services }: Context,
  ) {
    return services.care.campaigns.coupons(filter, page);
  }

  @Mutation(() => Campaign, { description: 'Creates a campaign (a draft until launched).' })
  @UseMiddleware(Audited('CREATE', 'Campaign'))
  createCampaign(@Arg('input', () => CreateCampaignInput) input: CreateCampaignInput, @Ctx() { services }: Context) {
    return services.care.campaigns.create(input);
  }

  @Mutation(() => LaunchResult, { description: 'Issues a coupon to every consenting member of the audience who has none yet; safe to repeat.' })
  @UseMiddleware(Audited('UPDATE', 'Campaign'))
  launchCampaign(@Arg('id', () => ID) id: string, @Ctx() { services }: Context) {
    return services.care.campaigns.launch(expectGlobalId(id, 'Campaign'));
  }

  @FieldResolver(() => CampaignAudience)
  audience(@Root() k: Campaign): CampaignAudience {
    const a = k.audience;
    return {
      segmentId: a.segmentId ?? null, rfmSegment: a.rfmSegment ?? null, churnRiskAbove: a.churnRiskAbove ?? null,
      valueTier: (a.valueTier as ValueTierEnum | null | undefined) ?? null, customerIds: a.customerIds?.map((id) => toGlobalId('Customer', id)) ?? null,
    };
  }

  @FieldResolver(() => CampaignResults, { description: 'Issued and redeemed coupons and the revenue of the redeeming purchases.' })
  async results(@Root() k: Campaign, @Ctx() { loaders }: Context): Promise<CampaignResults> {
    const r = await loaders.care.campaignResults.load(k.id);
    return { issued: r.issued, redeemed: r.redeemed, redemptionRate: r.issued ? r.redeemed / r.issued : 0, revenue: fromCents(r.revenueCents) };
  }
}

@Resolver(() => Coupon)
export class CouponResolver {
  @FieldResolver(() => Customer)
  customer(@Root() c: Coupon, @Ctx() { loaders }: Context) {
    return loaders.customer.load(c.customerId);
  }

  @FieldResolver(() => Campaign)
  campaign(@Root() c: Coupon, @Ctx() { loaders }: Context) {
    return loaders.care.campaign.load(c.campaignId);
  }

  @FieldResolver(() => Purchase, { nullable: true })
  redeemingPurchase(@Root() c: Coupon, @Ctx() { loaders }: Context) {
    return c.redeemingPurchaseId ? loaders.purchase.load(c.redeemingPurchaseId) : null;
  }
}

@Resolver(() => Purchase)
export class PurchaseCouponResolver {
  @FieldResolver(() => Coupon, { nullable: true, description: 'The campaign coupon this purchase redeemed.' })
  coupon(@Root() p: Purchase, @Ctx() { loaders }: Context) {
    return p.couponId ? loaders.care.coupon.load(p.couponId) : null;
  }
}
