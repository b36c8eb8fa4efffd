import { randomUUID } from 'node:crypto';
import { Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import type { DataSource } from 'typeorm';
import { dialectOf } from '../../db/dialect';

/** A fitted population model, shared by every server instance through the database. */
@Entity('analytics_models')
export class AnalyticsModel {
  @PrimaryGeneratedColumn()
  id!: number;

  @Index('uq_analytics_models_key', { unique: true })
  @Column({ type: 'varchar', length: 191 })
  modelKey!: string;

  @Column({ type: 'varchar', length: 32 })
  kind!: string;

  /** Row counts the model was fitted on; it is refitted when they moved beyond the threshold. */
  @Column({ type: 'int' })
  customersAtFit!: number;

  @Column({ type: 'int' })
  purchasesAtFit!: number;

  @Column({ type: 'datetime' })
  asOf!: Date;

  @Column({ type: 'datetime' })
  fittedAt!: Date;

  @Column({ type: 'int' })
  fitMs!: number;

  @Column({ type: 'text' })
  payload!: string;
}

/** Who is fitting a model right now: other instances wait for its result instead of fitting too. */
@Entity('analytics_fit_leases')
export class FitLease {
  @PrimaryColumn({ type: 'varchar', length: 191 })
  modelKey!: string;

  @Column({ type: 'varchar', length: 64 })
  holder!: string;

  @Column({ type: 'datetime' })
  expiresAt!: Date;
}

/** Longest a fit may hold its lease; an instance that died while fitting blocks the others no longer. */
const LEASE_MS = 120_000;
const POLL_MS = 200;

export interface DataVersion {
  customers: number;
  purchases: number;
  products: number;
  productsUpdatedAt: string;
}

export interface StoredModel<T> {
  key: string;
  asOf: Date;
  fittedAt: Date;
  fitMs: number;
  customersAtFit: number;
  purchasesAtFit: number;
  value: T;
}

/** Relative change in customers or purchases after which a model counts as stale. */
export const STALE_AFTER = 0.02;
/** A model fitted at "now" is refitted after this long even without new data, so recency moves on. */
export const LIVE_MODEL_TTL_MS = 6 * 3600_000;

const moved = (now: number, then: number) => Math.abs(now - then) > Math.max(1, then * STALE_AFTER);

/**
 * Fit-once, reuse-everywhere: a process cache in front of the analytics_models table, with single-flight
 * so that concurrent requests wait for one fit instead of starting their own.
 */
export class ModelStore {
  private readonly memory = new Map<string, StoredModel<unknown>>();
  private readonly inFlight = new Map<string, Promise<StoredModel<unknown>>>();
  /** Told about every fit (metrics). */
  onFit: ((kind: string, ms: number) => void) | null = null;
  private readonly holder = randomUUID();

  constructor(private readonly ds: DataSource) {}

  private fresh(m: StoredModel<unknown>, version: DataVersion, live: boolean, now: number): boolean {
    if (moved(version.customers, m.customersAtFit) || moved(version.purchases, m.purchasesAtFit)) return false;
    return !live || now - m.fittedAt.getTime() < LIVE_MODEL_TTL_MS;
  }

  async get<T>(
    key: string,
    kind: string,
    version: DataVersion,
    opts: { live: boolean; force?: boolean; now?: number },
    fit: () => Promise<{ value: T; asOf: Date }>,
  ): Promise<StoredModel<T>> {
    const now = opts.now ?? Date.now();
    const cached = this.memory.get(key);
    if (!opts.force && cached && this.fresh(cached, version, opts.live, now)) return cached as StoredModel<T>;
    let pending = this.inFlight.get(key);
    if (!pending) {
      pending = this.loadOrFit(key, kind, version, opts, fit, now).finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, pending);
    }
    return pending as Promise<StoredModel<T>>;
  }

  private async loadOrFit<T>(
    key: string,
    kind: string,
    version: DataVersion,
    opts: { live: boolean; force?: boolean },
    fit: () => Promise<{ value: T; asOf: Date }>,
    now: number,
  ): Promise<StoredModel<T>> {
    const repo = this.ds.getRepository(AnalyticsModel);
    const stored = async (): Promise<StoredModel<T> | null> => {
      const row = await repo.findOneBy({ modelKey: key });
      if (!row) return null;
      const m: StoredModel<T> = {
        key, asOf: row.asOf, fittedAt: row.fittedAt, fitMs: row.fitMs, customersAtFit: row.customersAtFit,
        purchasesAtFit: row.purchasesAtFit, value: JSON.parse(row.payload) as T,
      };
      if (!this.fresh(m, version, opts.live, Date.now())) return null;
      this.memory.set(key, m);
      return m;
    };
    if (!opts.force) {
      const found = await stored();
      if (found) return found;
    }
    // Across instances: one holds the lease and fits; the others wait for its stored result.
    while (!(await this.acquire(key))) {
      await new Promise((r) => setTimeout(r, POLL_MS));
      if (!opts.force) {
        const found = await stored();
        if (found) return found;
      }
    }
    try {
      return await this.fitAndStore(key, kind, version, fit, now);
    } finally {
      await this.ds.getRepository(FitLease).delete({ modelKey: key, holder: this.holder });
    }
  }

  /** Takes the fit lease of a model: a new row, or the row of a lease that ran out. */
  private async acquire(key: string): Promise<boolean> {
    const leases = this.ds.getRepository(FitLease);
    const now = new Date();
    const expiresAt = new Date(now.getTime() + LEASE_MS);
    try {
      await leases.insert({ modelKey: key, holder: this.holder, expiresAt });
      return true;
    } catch {
      const taken = await leases
        .createQueryBuilder()
        .update()
        .set({ holder: this.holder, expiresAt })
        .where('model_key = :key AND expires_at < :now', { key, now: dialectOf(this.ds).date(now) })
        .execute();
      return (taken.affected ?? 0) > 0;
    }
  }

  private async fitAndStore<T>(
    key: string,
    kind: string,
    version: DataVersion,
    fit: () => Promise<{ value: T; asOf: Date }>,
    now: number,
  ): Promise<StoredModel<T>> {
    const repo = this.ds.getRepository(AnalyticsModel);
    const started = performance.now();
    const { value, asOf } = await fit();
    const fitMs = Math.round(performance.now() - started);
    this.onFit?.(kind, fitMs);
    const stored: StoredModel<T> = {
      key, asOf, fittedAt: new Date(now), fitMs, customersAtFit: version.customers, purchasesAtFit: version.purchases, value,
    };
    const payload = JSON.stringify(value);
    // Small models are shared through the database; large ones (rule sets) stay in this process.
    if (payload.length < 60_000) {
      await repo.upsert(
        { modelKey: key, kind, customersAtFit: version.customers, purchasesAtFit: version.purchases, asOf, fittedAt: stored.fittedAt, fitMs, payload },
        ['modelKey'],
      );
    }
    this.memory.set(key, stored);
    return stored;
  }

  /** Forgets every model so the next request refits (refreshAnalytics). */
  async clear(): Promise<number> {
    this.memory.clear();
    const r = await this.ds.createQueryBuilder().delete().from(AnalyticsModel).execute();
    return r.affected ?? 0;
  }
}
