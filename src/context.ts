import DataLoader from 'dataloader';
import type { Logger } from 'pino';
import { byIdLoader, groupLoader, LoaderCache } from './common/loaders';
import type { ConnectionResult, PageArgs } from './common/pagination';
import type { SqlStats } from './common/sql-stats';
import { AnalyticsLoaders } from './modules/analytics/analytics.loaders';
import type { Principal } from './modules/auth/auth.service';
import { CareLoaders } from './modules/care/care.loaders';
import type { Product } from './modules/catalog/product.entity';
import type { Customer } from './modules/customer/customer.entity';
import type { Feedback } from './modules/feedback/feedback.entity';
import type { FeedbackFilter } from './modules/feedback/feedback.inputs';
import type { Purchase, PurchaseLine } from './modules/purchase/purchase.entity';
import type { PurchaseFilter, PurchaseOrder } from './modules/purchase/purchase.inputs';
import type { Services } from './services';

/** Per-request DataLoaders: each relation is one batched query per tick, whatever the page size. */
export class Loaders {
  private readonly cache = new LoaderCache();
  private analyticsLoaders: AnalyticsLoaders | null = null;
  private careLoaders: CareLoaders | null = null;
  constructor(private readonly s: Services) {}

  get care(): CareLoaders {
    this.careLoaders ??= new CareLoaders(this.s.care);
    return this.careLoaders;
  }

  get analytics(): AnalyticsLoaders {
    this.analyticsLoaders ??= new AnalyticsLoaders(this.s.analytics);
    return this.analyticsLoaders;
  }

  get customer(): DataLoader<number, Customer | null> {
    return this.cache.get('customer', () => byIdLoader((ids) => this.s.customers.byIds(ids, true)));
  }
  /** Products the product loader has loaded in this request, by id. */
  private readonly productsLoaded = new Map<number, Product>();
  get product(): DataLoader<number, Product | null> {
    return this.cache.get('product', () =>
      byIdLoader(async (ids) => {
        const rows = await this.s.products.byIds(ids);
        for (const r of rows) this.productsLoaded.set(r.id, r);
        return rows;
      }),
    );
  }
  /** A product this request has already loaded (the same object the product loader resolves to), else undefined. */
  loadedProduct(id: number): Product | undefined {
    return this.productsLoaded.get(id);
  }
  get purchase(): DataLoader<number, Purchase | null> {
    return this.cache.get('purchase', () => byIdLoader((ids) => this.s.purchases.byIds(ids)));
  }
  get feedback(): DataLoader<number, Feedback | null> {
    return this.cache.get('feedback', () => byIdLoader((ids) => this.s.feedback.byIds(ids)));
  }
  get linesOfPurchase(): DataLoader<number, PurchaseLine[]> {
    return this.cache.get('linesOfPurchase', () => groupLoader((ids) => this.s.purchases.linesOf(ids), (l) => l.purchaseId));
  }
  /**
   * Lines of purchases whose products a query asks for: the lines through linesOfPurchase (one statement), then
   * the products of all of them through the product loader (one statement) before the lines are handed over, so
   * that PurchaseLine.product finds each one loaded. A failed product load leaves the lines as they are; each
   * line's product then fails through the loader as before.
   */
  get linesOfPurchaseWithProducts(): DataLoader<number, PurchaseLine[]> {
    return this.cache.get('linesOfPurchaseWithProducts', () =>
      newLoader(async (ids) => {
        const groups = await this.linesOfPurchase.loadMany(ids);
        const productIds = new Set<number>();
        for (const g of groups) if (Array.isArray(g)) for (const l of g) if (!this.productsLoaded.has(l.productId)) productIds.add(l.productId);
        if (productIds.size) await this.product.loadMany([...productIds]);
        return groups as PurchaseLine[][];
      }),
    );
  }
  purchasesOfCustomer(filter: PurchaseFilter | undefined, order: PurchaseOrder | undefined, page: PageArgs): DataLoader<number, ConnectionResult<Purchase>> {
    return this.cache.get(`purchasesOfCustomer:${JSON.stringify([filter, order, page])}`, () =>
      newLoader((ids) => this.s.purchases.pagesForCustomers(ids, filter, order, page)),
    );
  }
  feedbackOfCustomer(filter: FeedbackFilter | undefined, page: PageArgs): DataLoader<number, ConnectionResult<Feedback>> {
    return this.cache.get(`feedbackOfCustomer:${JSON.stringify([filter, page])}`, () =>
      newLoader((ids) => this.s.feedback.pagesForCustomers(ids, filter, page)),
    );
  }
}

function newLoader<V>(batch: (ids: readonly number[]) => Promise<V[]>): DataLoader<number, V> {
  return new DataLoader<number, V>(batch);
}

export interface Context {
  requestId: string;
  /** The authenticated caller (API key); null only for requests that need none. */
  principal: Principal | null;
  services: Services;
  loaders: Loaders;
  log: Logger;
  sqlStats: SqlStats;
  /** Customers whose personal fields this request read (audited once at the end of the request). */
  personalReads?: Set<number>;
}
