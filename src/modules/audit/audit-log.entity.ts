import { Field, ID, Int, ObjectType } from 'type-graphql';
import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { toGlobalId } from '../../common/global-id';

/** Who read or changed personal data, and when. Append-only. */
@ObjectType({ simpleResolvers: true })
@Entity('audit_log')
@Index('idx_audit_log_entity', ['entity', 'entityId'])
@Index('idx_audit_log_at', ['at'])
export class AuditLog {
  @PrimaryGeneratedColumn()
  id!: number;

  @Field(() => ID, { name: 'id' })
  get globalId(): string {
    return toGlobalId('AuditLog', this.id);
  }

  @Field()
  @Column({ type: 'datetime' })
  at!: Date;

  @Field(() => Int, { nullable: true, description: 'The API key that acted.' })
  @Column({ type: 'int', nullable: true })
  actorKeyId!: number | null;

  @Field()
  @Column({ type: 'varchar', length: 100 })
  actor!: string;

  @Field()
  @Column({ type: 'varchar', length: 16 })
  role!: string;

  @Field({ description: 'READ, CREATE, UPDATE, DELETE, EXPORT, ERASE' })
  @Column({ type: 'varchar', length: 16 })
  action!: string;

  @Field({ description: 'The GraphQL field that did it, e.g. updateCustomer.' })
  @Column({ type: 'varchar', length: 64 })
  operation!: string;

  @Field()
  @Column({ type: 'varchar', length: 32 })
  entity!: string;

  @Field(() => String, { nullable: true, description: 'Global id of the record.' })
  @Column({ type: 'varchar', length: 64, nullable: true })
  entityId!: string | null;

  @Field()
  @Column({ type: 'varchar', length: 64 })
  requestId!: string;

  /** Ids of every record a list or nested read showed personal fields of (one entry per request). */
  @Column({ type: 'text', nullable: true })
  entityIds!: string | null;

  @Field(() => [ID], { nullable: true, description: 'For reads of lists and nested objects: the global id of every record whose personal fields the request read (one entry per request).' })
  get readIds(): string[] | null {
    return this.entityIds ? this.entityIds.split(',').map((id) => toGlobalId(this.entity, Number(id))) : null;
  }
}
