import { openDatabase } from '../src/db/database';
import { createScratchDatabase } from '../src/db/scratch';
import { seedDatabase } from '../src/db/seed/load';
import { AnalyticsData } from '../src/modules/analytics/analytics.data';
import { hitRateAtK, popularityHitRateAtK } from '../src/modules/analytics/recommendations/evaluate';
import { buildProductSpace, type BoughtItem } from '../src/modules/analytics/recommendations/recommend';
import { dbKind } from './support/app';

/**
 * Offline check of the recommender on the seeded synthetic company: hold out each customer's last purchase
 * day, recommend 10 from the rest, and compare with recommending the most popular products.
 */
test('content-based recommendations beat the most-popular baseline at hit rate @10 on seeded data', async () => {
  const { db, drop } = await createScratchDatabase(dbKind, process.env.DATABASE_URL);
  const ds = await openDatabase(db);
  try {
    await seedDatabase(ds, { customers: 1500, seed: 11, asOf: Date.parse('2026-01-01T00:00:00Z') });
    const products: { id: number; category: string; tags: string; price_cents: number }[] = await ds.query('SELECT id, category, tags, price_cents FROM products');
    const space = buildProductSpace(products.map((p) => ({ id: Number(p.id), category: p.category, tags: String(p.tags).split(',').filter(Boolean), priceCents: Number(p.price_cents) })));
    const ids: number[] = (await ds.query('SELECT id FROM customers')).map((r: { id: number }) => Number(r.id));
    const rows = await new AnalyticsData(ds).history(ids, new Date('2026-01-01T00:00:00Z'));
    const histories = new Map<number, BoughtItem[]>();
    for (const r of rows) {
      const list = histories.get(r.customerId) ?? [];
      list.push({ productId: r.productId, quantity: r.quantity, at: r.at });
      histories.set(r.customerId, list);
    }
    const content = hitRateAtK(histories, space, 10);
    const popular = popularityHitRateAtK(histories, space, 10);
    expect(content.customers).toBeGreaterThan(300);
    expect(content.customers).toBe(popular.customers);
    expect(content.hitRate!).toBeGreaterThan(popular.hitRate!);
  } finally {
    await ds.destroy();
    await drop();
  }
}, 120_000);
