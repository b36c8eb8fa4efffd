import {
  buildClientSchema, getIntrospectionQuery, getNamedType, isInterfaceType, isLeafType, isObjectType, isRequiredArgument, isUnionType,
  Kind, parse, print, TypeInfo, validate, valueFromAST, visit, visitWithTypeInfo,
  type ArgumentNode, type DocumentNode, type FieldNode, type GraphQLNamedType, type GraphQLSchema, type IntrospectionQuery,
  type OperationDefinitionNode, type SelectionSetNode,
} from 'graphql';
import { graphql } from './util';

/**
 * The workloads are written as the queries a client would send (QUERIES.md); the analytic fields land
 * one by one, so each query is fitted to the running server's schema: unknown fields and arguments are
 * dropped and reported, an object field whose wanted sub-fields are all unknown selects its scalar
 * fields instead. The harness keeps working, and says what it did not measure.
 */

export async function fetchSchema(url: string, headers: Record<string, string>): Promise<GraphQLSchema> {
  const { body } = await graphql(url, getIntrospectionQuery(), undefined, headers);
  if (!body.data) throw new Error(`introspection failed: ${body.errors?.[0]?.message ?? 'no data'}`);
  return buildClientSchema(body.data as unknown as IntrospectionQuery);
}

export interface FittedQuery {
  /** The document to send, or null when nothing of it exists on this server. */
  text: string | null;
  /** Paths of wanted fields or arguments the server lacks. */
  missing: string[];
  /** Object fields whose wanted sub-fields were all unknown, now selecting their scalar fields. */
  fallbacks: string[];
  error?: string;
}

export function fitQuery(schema: GraphQLSchema, source: string): FittedQuery {
  const missing: string[] = [];
  const fallbacks: string[] = [];
  const typeInfo = new TypeInfo(schema);
  const path: string[] = [];

  const pruned = visit(
    parse(source),
    visitWithTypeInfo(typeInfo, {
      Field: {
        enter(node) {
          const here = [...path, node.name.value].join('.');
          if (!typeInfo.getFieldDef()) {
            missing.push(here);
            return null;
          }
          path.push(node.name.value);
          return undefined;
        },
        leave(node: FieldNode) {
          const def = typeInfo.getFieldDef()!;
          const here = path.join('.');
          path.pop();
          const given = new Set((node.arguments ?? []).map((a) => a.name.value));
          const lacking = def.args.filter((a) => isRequiredArgument(a) && !given.has(a.name));
          if (lacking.length) {
            missing.push(`${here}(${lacking.map((a) => a.name).join(', ')} required)`);
            return null;
          }
          const named = getNamedType(def.type);
          if (isLeafType(named)) return node.selectionSet ? { ...node, selectionSet: undefined } : undefined;
          if (node.selectionSet && node.selectionSet.selections.length) return undefined;
          const auto = autoSelection(named, 2);
          if (!auto) {
            missing.push(`${here} { no selectable field }`);
            return null;
          }
          fallbacks.push(here);
          return { ...node, selectionSet: selectionSet(auto) };
        },
      },
      Argument: {
        enter(node: ArgumentNode) {
          const arg = typeInfo.getArgument();
          const here = `${path.join('.')}(${node.name.value})`;
          if (!arg) {
            missing.push(here);
            return null;
          }
          if (node.value.kind !== Kind.VARIABLE && valueFromAST(node.value, arg.type) === undefined) {
            missing.push(`${here}: ${print(node.value)} is not a valid ${String(arg.type)}`);
            return null;
          }
          return undefined;
        },
      },
      InlineFragment: {
        enter(node) {
          const name = node.typeCondition?.name.value;
          if (name && !schema.getType(name)) {
            missing.push(`${path.join('.')}(... on ${name})`);
            return null;
          }
          return undefined;
        },
        leave(node) {
          return node.selectionSet.selections.length ? undefined : null;
        },
      },
    }),
  );

  const op = pruned.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  if (!op || op.selectionSet.selections.length === 0) return { text: null, missing, fallbacks };
  const doc = dropUnusedVariables(pruned);
  const errors = validate(schema, doc);
  if (errors.length) return { text: null, missing, fallbacks, error: errors.map((e) => e.message).join('; ') };
  return { text: print(doc), missing, fallbacks };
}

function selectionSet(text: string): SelectionSetNode {
  const op = parse(`{ ${text} }`).definitions[0] as OperationDefinitionNode;
  return op.selectionSet;
}

const implementsNode = (t: GraphQLNamedType) => isObjectType(t) && t.getInterfaces().some((i) => i.name === 'Node');

/** Scalar fields of a type and, `depth` levels down, of its object fields (entities and connections excepted). */
export function autoSelection(type: GraphQLNamedType, depth: number): string | null {
  if (isUnionType(type)) return '__typename';
  if (!isObjectType(type) && !isInterfaceType(type)) return null;
  const parts: string[] = [];
  for (const f of Object.values(type.getFields())) {
    if (f.args.some(isRequiredArgument)) continue;
    const named = getNamedType(f.type);
    if (isLeafType(named)) {
      parts.push(f.name);
      continue;
    }
    if (depth <= 0 || /Connection$/.test(named.name)) continue;
    const sub = autoSelection(named, implementsNode(named) ? 0 : depth - 1);
    if (sub) parts.push(`${f.name} { ${sub} }`);
  }
  if (isInterfaceType(type)) parts.unshift('__typename');
  return parts.length ? parts.join(' ') : null;
}

function dropUnusedVariables(doc: DocumentNode): DocumentNode {
  const used = new Set<string>();
  visit(doc, {
    VariableDefinition: () => false,
    Variable(node) {
      used.add(node.name.value);
    },
  });
  return visit(doc, {
    VariableDefinition(node) {
      return used.has(node.variable.name.value) ? undefined : null;
    },
  });
}

/**
 * Where a workload's time goes: one document per object field of the selection at `path` (the
 * customer of a page, the dashboard's root), each keeping only that field and the scalar fields beside
 * it, plus one with the scalar fields alone ("(scalars)").
 */
export function splitByField(text: string, path: string[]): { field: string; text: string }[] {
  const doc = parse(text);
  const op = doc.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
  const fieldsAt = (set: SelectionSetNode, depth: number): readonly FieldNode[] => {
    const fields = set.selections.filter((s): s is FieldNode => s.kind === Kind.FIELD);
    if (depth === path.length) return fields;
    const next = fields.find((f) => f.name.value === path[depth])?.selectionSet;
    return next ? fieldsAt(next, depth + 1) : [];
  };
  const keepAt = (set: SelectionSetNode, depth: number, keep: readonly FieldNode[]): SelectionSetNode => {
    if (depth === path.length) return { ...set, selections: keep };
    return {
      ...set,
      selections: set.selections.map((s) =>
        s.kind === Kind.FIELD && s.name.value === path[depth] && s.selectionSet ? { ...s, selectionSet: keepAt(s.selectionSet, depth + 1, keep) } : s,
      ),
    };
  };
  const fields = fieldsAt(op.selectionSet, 0);
  const scalars = fields.filter((f) => !f.selectionSet);
  const variant = (keep: readonly FieldNode[]) => {
    const changed: OperationDefinitionNode = { ...op, selectionSet: keepAt(op.selectionSet, 0, keep) };
    return print(dropUnusedVariables({ ...doc, definitions: [changed] }));
  };
  const out = scalars.length && path.length ? [{ field: '(scalars)', text: variant(scalars) }] : [];
  for (const f of fields) if (f.selectionSet) out.push({ field: f.name.value, text: variant([...scalars, f]) });
  return out;
}

/** Top-level fields of the Mutation type, to know which writes the server has. */
export function mutationNames(schema: GraphQLSchema): string[] {
  return Object.keys(schema.getMutationType()?.getFields() ?? {});
}

// ---- The workloads, as a client writes them (QUERIES.md). ----

const CUSTOMER_ANALYTICS = `
  value { totalSpent purchaseCount averageOrderValue purchaseFrequency tier }
  rfm { code segment recencyDays }
  lifetime(horizonDays: 365) { probabilityAlive expectedPurchases clv churnRisk }
  segment { id label }
  forecast(horizonMonths: 3) { months { month spend } trend r2 insufficientHistory }
  recommendations(limit: 5) { product { name category } score reason }`;

/** The plain three-level query: the same shape the floor and PostGraphile serve. */
export const PLAIN_QUERY = `query Plain { customers(first: 50) { nodes { id name email city
  purchases(first: 3) { nodes { id purchasedAt total lines { quantity unitPrice product { id name category price } } } } } } }`;

/** Workload 1: a care agent's customer page. */
export const CUSTOMER_PAGE = `query CustomerPage($first: Int!) { customers(first: $first) { nodes { id name email city
  ${CUSTOMER_ANALYTICS}
  purchases(first: 3) { nodes { purchasedAt total lines { quantity product { name } } } }
} } }`;

/** Workload 2: one customer, everything. */
export const CUSTOMER_360 = `query Customer360($id: ID!) { customer(id: $id) {
  id name email phone city country emailOptIn smsOptIn age tags
  ${CUSTOMER_ANALYTICS}
  satisfaction { feedbackCount averageScore satisfiedRatio painPoints }
  purchases(first: 10) { nodes { purchasedAt total status lines { quantity product { name } } } }
  feedback(first: 10) { nodes { score issue comment createdAt } }
  timeline(first: 20) { edges { node { __typename occurredAt summary } } }
} }`;

/** Workload 3: the retention dashboard. */
export const DASHBOARD = `query Dashboard {
  segments(k: 4) { inertia segments { id label size share centroid { feature value } explanation { rules accuracy } } }
  associationRules(minSupport: 0.01, minConfidence: 0.3, minLift: 1.2, first: 10) {
    totalCount itemsetCount transactionCount
    rules { antecedent { name } consequent { name } support confidence lift leverage conviction }
  }
  painPoints(first: 5) { issue count trend }
  satisfactionSummary(groupBy: MONTH) { period averageScore satisfiedRatio }
}`;

/**
 * The analytic fields of Purchase, Feedback and Product (issue #17), a page of each: workload 5a, a basket
 * page with cross-sell, matched rules and the comparison with the customer's usual basket; 5b, the care
 * team's feedback inbox (sentiment, pain point and follow-up of each item); 5c, a product page with demand,
 * bought-with, similar products and likely buyers.
 */
export const PURCHASE_ANALYTICS = `query PurchaseAnalytics($first: Int!) { purchases(first: $first) { nodes { id purchasedAt total
  lines { quantity product { name } }
  crossSell(limit: 3) { product { name } source reason confidence lift }
  matchedRules(first: 3) { antecedent { name } consequent { name } confidence lift }
  comparedToUsual { ratioToCustomerAverage populationPercentile unusual summary }
} } }`;

export const FEEDBACK_INBOX = `query FeedbackInbox($first: Int!) { feedbackInbox(first: $first) { totalCount candidates endCursor items {
  feedback { id score issue comment createdAt customer { id name }
    sentiment { score label } scoreMismatch painPoint { issue inferred openForCustomer } }
  followUp { priority level action channel reasons campaign { id name } }
} } }`;

export const PRODUCT_ANALYTICS = `query ProductAnalytics($first: Int!) { products(first: $first) { nodes { id name category price
  demand(horizonMonths: 3) { trend slope insufficientHistory forecast { month units } }
  boughtWith(limit: 5) { product { name } support confidence lift }
  similar(limit: 5) { product { name } similarity }
  likelyBuyers(first: 10) { customer { id name } score reason }
} } }`;

/** Workload 5: the three pages, by workload name. */
export const ENTITY_PAGES = { 'purchase-analytics': PURCHASE_ANALYTICS, 'feedback-inbox': FEEDBACK_INBOX, 'product-analytics': PRODUCT_ANALYTICS };

/** Workload 4's write: a purchase of 3 lines and a feedback, in one request. */
export const WRITE = `mutation Write($purchase: CreatePurchaseInput!, $feedback: CreateFeedbackInput!) {
  createPurchase(input: $purchase) { id total }
  createFeedback(input: $feedback) { id }
}`;

/** A cheap request: one customer by id, for latency while a model fit runs. */
export const CHEAP = `query Cheap($id: ID!) { customer(id: $id) { id name email } }`;

/** PostGraphile's spelling of the plain query (amber preset inflection). */
/** The one-row lookup: one customer by id, four columns; CareGraph takes the global id, PostGraphile the key. */
export const LOOKUP_QUERY = `query Lookup($id: ID!) { customer(id: $id) { id name email city } }`;
export const PEER_LOOKUP_QUERY = `query Lookup($id: Int!) { customerByRowId(rowId: $id) { id name email city } }`;

export const PEER_PLAIN_QUERY = `query Plain { allCustomers(first: 50, orderBy: PRIMARY_KEY_ASC) { nodes { id name email city
  purchasesByCustomerId(first: 3, orderBy: [PURCHASED_AT_DESC, PRIMARY_KEY_DESC]) { nodes { id purchasedAt totalCents
    purchaseLinesByPurchaseId(orderBy: PRIMARY_KEY_ASC) { nodes { quantity unitPriceCents productByProductId { id name category priceCents } } } } } } } }`;
