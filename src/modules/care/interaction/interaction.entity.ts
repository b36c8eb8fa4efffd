import { MaskForAnalyst } from '../../auth/guards';
import { Field, ID, ObjectType, registerEnumType, UseMiddleware } from 'type-graphql';
import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { toGlobalId } from '../../../common/global-id';
import { Customer } from '../../customer/customer.entity';
import { Node } from '../../node/node.type';
import { Campaign } from '../campaign/campaign.entity';
import { Ticket } from '../ticket/ticket.entity';

export enum InteractionChannel {
  EMAIL = 'EMAIL',
  SMS = 'SMS',
  SOCIAL = 'SOCIAL',
  PHONE = 'PHONE',
  IN_PERSON = 'IN_PERSON',
}
registerEnumType(InteractionChannel, { name: 'InteractionChannel' });

export enum InteractionDirection {
  INBOUND = 'INBOUND',
  OUTBOUND = 'OUTBOUND',
}
registerEnumType(InteractionDirection, { name: 'InteractionDirection', description: 'INBOUND: the customer contacted us; OUTBOUND: we contacted them.' });

@ObjectType({ implements: Node, simpleResolvers: true, description: 'One contact with a customer, on any channel.' })
@Entity('interactions')
@Index('idx_interactions_customer_time', ['customerId', 'occurredAt'])
@Index('idx_interactions_time', ['occurredAt'])
@Index('idx_interactions_ticket', ['ticketId'])
@Index('idx_interactions_campaign', ['campaignId'])
export class Interaction implements Node {
  @PrimaryGeneratedColumn()
  id!: number;

  @Field(() => ID, { name: 'id' })
  get globalId(): string {
    return toGlobalId('Interaction', this.id);
  }

  @Column({ type: 'int' })
  customerId!: number;

  @ManyToOne(() => Customer, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'customer_id' })
  customer?: Customer;

  @Field(() => InteractionChannel)
  @Column({ type: 'varchar', length: 16 })
  channel!: InteractionChannel;

  @Field(() => InteractionDirection)
  @Column({ type: 'varchar', length: 8 })
  direction!: InteractionDirection;

  @Field(() => String, { nullable: true, simple: false })
  @UseMiddleware(MaskForAnalyst())
  @Column({ type: 'varchar', length: 200, nullable: true })
  subject!: string | null;

  @Field(() => String, { nullable: true, simple: false })
  @UseMiddleware(MaskForAnalyst())
  @Column({ type: 'text', nullable: true })
  body!: string | null;

  @Field()
  @Column({ type: 'datetime', precision: 3 })
  occurredAt!: Date;

  @Field(() => String, { nullable: true, description: 'The agent (or "campaign" for automatic sends).' })
  @Column({ type: 'varchar', length: 100, nullable: true })
  agent!: string | null;

  @Column({ type: 'int', nullable: true })
  ticketId!: number | null;

  @ManyToOne(() => Ticket, { onDelete: 'SET NULL', nullable: true })
  @JoinColumn({ name: 'ticket_id' })
  ticket?: Ticket | null;

  @Column({ type: 'int', nullable: true })
  campaignId!: number | null;

  @ManyToOne(() => Campaign, { onDelete: 'SET NULL', nullable: true })
  @JoinColumn({ name: 'campaign_id' })
  campaign?: Campaign | null;

  @Field({ description: 'When it was logged.' })
  @CreateDateColumn()
  createdAt!: Date;
}
