// Hand-run evaluation of every strategy on a basket file (one customer per line, like --customer-per-basket):
// npx tsc --outDir /tmp/measure --module commonjs --target es2022 --esModuleInterop --skipLibCheck \
//   src/modules/analytics/recommendations/evaluate.measure.ts && node /tmp/measure/recommendations/evaluate.measure.js [file] [seed] [maxCases]
import { readFileSync } from 'node:fs';
import { evaluateRecommenders } from './evaluate';
import type { PurchaseBasket } from './offline-evaluation';

const lines = readFileSync(process.argv[2] ?? 'test/fixtures/datasets/groceries.csv', 'utf8').split('\n').filter((l) => l.length);
const ids = new Map<string, number>();
const purchases: PurchaseBasket[] = lines.map((l, i) => ({
  customerId: i + 1, purchaseId: i + 1, at: i * 1000,
  productIds: [...new Set(l.split(','))].map((n) => { if (!ids.has(n)) ids.set(n, ids.size + 1); return ids.get(n)!; }),
}));
const catalogue = [...ids.values()].map((id) => ({ id, category: 'groceries', tags: [], priceCents: 100 }));
const t = performance.now();
const e = evaluateRecommenders(purchases, catalogue, { protocol: 'LEAVE_ONE_OUT', seed: Number(process.argv[3] ?? 42), maxCases: Number(process.argv[4] ?? 5000) });
console.log((performance.now() - t).toFixed(0), 'ms', { ...e, strategies: undefined });
console.table(e.strategies);
