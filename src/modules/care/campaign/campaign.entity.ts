import { Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { toGlobalId } from '../../../common/global-id';
import { fromCents } from '../../../common/money';
import { Customer } from '../../customer/customer.entity';
import { Node } from '../../node/node.type';
import { Purchase } from '../../purchase/purchase.entity';

export enum CampaignType {
  COUPON = 'COUPON',
  DISCOUNT = 'DISCOUNT',
  PROMOTION = 'PROMOTION',
}
registerEnumType(CampaignType, { name: 'CampaignType', description: 'COUPON and DISCOUNT need a discount; a PROMOTION may have none (its coupons only track redemptions).' });

export enum CampaignChannel {
  EMAIL = 'EMAIL',
  SMS = 'SMS',
}
registerEnumType(CampaignChannel, { name: 'CampaignChannel', description: 'Sent only to customers who opted in to it (emailOptIn / smsOptIn).' });

/** Who a campaign targets: every given criterion must hold (AND). Stored as JSON with the campaign. */
export interface AudienceSpec {
  /** Segment id in the default K-means segmentation (Customer.segment). */
  segmentId?: number | null;
  /** RFM segment name (Customer.rfm.segment), e.g. "At risk". */
  rfmSegment?: string | null;
  /** Churn risk (Customer.lifetime.churnRisk) strictly above this. */
  churnRiskAbove?: number | null;
  /** Value tier (Customer.value.tier). */
  valueTier?: 'HIGH' | 'MEDIUM' | 'LOW' | null;
  /** Database ids of hand-picked customers. */
  customerIds?: number[] | null;
}

@ObjectType({ implements: Node, simpleResolvers: true, description: 'A retention campaign: coupons for an audience, over one channel, in a validity window.' })
@Entity('campaigns')
@Index('idx_campaigns_window', ['startsAt', 'endsAt'])
export class Campaign implements Node {
  @PrimaryGeneratedColumn()
  id!: number;

  @Field(() => ID, { name: 'id' })
  get globalId(): string {
    return toGlobalId('Campaign', this.id);
  }

  @Field()
  @Column({ type: 'varchar', length: 200 })
  name!: string;

  @Field(() => CampaignType)
  @Column({ type: 'varchar', length: 16 })
  type!: CampaignType;

  @Field(() => CampaignChannel)
  @Column({ type: 'varchar', length: 8 })
  channel!: CampaignChannel;

  @Field({ description: 'Coupons are redeemable from this instant...' })
  @Column({ type: 'datetime', precision: 3 })
  startsAt!: Date;

  @Field({ description: '...until this one (exclusive).' })
  @Column({ type: 'datetime', precision: 3 })
  endsAt!: Date;

  @Field(() => Int, { nullable: true, description: 'Percent off the purchase subtotal (1..100).' })
  @Column({ type: 'int', nullable: true })
  discountPercent!: number | null;

  @Column({ type: 'int', nullable: true })
  discountAmountCents!: number | null;

  @Field(() => Float, { nullable: true, description: 'Fixed amount off the subtotal (never below zero).' })
  get discountAmount(): number | null {
    return this.discountAmountCents == null ? null : fromCents(this.discountAmountCents);
  }

  @Field({ description: 'Start of every coupon code of the campaign, e.g. SPRING.' })
  @Column({ type: 'varchar', length: 12 })
  codePrefix!: string;

  @Column({ type: 'simple-json' })
  audience!: AudienceSpec;

  @Field(() => Date, { nullable: true, description: 'Last launch (coupons issued); null for a draft.' })
  @Column({ type: 'datetime', precision: 3, nullable: true })
  launchedAt!: Date | null;

  @Field()
  @CreateDateColumn()
  createdAt!: Date;

  @Field()
  @UpdateDateColumn()
  updatedAt!: Date;

  isActiveAt(at: Date): boolean {
    return this.startsAt.getTime() <= at.getTime() && at.getTime() < this.endsAt.getTime();
  }

  @Field({ description: 'The validity window contains now.' })
  get active(): boolean {
    return this.isActiveAt(new Date());
  }
}

@ObjectType({ implements: Node, simpleResolvers: true, description: 'A personal code issued by a campaign; redeemable once, by its owner, within the window.' })
@Entity('coupons')
@Index('uq_coupons_campaign_customer', ['campaignId', 'customerId'], { unique: true })
@Index('idx_coupons_customer', ['customerId'])
export class Coupon implements Node {
  @PrimaryGeneratedColumn()
  id!: number;

  @Field(() => ID, { name: 'id' })
  get globalId(): string {
    return toGlobalId('Coupon', this.id);
  }

  @Field()
  @Index('uq_coupons_code', { unique: true })
  @Column({ type: 'varchar', length: 40 })
  code!: string;

  @Column({ type: 'int' })
  campaignId!: number;

  @ManyToOne(() => Campaign, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'campaign_id' })
  campaign?: Campaign;

  @Column({ type: 'int' })
  customerId!: number;

  @ManyToOne(() => Customer, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'customer_id' })
  customer?: Customer;

  @Field()
  @Column({ type: 'datetime', precision: 3 })
  issuedAt!: Date;

  @Field(() => Date, { nullable: true })
  @Column({ type: 'datetime', precision: 3, nullable: true })
  redeemedAt!: Date | null;

  @Index('uq_coupons_redeeming_purchase', { unique: true })
  @Column({ type: 'int', nullable: true })
  redeemingPurchaseId!: number | null;

  @ManyToOne(() => Purchase, { onDelete: 'SET NULL', nullable: true })
  @JoinColumn({ name: 'redeeming_purchase_id' })
  redeemingPurchase?: Purchase | null;
}
