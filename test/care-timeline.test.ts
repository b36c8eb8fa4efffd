import { startTestApp, ok, type TestApp } from './support/app';
import { makeCustomer, makeFeedback, makeProduct, makePurchase } from './support/factories';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

const log = (input: Record<string, unknown>) =>
  t.gql(`mutation($i: LogInteractionInput!) { logInteraction(input: $i) { id channel direction subject body occurredAt agent customer { id } ticket { id } } }`, { i: input });

describe('interactions', () => {
  let ann: { id: string };
  let ben: { id: string };
  beforeAll(async () => {
    ann = await makeCustomer(t, { name: 'Ann Contact' });
    ben = await makeCustomer(t, { name: 'Ben Contact' });
    const rows: [typeof ann, string, string, string][] = [
      [ann, 'EMAIL', 'INBOUND', '2024-03-01T09:00:00Z'],
      [ann, 'PHONE', 'OUTBOUND', '2024-03-02T09:00:00Z'],
      [ann, 'SMS', 'OUTBOUND', '2024-03-03T09:00:00Z'],
      [ann, 'SOCIAL', 'INBOUND', '2024-03-04T09:00:00Z'],
      [ann, 'IN_PERSON', 'INBOUND', '2024-03-05T09:00:00Z'],
      [ben, 'EMAIL', 'OUTBOUND', '2024-03-01T12:00:00Z'],
      [ben, 'PHONE', 'INBOUND', '2024-03-06T12:00:00Z'],
    ];
    for (const [c, channel, direction, occurredAt] of rows) ok(await log({ customerId: c.id, channel, direction, occurredAt, subject: `${channel} ${direction}`, agent: 'zoe' }));
  });

  const list = async (filter: Record<string, unknown>, page = 'first: 50') =>
    ok(await t.gql(`query($f: InteractionFilter) { interactions(${page}, filter: $f) { totalCount pageInfo { hasNextPage endCursor } nodes { subject occurredAt customer { id } } } }`, { f: filter })).interactions;

  test('logs a contact with every field; filters by customer, channel, direction and date range, newest first', async () => {
    const one = ok(await log({ customerId: ben.id, channel: 'SMS', direction: 'INBOUND', subject: 'Hi', body: 'Is my parcel coming?', occurredAt: '2024-03-07T08:00:00Z', agent: 'max' })).logInteraction;
    expect(one).toMatchObject({ channel: 'SMS', direction: 'INBOUND', subject: 'Hi', body: 'Is my parcel coming?', occurredAt: '2024-03-07T08:00:00.000Z', agent: 'max', customer: { id: ben.id }, ticket: null });
    expect((await list({ customerId: ann.id })).nodes.map((n: any) => n.subject)).toEqual(['IN_PERSON INBOUND', 'SOCIAL INBOUND', 'SMS OUTBOUND', 'PHONE OUTBOUND', 'EMAIL INBOUND']);
    expect((await list({ customerId: ann.id, direction: 'INBOUND' })).totalCount).toBe(3);
    expect((await list({ channel: 'EMAIL' })).nodes.map((n: any) => n.customer.id)).toEqual([ben.id, ann.id]);
    const range = await list({ from: '2024-03-02T00:00:00Z', to: '2024-03-05T00:00:00Z' });
    expect(range.nodes.map((n: any) => n.subject)).toEqual(['SOCIAL INBOUND', 'SMS OUTBOUND', 'PHONE OUTBOUND']);
  });

  test('Relay pagination walks the log without gaps or repeats', async () => {
    const all = (await list({ customerId: ann.id })).nodes.map((n: any) => n.subject);
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page: any = ok(await t.gql(`query($a: String, $c: ID) { interactions(first: 2, after: $a, filter: { customerId: $c }) { pageInfo { hasNextPage endCursor } nodes { subject } } }`, { a: after, c: ann.id })).interactions;
      seen.push(...page.nodes.map((n: any) => n.subject));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen).toEqual(all);
  });

  test('a ticket link must be a ticket of the same customer; bad input is rejected with a code', async () => {
    const ticket = ok(await t.gql(`mutation($i: OpenTicketInput!) { openTicket(input: $i) { id } }`, { i: { customerId: ann.id, type: 'INQUIRY', subject: 'call back' } })).openTicket;
    const linked = ok(await log({ customerId: ann.id, channel: 'PHONE', direction: 'OUTBOUND', ticketId: ticket.id, occurredAt: '2024-01-01T00:00:00Z' })).logInteraction;
    expect(linked.ticket).toEqual({ id: ticket.id });
    const foreign = await log({ customerId: ben.id, channel: 'PHONE', direction: 'OUTBOUND', ticketId: ticket.id });
    expect(foreign.errors?.[0]).toMatchObject({ message: 'ticketId belongs to another customer', extensions: { code: 'BAD_USER_INPUT' } });
    const future = await log({ customerId: ben.id, channel: 'PHONE', direction: 'OUTBOUND', occurredAt: '2999-01-01T00:00:00Z' });
    expect(future.errors?.[0]).toMatchObject({ message: 'occurredAt must not be in the future', extensions: { code: 'BAD_USER_INPUT' } });
  });

  test('Customer.interactions is batched per page of customers', async () => {
    const Q = `query($n: Int!) { customers(first: $n, filter: { search: "Contact" }) { nodes { name interactions(first: 2, filter: { direction: INBOUND }) { totalCount nodes { subject } } } } }`;
    const one = await t.gql(Q, { n: 1 });
    const two = await t.gql(Q, { n: 2 });
    const nodes = ok(two).customers.nodes;
    expect(nodes.map((n: any) => [n.name, n.interactions.totalCount, n.interactions.nodes.map((i: any) => i.subject)])).toEqual([
      ['Ann Contact', 3, ['IN_PERSON INBOUND', 'SOCIAL INBOUND']],
      ['Ben Contact', 2, ['Hi', 'PHONE INBOUND']],
    ]);
    expect(one.extensions!.sql!.statements).toBe(two.extensions!.sql!.statements);
  });
});

describe('Customer.timeline', () => {
  let cara: { id: string };
  let dan: { id: string };
  const expected: [string, string, string][] = []; // [typename, occurredAt, summary start], newest first, built below

  beforeAll(async () => {
    cara = await makeCustomer(t, { name: 'Cara Timeline', tags: ['timeline'] });
    dan = await makeCustomer(t, { name: 'Dan Timeline', tags: ['timeline'] });
    const product = await makeProduct(t, { price: 25 });
    for (const c of [cara, dan]) {
      await makePurchase(t, c.id, [{ productId: product.id, quantity: 2 }], { purchasedAt: '2024-05-01T10:00:00Z' });
      await makeFeedback(t, c.id, 2, { issue: 'DELIVERY', comment: 'late', createdAt: '2024-05-03T10:00:00Z' });
      ok(await log({ customerId: c.id, channel: 'PHONE', direction: 'INBOUND', subject: 'where is it', occurredAt: '2024-05-03T10:00:00Z' })); // same instant as the feedback
      const ticket = ok(await t.gql(`mutation($i: OpenTicketInput!) { openTicket(input: $i) { id } }`, {
        i: { customerId: c.id, type: 'COMPLAINT', subject: 'late delivery', openedAt: '2024-05-04T10:00:00Z' },
      })).openTicket;
      ok(await t.gql(`mutation($i: TransitionTicketInput!) { transitionTicket(input: $i) { id } }`, { i: { id: ticket.id, status: 'IN_PROGRESS' } }));
      await makePurchase(t, c.id, [{ productId: product.id, quantity: 1 }], { purchasedAt: '2024-05-02T10:00:00Z' });
    }
  });

  const ENTRY = `__typename kind occurredAt summary
    ... on PurchaseEntry { purchase { total } }
    ... on FeedbackEntry { feedback { score } }
    ... on InteractionEntry { interaction { subject } }
    ... on TicketEventEntry { event { kind toStatus } ticket { subject } }`;

  test('merges the four kinds newest first (ties by kind), with a summary each', async () => {
    const tl = ok(await t.gql(`query($id: ID!) { customer(id: $id) { timeline(first: 20) { totalCount edges { cursor node { ${ENTRY} } } } } }`, { id: cara.id })).customer.timeline;
    expect(tl.totalCount).toBe(6);
    const nodes = tl.edges.map((e: any) => e.node);
    // The status change happened now, after everything else; the ticket was opened on May 4th.
    expect(nodes.map((n: any) => n.__typename)).toEqual(['TicketEventEntry', 'TicketEventEntry', 'InteractionEntry', 'FeedbackEntry', 'PurchaseEntry', 'PurchaseEntry']);
    expect(nodes.map((n: any) => n.kind)).toEqual(['TICKET_EVENT', 'TICKET_EVENT', 'INTERACTION', 'FEEDBACK', 'PURCHASE', 'PURCHASE']);
    expect(nodes[0]).toMatchObject({ event: { kind: 'STATUS_CHANGED', toStatus: 'IN_PROGRESS' }, ticket: { subject: 'late delivery' }, summary: 'Ticket COMPLAINT "late delivery": OPEN -> IN_PROGRESS' });
    expect(nodes[1]).toMatchObject({ occurredAt: '2024-05-04T10:00:00.000Z', event: { kind: 'OPENED' }, summary: 'Ticket COMPLAINT "late delivery": opened (MEDIUM)' });
    expect(nodes[2]).toMatchObject({ occurredAt: '2024-05-03T10:00:00.000Z', interaction: { subject: 'where is it' }, summary: 'INBOUND PHONE: where is it' });
    expect(nodes[3]).toMatchObject({ occurredAt: '2024-05-03T10:00:00.000Z', feedback: { score: 2 }, summary: 'Feedback 2/5 (DELIVERY): late' });
    expect(nodes[4]).toMatchObject({ occurredAt: '2024-05-02T10:00:00.000Z', purchase: { total: 25 }, summary: 'Purchase 25.00 via ONLINE' });
    expect(nodes[5]).toMatchObject({ occurredAt: '2024-05-01T10:00:00.000Z', purchase: { total: 50 } });
    expected.push(...nodes.map((n: any) => [n.__typename, n.occurredAt, n.summary]));
  });

  test('pages of 1, 2 and 4 entries walk the same order across kinds, forwards and backwards', async () => {
    for (const size of [1, 2, 4]) {
      const seen: string[] = [];
      let after: string | null = null;
      for (;;) {
        const tl: any = ok(await t.gql(`query($id: ID!, $n: Int!, $a: String) { customer(id: $id) { timeline(first: $n, after: $a) { pageInfo { hasNextPage endCursor } nodes { __typename occurredAt summary } } } }`, {
          id: cara.id, n: size, a: after,
        })).customer.timeline;
        seen.push(...tl.nodes.map((n: any) => `${n.__typename}|${n.occurredAt}|${n.summary}`));
        if (!tl.pageInfo.hasNextPage) break;
        after = tl.pageInfo.endCursor;
      }
      expect(seen).toEqual(expected.map((e) => e.join('|')));
    }
    const last = ok(await t.gql(`query($id: ID!) { customer(id: $id) { timeline(last: 3) { pageInfo { hasPreviousPage startCursor } nodes { __typename occurredAt summary } } } }`, { id: cara.id })).customer.timeline;
    expect(last.nodes.map((n: any) => `${n.__typename}|${n.occurredAt}|${n.summary}`)).toEqual(expected.slice(3).map((e) => e.join('|')));
    expect(last.pageInfo.hasPreviousPage).toBe(true);
    const before = ok(await t.gql(`query($id: ID!, $b: String) { customer(id: $id) { timeline(last: 3, before: $b) { pageInfo { hasPreviousPage } nodes { summary } } } }`, { id: cara.id, b: last.pageInfo.startCursor })).customer.timeline;
    expect(before.nodes.map((n: any) => n.summary)).toEqual(expected.slice(0, 3).map((e) => e[2]));
    expect(before.pageInfo.hasPreviousPage).toBe(false);
  });

  test('kinds filter, bad cursors, and constant statements for a page of customers', async () => {
    const only = ok(await t.gql(`query($id: ID!) { customer(id: $id) { timeline(kinds: [PURCHASE, FEEDBACK]) { totalCount nodes { kind } } } }`, { id: cara.id })).customer.timeline;
    expect(only).toEqual({ totalCount: 3, nodes: [{ kind: 'FEEDBACK' }, { kind: 'PURCHASE' }, { kind: 'PURCHASE' }] });
    const bad = await t.gql(`query($id: ID!) { customer(id: $id) { timeline(after: "nonsense") { totalCount } } }`, { id: cara.id });
    expect(bad.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const Q = `query($n: Int!) { customers(first: $n, filter: { tag: "timeline" }) { nodes { name timeline(first: 3) { totalCount nodes { ${ENTRY} } } } } }`;
    const one = await t.gql(Q, { n: 1 });
    const two = await t.gql(Q, { n: 2 });
    const nodes = ok(two).customers.nodes;
    expect(nodes.map((n: any) => [n.name, n.timeline.totalCount, n.timeline.nodes.map((e: any) => e.kind)])).toEqual([
      ['Cara Timeline', 6, ['TICKET_EVENT', 'TICKET_EVENT', 'INTERACTION']],
      ['Dan Timeline', 6, ['TICKET_EVENT', 'TICKET_EVENT', 'INTERACTION']],
    ]);
    expect(one.extensions!.sql!.statements).toBe(two.extensions!.sql!.statements);
  });
});
