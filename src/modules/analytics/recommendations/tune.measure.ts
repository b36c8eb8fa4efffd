import { readFileSync } from 'node:fs';
import { fitCollaborative, scoreCollaborative, type CollaborativeOptions } from './collaborative';
import { holdOut, popularityRanking, scoreRankings, topUnbought, type PurchaseBasket } from './offline-evaluation';

const lines = readFileSync(process.argv[2] ?? 'test/fixtures/datasets/groceries.csv', 'utf8').split('\n').filter((l) => l.length);
const ids = new Map<string, number>();
const purchases: PurchaseBasket[] = lines.map((l, i) => ({
  customerId: i + 1, purchaseId: i + 1, at: i * 1000,
  productIds: [...new Set(l.split(','))].map((n) => { if (!ids.has(n)) ids.set(n, ids.size + 1); return ids.get(n)!; }),
}));
const seed = Number(process.argv[3] ?? 42);
const split = holdOut(purchases, { protocol: 'LEAVE_ONE_OUT', seed, maxCases: 100000 });
console.log('eligible', split.eligible, 'cases', split.cases.length);
const n = ids.size + 1;
const rowsItems: number[] = []; const starts = [0];
const byC = new Map<number, Set<number>>();
for (const p of split.training) { const s = byC.get(p.customerId) ?? new Set(); p.productIds.forEach((x) => s.add(x)); byC.set(p.customerId, s); }
for (const s of byC.values()) { rowsItems.push(...s); starts.push(rowsItems.length); }
const rows = { items: Int32Array.from(rowsItems), starts: Int32Array.from(starts), itemCount: n };
const pop = popularityRanking(split.training);
const k = 10;
const hist = split.cases.map((c) => new Set(c.history.flatMap((p) => p.productIds)));
const base = scoreRankings(split.cases.map((c, i) => topUnbought(pop, hist[i], k)), split.cases, k, ids.size);
console.log('POP', base);
const tries: CollaborativeOptions[] = [
  ...[5, 20, 50, 100, 200, 400].map((lambda) => ({ strategy: 'EASE' as const, lambda, neighbours: 200 })),
  ...[10, 30].map((neighbours) => ({ strategy: 'EASE' as const, lambda: 100, neighbours })),
  ...[0, 10, 50].flatMap((shrink) => [0.5, 0.8, 1].map((alpha) => ({ strategy: 'ITEM_KNN' as const, shrink, alpha, neighbours: 200 }))),
];
for (const o of tries) {
  const t = performance.now();
  const m = fitCollaborative(rows, o);
  const ms = performance.now() - t;
  const r = scoreRankings(split.cases.map((c, i) => { const rec = scoreCollaborative(m, [...hist[i]], k).map((s) => s.item); return rec.length < k ? [...rec, ...topUnbought(pop, new Set([...hist[i], ...rec]), k - rec.length)] : rec; }), split.cases, k, ids.size);
  console.log(JSON.stringify(o), ms.toFixed(0) + 'ms', 'hit', r.hitRate.toFixed(4), 'ratio', (r.hitRate / base.hitRate).toFixed(3), 'ndcg', r.ndcg.toFixed(4), 'cov', r.coverage.toFixed(3));
}
