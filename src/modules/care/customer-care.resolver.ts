import { ArrayMaxSize, IsOptional } from 'class-validator';
import { startOfMinute } from '../../common/time';
import { Arg, Args, ArgsType, Ctx, Field, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import { NESTED_PAGE, PageArgs } from '../../common/pagination';
import type { Context } from '../../context';
import { NextBestAction } from '../analytics/analytics.types';
import { Customer } from '../customer/customer.entity';
import { Campaign } from './campaign/campaign.entity';
import { InteractionConnection } from './interaction/interaction.resolver';
import { InteractionFilter } from './interaction/interaction.inputs';
import { TicketConnection } from './ticket/ticket.resolver';
import { TicketStatus } from './ticket/ticket.entity';
import { TimelineKind } from './timeline/timeline.service';
import { TimelineConnection, toEntry } from './timeline/timeline.types';

@ArgsType()
class TimelineArgs extends PageArgs {
  @Field(() => [TimelineKind], { nullable: true, description: 'Only these kinds (default: all).' })
  @IsOptional()
  @ArrayMaxSize(4)
  kinds?: TimelineKind[];
}

/** The care side of a customer: tickets, contacts and the merged timeline, each batched for a page. */
@Resolver(() => Customer)
export class CustomerCareResolver {
  @FieldResolver(() => TicketConnection, { description: 'Newest first.' })
  tickets(
    @Root() c: Customer,
    @Args(() => PageArgs, NESTED_PAGE) page: PageArgs,
    @Arg('status', () => [TicketStatus], { nullable: true }) status: TicketStatus[] | undefined,
    @Ctx() { loaders }: Context,
  ) {
    return loaders.care.ticketsOfCustomer(status, page).load(c.id);
  }

  @FieldResolver(() => InteractionConnection, { description: 'Newest first.' })
  interactions(
    @Root() c: Customer,
    @Args(() => PageArgs, NESTED_PAGE) page: PageArgs,
    @Arg('filter', () => InteractionFilter, { nullable: true }) filter: InteractionFilter | undefined,
    @Ctx() { loaders }: Context,
  ) {
    return loaders.care.interactionsOfCustomer(filter, page).load(c.id);
  }

  @FieldResolver(() => TimelineConnection, { description: 'Purchases, feedback, interactions and ticket events merged, newest first.' })
  async timeline(@Root() c: Customer, @Args(() => TimelineArgs) args: TimelineArgs, @Ctx() { loaders }: Context) {
    const { kinds, ...page } = args;
    const conn = await loaders.care.timeline(kinds, page).load(c.id);
    const edges = conn.edges.map((e) => ({ cursor: e.cursor, node: toEntry(e.node) }));
    return { edges, nodes: edges.map((e) => e.node), pageInfo: conn.pageInfo, get totalCount() { return conn.totalCount; } };
  }
}

type ActionRoot = NextBestAction & { customerId?: number };

/** Care facts on the next best action of an at-risk customer. */
@Resolver(() => NextBestAction)
export class NextBestActionCareResolver {
  @FieldResolver(() => Campaign, { nullable: true, description: 'An active campaign whose audience holds the customer, on a channel they consented to (soonest to end).' })
  campaign(@Root() a: ActionRoot, @Ctx() { loaders }: Context) {
    return a.customerId ? loaders.care.campaignFor(startOfMinute()).load(a.customerId) : null;
  }

  @FieldResolver(() => Int, { description: 'Tickets of the customer still OPEN, IN_PROGRESS or REOPENED.' })
  openTickets(@Root() a: ActionRoot, @Ctx() { loaders }: Context) {
    return a.customerId ? loaders.care.openTicketCount.load(a.customerId) : 0;
  }

  @FieldResolver(() => Boolean, { description: 'true when an open ticket must be handled before any offer.' })
  async handleTicketFirst(@Root() a: ActionRoot, @Ctx() { loaders }: Context) {
    return a.customerId ? (await loaders.care.openTicketCount.load(a.customerId)) > 0 : false;
  }
}

