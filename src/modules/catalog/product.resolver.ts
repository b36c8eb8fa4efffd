import { Audited } from '../auth/guards';
import { Arg, Args, Ctx, Field, ID, Mutation, ObjectType, Query, Resolver, UseMiddleware } from 'type-graphql';
import { expectGlobalId } from '../../common/global-id';
import { Connection, PageArgs } from '../../common/pagination';
import type { Context } from '../../context';
import { Product } from './product.entity';
import { CreateProductInput, ProductFilter, ProductOrder, UpdateProductInput } from './product.inputs';

export const ProductConnection = Connection(Product);

@ObjectType({ simpleResolvers: true })
class UpsertProductPayload {
  @Field(() => Product) product!: Product;
  @Field() created!: boolean;
}

@Resolver(() => Product)
export class ProductResolver {
  @Query(() => ProductConnection)
  products(
    @Args(() => PageArgs) page: PageArgs,
    @Arg('filter', () => ProductFilter, { nullable: true }) filter: ProductFilter | undefined,
    @Arg('orderBy', () => ProductOrder, { nullable: true }) orderBy: ProductOrder | undefined,
    @Ctx() { services }: Context,
  ) {
    return services.products.list(filter, orderBy, page);
  }

  @Query(() => Product, { nullable: true })
  product(@Arg('id', () => ID) id: string, @Ctx() { loaders }: Context) {
    return loaders.product.load(expectGlobalId(id, 'Product')).then((p) => (p && !p.deletedAt ? p : null));
  }

  @Mutation(() => Product)
  @UseMiddleware(Audited('CREATE', 'Product'))
  createProduct(@Arg('input', () => CreateProductInput) input: CreateProductInput, @Ctx() { services }: Context) {
    return services.products.create(input);
  }

  @Mutation(() => Product)
  @UseMiddleware(Audited('UPDATE', 'Product'))
  updateProduct(@Arg('input', () => UpdateProductInput) input: UpdateProductInput, @Ctx() { services }: Context) {
    return services.products.update(expectGlobalId(input.id, 'Product'), input, input.version);
  }

  @Mutation(() => UpsertProductPayload, { description: 'Creates the product with this sku, or updates it.' })
  @UseMiddleware(Audited('UPDATE', 'Product'))
  upsertProduct(@Arg('input', () => CreateProductInput) input: CreateProductInput, @Ctx() { services }: Context) {
    return services.products.upsertBySku(input);
  }

  @Mutation(() => Product)
  @UseMiddleware(Audited('DELETE', 'Product'))
  deleteProduct(@Arg('id', () => ID) id: string, @Ctx() { services }: Context) {
    return services.products.softDelete(expectGlobalId(id, 'Product'));
  }
}
