import { startTestApp, ok, type TestApp } from './support/app';
import { makeCustomer, makeProduct, makePurchase } from './support/factories';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

const HOUR = 3_600_000;
const ago = (ms: number) => new Date(Date.now() - ms).toISOString();

const TICKET = `id type priority status subject openedAt slaDueAt startedAt resolvedAt closedAt reopenedAt escalatedAt slaBreached assignee
  events { kind fromStatus toStatus fromPriority toPriority note actor occurredAt }`;

async function openTicket(input: Record<string, unknown>) {
  return ok(await t.gql(`mutation($i: OpenTicketInput!) { openTicket(input: $i) { ${TICKET} } }`, { i: { type: 'INQUIRY', subject: 'Where is my order?', ...input } })).openTicket;
}
const move = (id: string, status: string, extra: Record<string, unknown> = {}) =>
  t.gql(`mutation($i: TransitionTicketInput!) { transitionTicket(input: $i) { ${TICKET} } }`, { i: { id, status, ...extra } });

describe('status machine', () => {
  test('every legal transition, with a timestamp and an event for each', async () => {
    const c = await makeCustomer(t);
    const opened = await openTicket({ customerId: c.id, priority: 'HIGH', actor: 'ann' });
    expect(opened).toMatchObject({ status: 'OPEN', priority: 'HIGH', startedAt: null, resolvedAt: null, slaBreached: false });
    expect(Date.parse(opened.slaDueAt) - Date.parse(opened.openedAt)).toBe(24 * HOUR);
    expect(opened.events).toEqual([expect.objectContaining({ kind: 'OPENED', toStatus: 'OPEN', toPriority: 'HIGH', actor: 'ann' })]);

    // The seven legal moves: OPEN>IN_PROGRESS>RESOLVED>CLOSED>REOPENED>IN_PROGRESS>RESOLVED>REOPENED>RESOLVED.
    const path = ['IN_PROGRESS', 'RESOLVED', 'CLOSED', 'REOPENED', 'IN_PROGRESS', 'RESOLVED', 'REOPENED', 'RESOLVED'];
    let ticket = opened;
    const seen: Record<string, any> = {};
    for (const status of path) {
      const before = ticket.status;
      ticket = ok(await move(ticket.id, status, { note: `to ${status}`, actor: 'bob' })).transitionTicket;
      expect(ticket.status).toBe(status);
      expect(ticket.events[ticket.events.length - 1]).toMatchObject({ kind: 'STATUS_CHANGED', fromStatus: before, toStatus: status, note: `to ${status}`, actor: 'bob' });
      seen[status] ??= ticket;
    }
    expect(seen.IN_PROGRESS.startedAt).not.toBeNull();
    expect(seen.RESOLVED.resolvedAt).not.toBeNull();
    expect(seen.CLOSED.closedAt).not.toBeNull();
    // Reopening clears the resolution and restarts the SLA clock from the reopening.
    expect(seen.REOPENED).toMatchObject({ resolvedAt: null, closedAt: null });
    expect(Date.parse(seen.REOPENED.slaDueAt) - Date.parse(seen.REOPENED.reopenedAt)).toBe(24 * HOUR);
    // startedAt is the first move to IN_PROGRESS.
    expect(ticket.startedAt).toBe(seen.IN_PROGRESS.startedAt);
    expect(ticket.events.map((e: { kind: string }) => e.kind)).toEqual(['OPENED', ...path.map(() => 'STATUS_CHANGED')]);
    const times = ticket.events.map((e: { occurredAt: string }) => Date.parse(e.occurredAt));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
  });

  test('an illegal transition is BAD_USER_INPUT naming the allowed ones, and changes nothing', async () => {
    const c = await makeCustomer(t);
    const ticket = await openTicket({ customerId: c.id });
    const r = await move(ticket.id, 'CLOSED');
    expect(r.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(r.errors?.[0].message).toBe('a OPEN ticket cannot move to CLOSED; allowed: IN_PROGRESS');
    expect(r.errors?.[0].extensions?.details).toEqual({ from: 'OPEN', to: 'CLOSED', allowed: ['IN_PROGRESS'] });
    const after = ok(await t.gql(`query($id: ID!) { ticket(id: $id) { status events { kind } } }`, { id: ticket.id })).ticket;
    expect(after).toEqual({ status: 'OPEN', events: [{ kind: 'OPENED' }] });
  });
});

describe('SLA', () => {
  test('breached tickets are listed by the slaBreached filter, the queue is priority then SLA due, and each breach is reported once', async () => {
    const c = await makeCustomer(t, { name: 'Sla Customer' });
    const urgentLate = await openTicket({ customerId: c.id, priority: 'URGENT', openedAt: ago(5 * HOUR), subject: 'urgent late' }); // due 1 h ago
    const highFresh = await openTicket({ customerId: c.id, priority: 'HIGH', openedAt: ago(HOUR), subject: 'high fresh' }); // due in 23 h
    const lowLate = await openTicket({ customerId: c.id, priority: 'LOW', openedAt: ago(8 * 24 * HOUR), subject: 'low late' }); // due 1 day ago
    const urgentFresh = await openTicket({ customerId: c.id, priority: 'URGENT', subject: 'urgent fresh' }); // due in 4 h
    const resolvedLate = await openTicket({ customerId: c.id, priority: 'MEDIUM', openedAt: ago(4 * 24 * HOUR), subject: 'resolved late' }); // due 1 day ago
    ok(await move(resolvedLate.id, 'IN_PROGRESS'));
    ok(await move(resolvedLate.id, 'RESOLVED'));
    const resolvedInTime = await openTicket({ customerId: c.id, priority: 'LOW', subject: 'resolved in time' });
    ok(await move(resolvedInTime.id, 'IN_PROGRESS'));
    ok(await move(resolvedInTime.id, 'RESOLVED'));

    const list = async (filter: Record<string, unknown>, query = 'tickets') =>
      ok(await t.gql(`query($f: TicketFilter) { ${query}(first: 50, filter: $f) { totalCount nodes { id subject slaBreached } } }`, { f: { customerId: c.id, ...filter } }))[query];
    const breached = await list({ slaBreached: true });
    expect(breached.nodes.map((n: { subject: string }) => n.subject)).toEqual(['urgent late', 'resolved late', 'low late']);
    expect(breached.nodes.every((n: { slaBreached: boolean }) => n.slaBreached)).toBe(true);
    expect(breached.totalCount).toBe(3);
    const inTime = await list({ slaBreached: false });
    expect(inTime.nodes.map((n: { subject: string }) => n.subject)).toEqual(['urgent fresh', 'high fresh', 'resolved in time']);
    const openBreached = await list({ slaBreached: true }, 'openTickets');
    expect(openBreached.nodes.map((n: { id: string }) => n.id)).toEqual([urgentLate.id, lowLate.id]);
    // The whole open queue: URGENT (earliest due first), then HIGH, then LOW.
    const queue = await list({}, 'openTickets');
    expect(queue.nodes.map((n: { id: string }) => n.id)).toEqual([urgentLate.id, urgentFresh.id, highFresh.id, lowLate.id]);

    // Paging through the queue with cursors gives the same order.
    const page1 = ok(await t.gql(`query($f: TicketFilter) { openTickets(first: 3, filter: $f) { pageInfo { hasNextPage endCursor } nodes { id } } }`, { f: { customerId: c.id } })).openTickets;
    const page2 = ok(await t.gql(`query($f: TicketFilter, $a: String) { openTickets(first: 3, after: $a, filter: $f) { pageInfo { hasNextPage } nodes { id } } }`, { f: { customerId: c.id }, a: page1.pageInfo.endCursor })).openTickets;
    expect([...page1.nodes, ...page2.nodes].map((n: { id: string }) => n.id)).toEqual(queue.nodes.map((n: { id: string }) => n.id));
    expect(page1.pageInfo.hasNextPage).toBe(true);
    expect(page2.pageInfo.hasNextPage).toBe(false);

    const tickets = t.app.services.care.tickets;
    expect(await tickets.detectSlaBreaches()).toBeGreaterThanOrEqual(2);
    expect(await tickets.detectSlaBreaches()).toBe(0);
    const events = async (id: string) => ok(await t.gql(`query($id: ID!) { ticket(id: $id) { events { kind actor } } }`, { id })).ticket.events;
    expect((await events(urgentLate.id)).filter((e: { kind: string }) => e.kind === 'SLA_BREACHED')).toEqual([{ kind: 'SLA_BREACHED', actor: 'sla-watcher' }]);
    expect((await events(highFresh.id)).map((e: { kind: string }) => e.kind)).toEqual(['OPENED']);
  });

  test('escalation raises the priority one step, shortens the SLA and records the event; URGENT and closed tickets cannot be escalated', async () => {
    const c = await makeCustomer(t);
    const ticket = await openTicket({ customerId: c.id, priority: 'LOW', openedAt: ago(2 * HOUR) });
    const escalate = (id: string) => t.gql(`mutation($id: ID!) { escalateTicket(id: $id, note: "customer called twice", actor: "lead") { ${TICKET} } }`, { id });
    const once = ok(await escalate(ticket.id)).escalateTicket;
    expect(once).toMatchObject({ priority: 'MEDIUM', status: 'OPEN' });
    expect(Date.parse(once.slaDueAt) - Date.parse(once.openedAt)).toBe(72 * HOUR);
    expect(once.escalatedAt).not.toBeNull();
    expect(once.events[1]).toMatchObject({ kind: 'ESCALATED', fromPriority: 'LOW', toPriority: 'MEDIUM', note: 'customer called twice', actor: 'lead' });
    ok(await escalate(ticket.id));
    const urgent = ok(await escalate(ticket.id)).escalateTicket;
    expect(urgent.priority).toBe('URGENT');
    expect(Date.parse(urgent.slaDueAt) - Date.parse(urgent.openedAt)).toBe(4 * HOUR);
    const again = await escalate(ticket.id);
    expect(again.errors?.[0]).toMatchObject({ message: 'the ticket is already URGENT', extensions: { code: 'BAD_USER_INPUT' } });

    const done = await openTicket({ customerId: c.id });
    ok(await move(done.id, 'IN_PROGRESS'));
    ok(await move(done.id, 'RESOLVED'));
    const late = await escalate(done.id);
    expect(late.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(late.errors?.[0].message).toMatch(/only an open ticket can be escalated/);
  });
});

describe('refunds', () => {
  const VALUE = `query($id: ID!) { customer(id: $id) { value { totalSpent purchaseCount } } }`;

  test('resolving a REFUND ticket with refundPurchase marks the purchase REFUNDED in the same transaction; the customer value goes down', async () => {
    const c = await makeCustomer(t);
    const product = await makeProduct(t, { price: 40 });
    const kept = await makePurchase(t, c.id, [{ productId: product.id, quantity: 1 }]);
    const refunded = await makePurchase(t, c.id, [{ productId: product.id, quantity: 2 }]);
    expect(ok(await t.gql(VALUE, { id: c.id })).customer.value).toEqual({ totalSpent: 120, purchaseCount: 2 });

    const ticket = await openTicket({ customerId: c.id, type: 'REFUND', purchaseId: refunded.id, subject: 'broken on arrival' });
    ok(await move(ticket.id, 'IN_PROGRESS'));
    const resolved = ok(await t.gql(`mutation($i: TransitionTicketInput!) { transitionTicket(input: $i) { status purchase { id status } } }`, {
      i: { id: ticket.id, status: 'RESOLVED', refundPurchase: true },
    })).transitionTicket;
    expect(resolved).toEqual({ status: 'RESOLVED', purchase: { id: refunded.id, status: 'REFUNDED' } });
    expect(ok(await t.gql(VALUE, { id: c.id })).customer.value).toEqual({ totalSpent: 40, purchaseCount: 1 });
    expect(ok(await t.gql(`query($id: ID!) { purchase(id: $id) { status } }`, { id: kept.id })).purchase.status).toBe('COMPLETED');
  });

  test('refundPurchase on a ticket that is not a REFUND is rejected and nothing moves', async () => {
    const c = await makeCustomer(t);
    const product = await makeProduct(t, { price: 10 });
    const p = await makePurchase(t, c.id, [{ productId: product.id, quantity: 1 }]);
    const ticket = await openTicket({ customerId: c.id, type: 'COMPLAINT', purchaseId: p.id });
    ok(await move(ticket.id, 'IN_PROGRESS'));
    const r = await move(ticket.id, 'RESOLVED', { refundPurchase: true });
    expect(r.errors?.[0]).toMatchObject({ message: 'refundPurchase needs a REFUND ticket (this one is COMPLAINT)', extensions: { code: 'BAD_USER_INPUT' } });
    expect(ok(await t.gql(`query($id: ID!) { ticket(id: $id) { status purchase { status } } }`, { id: ticket.id })).ticket).toEqual({ status: 'IN_PROGRESS', purchase: { status: 'COMPLETED' } });
  });
});

describe('Customer.tickets', () => {
  test('filters by status and is batched: a page of 2 and of 6 customers cost the same statements', async () => {
    const customers = [];
    for (let i = 0; i < 6; i++) customers.push(await makeCustomer(t, { name: `Batch ${i}`, tags: ['ticketbatch'] }));
    for (const [i, c] of customers.entries()) {
      for (let k = 0; k <= i % 3; k++) {
        const ticket = await openTicket({ customerId: c.id, subject: `t${i}.${k}` });
        if (k === 1) {
          ok(await move(ticket.id, 'IN_PROGRESS'));
          ok(await move(ticket.id, 'RESOLVED'));
        }
      }
    }
    const Q = `query($n: Int!) { customers(first: $n, filter: { tag: "ticketbatch" }) { nodes { name
      open: tickets(status: [OPEN]) { totalCount nodes { subject status } }
      all: tickets(first: 1) { totalCount pageInfo { hasNextPage } } } } }`;
    const small = await t.gql(Q, { n: 2 });
    const large = await t.gql(Q, { n: 6 });
    const nodes = ok(large).customers.nodes;
    expect(nodes.map((n: any) => [n.open.totalCount, n.all.totalCount])).toEqual([[1, 1], [1, 2], [2, 3], [1, 1], [1, 2], [2, 3]]);
    expect(nodes[2].open.nodes.map((n: any) => n.subject)).toEqual(['t2.2', 't2.0']);
    expect(nodes[0].all.pageInfo.hasNextPage).toBe(false);
    expect(nodes[2].all.pageInfo.hasNextPage).toBe(true);
    expect(small.extensions!.sql!.statements).toBe(large.extensions!.sql!.statements);
  });

  test('an ANALYST key cannot open tickets', async () => {
    const c = await makeCustomer(t);
    const r = await t.as('ANALYST', `mutation($i: OpenTicketInput!) { openTicket(input: $i) { id } }`, { i: { customerId: c.id, type: 'INQUIRY', subject: 'x' } });
    expect(r.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });
});

test('node(id) resolves care records by their global id', async () => {
  const { tickets } = ok(await t.gql(`{ tickets(first: 1) { nodes { id } } }`));
  const id = tickets.nodes[0].id;
  const d = ok(await t.gql(`query($id: ID!) { node(id: $id) { __typename id } }`, { id }));
  expect(d.node).toEqual({ __typename: 'Ticket', id });
});
