import { MaskForAnalyst } from '../../auth/guards';
import { Field, InterfaceType, ObjectType, registerEnumType, UseMiddleware } from 'type-graphql';
import { Connection } from '../../../common/pagination';
import { Feedback } from '../../feedback/feedback.entity';
import { Purchase, PurchaseStatus } from '../../purchase/purchase.entity';
import { Interaction } from '../interaction/interaction.entity';
import { Ticket, TicketEvent, TicketEventKind } from '../ticket/ticket.entity';
import { TimelineKind, type TimelineItem } from './timeline.service';

registerEnumType(TimelineKind, { name: 'TimelineKind' });

const ENTRY_TYPE: Record<TimelineKind, string> = {
  [TimelineKind.PURCHASE]: 'PurchaseEntry',
  [TimelineKind.FEEDBACK]: 'FeedbackEntry',
  [TimelineKind.INTERACTION]: 'InteractionEntry',
  [TimelineKind.TICKET_EVENT]: 'TicketEventEntry',
};

@InterfaceType({ description: 'One moment of a customer\'s history; __typename tells which kind.', resolveType: (e: TimelineEntry) => ENTRY_TYPE[e.kind] })
export class TimelineEntry {
  @Field(() => TimelineKind) kind!: TimelineKind;
  @Field() occurredAt!: Date;
  @Field({ simple: false, description: 'One line for an agent, e.g. "Feedback 2/5 (DELIVERY): late again" (no free text for ANALYST).' })
  @UseMiddleware(MaskForAnalyst((_value, entry: TimelineEntry) => entry.publicSummary))
  summary!: string;

  /** The summary without free text (comments, subjects), for ANALYST callers. */
  publicSummary!: string;
}

@ObjectType({ implements: TimelineEntry, simpleResolvers: true })
export class PurchaseEntry extends TimelineEntry {
  @Field(() => Purchase) purchase!: Purchase;
}

@ObjectType({ implements: TimelineEntry, simpleResolvers: true })
export class FeedbackEntry extends TimelineEntry {
  @Field(() => Feedback) feedback!: Feedback;
}

@ObjectType({ implements: TimelineEntry, simpleResolvers: true })
export class InteractionEntry extends TimelineEntry {
  @Field(() => Interaction) interaction!: Interaction;
}

@ObjectType({ implements: TimelineEntry, simpleResolvers: true })
export class TicketEventEntry extends TimelineEntry {
  @Field(() => TicketEvent) event!: TicketEvent;
  @Field(() => Ticket) ticket!: Ticket;
}

export const TimelineConnection = Connection(TimelineEntry, 'TimelineEntry');

const clip = (s: string | null | undefined, n = 80) => (s && s.length > n ? `${s.slice(0, n - 1)}…` : (s ?? ''));

/** The GraphQL entry for a loaded timeline item, with its one-line summary. */
export function toEntry(item: TimelineItem): TimelineEntry {
  const base = { kind: item.kind, occurredAt: item.occurredAt };
  switch (item.kind) {
    case TimelineKind.PURCHASE: {
      const p = item.purchase!;
      const state = p.status === PurchaseStatus.COMPLETED ? '' : ` (${p.status})`;
      const discount = p.discountCents ? `, ${p.discount.toFixed(2)} off with a coupon` : '';
      const summary = `Purchase ${p.total.toFixed(2)} via ${p.channel}${discount}${state}`;
      return Object.assign(new PurchaseEntry(), base, { purchase: p, summary, publicSummary: summary });
    }
    case TimelineKind.FEEDBACK: {
      const f = item.feedback!;
      const comment = f.comment ? `: ${clip(f.comment)}` : '';
      const head = `Feedback ${f.score}/5${f.issue ? ` (${f.issue})` : ''}`;
      return Object.assign(new FeedbackEntry(), base, { feedback: f, summary: `${head}${comment}`, publicSummary: head });
    }
    case TimelineKind.INTERACTION: {
      const i = item.interaction!;
      const subject = i.subject ? `: ${clip(i.subject)}` : '';
      const agent = i.agent ? ` (${i.agent})` : '';
      return Object.assign(new InteractionEntry(), base, { interaction: i, summary: `${i.direction} ${i.channel}${subject}${agent}`, publicSummary: `${i.direction} ${i.channel}${agent}` });
    }
    case TimelineKind.TICKET_EVENT: {
      const e = item.event!;
      const t = item.ticket!;
      const what = {
        [TicketEventKind.OPENED]: `opened (${e.toPriority})`,
        [TicketEventKind.STATUS_CHANGED]: `${e.fromStatus} -> ${e.toStatus}`,
        [TicketEventKind.ESCALATED]: `escalated ${e.fromPriority} -> ${e.toPriority}`,
        [TicketEventKind.ASSIGNED]: e.note ?? 'assigned',
        [TicketEventKind.SLA_BREACHED]: 'SLA breached',
      }[e.kind];
      const publicWhat = e.kind === TicketEventKind.ASSIGNED ? 'assigned' : what;
      return Object.assign(new TicketEventEntry(), base, {
        event: e, ticket: t, summary: `Ticket ${t.type} "${clip(t.subject, 60)}": ${what}`, publicSummary: `Ticket ${t.type}: ${publicWhat}`,
      });
    }
  }
}
