import DataLoader from 'dataloader';
import { byIdLoader, groupLoader, LoaderCache } from '../../common/loaders';
import type { ConnectionResult, PageArgs } from '../../common/pagination';
import { consents } from './campaign/audience.service';
import type { Campaign, Coupon } from './campaign/campaign.entity';
import type { CampaignResultRow } from './campaign/campaign.service';
import type { CareServices } from './care.services';
import type { Interaction } from './interaction/interaction.entity';
import type { InteractionFilter } from './interaction/interaction.inputs';
import type { Ticket, TicketEvent, TicketStatus } from './ticket/ticket.entity';
import type { TimelineItem, TimelineKind } from './timeline/timeline.service';

/** Per-request loaders of the care module: one statement per relation for a whole page. */
export class CareLoaders {
  private readonly cache = new LoaderCache();
  constructor(private readonly s: CareServices) {}

  get interaction(): DataLoader<number, Interaction | null> {
    return this.cache.get('interaction', () => byIdLoader((ids) => this.s.interactions.byIds(ids)));
  }
  get ticket(): DataLoader<number, Ticket | null> {
    return this.cache.get('ticket', () => byIdLoader((ids) => this.s.tickets.byIds(ids)));
  }
  get campaign(): DataLoader<number, Campaign | null> {
    return this.cache.get('campaign', () => byIdLoader((ids) => this.s.campaigns.byIds(ids)));
  }
  get coupon(): DataLoader<number, Coupon | null> {
    return this.cache.get('coupon', () => byIdLoader((ids) => this.s.campaigns.couponsByIds(ids)));
  }
  get eventsOfTicket(): DataLoader<number, TicketEvent[]> {
    return this.cache.get('eventsOfTicket', () => groupLoader((ids) => this.s.tickets.eventsOf(ids), (e) => e.ticketId));
  }
  get openTicketCount(): DataLoader<number, number> {
    return this.cache.get('openTicketCount', () =>
      new DataLoader(async (ids: readonly number[]) => {
        const counts = await this.s.tickets.openCounts(ids);
        return ids.map((id) => counts.get(id) ?? 0);
      }),
    );
  }
  get campaignResults(): DataLoader<number, CampaignResultRow> {
    return this.cache.get('campaignResults', () =>
      new DataLoader(async (ids: readonly number[]) => {
        const rows = await this.s.campaigns.results(ids);
        return ids.map((id) => rows.get(id) ?? { issued: 0, redeemed: 0, revenueCents: 0 });
      }),
    );
  }
  ticketsOfCustomer(status: TicketStatus[] | undefined, page: PageArgs): DataLoader<number, ConnectionResult<Ticket>> {
    return this.cache.get(`ticketsOfCustomer:${JSON.stringify([status, page])}`, () =>
      new DataLoader((ids: readonly number[]) => this.s.tickets.pagesForCustomers(ids, status, page)),
    );
  }
  interactionsOfCustomer(filter: InteractionFilter | undefined, page: PageArgs): DataLoader<number, ConnectionResult<Interaction>> {
    return this.cache.get(`interactionsOfCustomer:${JSON.stringify([filter, page])}`, () =>
      new DataLoader((ids: readonly number[]) => this.s.interactions.pagesForCustomers(ids, filter, page)),
    );
  }
  timeline(kinds: TimelineKind[] | undefined, page: PageArgs): DataLoader<number, ConnectionResult<TimelineItem>> {
    return this.cache.get(`timeline:${JSON.stringify([kinds, page])}`, () =>
      new DataLoader((ids: readonly number[]) => this.s.timeline.pagesForCustomers(ids, kinds, page)),
    );
  }

  /**
   * For each customer, the active campaign (soonest to end) whose audience holds them and whose channel
   * they consented to. Each active campaign's audience is evaluated once per batch, for the batch's customers.
   */
  campaignFor(at: Date): DataLoader<number, Campaign | null> {
    return this.cache.get(`campaignFor:${at.getTime()}`, () =>
      new DataLoader(async (ids: readonly number[]) => {
        const chosen = new Map<number, Campaign>();
        for (const campaign of await this.s.campaigns.activeAt(at)) {
          // Only this page's customers still without a campaign: not each audience of the whole population.
          const open = ids.filter((id) => !chosen.has(id));
          if (!open.length) break;
          for (const m of await this.s.audience.members(campaign.audience, open)) {
            if (consents(m, campaign.channel)) chosen.set(m.id, campaign);
          }
        }
        return ids.map((id) => chosen.get(id) ?? null);
      }),
    );
  }
}
