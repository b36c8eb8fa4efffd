import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { toGlobalId } from '../../common/global-id';

export enum Role {
  ADMIN = 'ADMIN',
  AGENT = 'AGENT',
  ANALYST = 'ANALYST',
}
registerEnumType(Role, {
  name: 'Role',
  description: 'ADMIN: everything. AGENT: read and write customers and care records. ANALYST: read-only, personal data masked.',
});

/** An API key: only its SHA-256 is stored; the key itself is shown once, at creation. */
@ObjectType({ simpleResolvers: true })
@Entity('api_keys')
export class ApiKey {
  @PrimaryGeneratedColumn()
  id!: number;

  @Field(() => ID, { name: 'id' })
  get globalId(): string {
    return toGlobalId('ApiKey', this.id);
  }

  @Field({ description: 'Who or what uses the key, e.g. "ops" or "crm-sync".' })
  @Column({ type: 'varchar', length: 100 })
  name!: string;

  @Field(() => Role)
  @Column({ type: 'varchar', length: 16 })
  role!: Role;

  @Index('uq_api_keys_hash', { unique: true })
  @Column({ type: 'varchar', length: 64 })
  keyHash!: string;

  @Field({ description: 'The first characters of the key, to recognise it.' })
  @Column({ type: 'varchar', length: 12 })
  keyPrefix!: string;

  @Field()
  @CreateDateColumn()
  createdAt!: Date;

  @Field(() => Date, { nullable: true })
  @Column({ type: 'datetime', nullable: true })
  revokedAt!: Date | null;
}
