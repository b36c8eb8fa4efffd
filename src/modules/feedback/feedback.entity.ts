import { MaskForAnalyst } from '../auth/guards';
import { Field, ID, Int, ObjectType, registerEnumType, UseMiddleware } from 'type-graphql';
import {
  Column, DeleteDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn,
} from 'typeorm';
import { toGlobalId } from '../../common/global-id';
import { Product } from '../catalog/product.entity';
import { Customer } from '../customer/customer.entity';
import { Node } from '../node/node.type';
import { Purchase } from '../purchase/purchase.entity';

export enum FeedbackIssue {
  DELIVERY = 'DELIVERY',
  QUALITY = 'QUALITY',
  PRICE = 'PRICE',
  SERVICE = 'SERVICE',
  PRODUCT = 'PRODUCT',
  BILLING = 'BILLING',
  OTHER = 'OTHER',
}
registerEnumType(FeedbackIssue, { name: 'FeedbackIssue' });

export enum ContactChannel {
  EMAIL = 'EMAIL',
  SMS = 'SMS',
  SOCIAL = 'SOCIAL',
  PHONE = 'PHONE',
  IN_PERSON = 'IN_PERSON',
  WEB = 'WEB',
  APP = 'APP',
}
registerEnumType(ContactChannel, { name: 'ContactChannel' });

@ObjectType({ implements: Node, simpleResolvers: true, description: 'A score (1..5) and comment a customer gave.' })
@Entity('feedback')
@Index('idx_feedback_customer_date', ['customerId', 'createdAt'])
@Index('idx_feedback_date', ['createdAt'])
export class Feedback implements Node {
  @PrimaryGeneratedColumn()
  id!: number;

  @Field(() => ID, { name: 'id' })
  get globalId(): string {
    return toGlobalId('Feedback', this.id);
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

  @Column({ type: 'int', nullable: true })
  productId!: number | null;

  @ManyToOne(() => Product, { onDelete: 'SET NULL', nullable: true })
  @JoinColumn({ name: 'product_id' })
  product?: Product | null;

  @Field(() => Int, { description: '1 (very unhappy) .. 5 (very happy)' })
  @Column({ type: 'smallint' })
  score!: number;

  @Field(() => FeedbackIssue, { nullable: true })
  @Column({ type: 'varchar', length: 16, nullable: true })
  issue!: FeedbackIssue | null;

  @Field(() => String, { nullable: true, simple: false })
  @UseMiddleware(MaskForAnalyst())
  @Column({ type: 'varchar', length: 2000, nullable: true })
  comment!: string | null;

  @Field(() => ContactChannel)
  @Column({ type: 'varchar', length: 16 })
  channel!: ContactChannel;

  @Field({ description: 'When the customer gave it.' })
  @Column({ type: 'datetime' })
  createdAt!: Date;

  @Field()
  @UpdateDateColumn()
  updatedAt!: Date;

  @DeleteDateColumn({ nullable: true })
  deletedAt!: Date | null;
}
