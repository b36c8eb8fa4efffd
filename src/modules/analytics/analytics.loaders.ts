import DataLoader from 'dataloader';
import { groupLoader, LoaderCache } from '../../common/loaders';
import type { SpendPoint } from './analytics.data';
import type { AnalyticsService, CustomerStats } from './analytics.service';
import type { CustomerSummary } from './lifetime';
import type { DataVersion } from './model-store';
import type { FeedbackRow } from './satisfaction/satisfaction';

/** Per-request loaders of the analytic inputs: one statement per kind of data for a whole page. */
export class AnalyticsLoaders {
  private readonly cache = new LoaderCache();
  private versionPromise: Promise<DataVersion> | null = null;
  constructor(private readonly a: AnalyticsService) {}

  /** Row counts that tell whether stored models are still fresh; read once per request. */
  version(): Promise<DataVersion> {
    this.versionPromise ??= this.a.data.version();
    return this.versionPromise;
  }

  stats(asOf: Date): DataLoader<number, CustomerStats | null> {
    return this.cache.get(`stats:${asOf.getTime()}`, () =>
      new DataLoader(async (ids: readonly number[]) => {
        const m = await this.a.statsAsOf(ids, asOf);
        return ids.map((id) => m.get(id) ?? { purchaseCount: 0, totalCents: 0, firstAt: null, lastAt: null });
      }),
    );
  }

  lifetimeSummary(asOf: Date): DataLoader<number, CustomerSummary | undefined> {
    return this.cache.get(`summary:${asOf.getTime()}`, () =>
      new DataLoader(async (ids: readonly number[]) => {
        const byId = new Map(this.a.summaries(await this.a.data.dailySpend(ids, asOf), asOf).map((s) => [Number(s.customerId), s]));
        return ids.map((id) => byId.get(id));
      }),
    );
  }

  monthlySpend(asOf: Date, months: number): DataLoader<number, SpendPoint[]> {
    return this.cache.get(`monthly:${asOf.getTime()}:${months}`, () => groupLoader((ids) => this.a.data.monthlySpend(ids, asOf, months), (p) => p.customerId));
  }

  history(asOf: Date): DataLoader<number, { customerId: number; productId: number; quantity: number; at: number }[]> {
    return this.cache.get(`history:${asOf.getTime()}`, () => groupLoader((ids) => this.a.data.history(ids, asOf), (h) => h.customerId));
  }

  /** Units sold per month of each product over the 24 months before the stored series' asOf (the series is a population model). */
  productUnits(): DataLoader<number, { asOf: Date; points: { at: number; units: number }[] }> {
    return this.cache.get('productUnits', () =>
      new DataLoader(async (ids: readonly number[]) => {
        const { asOf, byProduct } = await this.a.productDemandSeries(await this.version());
        return ids.map((id) => ({ asOf, points: byProduct.get(id) ?? [] }));
      }),
    );
  }

  /** Any other per-request loader, made once under this key. */
  memo<K, V>(key: string, make: () => DataLoader<K, V>): DataLoader<K, V> {
    return this.cache.get(`memo:${key}`, make);
  }

  feedback(asOf: Date): DataLoader<number, (FeedbackRow & { customerId: number })[]> {
    return this.cache.get(`feedback:${asOf.getTime()}`, () => groupLoader((ids) => this.a.data.feedback(ids, asOf), (f) => f.customerId));
  }
}
