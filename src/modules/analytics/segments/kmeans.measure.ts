/**
 * Speed of customer segmentation on 100,000 customers x 3 features, 10 restarts (DESIGN.md section 4:
 * scikit-learn 0.26 s on one thread, ml-kmeans 3.7 s). Run by hand, not by jest:
 *   npx tsc --outDir /tmp/measure --module commonjs --target es2022 --esModuleInterop --skipLibCheck \
 *     src/modules/analytics/segments/kmeans.measure.ts &&
 *     NODE_PATH=node_modules node /tmp/measure/kmeans.measure.js
 */
import { kmeans as mlKmeans } from 'ml-kmeans';

import { explainSegments } from './explain';
import { kmeans } from './kmeans';
import { kmeansPlusPlus } from './kmeanspp';
import { toFlatMatrix } from './matrix';
import { seededRandom } from './random';
import { segmentCustomers } from './segments';
import { standardize } from './standardize';

const customers = 100_000;
const k = 5;
const restarts = 10;

/** Five overlapping customer groups: age, annual income, purchases per month. */
function syntheticCustomers(n: number): number[][] {
  const random = seededRandom(2024);
  const gaussian = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const groups = [
    [25, 30_000, 4],
    [35, 80_000, 2],
    [45, 55_000, 1],
    [60, 40_000, 0.5],
    [30, 120_000, 6],
  ];
  return Array.from({ length: n }, (_, i) => {
    const [age, income, frequency] = groups[i % groups.length];
    return [age + 6 * gaussian(), Math.max(0, income + 15_000 * gaussian()), Math.max(0, frequency + gaussian())];
  });
}

function inertiaOf(rows: number[][], labels: ArrayLike<number>, centroids: number[][]): number {
  let total = 0;
  rows.forEach((row, i) => row.forEach((value, j) => (total += (value - centroids[labels[i]][j]) ** 2)));
  return total;
}

/** Wall-clock seconds; CPU seconds too, steadier when other processes share the machine. */
function time<T>(run: () => T): { result: T; seconds: number; cpuSeconds: number } {
  const cpu = process.cpuUsage();
  const start = performance.now();
  const result = run();
  const used = process.cpuUsage(cpu);
  return { result, seconds: (performance.now() - start) / 1000, cpuSeconds: (used.user + used.system) / 1e6 };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

const rows = syntheticCustomers(customers);
const { z } = standardize(rows);
const s = (seconds: number) => `${seconds.toFixed(3)} s`;

const cold = time(() => kmeans(z, { k, seed: 0, restarts }));
const warm = [1, 2, 3, 4, 5].map(() => time(() => kmeans(z, { k, seed: 0, restarts })));
const exact = time(() => kmeans(z, { k, seed: 0, restarts, tolerance: 0 }));
console.log(`ours, ${restarts} restarts, tolerance 1e-4: first call ${s(cold.seconds)}, then median ` +
  `${s(median(warm.map((run) => run.seconds)))} (CPU ${s(median(warm.map((run) => run.cpuSeconds)))}); ` +
  `inertia ${cold.result.inertia.toFixed(3)}, ${cold.result.iterations} iterations (seed ${cold.result.seedUsed})`);
console.log(`ours, tolerance 0 (until no row moves): ${s(exact.seconds)}; inertia ${exact.result.inertia.toFixed(3)}`);

const ml = time(() => {
  let best = Infinity;
  for (let seed = 0; seed < restarts; seed++) {
    const run = mlKmeans(z, k, { seed });
    best = Math.min(best, inertiaOf(z, run.clusters, run.centroids));
  }
  return best;
});
console.log(`ml-kmeans 6 as is, ${restarts} seeds: ${s(ml.seconds)} (CPU ${s(ml.cpuSeconds)}); ` +
  `best inertia ${ml.result.toFixed(3)}`);

const matrix = toFlatMatrix(z);
const mlOurStarts = time(() => {
  let best = Infinity;
  for (let seed = 0; seed < restarts; seed++) {
    const start = kmeansPlusPlus(matrix, k, seededRandom(seed));
    const initialization = Array.from({ length: k }, (_, c) => Array.from(start.subarray(c * 3, c * 3 + 3)));
    const run = mlKmeans(z, k, { initialization });
    best = Math.min(best, inertiaOf(z, run.clusters, run.centroids));
  }
  return best;
});
console.log(`ml-kmeans 6 from our k-means++ starts: ${s(mlOurStarts.seconds)} (CPU ${s(mlOurStarts.cpuSeconds)}); ` +
  `best inertia ${mlOurStarts.result.toFixed(3)}`);
const relative = (a: number, b: number) => Math.abs(a / b - 1).toExponential(2);
console.log(`inertia agreement: ours vs ml-kmeans ${relative(cold.result.inertia, ml.result)}, ` +
  `vs ml-kmeans from our starts ${relative(cold.result.inertia, mlOurStarts.result)}`);

const names = ['age', 'annualIncome', 'purchaseFrequency'];
const explained = time(() => explainSegments(rows, cold.result.labels, names));
console.log(`explainSegments on ${customers} rows: ${s(explained.seconds)} ` +
  `(tree on ${explained.result.trainingRows} sampled rows, ` +
  `accuracy on all rows ${explained.result.accuracy.toFixed(3)})`);
explained.result.bySegment.forEach((rules, id) => console.log(`  segment ${id}: ${rules.join(' | ')}`));

const whole = time(() => segmentCustomers(rows, names, { k, seed: 0 }));
console.log(`segmentCustomers end to end: ${s(whole.seconds)}`);
whole.result.segments.forEach((segment) => console.log(`  ${segment.id} ${segment.size} ${segment.label}`));
