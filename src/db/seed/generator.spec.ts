import { generateCatalogue, generateCompany, type SeedBatch } from './generator';
import { Rng, streamSeed } from './prng';

const AS_OF = Date.UTC(2025, 0, 1);
const DAY = 86_400_000;

function all(batches: Iterable<SeedBatch>): SeedBatch {
  const out: SeedBatch = { customers: [], purchases: [], lines: [], feedback: [] };
  for (const b of batches) {
    out.customers.push(...b.customers);
    out.purchases.push(...b.purchases);
    out.lines.push(...b.lines);
    out.feedback.push(...b.feedback);
  }
  return out;
}

describe('Rng', () => {
  it('is mulberry32 (the canonical one-function formulation, as published)', () => {
    function mulberry32(a: number) {
      return function () {
        let t = (a += 0x6d2b79f5);
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
      };
    }
    for (const seed of [0, 1, 42, 2 ** 32 - 1]) {
      const r = new Rng(seed);
      const ref = mulberry32(seed);
      for (let i = 0; i < 1000; i++) expect(r.next()).toBe(ref());
    }
  });

  it('gives independent streams per index', () => {
    expect(streamSeed(1, 0)).not.toBe(streamSeed(1, 1));
    expect(streamSeed(1, 0)).not.toBe(streamSeed(2, 0));
    expect(streamSeed(5, 9)).toBe(streamSeed(5, 9));
  });

  it('draws weighted indexes in proportion', () => {
    const r = new Rng(3);
    const counts = [0, 0, 0];
    for (let i = 0; i < 30_000; i++) counts[r.weighted(Float64Array.from([1, 3, 6]))]++;
    expect(counts[0] / 30_000).toBeCloseTo(1 / 6, 1);
    expect(counts[1] / 30_000).toBeCloseTo(2 / 6, 1);
    expect(counts[2] / 30_000).toBeCloseTo(3 / 6, 1);
  });
});

describe('generateCatalogue', () => {
  const products = generateCatalogue();

  it('has about 500 products in 12 categories with unique skus and real prices', () => {
    expect(products.length).toBeGreaterThanOrEqual(450);
    expect(products.length).toBeLessThanOrEqual(550);
    expect(new Set(products.map((p) => p.category)).size).toBe(12);
    expect(new Set(products.map((p) => p.sku)).size).toBe(products.length);
    expect(new Set(products.map((p) => p.name)).size).toBe(products.length);
    for (const p of products) {
      expect(p.priceCents).toBeGreaterThan(0);
      expect(p.priceCents % 10).toBe(9);
      expect(p.tags.length).toBeGreaterThan(0);
    }
  });

  it('is the same on every call (appends reuse it by sku)', () => {
    expect(generateCatalogue()).toEqual(products);
  });
});

describe('generateCompany', () => {
  const company = all(generateCompany({ customers: 2000, seed: 1, asOf: AS_OF }));

  it('rejects bad options with readable errors', () => {
    expect(() => generateCompany({ customers: -1, asOf: AS_OF }).next()).toThrow(RangeError);
    expect(() => generateCompany({ customers: 1.5, asOf: AS_OF }).next()).toThrow(/customers/);
    expect(() => generateCompany({ customers: 1, asOf: new Date('nope') }).next()).toThrow(TypeError);
    expect(() => generateCompany({ customers: 1, asOf: AS_OF, months: 0 }).next()).toThrow(/months/);
    expect(() => generateCompany({ customers: 1, asOf: AS_OF, productIds: [1, 2] }).next()).toThrow(/productIds/);
  });

  it('is deterministic and does not depend on the batch size', () => {
    const a = all(generateCompany({ customers: 300, seed: 9, asOf: AS_OF, batchSize: 7 }));
    const b = all(generateCompany({ customers: 300, seed: 9, asOf: AS_OF, batchSize: 1000 }));
    expect(a).toEqual(b);
    const c = all(generateCompany({ customers: 300, seed: 10, asOf: AS_OF }));
    expect(c.purchases.length).not.toBe(a.purchases.length);
  });

  it('numbers rows from the given first ids and maps catalogue items to the given product ids', () => {
    const catalogue = generateCatalogue();
    const productIds = catalogue.map((_, i) => 1000 + i);
    const b = all(generateCompany({ customers: 20, asOf: AS_OF, firstIds: { customer: 51, purchase: 101, line: 201, feedback: 301 }, productIds }));
    expect(b.customers.map((c) => c.id)).toEqual(Array.from({ length: 20 }, (_, i) => 51 + i));
    expect(b.purchases[0].id).toBe(101);
    expect(b.lines[0].id).toBe(201);
    expect(b.feedback[0]?.id ?? 301).toBe(301);
    for (const l of b.lines) expect(l.productId).toBeGreaterThanOrEqual(1000);
  });

  it('keeps every row consistent: references, totals, dates within the window, unique emails', () => {
    const windowStart = Date.UTC(2023, 0, 1);
    const customerIds = new Set(company.customers.map((c) => c.id));
    const linesOf = new Map<number, number>();
    for (const l of company.lines) linesOf.set(l.purchaseId, (linesOf.get(l.purchaseId) ?? 0) + l.quantity * l.unitPriceCents);
    // Collected, not asserted row by row: jest's expect is slow over thousands of rows.
    const wrong = [
      ...company.purchases.filter((p) =>
        !customerIds.has(p.customerId) || p.subtotalCents !== linesOf.get(p.id) || p.totalCents !== p.subtotalCents - p.discountCents ||
        p.purchasedAt.getTime() < windowStart || p.purchasedAt.getTime() > AS_OF || p.purchasedAt.getMilliseconds() !== 0),
      ...company.feedback.filter((f) => f.createdAt.getTime() > AS_OF || f.score < 1 || f.score > 5 || !Number.isInteger(f.score)),
    ];
    expect(wrong).toEqual([]);
    const emails = company.customers.map((c) => c.email).filter((e) => e !== null);
    expect(new Set(emails).size).toBe(emails.length);
    expect(emails.length).toBeLessThan(company.customers.length);
    const ages = company.customers.map((c) => (AS_OF - Date.parse(`${c.birthDate}T00:00:00Z`)) / (365.25 * DAY));
    expect(Math.min(...ages)).toBeGreaterThanOrEqual(18);
    expect(Math.max(...ages)).toBeLessThan(81);
    expect(company.customers.filter((c) => c.createdAt.getTime() > AS_OF)).toEqual([]);
    expect(new Set(company.customers.map((c) => c.country))).toEqual(new Set(['DE', 'FR', 'GB', 'US', 'ES', 'IT', 'NL']));
  });

  it("carries each customer's purchase statistics over its COMPLETED purchases", () => {
    const expected = new Map<number, { n: number; total: number; first: number | null; last: number | null }>();
    for (const p of company.purchases) {
      if (p.status !== 'COMPLETED') continue;
      const s = expected.get(p.customerId) ?? { n: 0, total: 0, first: null, last: null };
      const t = p.purchasedAt.getTime();
      expected.set(p.customerId, { n: s.n + 1, total: s.total + p.totalCents, first: Math.min(s.first ?? t, t), last: Math.max(s.last ?? t, t) });
    }
    const wrong = company.customers.filter((c) => {
      const s = expected.get(c.id) ?? { n: 0, total: 0, first: null, last: null };
      return c.purchaseCount !== s.n || c.totalSpentCents !== s.total || (c.firstPurchaseAt?.getTime() ?? null) !== s.first || (c.lastPurchaseAt?.getTime() ?? null) !== s.last;
    });
    expect(wrong).toEqual([]);
    expect(company.customers.filter((c) => c.purchaseCount > 0).length).toBeGreaterThan(1500);
  });

  it('averages about 10 purchase lines and 0.3 feedback per purchase, mostly COMPLETED', () => {
    const perCustomer = company.lines.length / company.customers.length;
    expect(perCustomer).toBeGreaterThan(8);
    expect(perCustomer).toBeLessThan(12.5);
    const perPurchase = company.feedback.length / company.purchases.length;
    expect(perPurchase).toBeGreaterThan(0.25);
    expect(perPurchase).toBeLessThan(0.36);
    const completed = company.purchases.filter((p) => p.status === 'COMPLETED').length / company.purchases.length;
    expect(completed).toBeGreaterThan(0.9);
    expect(completed).toBeLessThan(1);
  });

  it('shows the behaviours: drifting customers stop months before asOf and complain about delivery and service', () => {
    const last = new Map<number, number>();
    for (const p of company.purchases) last.set(p.customerId, Math.max(last.get(p.customerId) ?? 0, p.purchasedAt.getTime()));
    const drifting = company.customers.filter((c) => c.profile === 'drifting');
    expect(drifting.length).toBeGreaterThan(100);
    expect(Math.max(...drifting.map((c) => last.get(c.id)!))).toBeLessThanOrEqual(AS_OF - 119 * DAY);
    const profileOf = new Map(company.customers.map((c) => [c.id, c.profile]));
    const scores = (profile: string) => company.feedback.filter((f) => profileOf.get(f.customerId) === profile);
    const mean = (fs: { score: number }[]) => fs.reduce((s, f) => s + f.score, 0) / fs.length;
    expect(mean(scores('drifting'))).toBeLessThan(mean(scores('loyal')) - 1);
    const driftIssues = scores('drifting').filter((f) => f.issue);
    const deliveryOrService = driftIssues.filter((f) => f.issue === 'DELIVERY' || f.issue === 'SERVICE').length;
    expect(deliveryOrService / driftIssues.length).toBeGreaterThan(0.6);
    const counts = new Map<number, number>();
    for (const p of company.purchases) counts.set(p.customerId, (counts.get(p.customerId) ?? 0) + 1);
    const loyal = company.customers.filter((c) => c.profile === 'loyal').map((c) => counts.get(c.id) ?? 0);
    expect(loyal.filter((n) => n > 10).length / loyal.length).toBeGreaterThan(0.5);
    expect(company.customers.filter((c) => c.profile === 'one-off').every((c) => counts.get(c.id) === 1)).toBe(true);
  });

  it('sells more in November and December', () => {
    const byMonth = new Array(12).fill(0);
    for (const p of company.purchases) byMonth[p.purchasedAt.getUTCMonth()]++;
    const others = (byMonth.reduce((s, n) => s + n, 0) - byMonth[10] - byMonth[11]) / 10;
    expect(byMonth[11]).toBeGreaterThan(1.5 * others);
    expect(byMonth[10]).toBeGreaterThan(1.2 * others);
  });

  it('builds baskets whose items co-occur: pasta with pasta sauce far above chance', () => {
    const catalogue = generateCatalogue();
    const typeOf = new Map(catalogue.map((p) => [p.id, p.attributes.type]));
    const baskets = new Map<number, Set<string>>();
    for (const l of company.lines) {
      if (!baskets.has(l.purchaseId)) baskets.set(l.purchaseId, new Set());
      baskets.get(l.purchaseId)!.add(typeOf.get(l.productId)!);
    }
    const n = baskets.size;
    const count = (pred: (b: Set<string>) => boolean) => [...baskets.values()].filter(pred).length;
    const pasta = count((b) => b.has('pasta'));
    const sauce = count((b) => b.has('pasta sauce'));
    const both = count((b) => b.has('pasta') && b.has('pasta sauce'));
    const lift = (both / n) / ((pasta / n) * (sauce / n));
    expect(lift).toBeGreaterThan(4);
  });
});
