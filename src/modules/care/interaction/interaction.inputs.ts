import { IsOptional, Length, MaxLength } from 'class-validator';
import { Field, ID, InputType } from 'type-graphql';
import { InteractionChannel, InteractionDirection } from './interaction.entity';

@InputType()
export class LogInteractionInput {
  @Field(() => ID) customerId!: string;
  @Field(() => InteractionChannel) channel!: InteractionChannel;
  @Field(() => InteractionDirection) direction!: InteractionDirection;

  @Field({ nullable: true })
  @IsOptional()
  @MaxLength(200, { message: 'subject must be at most 200 characters' })
  subject?: string;

  @Field({ nullable: true })
  @IsOptional()
  @MaxLength(20_000, { message: 'body must be at most 20000 characters' })
  body?: string;

  @Field({ nullable: true, description: 'When it happened (default: now). Not in the future.' })
  occurredAt?: Date;

  @Field({ nullable: true })
  @IsOptional()
  @Length(1, 100, { message: 'agent must be 1 to 100 characters' })
  agent?: string;

  @Field(() => ID, { nullable: true, description: 'The ticket this contact belongs to (same customer).' }) ticketId?: string;
  @Field(() => ID, { nullable: true, description: 'The campaign this contact belongs to.' }) campaignId?: string;
}

@InputType()
export class InteractionFilter {
  @Field(() => ID, { nullable: true }) customerId?: string;
  @Field(() => InteractionChannel, { nullable: true }) channel?: InteractionChannel;
  @Field(() => InteractionDirection, { nullable: true }) direction?: InteractionDirection;
  @Field({ nullable: true, description: 'Occurred at or after.' }) from?: Date;
  @Field({ nullable: true, description: 'Occurred before.' }) to?: Date;
  @Field(() => ID, { nullable: true }) ticketId?: string;
  @Field(() => ID, { nullable: true }) campaignId?: string;
  @Field({ nullable: true }) @IsOptional() @MaxLength(100) agent?: string;
}
