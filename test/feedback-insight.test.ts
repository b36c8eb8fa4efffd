import { ok, startTestApp, type TestApp } from './support/app';
import { makeCustomer, makeFeedback, makeProduct, makePurchase } from './support/factories';

/** Analytic fields of Feedback and the feedback inbox (issue #17), on a real server and database. */
let t: TestApp;
let vip: { id: string };
let regular: { id: string };
const ids: string[] = [];

beforeAll(async () => {
  t = await startTestApp();
  const product = await makeProduct(t, { price: 400 });
  const cheap = await makeProduct(t, { price: 5 });
  vip = await makeCustomer(t, { name: 'Vera Vip', phone: '+49 30 1', emailOptIn: true });
  regular = await makeCustomer(t, { name: 'Rudi Regular', emailOptIn: true });
  for (let i = 0; i < 6; i++) await makePurchase(t, vip.id, [{ productId: product.id, quantity: 3 }], { purchasedAt: new Date(Date.UTC(2025, i, 10)).toISOString() });
  await makePurchase(t, regular.id, [{ productId: cheap.id, quantity: 1 }]);
  await makeFeedback(t, vip.id, 2, { issue: 'DELIVERY', comment: 'late again', createdAt: '2025-07-01T10:00:00.000Z' });
  ids.push((await makeFeedback(t, vip.id, 1, { comment: 'Terrible! The parcel was late and arrived broken. Nobody answers. Furious.' })).id);
  ids.push((await makeFeedback(t, regular.id, 3, { comment: 'It came on Tuesday.' })).id);
  ids.push((await makeFeedback(t, regular.id, 5, { comment: 'Lovely shop, great staff, thank you!' })).id);
  ids.push((await makeFeedback(t, regular.id, 5, { comment: 'Awful, broken and useless.' })).id);
  // Filler, so that pages of 5 and 50 can be compared.
  for (let i = 0; i < 50; i++) {
    const c = await makeCustomer(t, { name: `Filler ${i}` });
    await makeFeedback(t, c.id, 1 + (i % 5), { comment: i % 2 ? 'the delivery was slow' : 'fine' });
  }
}, 120_000);
afterAll(() => t.close());

/** The given feedback, in order, with every analytic field. */
async function feedbackById(list: string[]) {
  const all = ok(await t.gql(`{ feedbacks(first: 100) { nodes { ${FIELDS} } } }`)).feedbacks.nodes as { id: string }[];
  return list.map((id) => all.find((f) => f.id === id) as any);
}

const FIELDS = `id score sentiment { score label } scoreMismatch painPoint { issue inferred openForCustomer } followUp { priority level action channel reasons campaign { id } }`;

test('sentiment, mismatch and pain point of clear comments', async () => {
  const [angry, neutral, happy, mismatch] = await feedbackById(ids);
  expect(angry.sentiment.label).toBe('NEGATIVE');
  expect(angry.painPoint).toEqual({ issue: 'DELIVERY', inferred: true, openForCustomer: true });
  expect(neutral.sentiment.label).toBe('NEUTRAL');
  expect(neutral.painPoint).toBeNull();
  expect(happy).toMatchObject({ sentiment: { label: 'POSITIVE' }, scoreMismatch: false, followUp: { priority: 0, level: 'NONE', action: 'NONE' } });
  expect(mismatch).toMatchObject({ sentiment: { label: 'NEGATIVE' }, scoreMismatch: true });
  expect(mismatch.followUp.priority).toBeGreaterThan(0);
});

test('followUp ranks a 1-star angry comment of a high-value customer above a 3-star neutral one, with a call', async () => {
  const [angry, neutral] = await feedbackById(ids.slice(0, 2));
  expect(angry.followUp.priority).toBeGreaterThan(neutral.followUp.priority);
  expect(angry.followUp).toMatchObject({ action: 'CALL', channel: 'PHONE' });
  expect(angry.followUp.reasons).toEqual(expect.arrayContaining(['1 star', 'negative words', 'complained 1 time before']));
  const inbox = ok(await t.gql(`{ feedbackInbox(first: 3) { totalCount candidates endCursor items { feedback { id } followUp { priority level } } } }`)).feedbackInbox;
  expect(inbox.items[0].feedback.id).toBe(ids[0]);
  const priorities = inbox.items.map((i: { followUp: { priority: number } }) => i.followUp.priority);
  expect([...priorities].sort((a, b) => b - a)).toEqual(priorities);
  // The next page continues where this one ended; a forged cursor is refused.
  const next = ok(await t.gql(`query($after: String) { feedbackInbox(first: 100, after: $after) { items { feedback { id } followUp { priority } } } }`, { after: inbox.endCursor })).feedbackInbox;
  expect(next.items.length).toBe(inbox.totalCount - 3);
  expect(next.items[0].followUp.priority).toBeLessThanOrEqual(priorities[2]);
  const bad = await t.gql(`{ feedbackInbox(after: "bm9wZQ") { totalCount } }`);
  expect(bad.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
  expect((await t.gql(`{ feedbackInbox(first: 1000) { totalCount } }`)).errors![0].extensions!.code).toBe('BAD_USER_INPUT');
});

test('a page of 5 or 50 feedback with every analytic field runs the same SQL statements', async () => {
  const q = (n: number) => t.gql(`{ feedbacks(first: ${n}) { nodes { ${FIELDS} } } }`);
  ok(await q(5)); // fits the models once
  const five = await q(5);
  const fifty = await q(50);
  ok(five);
  ok(fifty);
  expect(fifty.extensions!.sql!.statements).toBe(five.extensions!.sql!.statements);
});

test('an ANALYST sees the inbox with comments and names masked', async () => {
  const inbox = ok(await t.as('ANALYST', `{ feedbackInbox(first: 5) { items { feedback { comment customer { name email } sentiment { label } } } } }`)).feedbackInbox;
  expect(inbox.items.length).toBeGreaterThan(0);
  for (const item of inbox.items) {
    expect(item.feedback.comment).toBeNull();
    expect(item.feedback.customer.email).toBeNull();
    expect(item.feedback.customer.name).toMatch(/^[A-Z]\.( [A-Z0-9]\.)?$/);
  }
});

test('MODEL_REFRESH=background: the ranked inbox is kept; new feedback joins it behind the answers', async () => {
  const app = await startTestApp({ MODEL_REFRESH: 'background' });
  try {
    const c = await makeCustomer(app, { name: 'Bea Background', emailOptIn: true });
    const p = await makeProduct(app, { price: 50 });
    await makePurchase(app, c.id, [{ productId: p.id, quantity: 2 }]);
    await makeFeedback(app, c.id, 1, { comment: 'Broken on arrival, furious.' });
    const inbox = () => app.gql(`{ feedbackInbox(first: 10) { totalCount items { feedback { id } followUp { priority } } } }`);
    let first = await inbox();
    for (let i = 0; i < 100 && first.errors?.[0]?.extensions?.code === 'SERVICE_UNAVAILABLE'; i++) {
      await new Promise((r) => setTimeout(r, 100)); // models fitted for the first time
      first = await inbox();
    }
    expect(ok(first).feedbackInbox.totalCount).toBe(1);
    const second = await inbox();
    expect(ok(second)).toEqual(ok(first));
    expect(second.extensions!.sql!.statements).toBe(1); // the data marks only: no candidate read, no ranking
    const late = await makeFeedback(app, c.id, 2, { comment: 'Still waiting for the refund.' });
    let third = await inbox();
    for (let i = 0; i < 100 && ok(third).feedbackInbox.totalCount < 2; i++) {
      await new Promise((r) => setTimeout(r, 50));
      third = await inbox();
    }
    expect(ok(third).feedbackInbox.items.map((x: { feedback: { id: string } }) => x.feedback.id)).toContain(late.id);
  } finally {
    await app.close();
  }
}, 60_000);
