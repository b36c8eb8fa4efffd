import { seedDatabase } from '../src/db/seed/load';
import { ok, startTestApp, type TestApp } from './support/app';

/** The dashboard and BI read models on the seeded company, checked against direct counts. */
let t: TestApp;
const asOf = Date.UTC(2026, 0, 1);
beforeAll(async () => {
  t = await startTestApp();
  await seedDatabase(t.ds, { customers: 400, seed: 5, asOf });
}, 120_000);
afterAll(() => t.close());

const count = async (sql: string, params: unknown[] = []) => Number((await t.ds.query(sql, params))[0].n);

test('customerAnalytics pages through every customer with one flat row each', async () => {
  const ids = new Set<string>();
  let after: string | null = null;
  let total = 0;
  for (;;) {
    const d: any = ok(await t.gql(`query($after: String) { customerAnalytics(first: 100, after: $after) { totalCount pageInfo { hasNextPage endCursor }
      nodes { customerId rfmSegment rfmCode purchaseCount totalSpent valueTier churnRisk probabilityAlive clv segmentId averageScore feedbackCount asOf } } }`, { after }));
    const c = d.customerAnalytics;
    total = c.totalCount;
    for (const n of c.nodes) {
      ids.add(n.customerId);
      expect(n.churnRisk).toBeCloseTo(1 - n.probabilityAlive, 10);
      expect(['HIGH', 'MEDIUM', 'LOW']).toContain(n.valueTier);
      if (n.purchaseCount > 0) expect(n.rfmCode).toMatch(/^[1-5]{3}$/);
    }
    if (!c.pageInfo.hasNextPage) break;
    after = c.pageInfo.endCursor;
  }
  expect(total).toBe(await count('SELECT COUNT(*) AS n FROM customers WHERE deleted_at IS NULL'));
  expect(ids.size).toBe(total);
});

test('analyticsSummary groups add up to the whole company for every grouping', async () => {
  const customers = await count('SELECT COUNT(*) AS n FROM customers WHERE deleted_at IS NULL');
  const purchases = await count(`SELECT COUNT(*) AS n FROM purchases WHERE status = 'COMPLETED' AND deleted_at IS NULL`);
  for (const groupBy of ['SEGMENT', 'RFM_SEGMENT', 'COUNTRY']) {
    const rows = ok(await t.gql(`query($g: SummaryGroupBy!) { analyticsSummary(groupBy: $g) { group customers purchases revenue averageScore averageChurnRisk } }`, { g: groupBy })).analyticsSummary;
    expect(rows.length).toBeGreaterThan(1);
    expect(rows.reduce((n: number, r: { customers: number }) => n + r.customers, 0)).toBe(customers);
    expect(rows.reduce((n: number, r: { purchases: number }) => n + r.purchases, 0)).toBe(purchases);
  }
  const revenue = (await count(`SELECT SUM(total_cents) AS n FROM purchases WHERE status = 'COMPLETED' AND deleted_at IS NULL`)) / 100;
  for (const groupBy of ['MONTH', 'CHANNEL']) {
    // Purchases by month or sales channel: every COMPLETED purchase once, customers are the distinct buyers of each group.
    const rows = ok(await t.gql(`query($g: SummaryGroupBy!) { analyticsSummary(groupBy: $g) { group customers purchases revenue averageScore averageChurnRisk } }`, { g: groupBy })).analyticsSummary;
    expect(rows.length).toBeGreaterThan(1);
    expect(rows.reduce((n: number, r: { purchases: number }) => n + r.purchases, 0)).toBe(purchases);
    expect(rows.reduce((n: number, r: { revenue: number }) => n + r.revenue, 0)).toBeCloseTo(revenue, 2);
    for (const r of rows) expect(r.customers).toBeLessThanOrEqual(Math.min(r.purchases, customers));
    if (groupBy === 'MONTH') for (const r of rows) expect(r.group).toMatch(/^\d{4}-\d{2}$/);
  }
});

test('satisfactionSummary by month and channel counts every feedback; painPoints are ranked by count', async () => {
  const feedback = await count('SELECT COUNT(*) AS n FROM feedback WHERE deleted_at IS NULL');
  for (const groupBy of ['MONTH', 'CHANNEL', 'COUNTRY']) {
    const rows = ok(await t.gql(`query($g: SummaryGroupBy!) { satisfactionSummary(groupBy: $g, asOf: "2026-01-01") { period feedbackCount averageScore satisfiedRatio } }`, { g: groupBy })).satisfactionSummary;
    expect(rows.reduce((n: number, r: { feedbackCount: number }) => n + r.feedbackCount, 0)).toBe(feedback);
    for (const r of rows) {
      expect(r.averageScore).toBeGreaterThanOrEqual(1);
      expect(r.averageScore).toBeLessThanOrEqual(5);
    }
  }
  const pains = ok(await t.gql(`{ painPoints(first: 10, asOf: "2026-01-01") { issue count recentCount previousCount trend } }`)).painPoints;
  expect(pains.length).toBeGreaterThan(0);
  for (let i = 1; i < pains.length; i++) expect(pains[i - 1].count).toBeGreaterThanOrEqual(pains[i].count);
  const top = pains[0];
  expect(top.count).toBe(await count('SELECT COUNT(*) AS n FROM feedback WHERE score <= 2 AND issue = ? AND deleted_at IS NULL', [top.issue]));
});

test('painPoints and satisfactionSummary follow new and deleted feedback at once (their reads are kept per feedback version)', async () => {
  const DASH = `{ painPoints(first: 50) { issue count } satisfactionSummary(groupBy: CHANNEL) { period feedbackCount } }`;
  const countOf = (d: { painPoints: { issue: string; count: number }[] }, issue: string) => d.painPoints.find((p) => p.issue === issue)?.count ?? 0;
  const totalOf = (d: { satisfactionSummary: { feedbackCount: number }[] }) => d.satisfactionSummary.reduce((n, r) => n + r.feedbackCount, 0);
  const before = ok(await t.gql(DASH));
  expect(ok(await t.gql(DASH))).toEqual(before); // the second read comes from the kept aggregates
  const [{ id }] = await t.ds.query('SELECT id FROM customers ORDER BY id LIMIT 1');
  const customerId = Buffer.from(`Customer:${id}`).toString('base64');
  const created = ok(await t.gql(`mutation($input: CreateFeedbackInput!) { createFeedback(input: $input) { id } }`, { input: { customerId, score: 1, issue: 'DELIVERY' } })).createFeedback;
  const added = ok(await t.gql(DASH));
  expect(countOf(added, 'DELIVERY')).toBe(countOf(before, 'DELIVERY') + 1);
  expect(totalOf(added)).toBe(totalOf(before) + 1);
  ok(await t.gql(`mutation($id: ID!) { deleteFeedback(id: $id) { id } }`, { id: created.id }));
  const removed = ok(await t.gql(DASH));
  expect(countOf(removed, 'DELIVERY')).toBe(countOf(before, 'DELIVERY'));
  expect(totalOf(removed)).toBe(totalOf(before));
});

test('demandForecast of a category: zero-filled units per month and a non-negative forecast', async () => {
  const [{ category }] = await t.ds.query('SELECT category FROM products ORDER BY id LIMIT 1');
  const d = ok(await t.gql(`query($c: String) { demandForecast(category: $c, horizonMonths: 3, asOf: "2026-01-01") { history { month spend } months { month spend } trend r2 insufficientHistory } }`, { c: category })).demandForecast;
  expect(d.history.length).toBeGreaterThanOrEqual(12);
  expect(d.months.map((m: { month: string }) => m.month)).toEqual(['2026-01', '2026-02', '2026-03']);
  expect(d.months.every((m: { spend: number }) => m.spend >= 0)).toBe(true);
  const units = await count(
    `SELECT COALESCE(SUM(l.quantity), 0) AS n FROM purchase_lines l JOIN purchases p ON p.id = l.purchase_id JOIN products pr ON pr.id = l.product_id
     WHERE pr.category = ? AND p.status = 'COMPLETED' AND p.deleted_at IS NULL AND p.purchased_at >= ? AND p.purchased_at < ?`,
    [category, t.ds.options.type === 'better-sqlite3' ? '2024-01-01 00:00:00.000' : new Date('2024-01-01T00:00:00Z'), t.ds.options.type === 'better-sqlite3' ? '2025-12-01 00:00:00.000' : new Date('2025-12-01T00:00:00Z')],
  );
  const historyUnits = d.history.filter((m: { month: string }) => m.month < '2025-12').reduce((n: number, m: { spend: number }) => n + m.spend, 0);
  expect(historyUnits).toBe(units);
  const bad = await t.gql(`{ demandForecast(horizonMonths: 3) { trend } }`);
  expect(bad.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
});

test('atRiskCustomers are ranked by churn risk x value, each with a next best action', async () => {
  const rows = ok(await t.gql(`{ atRiskCustomers(first: 20) { customer { id emailOptIn smsOptIn } churnRisk value priority nextBestAction { kind channel reason } } }`)).atRiskCustomers;
  expect(rows.length).toBe(20);
  for (let i = 1; i < rows.length; i++) expect(rows[i - 1].priority).toBeGreaterThanOrEqual(rows[i].priority);
  for (const r of rows) {
    expect(r.priority).toBeCloseTo(r.churnRisk * r.value, 6);
    if (r.nextBestAction.channel === 'EMAIL') expect(r.customer.emailOptIn).toBe(true);
    if (r.nextBestAction.channel === 'SMS') expect(r.customer.smsOptIn).toBe(true);
  }
});

test('the churn risk a lifetime fit brings along equals the one scored anew for a model loaded from the store', async () => {
  const { AnalyticsService } = await import('../src/modules/analytics/analytics.service');
  const fitting = new AnalyticsService(t.ds);
  const version = await fitting.data.version();
  const life = await fitting.lifetime(version, null, true); // fitted here: the churn table came with it
  const fitted = await fitting.churnByCustomer(life);
  const other = new AnalyticsService(t.ds); // another instance: the stored model, no table, the churn job scores anew
  const loaded = await other.lifetime(version, null);
  expect(loaded.value).not.toBe(life.value);
  const scored = await other.churnByCustomer(loaded);
  const ids: number[] = (await t.ds.query('SELECT id FROM customers WHERE purchase_count > 0 ORDER BY id')).map((r: { id: number }) => Number(r.id));
  expect(ids.length).toBeGreaterThan(100);
  for (const id of ids) {
    const a = fitted.get(id);
    expect(a).toBeDefined();
    expect(scored.get(id)).toBeCloseTo(a!, 12);
  }
  expect(fitted.get(0)).toBeUndefined();
  await Promise.all([fitting.fits.stop(), other.fits.stop()]);
});
