import { randomUUID } from 'node:crypto';
import { Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import type { DataSource } from 'typeorm';
import { AppError, ErrorCode } from '../../common/errors';
import { dialectOf } from '../../db/dialect';
import { DEFAULT_ANALYTIC_LIMITS, type AnalyticLimits } from './limits';

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

/**
 * The JSON of a model too large for one TEXT column (64 KB on MySQL), in parts: a recommender or a rule set
 * at scale. The model row's payload then names its parts ("@parts:<token>:<count>"); a new fit writes new
 * parts under a new token, so a reader never mixes two fits.
 */
@Entity('analytics_model_parts')
export class AnalyticsModelPart {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  token!: string;

  @PrimaryColumn({ type: 'int' })
  part!: number;

  @Column({ type: 'varchar', length: 191 })
  modelKey!: string;

  @Column({ type: 'text' })
  payload!: string;
}

/** Characters a part holds: 16k characters stay under 64 KB even at 4 bytes each. */
const PART_CHARS = 16_000;
/** Larger models are not shared through the database (each instance fits its own). */
const SHARED_MAX_CHARS = 32_000_000;
const PARTS_MARK = /^@parts:([0-9a-f-]{36}):(\d+)$/;

/** Text in pieces of at most `size` UTF-16 units, never splitting a surrogate pair (an emoji) between two. */
export function splitText(text: string, size: number): string[] {
  const out: string[] = [];
  for (let start = 0; start < text.length;) {
    let end = Math.min(text.length, start + size);
    const last = text.charCodeAt(end - 1);
    if (end < text.length && last >= 0xd800 && last <= 0xdbff) end--;
    out.push(text.slice(start, end));
    start = end;
  }
  return out;
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

/**
 * A fit lease runs out this long after its holder last renewed it; the holder renews it every LEASE_RENEW_MS
 * while it fits, so a long fit keeps it and an instance that died while fitting blocks the others no longer.
 */
const LEASE_MS = 30_000;
const LEASE_RENEW_MS = 10_000;
const POLL_MS = 200;

export interface DataVersion {
  customers: number;
  purchases: number;
  products: number;
  productsUpdatedAt: string;
  /** High-water mark of feedback (dashboard aggregates). */
  feedback?: number;
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
  /** In insertion order = least recently used first; bounded by the JSON size of the models. */
  private readonly memory = new Map<string, { model: StoredModel<unknown>; bytes: number }>();
  private memoryBytes = 0;
  private readonly inFlight = new Map<string, Promise<StoredModel<unknown>>>();
  /** New variant fits per API key in the current minute. */
  private readonly variantFits = new Map<number, { minute: number; count: number }>();
  /** Told about every fit (metrics). */
  onFit: ((kind: string, ms: number) => void) | null = null;
  /** Told when a fit behind a stale model failed (the stale model keeps answering). */
  onBackgroundError: ((kind: string, err: unknown) => void) | null = null;
  private readonly holder = randomUUID();

  constructor(
    private readonly ds: DataSource,
    private readonly limits: Pick<AnalyticLimits, 'modelCacheBytes' | 'variantFitsPerMinute'> & Partial<Pick<AnalyticLimits, 'modelRefresh' | 'firstFitWaitMs'>> = DEFAULT_ANALYTIC_LIMITS,
  ) {}

  private remember(key: string, model: StoredModel<unknown>, bytes: number): void {
    this.forget(key);
    this.memory.set(key, { model, bytes });
    this.memoryBytes += bytes;
    for (const [k, v] of this.memory) {
      if (this.memoryBytes <= this.limits.modelCacheBytes || k === key) break;
      this.memory.delete(k);
      this.memoryBytes -= v.bytes;
    }
  }

  private forget(key: string): void {
    const old = this.memory.get(key);
    if (!old) return;
    this.memory.delete(key);
    this.memoryBytes -= old.bytes;
  }

  /** Models held in this process and the bytes of their JSON (for tests and metrics). */
  get cached(): { models: number; bytes: number } {
    return { models: this.memory.size, bytes: this.memoryBytes };
  }

  /** A key may have only so many new variants fitted a minute: argument variety must not buy unbounded work. */
  private chargeVariantFit(caller: number, now: number): void {
    if (this.limits.variantFitsPerMinute === 0) return;
    const minute = Math.floor(now / 60_000);
    const used = this.variantFits.get(caller);
    const count = used && used.minute === minute ? used.count : 0;
    if (count >= this.limits.variantFitsPerMinute) {
      const wait = Math.ceil((minute + 1) * 60 - now / 1000);
      throw new AppError(ErrorCode.RATE_LIMITED,
        `this API key had ${this.limits.variantFitsPerMinute} new model variants (non-default arguments or past dates) fitted this minute; retry in ${wait} s or use the defaults`,
        { retryAfterSeconds: wait });
    }
    if (this.variantFits.size > 10_000) this.variantFits.clear();
    this.variantFits.set(caller, { minute, count: count + 1 });
  }

  private fresh(m: StoredModel<unknown>, version: DataVersion, live: boolean, now: number): boolean {
    if (moved(version.customers, m.customersAtFit) || moved(version.purchases, m.purchasesAtFit)) return false;
    return !live || now - m.fittedAt.getTime() < LIVE_MODEL_TTL_MS;
  }

  /**
   * The model under `key`, fitted when missing or stale. A `variant` (non-default arguments, a past date) is
   * kept in this process only and counts against its caller's variant fits a minute; default models are
   * stored in analytics_models and shared by every instance.
   */
  async get<T>(
    key: string,
    kind: string,
    version: DataVersion,
    opts: { live: boolean; force?: boolean; now?: number; variant?: boolean; caller?: number },
    fit: () => Promise<{ value: T; asOf: Date }>,
  ): Promise<StoredModel<T>> {
    const now = opts.now ?? Date.now();
    const hit = this.memory.get(key);
    if (!opts.force && hit && this.fresh(hit.model, version, opts.live, now)) {
      // Most recently used goes last.
      this.memory.delete(key);
      this.memory.set(key, hit);
      return hit.model as StoredModel<T>;
    }
    if (this.limits.modelRefresh === 'background' && !opts.force && !opts.variant) return this.getInBackground(key, kind, version, opts, fit, now, hit?.model as StoredModel<T> | undefined);
    let pending = this.inFlight.get(key);
    if (!pending) {
      if (opts.variant && opts.caller !== undefined) this.chargeVariantFit(opts.caller, now);
      pending = (opts.variant ? this.fitAndStore(key, kind, version, fit, now, false) : this.loadOrFit(key, kind, version, opts, fit, now))
        .finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, pending);
    }
    return pending as Promise<StoredModel<T>>;
  }

  /**
   * Background refresh: a stale model (in memory or stored) answers now while one fit (single-flight, with
   * the cross-instance lease) replaces it; a model never fitted is waited for at most firstFitWaitMs, counted
   * from here: the read of the stored model, a fit queued behind others on the fit worker or waiting for
   * another instance's lease all fall within it.
   */
  private getInBackground<T>(
    key: string, kind: string, version: DataVersion, opts: { live: boolean }, fit: () => Promise<{ value: T; asOf: Date }>, now: number,
    stale: StoredModel<T> | undefined,
  ): Promise<StoredModel<T>> {
    const refit = () => {
      let pending = this.inFlight.get(key) as Promise<StoredModel<T>> | undefined;
      if (!pending) {
        pending = this.loadOrFit(key, kind, version, opts, fit, now).finally(() => this.inFlight.delete(key));
        this.inFlight.set(key, pending);
      }
      return pending;
    };
    const answerWith = (last: StoredModel<T>) => {
      if (!this.fresh(last, version, opts.live, now)) refit().catch((err) => this.onBackgroundError?.(kind, err));
      return last;
    };
    if (stale) return Promise.resolve(answerWith(stale));
    const answer = this.storedAnyAge<T>(key).then((last) => {
      if (!last) return refit();
      this.remember(key, last, JSON.stringify(last.value).length);
      return answerWith(last);
    });
    return this.firstWait(answer, kind, `the ${kind} model is being fitted for the first time; retry in a few seconds`);
  }

  /** Settles once no fit of this instance is running (start-up warm-up: one model after the other). */
  async idle(): Promise<void> {
    while (this.inFlight.size) await Promise.allSettled([...this.inFlight.values()]);
  }

  /**
   * MODEL_REFRESH=background: a request waits for what was never computed (a first fit, a dashboard figure)
   * at most firstFitWaitMs, then gets SERVICE_UNAVAILABLE (Retry-After, details.firstFit) while the work goes
   * on for the requests after it. Inline: the work itself.
   */
  firstWait<T>(work: Promise<T>, kind: string, message: string): Promise<T> {
    if (this.limits.modelRefresh !== 'background') return work;
    const waitMs = this.limits.firstFitWaitMs ?? DEFAULT_ANALYTIC_LIMITS.firstFitWaitMs;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        work.catch((err) => this.onBackgroundError?.(kind, err));
        reject(new AppError(ErrorCode.SERVICE_UNAVAILABLE, message, { retryAfterSeconds: 5, firstFit: true }));
      }, waitMs);
    });
    return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
  }

  /** The stored model under `key` however old, or null. */
  private async storedAnyAge<T>(key: string): Promise<StoredModel<T> | null> {
    const row = await this.ds.getRepository(AnalyticsModel).findOneBy({ modelKey: key });
    if (!row) return null;
    const payload = await this.payloadOf(row.payload);
    if (payload === null) return null;
    return {
      key, asOf: row.asOf, fittedAt: row.fittedAt, fitMs: row.fitMs, customersAtFit: row.customersAtFit, purchasesAtFit: row.purchasesAtFit,
      value: JSON.parse(payload) as T,
    };
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
      const head = { key, asOf: row.asOf, fittedAt: row.fittedAt, fitMs: row.fitMs, customersAtFit: row.customersAtFit, purchasesAtFit: row.purchasesAtFit };
      if (!this.fresh({ ...head, value: null }, version, opts.live, Date.now())) return null;
      const payload = await this.payloadOf(row.payload);
      if (payload === null) return null; // its parts were replaced by a newer fit meanwhile
      const m: StoredModel<T> = { ...head, value: JSON.parse(payload) as T };
      this.remember(key, m, payload.length);
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
    const renew = setInterval(() => {
      this.ds.getRepository(FitLease)
        .update({ modelKey: key, holder: this.holder }, { expiresAt: new Date(Date.now() + LEASE_MS) })
        .catch(() => undefined); // a missed renewal only lets another instance fit too
    }, LEASE_RENEW_MS);
    renew.unref();
    try {
      return await this.fitAndStore(key, kind, version, fit, now, true);
    } finally {
      clearInterval(renew);
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
    share: boolean,
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
    // Default models are shared through the database (in parts when large); variants stay in this process.
    if (share && payload.length <= SHARED_MAX_CHARS) {
      const row = { modelKey: key, kind, customersAtFit: version.customers, purchasesAtFit: version.purchases, asOf, fittedAt: stored.fittedAt, fitMs };
      if (payload.length <= PART_CHARS) {
        await repo.upsert({ ...row, payload }, ['modelKey']);
        await this.ds.getRepository(AnalyticsModelPart).delete({ modelKey: key });
      } else {
        // No transaction (SQLite has one connection for everything): the parts first, then the row names them,
        // then the old parts go. A reader holding the old name finds its parts gone and reads again.
        const token = randomUUID();
        const chunks = splitText(payload, PART_CHARS);
        const parts = this.ds.getRepository(AnalyticsModelPart);
        for (let i = 0; i < chunks.length; i += 50) {
          await parts.insert(chunks.slice(i, i + 50).map((text, j) => ({ token, part: i + j, modelKey: key, payload: text })));
        }
        await repo.upsert({ ...row, payload: `@parts:${token}:${chunks.length}` }, ['modelKey']);
        await this.ds.createQueryBuilder().delete().from(AnalyticsModelPart).where('model_key = :key AND token <> :token', { key, token }).execute();
      }
    }
    this.remember(key, stored, payload.length);
    return stored;
  }

  /** A stored payload, joined from its parts when it has them; null when they are gone (replaced). */
  private async payloadOf(payload: string): Promise<string | null> {
    const mark = PARTS_MARK.exec(payload);
    if (!mark) return payload;
    const parts = await this.ds.getRepository(AnalyticsModelPart).find({ where: { token: mark[1] }, order: { part: 'ASC' } });
    return parts.length === Number(mark[2]) ? parts.map((p) => p.payload).join('') : null;
  }

  /** Forgets every model so the next request refits (refreshAnalytics). */
  async clear(): Promise<number> {
    this.memory.clear();
    this.memoryBytes = 0;
    const r = await this.ds.createQueryBuilder().delete().from(AnalyticsModel).execute();
    await this.ds.createQueryBuilder().delete().from(AnalyticsModelPart).execute();
    return r.affected ?? 0;
  }
}
