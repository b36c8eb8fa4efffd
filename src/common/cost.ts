import type { ApolloServerPlugin } from '@apollo/server';
import { getVariableValues, GraphQLError, Kind, visit, type DocumentNode, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
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

/** What the cost of an operation depends on besides its document, worked out once per document. */
interface DocumentCosts {
  /** Variables the price reads: those in a page-size argument (first, last, limit) or in a directive (@skip, @include). */
  priced: string[];
  /** Every variable an operation declares: only whether each is given, null or absent matters to the others. */
  declared: string[];
  costs: Map<string, number>;
}

/**
 * Costs already computed, per parsed document (Apollo keeps one document object per query text) and the values of
 * the variables the price reads: a dashboard or page sent again, or a lookup sent with another id, is not priced
 * again. Bounded per document; documents live only as long as Apollo's bounded document cache keeps them.
 */
const knownCosts = new WeakMap<DocumentNode, DocumentCosts>();
const COSTS_KEPT_PER_DOCUMENT = 256;
const PAGE_SIZE_ARGUMENTS = new Set(['first', 'last', 'limit']);

function documentCosts(document: DocumentNode): DocumentCosts {
  let known = knownCosts.get(document);
  if (known) return known;
  const priced = new Set<string>();
  const declared = new Set<string>();
  let inPriced = 0;
  visit(document, {
    VariableDefinition(node) {
      declared.add(node.variable.name.value);
      return false;
    },
    Directive: { enter: () => void inPriced++, leave: () => void inPriced-- },
    Argument: {
      enter: (node) => void (PAGE_SIZE_ARGUMENTS.has(node.name.value) && inPriced++),
      leave: (node) => void (PAGE_SIZE_ARGUMENTS.has(node.name.value) && inPriced--),
    },
    Variable(node) {
      if (inPriced > 0) priced.add(node.name.value);
    },
  });
  known = { priced: [...priced], declared: [...declared], costs: new Map() };
  knownCosts.set(document, known);
  return known;
}

/**
 * The key of a priced operation: its name, the values of the variables its price reads, and for every other
 * declared variable only whether it is given, null or absent (a null for a non-null argument is an error of the
 * estimator). Null when the values cannot serve as a key.
 */
function costKey(known: DocumentCosts, operationName: string | undefined, variables: Record<string, unknown>): string | null {
  const pricedValues: unknown[] = [];
  for (const name of known.priced) pricedValues.push(variables[name] === undefined ? '\u0000absent' : variables[name]);
  const pricedKey = jsonKey(pricedValues);
  if (pricedKey === null) return null;
  let presence = '';
  for (const name of known.declared) presence += variables[name] === undefined ? 'a' : variables[name] === null ? 'n' : 'g';
  return `${operationName ?? ''}\n${presence}\n${pricedKey}`;
}

/** Whether the variables coerce for every operation the estimator would price (it reports their errors first). */
function variablesCoerce(schema: GraphQLSchema, document: DocumentNode, operationName: string | undefined, variables: Record<string, unknown>): boolean {
  for (const d of document.definitions) {
    if (d.kind !== Kind.OPERATION_DEFINITION) continue;
    const op = d as OperationDefinitionNode;
    if (typeof operationName === 'string' && operationName !== op.name?.value) continue;
    if (getVariableValues(schema, op.variableDefinitions ?? [], variables).errors?.length) return false;
  }
  return true;
}

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
  const known = documentCosts(document);
  const key = costKey(known, operationName, variables);
  let cost = key === null ? undefined : known.costs.get(key);
  // A known price holds only for variables that coerce: the others get the estimator's own error below.
  if (cost !== undefined && cost <= maximum && variablesCoerce(schema, document, operationName, variables)) return;
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
    if (known.costs.size >= COSTS_KEPT_PER_DOCUMENT) known.costs.clear();
    known.costs.set(key, cost);
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
