import { MaxLength, IsOptional, Length } from 'class-validator';
import { Arg, Args, ArgsType, Ctx, Field, FieldResolver, ID, Mutation, Query, Resolver, Root, UseMiddleware } from 'type-graphql';
import { expectGlobalId } from '../../../common/global-id';
import { Connection, PageArgs } from '../../../common/pagination';
import type { Context } from '../../../context';
import { Audited } from '../../auth/guards';
import { Customer } from '../../customer/customer.entity';
import { Purchase } from '../../purchase/purchase.entity';
import { Ticket, TicketEvent } from './ticket.entity';
import { OpenTicketInput, TicketFilter, TicketOrder, TransitionTicketInput } from './ticket.inputs';

export const TicketConnection = Connection(Ticket);

@ArgsType()
class EscalateArgs {
  @Field(() => ID) id!: string;
  @Field({ nullable: true }) @IsOptional() @MaxLength(1000) note?: string;
  @Field({ nullable: true }) @IsOptional() @Length(1, 100) actor?: string;
}

@ArgsType()
class AssignArgs {
  @Field(() => ID) id!: string;
  @Field(() => String, { nullable: true, description: 'null unassigns.' }) @IsOptional() @Length(1, 100) assignee?: string | null;
  @Field({ nullable: true }) @IsOptional() @Length(1, 100) actor?: string;
}

@Resolver(() => Ticket)
export class TicketResolver {
  @Query(() => TicketConnection, { description: 'Tickets, by default as the work queue: URGENT first, then the earliest SLA due.' })
  tickets(
    @Args(() => PageArgs) page: PageArgs,
    @Arg('filter', () => TicketFilter, { nullable: true }) filter: TicketFilter | undefined,
    @Arg('orderBy', () => TicketOrder, { nullable: true }) orderBy: TicketOrder | undefined,
    @Ctx() { services }: Context,
  ) {
    return services.care.tickets.list(filter, orderBy, page);
  }

  @Query(() => TicketConnection, { description: 'The open work queue: tickets OPEN, IN_PROGRESS or REOPENED.' })
  openTickets(
    @Args(() => PageArgs) page: PageArgs,
    @Arg('filter', () => TicketFilter, { nullable: true }) filter: TicketFilter | undefined,
    @Arg('orderBy', () => TicketOrder, { nullable: true }) orderBy: TicketOrder | undefined,
    @Ctx() { services }: Context,
  ) {
    return services.care.tickets.list({ ...filter, open: true }, orderBy, page);
  }

  @Query(() => Ticket, { nullable: true })
  ticket(@Arg('id', () => ID) id: string, @Ctx() { loaders }: Context) {
    return loaders.care.ticket.load(expectGlobalId(id, 'Ticket'));
  }

  @Mutation(() => Ticket, { description: 'Opens a ticket; its SLA due time follows from the priority.' })
  @UseMiddleware(Audited('CREATE', 'Ticket'))
  openTicket(@Arg('input', () => OpenTicketInput) input: OpenTicketInput, @Ctx() { services }: Context) {
    return services.care.tickets.open(input);
  }

  @Mutation(() => Ticket, { description: 'Moves a ticket along its status machine; an illegal move is BAD_USER_INPUT naming the allowed ones.' })
  @UseMiddleware(Audited('UPDATE', 'Ticket'))
  transitionTicket(@Arg('input', () => TransitionTicketInput) input: TransitionTicketInput, @Ctx() { services }: Context) {
    return services.care.tickets.transition(input);
  }

  @Mutation(() => Ticket, { description: 'Raises the priority one step (LOW -> MEDIUM -> HIGH -> URGENT); the SLA due time shrinks accordingly.' })
  @UseMiddleware(Audited('UPDATE', 'Ticket'))
  escalateTicket(@Args(() => EscalateArgs) args: EscalateArgs, @Ctx() { services }: Context) {
    return services.care.tickets.escalate(expectGlobalId(args.id, 'Ticket'), args);
  }

  @Mutation(() => Ticket)
  @UseMiddleware(Audited('UPDATE', 'Ticket'))
  assignTicket(@Args(() => AssignArgs) args: AssignArgs, @Ctx() { services }: Context) {
    return services.care.tickets.assign(expectGlobalId(args.id, 'Ticket'), args.assignee ?? null, args.actor);
  }

  @FieldResolver(() => Customer)
  customer(@Root() t: Ticket, @Ctx() { loaders }: Context) {
    return loaders.customer.load(t.customerId);
  }

  @FieldResolver(() => Purchase, { nullable: true })
  purchase(@Root() t: Ticket, @Ctx() { loaders }: Context) {
    return t.purchaseId ? loaders.purchase.load(t.purchaseId) : null;
  }

  @FieldResolver(() => [TicketEvent], { description: 'What happened to it, oldest first.' })
  events(@Root() t: Ticket, @Ctx() { loaders }: Context) {
    return loaders.care.eventsOfTicket.load(t.id);
  }
}
