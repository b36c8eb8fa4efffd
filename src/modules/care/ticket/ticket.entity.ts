import { MASKED, MaskForAnalyst } from '../../auth/guards';
import { Field, ID, ObjectType, registerEnumType, UseMiddleware } from 'type-graphql';
import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { toGlobalId } from '../../../common/global-id';
import { Customer } from '../../customer/customer.entity';
import { Node } from '../../node/node.type';
import { Purchase } from '../../purchase/purchase.entity';
import { isSlaBreached, TicketEventKind, TicketPriority, TicketStatus, TicketType } from './ticket.rules';

export { TicketEventKind, TicketPriority, TicketStatus, TicketType };

registerEnumType(TicketType, { name: 'TicketType' });
registerEnumType(TicketPriority, { name: 'TicketPriority', description: 'SLA to resolve: URGENT 4h, HIGH 24h, MEDIUM 72h, LOW 7 days.' });
registerEnumType(TicketStatus, {
  name: 'TicketStatus',
  description: 'OPEN -> IN_PROGRESS -> RESOLVED -> CLOSED; RESOLVED or CLOSED -> REOPENED -> IN_PROGRESS or RESOLVED.',
});
registerEnumType(TicketEventKind, { name: 'TicketEventKind' });

// Millisecond precision (MySQL DATETIME(3)): events of one ticket often fall within the same second.
const instant = { type: 'datetime', precision: 3 } as const;

@ObjectType({ implements: Node, simpleResolvers: true, description: 'A care case of a customer, with an SLA by priority.' })
@Entity('tickets')
@Index('idx_tickets_customer_opened', ['customerId', 'openedAt'])
@Index('idx_tickets_status_queue', ['status', 'queueKey'])
@Index('idx_tickets_queue', ['queueKey'])
@Index('idx_tickets_sla_due', ['slaDueAt'])
export class Ticket implements Node {
  @PrimaryGeneratedColumn()
  id!: number;

  @Field(() => ID, { name: 'id' })
  get globalId(): string {
    return toGlobalId('Ticket', this.id);
  }

  @Column({ type: 'int' })
  customerId!: number;

  @ManyToOne(() => Customer, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'customer_id' })
  customer?: Customer;

  @Column({ type: 'int', nullable: true })
  purchaseId!: number | null;

  @ManyToOne(() => Purchase, { onDelete: 'SET NULL', nullable: true })
  @JoinColumn({ name: 'purchase_id' })
  purchase?: Purchase | null;

  @Field(() => TicketType)
  @Column({ type: 'varchar', length: 16 })
  type!: TicketType;

  @Field(() => TicketPriority)
  @Column({ type: 'varchar', length: 8 })
  priority!: TicketPriority;

  @Field(() => TicketStatus)
  @Column({ type: 'varchar', length: 16 })
  status!: TicketStatus;

  @Field({ simple: false })
  @UseMiddleware(MaskForAnalyst(() => MASKED))
  @Column({ type: 'varchar', length: 200 })
  subject!: string;

  @Field(() => String, { nullable: true, simple: false })
  @UseMiddleware(MaskForAnalyst())
  @Column({ type: 'text', nullable: true })
  description!: string | null;

  @Field(() => String, { nullable: true, description: 'The agent working on it.' })
  @Column({ type: 'varchar', length: 100, nullable: true })
  assignee!: string | null;

  @Field()
  @Column(instant)
  openedAt!: Date;

  @Field({ description: 'When it must be resolved: opened (or reopened) + the SLA of its priority.' })
  @Column(instant)
  slaDueAt!: Date;

  @Field(() => Date, { nullable: true, description: 'First move to IN_PROGRESS.' })
  @Column({ ...instant, nullable: true })
  startedAt!: Date | null;

  @Field(() => Date, { nullable: true, description: 'Latest resolution; cleared when reopened.' })
  @Column({ ...instant, nullable: true })
  resolvedAt!: Date | null;

  @Field(() => Date, { nullable: true, description: 'Cleared when reopened.' })
  @Column({ ...instant, nullable: true })
  closedAt!: Date | null;

  @Field(() => Date, { nullable: true, description: 'Latest reopening.' })
  @Column({ ...instant, nullable: true })
  reopenedAt!: Date | null;

  @Field(() => Date, { nullable: true, description: 'Latest escalation.' })
  @Column({ ...instant, nullable: true })
  escalatedAt!: Date | null;

  /** When the SLA watcher reported the breach of the current due time (claimed once across instances). */
  @Column({ ...instant, nullable: true })
  slaBreachReportedAt!: Date | null;

  /** Work-queue position: priority rank then SLA due (see queueKey in ticket.rules). */
  @Column({ type: 'varchar', length: 40 })
  queueKey!: string;

  @Field()
  @UpdateDateColumn()
  updatedAt!: Date;

  @Field({ description: 'Resolved after its SLA due time, or still open past it.' })
  get slaBreached(): boolean {
    return isSlaBreached(this, new Date());
  }
}

@ObjectType({ simpleResolvers: true, description: 'One thing that happened to a ticket (the timeline shows them).' })
@Entity('ticket_events')
@Index('idx_ticket_events_ticket', ['ticketId', 'occurredAt'])
@Index('idx_ticket_events_customer', ['customerId', 'occurredAt'])
export class TicketEvent {
  @PrimaryGeneratedColumn()
  id!: number;

  @Field(() => ID, { name: 'id' })
  get globalId(): string {
    return toGlobalId('TicketEvent', this.id);
  }

  @Column({ type: 'int' })
  ticketId!: number;

  @ManyToOne(() => Ticket, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'ticket_id' })
  ticket?: Ticket;

  /** The ticket's customer, copied so that a customer's timeline needs no join. */
  @Column({ type: 'int' })
  customerId!: number;

  @ManyToOne(() => Customer, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'customer_id' })
  customer?: Customer;

  @Field(() => TicketEventKind)
  @Column({ type: 'varchar', length: 16 })
  kind!: TicketEventKind;

  @Field(() => TicketStatus, { nullable: true })
  @Column({ type: 'varchar', length: 16, nullable: true })
  fromStatus!: TicketStatus | null;

  @Field(() => TicketStatus, { nullable: true })
  @Column({ type: 'varchar', length: 16, nullable: true })
  toStatus!: TicketStatus | null;

  @Field(() => TicketPriority, { nullable: true })
  @Column({ type: 'varchar', length: 8, nullable: true })
  fromPriority!: TicketPriority | null;

  @Field(() => TicketPriority, { nullable: true })
  @Column({ type: 'varchar', length: 8, nullable: true })
  toPriority!: TicketPriority | null;

  @Field(() => String, { nullable: true, simple: false })
  @UseMiddleware(MaskForAnalyst())
  @Column({ type: 'varchar', length: 1000, nullable: true })
  note!: string | null;

  @Field(() => String, { nullable: true, description: 'Who did it (an agent name; "sla-watcher" for breaches).' })
  @Column({ type: 'varchar', length: 100, nullable: true })
  actor!: string | null;

  @Field()
  @Column(instant)
  occurredAt!: Date;
}
