import { createHash } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { AppError, badInput, ErrorCode, notFound } from '../../common/errors';
import { expectGlobalId, toGlobalId } from '../../common/global-id';
import { importResult, type ImportResult, type ImportRowResult } from '../../common/import-result';
import { toCents } from '../../common/money';
import { countByParent, nestedPages } from '../../common/nested-connection';
import { paginate, SortDirection, type ConnectionResult, type PageArgs, type SortKey } from '../../common/pagination';
import { frag, hydrator, inList, selectColumns, type Fragment } from '../../common/sql';
import { validationMessages } from '../../common/validation';
import { dialectOf, isDeadlock, isUniqueViolation, type Dialect } from '../../db/dialect';
import { Product } from '../catalog/product.entity';
import { Customer } from '../customer/customer.entity';
import { Purchase, PurchaseLine, PurchaseStatus, SalesChannel } from './purchase.entity';
import { CreatePurchaseInput, PurchaseLineInput, PurchaseOrderField, type ImportPurchaseRow, type PurchaseFilter, type PurchaseOrder } from './purchase.inputs';

const SORTS: Record<PurchaseOrderField, Omit<SortKey<Purchase>, 'direction'>> = {
  [PurchaseOrderField.PURCHASED_AT]: { expression: 'p.purchased_at', read: (p) => p.purchasedAt, kind: 'date' },
  [PurchaseOrderField.TOTAL]: { expression: 'p.total_cents', read: (p) => p.totalCents, kind: 'number' },
  [PurchaseOrderField.ID]: { expression: 'p.id', read: (p) => p.id, kind: 'number' },
};


/**
 * Concurrent purchases of different customers lock overlapping index gaps in the stats update, and InnoDB
 * then rolls one back as a deadlock victim; the remedy the MySQL manual gives is to run it again, after a
 * short random pause so that the same transactions do not collide again.
 */
async function retryOnDeadlock<T>(run: () => Promise<T>, attempts = 10): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (e) {
      if (attempt >= attempts || !isDeadlock(e)) throw e;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * attempt));
    }
  }
}

/** Applies a campaign coupon inside createPurchase's transaction (implemented by the care module). */
export interface CouponRedeemer {
  /** Checks the coupon against the sale (owner, window, single use) and returns its discount on the subtotal. */
  reserve(m: EntityManager, code: string, sale: { customerId: number; purchasedAt: Date; subtotalCents: number; status: PurchaseStatus }): Promise<{ couponId: number; discountCents: number }>;
  /** Marks it used by the purchase. */
  redeem(m: EntityManager, couponId: number, purchaseId: number, at: Date): Promise<void>;
}

/** Purchases (baskets) and their lines. Every multi-row write is one transaction. */
export class PurchaseService {
  /** Wired by createServices; without it a couponCode is rejected. */
  coupons: CouponRedeemer | null = null;
  readonly dialect: Dialect;
  private readonly hydrate;
  private readonly hydrateLine;
  private readonly columns: string;

  constructor(private readonly ds: DataSource) {
    this.dialect = dialectOf(ds);
    this.hydrate = hydrator(ds, Purchase);
    this.hydrateLine = hydrator(ds, PurchaseLine);
    this.columns = selectColumns(ds, Purchase, 'p');
  }

  private sortOf(order?: PurchaseOrder): SortKey<Purchase> {
    return { ...SORTS[order?.field ?? PurchaseOrderField.PURCHASED_AT], direction: order?.direction ?? SortDirection.DESC };
  }

  filterFragments(filter: PurchaseFilter | null = {}): Fragment[] {
    filter ??= {}; // an explicit GraphQL null means no filter
    const f: Fragment[] = [frag('p.deleted_at IS NULL')];
    if (filter.customerId) f.push(frag('p.customer_id = ?', expectGlobalId(filter.customerId, 'Customer', 'filter.customerId')));
    if (filter.from) f.push(frag('p.purchased_at >= ?', this.dialect.date(filter.from)));
    if (filter.to) f.push(frag('p.purchased_at < ?', this.dialect.date(filter.to)));
    if (filter.status) f.push(frag('p.status = ?', filter.status));
    if (filter.channel) f.push(frag('p.channel = ?', filter.channel));
    if (filter.minTotal != null) f.push(frag('p.total_cents >= ?', toCents(filter.minTotal)));
    return f;
  }

  list(filter: PurchaseFilter | undefined, order: PurchaseOrder | undefined, page: PageArgs): Promise<ConnectionResult<Purchase>> {
    return paginate(
      {
        ds: this.ds, from: 'purchases p', alias: 'p', columns: this.columns, where: this.filterFragments(filter),
        sort: this.sortOf(order), hydrate: this.hydrate, param: (v) => (v instanceof Date ? this.dialect.date(v) : v),
      },
      page,
    );
  }

  /** A page of purchases for each customer, in one statement (the Customer.purchases loader). */
  pagesForCustomers(customerIds: readonly number[], filter: PurchaseFilter | undefined, order: PurchaseOrder | undefined, page: PageArgs) {
    const where = this.filterFragments({ ...filter, customerId: undefined });
    return nestedPages(
      {
        ds: this.ds, table: 'purchases', alias: 'p', columns: this.columns, parentColumn: 'p.customer_id', parentOf: (p) => p.customerId,
        where, sort: this.sortOf(order), hydrate: this.hydrate, param: (v) => (v instanceof Date ? this.dialect.date(v) : v),
      },
      customerIds,
      page,
      (ids) => countByParent(this.ds, 'purchases', 'p', 'p.customer_id', ids, where),
    );
  }

  async byIds(ids: readonly number[]): Promise<Purchase[]> {
    const w = inList('p.id', ids);
    return (await this.ds.query(`SELECT ${this.columns} FROM purchases p WHERE ${w.sql}`, w.params)).map(this.hydrate);
  }

  async linesOf(purchaseIds: readonly number[]): Promise<PurchaseLine[]> {
    const w = inList('l.purchase_id', purchaseIds);
    return (await this.ds.query(`SELECT l.* FROM purchase_lines l WHERE ${w.sql} ORDER BY l.id`, w.params)).map(this.hydrateLine);
  }

  async get(id: number): Promise<Purchase> {
    const [p] = await this.byIds([id]);
    if (!p || p.deletedAt) throw notFound('Purchase', toGlobalId('Purchase', id));
    return p;
  }

  /**
   * Creates a purchase and its lines in one transaction with totals computed here. With an idempotency key
   * (scoped to the customer), a retry of the same request (even a concurrent one) returns the purchase the first
   * call made; the same key with a different request is IDEMPOTENCY_KEY_REUSED, and nothing is written.
   */
  async create(input: CreatePurchaseInput, now = new Date()): Promise<Purchase> {
    const customerId = expectGlobalId(input.customerId, 'Customer', 'customerId');
    const lineProducts = input.lines.map((l, i) => expectGlobalId(l.productId, 'Product', `lines[${i}].productId`));
    const fingerprint = input.idempotencyKey ? requestFingerprint(customerId, lineProducts, input) : null;
    const replay = () => (input.idempotencyKey ? this.byIdempotencyKey(customerId, input.idempotencyKey, fingerprint!) : Promise.resolve(null));
    const earlier = await replay();
    if (earlier) return earlier;
    const purchasedAt = input.purchasedAt ?? now;
    if (Number.isNaN(purchasedAt.getTime())) throw badInput('purchasedAt is not a valid date-time');
    if (purchasedAt.getTime() > now.getTime() + 5 * 60_000) throw badInput('purchasedAt must not be in the future');
    try {
      const id = await retryOnDeadlock(() => this.ds.transaction(async (m) => {
        // Lock the customer first (MySQL): the purchase insert's foreign-key check takes a shared lock on this
        // row and the stats update below needs an exclusive one, so concurrent retries of one key deadlocked.
        const customer = await m.getRepository(Customer).findOne({
          where: { id: customerId }, lock: this.dialect.rowLocks ? { mode: 'pessimistic_write' } : undefined,
        });
        if (!customer || customer.erasedAt) throw notFound('Customer', input.customerId);
        const products = await m.getRepository(Product).findBy(lineProducts.map((id) => ({ id })));
        const byId = new Map(products.map((p) => [p.id, p]));
        const lines = input.lines.map((l, i) => {
          const product = byId.get(lineProducts[i]);
          if (!product) throw new AppError(ErrorCode.NOT_FOUND, `lines[${i}].productId: product ${l.productId} was not found`, { line: i });
          return { productId: product.id, quantity: l.quantity, unitPriceCents: l.unitPrice != null ? toCents(l.unitPrice) : product.priceCents };
        });
        const subtotal = lines.reduce((s, l) => s + l.quantity * l.unitPriceCents, 0);
        if (subtotal > 2_000_000_000) throw badInput('purchase total is too large');
        const status = input.status ?? PurchaseStatus.COMPLETED;
        if (input.couponCode && !this.coupons) throw badInput('coupons are not available');
        const coupon = input.couponCode ? await this.coupons!.reserve(m, input.couponCode, { customerId, purchasedAt, subtotalCents: subtotal, status }) : null;
        const discount = coupon?.discountCents ?? 0;
        const purchase = await m.getRepository(Purchase).save(
          m.getRepository(Purchase).create({
            customerId, purchasedAt, channel: input.channel, status, couponId: coupon?.couponId ?? null,
            subtotalCents: subtotal, discountCents: discount, totalCents: subtotal - discount, idempotencyKey: input.idempotencyKey ?? null,
            idempotencyFingerprint: fingerprint,
          }),
        );
        if (coupon) await this.coupons!.redeem(m, coupon.couponId, purchase.id, purchasedAt);
        await m.createQueryBuilder().insert().into(PurchaseLine).values(lines.map((l) => ({ ...l, purchaseId: purchase.id }))).execute();
        await this.refreshCustomerStats([customerId], m);
        return purchase.id;
      }));
      return this.get(id);
    } catch (e) {
      // A concurrent call with the same key won the race: answer with its purchase.
      if (input.idempotencyKey && isUniqueViolation(e)) {
        const existing = await replay();
        if (existing) return existing;
      }
      throw e;
    }
  }

  /** The purchase made earlier with this customer's key, if the request was the same; a different one is refused. */
  private async byIdempotencyKey(customerId: number, key: string, fingerprint: string): Promise<Purchase | null> {
    const rows = await this.ds.query(`SELECT ${this.columns} FROM purchases p WHERE p.customer_id = ? AND p.idempotency_key = ?`, [customerId, key]);
    if (!rows.length) return null;
    const earlier: Purchase = this.hydrate(rows[0]);
    // Purchases from before fingerprints were kept (null) are taken as the same request.
    if (earlier.idempotencyFingerprint && earlier.idempotencyFingerprint !== fingerprint) {
      throw new AppError(ErrorCode.IDEMPOTENCY_KEY_REUSED,
        `idempotencyKey "${key}" was already used for a different purchase of this customer (${toGlobalId('Purchase', earlier.id)}): send a new key for a new purchase`,
        { purchaseId: toGlobalId('Purchase', earlier.id) });
    }
    return earlier;
  }

  async setStatus(id: number, status: PurchaseStatus, manager?: EntityManager): Promise<Purchase> {
    const run = async (m: EntityManager) => {
      const p = await m.getRepository(Purchase).findOneBy({ id });
      if (!p) throw notFound('Purchase', toGlobalId('Purchase', id));
      await m.getRepository(Purchase).update({ id }, { status });
      await this.refreshCustomerStats([p.customerId], m);
    };
    if (manager) await run(manager);
    else await this.ds.transaction(run);
    return manager ? (await manager.getRepository(Purchase).findOneByOrFail({ id })) : this.get(id);
  }

  async softDelete(id: number): Promise<Purchase> {
    const p = await this.get(id);
    await this.ds.transaction(async (m) => {
      await m.getRepository(Purchase).softDelete({ id });
      await this.refreshCustomerStats([p.customerId], m);
    });
    return p;
  }

  /** Recomputes the denormalised purchase statistics of customers (COMPLETED purchases only). */
  async refreshCustomerStats(customerIds: readonly number[] | 'all', m: EntityManager = this.ds.manager): Promise<void> {
    const sub = (expr: string) =>
      `(SELECT ${expr} FROM purchases p WHERE p.customer_id = customers.id AND p.status = 'COMPLETED' AND p.deleted_at IS NULL)`;
    const where = customerIds === 'all' ? { sql: '', params: [] as unknown[] } : { sql: ` WHERE ${inList('id', customerIds).sql}`, params: [...customerIds] };
    await m.query(
      `UPDATE customers SET purchase_count = ${sub('COUNT(*)')}, total_spent_cents = ${sub('COALESCE(SUM(p.total_cents), 0)')}, ` +
        `first_purchase_at = ${sub('MIN(p.purchased_at)')}, last_purchase_at = ${sub('MAX(p.purchased_at)')}${where.sql}`,
      where.params,
    );
  }

  /** Each row is one purchase created on its own transaction; bad rows are reported, good rows land. */
  async importRows(rows: ImportPurchaseRow[]): Promise<ImportResult> {
    const emails = [...new Set(rows.map((r) => r.customerEmail?.trim().toLowerCase()).filter((e): e is string => !!e))];
    const skus = [...new Set(rows.flatMap((r) => r.lines.map((l) => l.sku)).filter((s): s is string => !!s))];
    const customerByEmail = new Map<string, number>();
    if (emails.length) {
      const w = inList('email', emails);
      for (const r of await this.ds.query(`SELECT id, email FROM customers WHERE ${w.sql}`, w.params)) customerByEmail.set(r.email, Number(r.id));
    }
    const productBySku = new Map<string, number>();
    if (skus.length) {
      const w = inList('sku', skus);
      for (const r of await this.ds.query(`SELECT id, sku FROM products WHERE ${w.sql}`, w.params)) productBySku.set(r.sku, Number(r.id));
    }
    const results: ImportRowResult[] = [];
    for (const [index, row] of rows.entries()) {
      try {
        const customerId = row.customerId
          ?? (row.customerEmail && customerByEmail.has(row.customerEmail.trim().toLowerCase())
            ? toGlobalId('Customer', customerByEmail.get(row.customerEmail.trim().toLowerCase())!)
            : null);
        if (!customerId) throw badInput(row.customerEmail ? `no customer with email ${row.customerEmail}` : 'customerId or customerEmail is required');
        const input = Object.assign(new CreatePurchaseInput(), {
          customerId,
          purchasedAt: row.purchasedAt,
          channel: row.channel ?? SalesChannel.STORE,
          status: row.status,
          idempotencyKey: row.idempotencyKey,
          lines: row.lines.map((l, i) => {
            const productId = l.productId ?? (l.sku && productBySku.has(l.sku) ? toGlobalId('Product', productBySku.get(l.sku)!) : null);
            if (!productId) throw badInput(`lines[${i}]: ${l.sku ? `no product with sku ${l.sku}` : 'productId or sku is required'}`);
            return Object.assign(new PurchaseLineInput(), { productId, quantity: l.quantity, unitPrice: l.unitPrice });
          }),
        });
        const errors = await validationMessages(input);
        if (errors.length) throw badInput(errors.join('; '));
        const purchase = await this.create(input);
        results.push({ index, ok: true, id: toGlobalId('Purchase', purchase.id), updated: false, error: null });
      } catch (e) {
        if (!(e instanceof AppError)) throw e;
        results.push({ index, ok: false, id: null, updated: null, error: e.message });
      }
    }
    return importResult(results);
  }
}

/**
 * What makes two creates "the same request" for an idempotency key: the customer, the lines (product,
 * quantity, price given), channel, status, time given and coupon; a field left out counts as left out.
 */
function requestFingerprint(customerId: number, productIds: number[], input: CreatePurchaseInput): string {
  const canonical = JSON.stringify([
    customerId, input.channel, input.status ?? null, input.purchasedAt ? input.purchasedAt.toISOString() : null, input.couponCode ?? null,
    input.lines.map((l, i) => [productIds[i], l.quantity, l.unitPrice ?? null]),
  ]);
  return createHash('sha256').update(canonical).digest('hex');
}
