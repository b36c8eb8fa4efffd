import { isInterfaceType, isObjectType, type GraphQLField, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';
import { getMetadataStorage } from 'type-graphql';
import { maskedResolver } from './modules/auth/guards';

type Param = NonNullable<ReturnType<typeof getMetadataStorage>['fieldResolvers'][number]['params']>[number];
type Resolve = GraphQLFieldResolver<unknown, Record<string, unknown>, Record<string, unknown>>;
type Field = GraphQLField<unknown, Record<string, unknown>>;
type ResolverInstance = Record<string, (...args: unknown[]) => unknown>;

/**
 * type-graphql calls every field resolver through one generic path: it sorts the parameters, converts and
 * validates each argument behind a promise, and dispatches middleware, for every call. A page of 50 customers
 * with analytics makes ~1,200 such calls, and that path was the largest share of the request's CPU after the
 * executor itself.
 *
 * A field resolver (a @FieldResolver method of a @Resolver class) with no middleware and no roles, whose
 * parameters are only @Root(), @Ctx(), @Info() and @Arg()s of scalar or enum type, gets a direct resolver here:
 * the same method on the same kind of instance with the same values. For those parameters type-graphql's
 * conversion is the identity and its validation does nothing (class-validator checks objects only). Anything
 * else, e.g. @Args() classes, input objects, @Authorized or @UseMiddleware, keeps type-graphql's resolver.
 * Getters exposed as fields get the same treatment (directGetter).
 */
export function withDirectFieldResolvers(schema: GraphQLSchema): GraphQLSchema {
  const storage = getMetadataStorage();
  const inputClasses = new Set<unknown>(storage.inputTypes.map((t) => t.target));
  const instances = new Map<Function, ResolverInstance>();
  for (const fr of storage.fieldResolvers) {
    if (fr.kind === 'internal' && !fr.middlewares?.length && fr.roles === undefined) {
      for (const field of fieldsOf(schema, storage.objectTypes, fr.target, fr.schemaName)) directGetter(field, fr.target, fr.methodName);
      continue;
    }
    if (fr.kind !== 'external' || fr.middlewares?.length || fr.roles !== undefined || !fr.getObjectType) continue;
    const params = [...(fr.params ?? [])].sort((a, b) => a.index - b.index);
    if (!params.every((p) => isDirect(p, inputClasses))) continue;
    const objectClass = fr.getObjectType();
    let instance = instances.get(fr.target);
    if (!instance) instances.set(fr.target, (instance = new (fr.target as new () => ResolverInstance)()));
    for (const field of fieldsOf(schema, storage.objectTypes, objectClass, fr.schemaName)) {
      if (field.resolve) field.resolve = direct(params, instance, fr.methodName, field.resolve as Resolve);
    }
  }
  return schema;
}

/**
 * Plain fields masked for ANALYST callers (MaskForAnalyst as their only middleware) get the masking as a
 * synchronous resolver: through type-graphql's middleware dispatch each customer name cost a chain of promises.
 */
export function withDirectMasks(schema: GraphQLSchema): GraphQLSchema {
  const storage = getMetadataStorage();
  const resolved = new Set(storage.fieldResolvers.map((fr) => `${fr.getObjectType?.().name}.${fr.methodName}`));
  for (const f of storage.fields) {
    const resolve = f.roles === undefined ? maskedResolver(f.middlewares ?? [], f.name) : null;
    if (!resolve || resolved.has(`${f.target.name}.${f.name}`)) continue;
    for (const field of fieldsOf(schema, [...storage.objectTypes, ...storage.interfaceTypes], f.target, f.schemaName)) {
      field.resolve = resolve as unknown as Resolve;
    }
  }
  return schema;
}

/** The field `schemaName` of every object or interface type made from `cls` or a class extending it. */
function fieldsOf(schema: GraphQLSchema, types: readonly { target: Function; name: string }[], cls: Function, schemaName: string): Field[] {
  const fields: Field[] = [];
  for (const t of types) {
    if (t.target !== cls && !Object.prototype.isPrototypeOf.call(cls, t.target)) continue;
    const type = schema.getType(t.name);
    const field = isObjectType(type) || isInterfaceType(type) ? type.getFields()[schemaName] : undefined;
    if (field) fields.push(field);
  }
  return fields;
}

/**
 * A getter of an object class exposed as a field (`@Field() get total()`): type-graphql copies a root that is not
 * an instance of the class into one first; an instance (every entity we load) is read directly.
 */
function directGetter(field: Field, cls: Function, property: string): void {
  if (typeof Object.getOwnPropertyDescriptor(cls.prototype, property)?.get !== 'function' || !field.resolve) return;
  const generic = field.resolve as Resolve;
  field.resolve = (root, args, context, info) =>
    root instanceof cls ? (root as Record<string, unknown>)[property] : generic(root, args, context, info);
}

function isDirect(p: Param, inputClasses: Set<unknown>): boolean {
  switch (p.kind) {
    case 'root':
      return p.propertyName === undefined;
    case 'context':
    case 'info':
      return true;
    case 'arg':
      return !p.validateFn && !inputClasses.has(p.getType());
    default:
      return false;
  }
}

function direct(params: Param[], instance: ResolverInstance, methodName: string, generic: Resolve): Resolve {
  const method = instance[methodName];
  // A root of another class than the one declared goes the generic way (type-graphql would copy it into one).
  const rootClasses = params.map((p) => (p.kind === 'root' && p.getType ? p.getType() : undefined));
  return (root, args, context, info) => {
    const values = new Array<unknown>(params.length);
    for (let i = 0; i < params.length; i++) {
      const p = params[i];
      switch (p.kind) {
        case 'root': {
          const cls = rootClasses[i];
          if (typeof cls === 'function' && root != null && !(root instanceof cls)) return generic(root, args, context, info);
          values[i] = root;
          break;
        }
        case 'context':
          values[i] = p.propertyName ? context[p.propertyName] : context;
          break;
        case 'info':
          values[i] = info;
          break;
        case 'arg':
          values[i] = args[p.name];
          break;
      }
    }
    return method.apply(instance, values);
  };
}
