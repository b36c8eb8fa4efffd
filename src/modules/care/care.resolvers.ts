import { CampaignResolver, CouponResolver, PurchaseCouponResolver } from './campaign/campaign.resolver';
import { CustomerCareResolver, NextBestActionCareResolver } from './customer-care.resolver';
import { CareEventResolver } from './events/care-events.resolver';
import { InteractionResolver } from './interaction/interaction.resolver';
import { TicketResolver } from './ticket/ticket.resolver';

/** Every resolver of the care module, for the schema. */
export const careResolvers = [
  InteractionResolver, TicketResolver, CampaignResolver, CouponResolver, PurchaseCouponResolver, CustomerCareResolver, NextBestActionCareResolver, CareEventResolver,
] as const;
