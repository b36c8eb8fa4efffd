import { Field, Float, ObjectType, registerEnumType } from 'type-graphql';
import { Customer } from '../customer/customer.entity';
import { Product } from '../catalog/product.entity';
import { AssociationRuleType } from './analytics.types';

export enum CrossSellSource {
  RULE = 'RULE',
  RECOMMENDER = 'RECOMMENDER',
}
registerEnumType(CrossSellSource, { name: 'CrossSellSource' });

@ObjectType({ simpleResolvers: true, description: 'A product to offer with a basket.' })
export class CrossSellItem {
  @Field(() => Product) product!: Product;
  @Field({ description: 'Why, in words a care agent can repeat.' }) reason!: string;
  @Field(() => CrossSellSource) source!: CrossSellSource;
  @Field(() => Float, { nullable: true, description: 'Of the rule (RULE only).' }) confidence!: number | null;
  @Field(() => Float, { nullable: true, description: 'Of the rule (RULE only).' }) lift!: number | null;
  @Field(() => AssociationRuleType, { nullable: true, description: 'The association rule that fired (RULE only).' }) rule!: AssociationRuleType | null;
}

@ObjectType({ simpleResolvers: true, description: "A basket against the customer's own history and all baskets." })
export class BasketComparison {
  @Field(() => Float, { nullable: true, description: "This total / the customer's average order value (completed purchases); null without history." })
  ratioToCustomerAverage!: number | null;
  @Field(() => Float, { nullable: true }) customerAverageOrderValue!: number | null;
  @Field(() => Float, { description: 'Share of all completed baskets with a smaller total, 0..100.' }) populationPercentile!: number;
  @Field({ description: "true when the total is under a third or over three times the customer's average (with at least 3 purchases), or in the top or bottom 1 % of all baskets." })
  unusual!: boolean;
  @Field({ description: 'In words.' }) summary!: string;
}

@ObjectType({ simpleResolvers: true })
export class ProductAssociation {
  @Field(() => Product) product!: Product;
  @Field(() => Float) confidence!: number;
  @Field(() => Float) lift!: number;
  @Field(() => Float) support!: number;
}

@ObjectType({ simpleResolvers: true })
export class SimilarProduct {
  @Field(() => Product) product!: Product;
  @Field(() => Float, { description: 'Cosine similarity of category, tags and price band, 0..1.' }) similarity!: number;
}

@ObjectType({ simpleResolvers: true })
export class LikelyBuyer {
  @Field(() => Customer) customer!: Customer;
  @Field(() => Float, { description: "The recommender's score of this product for the customer (not comparable across products)." }) score!: number;
  @Field({ description: 'Why, in words.' }) reason!: string;
}

@ObjectType({ simpleResolvers: true })
export class DemandMonth {
  @Field() month!: string;
  @Field(() => Float) units!: number;
}

@ObjectType({ simpleResolvers: true, description: 'Units per month and the next months by linear trend (as demandForecast).' })
export class ProductDemand {
  @Field(() => [DemandMonth]) history!: DemandMonth[];
  @Field(() => [DemandMonth]) forecast!: DemandMonth[];
  @Field(() => Float) slope!: number;
  @Field() trend!: string;
  @Field() insufficientHistory!: boolean;
  @Field({ description: 'When the units were counted: the series is a stored population model, recounted when purchases grew by 2 % or after 6 hours.' }) asOf!: Date;
}

