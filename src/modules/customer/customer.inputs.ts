import {
  ArrayMaxSize, IsBoolean, IsEmail, IsInt, IsOptional, Length, Matches, Max, MaxLength, Min,
} from 'class-validator';
import { Field, ID, InputType, Int, registerEnumType } from 'type-graphql';
import { SortDirection } from '../../common/pagination';
import { IsPastCalendarDate } from '../../common/validation';
import { Gender } from './customer.entity';

@InputType({ description: 'Customer fields; every one optional on update.' })
export class CustomerFieldsInput {
  @Field({ nullable: true })
  @IsOptional()
  @Length(1, 200, { message: 'name must be 1 to 200 characters' })
  name?: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsEmail({}, { message: 'email must be a valid email address' })
  @MaxLength(254)
  email?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Matches(/^\+?[0-9 ()-]{5,30}$/, { message: 'phone must be digits, spaces, ( ) - and an optional leading +' })
  phone?: string | null;

  @Field(() => Gender, { nullable: true })
  @IsOptional()
  gender?: Gender | null;

  @Field(() => String, { nullable: true, description: 'YYYY-MM-DD, not in the future' })
  @IsOptional()
  @IsPastCalendarDate()
  birthDate?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(300)
  address?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(100)
  city?: string | null;

  @Field(() => String, { nullable: true, description: 'ISO 3166-1 alpha-2, e.g. DE' })
  @IsOptional()
  @Matches(/^[A-Z]{2}$/, { message: 'country must be a two-letter ISO code in capitals, e.g. DE' })
  country?: string | null;

  @Field(() => Int, { nullable: true })
  @IsOptional()
  @IsInt()
  @Min(0, { message: 'annualIncome must not be negative' })
  @Max(1_000_000_000)
  annualIncome?: number | null;

  @Field({ nullable: true })
  @IsOptional()
  @IsBoolean()
  emailOptIn?: boolean;

  @Field({ nullable: true })
  @IsOptional()
  @IsBoolean()
  smsOptIn?: boolean;

  @Field(() => [String], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(20, { message: 'at most 20 tags' })
  @Matches(/^[A-Za-z0-9][A-Za-z0-9 _-]{0,39}$/, { each: true, message: 'each tag is 1-40 letters, digits, space, _ or -' })
  tags?: string[];
}

@InputType()
export class CreateCustomerInput extends CustomerFieldsInput {
  @Field()
  @Length(1, 200, { message: 'name must be 1 to 200 characters' })
  declare name: string;
}

@InputType()
export class UpdateCustomerInput extends CustomerFieldsInput {
  @Field(() => ID)
  id!: string;

  @Field(() => Int, { nullable: true, description: 'The version you read; a newer one in the database means CONFLICT.' })
  @IsOptional()
  @IsInt()
  version?: number;
}

@InputType({ description: 'Create or update the customer with this email.' })
export class UpsertCustomerInput extends CustomerFieldsInput {
  @Field()
  @IsEmail({}, { message: 'email must be a valid email address' })
  declare email: string;
}

@InputType()
export class CustomerFilter {
  @Field({ nullable: true, description: 'Text in the name or email.' })
  @IsOptional()
  @Length(1, 100)
  search?: string;

  @Field({ nullable: true }) @IsOptional() @MaxLength(100) city?: string;
  @Field({ nullable: true }) @IsOptional() @MaxLength(2) country?: string;
  @Field(() => Gender, { nullable: true }) @IsOptional() gender?: Gender;

  @Field(() => Int, { nullable: true })
  @IsOptional()
  @Min(0)
  @Max(150)
  ageMin?: number;

  @Field(() => Int, { nullable: true })
  @IsOptional()
  @Min(0)
  @Max(150)
  ageMax?: number;

  @Field({ nullable: true }) @IsOptional() @MaxLength(40) tag?: string;
  @Field({ nullable: true }) @IsOptional() emailOptIn?: boolean;
  @Field({ nullable: true }) @IsOptional() smsOptIn?: boolean;
}

export enum CustomerOrderField {
  ID = 'ID',
  NAME = 'NAME',
  CREATED_AT = 'CREATED_AT',
  LAST_PURCHASE_AT = 'LAST_PURCHASE_AT',
  TOTAL_SPENT = 'TOTAL_SPENT',
  PURCHASE_COUNT = 'PURCHASE_COUNT',
}
registerEnumType(CustomerOrderField, { name: 'CustomerOrderField' });

@InputType()
export class CustomerOrder {
  @Field(() => CustomerOrderField) field!: CustomerOrderField;
  @Field(() => SortDirection, { defaultValue: SortDirection.ASC }) direction!: SortDirection;
}

@InputType()
export class ImportCustomersInput {
  // Rows are validated one by one in the service, so that one bad row does not reject the batch.
  @Field(() => [CustomerFieldsInput])
  @ArrayMaxSize(1000, { message: 'at most 1000 rows per import call' })
  rows!: CustomerFieldsInput[];
}
