import type DataLoader from 'dataloader';
import { Arg, Ctx, ID, Query, Resolver, UseMiddleware } from 'type-graphql';
import { parseGlobalId } from '../../common/global-id';
import type { Context } from '../../context';
import { Audited } from '../auth/guards';
import { Customer } from '../customer/customer.entity';
import { Node } from './node.type';

type AnyLoader = DataLoader<number, (Node & { deletedAt?: Date | null }) | null>;

/** The loader for each type a global id can name (only the one asked for is created). */
function loaderFor(type: string, { loaders }: Context): AnyLoader | null {
  switch (type) {
    case 'Customer': return loaders.customer as AnyLoader;
    case 'Product': return loaders.product as AnyLoader;
    case 'Purchase': return loaders.purchase as AnyLoader;
    case 'Feedback': return loaders.feedback as AnyLoader;
    case 'Interaction': return loaders.care.interaction as AnyLoader;
    case 'Ticket': return loaders.care.ticket as AnyLoader;
    case 'Campaign': return loaders.care.campaign as AnyLoader;
    case 'Coupon': return loaders.care.coupon as AnyLoader;
    default: return null;
  }
}

@Resolver()
export class NodeResolver {
  @Query(() => Node, { nullable: true, description: 'Any object by its global id.' })
  @UseMiddleware(Audited('READ', (r) => (r instanceof Customer ? 'Customer' : null)))
  async node(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<Node | null> {
    const parsed = parseGlobalId(id);
    const loader = parsed && loaderFor(parsed.type, ctx);
    if (!parsed || !loader) return null;
    const found = await loader.load(parsed.id);
    return found && !found.deletedAt ? found : null;
  }
}
