/**
 * Prints the shape of the synthetic company (rows per customer, profiles, purchases per month) and the
 * generation speed, without a database. Run by hand:
 *   npx tsc -p . && node -r reflect-metadata dist/src/db/seed/generator.measure.js 100000
 */
import { generateCompany } from './generator';

const customers = Number(process.argv[2] ?? 100_000);
const started = process.hrtime.bigint();
const totals = { customers: 0, purchases: 0, lines: 0, feedback: 0, completed: 0, noRecent: 0, over10: 0 };
const profiles: Record<string, number> = {};
const months: Record<string, number> = {};
const asOf = Date.UTC(2025, 0, 1);
for (const b of generateCompany({ customers, seed: 7, asOf })) {
  totals.customers += b.customers.length;
  totals.purchases += b.purchases.length;
  totals.lines += b.lines.length;
  totals.feedback += b.feedback.length;
  totals.completed += b.purchases.filter((p) => p.status === 'COMPLETED').length;
  const last = new Map<number, number>();
  const count = new Map<number, number>();
  for (const p of b.purchases) {
    const m = p.purchasedAt.toISOString().slice(0, 7);
    months[m] = (months[m] ?? 0) + 1;
    last.set(p.customerId, Math.max(last.get(p.customerId) ?? 0, p.purchasedAt.getTime()));
    count.set(p.customerId, (count.get(p.customerId) ?? 0) + 1);
  }
  for (const c of b.customers) {
    profiles[c.profile] = (profiles[c.profile] ?? 0) + 1;
    if ((last.get(c.id) ?? 0) < asOf - 182 * 86_400_000) totals.noRecent++;
    if ((count.get(c.id) ?? 0) > 10) totals.over10++;
  }
}
const ms = Number(process.hrtime.bigint() - started) / 1e6;
console.log({ ...totals, linesPerCustomer: totals.lines / totals.customers, linesPerPurchase: totals.lines / totals.purchases, feedbackPerPurchase: totals.feedback / totals.purchases, profiles, months, ms: Math.round(ms), heapMB: Math.round(process.memoryUsage().heapUsed / 1e6) });
