import { MaskForAnalyst } from '../../auth/guards';
import { pipe, filter } from '@graphql-yoga/subscription';
import { Arg, Ctx, Field, FieldResolver, ID, ObjectType, registerEnumType, Resolver, Root, Subscription, UseMiddleware } from 'type-graphql';
import { expectGlobalId } from '../../../common/global-id';
import type { Context } from '../../../context';
import { CARE_TOPIC, pubSub } from '../../../realtime/pubsub';
import { Customer } from '../../customer/customer.entity';
import { Feedback } from '../../feedback/feedback.entity';
import { Ticket } from '../ticket/ticket.entity';
import { CareEventKind, LOW_SCORE, type CareEventPayload } from './care-event';

registerEnumType(CareEventKind, {
  name: 'CareEventKind',
  valuesConfig: {
    LOW_SCORE_FEEDBACK: { description: `Feedback with score <= ${LOW_SCORE}.` },
    SLA_BREACHED: { description: 'An open ticket passed its SLA due time (checked every 30 s).' },
  },
});

@ObjectType({ simpleResolvers: true, description: 'Something a care team should see now.' })
export class CareEvent {
  @Field(() => CareEventKind) kind!: CareEventKind;
  @Field() occurredAt!: Date;
  @Field({ simple: false, description: 'One line; without free text (comments, subjects) for ANALYST callers.' })
  @UseMiddleware(MaskForAnalyst((value) => String(value).replace(/: .*$/, '')))
  message!: string;
  customerId!: number;
  ticketId!: number | null;
  feedbackId!: number | null;
}

const toCareEvent = (p: CareEventPayload): CareEvent =>
  Object.assign(new CareEvent(), { kind: p.kind, occurredAt: new Date(p.occurredAt), message: p.message, customerId: p.customerId, ticketId: p.ticketId, feedbackId: p.feedbackId });

interface CareEventArgs {
  kinds?: CareEventKind[] | null;
  customerId?: string | null;
}

@Resolver(() => CareEvent)
export class CareEventResolver {
  @Subscription(() => CareEvent, {
    description: 'Live care events (graphql-ws on /graphql), optionally only some kinds or one customer.',
    subscribe: ({ args }) => {
      const { kinds, customerId } = args as CareEventArgs;
      const customer = customerId ? expectGlobalId(customerId, 'Customer', 'customerId') : null;
      return pipe(
        pubSub.subscribe(CARE_TOPIC),
        filter((e: CareEventPayload) => (!kinds?.length || kinds.includes(e.kind)) && (customer == null || e.customerId === customer)),
      );
    },
  })
  careEvents(
    @Root() payload: CareEventPayload,
    @Arg('kinds', () => [CareEventKind], { nullable: true }) _kinds: CareEventKind[] | undefined,
    @Arg('customerId', () => ID, { nullable: true }) _customerId: string | undefined,
  ): CareEvent {
    return toCareEvent(payload);
  }

  // One event at a time, for the lifetime of a subscription: read fresh rows instead of the context's
  // loaders, whose cache would serve a ticket as it was at the first event.
  @FieldResolver(() => Customer, { nullable: true })
  async customer(@Root() e: CareEvent, @Ctx() { services }: Context) {
    return (await services.customers.byIds([e.customerId]))[0] ?? null;
  }

  @FieldResolver(() => Ticket, { nullable: true })
  async ticket(@Root() e: CareEvent, @Ctx() { services }: Context) {
    return e.ticketId ? ((await services.care.tickets.byIds([e.ticketId]))[0] ?? null) : null;
  }

  @FieldResolver(() => Feedback, { nullable: true })
  async feedback(@Root() e: CareEvent, @Ctx() { services }: Context) {
    return e.feedbackId ? ((await services.feedback.byIds([e.feedbackId]))[0] ?? null) : null;
  }
}
