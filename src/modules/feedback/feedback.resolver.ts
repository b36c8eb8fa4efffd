import { Audited } from '../auth/guards';
import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root, UseMiddleware } from 'type-graphql';
import { expectGlobalId } from '../../common/global-id';
import { PageArgs } from '../../common/pagination';
import type { Context } from '../../context';
import { Product } from '../catalog/product.entity';
import { Customer } from '../customer/customer.entity';
import { FeedbackConnection } from '../customer/customer.resolver';
import { Purchase } from '../purchase/purchase.entity';
import { Feedback } from './feedback.entity';
import { CreateFeedbackInput, FeedbackFilter, UpdateFeedbackInput } from './feedback.inputs';

@Resolver(() => Feedback)
export class FeedbackResolver {
  @Query(() => FeedbackConnection, { description: 'All feedback, newest first.' })
  feedbacks(
    @Args(() => PageArgs) page: PageArgs,
    @Arg('filter', () => FeedbackFilter, { nullable: true }) filter: FeedbackFilter | undefined,
    @Ctx() { services }: Context,
  ) {
    return services.feedback.list(filter, page);
  }

  @FieldResolver(() => Customer)
  customer(@Root() f: Feedback, @Ctx() { loaders }: Context) {
    return loaders.customer.load(f.customerId);
  }

  @FieldResolver(() => Purchase, { nullable: true })
  purchase(@Root() f: Feedback, @Ctx() { loaders }: Context) {
    return f.purchaseId ? loaders.purchase.load(f.purchaseId) : null;
  }

  @FieldResolver(() => Product, { nullable: true })
  product(@Root() f: Feedback, @Ctx() { loaders }: Context) {
    return f.productId ? loaders.product.load(f.productId) : null;
  }

  @Mutation(() => Feedback)
  @UseMiddleware(Audited('CREATE', 'Feedback'))
  createFeedback(@Arg('input', () => CreateFeedbackInput) input: CreateFeedbackInput, @Ctx() { services }: Context) {
    return services.feedback.create(input);
  }

  @Mutation(() => Feedback)
  @UseMiddleware(Audited('UPDATE', 'Feedback'))
  updateFeedback(@Arg('input', () => UpdateFeedbackInput) input: UpdateFeedbackInput, @Ctx() { services }: Context) {
    return services.feedback.update(input);
  }

  @Mutation(() => Feedback)
  @UseMiddleware(Audited('DELETE', 'Feedback'))
  deleteFeedback(@Arg('id', () => ID) id: string, @Ctx() { services }: Context) {
    return services.feedback.softDelete(expectGlobalId(id, 'Feedback'));
  }
}
