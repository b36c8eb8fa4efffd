import { IsNull, type DataSource, type EntityManager } from 'typeorm';
import { badInput, conflict, notFound } from '../../../common/errors';
import { expectGlobalId, toGlobalId } from '../../../common/global-id';
import { countByParent, nestedPages } from '../../../common/nested-connection';
import { paginate, SortDirection, type ConnectionResult, type PageArgs, type SortKey } from '../../../common/pagination';
import { frag, hydrator, inList, selectColumns, type Fragment } from '../../../common/sql';
import { dialectOf, type Dialect } from '../../../db/dialect';
import { Customer } from '../../customer/customer.entity';
import { Purchase, PurchaseStatus } from '../../purchase/purchase.entity';
import type { PurchaseService } from '../../purchase/purchase.service';
import { CareEventKind, type CareEventSink } from '../events/care-event';
import { Ticket, TicketEvent } from './ticket.entity';
import { TicketOrderField, type OpenTicketInput, type TicketFilter, type TicketOrder, type TransitionTicketInput } from './ticket.inputs';
import {
  escalated, OPEN_STATUSES, queueKey, slaDueAt, TicketEventKind, TicketPriority, TicketStatus, TicketType, TRANSITIONS,
} from './ticket.rules';

const SORTS: Record<TicketOrderField, Omit<SortKey<Ticket>, 'direction'>> = {
  [TicketOrderField.QUEUE]: { expression: 't.queue_key', read: (t) => t.queueKey, kind: 'string' },
  [TicketOrderField.OPENED_AT]: { expression: 't.opened_at', read: (t) => t.openedAt, kind: 'date' },
  [TicketOrderField.SLA_DUE]: { expression: 't.sla_due_at', read: (t) => t.slaDueAt, kind: 'date' },
};

const OPEN_SQL = `t.status IN (${OPEN_STATUSES.map((s) => `'${s}'`).join(', ')})`;
/** Never NULL, so that its negation is exact too. */
const BREACHED_SQL = `((${OPEN_SQL} AND t.sla_due_at < ?) OR (NOT ${OPEN_SQL} AND t.resolved_at IS NOT NULL AND t.resolved_at > t.sla_due_at))`;

export const SLA_WATCHER = 'sla-watcher';

/** Tickets: the status machine, SLAs, escalation and the events each change leaves behind. */
export class TicketService {
  private readonly dialect: Dialect;
  private readonly hydrate;
  private readonly hydrateEvent;
  private readonly columns: string;
  private readonly eventColumns: string;

  constructor(
    private readonly ds: DataSource,
    private readonly purchases: PurchaseService,
    private readonly publish: CareEventSink,
  ) {
    this.dialect = dialectOf(ds);
    this.hydrate = hydrator(ds, Ticket);
    this.hydrateEvent = hydrator(ds, TicketEvent);
    this.columns = selectColumns(ds, Ticket, 't');
    this.eventColumns = selectColumns(ds, TicketEvent, 'e');
  }

  private param = (v: unknown) => (v instanceof Date ? this.dialect.date(v) : v);

  filterFragments(filter: TicketFilter | null = {}, now = new Date()): Fragment[] {
    filter ??= {}; // an explicit GraphQL null means no filter
    const f: Fragment[] = [];
    if (filter.customerId) f.push(frag('t.customer_id = ?', expectGlobalId(filter.customerId, 'Customer', 'filter.customerId')));
    if (filter.status?.length) f.push(inList('t.status', filter.status));
    if (filter.priority) f.push(frag('t.priority = ?', filter.priority));
    if (filter.type) f.push(frag('t.type = ?', filter.type));
    if (filter.assignee) f.push(frag('t.assignee = ?', filter.assignee));
    if (filter.open != null) f.push(frag(filter.open ? OPEN_SQL : `NOT ${OPEN_SQL}`));
    if (filter.slaBreached != null) f.push(frag(filter.slaBreached ? BREACHED_SQL : `NOT ${BREACHED_SQL}`, this.dialect.date(now)));
    if (filter.openedFrom) f.push(frag('t.opened_at >= ?', this.dialect.date(filter.openedFrom)));
    if (filter.openedTo) f.push(frag('t.opened_at < ?', this.dialect.date(filter.openedTo)));
    return f;
  }

  list(filter: TicketFilter | undefined, order: TicketOrder | undefined, page: PageArgs): Promise<ConnectionResult<Ticket>> {
    const sort = { ...SORTS[order?.field ?? TicketOrderField.QUEUE], direction: order?.direction ?? SortDirection.ASC };
    return paginate(
      { ds: this.ds, from: 'tickets t', alias: 't', columns: this.columns, where: this.filterFragments(filter), sort, hydrate: this.hydrate, param: this.param },
      page,
    );
  }

  /** A page of each customer's tickets (newest first) in one statement: the Customer.tickets loader. */
  pagesForCustomers(customerIds: readonly number[], status: TicketStatus[] | undefined, page: PageArgs) {
    const where = this.filterFragments({ status });
    const sort: SortKey<Ticket> = { ...SORTS[TicketOrderField.OPENED_AT], direction: SortDirection.DESC };
    return nestedPages(
      {
        ds: this.ds, table: 'tickets', alias: 't', columns: this.columns, parentColumn: 't.customer_id', parentOf: (t) => t.customerId,
        where, sort, hydrate: this.hydrate, param: this.param,
      },
      customerIds,
      page,
      (ids) => countByParent(this.ds, 'tickets', 't', 't.customer_id', ids, where),
    );
  }

  async byIds(ids: readonly number[]): Promise<Ticket[]> {
    const w = inList('t.id', ids);
    return (await this.ds.query(`SELECT ${this.columns} FROM tickets t WHERE ${w.sql}`, w.params)).map(this.hydrate);
  }

  async get(id: number): Promise<Ticket> {
    const [t] = await this.byIds([id]);
    if (!t) throw notFound('Ticket', toGlobalId('Ticket', id));
    return t;
  }

  async eventsByIds(ids: readonly number[]): Promise<TicketEvent[]> {
    const w = inList('e.id', ids);
    return (await this.ds.query(`SELECT ${this.eventColumns} FROM ticket_events e WHERE ${w.sql}`, w.params)).map(this.hydrateEvent);
  }

  /** The events of many tickets, oldest first, in one statement. */
  async eventsOf(ticketIds: readonly number[]): Promise<TicketEvent[]> {
    const w = inList('e.ticket_id', ticketIds);
    return (await this.ds.query(`SELECT ${this.eventColumns} FROM ticket_events e WHERE ${w.sql} ORDER BY e.occurred_at, e.id`, w.params)).map(this.hydrateEvent);
  }

  /** Open tickets per customer, one GROUP BY (zero for customers without any). */
  async openCounts(customerIds: readonly number[]): Promise<Map<number, number>> {
    return countByParent(this.ds, 'tickets', 't', 't.customer_id', customerIds, [frag(OPEN_SQL)]);
  }

  async open(input: OpenTicketInput, now = new Date()): Promise<Ticket> {
    const customerId = expectGlobalId(input.customerId, 'Customer', 'customerId');
    const purchaseId = input.purchaseId ? expectGlobalId(input.purchaseId, 'Purchase', 'purchaseId') : null;
    const openedAt = input.openedAt ?? now;
    if (Number.isNaN(openedAt.getTime())) throw badInput('openedAt is not a valid date-time');
    if (openedAt.getTime() > now.getTime() + 5 * 60_000) throw badInput('openedAt must not be in the future');
    const customer = await this.ds.getRepository(Customer).findOneBy({ id: customerId });
    if (!customer || customer.erasedAt) throw notFound('Customer', input.customerId);
    if (purchaseId) {
      const purchase = await this.ds.getRepository(Purchase).findOneBy({ id: purchaseId });
      if (!purchase) throw notFound('Purchase', input.purchaseId!);
      if (purchase.customerId !== customerId) throw badInput('purchaseId belongs to another customer');
    }
    const priority = input.priority ?? TicketPriority.MEDIUM;
    const due = slaDueAt(priority, openedAt);
    const id = await this.ds.transaction(async (m) => {
      const repo = m.getRepository(Ticket);
      const saved = await repo.save(
        repo.create({
          customerId, purchaseId, type: input.type, priority, status: TicketStatus.OPEN, subject: input.subject, description: input.description ?? null,
          assignee: input.assignee ?? null, openedAt, slaDueAt: due, queueKey: queueKey(priority, due),
        }),
      );
      await this.record(m, saved, TicketEventKind.OPENED, openedAt, { toStatus: TicketStatus.OPEN, toPriority: priority, actor: input.actor ?? null });
      return saved.id;
    });
    const ticket = await this.get(id);
    this.publish({
      kind: CareEventKind.TICKET_OPENED, customerId, occurredAt: openedAt.toISOString(), ticketId: id, feedbackId: null,
      message: `${priority} ${input.type} ticket opened: ${input.subject}`,
    });
    return ticket;
  }

  /**
   * Moves a ticket along the status machine. The update is conditional on the status it was read with, so a
   * concurrent change makes this one fail with CONFLICT instead of skipping a step.
   */
  async transition(input: TransitionTicketInput, now = new Date()): Promise<Ticket> {
    const id = expectGlobalId(input.id, 'Ticket');
    const to = input.status;
    await this.ds.transaction(async (m) => {
      const t = await this.lockedTicket(m, id);
      const allowed = TRANSITIONS[t.status];
      if (!allowed.includes(to)) {
        throw badInput(`a ${t.status} ticket cannot move to ${to}; allowed: ${allowed.join(', ')}`, { from: t.status, to, allowed: [...allowed] });
      }
      if (input.refundPurchase) {
        if (to !== TicketStatus.RESOLVED) throw badInput('refundPurchase applies only when resolving (status RESOLVED)');
        if (t.type !== TicketType.REFUND) throw badInput(`refundPurchase needs a REFUND ticket (this one is ${t.type})`);
        if (!t.purchaseId) throw badInput('this ticket has no purchase to refund');
      }
      const patch: Partial<Ticket> = { status: to };
      if (to === TicketStatus.IN_PROGRESS && !t.startedAt) patch.startedAt = now;
      if (to === TicketStatus.RESOLVED) patch.resolvedAt = now;
      if (to === TicketStatus.CLOSED) patch.closedAt = now;
      if (to === TicketStatus.REOPENED) {
        // A reopened case is a new wait for the customer: its SLA clock starts again.
        const due = slaDueAt(t.priority, now);
        Object.assign(patch, { reopenedAt: now, resolvedAt: null, closedAt: null, slaDueAt: due, queueKey: queueKey(t.priority, due), slaBreachReportedAt: null });
      }
      const res = await m.getRepository(Ticket).update({ id, status: t.status }, patch);
      if (!res.affected) throw conflict('the ticket was changed by someone else meanwhile; reload and retry');
      await this.record(m, t, TicketEventKind.STATUS_CHANGED, now, { fromStatus: t.status, toStatus: to, note: input.note ?? null, actor: input.actor ?? null });
      if (input.refundPurchase) await this.purchases.setStatus(t.purchaseId!, PurchaseStatus.REFUNDED, m);
    });
    return this.get(id);
  }

  /** One step up the priority ladder; the SLA due time shrinks to the new priority's, counted from (re)opening. */
  async escalate(id: number, opts: { note?: string; actor?: string }, now = new Date()): Promise<Ticket> {
    const e = await this.ds.transaction(async (m) => {
      const t = await this.lockedTicket(m, id);
      if (!OPEN_STATUSES.includes(t.status)) throw badInput(`only an open ticket can be escalated (this one is ${t.status})`);
      const next = escalated(t.priority);
      if (!next) throw badInput('the ticket is already URGENT');
      const due = slaDueAt(next, t.reopenedAt ?? t.openedAt);
      const res = await m.getRepository(Ticket).update(
        { id, status: t.status, priority: t.priority },
        { priority: next, slaDueAt: due, queueKey: queueKey(next, due), escalatedAt: now, slaBreachReportedAt: null },
      );
      if (!res.affected) throw conflict('the ticket was changed by someone else meanwhile; reload and retry');
      await this.record(m, t, TicketEventKind.ESCALATED, now, { fromPriority: t.priority, toPriority: next, note: opts.note ?? null, actor: opts.actor ?? null });
      return { customerId: t.customerId, from: t.priority, to: next, subject: t.subject };
    });
    this.publish({
      kind: CareEventKind.TICKET_ESCALATED, customerId: e.customerId, occurredAt: now.toISOString(), ticketId: id, feedbackId: null,
      message: `ticket escalated ${e.from} -> ${e.to}: ${e.subject}`,
    });
    return this.get(id);
  }

  async assign(id: number, assignee: string | null, actor: string | undefined, now = new Date()): Promise<Ticket> {
    await this.ds.transaction(async (m) => {
      const t = await this.lockedTicket(m, id);
      await m.getRepository(Ticket).update({ id }, { assignee });
      await this.record(m, t, TicketEventKind.ASSIGNED, now, { note: assignee ? `assigned to ${assignee}` : 'unassigned', actor: actor ?? null });
    });
    return this.get(id);
  }

  /**
   * Reports open tickets past their SLA due time, once each: the claim is a conditional UPDATE, so when
   * several instances run this watcher only one of them records and announces a given breach.
   */
  async detectSlaBreaches(now = new Date(), limit = 500): Promise<number> {
    const rows: { id: number }[] = await this.ds.query(
      `SELECT t.id FROM tickets t WHERE ${OPEN_SQL} AND t.sla_due_at < ? AND t.sla_breach_reported_at IS NULL ORDER BY t.sla_due_at LIMIT ${limit}`,
      [this.dialect.date(now)],
    );
    let reported = 0;
    for (const { id } of rows) {
      const t = await this.ds.transaction(async (m) => {
        const res = await m.getRepository(Ticket).update({ id: Number(id), slaBreachReportedAt: IsNull() }, { slaBreachReportedAt: now });
        if (!res.affected) return null;
        const ticket = await m.getRepository(Ticket).findOneByOrFail({ id: Number(id) });
        await this.record(m, ticket, TicketEventKind.SLA_BREACHED, now, { actor: SLA_WATCHER, note: `SLA due ${ticket.slaDueAt.toISOString()}` });
        return ticket;
      });
      if (!t) continue;
      reported++;
      this.publish({
        kind: CareEventKind.SLA_BREACHED, customerId: t.customerId, occurredAt: now.toISOString(), ticketId: t.id, feedbackId: null,
        message: `${t.priority} ticket past its SLA (due ${t.slaDueAt.toISOString()}): ${t.subject}`,
      });
    }
    return reported;
  }

  private async lockedTicket(m: EntityManager, id: number): Promise<Ticket> {
    const t = await m.getRepository(Ticket).findOne({ where: { id }, lock: this.dialect.rowLocks ? { mode: 'pessimistic_write' } : undefined });
    if (!t) throw notFound('Ticket', toGlobalId('Ticket', id));
    return t;
  }

  private async record(m: EntityManager, t: Ticket, kind: TicketEventKind, at: Date, fields: Partial<TicketEvent>): Promise<void> {
    await m.getRepository(TicketEvent).insert({
      ticketId: t.id, customerId: t.customerId, kind, occurredAt: at, fromStatus: null, toStatus: null, fromPriority: null, toPriority: null,
      note: null, actor: null, ...fields,
    });
  }
}
