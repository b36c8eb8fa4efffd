import { IsInt, IsOptional, Max, MaxLength, Min } from 'class-validator';
import { Field, ID, InputType, Int } from 'type-graphql';
import { ContactChannel, FeedbackIssue } from './feedback.entity';

@InputType()
export class CreateFeedbackInput {
  @Field(() => ID) customerId!: string;
  @Field(() => ID, { nullable: true }) purchaseId?: string;
  @Field(() => ID, { nullable: true }) productId?: string;

  @Field(() => Int)
  @IsInt()
  @Min(1, { message: 'score must be between 1 and 5' })
  @Max(5, { message: 'score must be between 1 and 5' })
  score!: number;

  @Field(() => FeedbackIssue, { nullable: true }) issue?: FeedbackIssue;
  @Field({ nullable: true }) @IsOptional() @MaxLength(2000, { message: 'comment must be at most 2000 characters' }) comment?: string;
  @Field(() => ContactChannel, { defaultValue: ContactChannel.WEB }) channel!: ContactChannel;
  @Field({ nullable: true, description: 'When it was given (default: now).' }) createdAt?: Date;
}

@InputType()
export class UpdateFeedbackInput {
  @Field(() => ID) id!: string;
  @Field(() => Int, { nullable: true })
  @IsOptional()
  @IsInt()
  @Min(1, { message: 'score must be between 1 and 5' })
  @Max(5, { message: 'score must be between 1 and 5' })
  score?: number;
  @Field(() => FeedbackIssue, { nullable: true }) issue?: FeedbackIssue;
  @Field({ nullable: true }) @IsOptional() @MaxLength(2000) comment?: string;
}

@InputType()
export class FeedbackFilter {
  @Field(() => ID, { nullable: true }) customerId?: string;
  @Field(() => Int, { nullable: true }) @IsOptional() @Min(1) @Max(5) scoreMin?: number;
  @Field(() => Int, { nullable: true }) @IsOptional() @Min(1) @Max(5) scoreMax?: number;
  @Field(() => FeedbackIssue, { nullable: true }) issue?: FeedbackIssue;
  @Field(() => ContactChannel, { nullable: true }) channel?: ContactChannel;
  @Field({ nullable: true }) from?: Date;
  @Field({ nullable: true }) to?: Date;
}
