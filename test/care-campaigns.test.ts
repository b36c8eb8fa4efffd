import { dialectOf } from '../src/db/dialect';
import { PurchaseService } from '../src/modules/purchase/purchase.service';
import { startTestApp, ok, type TestApp } from './support/app';
import { bulkInsert } from './support/bulk';
import { makeCustomer, makeProduct, makePurchase } from './support/factories';

let t: TestApp;
const DAY = 86_400_000;
const POPULATION = 60;

/** A seeded generator, so that the population is the same on every run. */
function mulberry32(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A small company with buy-till-you-die histories over the last two years (each customer buys at their own
 * rate until they drop out), so that tiers, RFM segments, K-means segments and churn risk all vary.
 */
async function loadPopulation() {
  const d = dialectOf(t.ds);
  const random = mulberry32(7);
  const now = Date.now();
  const created = d.date(new Date(now - 900 * DAY));
  const customers = Array.from({ length: POPULATION }, (_, k) => {
    const id = k + 1;
    return [id, `Pop ${id}`, `pop${id}@example.com`, `${1950 + (id * 7) % 50}-0${1 + (id % 9)}-15`, 20_000 + ((id * 7919) % 90) * 1000, id % 2 === 0 ? 1 : 0, id % 3 === 0 ? 1 : 0, created, created, 1];
  });
  await bulkInsert(t.ds, 'customers', ['id', 'name', 'email', 'birth_date', 'annual_income', 'email_opt_in', 'sms_opt_in', 'created_at', 'updated_at', 'version'], customers);
  const purchases: unknown[][] = [];
  for (let id = 1; id <= POPULATION; id++) {
    const ratePerDay = (0.2 + random() * 3) / 30;
    const start = now - (200 + random() * 500) * DAY;
    const dropout = start + (random() < 0.5 ? random() * 400 : 2000) * DAY;
    for (let at = start; at < Math.min(dropout, now - DAY); at += (-Math.log(1 - random()) / ratePerDay) * DAY) {
      const cents = Math.round((10 + random() * 90) * 100);
      purchases.push([purchases.length + 1, id, d.date(new Date(Math.floor(at / DAY) * DAY)), 'ONLINE', 'COMPLETED', cents, 0, cents, created, created]);
    }
  }
  await bulkInsert(t.ds, 'purchases', ['id', 'customer_id', 'purchased_at', 'channel', 'status', 'subtotal_cents', 'discount_cents', 'total_cents', 'created_at', 'updated_at'], purchases);
  await new PurchaseService(t.ds).refreshCustomerStats('all');
}

beforeAll(async () => {
  t = await startTestApp();
  await loadPopulation();
}, 120_000);
afterAll(() => t.close());

interface Row {
  id: string;
  emailOptIn: boolean;
  smsOptIn: boolean;
  segment: { id: number } | null;
  rfm: { segment: string } | null;
  value: { tier: string };
  lifetime: { churnRisk: number } | null;
}

/** Every customer with the analytic fields as the graph shows them one by one: the yardstick for audiences. */
async function everyone(): Promise<Row[]> {
  const rows: Row[] = [];
  let after: string | null = null;
  for (;;) {
    const page: any = ok(await t.gql(`query($a: String) { customers(first: 100, after: $a) { pageInfo { hasNextPage endCursor }
      nodes { id emailOptIn smsOptIn segment { id } rfm { segment } value { tier } lifetime { churnRisk } } } }`, { a: after })).customers;
    rows.push(...page.nodes);
    if (!page.pageInfo.hasNextPage) return rows;
    after = page.pageInfo.endCursor;
  }
}

const PREVIEW = `query($a: AudienceInput, $c: ID, $ch: CampaignChannel, $n: Int!) { previewAudience(audience: $a, campaignId: $c, channel: $ch, first: $n) { totalCount consentedCount customers { id } } }`;
const preview = async (audience: Record<string, unknown>, channel = 'EMAIL', first = 5) => ok(await t.gql(PREVIEW, { a: audience, ch: channel, n: first })).previewAudience;

const mostCommon = (values: string[]) => [...values.reduce((m, v) => m.set(v, (m.get(v) ?? 0) + 1), new Map<string, number>())].sort((a, b) => b[1] - a[1])[0][0];
const dbId = (gid: string) => Number(Buffer.from(gid, 'base64').toString('utf8').split(':')[1]);

describe('audience preview', () => {
  test('counts equal a direct count of the matching customers for every kind of criterion, alone and combined', async () => {
    const rows = await everyone();
    expect(rows.length).toBe(POPULATION);
    const withRisk = rows.filter((r) => r.lifetime);
    expect(withRisk.length).toBe(POPULATION); // the lifetime model fitted on this population
    const cases: [Record<string, unknown>, (r: Row) => boolean][] = [
      [{ valueTier: 'HIGH' }, (r) => r.value.tier === 'HIGH'],
      [{ rfmSegment: mostCommon(rows.filter((r) => r.rfm).map((r) => r.rfm!.segment)) }, (r) => r.rfm?.segment === mostCommon(rows.filter((x) => x.rfm).map((x) => x.rfm!.segment))],
      [{ segmentId: rows[0].segment!.id }, (r) => r.segment?.id === rows[0].segment!.id],
      [{ churnRiskAbove: 0.5 }, (r) => r.lifetime != null && r.lifetime.churnRisk > 0.5],
      [{ valueTier: 'LOW', churnRiskAbove: 0.2 }, (r) => r.value.tier === 'LOW' && r.lifetime != null && r.lifetime.churnRisk > 0.2],
      [{ customerIds: [rows[3].id, rows[7].id, rows[9].id] }, (r) => [rows[3].id, rows[7].id, rows[9].id].includes(r.id)],
      [{ customerIds: [rows[3].id, rows[4].id], valueTier: rows[3].value.tier }, (r) => [rows[3].id, rows[4].id].includes(r.id) && r.value.tier === rows[3].value.tier],
    ];
    for (const [audience, matches] of cases) {
      const direct = rows.filter(matches);
      const p = await preview(audience, 'EMAIL', 5);
      expect({ audience, totalCount: p.totalCount }).toEqual({ audience, totalCount: direct.length });
      expect(p.consentedCount).toBe(direct.filter((r) => r.emailOptIn).length);
      expect(p.customers.map((c: { id: string }) => c.id)).toEqual(direct.map((r) => r.id).sort((a, b) => dbId(a) - dbId(b)).slice(0, 5));
      const sms = await preview(audience, 'SMS', 0);
      expect(sms.consentedCount).toBe(direct.filter((r) => r.smsOptIn).length);
    }
    // The criteria really split the population (a test that cannot fail proves nothing).
    expect(rows.filter((r) => r.value.tier === 'HIGH').length).toBeGreaterThan(0);
    expect(rows.filter((r) => r.value.tier === 'HIGH').length).toBeLessThan(POPULATION);
    expect(new Set(rows.map((r) => r.segment?.id)).size).toBeGreaterThan(1);
  });

  test('an empty or invalid audience is rejected', async () => {
    const empty = await t.gql(PREVIEW, { a: {}, n: 5 });
    expect(empty.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    expect(empty.errors?.[0].message).toMatch(/at least one criterion/);
    const both = await t.gql(PREVIEW, { n: 5 });
    expect(both.errors?.[0].message).toBe('pass exactly one of campaignId or audience');
    const badSegment = await t.gql(PREVIEW, { a: { segmentId: 99 }, n: 5 });
    expect(badSegment.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });
});

const CREATE = `mutation($i: CreateCampaignInput!) { createCampaign(input: $i) { id name type channel startsAt endsAt discountPercent discountAmount codePrefix active launchedAt
  audience { valueTier segmentId rfmSegment churnRiskAbove customerIds } } }`;
const LAUNCH = `mutation($id: ID!) { launchCampaign(id: $id) { audience issued alreadyIssued skippedNoConsent } }`;
const window = (fromDays: number, toDays: number) => ({ startsAt: new Date(Date.now() + fromDays * DAY).toISOString(), endsAt: new Date(Date.now() + toDays * DAY).toISOString() });

describe('launch', () => {
  test('issues one coupon per consenting member in bulk, logs an OUTBOUND interaction each, and a relaunch does not double-issue', async () => {
    const rows = await everyone();
    const high = rows.filter((r) => r.value.tier === 'HIGH');
    const campaign = ok(await t.gql(CREATE, { i: { name: 'Thank you', type: 'COUPON', channel: 'EMAIL', discountPercent: 10, codePrefix: 'THANKS', audience: { valueTier: 'HIGH' }, ...window(-1, 30) } })).createCampaign;
    expect(campaign).toMatchObject({ active: true, launchedAt: null, discountPercent: 10, audience: { valueTier: 'HIGH', segmentId: null, customerIds: null } });

    const first = ok(await t.gql(LAUNCH, { id: campaign.id })).launchCampaign;
    const consenting = high.filter((r) => r.emailOptIn);
    expect(first).toEqual({ audience: high.length, issued: consenting.length, alreadyIssued: 0, skippedNoConsent: high.length - consenting.length });
    expect(first.skippedNoConsent).toBeGreaterThan(0);

    const coupons = ok(await t.gql(`query($c: ID!) { coupons(first: 100, filter: { campaignId: $c }) { totalCount nodes { code customer { id emailOptIn } campaign { id } redeemedAt } } }`, { c: campaign.id })).coupons;
    expect(coupons.totalCount).toBe(consenting.length);
    expect(coupons.nodes.map((n: any) => n.customer.id).sort()).toEqual(consenting.map((r) => r.id).sort());
    expect(coupons.nodes.every((n: any) => n.customer.emailOptIn && /^THANKS-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{3}$/.test(n.code) && n.redeemedAt === null)).toBe(true);
    expect(new Set(coupons.nodes.map((n: any) => n.code)).size).toBe(consenting.length);

    const sent = ok(await t.gql(`query($c: ID!) { interactions(first: 100, filter: { campaignId: $c }) { totalCount nodes { direction channel agent subject customer { id } } } }`, { c: campaign.id })).interactions;
    expect(sent.totalCount).toBe(consenting.length);
    expect(sent.nodes.every((n: any) => n.direction === 'OUTBOUND' && n.channel === 'EMAIL' && n.agent === 'campaign' && n.subject.startsWith('Thank you: your code THANKS-'))).toBe(true);

    const again = ok(await t.gql(LAUNCH, { id: campaign.id })).launchCampaign;
    expect(again).toEqual({ audience: high.length, issued: 0, alreadyIssued: consenting.length, skippedNoConsent: first.skippedNoConsent });

    // A member who opts in later gets a coupon on the next launch, and only they do.
    const late = high.find((r) => !r.emailOptIn)!;
    ok(await t.gql(`mutation($i: UpdateCustomerInput!) { updateCustomer(input: $i) { id } }`, { i: { id: late.id, emailOptIn: true } }));
    const third = ok(await t.gql(LAUNCH, { id: campaign.id })).launchCampaign;
    expect(third).toEqual({ audience: high.length, issued: 1, alreadyIssued: consenting.length, skippedNoConsent: first.skippedNoConsent - 1 });
    const total = ok(await t.gql(`query($c: ID!) { coupons(filter: { campaignId: $c }) { totalCount } interactions(filter: { campaignId: $c }) { totalCount } campaign(id: $c) { launchedAt results { issued redeemed redemptionRate revenue } } }`, { c: campaign.id }));
    expect(total.coupons.totalCount).toBe(consenting.length + 1);
    expect(total.interactions.totalCount).toBe(consenting.length + 1);
    expect(total.campaign.launchedAt).not.toBeNull();
    expect(total.campaign.results).toEqual({ issued: consenting.length + 1, redeemed: 0, redemptionRate: 0, revenue: 0 });
  });

  test('SMS campaigns reach only SMS opt-ins; an ended campaign cannot be launched; bad campaigns are rejected', async () => {
    const rows = await everyone();
    const picked = rows.slice(10, 20);
    const sms = ok(await t.gql(CREATE, { i: { name: 'Text', type: 'PROMOTION', channel: 'SMS', codePrefix: 'TXT', audience: { customerIds: picked.map((r) => r.id) }, ...window(-1, 5) } })).createCampaign;
    const r = ok(await t.gql(LAUNCH, { id: sms.id })).launchCampaign;
    expect(r).toEqual({ audience: 10, issued: picked.filter((x) => x.smsOptIn).length, alreadyIssued: 0, skippedNoConsent: picked.filter((x) => !x.smsOptIn).length });

    const ended = ok(await t.gql(CREATE, { i: { name: 'Old', type: 'DISCOUNT', channel: 'EMAIL', discountAmount: 5, codePrefix: 'OLD', audience: { valueTier: 'LOW' }, ...window(-10, -1) } })).createCampaign;
    const late = await t.gql(LAUNCH, { id: ended.id });
    expect(late.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(late.errors?.[0].message).toMatch(/can no longer be launched/);

    const noDiscount = await t.gql(CREATE, { i: { name: 'X', type: 'COUPON', channel: 'EMAIL', codePrefix: 'X1', audience: { valueTier: 'LOW' }, ...window(0, 1) } });
    expect(noDiscount.errors?.[0].message).toBe('a COUPON campaign needs discountPercent or discountAmount');
    const backwards = await t.gql(CREATE, { i: { name: 'X', type: 'COUPON', channel: 'EMAIL', discountPercent: 5, codePrefix: 'X1', audience: { valueTier: 'LOW' }, ...window(2, 1) } });
    expect(backwards.errors?.[0].message).toBe('endsAt must be after startsAt');
    const badPrefix = await t.gql(CREATE, { i: { name: 'X', type: 'COUPON', channel: 'EMAIL', discountPercent: 5, codePrefix: 'spring!', audience: { valueTier: 'LOW' }, ...window(0, 1) } });
    expect(badPrefix.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('redemption', () => {
  const BUY = `mutation($i: CreatePurchaseInput!) { createPurchase(input: $i) { id subtotal discount total status coupon { code redeemedAt redeemingPurchase { id } } } }`;
  let product: { id: string };
  let eve: { id: string };
  let fay: { id: string };
  let campaignId: string;
  const codeOf = async (campaign: string, customer: string) =>
    ok(await t.gql(`query($c: ID!, $u: ID!) { coupons(filter: { campaignId: $c, customerId: $u }) { nodes { code } } }`, { c: campaign, u: customer })).coupons.nodes[0].code as string;
  const purchasesOf = async (customer: string) => ok(await t.gql(`query($u: ID!) { purchases(filter: { customerId: $u }) { totalCount } }`, { u: customer })).purchases.totalCount as number;

  beforeAll(async () => {
    product = await makeProduct(t, { price: 25 });
    eve = await makeCustomer(t, { name: 'Eve Coupon', emailOptIn: true });
    fay = await makeCustomer(t, { name: 'Fay Coupon', emailOptIn: true });
    campaignId = ok(await t.gql(CREATE, { i: { name: 'Spring', type: 'COUPON', channel: 'EMAIL', discountPercent: 20, codePrefix: 'SPRING', audience: { customerIds: [eve.id, fay.id] }, ...window(-1, 1) } })).createCampaign.id;
    expect(ok(await t.gql(LAUNCH, { id: campaignId })).launchCampaign.issued).toBe(2);
  });

  test("a redeemed coupon's discount is in the purchase total; the coupon records the purchase; results count it", async () => {
    const code = await codeOf(campaignId, eve.id);
    const p = ok(await t.gql(BUY, { i: { customerId: eve.id, channel: 'ONLINE', couponCode: code.toLowerCase(), lines: [{ productId: product.id, quantity: 2 }] } })).createPurchase;
    expect(p).toMatchObject({ subtotal: 50, discount: 10, total: 40, status: 'COMPLETED', coupon: { code, redeemingPurchase: { id: p.id } } });
    expect(p.coupon.redeemedAt).not.toBeNull();
    const value = ok(await t.gql(`query($id: ID!) { customer(id: $id) { value { totalSpent } } }`, { id: eve.id })).customer.value;
    expect(value.totalSpent).toBe(40);
    const results = async () => ok(await t.gql(`query($id: ID!) { campaign(id: $id) { results { issued redeemed redemptionRate revenue } } }`, { id: campaignId })).campaign.results;
    expect(await results()).toEqual({ issued: 2, redeemed: 1, redemptionRate: 0.5, revenue: 40 });
    // Revenue counts only redeeming purchases that are still COMPLETED.
    ok(await t.gql(`mutation($id: ID!) { updatePurchaseStatus(id: $id, status: REFUNDED) { id } }`, { id: p.id }));
    expect(await results()).toEqual({ issued: 2, redeemed: 1, redemptionRate: 0.5, revenue: 0 });

    // Already used: CONFLICT, and no purchase is left behind.
    const before = await purchasesOf(eve.id);
    const twice = await t.gql(BUY, { i: { customerId: eve.id, channel: 'ONLINE', couponCode: code, lines: [{ productId: product.id, quantity: 1 }] } });
    expect(twice.errors?.[0].extensions?.code).toBe('CONFLICT');
    expect(twice.errors?.[0].message).toMatch(new RegExp(`^coupon ${code} was already used`));
    expect(await purchasesOf(eve.id)).toBe(before);
  });

  test('not the owner: FORBIDDEN; unknown code: NOT_FOUND; not a completed sale: BAD_USER_INPUT', async () => {
    const fays = await codeOf(campaignId, fay.id);
    const stolen = await t.gql(BUY, { i: { customerId: eve.id, channel: 'STORE', couponCode: fays, lines: [{ productId: product.id, quantity: 1 }] } });
    expect(stolen.errors?.[0]).toMatchObject({ message: `coupon ${fays} belongs to another customer`, extensions: { code: 'FORBIDDEN' } });
    const unknown = await t.gql(BUY, { i: { customerId: eve.id, channel: 'STORE', couponCode: 'NOPE-0000-0000-000', lines: [{ productId: product.id, quantity: 1 }] } });
    expect(unknown.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    const cancelled = await t.gql(BUY, { i: { customerId: fay.id, channel: 'STORE', status: 'CANCELLED', couponCode: fays, lines: [{ productId: product.id, quantity: 1 }] } });
    expect(cancelled.errors?.[0]).toMatchObject({ message: 'only a COMPLETED purchase can redeem a coupon', extensions: { code: 'BAD_USER_INPUT' } });
    // Fay's coupon is still good for Fay.
    expect(ok(await t.gql(BUY, { i: { customerId: fay.id, channel: 'STORE', couponCode: fays, lines: [{ productId: product.id, quantity: 1 }] } })).createPurchase.total).toBe(20);
  });

  test('expired and not-yet-valid coupons: BAD_USER_INPUT; an amount discount never takes the total below zero', async () => {
    const winter = ok(await t.gql(CREATE, { i: { name: 'Winter', type: 'DISCOUNT', channel: 'EMAIL', discountAmount: 100, codePrefix: 'WINTER', audience: { customerIds: [eve.id] }, startsAt: '2024-01-01T00:00:00Z', endsAt: '2024-02-01T00:00:00Z' } })).createCampaign;
    // Launched back then (the service takes the launch time as an argument).
    const launched = await t.app.services.care.campaigns.launch(dbId(winter.id), new Date('2024-01-10T00:00:00Z'));
    expect(launched.issued).toBe(1);
    const code = await codeOf(winter.id, eve.id);
    const expired = await t.gql(BUY, { i: { customerId: eve.id, channel: 'ONLINE', couponCode: code, lines: [{ productId: product.id, quantity: 1 }] } });
    expect(expired.errors?.[0]).toMatchObject({ message: 'coupon expired (valid until 2024-02-01T00:00:00.000Z)', extensions: { code: 'BAD_USER_INPUT' } });
    const early = await t.gql(BUY, { i: { customerId: eve.id, channel: 'ONLINE', couponCode: code, purchasedAt: '2023-12-24T10:00:00Z', lines: [{ productId: product.id, quantity: 1 }] } });
    expect(early.errors?.[0]).toMatchObject({ message: 'coupon not valid yet (valid from 2024-01-01T00:00:00.000Z)', extensions: { code: 'BAD_USER_INPUT' } });
    // Inside the window (a purchase recorded late), 100 off a 25 subtotal: total 0, not negative.
    const inWindow = ok(await t.gql(BUY, { i: { customerId: eve.id, channel: 'ONLINE', couponCode: code, purchasedAt: '2024-01-20T10:00:00Z', lines: [{ productId: product.id, quantity: 1 }] } })).createPurchase;
    expect(inWindow).toMatchObject({ subtotal: 25, discount: 25, total: 0 });
  });
});

describe('next best action', () => {
  test('names an active campaign holding the customer on a consented channel, and open tickets come first', async () => {
    const atRisk = ok(await t.gql(`{ atRiskCustomers(first: 100) { customer { id } nextBestAction { kind channel campaign { id name } openTickets handleTicketFirst } } }`)).atRiskCustomers;
    expect(atRisk.length).toBeGreaterThan(5);
    // The expectation, from the previews: the active campaign ending first whose audience holds the customer with consent.
    // filter: null means no filter (it once was an internal error).
    const all = ok(await t.gql(`{ campaigns(first: 50, filter: null) { totalCount } }`)).campaigns.totalCount;
    const active = ok(await t.gql(`{ campaigns(first: 50, filter: { active: true }) { nodes { id name channel endsAt } } }`)).campaigns.nodes
      .sort((a: any, b: any) => Date.parse(a.endsAt) - Date.parse(b.endsAt) || dbId(a.id) - dbId(b.id));
    const audiences = new Map<string, { id: string; emailOptIn: boolean; smsOptIn: boolean }[]>();
    for (const k of active) audiences.set(k.id, ok(await t.gql(`query($c: ID!) { previewAudience(campaignId: $c, first: 100) { customers { id emailOptIn smsOptIn } } }`, { c: k.id })).previewAudience.customers);
    const expected = (customerId: string) =>
      active.find((k: any) => audiences.get(k.id)!.some((m) => m.id === customerId && (k.channel === 'EMAIL' ? m.emailOptIn : m.smsOptIn)))?.id ?? null;
    for (const a of atRisk) {
      expect({ customer: a.customer.id, campaign: a.nextBestAction.campaign?.id ?? null }).toEqual({ customer: a.customer.id, campaign: expected(a.customer.id) });
      expect(a.nextBestAction).toMatchObject({ openTickets: 0, handleTicketFirst: false });
    }
    expect(all).toBeGreaterThanOrEqual(active.length);
    const thanks = active.find((k: any) => k.name === 'Thank you');
    expect(atRisk.some((a: any) => a.nextBestAction.campaign?.id === thanks.id)).toBe(true);
    expect(atRisk.some((a: any) => a.nextBestAction.campaign === null)).toBe(true);

    const target = atRisk[0].customer.id;
    ok(await t.gql(`mutation($i: OpenTicketInput!) { openTicket(input: $i) { id } }`, { i: { customerId: target, type: 'COMPLAINT', subject: 'unhappy' } }));
    const after = ok(await t.gql(`{ atRiskCustomers(first: 100) { customer { id } nextBestAction { openTickets handleTicketFirst } } }`)).atRiskCustomers;
    expect(after.find((a: any) => a.customer.id === target).nextBestAction).toEqual({ openTickets: 1, handleTicketFirst: true });
    expect(after.filter((a: any) => a.nextBestAction.handleTicketFirst).length).toBe(1);
  });
});
