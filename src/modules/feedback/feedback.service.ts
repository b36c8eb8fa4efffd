import type { DataSource } from 'typeorm';
import { badInput, notFound } from '../../common/errors';
import { expectGlobalId, toGlobalId } from '../../common/global-id';
import { countByParent, nestedPages } from '../../common/nested-connection';
import { paginate, SortDirection, type ConnectionResult, type PageArgs, type SortKey } from '../../common/pagination';
import { frag, hydrator, inList, selectColumns, type Fragment } from '../../common/sql';
import { dialectOf, type Dialect } from '../../db/dialect';
import { Customer } from '../customer/customer.entity';
import { Purchase } from '../purchase/purchase.entity';
import { Feedback } from './feedback.entity';
import type { CreateFeedbackInput, FeedbackFilter, UpdateFeedbackInput } from './feedback.inputs';

/** Feedback: scores, issues and comments customers give. */
export class FeedbackService {
  private readonly dialect: Dialect;
  private readonly hydrate;
  private readonly columns: string;
  private readonly sort: SortKey<Feedback> = { expression: 'f.created_at', read: (f) => f.createdAt, kind: 'date', direction: SortDirection.DESC };
  private readonly createdListeners: ((f: Feedback) => void)[] = [];

  constructor(private readonly ds: DataSource) {
    this.dialect = dialectOf(ds);
    this.hydrate = hydrator(ds, Feedback);
    this.columns = selectColumns(ds, Feedback, 'f');
  }

  filterFragments(filter: FeedbackFilter | null = {}): Fragment[] {
    filter ??= {}; // an explicit GraphQL null means no filter
    const f: Fragment[] = [frag('f.deleted_at IS NULL')];
    if (filter.customerId) f.push(frag('f.customer_id = ?', expectGlobalId(filter.customerId, 'Customer', 'filter.customerId')));
    if (filter.scoreMin != null) f.push(frag('f.score >= ?', filter.scoreMin));
    if (filter.scoreMax != null) f.push(frag('f.score <= ?', filter.scoreMax));
    if (filter.issue) f.push(frag('f.issue = ?', filter.issue));
    if (filter.channel) f.push(frag('f.channel = ?', filter.channel));
    if (filter.from) f.push(frag('f.created_at >= ?', this.dialect.date(filter.from)));
    if (filter.to) f.push(frag('f.created_at < ?', this.dialect.date(filter.to)));
    return f;
  }

  private param = (v: unknown) => (v instanceof Date ? this.dialect.date(v) : v);

  list(filter: FeedbackFilter | undefined, page: PageArgs): Promise<ConnectionResult<Feedback>> {
    return paginate(
      { ds: this.ds, from: 'feedback f', alias: 'f', columns: this.columns, where: this.filterFragments(filter), sort: this.sort, hydrate: this.hydrate, param: this.param },
      page,
    );
  }

  pagesForCustomers(customerIds: readonly number[], filter: FeedbackFilter | undefined, page: PageArgs) {
    const where = this.filterFragments({ ...filter, customerId: undefined });
    return nestedPages(
      {
        ds: this.ds, table: 'feedback', alias: 'f', columns: this.columns, parentColumn: 'f.customer_id', parentOf: (f) => f.customerId,
        where, sort: this.sort, hydrate: this.hydrate, param: this.param,
      },
      customerIds,
      page,
      (ids) => countByParent(this.ds, 'feedback', 'f', 'f.customer_id', ids, where),
    );
  }

  /**
   * Feedback that may need the care team, newest first: since `since`, unsatisfied (score <= 3) or with a
   * comment (words can be angry under five stars). At most `limit` rows, so the inbox's cost is bounded.
   */
  async inboxCandidates(since: Date, limit: number): Promise<Feedback[]> {
    const rows = await this.ds.query(
      `SELECT ${this.columns} FROM feedback f WHERE f.deleted_at IS NULL AND f.created_at >= ? AND (f.score <= 3 OR f.comment IS NOT NULL) ` +
        `ORDER BY f.created_at DESC, f.id DESC LIMIT ${Math.floor(limit)}`,
      [this.dialect.date(since)],
    );
    return rows.map(this.hydrate);
  }

  async byIds(ids: readonly number[]): Promise<Feedback[]> {
    const w = inList('f.id', ids);
    return (await this.ds.query(`SELECT ${this.columns} FROM feedback f WHERE ${w.sql}`, w.params)).map(this.hydrate);
  }

  async get(id: number): Promise<Feedback> {
    const [f] = await this.byIds([id]);
    if (!f || f.deletedAt) throw notFound('Feedback', toGlobalId('Feedback', id));
    return f;
  }

  /** Runs after each stored feedback (the care module announces low scores live). */
  onCreated(listener: (f: Feedback) => void): void {
    this.createdListeners.push(listener);
  }

  async create(input: CreateFeedbackInput, now = new Date()): Promise<Feedback> {
    const customerId = expectGlobalId(input.customerId, 'Customer', 'customerId');
    const purchaseId = input.purchaseId ? expectGlobalId(input.purchaseId, 'Purchase', 'purchaseId') : null;
    const productId = input.productId ? expectGlobalId(input.productId, 'Product', 'productId') : null;
    const createdAt = input.createdAt ?? now;
    if (createdAt.getTime() > now.getTime() + 5 * 60_000) throw badInput('createdAt must not be in the future');
    const customer = await this.ds.getRepository(Customer).findOneBy({ id: customerId });
    if (!customer) throw notFound('Customer', input.customerId);
    if (purchaseId) {
      const purchase = await this.ds.getRepository(Purchase).findOneBy({ id: purchaseId });
      if (!purchase) throw notFound('Purchase', input.purchaseId!);
      if (purchase.customerId !== customerId) throw badInput('purchaseId belongs to another customer');
    }
    const repo = this.ds.getRepository(Feedback);
    const saved = await repo.save(
      repo.create({ customerId, purchaseId, productId, score: input.score, issue: input.issue ?? null, comment: input.comment ?? null, channel: input.channel, createdAt }),
    );
    const created = await this.get(saved.id);
    for (const listener of this.createdListeners) listener(created);
    return created;
  }

  async update(input: UpdateFeedbackInput): Promise<Feedback> {
    const id = expectGlobalId(input.id, 'Feedback');
    await this.get(id);
    const patch: Partial<Feedback> = {};
    if (input.score != null) patch.score = input.score;
    if (input.issue !== undefined) patch.issue = input.issue ?? null;
    if (input.comment !== undefined) patch.comment = input.comment ?? null;
    if (Object.keys(patch).length) await this.ds.getRepository(Feedback).update({ id }, patch as Record<string, unknown>);
    return this.get(id);
  }

  async softDelete(id: number): Promise<Feedback> {
    const f = await this.get(id);
    await this.ds.getRepository(Feedback).softDelete({ id });
    return f;
  }
}
