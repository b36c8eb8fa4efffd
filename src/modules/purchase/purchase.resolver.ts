import { Audited } from '../auth/guards';
import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Ctx, FieldResolver, ID, Info, Mutation, Query, Resolver, Root, UseMiddleware } from 'type-graphql';
import { expectGlobalId } from '../../common/global-id';
import { ImportResult } from '../../common/import-result';
import { PageArgs } from '../../common/pagination';
import { selectsSubField } from '../../common/selection';
import type { Context } from '../../context';
import { Product } from '../catalog/product.entity';
import { Customer } from '../customer/customer.entity';
import { PurchaseConnection } from '../customer/customer.resolver';
import { Purchase, PurchaseLine, PurchaseStatus } from './purchase.entity';
import { CreatePurchaseInput, ImportPurchasesInput, PurchaseFilter, PurchaseOrder } from './purchase.inputs';

@Resolver(() => Purchase)
export class PurchaseResolver {
  @Query(() => PurchaseConnection)
  purchases(
    @Args(() => PageArgs) page: PageArgs,
    @Arg('filter', () => PurchaseFilter, { nullable: true }) filter: PurchaseFilter | undefined,
    @Arg('orderBy', () => PurchaseOrder, { nullable: true }) orderBy: PurchaseOrder | undefined,
    @Ctx() { services }: Context,
  ) {
    return services.purchases.list(filter, orderBy, page);
  }

  @Query(() => Purchase, { nullable: true })
  purchase(@Arg('id', () => ID) id: string, @Ctx() { loaders }: Context) {
    return loaders.purchase.load(expectGlobalId(id, 'Purchase')).then((p) => (p && !p.deletedAt ? p : null));
  }

  @FieldResolver(() => Customer)
  customer(@Root() p: Purchase, @Ctx() { loaders }: Context) {
    return loaders.customer.load(p.customerId);
  }

  @FieldResolver(() => [PurchaseLine])
  lines(@Root() p: Purchase, @Ctx() { loaders }: Context, @Info() info: GraphQLResolveInfo) {
    // Lines asked for with their products: the products come with the lines (the same two statements), so that
    // each line's product is there at once rather than one promise per line.
    return (selectsSubField(info, 'product') ? loaders.linesOfPurchaseWithProducts : loaders.linesOfPurchase).load(p.id);
  }

  @Mutation(() => Purchase, { description: 'Creates a purchase with its lines in one transaction; totals are computed here.' })
  @UseMiddleware(Audited('CREATE', 'Purchase'))
  createPurchase(@Arg('input', () => CreatePurchaseInput) input: CreatePurchaseInput, @Ctx() { services }: Context) {
    return services.purchases.create(input);
  }

  @Mutation(() => Purchase)
  @UseMiddleware(Audited('UPDATE', 'Purchase'))
  updatePurchaseStatus(
    @Arg('id', () => ID) id: string,
    @Arg('status', () => PurchaseStatus) status: PurchaseStatus,
    @Ctx() { services }: Context,
  ) {
    return services.purchases.setStatus(expectGlobalId(id, 'Purchase'), status);
  }

  @Mutation(() => Purchase)
  @UseMiddleware(Audited('DELETE', 'Purchase'))
  deletePurchase(@Arg('id', () => ID) id: string, @Ctx() { services }: Context) {
    return services.purchases.softDelete(expectGlobalId(id, 'Purchase'));
  }

  @Mutation(() => ImportResult, { description: 'Bulk purchases with a result per row; each row is all-or-nothing.' })
  @UseMiddleware(Audited('CREATE', 'Purchase'))
  importPurchases(@Arg('input', () => ImportPurchasesInput) input: ImportPurchasesInput, @Ctx() { services }: Context) {
    return services.purchases.importRows(input.rows);
  }
}

@Resolver(() => PurchaseLine)
export class PurchaseLineResolver {
  @FieldResolver(() => Product)
  product(@Root() line: PurchaseLine, @Ctx() { loaders }: Context) {
    return loaders.loadedProduct(line.productId) ?? loaders.product.load(line.productId);
  }
}
