import type { DataSource, EntityManager } from 'typeorm';
import { notFound } from '../../common/errors';
import { toGlobalId } from '../../common/global-id';
import { fromCents } from '../../common/money';
import { hydrator, inList } from '../../common/sql';
import { dialectOf } from '../../db/dialect';
import { initials } from '../auth/guards';
import { AnalystMasking, type QuasiIdentifier } from '../auth/masking';
import { Customer } from '../customer/customer.entity';

/** Where a section's SQL runs: the DataSource for exports, the erasure's transaction for erasing. */
type Sql = Pick<EntityManager, 'query'>;

/** Extra tables holding a customer's data (e.g. care records) register an exporter and an eraser here. */
export interface PersonalDataSection {
  name: string;
  /** `masked`: the caller is an ANALYST; free text and personal values are masked as the graph masks them. */
  export(sql: Sql, customerId: number, masked: boolean): Promise<unknown>;
  erase?(sql: Sql, customerId: number): Promise<void>;
}

/** GDPR export (everything we hold about a person) and erasure (anonymised, purchases kept for analytics). */
export class PrivacyService {
  private readonly sections: PersonalDataSection[] = [];
  private readonly hydrate;
  constructor(private readonly ds: DataSource, private readonly masking: AnalystMasking = new AnalystMasking()) {
    this.hydrate = hydrator(ds, Customer);
  }

  register(section: PersonalDataSection): void {
    this.sections.push(section);
  }

  async export(customerId: number, maskPersonal: boolean): Promise<Record<string, unknown>> {
    const [row] = await this.ds.query('SELECT * FROM customers WHERE id = ?', [customerId]);
    if (!row) throw notFound('Customer', toGlobalId('Customer', customerId));
    const c = this.hydrate(row);
    const purchases = await this.ds.query(
      'SELECT p.id, p.purchased_at, p.channel, p.status, p.total_cents, p.discount_cents FROM purchases p WHERE p.customer_id = ? ORDER BY p.purchased_at, p.id',
      [customerId],
    );
    const ofPurchases = inList('l.purchase_id', purchases.map((p: { id: number }) => p.id));
    const lines: Record<string, unknown>[] = await this.ds.query(
      `SELECT l.purchase_id, l.quantity, l.unit_price_cents, pr.sku, pr.name FROM purchase_lines l JOIN products pr ON pr.id = l.product_id ` +
        `WHERE ${ofPurchases.sql} ORDER BY l.id`,
      ofPurchases.params,
    );
    const linesOf = new Map<number, Record<string, unknown>[]>();
    for (const l of lines) {
      const list = linesOf.get(Number(l.purchase_id));
      if (list) list.push(l);
      else linesOf.set(Number(l.purchase_id), [l]);
    }
    const feedback = await this.ds.query('SELECT f.id, f.score, f.issue, f.comment, f.channel, f.created_at FROM feedback f WHERE f.customer_id = ? ORDER BY f.created_at', [customerId]);
    const mask = <T>(v: T) => (maskPersonal ? null : v);
    // The graph's masks for quasi-identifiers (one policy: src/modules/auth/masking.ts).
    const q = (v: unknown, field: QuasiIdentifier) => (maskPersonal ? this.masking.quasi(field, v) : v);
    const out: Record<string, unknown> = {
      customer: {
        id: toGlobalId('Customer', c.id), name: maskPersonal ? initials(c.name) : c.name, email: mask(c.email), phone: mask(c.phone),
        gender: q(c.gender, 'gender'), birthDate: mask(c.birthDate), age: q(c.age, 'age'), address: mask(c.address),
        city: q(c.city, 'city'), country: q(c.country, 'country'), annualIncome: q(c.annualIncome, 'annualIncome'),
        emailOptIn: c.emailOptIn, smsOptIn: c.smsOptIn, tags: q(c.tags, 'tags'), createdAt: c.createdAt, updatedAt: c.updatedAt, deletedAt: c.deletedAt, erasedAt: c.erasedAt,
      },
      purchases: purchases.map((p: Record<string, unknown>) => ({
        id: toGlobalId('Purchase', Number(p.id)), purchasedAt: p.purchased_at, channel: p.channel, status: p.status, total: fromCents(p.total_cents as number),
        discount: fromCents(p.discount_cents as number),
        lines: (linesOf.get(Number(p.id)) ?? []).map((l) => ({ sku: l.sku, name: l.name, quantity: Number(l.quantity), unitPrice: fromCents(l.unit_price_cents as number) })),
      })),
      feedback: feedback.map((f: Record<string, unknown>) => ({
        id: toGlobalId('Feedback', Number(f.id)), score: Number(f.score), issue: f.issue, comment: maskPersonal ? null : f.comment, channel: f.channel, createdAt: f.created_at,
      })),
    };
    for (const s of this.sections) out[s.name] = await s.export(this.ds, customerId, maskPersonal);
    return out;
  }

  /** Irreversible: personal fields anonymised, free text removed; purchases stay for analytics. */
  async erase(customerId: number): Promise<Customer> {
    const erased = await this.ds.transaction(async (m) => {
      const repo = m.getRepository(Customer);
      const c = await repo.findOne({ where: { id: customerId }, withDeleted: true });
      if (!c) throw notFound('Customer', toGlobalId('Customer', customerId));
      Object.assign(c, {
        name: `Erased customer ${customerId}`, email: null, phone: null, birthDate: null, address: null, city: null, annualIncome: null,
        emailOptIn: false, smsOptIn: false, tags: [], erasedAt: c.erasedAt ?? new Date(),
      });
      await repo.save(c);
      await m.query('UPDATE feedback SET comment = NULL WHERE customer_id = ?', [customerId]);
      // In the erasure's transaction: a failure leaves nothing half erased.
      for (const s of this.sections) await s.erase?.(m, customerId);
      return repo.findOneOrFail({ where: { id: customerId }, withDeleted: true });
    });
    // SQLite: secure_delete zeroed the old values in the database file; the write-ahead log still holds the
    // pages as they were until a checkpoint copies them back and the log is truncated.
    if (dialectOf(this.ds).kind === 'sqlite') await this.ds.query('PRAGMA wal_checkpoint(TRUNCATE)');
    return erased;
  }
}
