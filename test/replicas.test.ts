import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import pino from 'pino';
import type { DataSource } from 'typeorm';
import { loadConfig } from '../src/config';
import { openDatabase } from '../src/db/database';
import { seedDemoIfEmpty } from '../src/db/seed/demo';
import { createApp, type App } from '../src/server';
import { Role } from '../src/modules/auth/api-key.entity';
import { dbKind } from './support/app';
import { mariadbAvailable, startReplicationPair, type ReplicationPair } from './support/replication';

/**
 * Read replicas with real MariaDB replication: a primary and a replica of our own (binlog + CHANGE MASTER TO).
 * Runs in the MariaDB pass of the suite (it needs mariadbd, not the database under test).
 */
const run = dbKind === 'mysql' && mariadbAvailable() ? describe : describe.skip;

run('read replicas', () => {
  let pair: ReplicationPair;
  let ds: DataSource;
  let app: App;
  let url: string;
  let key: string;
  const logs: Record<string, unknown>[] = [];

  const gql = async (query: string) => {
    const res = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body: JSON.stringify({ query }) });
    const body = (await res.json()) as { data?: any; errors?: unknown[] };
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    return body.data;
  };
  const questions = async (which: 'primary' | 'replica') => {
    const c = await pair[which]();
    try {
      const [rows] = await c.query("SHOW GLOBAL STATUS LIKE 'Questions'");
      return Number((rows as { Value: string }[])[0].Value);
    } finally {
      await c.end();
    }
  };
  const readyz = async () => (await (await fetch(`${url}/readyz`)).json()) as { status: string; replicas?: { analyticsReadFrom: string; replicas: { healthy: boolean; reason: string | null }[] } };
  const until = async (what: string, ok: () => Promise<boolean>, ms = 15_000) => {
    const end = Date.now() + ms;
    while (!(await ok())) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  };
  const DASHBOARD = '{ segments(k: 3) { segments { id size } } customerAnalytics(first: 20) { nodes { customerId rfmSegment totalSpent } } }';

  beforeAll(async () => {
    pair = await startReplicationPair();
    const p = await pair.primary();
    await p.query('CREATE DATABASE caregraph CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci');
    await p.end();
    const config = loadConfig({
      NODE_ENV: 'test', PLAYGROUND: 'off', LOG_LEVEL: 'info', RATE_LIMIT_PER_MINUTE: '0',
      DATABASE_URL: pair.primaryUrl('caregraph'), DATABASE_REPLICA_URLS: pair.replicaUrl('caregraph'), REPLICA_MAX_LAG_S: '3600',
    });
    const log = pino({ level: 'info' }, new Writable({ write(c, _e, done) { for (const l of String(c).split('\n')) if (l) logs.push(JSON.parse(l)); done(); } }));
    ds = await openDatabase(config.database, { replicaMaxLagSeconds: config.replicaMaxLagSeconds, log });
    await seedDemoIfEmpty(ds, 300);
    app = await createApp(config, ds, log);
    await new Promise<void>((r) => app.http.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(app.http.address() as AddressInfo).port}`;
    key = (await app.services.auth.create('replica test', Role.ADMIN)).key;
    const r = await pair.replica();
    try {
      await until('the replica to have the demo company', async () => {
        const [rows] = await r.query('SELECT COUNT(*) AS n FROM caregraph.customers');
        return Number((rows as { n: number }[])[0].n) === 300;
      });
    } finally {
      await r.end();
    }
  }, 180_000);

  afterAll(async () => {
    await app?.stop();
    await ds?.destroy();
    await pair?.stop();
  });

  test('analytic population reads land on the replica, not the primary', async () => {
    expect((await readyz()).replicas?.analyticsReadFrom).toBe('replicas');
    await gql('mutation { refreshAnalytics }');
    const before = { primary: await questions('primary'), replica: await questions('replica') };
    const data = await gql(DASHBOARD);
    expect(data.segments.segments.length).toBe(3);
    const after = { primary: await questions('primary'), replica: await questions('replica') };
    const onReplica = after.replica - before.replica;
    const onPrimary = after.primary - before.primary;
    // The population reads (customers in windows, purchases, the freshness marks) went to the replica; the
    // primary saw the key check, the model store and the per-page reads.
    expect(onReplica).toBeGreaterThanOrEqual(4);
    console.log(`dashboard after a refresh: ${onReplica} statements on the replica, ${onPrimary} on the primary`);
  });

  test('a request that writes reads its own write, even while the replica lags', async () => {
    const r = await pair.replica();
    try {
      await r.query('STOP SLAVE; CHANGE MASTER TO MASTER_DELAY=120; START SLAVE;');
      const customer = 'Q3VzdG9tZXI6MQ==';
      const before = (await gql(`{ customer(id: "${customer}") { value { purchaseCount } } }`)).customer.value.purchaseCount;
      const product = (await gql('{ products(first: 1) { nodes { id } } }')).products.nodes[0].id;
      const created = await gql(`mutation { createPurchase(input: { customerId: "${customer}", idempotencyKey: "replica-test-1", channel: ONLINE, lines: [{ productId: "${product}", quantity: 1 }] }) {
        id customer { value { purchaseCount } rfm { frequency } } } }`);
      expect(created.createPurchase.customer.value.purchaseCount).toBe(before + 1);
      expect(created.createPurchase.customer.rfm.frequency).toBe(before + 1);
      // Satisfaction is read through the analytics (a replica when healthy): the writing request still sees it.
      const feedbackBefore = (await gql(`{ customer(id: "${customer}") { satisfaction { feedbackCount } } }`)).customer.satisfaction.feedbackCount;
      const feedback = await gql(`mutation { createFeedback(input: { customerId: "${customer}", score: 2, comment: "late" }) { customer { satisfaction { feedbackCount } } } }`);
      expect(feedback.createFeedback.customer.satisfaction.feedbackCount).toBe(feedbackBefore + 1);
      // The next request, a read, is answered from the primary too (ordinary reads never go to replicas).
      expect((await gql(`{ customer(id: "${customer}") { value { purchaseCount } } }`)).customer.value.purchaseCount).toBe(before + 1);
      // ... while the replica really does not have the purchase yet.
      const [rows] = await r.query('SELECT purchase_count AS n FROM caregraph.customers WHERE id = 1');
      expect(Number((rows as { n: number }[])[0].n)).toBe(before);
    } finally {
      await r.query('STOP SLAVE; CHANGE MASTER TO MASTER_DELAY=0; START SLAVE;');
      await r.end();
    }
  });

  test('a frozen replica: analytics fall back to the primary, and the log and /readyz say so; then it comes back', async () => {
    process.kill(pair.replicaPid, 'SIGSTOP');
    try {
      await until('the replica to be reported unhealthy', async () => (await readyz()).replicas?.analyticsReadFrom === 'primary');
      const ready = await readyz();
      expect(ready.status).toBe('ready');
      expect(ready.replicas!.replicas[0]).toMatchObject({ healthy: false });
      expect(ready.replicas!.replicas[0].reason).toMatch(/did not answer|ETIMEDOUT|timeout/i);
      expect(logs.some((l) => l.msg === 'read replica unhealthy: analytics read the primary')).toBe(true);
      await gql('mutation { refreshAnalytics }');
      const primaryBefore = await questions('primary');
      expect((await gql(DASHBOARD)).segments.segments.length).toBe(3);
      expect((await questions('primary')) - primaryBefore).toBeGreaterThanOrEqual(4);
    } finally {
      process.kill(pair.replicaPid, 'SIGCONT');
    }
    await until('the replica to be healthy again', async () => (await readyz()).replicas?.analyticsReadFrom === 'replicas');
    expect(logs.some((l) => l.msg === 'read replica healthy again: analytics read from it')).toBe(true);
  }, 60_000);

  test('stopped replication counts as unhealthy too', async () => {
    const r = await pair.replica();
    try {
      await r.query('STOP SLAVE');
      await until('stopped replication to be reported', async () => (await readyz()).replicas?.replicas[0].reason === 'replication is stopped');
      expect((await readyz()).replicas?.analyticsReadFrom).toBe('primary');
    } finally {
      await r.query('START SLAVE');
      await r.end();
    }
    await until('the replica to be healthy again', async () => (await readyz()).replicas?.analyticsReadFrom === 'replicas');
  }, 60_000);
});
