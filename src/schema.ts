import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isInterfaceType, isUnionType, lexicographicSortSchema, printSchema, type GraphQLSchema, type GraphQLTypeResolver } from 'graphql';
import { buildSchema, getMetadataStorage } from 'type-graphql';
import { AnalyticsQueryResolver, CustomerAnalyticsResolver } from './modules/analytics/analytics.resolver';
import { AuthResolver } from './modules/auth/auth.resolver';
import { authChecker } from './modules/auth/guards';
import { careResolvers } from './modules/care/care.resolvers';
import { ProductResolver } from './modules/catalog/product.resolver';
import { CustomerResolver } from './modules/customer/customer.resolver';
import { FeedbackResolver } from './modules/feedback/feedback.resolver';
import { FeedbackInsightResolver } from './modules/feedback/insight/feedback-insight.resolver';
import { ProductInsightsResolver, PurchaseInsightsResolver } from './modules/analytics/graph-insights.resolver';
import { LifetimeMatrixResolver } from './modules/analytics/lifetime-matrix.resolver';
import { NodeResolver } from './modules/node/node.resolver';
import { PrivacyResolver } from './modules/privacy/privacy.resolver';
import { PurchaseLineResolver, PurchaseResolver } from './modules/purchase/purchase.resolver';
import { validateArgs } from './common/validation';
import { withDirectFieldResolvers, withDirectMasks } from './direct-resolvers';
import { pubSub } from './realtime/pubsub';

export const resolvers = [NodeResolver, CustomerResolver, ProductResolver, PurchaseResolver, PurchaseLineResolver, FeedbackResolver, FeedbackInsightResolver, PurchaseInsightsResolver, ProductInsightsResolver, LifetimeMatrixResolver, CustomerAnalyticsResolver, AnalyticsQueryResolver, AuthResolver, PrivacyResolver, ...careResolvers] as const;

let built: Promise<GraphQLSchema> | null = null;

/** The executable schema (built once per process; type-graphql metadata is global anyway). */
export function getSchema(): Promise<GraphQLSchema> {
  built ??= buildSchema({
    resolvers: resolvers as unknown as [Function, ...Function[]],
    validateFn: validateArgs,
    authChecker,
    authMode: 'error',
    pubSub,
    emitSchemaFile: false,
  })
    .then(withSyncTypeResolvers)
    .then(withDirectFieldResolvers)
    .then(withDirectMasks);
  return built;
}

/**
 * type-graphql wraps every resolveType in an async function; graphql-jit (src/execution.ts) calls resolveType
 * synchronously. Ours return the type name at once, so the abstract types get them back unwrapped.
 */
function withSyncTypeResolvers(schema: GraphQLSchema): GraphQLSchema {
  const storage = getMetadataStorage();
  for (const { name, resolveType } of [...storage.interfaceTypes, ...storage.unions]) {
    const type = schema.getType(name);
    if (resolveType && (isInterfaceType(type) || isUnionType(type))) {
      type.resolveType = resolveType as GraphQLTypeResolver<unknown, unknown>;
    }
  }
  return schema;
}

export const SCHEMA_FILE = join(__dirname.replace(/[\\/]dist([\\/]|$)/, '$1'), '..', 'schema.graphql');

/** The contract as SDL: sorted so that moving code around does not change it. */
export async function printContract(): Promise<string> {
  return `${printSchema(lexicographicSortSchema(await getSchema()))}\n`;
}

export async function emitSchemaFile(): Promise<string> {
  writeFileSync(SCHEMA_FILE, await printContract());
  return SCHEMA_FILE;
}

/** A short description of where schema.graphql and the code differ, or null when they agree. */
export async function schemaDrift(): Promise<string | null> {
  const expected = await printContract();
  let actual = '';
  try {
    actual = readFileSync(SCHEMA_FILE, 'utf8');
  } catch {
    return 'schema.graphql is missing';
  }
  if (actual === expected) return null;
  const a = actual.split('\n');
  const e = expected.split('\n');
  const i = e.findIndex((line, n) => line !== a[n]);
  return `first difference at line ${i + 1}:\n  file: ${a[i] ?? '<end>'}\n  code: ${e[i] ?? '<end>'}`;
}
