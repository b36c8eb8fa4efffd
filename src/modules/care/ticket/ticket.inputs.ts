import { ArrayMaxSize, IsOptional, Length, MaxLength } from 'class-validator';
import { Field, ID, InputType, registerEnumType } from 'type-graphql';
import { SortDirection } from '../../../common/pagination';
import { TicketPriority, TicketStatus, TicketType } from './ticket.entity';

@InputType()
export class OpenTicketInput {
  @Field(() => ID) customerId!: string;
  @Field(() => TicketType) type!: TicketType;
  @Field(() => TicketPriority, { defaultValue: TicketPriority.MEDIUM }) priority!: TicketPriority;

  @Field()
  @Length(1, 200, { message: 'subject must be 1 to 200 characters' })
  subject!: string;

  @Field({ nullable: true })
  @IsOptional()
  @MaxLength(20_000, { message: 'description must be at most 20000 characters' })
  description?: string;

  @Field(() => ID, { nullable: true, description: 'The purchase it is about (same customer); needed to refund it.' }) purchaseId?: string;

  @Field({ nullable: true })
  @IsOptional()
  @Length(1, 100, { message: 'assignee must be 1 to 100 characters' })
  assignee?: string;

  @Field({ nullable: true, description: 'When the customer raised it (default: now; earlier for cases logged late). Not in the future.' })
  openedAt?: Date;

  @Field({ nullable: true, description: 'Who logged it (recorded on the OPENED event).' })
  @IsOptional()
  @Length(1, 100)
  actor?: string;
}

@InputType()
export class TransitionTicketInput {
  @Field(() => ID) id!: string;
  @Field(() => TicketStatus, { description: 'The status to move to; only legal moves of the status machine are accepted.' }) status!: TicketStatus;

  @Field({ nullable: true })
  @IsOptional()
  @MaxLength(1000, { message: 'note must be at most 1000 characters' })
  note?: string;

  @Field({ nullable: true })
  @IsOptional()
  @Length(1, 100)
  actor?: string;

  @Field({ defaultValue: false, description: 'Resolving a REFUND ticket: also mark its purchase REFUNDED, in the same transaction.' })
  refundPurchase!: boolean;
}

@InputType()
export class TicketFilter {
  @Field(() => ID, { nullable: true }) customerId?: string;

  @Field(() => [TicketStatus], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(5)
  status?: TicketStatus[];

  @Field(() => TicketPriority, { nullable: true }) priority?: TicketPriority;
  @Field(() => TicketType, { nullable: true }) type?: TicketType;
  @Field({ nullable: true }) @IsOptional() @MaxLength(100) assignee?: string;
  @Field({ nullable: true, description: 'true: OPEN, IN_PROGRESS or REOPENED; false: RESOLVED or CLOSED.' }) open?: boolean;
  @Field({ nullable: true, description: 'true: resolved after the SLA due time or still open past it.' }) slaBreached?: boolean;
  @Field({ nullable: true, description: 'Opened at or after.' }) openedFrom?: Date;
  @Field({ nullable: true, description: 'Opened before.' }) openedTo?: Date;
}

export enum TicketOrderField {
  QUEUE = 'QUEUE',
  OPENED_AT = 'OPENED_AT',
  SLA_DUE = 'SLA_DUE',
}
registerEnumType(TicketOrderField, {
  name: 'TicketOrderField',
  valuesConfig: { QUEUE: { description: 'Priority (URGENT first), then the earliest SLA due: the work queue.' } },
});

@InputType()
export class TicketOrder {
  @Field(() => TicketOrderField) field!: TicketOrderField;
  @Field(() => SortDirection, { defaultValue: SortDirection.ASC }) direction!: SortDirection;
}
