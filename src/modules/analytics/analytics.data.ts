import type { DataSource } from 'typeorm';
import { frag, inList, type Fragment } from '../../common/sql';
import { GroupedItemsBuilder, type GroupedItems } from './grouped-items';
import { dialectOf, type Dialect } from '../../db/dialect';
import type { DataVersion } from './model-store';
import { breathe } from '../../common/breathe';

export const DAY_MS = 86_400_000;
/** Population reads go in windows of this many ids (customers / purchases) to keep each pause short. */
const CUSTOMER_WINDOW = 10_000;
const PURCHASE_WINDOW = 50_000;
/**
 * Population windows read at once, across every read (a cold start reads for five fits together): each holds
 * a window of row objects until it is packed and a heavy statement on the database.
 */
const WINDOWS_IN_FLIGHT = 2;

/** Analytics see purchases up to the end of the asOf day (lifetimes' observation_period_end). */
export const cutoffOf = (asOf: Date) => new Date(Math.floor(asOf.getTime() / DAY_MS) * DAY_MS + DAY_MS);

export interface PopulationRow {
  id: number;
  birthDate: string | null;
  annualIncome: number | null;
  country: string | null;
  purchaseCount: number;
  totalCents: number;
  firstAt: number | null;
  lastAt: number | null;
}

/**
 * The population as parallel typed arrays (ascending id), what the segments and population fits take: 56 bytes
 * a customer, where a million PopulationRow objects (and their birth date strings) filled the main thread's
 * old generation with ~200 MB that every major GC had to mark. NaN stands for null.
 */
export interface PopulationColumns {
  ids: Float64Array;
  /** The birth date at 00:00 UTC (ms), as Date.parse reads PopulationRow.birthDate. */
  birthAt: Float64Array;
  annualIncome: Float64Array;
  purchaseCount: Float64Array;
  totalCents: Float64Array;
  firstAt: Float64Array;
  lastAt: Float64Array;
}

const POPULATION_COLUMNS = ['ids', 'birthAt', 'annualIncome', 'purchaseCount', 'totalCents', 'firstAt', 'lastAt'] as const;

/** Spend per customer and day as parallel arrays (what the lifetime fits take). */
export interface SpendColumns {
  customerIds: Float64Array;
  ats: Float64Array;
  cents: Float64Array;
}

export interface SpendPoint {
  customerId: number;
  at: number;
  cents: number;
}

/**
 * The SQL that feeds the analytics: every query is one statement for a whole page (IN (...)) or for the
 * whole population (GROUP BY), never one per customer.
 */
export class AnalyticsData {
  readonly dialect: Dialect;
  constructor(private readonly ds: DataSource) {
    this.dialect = dialectOf(ds);
  }

  private completed(alias = 'p') {
    return `${alias}.status = 'COMPLETED' AND ${alias}.deleted_at IS NULL`;
  }

  async version(): Promise<DataVersion> {
    const [r] = await this.ds.query(
      // High-water marks by primary key (index lookups), not COUNT(*): at 100k customers the counts cost ~40 ms
      // a request. Models refit when the marks moved by more than STALE_AFTER.
      `SELECT (SELECT COALESCE(MAX(id), 0) FROM customers) AS c, (SELECT COALESCE(MAX(id), 0) FROM purchases) AS p, ` +
        `(SELECT COUNT(*) FROM products) AS n, (SELECT MAX(updated_at) FROM products) AS u, (SELECT COALESCE(MAX(id), 0) FROM feedback) AS f`,
    );
    return { customers: Number(r.c), purchases: Number(r.p), products: Number(r.n), productsUpdatedAt: String(r.u ?? ''), feedback: Number(r.f) };
  }

  /** Purchase statistics of every customer as of a date (live: the denormalised columns). */
  async population(asOf: Date | null): Promise<PopulationRow[]> {
    // In windows of customers, so that no single result stalls the event loop for long.
    return this.inWindows('customers', CUSTOMER_WINDOW, async (from, to) => (await this.populationWindow(asOf, from, to)).map(this.populationRow));
  }

  /**
   * population() as typed columns: each window is packed as it arrives, so that no object per customer outlives
   * its window (the fits' input at a million customers: 56 MB instead of ~200 MB of objects on the main thread).
   */
  async populationColumns(asOf: Date | null): Promise<PopulationColumns> {
    const chunks: PopulationColumns[] = [];
    await this.forEachWindow('customers', CUSTOMER_WINDOW, async (from, to) => {
      const rows = await this.populationWindow(asOf, from, to);
      const n = rows.length;
      const c: PopulationColumns = {
        ids: new Float64Array(n), birthAt: new Float64Array(n), annualIncome: new Float64Array(n), purchaseCount: new Float64Array(n),
        totalCents: new Float64Array(n), firstAt: new Float64Array(n), lastAt: new Float64Array(n),
      };
      for (let i = 0; i < n; i++) {
        const r = this.populationRow(rows[i]);
        c.ids[i] = r.id;
        c.birthAt[i] = birthAtOf(r.birthDate) ?? NaN;
        c.annualIncome[i] = r.annualIncome ?? NaN;
        c.purchaseCount[i] = r.purchaseCount;
        c.totalCents[i] = r.totalCents;
        c.firstAt[i] = r.firstAt ?? NaN;
        c.lastAt[i] = r.lastAt ?? NaN;
      }
      chunks.push(c);
    });
    return concatColumns(chunks, POPULATION_COLUMNS);
  }

  private populationWindow(asOf: Date | null, from: number, to: number): Promise<Record<string, unknown>[]> {
    return asOf
      ? this.ds.query(
          `SELECT c.id, c.birth_date AS bd, c.annual_income AS inc, c.country AS country, s.n, s.total, s.first_at, s.last_at FROM customers c ` +
            `LEFT JOIN (SELECT p.customer_id, COUNT(*) AS n, SUM(p.total_cents) AS total, MIN(p.purchased_at) AS first_at, MAX(p.purchased_at) AS last_at ` +
            `FROM purchases p WHERE ${this.completed()} AND p.purchased_at < ? AND p.customer_id > ? AND p.customer_id <= ? GROUP BY p.customer_id) s ` +
            `ON s.customer_id = c.id WHERE c.deleted_at IS NULL AND c.id > ? AND c.id <= ?`,
          [this.dialect.date(cutoffOf(asOf)), from, to, from, to],
        )
      : this.ds.query(
          `SELECT c.id, c.birth_date AS bd, c.annual_income AS inc, c.country AS country, c.purchase_count AS n, c.total_spent_cents AS total, ` +
            `c.first_purchase_at AS first_at, c.last_purchase_at AS last_at FROM customers c WHERE c.deleted_at IS NULL AND c.id > ? AND c.id <= ?`,
          [from, to],
        );
  }

  /** The live population rows of some customers (one statement). */
  async populationOf(ids: readonly number[]): Promise<PopulationRow[]> {
    const w = inList('c.id', ids);
    const rows: Record<string, unknown>[] = await this.ds.query(
      `SELECT c.id, c.birth_date AS bd, c.annual_income AS inc, c.country AS country, c.purchase_count AS n, c.total_spent_cents AS total, ` +
        `c.first_purchase_at AS first_at, c.last_purchase_at AS last_at FROM customers c WHERE c.deleted_at IS NULL AND ${w.sql}`,
      w.params,
    );
    return rows.map(this.populationRow);
  }

  private readonly populationRow = (r: Record<string, unknown>): PopulationRow => ({
    id: Number(r.id),
    birthDate: r.bd == null ? null : r.bd instanceof Date ? r.bd.toISOString().slice(0, 10) : String(r.bd).slice(0, 10),
    annualIncome: r.inc == null ? null : Number(r.inc),
    country: (r.country as string | null) ?? null,
    purchaseCount: Number(r.n ?? 0),
    totalCents: Number(r.total ?? 0),
    firstAt: this.dialect.readDate(r.first_at)?.getTime() ?? null,
    lastAt: this.dialect.readDate(r.last_at)?.getTime() ?? null,
  });


  /** Purchase statistics of some customers as of a date, in one GROUP BY. */
  async stats(ids: readonly number[], asOf: Date): Promise<{ id: number; purchaseCount: number; totalCents: number; firstAt: number | null; lastAt: number | null }[]> {
    const w = inList('p.customer_id', ids);
    const rows: Record<string, unknown>[] = await this.ds.query(
      `SELECT p.customer_id AS cid, COUNT(*) AS n, SUM(p.total_cents) AS total, MIN(p.purchased_at) AS first_at, MAX(p.purchased_at) AS last_at ` +
        `FROM purchases p WHERE ${w.sql} AND ${this.completed()} AND p.purchased_at < ? GROUP BY p.customer_id`,
      [...w.params, this.dialect.date(cutoffOf(asOf))],
    );
    return rows.map((r) => ({
      id: Number(r.cid), purchaseCount: Number(r.n), totalCents: Number(r.total),
      firstAt: this.dialect.readDate(r.first_at)?.getTime() ?? null, lastAt: this.dialect.readDate(r.last_at)?.getTime() ?? null,
    }));
  }

  /** Spend per customer and purchase day of some customers up to asOf (their lifetime summaries). */
  async dailySpend(ids: readonly number[], asOf: Date): Promise<SpendPoint[]> {
    const rows = await this.dailySpendRows(inList('p.customer_id', ids), asOf);
    return rows.map((r) => ({ customerId: Number(r.cid), at: Date.parse(`${String(r.d)}T00:00:00Z`), cents: Number(r.cents) }));
  }

  private dailySpendRows(where: Fragment, asOf: Date): Promise<{ cid: number; d: string; cents: number }[]> {
    const day = this.dialect.day('p.purchased_at');
    return this.ds.query(
      `SELECT p.customer_id AS cid, ${day} AS d, SUM(p.total_cents) AS cents FROM purchases p WHERE ${this.completed()} AND p.purchased_at < ?` +
        ` AND ${where.sql} GROUP BY p.customer_id, ${day}`,
      [this.dialect.date(cutoffOf(asOf)), ...where.params],
    );
  }

  /**
   * Spend per customer and purchase day of every customer up to asOf, as parallel typed arrays (ascending
   * customer): read in windows of customers and packed as each window arrives, so that no object per row
   * outlives its window (at 1M customers: 3.7M customer-days in 88 MB instead of ~400 MB of objects).
   */
  async dailySpendColumns(asOf: Date): Promise<SpendColumns> {
    const chunks: SpendColumns[] = [];
    await this.forEachWindow('customers', CUSTOMER_WINDOW, async (from, to) => {
      const rows = await this.dailySpendRows(frag('p.customer_id > ? AND p.customer_id <= ?', from, to), asOf);
      const c: SpendColumns = { customerIds: new Float64Array(rows.length), ats: new Float64Array(rows.length), cents: new Float64Array(rows.length) };
      rows.forEach((r, i) => {
        c.customerIds[i] = Number(r.cid);
        c.ats[i] = Date.parse(`${String(r.d)}T00:00:00Z`);
        c.cents[i] = Number(r.cents);
      });
      chunks.push(c);
    });
    return concatColumns(chunks, ['customerIds', 'ats', 'cents']);
  }

  /** Runs `read` over consecutive id windows (from, to] of `table` and concatenates the results in order. */
  private async inWindows<T>(table: string, size: number, read: (from: number, to: number) => Promise<T[]>): Promise<T[]> {
    const out: T[] = [];
    await this.forEachWindow(table, size, async (from, to) => {
      for (const x of await read(from, to)) out.push(x);
    });
    return out;
  }

  /**
   * Visits consecutive id windows (from, to] of `table`, one after another. Windows of all population reads
   * take turns, at most WINDOWS_IN_FLIGHT at a time: a cold start reads for five fits at once, and five windows
   * of rows in flight held the young generation full (scavenges of 150-300 ms) and the database busy with five
   * scans while one-customer lookups waited (at L, 2 in flight: GC pauses over 100 ms on the main thread went
   * from 45 to about 10, the lookups' p95 from ~85 to ~30 ms). The fit worker runs one fit at a time anyway.
   */
  private async forEachWindow(table: string, size: number, visit: (from: number, to: number) => Promise<void>): Promise<void> {
    const [{ m }] = await this.ds.query(`SELECT COALESCE(MAX(id), 0) AS m FROM ${table}`);
    for (let from = 0; from < Number(m); from += size) await this.inTurn(() => visit(from, from + size));
  }

  /** Windows running now, and the turns of those waiting (first come, first served). */
  private windowsRunning = 0;
  private readonly windowQueue: (() => void)[] = [];

  /** Runs `work` once fewer than WINDOWS_IN_FLIGHT windows are running (first come, first served). */
  private async inTurn<T>(work: () => Promise<T>): Promise<T> {
    if (this.windowsRunning >= WINDOWS_IN_FLIGHT) await new Promise<void>((r) => this.windowQueue.push(r));
    else this.windowsRunning++;
    try {
      return await work();
    } finally {
      const next = this.windowQueue.shift();
      if (next) next(); // the turn passes on: windowsRunning stays
      else this.windowsRunning--;
    }
  }


  /** Spend per customer and month over the `months` full months before asOf. */
  async monthlySpend(ids: readonly number[], asOf: Date, months: number): Promise<SpendPoint[]> {
    const month = this.dialect.month('p.purchased_at');
    const from = new Date(Date.UTC(asOf.getUTCFullYear(), asOf.getUTCMonth() - months, 1));
    const w = inList('p.customer_id', ids);
    const rows: { cid: number; m: string; cents: number }[] = await this.ds.query(
      `SELECT p.customer_id AS cid, ${month} AS m, SUM(p.total_cents) AS cents FROM purchases p WHERE ${w.sql} AND ${this.completed()} ` +
        `AND p.purchased_at >= ? AND p.purchased_at < ? GROUP BY p.customer_id, ${month}`,
      [...w.params, this.dialect.date(from), this.dialect.date(cutoffOf(asOf))],
    );
    return rows.map((r) => ({ customerId: Number(r.cid), at: Date.parse(`${String(r.m)}-15T00:00:00Z`), cents: Number(r.cents) }));
  }

  /** What each customer bought (product, quantity, when) up to asOf. */
  async history(ids: readonly number[], asOf: Date): Promise<{ customerId: number; productId: number; quantity: number; at: number }[]> {
    const w = inList('p.customer_id', ids);
    const rows: Record<string, unknown>[] = await this.ds.query(
      `SELECT p.customer_id AS cid, l.product_id AS pid, l.quantity AS q, p.purchased_at AS at FROM purchases p JOIN purchase_lines l ON l.purchase_id = p.id ` +
        `WHERE ${w.sql} AND ${this.completed()} AND p.purchased_at < ?`,
      [...w.params, this.dialect.date(cutoffOf(asOf))],
    );
    return rows.map((r) => ({ customerId: Number(r.cid), productId: Number(r.pid), quantity: Number(r.q), at: this.dialect.readDate(r.at)!.getTime() }));
  }

  /** Feedback of customers up to asOf. */
  async feedback(ids: readonly number[] | null, asOf: Date): Promise<{ customerId: number; score: number; issue: string | null; at: number; channel: string }[]> {
    const w = ids ? inList('f.customer_id', ids) : null;
    const rows: Record<string, unknown>[] = await this.ds.query(
      `SELECT f.customer_id AS cid, f.score, f.issue, f.created_at AS at, f.channel FROM feedback f WHERE f.deleted_at IS NULL AND f.created_at < ?${w ? ` AND ${w.sql}` : ''}`,
      [this.dialect.date(cutoffOf(asOf)), ...(w?.params ?? [])],
    );
    return rows.map((r) => ({
      customerId: Number(r.cid), score: Number(r.score), issue: (r.issue as string | null) ?? null, at: this.dialect.readDate(r.at)!.getTime(), channel: String(r.channel),
    }));
  }

  /** Buyers, COMPLETED purchases and revenue per month of purchase or per sales channel, up to asOf. */
  async purchaseTotals(by: 'month' | 'channel', asOf: Date): Promise<{ group: string; customers: number; purchases: number; cents: number }[]> {
    const g = by === 'month' ? this.dialect.month('p.purchased_at') : 'p.channel';
    const rows: Record<string, unknown>[] = await this.ds.query(
      `SELECT ${g} AS g, COUNT(DISTINCT p.customer_id) AS c, COUNT(*) AS n, SUM(p.total_cents) AS cents FROM purchases p ` +
        `WHERE ${this.completed()} AND p.purchased_at < ? GROUP BY ${g}`,
      [this.dialect.date(cutoffOf(asOf))],
    );
    return rows.map((r) => ({ group: String(r.g), customers: Number(r.c), purchases: Number(r.n), cents: Number(r.cents) }));
  }

  /** Feedback count, score sum and satisfied count (score >= 4) per month, channel or customer, up to asOf. */
  async feedbackTotals(by: 'month' | 'channel' | 'customer', asOf: Date): Promise<{ group: string; n: number; sum: number; satisfied: number }[]> {
    const g = by === 'month' ? this.dialect.month('f.created_at') : by === 'channel' ? 'f.channel' : 'f.customer_id';
    const rows: Record<string, unknown>[] = await this.ds.query(
      `SELECT ${g} AS g, COUNT(*) AS n, SUM(f.score) AS s, SUM(CASE WHEN f.score >= 4 THEN 1 ELSE 0 END) AS sat FROM feedback f ` +
        `WHERE f.deleted_at IS NULL AND f.created_at < ? GROUP BY ${g}`,
      [this.dialect.date(cutoffOf(asOf))],
    );
    return rows.map((r) => ({ group: String(r.g), n: Number(r.n), sum: Number(r.s), satisfied: Number(r.sat) }));
  }

  /** Issue and time of every unsatisfied feedback up to asOf (pain points). */
  async unsatisfiedIssues(asOf: Date, maxScore: number): Promise<{ issue: string; at: number }[]> {
    const rows: Record<string, unknown>[] = await this.ds.query(
      `SELECT f.issue, f.created_at AS at FROM feedback f WHERE f.deleted_at IS NULL AND f.score <= ? AND f.issue IS NOT NULL AND f.created_at < ?`,
      [maxScore, this.dialect.date(cutoffOf(asOf))],
    );
    return rows.map((r) => ({ issue: String(r.issue), at: this.dialect.readDate(r.at)!.getTime() }));
  }

  /** Baskets of COMPLETED purchases up to asOf (group: purchase): product ids, or category names with level CATEGORY. */
  async baskets(level: 'PRODUCT' | 'CATEGORY', asOf: Date): Promise<GroupedItems> {
    const item = level === 'PRODUCT' ? 'l.product_id' : 'pr.category';
    const out = new GroupedItemsBuilder();
    await this.forEachWindow('purchases', PURCHASE_WINDOW, async (from, to) => {
      const rows: Record<string, unknown>[] = await this.ds.query(
        `SELECT l.purchase_id AS pid, ${item} AS item FROM purchase_lines l JOIN purchases p ON p.id = l.purchase_id ` +
          `${level === 'CATEGORY' ? 'JOIN products pr ON pr.id = l.product_id ' : ''}WHERE ${this.completed()} AND p.purchased_at < ? AND l.purchase_id > ? AND l.purchase_id <= ? ` +
          `ORDER BY l.purchase_id`,
        [this.dialect.date(cutoffOf(asOf)), from, to],
      );
      for (const r of rows) out.add(Number(r.pid), level === 'PRODUCT' ? Number(r.item) : String(r.item));
    });
    return out.build();
  }

  /**
   * The distinct products each customer bought in COMPLETED purchases up to asOf (group: customer, items:
   * product ids): the rows the collaborative recommender is fitted on. In windows of customers.
   */
  async customerProducts(asOf: Date): Promise<GroupedItems & { groupIds: Float64Array }> {
    const out = new GroupedItemsBuilder({ keepGroupIds: true });
    await this.forEachWindow('customers', CUSTOMER_WINDOW, async (from, to) => {
      const rows: Record<string, unknown>[] = await this.ds.query(
        `SELECT DISTINCT p.customer_id AS cid, l.product_id AS pid FROM purchases p JOIN purchase_lines l ON l.purchase_id = p.id ` +
          `WHERE ${this.completed()} AND p.purchased_at < ? AND p.customer_id > ? AND p.customer_id <= ? ORDER BY p.customer_id, l.product_id`,
        [this.dialect.date(cutoffOf(asOf)), from, to],
      );
      for (const r of rows) out.add(Number(r.cid), Number(r.pid));
    });
    return out.build() as GroupedItems & { groupIds: Float64Array };
  }

  /** Every line of COMPLETED purchases up to asOf with its purchase's customer and time (offline evaluation). */
  async purchaseLines(asOf: Date): Promise<{ purchaseId: number; customerId: number; at: number; productId: number }[]> {
    return this.inWindows('purchases', PURCHASE_WINDOW, async (from, to) => {
      const rows: Record<string, unknown>[] = await this.ds.query(
        `SELECT p.id AS id, p.customer_id AS cid, p.purchased_at AS at, l.product_id AS pid FROM purchases p JOIN purchase_lines l ON l.purchase_id = p.id ` +
          `WHERE ${this.completed()} AND p.purchased_at < ? AND p.id > ? AND p.id <= ? ORDER BY p.id`,
        [this.dialect.date(cutoffOf(asOf)), from, to],
      );
      return rows.map((r) => ({ purchaseId: Number(r.id), customerId: Number(r.cid), at: this.dialect.readDate(r.at)!.getTime(), productId: Number(r.pid) }));
    });
  }

  /** Units sold per month for a product or a category. */
  async monthlyUnits(target: { productId?: number; category?: string }, asOf: Date, months: number): Promise<{ at: number; units: number }[]> {
    const month = this.dialect.month('p.purchased_at');
    const from = new Date(Date.UTC(asOf.getUTCFullYear(), asOf.getUTCMonth() - months, 1));
    const cond = target.productId != null ? 'l.product_id = ?' : 'pr.category = ?';
    const rows: Record<string, unknown>[] = await this.ds.query(
      `SELECT ${month} AS m, SUM(l.quantity) AS units FROM purchase_lines l JOIN purchases p ON p.id = l.purchase_id JOIN products pr ON pr.id = l.product_id ` +
        `WHERE ${cond} AND ${this.completed()} AND p.purchased_at >= ? AND p.purchased_at < ? GROUP BY ${month}`,
      [target.productId ?? target.category, this.dialect.date(from), this.dialect.date(cutoffOf(asOf))],
    );
    return rows.map((r) => ({ at: Date.parse(`${String(r.m)}-15T00:00:00Z`), units: Number(r.units) }));
  }

  /**
   * Units per product (or category) and month over [from, asOf's cutoff) for the whole catalogue (Product.demand,
   * demand backtest): a GROUP BY per window of purchase ids, summed here. One GROUP BY over every line at once
   * sorted millions of rows through a temporary table on MariaDB (over 10 minutes at 10M lines); a window's
   * lines come by the purchase index and its groups are at most items x months.
   */
  async monthlyUnitsByItem(level: 'PRODUCT' | 'CATEGORY', from: Date, asOf: Date): Promise<{ item: string; at: number; units: number }[]> {
    const month = this.dialect.month('p.purchased_at');
    const item = level === 'PRODUCT' ? 'l.product_id' : 'pr.category';
    const sums = new Map<string, { item: string; month: string; units: number }>();
    await this.forEachWindow('purchases', PURCHASE_WINDOW, async (lo, hi) => {
      const rows: Record<string, unknown>[] = await this.ds.query(
        `SELECT ${item} AS k, ${month} AS m, SUM(l.quantity) AS units FROM purchases p JOIN purchase_lines l ON l.purchase_id = p.id ` +
          `${level === 'CATEGORY' ? 'JOIN products pr ON pr.id = l.product_id ' : ''}WHERE p.id > ? AND p.id <= ? AND ${this.completed()} AND p.purchased_at >= ? AND p.purchased_at < ? ` +
          `GROUP BY ${item}, ${month}`,
        [lo, hi, this.dialect.date(from), this.dialect.date(cutoffOf(asOf))],
      );
      for (const r of rows) {
        const key = `${String(r.k)}|${String(r.m)}`;
        const sum = sums.get(key);
        if (sum) sum.units += Number(r.units);
        else sums.set(key, { item: String(r.k), month: String(r.m), units: Number(r.units) });
      }
    });
    return [...sums.values()].map((s) => ({ item: s.item, at: Date.parse(`${s.month}-15T00:00:00Z`), units: s.units }));
  }

  /** The total of completed purchases, ascending (basket sizes); every `step`-th id only, to bound the read. */
  async basketTotals(step = 1): Promise<Float64Array> {
    const rows: { t: number | string }[] = await this.ds.query(
      `SELECT p.total_cents AS t FROM purchases p WHERE ${this.completed()}${step > 1 ? ' AND p.id % ? = 0' : ''} ORDER BY p.total_cents`,
      step > 1 ? [Math.floor(step)] : [],
    );
    return Float64Array.from(rows, (r) => Number(r.t));
  }
}

/** Date.parse of a birth date at 00:00 UTC (what ages are computed from); null when unknown or unreadable. */
export function birthAtOf(birthDate: string | null): number | null {
  if (!birthDate) return null;
  const b = Date.parse(`${birthDate}T00:00:00Z`);
  return Number.isNaN(b) ? null : b;
}

/**
 * Window-sized typed columns joined into one set, a window at a time with a turn for requests in between:
 * joining a million customers' columns at once held the event loop for a few hundred ms on a busy machine.
 */
async function concatColumns<K extends string>(chunks: Record<K, Float64Array>[], keys: readonly K[]): Promise<Record<K, Float64Array>> {
  const n = chunks.reduce((sum, c) => sum + c[keys[0]].length, 0);
  const out = {} as Record<K, Float64Array>;
  for (const k of keys) {
    out[k] = new Float64Array(n); // tens of MB to zero at L: a turn for requests after each
    await breathe();
  }
  let at = 0;
  for (let i = 0; i < chunks.length; i++) {
    if (i > 0 && i % 5 === 0) await breathe();
    const c = chunks[i];
    for (const k of keys) out[k].set(c[k], at);
    at += c[keys[0]].length;
    chunks[i] = undefined as never; // its memory can go
  }
  return out;
}
