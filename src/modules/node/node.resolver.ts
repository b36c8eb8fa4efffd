import { Audited } from '../auth/guards';
import { Customer } from '../customer/customer.entity';
import { Arg, Ctx, ID, Query, Resolver, UseMiddleware } from 'type-graphql';
import { parseGlobalId } from '../../common/global-id';
import type { Context } from '../../context';
import { Node } from './node.type';

@Resolver()
export class NodeResolver {
  @Query(() => Node, { nullable: true, description: 'Any object by its global id.' })
  @UseMiddleware(Audited('READ', (r) => (r instanceof Customer ? 'Customer' : null)))
  async node(@Arg('id', () => ID) id: string, @Ctx() { loaders }: Context): Promise<Node | null> {
    const parsed = parseGlobalId(id);
    if (!parsed) return null;
    const loader = ({ Customer: loaders.customer, Product: loaders.product, Purchase: loaders.purchase, Feedback: loaders.feedback } as const)[
      parsed.type as 'Customer'
    ];
    if (!loader) return null;
    const found = (await loader.load(parsed.id)) as (Node & { deletedAt?: Date | null }) | null;
    return found && !found.deletedAt ? found : null;
  }
}
