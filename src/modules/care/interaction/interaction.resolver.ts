import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root, UseMiddleware } from 'type-graphql';
import { expectGlobalId } from '../../../common/global-id';
import { Connection, PageArgs } from '../../../common/pagination';
import type { Context } from '../../../context';
import { Audited } from '../../auth/guards';
import { Customer } from '../../customer/customer.entity';
import { Campaign } from '../campaign/campaign.entity';
import { Ticket } from '../ticket/ticket.entity';
import { Interaction } from './interaction.entity';
import { InteractionFilter, LogInteractionInput } from './interaction.inputs';

export const InteractionConnection = Connection(Interaction);

@Resolver(() => Interaction)
export class InteractionResolver {
  @Query(() => InteractionConnection, { description: 'The contact log, newest first.' })
  interactions(
    @Args(() => PageArgs) page: PageArgs,
    @Arg('filter', () => InteractionFilter, { nullable: true }) filter: InteractionFilter | undefined,
    @Ctx() { services }: Context,
  ) {
    return services.care.interactions.list(filter, page);
  }

  @Query(() => Interaction, { nullable: true })
  interaction(@Arg('id', () => ID) id: string, @Ctx() { loaders }: Context) {
    return loaders.care.interaction.load(expectGlobalId(id, 'Interaction'));
  }

  @Mutation(() => Interaction, { description: 'Logs a contact with a customer (call, email, visit ...).' })
  @UseMiddleware(Audited('CREATE', 'Interaction'))
  logInteraction(@Arg('input', () => LogInteractionInput) input: LogInteractionInput, @Ctx() { services }: Context) {
    return services.care.interactions.log(input);
  }

  @FieldResolver(() => Customer)
  customer(@Root() i: Interaction, @Ctx() { loaders }: Context) {
    return loaders.customer.load(i.customerId);
  }

  @FieldResolver(() => Ticket, { nullable: true })
  ticket(@Root() i: Interaction, @Ctx() { loaders }: Context) {
    return i.ticketId ? loaders.care.ticket.load(i.ticketId) : null;
  }

  @FieldResolver(() => Campaign, { nullable: true })
  campaign(@Root() i: Interaction, @Ctx() { loaders }: Context) {
    return i.campaignId ? loaders.care.campaign.load(i.campaignId) : null;
  }
}
