// Speed of recommendProducts on a synthetic 500-product catalogue. Run by hand:
// npx tsc --outDir /tmp/measure --module commonjs --target es2022 --esModuleInterop --skipLibCheck \
//   src/modules/analytics/recommendations/recommend.measure.ts && node /tmp/measure/recommend.measure.js
import { buildProductSpace, recommendProducts, type BoughtItem, type ProductFeatures } from './recommend';

let state = 42;
const random = () => ((state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0) / 2 ** 32);
const pick = (n: number) => Math.floor(random() * n);

const DAY = 86_400_000;
const asOf = Date.UTC(2024, 5, 1);
const products: ProductFeatures[] = Array.from({ length: 500 }, (_, i) => ({
  id: i + 1,
  category: `category-${pick(30)}`,
  tags: Array.from({ length: 2 + pick(5) }, () => `tag-${pick(150)}`),
  priceCents: 100 + pick(20_000),
}));
const histories: BoughtItem[][] = Array.from({ length: 10_000 }, () =>
  Array.from({ length: 1 + pick(30) }, () => ({ productId: 1 + pick(500), quantity: 1 + pick(3), at: asOf - pick(720) * DAY })),
);
const coPurchase = new Map(
  Array.from({ length: 500 }, (_, i) => [i + 1, Array.from({ length: 5 }, () => ({ productId: 1 + pick(500), lift: 1 + random() * 4 }))]),
);

/** Mean time of one unit of work, run() doing `units` of them. */
function time(label: string, repeat: number, run: () => void, units = 1): void {
  run(); // warm-up
  const start = process.hrtime.bigint();
  for (let r = 0; r < repeat; r++) run();
  const ms = Number(process.hrtime.bigint() - start) / 1e6 / repeat / units;
  console.log(`${label}: ${ms < 1 ? `${(ms * 1000).toFixed(1)} µs` : `${ms.toFixed(2)} ms`}`);
}

const space = buildProductSpace(products);
console.log(`${products.length} products, ${space.columnNames.length} columns, ${space.columns.length} non-zeros`);
time('buildProductSpace (500 products)', 200, () => buildProductSpace(products));
let sink = 0;
time('recommendProducts, one customer (1-30 purchases, mean over 10,000)', 3, () => {
  for (const history of histories) sink += recommendProducts(space, history, { asOf }).length;
}, histories.length);
time('  the same with co-purchase boosts', 3, () => {
  for (const history of histories) sink += recommendProducts(space, history, { asOf, coPurchase }).length;
}, histories.length);
for (const [label, options] of [
  ['a page of 100 customers, limit 10', { asOf }],
  ['a page of 100 customers, limit 10, co-purchase boosts', { asOf, coPurchase }],
] as const) {
  time(label, 100, () => {
    for (let c = 0; c < 100; c++) sink += recommendProducts(space, histories[c], options).length;
  });
}
console.log(`checksum ${sink}`);
