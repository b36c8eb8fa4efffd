/**
 * Hand-run timing of the miner on Groceries (not a test). From /work/main:
 *   npx tsc --outDir /tmp/measure-rules --module commonjs --target es2022 --esModuleInterop --skipLibCheck \
 *     src/modules/analytics/rules/association-rules.measure.ts && node /tmp/measure-rules/association-rules.measure.js
 */
import { readFileSync } from 'fs';
import { join } from 'path';
import { encodeBaskets, mineAssociationRules, RuleMiningOptions } from './association-rules';

const RUNS = 15;
const csv = join(process.cwd(), 'test/fixtures/datasets/groceries.csv');
const lines = readFileSync(csv, 'utf8').split('\n');
if (lines[lines.length - 1] === '') lines.pop();
const { ids, names } = encodeBaskets(lines.map((line) => line.split(',')));

function medianMs(options: RuleMiningOptions): { ms: number; itemsets: number; rules: number } {
  const times: number[] = [];
  let itemsets = 0;
  let rules = 0;
  for (let run = 0; run < RUNS; run++) {
    const start = process.hrtime.bigint();
    const result = mineAssociationRules(ids, names.length, options);
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
    itemsets = result.itemsetCount;
    rules = result.rules.length;
  }
  times.sort((a, b) => a - b);
  return { ms: times[RUNS >> 1], itemsets, rules };
}

// No option skips rule generation; at minConfidence 1 only 28 exact rules are built, so this is essentially the mining cost.
const scenarios: Array<[string, RuleMiningOptions]> = [
  ['itemsets, supp 0.001 conf 1', { minSupport: 0.001, minConfidence: 1 }],
  ['rules, supp 0.001 conf 0.8', { minSupport: 0.001, minConfidence: 0.8 }],
  ['rules, supp 0.001 conf 0.5', { minSupport: 0.001, minConfidence: 0.5 }],
  ['rules, supp 0.001 conf 0', { minSupport: 0.001, minConfidence: 0 }],
];
console.log(`Groceries: ${ids.length} baskets, ${names.length} items, median of ${RUNS} runs (first run included)`);
for (const [label, options] of scenarios) {
  const { ms, itemsets, rules } = medianMs(options);
  console.log(`${label.padEnd(30)} ${ms.toFixed(1).padStart(7)} ms  itemsets ${itemsets}  rules ${rules}`);
}
