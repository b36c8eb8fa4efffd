import { Audited } from '../auth/guards';
import { Arg, Args, Ctx, FieldResolver, ID, Mutation, ObjectType, Query, Resolver, Root, Field, UseMiddleware } from 'type-graphql';
import { expectGlobalId } from '../../common/global-id';
import { ImportResult } from '../../common/import-result';
import { Connection, NESTED_PAGE, PageArgs } from '../../common/pagination';
import type { Context } from '../../context';
import { Feedback } from '../feedback/feedback.entity';
import { FeedbackFilter } from '../feedback/feedback.inputs';
import { Purchase } from '../purchase/purchase.entity';
import { PurchaseFilter, PurchaseOrder } from '../purchase/purchase.inputs';
import { Role } from '../auth/api-key.entity';
import { Customer } from './customer.entity';
import { CreateCustomerInput, CustomerFilter, CustomerOrder, ImportCustomersInput, UpdateCustomerInput, UpsertCustomerInput } from './customer.inputs';

export const CustomerConnection = Connection(Customer);
export const PurchaseConnection = Connection(Purchase);
export const FeedbackConnection = Connection(Feedback);

@ObjectType({ simpleResolvers: true })
class UpsertCustomerPayload {
  @Field(() => Customer) customer!: Customer;
  @Field({ description: 'true when a new customer was created, false when one was updated' }) created!: boolean;
}

@Resolver(() => Customer)
export class CustomerResolver {
  @Query(() => CustomerConnection, { description: 'Customers, filtered, ordered and paginated (Relay).' })
  customers(
    @Args(() => PageArgs) page: PageArgs,
    @Arg('filter', () => CustomerFilter, { nullable: true }) filter: CustomerFilter | undefined,
    @Arg('orderBy', () => CustomerOrder, { nullable: true }) orderBy: CustomerOrder | undefined,
    @Ctx() { services, principal }: Context,
  ) {
    if (principal?.role === Role.ANALYST) services.masking.assertMayUse(filter, orderBy);
    return services.customers.list(filter, orderBy, page);
  }

  @Query(() => Customer, { nullable: true })
  @UseMiddleware(Audited('READ', 'Customer'))
  customer(@Arg('id', () => ID) id: string, @Ctx() { loaders }: Context) {
    return loaders.customer.load(expectGlobalId(id, 'Customer')).then((c) => (c && !c.deletedAt ? c : null));
  }

  @FieldResolver(() => PurchaseConnection, { description: 'Newest first unless ordered otherwise.' })
  purchases(
    @Root() customer: Customer,
    @Args(() => PageArgs, NESTED_PAGE) page: PageArgs,
    @Arg('filter', () => PurchaseFilter, { nullable: true }) filter: PurchaseFilter | undefined,
    @Arg('orderBy', () => PurchaseOrder, { nullable: true }) orderBy: PurchaseOrder | undefined,
    @Ctx() { loaders }: Context,
  ) {
    return loaders.purchasesOfCustomer(filter, orderBy, page).load(customer.id);
  }

  @FieldResolver(() => FeedbackConnection, { description: 'Newest first.' })
  feedback(
    @Root() customer: Customer,
    @Args(() => PageArgs, NESTED_PAGE) page: PageArgs,
    @Arg('filter', () => FeedbackFilter, { nullable: true }) filter: FeedbackFilter | undefined,
    @Ctx() { loaders }: Context,
  ) {
    return loaders.feedbackOfCustomer(filter, page).load(customer.id);
  }

  @Mutation(() => Customer)
  @UseMiddleware(Audited('CREATE', 'Customer'))
  createCustomer(@Arg('input', () => CreateCustomerInput) input: CreateCustomerInput, @Ctx() { services }: Context) {
    return services.customers.create(input);
  }

  @Mutation(() => Customer, { description: 'Changes the given fields; pass version to guard against lost updates.' })
  @UseMiddleware(Audited('UPDATE', 'Customer'))
  updateCustomer(@Arg('input', () => UpdateCustomerInput) input: UpdateCustomerInput, @Ctx() { services }: Context) {
    return services.customers.update(expectGlobalId(input.id, 'Customer'), input, input.version);
  }

  @Mutation(() => UpsertCustomerPayload, { description: 'Creates the customer with this email, or updates it.' })
  @UseMiddleware(Audited('UPDATE', 'Customer'))
  upsertCustomer(@Arg('input', () => UpsertCustomerInput) input: UpsertCustomerInput, @Ctx() { services }: Context) {
    return services.customers.upsertByEmail(input);
  }

  @Mutation(() => Customer, { description: 'Soft delete: hidden from lists, kept for history.' })
  @UseMiddleware(Audited('DELETE', 'Customer'))
  deleteCustomer(@Arg('id', () => ID) id: string, @Ctx() { services }: Context) {
    return services.customers.softDelete(expectGlobalId(id, 'Customer'));
  }

  @Mutation(() => ImportResult, { description: 'Bulk upsert (by email when present) with a result per row.' })
  @UseMiddleware(Audited('CREATE', 'Customer'))
  importCustomers(@Arg('input', () => ImportCustomersInput) input: ImportCustomersInput, @Ctx() { services }: Context) {
    return services.customers.importRows(input.rows);
  }
}
