import { ArrayMaxSize, IsOptional, Length, Matches, Max, MaxLength, Min } from 'class-validator';
import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, Float, ID, InputType, Int, registerEnumType } from 'type-graphql';
import { SortDirection } from '../../common/pagination';
import { IsBoundedJson } from '../../common/validation';

@InputType()
export class ProductFieldsInput {
  @Field({ nullable: true })
  @IsOptional()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, { message: 'sku must be 1-64 letters, digits, . _ or -' })
  sku?: string;

  @Field({ nullable: true }) @IsOptional() @Length(1, 200, { message: 'name must be 1 to 200 characters' }) name?: string;
  @Field({ nullable: true }) @IsOptional() @Length(1, 100, { message: 'category must be 1 to 100 characters' }) category?: string;

  @Field(() => [String], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(20, { message: 'at most 20 tags' })
  @Matches(/^[A-Za-z0-9][A-Za-z0-9 _/&-]{0,39}$/, { each: true, message: 'each tag is 1-40 letters, digits, space, _, /, & or -' })
  tags?: string[];

  @Field(() => Float, { nullable: true, description: 'List price in currency units.' })
  @IsOptional()
  @Min(0, { message: 'price must not be negative' })
  @Max(10_000_000)
  price?: number;

  @Field(() => GraphQLJSONObject, { nullable: true }) @IsOptional() @IsBoundedJson(10, 16_000) attributes?: Record<string, unknown> | null;
}

@InputType()
export class CreateProductInput extends ProductFieldsInput {
  @Field() @Matches(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, { message: 'sku must be 1-64 letters, digits, . _ or -' }) declare sku: string;
  @Field() @Length(1, 200, { message: 'name must be 1 to 200 characters' }) declare name: string;
  @Field() @Length(1, 100, { message: 'category must be 1 to 100 characters' }) declare category: string;
  @Field(() => Float) @Min(0, { message: 'price must not be negative' }) @Max(10_000_000) declare price: number;
}

@InputType()
export class UpdateProductInput extends ProductFieldsInput {
  @Field(() => ID) id!: string;
  @Field(() => Int, { nullable: true }) @IsOptional() version?: number;
}

@InputType()
export class ProductFilter {
  @Field({ nullable: true }) @IsOptional() @Length(1, 100) search?: string;
  @Field({ nullable: true }) @IsOptional() @MaxLength(100) category?: string;
  @Field({ nullable: true }) @IsOptional() @MaxLength(40) tag?: string;
  // Bounded like a price: 1e308 would become Infinity cents, which MySQL cannot compare.
  @Field(() => Float, { nullable: true }) @IsOptional() @Min(0) @Max(10_000_000) priceMin?: number;
  @Field(() => Float, { nullable: true }) @IsOptional() @Min(0) @Max(10_000_000) priceMax?: number;
}

export enum ProductOrderField {
  ID = 'ID',
  NAME = 'NAME',
  PRICE = 'PRICE',
  CATEGORY = 'CATEGORY',
}
registerEnumType(ProductOrderField, { name: 'ProductOrderField' });

@InputType()
export class ProductOrder {
  @Field(() => ProductOrderField) field!: ProductOrderField;
  @Field(() => SortDirection, { defaultValue: SortDirection.ASC }) direction!: SortDirection;
}
