import { seedDatabase } from '../src/db/seed/load';
import { ok, startTestApp, type TestApp } from './support/app';

/**
 * The demo company (the seed generator as the first start loads it: 500 customers, seed 1, as of today) under the
 * default purchase model: lapsed customers must read as churned, loyal ones must keep a spend forecast.
 */
let t: TestApp;
const today = new Date();
const asOf = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate());
beforeAll(async () => {
  t = await startTestApp();
  await seedDatabase(t.ds, { customers: 500, seed: 1, asOf });
}, 120_000);
afterAll(() => t.close());

async function rows(query: string): Promise<any[]> {
  const out: any[] = [];
  let after: string | null = null;
  for (;;) {
    const d: any = ok(await t.gql(query, { after }));
    const conn = d.customers ?? d.customerAnalytics;
    out.push(...conn.edges.map((e: any) => e.node));
    if (!conn.pageInfo.hasNextPage) return out;
    after = conn.edges[conn.edges.length - 1].cursor;
  }
}

test('most RFM "Lost" customers have churnRisk above 0.5 under the default model (BG/NBD left one-time buyers at 0)', async () => {
  const all = await rows(`query($after: String) { customers(first: 100, after: $after) { pageInfo { hasNextPage } edges { cursor node {
    rfm { segment frequency }
    lifetime { model churnRisk }
    bg: lifetime(model: BG_NBD) { churnRisk }
  } } } }`);
  const lost = all.filter((c) => c.rfm?.segment === 'Lost');
  expect(lost.length).toBeGreaterThan(20);
  expect(lost.every((c) => c.lifetime.model === 'PARETO_NBD')).toBe(true);
  const churned = lost.filter((c) => c.lifetime.churnRisk > 0.5).length;
  console.log(`Lost: ${lost.length}, churnRisk > 0.5: ${churned} (default), ${lost.filter((c) => c.bg.churnRisk > 0.5).length} (BG/NBD)`);
  expect(churned / lost.length).toBeGreaterThan(0.5);
});
