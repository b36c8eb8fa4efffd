import { createPubSub } from '@graphql-yoga/subscription';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { createLogger } from '../src/logger';
import { BridgedEventTarget } from '../src/realtime/pubsub';
import { connectRedisBridge, type RedisClient } from '../src/realtime/redis-bridge';
import { startTestApp, ok, type TestApp } from './support/app';
import { makeCustomer } from './support/factories';

let t: TestApp;
let client: Client;
beforeAll(async () => {
  t = await startTestApp();
  client = createClient({
    url: `${t.url.replace('http', 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${t.keys.AGENT}` },
    retryAttempts: 0,
  });
});
afterAll(async () => {
  await client.dispose();
  await t.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A live subscription that records what arrives. */
function subscribe(query: string, variables: Record<string, unknown> = {}) {
  const events: any[] = [];
  const errors: unknown[] = [];
  const stop = client.subscribe({ query, variables }, { next: (v) => (v.errors ? errors.push(v.errors) : events.push(v.data!.careEvents)), error: (e) => errors.push(e), complete: () => undefined });
  return {
    events,
    errors,
    stop,
    /** Resolves when an event passes `test` (the subscription has no acknowledgement, so callers may need to retry). */
    async until(test: (e: any) => boolean, timeoutMs = 5000) {
      const end = Date.now() + timeoutMs;
      while (Date.now() < end) {
        if (events.some(test)) return;
        await sleep(20);
      }
      throw new Error(`no matching event within ${timeoutMs} ms; got ${JSON.stringify(events)} errors ${JSON.stringify(errors)}`);
    },
  };
}

const feedback = (customerId: string, score: number, comment: string) =>
  t.gql(`mutation($i: CreateFeedbackInput!) { createFeedback(input: $i) { id } }`, { i: { customerId, score, comment, issue: 'DELIVERY' } }).then(ok);

const EVENT = `kind occurredAt message customer { id name } ticket { id subject priority status } feedback { id score comment }`;

test('a subscriber over a real WebSocket receives low-score feedback of its customer and nothing that does not match its filter', async () => {
  const ann = await makeCustomer(t, { name: 'Ann Live' });
  const ben = await makeCustomer(t, { name: 'Ben Live' });
  const sub = subscribe(`subscription($c: ID) { careEvents(kinds: [LOW_SCORE_FEEDBACK], customerId: $c) { ${EVENT} } }`, { c: ann.id });

  // Subscriptions are not acknowledged: publish until the first event shows the subscription is live.
  for (let i = 0; !sub.events.length; i++) {
    if (i === 50) throw new Error(`subscription never became live: ${JSON.stringify(sub.errors)}`);
    await feedback(ann.id, 1, `warm-up ${i}`);
    await sleep(100);
  }
  const live = sub.events.length;
  await feedback(ben.id, 1, 'another customer'); // wrong customer
  await feedback(ann.id, 4, 'happy now'); // not a low score
  ok(await t.gql(`mutation($i: OpenTicketInput!) { openTicket(input: $i) { id } }`, { i: { customerId: ann.id, type: 'COMPLAINT', subject: 'not a feedback' } })); // wrong kind
  const sentinel = await feedback(ann.id, 2, 'sentinel');
  await sub.until((e) => e.feedback?.comment === 'sentinel');
  // Events arrive in publish order, so everything published before the sentinel has been seen by now.
  expect(sub.events.slice(live).map((e) => e.feedback.comment)).toEqual(['sentinel']);
  expect(sub.events[sub.events.length - 1]).toMatchObject({
    kind: 'LOW_SCORE_FEEDBACK', message: 'feedback 2/5 (DELIVERY): sentinel', customer: { id: ann.id, name: 'Ann Live' }, ticket: null,
    feedback: { id: sentinel.createFeedback.id, score: 2, comment: 'sentinel' },
  });
  expect(sub.events.every((e) => e.kind === 'LOW_SCORE_FEEDBACK' && e.customer.id === ann.id && e.feedback.score <= 2)).toBe(true);
  expect(sub.errors).toEqual([]);
  sub.stop();
});

test('ticket opened, escalated and SLA breached events reach a subscriber of those kinds', async () => {
  const cy = await makeCustomer(t, { name: 'Cy Live' });
  const sub = subscribe(`subscription { careEvents(kinds: [TICKET_OPENED, TICKET_ESCALATED, SLA_BREACHED]) { ${EVENT} } }`);
  const open = (subject: string, extra: Record<string, unknown> = {}) =>
    t.gql(`mutation($i: OpenTicketInput!) { openTicket(input: $i) { id } }`, { i: { customerId: cy.id, type: 'INQUIRY', priority: 'LOW', subject, ...extra } }).then((r) => ok(r).openTicket.id as string);
  for (let i = 0; !sub.events.length; i++) {
    if (i === 50) throw new Error('subscription never became live');
    await open(`warm-up ${i}`);
    await sleep(100);
  }
  const id = await open('parcel lost');
  await sub.until((e) => e.ticket?.subject === 'parcel lost');
  ok(await t.gql(`mutation($id: ID!) { escalateTicket(id: $id) { id } }`, { id }));
  await sub.until((e) => e.kind === 'TICKET_ESCALATED');
  const late = await open('waited too long', { priority: 'URGENT', openedAt: new Date(Date.now() - 5 * 3_600_000).toISOString() });
  expect(await t.app.services.care.tickets.detectSlaBreaches()).toBeGreaterThanOrEqual(1);
  await sub.until((e) => e.kind === 'SLA_BREACHED' && e.ticket.id === late);
  await feedback(cy.id, 1, 'not a ticket event');
  await open('sentinel');
  await sub.until((e) => e.ticket?.subject === 'sentinel');

  const opened = sub.events.find((e) => e.ticket?.subject === 'parcel lost');
  expect(opened).toMatchObject({ kind: 'TICKET_OPENED', message: 'LOW INQUIRY ticket opened: parcel lost', customer: { id: cy.id }, feedback: null });
  // Fields resolve at delivery time: the escalation event shows the ticket as it is now.
  expect(sub.events.find((e) => e.kind === 'TICKET_ESCALATED')).toMatchObject({ message: 'ticket escalated LOW -> MEDIUM: parcel lost', ticket: { id, priority: 'MEDIUM' } });
  expect(sub.events.find((e) => e.kind === 'SLA_BREACHED')).toMatchObject({ ticket: { subject: 'waited too long', priority: 'URGENT' } });
  expect(sub.events.some((e) => e.kind === 'LOW_SCORE_FEEDBACK')).toBe(false);
  sub.stop();
});

test('the WebSocket needs a valid API key and serves only subscriptions; bad arguments are BAD_USER_INPUT', async () => {
  const closed = await new Promise<number>((resolve) => {
    const anon = createClient({ url: `${t.url.replace('http', 'ws')}/graphql`, webSocketImpl: WebSocket, retryAttempts: 0, on: { closed: (e) => resolve((e as { code: number }).code) } });
    anon.subscribe({ query: 'subscription { careEvents { kind } }' }, { next: () => undefined, error: () => undefined, complete: () => undefined });
  });
  expect(closed).toBe(4403);

  const asQuery = await new Promise<any>((resolve) => client.subscribe({ query: '{ tickets { totalCount } }' }, { next: () => undefined, error: resolve, complete: () => resolve(null) }));
  expect(asQuery[0]).toMatchObject({ extensions: { code: 'BAD_REQUEST' } });

  const badId = await new Promise<any>((resolve) => client.subscribe({ query: 'subscription { careEvents(customerId: "nope") { kind } }' }, { next: (v) => resolve(v.errors), error: resolve, complete: () => resolve(null) }));
  expect(badId[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
  // The HTTP limits hold over WebSocket too: aliases (graphql-armor) and cost.
  const aliases = Array.from({ length: 20 }, (_, i) => `a${i}: kind`).join(' ');
  const flood = await new Promise<any>((resolve) => client.subscribe({ query: `subscription { careEvents { ${aliases} } }` }, { next: () => undefined, error: resolve, complete: () => resolve(null) }));
  expect(JSON.stringify(flood)).toMatch(/alias/i);
  const costly = await new Promise<any>((resolve) =>
    client.subscribe(
      {
        query: `subscription { careEvents { customer {
          a: purchases(first: 100) { nodes { lines { product { name } } customer { feedback(first: 100) { nodes { comment } } } } }
          b: purchases(first: 100) { nodes { lines { product { name } } customer { feedback(first: 100) { nodes { comment } } } } }
          c: purchases(first: 100) { nodes { lines { product { name } } customer { feedback(first: 100) { nodes { comment } } } } }
        } } }`,
      },
      { next: () => undefined, error: resolve, complete: () => resolve(null) },
    ),
  );
  expect(costly?.[0]?.extensions?.code ?? JSON.stringify(costly)).toBe('QUERY_TOO_COSTLY');
});

test('the Redis bridge delivers an event published on one instance once to the subscribers of every instance', async () => {
  // Two instances' event targets over an in-memory stand-in for a Redis stream (same calls as ioredis).
  const stream: [string, string[]][] = [];
  let seq = 0;
  const fakeRedis = (): RedisClient => {
    const listeners: Record<string, ((arg?: unknown) => void)[]> = {};
    setImmediate(() => listeners.ready?.forEach((l) => l()));
    return {
      status: 'ready',
      async xadd(_key, ...args) {
        const id = `${Date.now()}-${seq++}`;
        stream.push([id, args.slice(args.indexOf('*') + 1).map(String)]);
        return id;
      },
      async xread(...args) {
        const after = String(args[args.length - 1]);
        const newer = () => stream.filter(([id]) => compareIds(id, after) > 0);
        for (let i = 0; i < 20 && !newer().length; i++) await sleep(5);
        return newer().length ? [['caregraph:events', newer()]] : null;
      },
      on(event, listener) {
        (listeners[event] ??= []).push(listener);
        return this;
      },
      async quit() {
        return 'OK';
      },
      disconnect() {},
    };
  };
  const compareIds = (a: string, b: string) => {
    const [am, as] = a.split('-').map(Number);
    const [bm, bs] = b.split('-').map(Number);
    return am - bm || as - bs;
  };
  const log = createLogger('silent');
  const instances = [new BridgedEventTarget(), new BridgedEventTarget()].map((target) => ({ target, pubSub: createPubSub<{ 'care-events': [{ n: number }] }>({ eventTarget: target }) }));
  const bridges = instances.map((i) => connectRedisBridge(i.target, 'redis://fake', log, fakeRedis));
  const received: string[] = [];
  const listen = async (name: string, i: (typeof instances)[number]) => {
    let n = 0;
    // Local events arrive at once, the other instance's through Redis: any order, each once.
    for await (const e of i.pubSub.subscribe('care-events')) {
      received.push(`${name}:${e.n}`);
      if (++n === 2) return;
    }
  };
  const done = Promise.all([listen('a', instances[0]), listen('b', instances[1])]);
  await sleep(10);
  instances[0].pubSub.publish('care-events', { n: 1 });
  instances[1].pubSub.publish('care-events', { n: 2 });
  await done;
  await sleep(100); // nothing more may come (a duplicate would)
  expect(received.sort()).toEqual(['a:1', 'a:2', 'b:1', 'b:2']);
  await Promise.all(bridges.map((b) => b.close()));
});
