import { isInterfaceType, isObjectType, type GraphQLField, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';
import { getMetadataStorage } from 'type-graphql';
import { getMetadataArgsStorage } from 'typeorm';
import { isKnownValid } from './common/validation';
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
 * Getters exposed as fields get the same treatment (directGetter); a getter of an entity whose field has its name
 * gets no resolver at all (inlineGetter).
 */
export function withDirectFieldResolvers(schema: GraphQLSchema): GraphQLSchema {
  const storage = getMetadataStorage();
  const inputClasses = new Set<unknown>(storage.inputTypes.map((t) => t.target));
  const argsClasses = argsClassesOf(storage, inputClasses);
  const flatInputs = flatInputClassesOf(storage, inputClasses);
  const instances = new Map<Function, ResolverInstance>();
  const entities = new Set<unknown>(getMetadataArgsStorage().tables.map((t) => t.target));
  for (const fr of storage.fieldResolvers) {
    if (fr.kind === 'internal' && !fr.middlewares?.length && fr.roles === undefined) {
      for (const t of storage.objectTypes) {
        if (t.target !== fr.target && !Object.prototype.isPrototypeOf.call(fr.target, t.target)) continue;
        for (const field of fieldsOf(schema, [t], t.target, fr.schemaName)) {
          if (entities.has(t.target) && field.name === fr.methodName) inlineGetter(field, fr.target, fr.methodName);
          else directGetter(field, fr.target, fr.methodName);
        }
      }
      continue;
    }
    if (fr.kind !== 'external' || fr.middlewares?.length || fr.roles !== undefined || !fr.getObjectType) continue;
    const params = [...(fr.params ?? [])].sort((a, b) => a.index - b.index);
    if (!params.every((p) => isDirect(p, inputClasses, flatInputs, argsClasses))) continue;
    const objectClass = fr.getObjectType();
    let instance = instances.get(fr.target);
    if (!instance) instances.set(fr.target, (instance = new (fr.target as new () => ResolverInstance)()));
    for (const field of fieldsOf(schema, storage.objectTypes, objectClass, fr.schemaName)) {
      if (field.resolve) field.resolve = direct(params, instance, fr.methodName, field.resolve as Resolve, inputClasses, argsClasses);
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

/**
 * A getter of an entity exposed under its own name (`@Field() get total()` on Purchase): no resolver, so that both
 * executors read the property like any column (graphql-jit then reads it inline, without a resolver call, its
 * resolve info and response path per object: ~5% of the CPU of a page of purchases with their lines). Every
 * entity object a resolver returns is an instance (TypeORM's, or the hydrators' of src/common/sql.ts), which
 * type-graphql would read the getter of directly too.
 */
function inlineGetter(field: Field, cls: Function, property: string): void {
  if (typeof Object.getOwnPropertyDescriptor(cls.prototype, property)?.get !== 'function' || !field.resolve) return;
  field.resolve = undefined;
}

/** Classes of @ArgsType()s whose fields are all of scalar or enum type, with their field names (inherited too). */
type ArgsClasses = Map<Function, string[]>;

function argsClassesOf(storage: ReturnType<typeof getMetadataStorage>, inputClasses: Set<unknown>): ArgsClasses {
  const out: ArgsClasses = new Map();
  for (const t of storage.argumentTypes) {
    const names: string[] = [];
    let scalarOnly = true;
    for (let cls: Function | null = t.target; cls && cls.prototype !== undefined; cls = Object.getPrototypeOf(cls)) {
      for (const f of storage.argumentTypes.find((a) => a.target === cls)?.fields ?? []) {
        const type = f.getType();
        if (inputClasses.has(type) || storage.argumentTypes.some((a) => a.target === type)) scalarOnly = false;
        names.push(f.name);
      }
    }
    if (scalarOnly) out.set(t.target, names);
  }
  return out;
}

/** Input classes none of whose fields (inherited ones too) is of an input class: type-graphql converts them flat. */
function flatInputClassesOf(storage: ReturnType<typeof getMetadataStorage>, inputClasses: Set<unknown>): Set<unknown> {
  const out = new Set<unknown>();
  for (const t of storage.inputTypes) {
    let flat = true;
    for (let cls: Function | null = t.target; cls && cls.prototype !== undefined; cls = Object.getPrototypeOf(cls)) {
      for (const f of storage.inputTypes.find((i) => i.target === cls)?.fields ?? []) if (inputClasses.has(f.getType())) flat = false;
    }
    if (flat) out.add(t.target);
  }
  return out;
}

function isDirect(p: Param, inputClasses: Set<unknown>, flatInputs: Set<unknown>, argsClasses: ArgsClasses): boolean {
  switch (p.kind) {
    case 'root':
      return p.propertyName === undefined;
    case 'context':
    case 'info':
      return true;
    case 'arg':
      // An input object goes direct only when absent or known valid (see direct()).
      return !p.validateFn && (!inputClasses.has(p.getType()) || flatInputs.has(p.getType()));
    case 'args':
      return !p.validateFn && argsClasses.has(p.getType() as Function);
    default:
      return false;
  }
}

function direct(params: Param[], instance: ResolverInstance, methodName: string, generic: Resolve, inputClasses: Set<unknown>, argsClasses: ArgsClasses): Resolve {
  const method = instance[methodName];
  // A root of another class than the one declared goes the generic way (type-graphql would copy it into one).
  const rootClasses = params.map((p) => (p.kind === 'root' && p.getType ? p.getType() : undefined));
  const types = params.map((p) => (p.kind === 'arg' || p.kind === 'args' ? (p.getType() as Function) : undefined));
  const inputArg = params.map((p, i) => p.kind === 'arg' && inputClasses.has(types[i]));
  const argsFields = params.map((p, i) => (p.kind === 'args' ? argsClasses.get(types[i]!)! : undefined));
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
        case 'arg': {
          const value = args[p.name];
          // An input object is converted and validated by type-graphql, unless absent or already seen to pass
          // validation (the global validateFn, src/common/validation.ts, which remembers passes).
          if (inputArg[i] && value != null && !isKnownValid(value, types[i])) return generic(root, args, context, info);
          values[i] = inputArg[i] && value != null ? asInstance(types[i]!, value as Record<string, unknown>) : value;
          break;
        }
        case 'args': {
          // type-graphql's conversion of an @ArgsType() of scalar fields: an instance holding the given fields.
          const fields: Record<string, unknown> = {};
          for (const name of argsFields[i]!) if (args[name] !== undefined) fields[name] = args[name];
          const converted = asInstance(types[i]!, fields);
          if (!isKnownValid(converted, types[i])) return generic(root, args, context, info);
          values[i] = converted;
          break;
        }
      }
    }
    return method.apply(instance, values);
  };
}

/**
 * type-graphql's convertToType for an object of plain values (helpers/types.js): a new instance without the
 * declared-but-undefined properties the value lacks, then the value's own properties.
 */
function asInstance(cls: Function, data: Record<string, unknown>): unknown {
  if (data instanceof cls) return data;
  const instance = new (cls as new () => Record<string, unknown>)();
  for (const key of Object.keys(instance)) if (instance[key] === undefined && !(key in data)) delete instance[key];
  return Object.assign(instance, data);
}
