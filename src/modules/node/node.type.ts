import { Field, ID, InterfaceType } from 'type-graphql';

/** Relay's Node: every top-level object has a global id resolvable through `node(id:)`. */
@InterfaceType({
  description: 'An object with a global id (base64 of "Type:id").',
  resolveType: (value: object) => value.constructor.name,
})
export abstract class Node {
  @Field(() => ID, { name: 'id' })
  globalId!: string;
}
