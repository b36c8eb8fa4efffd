import { Field, ID, Int, ObjectType, registerEnumType, UseMiddleware } from 'type-graphql';
import {
  Column, CreateDateColumn, DeleteDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn, VersionColumn,
} from 'typeorm';
import { toGlobalId } from '../../common/global-id';
import { tagsTransformer } from '../../db/transformers';
import { initials, MaskForAnalyst } from '../auth/guards';
import { Node } from '../node/node.type';
import type { QuasiIdentifier } from '../auth/masking';
import type { Context } from '../../context';

/** A quasi-identifier as this server's ANALYST_QUASI_IDENTIFIERS policy shows it to an ANALYST. */
const quasi = (field: QuasiIdentifier) => (value: unknown, _root: unknown, context: Context) => context.services.masking.quasi(field, value);

export enum Gender {
  FEMALE = 'FEMALE',
  MALE = 'MALE',
  OTHER = 'OTHER',
}
registerEnumType(Gender, { name: 'Gender' });

@ObjectType({ implements: Node, simpleResolvers: true, description: 'A person the company sells to and cares for.' })
@Entity('customers')
@Index('idx_customers_country_city', ['country', 'city'])
@Index('idx_customers_last_purchase', ['lastPurchaseAt'])
@Index('idx_customers_name', ['name'])
export class Customer implements Node {
  @PrimaryGeneratedColumn()
  id!: number;

  @Field(() => ID, { name: 'id' })
  get globalId(): string {
    return toGlobalId('Customer', this.id);
  }

  @Field({ simple: false, description: 'Initials only for ANALYST callers.' })
  @UseMiddleware(MaskForAnalyst(initials, { audited: true }))
  @Column({ type: 'varchar', length: 200 })
  name!: string;

  @Field(() => String, { nullable: true, simple: false, description: 'Masked (null) for ANALYST callers.' })
  @UseMiddleware(MaskForAnalyst(undefined, { audited: true }))
  @Index('uq_customers_email', { unique: true })
  @Column({ type: 'varchar', length: 254, nullable: true })
  email!: string | null;

  @Field(() => String, { nullable: true, simple: false, description: 'Masked (null) for ANALYST callers.' })
  @UseMiddleware(MaskForAnalyst(undefined, { audited: true }))
  @Column({ type: 'varchar', length: 40, nullable: true })
  phone!: string | null;

  @Field(() => Gender, { nullable: true, simple: false, description: 'Null for ANALYST callers when ANALYST_QUASI_IDENTIFIERS=hidden.' })
  @UseMiddleware(MaskForAnalyst(quasi('gender')))
  @Column({ type: 'varchar', length: 16, nullable: true })
  gender!: Gender | null;

  @Field(() => String, { nullable: true, simple: false, description: 'YYYY-MM-DD; masked (null) for ANALYST callers.' })
  @UseMiddleware(MaskForAnalyst(undefined, { audited: true }))
  @Column({ type: 'date', nullable: true })
  birthDate!: string | null;

  @Field(() => Int, { nullable: true, simple: false, description: 'Age in whole years today, derived from birthDate. For ANALYST callers the lower bound of its 10-year band (ANALYST_QUASI_IDENTIFIERS).' })
  @UseMiddleware(MaskForAnalyst(quasi('age')))
  get age(): number | null {
    if (!this.birthDate) return null;
    const [y, m, d] = this.birthDate.split('-').map(Number);
    const now = new Date();
    const had = now.getUTCMonth() + 1 > m || (now.getUTCMonth() + 1 === m && now.getUTCDate() >= d);
    return now.getUTCFullYear() - y - (had ? 0 : 1);
  }

  @Field(() => String, { nullable: true, simple: false, description: 'Masked (null) for ANALYST callers.' })
  @UseMiddleware(MaskForAnalyst(undefined, { audited: true }))
  @Column({ type: 'varchar', length: 300, nullable: true })
  address!: string | null;

  @Field(() => String, { nullable: true, simple: false, description: 'Null for ANALYST callers unless ANALYST_QUASI_IDENTIFIERS=exact.' })
  @UseMiddleware(MaskForAnalyst(quasi('city')))
  @Column({ type: 'varchar', length: 100, nullable: true })
  city!: string | null;

  @Field(() => String, { nullable: true, simple: false, description: 'ISO 3166-1 alpha-2 code, e.g. DE. Null for ANALYST callers when ANALYST_QUASI_IDENTIFIERS=hidden.' })
  @UseMiddleware(MaskForAnalyst(quasi('country')))
  @Column({ type: 'varchar', length: 2, nullable: true })
  country!: string | null;

  @Field(() => Int, { nullable: true, simple: false, description: 'Yearly income in whole currency units. For ANALYST callers rounded down to 10,000 (ANALYST_QUASI_IDENTIFIERS).' })
  @UseMiddleware(MaskForAnalyst(quasi('annualIncome')))
  @Column({ type: 'int', nullable: true })
  annualIncome!: number | null;

  @Field()
  @Column({ type: 'boolean', default: false })
  emailOptIn!: boolean;

  @Field()
  @Column({ type: 'boolean', default: false })
  smsOptIn!: boolean;

  @Field(() => [String], { simple: false, description: 'Empty for ANALYST callers when ANALYST_QUASI_IDENTIFIERS=hidden.' })
  @UseMiddleware(MaskForAnalyst(quasi('tags')))
  @Column({ type: 'varchar', length: 500, default: '', transformer: tagsTransformer })
  tags!: string[];

  // Denormalised purchase statistics (COMPLETED purchases only), kept by the purchase service so that
  // ordering by last purchase and the value fields cost no extra query.
  @Column({ type: 'int', default: 0 })
  purchaseCount!: number;

  @Column({ type: 'int', default: 0 })
  totalSpentCents!: number;

  @Column({ type: 'datetime', nullable: true })
  firstPurchaseAt!: Date | null;

  @Column({ type: 'datetime', nullable: true })
  lastPurchaseAt!: Date | null;

  @Field()
  @CreateDateColumn()
  createdAt!: Date;

  @Field()
  @UpdateDateColumn()
  updatedAt!: Date;

  @Field(() => Int, { description: 'Optimistic-locking version: pass it back on update.' })
  @VersionColumn()
  version!: number;

  @DeleteDateColumn({ nullable: true })
  deletedAt!: Date | null;

  @Field(() => Date, { nullable: true, description: 'Set when personal data was erased on request.' })
  @Column({ type: 'datetime', nullable: true })
  erasedAt!: Date | null;
}
