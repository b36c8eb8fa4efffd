import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, type DocumentNode, type GraphQLSchema } from 'graphql';
import { getComplexity, simpleEstimator, type ComplexityEstimator } from 'graphql-query-complexity';
import { jsonKey } from './json-key';
import { DEFAULT_PAGE } from './pagination';

/** Lists without a page argument (purchase lines, recommendations) are priced as this many items. */
const UNPAGED_LIST = 10;

/**
 * Prices a list field by its page size: first/last/limit times the cost of one item, so that
 * `customers(first: 100) { purchases(first: 100) { ... } }` costs what it will really cost.
 */
const pagedEstimator: ComplexityEstimator = ({ args, childComplexity, field, type }) => {
  // A connection's edges/nodes are the page itself: already multiplied by first/last on the connection field.
  if (type.name.endsWith('Connection') && (field.name === 'edges' || field.name === 'nodes')) return 1 + childComplexity;
  const size = [args.first, args.last, args.limit].find((v) => typeof v === 'number') as number | undefined;
  const isList = /^\[|Connection!?$/.test(String(field.type).replace(/!$/, ''));
  if (size !== undefined) return 1 + Math.max(1, size) * Math.max(1, childComplexity);
  if (/Connection!?$/.test(String(field.type))) return 1 + DEFAULT_PAGE * Math.max(1, childComplexity);
  if (isList && childComplexity > 0) return 1 + UNPAGED_LIST * childComplexity;
  return undefined as unknown as number;
};

/**
 * Costs already computed, per parsed document (Apollo keeps one document object per query text) and variables:
 * a dashboard or page sent again with the same variables is not priced again.
 */
const knownCosts = new WeakMap<DocumentNode, Map<string, number>>();
const COSTS_KEPT_PER_DOCUMENT = 256;

/**
 * Throws a GraphQLError (code QUERY_TOO_COSTLY, or BAD_USER_INPUT for variables that do not coerce) when an
 * operation's estimated cost exceeds `maximum`; used for HTTP (plugin below) and WebSocket subscriptions alike.
 */
export function assertCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | undefined,
  variables: Record<string, unknown>,
  maximum: number,
): void {
  let costs = knownCosts.get(document);
  const variablesKey = jsonKey(variables);
  const key = variablesKey === null ? null : `${operationName ?? ''}\n${variablesKey}`;
  let cost = key === null ? undefined : costs?.get(key);
  if (cost !== undefined && cost <= maximum) return;
  try {
    cost = getComplexity({ schema, query: document, operationName, variables, estimators: [pagedEstimator, simpleEstimator({ defaultComplexity: 1 })] });
  } catch (e) {
    // Variables that do not coerce, and fragment spreads that expand past the estimator's node limit,
    // surface here before execution: client errors, not 500s.
    if (!(e instanceof GraphQLError)) throw e;
    const code = /maximum allowed number of nodes/.test(e.message) ? 'QUERY_TOO_COSTLY' : 'BAD_USER_INPUT';
    throw new GraphQLError(e.message, { nodes: e.nodes, extensions: { code, http: { status: 400 } } });
  }
  if (key !== null) {
    if (!costs) knownCosts.set(document, (costs = new Map()));
    if (costs.size >= COSTS_KEPT_PER_DOCUMENT) costs.clear();
    costs.set(key, cost);
  }
  if (cost > maximum) {
    throw new GraphQLError(`query cost ${cost} exceeds the limit of ${maximum}: ask for smaller pages or fewer fields`, {
      extensions: { code: 'QUERY_TOO_COSTLY', cost, maximum, http: { status: 400 } },
    });
  }
}

/** Rejects (HTTP 400) operations whose estimated cost exceeds `maximum`, before anything runs. */
export function costLimitPlugin(schema: GraphQLSchema, maximum: number): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document, operation }) {
          // No operation by that name: nothing will run, and execution reports it (the estimator would throw).
          if (!operation) return;
          assertCost(schema, document, request.operationName ?? undefined, request.variables ?? {}, maximum);
        },
      };
    },
  };
}
