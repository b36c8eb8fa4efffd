import type { AddressInfo } from 'node:net';
import { parse, type OperationDefinitionNode } from 'graphql';
import { loadConfig } from '../src/config';
import { seedDatabase } from '../src/db/seed/load';
import { executionPlan } from '../src/execution';
import { createLogger } from '../src/logger';
import { getSchema } from '../src/schema';
import { createApp, type App } from '../src/server';
import { startTestApp, type TestApp, type TestRole } from './support/app';

/**
 * Queries run compiled by graphql-jit (src/execution.ts). The same operations sent to a second server on the same
 * database with COMPILED_EXECUTION=false (graphql-js for everything) must give the same status, data and errors.
 */
let t: TestApp;
let plain: App;
let plainUrl: string;

beforeAll(async () => {
  t = await startTestApp();
  await seedDatabase(t.ds, { customers: 150, seed: 7, asOf: new Date() });
  const config = loadConfig({ NODE_ENV: 'test', SQL_STATS: 'true', PLAYGROUND: 'off', LOG_LEVEL: 'silent', RATE_LIMIT_PER_MINUTE: '0', COMPILED_EXECUTION: 'false' });
  plain = await createApp(config, t.ds, createLogger(config.logLevel));
  await new Promise<void>((resolve) => plain.http.listen(0, '127.0.0.1', resolve));
  plainUrl = `http://127.0.0.1:${(plain.http.address() as AddressInfo).port}`;
}, 120_000);

afterAll(async () => {
  await plain.stop();
  await t.close();
});

async function send(url: string, role: TestRole, query: string, variables?: Record<string, unknown>) {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${t.keys[role]}` },
    body: JSON.stringify({ query, variables }),
  });
  const { data, errors } = (await res.json()) as { data?: unknown; errors?: unknown[] };
  return { status: res.status, data, errors };
}

async function plan(query: string): Promise<string> {
  const document = parse(query);
  return executionPlan(await getSchema(), document, document.definitions[0] as OperationDefinitionNode);
}

// Not purchaseFrequency: it moves with the clock between the two requests.
const ANALYTICS = `value { totalSpent purchaseCount averageOrderValue tier }
  rfm { code segment recencyDays }
  lifetime(horizonDays: 365) { probabilityAlive expectedPurchases clv churnRisk }
  segment { id label }
  forecast(horizonMonths: 3) { months { month spend } trend r2 insufficientHistory }
  recommendations(limit: 5) { product { name category } score reason }`;

const ids = async (n: number) => ((await send(t.url, 'ADMIN', `{ customers(first: ${n}) { nodes { id } } }`)).data as { customers: { nodes: { id: string }[] } }).customers.nodes.map((c) => c.id);

const cases: { name: string; role?: TestRole; query: string; variables?: () => Promise<Record<string, unknown>> }[] = [
  {
    name: 'three levels with fragments, aliases and @include',
    query: `query Q($n: Int!, $withLines: Boolean!) { list: customers(first: $n) { totalCount pageInfo { hasNextPage endCursor }
      edges { cursor node { ...C purchases(first: 3) { totalCount nodes { id purchasedAt total lines @include(if: $withLines) { quantity unitPrice product { id name category price } } } } } } } }
      fragment C on Customer { id name email city __typename }`,
    variables: async () => ({ n: 40, withLines: true }),
  },
  { name: 'the customer page with every analytic field', query: `query($first: Int!) { customers(first: $first) { nodes { id name ${ANALYTICS} } } }`, variables: async () => ({ first: 30 }) },
  {
    name: 'customer 360 with the timeline interface',
    query: `query($id: ID!) { customer(id: $id) { id name email phone age tags ${ANALYTICS}
      satisfaction { feedbackCount averageScore satisfiedRatio painPoints }
      feedback(first: 10) { nodes { score issue comment createdAt } }
      timeline(first: 20) { totalCount edges { node { __typename kind occurredAt summary ... on PurchaseEntry { purchase { total } } } } } } }`,
    variables: async () => ({ id: (await ids(5))[4] }),
  },
  {
    name: 'the dashboard',
    query: `{ segments(k: 4) { inertia segments { id label size share centroid { feature value } explanation { rules accuracy } } }
      associationRules(minSupport: 0.01, minConfidence: 0.2, first: 10) { totalCount itemsetCount rules { antecedent { name } consequent { name } support confidence lift } }
      painPoints(first: 5) { issue count trend } satisfactionSummary(groupBy: MONTH) { period averageScore satisfiedRatio } }`,
  },
  {
    name: 'node(id) resolves the interface to each type',
    query: `query($a: ID!, $b: ID!) { a: node(id: $a) { __typename id ... on Customer { name } } b: node(id: $b) { __typename ... on Customer { email } } }`,
    variables: async () => {
      const [a, b] = await ids(2);
      return { a, b };
    },
  },
  { name: 'personal data masked for ANALYST', role: 'ANALYST', query: `{ customers(first: 10) { nodes { name email phone birthDate rfm { segment } } } }` },
  { name: 'a garbage cursor is BAD_USER_INPUT', query: `query($c: String) { customers(first: 2, after: $c) { totalCount } }`, variables: async () => ({ c: 'nonsense' }) },
  { name: 'first: 101 is BAD_USER_INPUT', query: `{ customers(first: 101) { totalCount } }` },
  { name: 'a bad asOf is BAD_USER_INPUT', query: `{ lifetimeModel(asOf: "last tuesday") { r } }` },
  { name: 'an id of another type is BAD_USER_INPUT', query: `query($id: ID!) { customer(id: $id) { id } }`, variables: async () => ({ id: Buffer.from('Product:1').toString('base64') }) },
  { name: 'a variable of the wrong type is refused before execution', query: `query($n: Int!) { customers(first: $n) { totalCount } }`, variables: async () => ({ n: 'ten' }) },
];

describe('compiled queries answer exactly as graphql-js', () => {
  test.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    expect(await plan(c.query)).toBe('compiled');
    const variables = c.variables ? await c.variables() : undefined;
    const role = c.role ?? 'ADMIN';
    const expected = await send(plainUrl, role, c.query, variables);
    const actual = await send(t.url, role, c.query, variables);
    expect(actual).toEqual(expected);
    // Each case means something: it answered with data or with the error it is named after.
    if (/BAD_USER_INPUT|refused/.test(c.name)) expect(actual.errors?.length).toBeGreaterThan(0);
    else expect(actual.errors).toBeUndefined();
  });
});

test('mutations, subscriptions, input-object variables and introspection stay on graphql-js', async () => {
  expect(await plan(`mutation($id: ID!) { deleteCustomer(id: $id) { id } }`)).toBe('graphql-js');
  expect(await plan(`subscription { careEvents { kind } }`)).toBe('graphql-js');
  expect(await plan(`query($o: CustomerOrder) { customers(orderBy: $o) { totalCount } }`)).toBe('graphql-js');
  expect(await plan(`{ __schema { queryType { name } } }`)).toBe('graphql-js');
  expect(await plan(`query($f: Int) { customers(first: $f) { totalCount } }`)).toBe('compiled');
});
