import type { DataSource, EntityManager } from 'typeorm';
import { AppError, conflict, ErrorCode, notFound } from '../../common/errors';
import { importResult, type ImportResult, type ImportRowResult } from '../../common/import-result';
import { toGlobalId } from '../../common/global-id';
import { paginate, SortDirection, type ConnectionResult, type PageArgs, type SortKey } from '../../common/pagination';
import { frag, hydrator, inList, selectColumns, type Fragment } from '../../common/sql';
import { validationMessages } from '../../common/validation';
import { dialectOf, likePattern, isUniqueViolation, type Dialect } from '../../db/dialect';
import { Customer } from './customer.entity';
import {
  CustomerFieldsInput, CustomerOrderField, type CreateCustomerInput, type CustomerFilter, type CustomerOrder, type UpdateCustomerInput,
} from './customer.inputs';


const SORTS: Record<CustomerOrderField, Omit<SortKey<Customer>, 'direction'>> = {
  [CustomerOrderField.ID]: { expression: 'c.id', read: (c) => c.id, kind: 'number' },
  [CustomerOrderField.NAME]: { expression: 'c.name', read: (c) => c.name, kind: 'string' },
  [CustomerOrderField.CREATED_AT]: { expression: 'c.created_at', read: (c) => c.createdAt, kind: 'date' },
  [CustomerOrderField.LAST_PURCHASE_AT]: { expression: 'c.last_purchase_at', read: (c) => c.lastPurchaseAt, kind: 'date', nullable: true },
  [CustomerOrderField.TOTAL_SPENT]: { expression: 'c.total_spent_cents', read: (c) => c.totalSpentCents, kind: 'number' },
  [CustomerOrderField.PURCHASE_COUNT]: { expression: 'c.purchase_count', read: (c) => c.purchaseCount, kind: 'number' },
};

const FIELDS = ['name', 'email', 'phone', 'gender', 'birthDate', 'address', 'city', 'country', 'annualIncome', 'emailOptIn', 'smsOptIn', 'tags'] as const;

/** Customers: lists, lookups and writes. Knows nothing of GraphQL. */
export class CustomerService {
  private readonly dialect: Dialect;
  private readonly hydrate;
  private readonly columns: string;

  constructor(private readonly ds: DataSource) {
    this.dialect = dialectOf(ds);
    this.hydrate = hydrator(ds, Customer);
    this.columns = selectColumns(ds, Customer, 'c');
  }

  filterFragments(filter: CustomerFilter | null = {}, today = new Date()): Fragment[] {
    filter ??= {}; // an explicit GraphQL null means no filter
    const f: Fragment[] = [frag('c.deleted_at IS NULL')];
    if (filter.search) {
      const p = likePattern(filter.search);
      f.push(frag(`${this.dialect.like('c.name')} OR ${this.dialect.like('c.email')}`, p, p));
    }
    if (filter.city) f.push(frag('c.city = ?', filter.city));
    if (filter.country) f.push(frag('c.country = ?', filter.country.toUpperCase()));
    if (filter.gender) f.push(frag('c.gender = ?', filter.gender));
    // age >= n  <=>  born on or before today minus n years
    const yearsAgo = (n: number) => {
      const d = new Date(Date.UTC(today.getUTCFullYear() - n, today.getUTCMonth(), today.getUTCDate()));
      return d.toISOString().slice(0, 10);
    };
    if (filter.ageMin != null) f.push(frag('c.birth_date <= ?', yearsAgo(filter.ageMin)));
    if (filter.ageMax != null) {
      const bornAfter = new Date(Date.UTC(today.getUTCFullYear() - filter.ageMax - 1, today.getUTCMonth(), today.getUTCDate()));
      f.push(frag('c.birth_date > ?', bornAfter.toISOString().slice(0, 10)));
    }
    if (filter.tag) f.push(frag(this.dialect.like('c.tags'), `%,${likePattern(filter.tag.trim().toLowerCase(), 'exact')},%`));
    if (filter.emailOptIn != null) f.push(frag('c.email_opt_in = ?', filter.emailOptIn ? 1 : 0));
    if (filter.smsOptIn != null) f.push(frag('c.sms_opt_in = ?', filter.smsOptIn ? 1 : 0));
    return f;
  }

  list(filter: CustomerFilter | undefined, order: CustomerOrder | undefined, page: PageArgs): Promise<ConnectionResult<Customer>> {
    const sort = { ...SORTS[order?.field ?? CustomerOrderField.ID], direction: order?.direction ?? SortDirection.ASC };
    // A cursor carries created_at as a millisecond Date, but MySQL stores microseconds and SQLite's default
    // has no fraction ('YYYY-MM-DD HH:MM:SS'): compare at exactly millisecond precision, in the cursor's form.
    if (order?.field === CustomerOrderField.CREATED_AT) {
      sort.expression = this.dialect.millis('c.created_at');
    }
    return paginate(
      {
        ds: this.ds,
        from: 'customers c',
        alias: 'c',
        columns: this.columns,
        where: this.filterFragments(filter),
        sort,
        hydrate: this.hydrate,
        param: (v) => (v instanceof Date ? this.dialect.date(v) : v),
      },
      page,
    );
  }

  async byIds(ids: readonly number[], withDeleted = false): Promise<Customer[]> {
    const w = inList('c.id', ids);
    const rows = await this.ds.query(`SELECT ${this.columns} FROM customers c WHERE ${w.sql}${withDeleted ? '' : ' AND c.deleted_at IS NULL'}`, w.params);
    return rows.map(this.hydrate);
  }

  async get(id: number): Promise<Customer> {
    const [c] = await this.byIds([id]);
    if (!c) throw notFound('Customer', toGlobalId('Customer', id));
    return c;
  }

  async create(input: CreateCustomerInput, manager: EntityManager = this.ds.manager): Promise<Customer> {
    const repo = manager.getRepository(Customer);
    try {
      const saved = await repo.save(repo.create(pick(input)));
      return (await repo.findOneByOrFail({ id: saved.id }));
    } catch (e) {
      if (isUniqueViolation(e)) throw conflict(`a customer with email ${input.email} already exists`, { field: 'email' });
      throw e;
    }
  }

  async update(id: number, input: UpdateCustomerInput | CustomerFieldsInput, expectedVersion?: number): Promise<Customer> {
    return this.ds.transaction(async (m) => {
      const repo = m.getRepository(Customer);
      const current = await repo.findOne({ where: { id }, lock: this.dialect.rowLocks ? { mode: 'pessimistic_write' } : undefined });
      if (!current || current.erasedAt) throw notFound('Customer', toGlobalId('Customer', id));
      if (expectedVersion != null && current.version !== expectedVersion) {
        throw conflict(`customer was changed by someone else (version ${current.version}, you sent ${expectedVersion}); reload and retry`, {
          currentVersion: current.version,
        });
      }
      Object.assign(current, pick(input));
      try {
        await repo.save(current);
      } catch (e) {
        if (isUniqueViolation(e)) throw conflict(`a customer with email ${input.email} already exists`, { field: 'email' });
        throw e;
      }
      return repo.findOneByOrFail({ id });
    });
  }

  /** An upsert never fails because a concurrent upsert of the same email won the race: it then updates. */
  async upsertByEmail(input: CustomerFieldsInput & { email: string }): Promise<{ customer: Customer; created: boolean }> {
    // Emails are stored trimmed and lower-case; SQLite compares case-sensitively, so look up the same form.
    const find = () => this.ds.getRepository(Customer).findOne({ where: { email: input.email.trim().toLowerCase() }, withDeleted: false });
    const existing = await find();
    if (existing) return { customer: await this.update(existing.id, input), created: false };
    try {
      return { customer: await this.create({ ...input, name: input.name ?? input.email.split('@')[0] } as CreateCustomerInput), created: true };
    } catch (e) {
      const winner = e instanceof AppError && e.code === ErrorCode.CONFLICT ? await find() : null;
      if (!winner) throw e; // e.g. a deleted customer still holds the email
      return { customer: await this.update(winner.id, input), created: false };
    }
  }

  async softDelete(id: number): Promise<Customer> {
    const c = await this.get(id);
    await this.ds.getRepository(Customer).softDelete({ id });
    return c;
  }

  /**
   * Each row is validated and applied on its own (upsert by email when it has one), so good rows land and
   * bad ones are reported with the reason; a row is never half-applied.
   */
  async importRows(rows: CustomerFieldsInput[]): Promise<ImportResult> {
    const results: ImportRowResult[] = [];
    for (const [index, raw] of rows.entries()) {
      const row = raw instanceof CustomerFieldsInput ? raw : Object.assign(new CustomerFieldsInput(), raw);
      const errors = await validationMessages(row);
      if (!row.name && !row.email) errors.push('name or email is required');
      if (errors.length) {
        results.push({ index, ok: false, id: null, updated: null, error: errors.join('; ') });
        continue;
      }
      try {
        const { customer, created } = row.email
          ? await this.upsertByEmail(row as CustomerFieldsInput & { email: string })
          : { customer: await this.create(row as CreateCustomerInput), created: true };
        results.push({ index, ok: true, id: toGlobalId('Customer', customer.id), updated: !created, error: null });
      } catch (e) {
        results.push({ index, ok: false, id: null, updated: null, error: (e as Error).message });
      }
    }
    return importResult(results);
  }
}

function pick(input: object): Partial<Customer> {
  const out: Record<string, unknown> = {};
  for (const k of FIELDS) if ((input as Record<string, unknown>)[k] !== undefined) out[k] = (input as Record<string, unknown>)[k];
  if (typeof out.email === 'string') out.email = out.email.trim().toLowerCase();
  return out as Partial<Customer>;
}
