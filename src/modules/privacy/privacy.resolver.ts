import { GraphQLJSONObject } from 'graphql-scalars';
import { Arg, Authorized, Ctx, ID, Mutation, Query, Resolver, UseMiddleware } from 'type-graphql';
import { expectGlobalId } from '../../common/global-id';
import type { Context } from '../../context';
import { Role } from '../auth/api-key.entity';
import { Audited } from '../auth/guards';
import { Customer } from '../customer/customer.entity';

/** Privacy operations on a person's data (GDPR access and erasure). */
@Resolver()
export class PrivacyResolver {
  @UseMiddleware(Audited('EXPORT', 'Customer'))
  @Query(() => GraphQLJSONObject, { description: 'Everything held about a customer, as JSON (masked for ANALYST).' })
  exportCustomerData(@Arg('id', () => ID) id: string, @Ctx() { services, principal }: Context) {
    return services.privacy.export(expectGlobalId(id, 'Customer'), principal?.role === Role.ANALYST);
  }

  @Authorized(Role.ADMIN)
  @UseMiddleware(Audited('ERASE', 'Customer'))
  @Mutation(() => Customer, { description: 'Irreversibly anonymises the personal fields; purchases are kept for analytics.' })
  eraseCustomer(@Arg('id', () => ID) id: string, @Ctx() { services }: Context) {
    return services.privacy.erase(expectGlobalId(id, 'Customer'));
  }
}
