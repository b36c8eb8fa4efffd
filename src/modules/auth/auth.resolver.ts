import { Length } from 'class-validator';
import { Arg, Args, Authorized, Ctx, Field, ID, InputType, Mutation, ObjectType, Query, Resolver, UseMiddleware } from 'type-graphql';
import { expectGlobalId } from '../../common/global-id';
import { Connection, PageArgs } from '../../common/pagination';
import type { Context } from '../../context';
import { AuditLog } from '../audit/audit-log.entity';
import { ApiKey, Role } from './api-key.entity';
import { Audited } from './guards';

@InputType()
class CreateApiKeyInput {
  @Field() @Length(1, 100, { message: 'name must be 1 to 100 characters' }) name!: string;
  @Field(() => Role) role!: Role;
}

@ObjectType({ simpleResolvers: true })
class CreatedApiKey {
  @Field({ description: 'The key itself: shown only now, store it safely.' }) key!: string;
  @Field(() => ApiKey) apiKey!: ApiKey;
}

@InputType()
class AuditLogFilter {
  @Field({ nullable: true }) entity?: string;
  @Field({ nullable: true, description: 'Global id of the record.' }) entityId?: string;
  @Field({ nullable: true }) action?: string;
  @Field(() => ID, { nullable: true }) actorKeyId?: string;
}

const AuditLogConnection = Connection(AuditLog);

/** API keys and the audit log: ADMIN only. */
@Resolver()
export class AuthResolver {
  @Authorized(Role.ADMIN)
  @Query(() => [ApiKey])
  apiKeys(@Ctx() { services }: Context) {
    return services.auth.list();
  }

  @Authorized(Role.ADMIN)
  @UseMiddleware(Audited('CREATE', (r) => (r ? 'ApiKey' : null)))
  @Mutation(() => CreatedApiKey)
  createApiKey(@Arg('input', () => CreateApiKeyInput) input: CreateApiKeyInput, @Ctx() { services }: Context) {
    return services.auth.create(input.name, input.role);
  }

  @Authorized(Role.ADMIN)
  @UseMiddleware(Audited('DELETE', 'ApiKey'))
  @Mutation(() => ApiKey, { description: 'Revokes a key; requests with it fail within seconds.' })
  revokeApiKey(@Arg('id', () => ID) id: string, @Ctx() { services }: Context) {
    return services.auth.revoke(expectGlobalId(id, 'ApiKey'));
  }

  @Authorized(Role.ADMIN)
  @Query(() => AuditLogConnection, { description: 'Who read or changed personal data, newest first.' })
  auditLog(
    @Args(() => PageArgs) page: PageArgs,
    @Arg('filter', () => AuditLogFilter, { nullable: true }) filter: AuditLogFilter | undefined,
    @Ctx() { services }: Context,
  ) {
    return services.audit.list({ ...filter, actorKeyId: filter?.actorKeyId ? expectGlobalId(filter.actorKeyId, 'ApiKey') : undefined }, page);
  }
}
