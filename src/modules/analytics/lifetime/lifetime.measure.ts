/**
 * Hand-run timing of the fitters (not a test). Compile and run:
 *   npx tsc --outDir /tmp/measure --module commonjs --target es2022 --esModuleInterop --skipLibCheck \
 *     src/modules/analytics/lifetime/lifetime.measure.ts &&
 *   NODE_PATH=node_modules node /tmp/measure/lifetime.measure.js
 * (from the repository root: fixtures are read relative to it, NODE_PATH finds @stdlib).
 */
import * as fs from 'fs';
import * as path from 'path';
import { fitBgNbd } from './bg-nbd';
import { fitMbgNbd } from './mbg-nbd';
import { fitParetoNbd } from './pareto-nbd';
import { fitGammaGamma } from './gamma-gamma';
import { customerLifetimeValue } from './clv';
import { probabilityAlive } from './models';

const fixtures = path.resolve(process.cwd(), 'test/fixtures/datasets');

function readCsv(file: string): number[][] {
  const lines = fs.readFileSync(path.join(fixtures, file), 'utf8').trim().split(/\r?\n/);
  return lines.slice(1).map((line) => line.split(',').map(Number));
}

function time<T>(label: string, run: () => T): T {
  const start = process.hrtime.bigint();
  const result = run();
  console.log(`${label}: ${(Number(process.hrtime.bigint() - start) / 1e6).toFixed(1)} ms`);
  return result;
}

function mulberry32(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), seed | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Marsaglia–Tsang gamma sampler (shape k, scale 1). */
function gammaSample(k: number, uniform: () => number): number {
  if (k < 1) return gammaSample(k + 1, uniform) * Math.pow(uniform(), 1 / k);
  const d = k - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      const u1 = uniform() || 1e-300;
      x = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * uniform());
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = uniform();
    if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
  }
}

/** Customers simulated from the BG/NBD and Gamma-Gamma processes in days, ages spread over one year. */
function simulate(
  count: number,
  truth: { r: number; alpha: number; a: number; b: number; p: number; q: number; v: number },
  seed: number,
) {
  const uniform = mulberry32(seed);
  const customers: { frequency: number; recency: number; T: number; monetaryValue: number }[] = [];
  for (let i = 0; i < count; i++) {
    const T = 30 + 335 * uniform();
    const lambda = gammaSample(truth.r, uniform) / truth.alpha;
    const ga = gammaSample(truth.a, uniform);
    const p = ga / (ga + gammaSample(truth.b, uniform));
    let t = 0;
    let frequency = 0;
    let recency = 0;
    for (;;) {
      t += -Math.log(1 - uniform()) / lambda;
      if (t > T) break;
      frequency++;
      recency = t;
      if (uniform() < p) break;
    }
    // Spend per transaction ~ Gamma(p, rate nu), nu ~ Gamma(q, rate v): the mean of x is Gamma(px, rate x·nu).
    const nu = gammaSample(truth.q, uniform) / truth.v;
    const monetaryValue = frequency > 0 ? gammaSample(truth.p * frequency, uniform) / (frequency * nu) : 0;
    customers.push({ frequency, recency, T, monetaryValue });
  }
  return customers;
}

const cdnow = readCsv('cdnow_customers_summary.csv').map(([, frequency, recency, T]) => ({ frequency, recency, T }));
const cdnowSpend = readCsv('cdnow_customers_summary_with_transactions.csv').map(([, frequency, , , monetaryValue]) => ({
  frequency,
  monetaryValue,
}));
console.log(time('BG/NBD, CDNOW 2,357 customers', () => fitBgNbd(cdnow)));
console.log(time('MBG/NBD, CDNOW 2,357 customers', () => fitMbgNbd(cdnow)));
console.log(time('Pareto/NBD, CDNOW 2,357 customers', () => fitParetoNbd(cdnow)));
console.log(time('Gamma-Gamma, CDNOW 946 repeaters', () => fitGammaGamma(cdnowSpend)));

const truth = { r: 0.25, alpha: 30, a: 0.8, b: 2.5, p: 6, q: 4, v: 15 };
const synthetic = simulate(100_000, truth, 42);
console.log('synthetic truth', truth, 'repeaters', synthetic.filter((c) => c.frequency > 0).length);
const bg = time('BG/NBD, synthetic 100,000 customers', () => fitBgNbd(synthetic));
console.log(bg);
// As the server fits them: in weeks, from whole days.
const weeks = synthetic.map((c) => ({ frequency: c.frequency, recency: Math.round(c.recency) / 7, T: Math.round(c.T) / 7 }));
console.log(time('MBG/NBD, synthetic 100,000 customers (weeks)', () => fitMbgNbd(weeks)));
const pareto = time('Pareto/NBD, synthetic 100,000 customers (weeks)', () => fitParetoNbd(weeks));
console.log(pareto);
const gg = time('Gamma-Gamma, synthetic 100,000 customers', () => fitGammaGamma(synthetic));
console.log(gg);
const clv = time('CLV over 365 days, synthetic 100,000 customers', () =>
  synthetic.map((c) => customerLifetimeValue(bg.params, gg.params, c, { horizonDays: 365, timeUnitDays: 1 })),
);
console.log('mean CLV', clv.reduce((s, v) => s + v, 0) / clv.length);
const ggWeeks = fitGammaGamma(synthetic).params;
time('P(alive) and CLV over 365 days under Pareto/NBD, synthetic 100,000 customers (the at-risk ranking)', () =>
  weeks.map((c, i) => {
    const model = { kind: 'PARETO_NBD' as const, params: pareto.params };
    return probabilityAlive(model, c) * customerLifetimeValue(model, ggWeeks, { ...c, monetaryValue: synthetic[i].monetaryValue }, { horizonDays: 365, timeUnitDays: 7 });
  }),
);
