import { DEFAULT_ANALYTIC_LIMITS } from '../src/modules/analytics/limits';
import { ModelStore, type DataVersion } from '../src/modules/analytics/model-store';
import { ok, startTestApp, type TestApp } from './support/app';
import { makeCustomer, makeProduct, makePurchase } from './support/factories';
import { loadCdnowSample } from './support/bulk';

/** Population models are fitted once, stored with the data they were fitted on, and shared. */
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
  await loadCdnowSample(t.ds);
}, 120_000);
afterAll(() => t.close());

const version = (customers: number, purchases: number): DataVersion => ({ customers, purchases, products: 1, productsUpdatedAt: '' });

test('two concurrent requests for the same model fit it once', async () => {
  const fits: string[] = [];
  const store = t.app.services.analytics.store;
  const previous = store.onFit;
  store.onFit = (kind, ms) => {
    fits.push(kind);
    previous?.(kind, ms);
  };
  try {
    const [a, b] = await Promise.all([
      t.gql(`{ segments(k: 3, seed: 7) { inertia fittedAt } }`),
      t.gql(`{ segments(k: 3, seed: 7) { inertia fittedAt } }`),
    ]);
    expect(ok(a).segments).toEqual(ok(b).segments);
    expect(fits.filter((k) => k === 'segments')).toHaveLength(1);
    // a later request reuses it
    ok(await t.gql(`{ segments(k: 3, seed: 7) { inertia } }`));
    expect(fits.filter((k) => k === 'segments')).toHaveLength(1);
  } finally {
    store.onFit = previous;
  }
});

test('instances share one fit through the database: the others wait for its result, a new one loads it', async () => {
  const [one, two, three] = [new ModelStore(t.ds), new ModelStore(t.ds), new ModelStore(t.ds)];
  let fits = 0;
  const slowFit = async () => {
    fits++;
    await new Promise((r) => setTimeout(r, 400));
    return { value: { answer: 42 }, asOf: new Date('2020-01-01T00:00:00Z') };
  };
  const v = version(1000, 5000);
  const [a, b] = await Promise.all([one.get('test:shared', 'test', v, { live: false }, slowFit), two.get('test:shared', 'test', v, { live: false }, slowFit)]);
  expect(fits).toBe(1);
  expect(a.value).toEqual({ answer: 42 });
  expect(b.value).toEqual({ answer: 42 });
  const c = await three.get('test:shared', 'test', v, { live: false }, slowFit);
  expect(fits).toBe(1);
  expect(Math.abs(c.fittedAt.getTime() - a.fittedAt.getTime())).toBeLessThan(1000); // MySQL DATETIME keeps seconds
});

test('a model larger than one TEXT column is shared in parts; a refit replaces its parts', async () => {
  const [one, two] = [new ModelStore(t.ds), new ModelStore(t.ds)];
  // 5 MB of JSON with multi-byte text: far past MySQL's 64 KB TEXT.
  const big = (n: number) => ({ rows: Array.from({ length: 20_000 }, (_, i) => ({ i, n, name: `Zażółć gęślą jaźń 张伟 🎉 ${i}`.repeat(8) })) });
  let fits = 0;
  const v = version(2000, 9000);
  const a = await one.get('test:big', 'test', v, { live: false }, async () => ({ value: big(++fits), asOf: new Date() }));
  const b = await two.get('test:big', 'test', v, { live: false }, async () => ({ value: big(++fits), asOf: new Date() }));
  expect(fits).toBe(1);
  expect(b.value).toEqual(a.value);
  const parts = async () => Number((await t.ds.query(`SELECT COUNT(*) AS n FROM analytics_model_parts WHERE model_key = 'test:big'`))[0].n);
  const first = await parts();
  expect(first).toBeGreaterThan(100);
  // Moved data: a refit writes new parts and the old ones go.
  const moved = version(3000, 9000);
  const c = await one.get('test:big', 'test', moved, { live: false }, async () => ({ value: big(++fits), asOf: new Date() }));
  expect((c.value as { rows: { n: number }[] }).rows[0].n).toBe(2);
  expect(await parts()).toBe(first);
  const d = await new ModelStore(t.ds).get('test:big', 'test', moved, { live: false }, async () => ({ value: big(++fits), asOf: new Date() }));
  expect(fits).toBe(2);
  expect((d.value as { rows: { n: number }[] }).rows[0].n).toBe(2);
}, 60_000);

test('a model is refitted when customers or purchases moved by more than 2%, or on request', async () => {
  const store = new ModelStore(t.ds);
  let fits = 0;
  const fit = async () => ({ value: { n: ++fits }, asOf: new Date() });
  await store.get('test:stale', 'test', version(1000, 5000), { live: false }, fit);
  await store.get('test:stale', 'test', version(1010, 5050), { live: false }, fit); // 1%: reused
  expect(fits).toBe(1);
  const moved = await store.get('test:stale', 'test', version(1000, 5200), { live: false }, fit); // 4%: refit
  expect(fits).toBe(2);
  expect(moved.value).toEqual({ n: 2 });
  await store.get('test:stale', 'test', version(1000, 5200), { live: false, force: true }, fit);
  expect(fits).toBe(3);
});

test('refreshAnalytics drops stored models (ADMIN only)', async () => {
  ok(await t.gql(`{ lifetimeModel(asOf: "1997-09-30") { r } }`));
  const dropped = ok(await t.gql(`mutation { refreshAnalytics }`)).refreshAnalytics;
  expect(dropped).toBeGreaterThan(0);
  const [{ n }] = await t.ds.query('SELECT COUNT(*) AS n FROM analytics_models');
  expect(Number(n)).toBe(0);
  expect((await t.as('AGENT', `mutation { refreshAnalytics }`)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
});

test('the in-memory models are bounded by bytes (least recently used leave first); variants are not stored for other instances', async () => {
  const store = new ModelStore(t.ds, { modelCacheBytes: 3_000, variantFitsPerMinute: 0 });
  const v = version(10, 10);
  const model = (n: number) => async () => ({ value: { filler: 'x'.repeat(900), n }, asOf: new Date() });
  let fits = 0;
  store.onFit = () => fits++;
  for (let i = 0; i < 3; i++) await store.get(`bounded:${i}`, 'test', v, { live: false, variant: true }, model(i));
  expect(store.cached.models).toBe(3);
  await store.get('bounded:0', 'test', v, { live: false, variant: true }, model(0)); // used again: now the newest
  await store.get('bounded:3', 'test', v, { live: false, variant: true }, model(3)); // over 3,000 bytes: the oldest leaves
  expect(store.cached.bytes).toBeLessThanOrEqual(3_000);
  expect(fits).toBe(4);
  await store.get('bounded:0', 'test', v, { live: false, variant: true }, model(0));
  expect(fits).toBe(4); // kept: it was used recently
  await store.get('bounded:1', 'test', v, { live: false, variant: true }, model(1));
  expect(fits).toBe(5); // evicted: fitted again
  const rows = await t.ds.query(`SELECT COUNT(*) AS n FROM analytics_models WHERE model_key LIKE 'bounded:%'`);
  expect(Number(rows[0].n)).toBe(0);
});

test('one key may have only so many new variants fitted a minute', async () => {
  const store = new ModelStore(t.ds, { modelCacheBytes: 1e9, variantFitsPerMinute: 2 });
  const v = version(10, 10);
  const fit = async () => ({ value: 1, asOf: new Date() });
  await store.get('variant:a', 'test', v, { live: false, variant: true, caller: 7 }, fit);
  await store.get('variant:b', 'test', v, { live: false, variant: true, caller: 7 }, fit);
  await expect(store.get('variant:c', 'test', v, { live: false, variant: true, caller: 7 }, fit)).rejects.toMatchObject({ code: 'RATE_LIMITED' });
  // Another key has its own budget; a variant already fitted costs nothing.
  await store.get('variant:c', 'test', v, { live: false, variant: true, caller: 8 }, fit);
  await store.get('variant:a', 'test', v, { live: false, variant: true, caller: 7 }, fit);
});

test('MODEL_REFRESH=background: a stale model answers at once while one fit replaces it; a first fit is waited for only so long', async () => {
  const limits = { ...DEFAULT_ANALYTIC_LIMITS, modelRefresh: 'background' as const, firstFitWaitMs: 300 };
  const store = new ModelStore(t.ds, limits);
  let fits = 0;
  const slow = (ms: number) => async () => {
    const n = ++fits;
    await new Promise((r) => setTimeout(r, ms));
    return { value: { n }, asOf: new Date() };
  };
  const v1 = version(5000, 20000);
  // Never fitted: the request waits 300 ms, then SERVICE_UNAVAILABLE while the fit goes on.
  let started = Date.now();
  await expect(store.get('test:bg', 'test', v1, { live: false }, slow(800))).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
  expect(Date.now() - started).toBeLessThan(700);
  await new Promise((r) => setTimeout(r, 700));
  expect((await store.get('test:bg', 'test', v1, { live: false }, slow(800))).value).toEqual({ n: 1 });
  expect(fits).toBe(1);
  // The data moved: the old model answers at once, one refit runs behind it.
  const v2 = version(6000, 20000);
  started = Date.now();
  const [x, y] = await Promise.all([store.get('test:bg', 'test', v2, { live: false }, slow(500)), store.get('test:bg', 'test', v2, { live: false }, slow(500))]);
  expect(Date.now() - started).toBeLessThan(300);
  expect([x.value, y.value]).toEqual([{ n: 1 }, { n: 1 }]);
  await new Promise((r) => setTimeout(r, 800));
  expect(fits).toBe(2);
  expect((await store.get('test:bg', 'test', v2, { live: false }, slow(500))).value).toEqual({ n: 2 });
  // Another instance (or a restart) answers from the stored model, stale or not, without waiting.
  const other = new ModelStore(t.ds, limits);
  started = Date.now();
  expect((await other.get('test:bg', 'test', version(9000, 20000), { live: false }, slow(500))).value).toEqual({ n: 2 });
  expect(Date.now() - started).toBeLessThan(300);
  await new Promise((r) => setTimeout(r, 800));
  expect(fits).toBe(3);
}, 30_000);

test('MODEL_REFRESH=background: a warm dashboard aggregate is reused; once a customer, purchase or feedback is added it still answers at once while one recomputation runs behind it', async () => {
  const app = await startTestApp({ MODEL_REFRESH: 'background' });
  try {
    const c = await makeCustomer(app, { country: 'DE' });
    const p = await makeProduct(app, { price: 5 });
    await makePurchase(app, c.id, [{ productId: p.id, quantity: 2 }]);
    const summary = async () => app.gql(`{ analyticsSummary(groupBy: COUNTRY) { group customers revenue } painPoints { issue count } }`);
    const first = await summary();
    const second = await summary();
    expect(ok(second)).toEqual(ok(first));
    expect(second.extensions!.sql!.statements).toBeLessThan(first.extensions!.sql!.statements);
    expect(second.extensions!.sql!.statements).toBe(1); // the data marks only
    await makeCustomer(app, { country: 'FR' });
    // The data marks moved: the last answer comes back at once, and a recomputation starts behind it.
    const third = await summary();
    expect(ok(third)).toEqual(ok(first));
    expect(third.extensions!.sql!.statements).toBe(1);
    let fourth = await summary();
    for (let i = 0; i < 100 && ok(fourth).analyticsSummary.length < 2; i++) {
      await new Promise((r) => setTimeout(r, 50));
      fourth = await summary();
    }
    expect(ok(fourth).analyticsSummary.map((g: { group: string }) => g.group).sort()).toEqual(['DE', 'FR']);
    expect(ok(fourth).painPoints).toEqual(ok(first).painPoints);
  } finally {
    await app.close();
  }
}, 60_000);
