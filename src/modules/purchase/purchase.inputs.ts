import { ArrayMaxSize, ArrayMinSize, IsInt, IsOptional, Matches, Max, Min, ValidateNested } from 'class-validator';
import { Field, Float, ID, InputType, Int, registerEnumType } from 'type-graphql';
import { SortDirection } from '../../common/pagination';
import { PurchaseStatus, SalesChannel } from './purchase.entity';

@InputType()
export class PurchaseLineInput {
  @Field(() => ID) productId!: string;

  @Field(() => Int)
  @IsInt()
  @Min(1, { message: 'quantity must be at least 1' })
  @Max(100_000, { message: 'quantity must be at most 100000' })
  quantity!: number;

  @Field(() => Float, { nullable: true, description: "Price per unit; the product's list price when omitted." })
  @IsOptional()
  @Min(0, { message: 'unitPrice must not be negative' })
  @Max(10_000_000)
  unitPrice?: number;
}

@InputType()
export class CreatePurchaseInput {
  @Field(() => ID) customerId!: string;

  @Field({ nullable: true, description: 'When it happened (default: now). Not in the future.' })
  @IsOptional()
  purchasedAt?: Date;

  @Field(() => SalesChannel) channel!: SalesChannel;

  @Field(() => PurchaseStatus, { nullable: true, defaultValue: PurchaseStatus.COMPLETED })
  status?: PurchaseStatus;

  @Field(() => String, { nullable: true, description: 'Retrying with the same key returns the first purchase.' })
  @IsOptional()
  @Matches(/^[A-Za-z0-9._:-]{1,100}$/, { message: 'idempotencyKey must be 1-100 letters, digits, . _ : or -' })
  idempotencyKey?: string;

  @Field(() => String, { nullable: true, description: 'A campaign coupon of this customer: its discount comes off the subtotal; redeemable once.' })
  @IsOptional()
  @Matches(/^[A-Za-z0-9-]{3,40}$/, { message: 'couponCode must be 3-40 letters, digits or -' })
  couponCode?: string;

  @Field(() => [PurchaseLineInput])
  @ArrayMinSize(1, { message: 'a purchase needs at least one line' })
  @ArrayMaxSize(200, { message: 'at most 200 lines per purchase' })
  @ValidateNested({ each: true })
  lines!: PurchaseLineInput[];
}

@InputType()
export class PurchaseFilter {
  @Field(() => ID, { nullable: true }) customerId?: string;
  @Field({ nullable: true, description: 'Purchased at or after.' }) from?: Date;
  @Field({ nullable: true, description: 'Purchased before.' }) to?: Date;
  @Field(() => PurchaseStatus, { nullable: true }) status?: PurchaseStatus;
  @Field(() => SalesChannel, { nullable: true }) channel?: SalesChannel;
  // At most the largest total a purchase can have: 1e308 would become Infinity cents, which MySQL cannot compare.
  @Field(() => Float, { nullable: true }) @IsOptional() @Min(0) @Max(20_000_000) minTotal?: number;
}

export enum PurchaseOrderField {
  PURCHASED_AT = 'PURCHASED_AT',
  TOTAL = 'TOTAL',
  ID = 'ID',
}
registerEnumType(PurchaseOrderField, { name: 'PurchaseOrderField' });

@InputType()
export class PurchaseOrder {
  @Field(() => PurchaseOrderField) field!: PurchaseOrderField;
  @Field(() => SortDirection, { defaultValue: SortDirection.DESC }) direction!: SortDirection;
}

@InputType({ description: 'One purchase of a bulk import; the customer by id or by email, products by id or sku.' })
export class ImportPurchaseRow {
  @Field(() => ID, { nullable: true }) customerId?: string;
  @Field({ nullable: true }) customerEmail?: string;
  @Field({ nullable: true }) purchasedAt?: Date;
  @Field(() => SalesChannel, { nullable: true }) channel?: SalesChannel;
  @Field(() => PurchaseStatus, { nullable: true }) status?: PurchaseStatus;
  @Field({ nullable: true }) idempotencyKey?: string;
  @Field(() => [ImportPurchaseLine]) lines!: ImportPurchaseLine[];
}

@InputType()
export class ImportPurchaseLine {
  @Field(() => ID, { nullable: true }) productId?: string;
  @Field({ nullable: true }) sku?: string;
  @Field(() => Int) quantity!: number;
  @Field(() => Float, { nullable: true }) unitPrice?: number;
}

@InputType()
export class ImportPurchasesInput {
  @Field(() => [ImportPurchaseRow])
  @ArrayMaxSize(1000, { message: 'at most 1000 rows per import call' })
  rows!: ImportPurchaseRow[];
}
