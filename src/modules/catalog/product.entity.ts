import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import {
  Column, CreateDateColumn, DeleteDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn, VersionColumn,
} from 'typeorm';
import { toGlobalId } from '../../common/global-id';
import { fromCents } from '../../common/money';
import { tagsTransformer } from '../../db/transformers';
import { Node } from '../node/node.type';

@ObjectType({ implements: Node, simpleResolvers: true, description: 'An item of the catalogue.' })
@Entity('products')
export class Product implements Node {
  @PrimaryGeneratedColumn()
  id!: number;

  @Field(() => ID, { name: 'id' })
  get globalId(): string {
    return toGlobalId('Product', this.id);
  }

  @Field()
  @Index('uq_products_sku', { unique: true })
  @Column({ type: 'varchar', length: 64 })
  sku!: string;

  @Field()
  @Column({ type: 'varchar', length: 200 })
  name!: string;

  @Field()
  @Index('idx_products_category')
  @Column({ type: 'varchar', length: 100 })
  category!: string;

  @Field(() => [String])
  @Column({ type: 'varchar', length: 500, default: '', transformer: tagsTransformer })
  tags!: string[];

  @Column({ type: 'int' })
  priceCents!: number;

  @Field(() => Float, { description: 'List price in currency units.' })
  get price(): number {
    return fromCents(this.priceCents);
  }

  @Field(() => GraphQLJSONObject, { nullable: true, description: 'Free-form features (e.g. brand, size).' })
  @Column({ type: 'simple-json', nullable: true })
  attributes!: Record<string, unknown> | null;

  @Field()
  @CreateDateColumn()
  createdAt!: Date;

  @Field()
  @UpdateDateColumn()
  updatedAt!: Date;

  @Field(() => Int)
  @VersionColumn()
  version!: number;

  @DeleteDateColumn({ nullable: true })
  deletedAt!: Date | null;
}
