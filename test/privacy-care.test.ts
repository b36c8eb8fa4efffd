import { ok, startTestApp, type TestApp } from './support/app';
import { makeCustomer, makeFeedback } from './support/factories';

/** Care records are personal data too: masked for ANALYST (timeline included), exported, and erased. */
let t: TestApp;
let customerId: string;
beforeAll(async () => {
  t = await startTestApp();
  customerId = (await makeCustomer(t, { name: 'Carla Care' })).id;
  ok(await t.gql(`mutation($i: LogInteractionInput!) { logInteraction(input: $i) { id } }`, {
    i: { customerId, channel: 'PHONE', direction: 'INBOUND', subject: 'Carla called about her knee', body: 'Private medical details', agent: 'sam' },
  }));
  ok(await t.gql(`mutation($i: OpenTicketInput!) { openTicket(input: $i) { id } }`, {
    i: { customerId, type: 'COMPLAINT', priority: 'HIGH', subject: 'Carla: broken blender', description: 'Lives at 5 Elm Road' },
  }));
  await makeFeedback(t, customerId, 1, { issue: 'QUALITY', comment: 'Carla is furious' });
});
afterAll(() => t.close());

const QUERY = `query($id: ID!) { customer(id: $id) {
  interactions(first: 5) { nodes { subject body } }
  tickets(first: 5) { nodes { subject description events { note } } }
  feedback(first: 5) { nodes { comment } }
  timeline(first: 10) { nodes { summary } }
} }`;

test('ANALYST sees no free text of care records, timeline included; AGENT sees it', async () => {
  const analyst = ok(await t.as('ANALYST', QUERY, { id: customerId }));
  const text = JSON.stringify(analyst);
  expect(text).not.toMatch(/Carla|knee|medical|Elm Road|blender|furious/);
  expect(analyst.customer.timeline.nodes.length).toBeGreaterThanOrEqual(3);
  expect(analyst.customer.tickets.nodes[0].subject).toBe('[masked]');
  const agent = ok(await t.as('AGENT', QUERY, { id: customerId }));
  expect(JSON.stringify(agent)).toMatch(/knee/);
  expect(JSON.stringify(agent.customer.timeline)).toMatch(/furious/);
});

test('exports hold the care records; erasure removes their free text', async () => {
  const before = ok(await t.gql(`query($id: ID!) { exportCustomerData(id: $id) }`, { id: customerId })).exportCustomerData;
  expect(before.interactions).toHaveLength(1);
  expect(before.interactions[0].body).toBe('Private medical details');
  expect(before.tickets[0].description).toBe('Lives at 5 Elm Road');
  expect(before.coupons).toEqual([]);
  ok(await t.gql(`mutation($id: ID!) { eraseCustomer(id: $id) { id } }`, { id: customerId }));
  const after = ok(await t.gql(`query($id: ID!) { exportCustomerData(id: $id) }`, { id: customerId })).exportCustomerData;
  expect(JSON.stringify(after)).not.toMatch(/Carla|knee|medical|Elm Road|blender|furious/);
  expect(after.tickets).toHaveLength(1);
});
