import type { DataSource, EntityManager } from 'typeorm';
import { badInput, notFound } from '../../../common/errors';
import { expectGlobalId, toGlobalId } from '../../../common/global-id';
import { countByParent, nestedPages } from '../../../common/nested-connection';
import { paginate, SortDirection, type ConnectionResult, type PageArgs, type SortKey } from '../../../common/pagination';
import { frag, hydrator, inList, selectColumns, type Fragment } from '../../../common/sql';
import { insertRows } from '../../../db/bulk';
import { dialectOf, type Dialect } from '../../../db/dialect';
import { Customer } from '../../customer/customer.entity';
import { Ticket } from '../ticket/ticket.entity';
import { Campaign } from '../campaign/campaign.entity';
import { Interaction, InteractionChannel, InteractionDirection } from './interaction.entity';
import type { InteractionFilter, LogInteractionInput } from './interaction.inputs';

/** One row of a bulk log (campaign sends). */
export interface InteractionRow {
  customerId: number;
  channel: InteractionChannel;
  direction: InteractionDirection;
  subject: string | null;
  occurredAt: Date;
  agent: string | null;
  campaignId: number | null;
}

/** The contact log: every email, call, message and visit, newest first. */
export class InteractionService {
  private readonly dialect: Dialect;
  private readonly hydrate;
  private readonly columns: string;
  private readonly sort: SortKey<Interaction> = { expression: 'i.occurred_at', read: (i) => i.occurredAt, kind: 'date', direction: SortDirection.DESC };

  constructor(private readonly ds: DataSource) {
    this.dialect = dialectOf(ds);
    this.hydrate = hydrator(ds, Interaction);
    this.columns = selectColumns(ds, Interaction, 'i');
  }

  private param = (v: unknown) => (v instanceof Date ? this.dialect.date(v) : v);

  filterFragments(filter: InteractionFilter | null = {}): Fragment[] {
    filter ??= {}; // an explicit GraphQL null means no filter
    const f: Fragment[] = [];
    if (filter.customerId) f.push(frag('i.customer_id = ?', expectGlobalId(filter.customerId, 'Customer', 'filter.customerId')));
    if (filter.channel) f.push(frag('i.channel = ?', filter.channel));
    if (filter.direction) f.push(frag('i.direction = ?', filter.direction));
    if (filter.from) f.push(frag('i.occurred_at >= ?', this.dialect.date(filter.from)));
    if (filter.to) f.push(frag('i.occurred_at < ?', this.dialect.date(filter.to)));
    if (filter.ticketId) f.push(frag('i.ticket_id = ?', expectGlobalId(filter.ticketId, 'Ticket', 'filter.ticketId')));
    if (filter.campaignId) f.push(frag('i.campaign_id = ?', expectGlobalId(filter.campaignId, 'Campaign', 'filter.campaignId')));
    if (filter.agent) f.push(frag('i.agent = ?', filter.agent));
    return f;
  }

  list(filter: InteractionFilter | undefined, page: PageArgs): Promise<ConnectionResult<Interaction>> {
    return paginate(
      { ds: this.ds, from: 'interactions i', alias: 'i', columns: this.columns, where: this.filterFragments(filter), sort: this.sort, hydrate: this.hydrate, param: this.param },
      page,
    );
  }

  /** A page of interactions for each customer, in one statement (the Customer.interactions loader). */
  pagesForCustomers(customerIds: readonly number[], filter: InteractionFilter | undefined, page: PageArgs) {
    const where = this.filterFragments({ ...filter, customerId: undefined });
    return nestedPages(
      {
        ds: this.ds, table: 'interactions', alias: 'i', columns: this.columns, parentColumn: 'i.customer_id', parentOf: (i) => i.customerId,
        where, sort: this.sort, hydrate: this.hydrate, param: this.param,
      },
      customerIds,
      page,
      (ids) => countByParent(this.ds, 'interactions', 'i', 'i.customer_id', ids, where),
    );
  }

  async byIds(ids: readonly number[]): Promise<Interaction[]> {
    const w = inList('i.id', ids);
    return (await this.ds.query(`SELECT ${this.columns} FROM interactions i WHERE ${w.sql}`, w.params)).map(this.hydrate);
  }

  async get(id: number): Promise<Interaction> {
    const [i] = await this.byIds([id]);
    if (!i) throw notFound('Interaction', toGlobalId('Interaction', id));
    return i;
  }

  async log(input: LogInteractionInput, now = new Date()): Promise<Interaction> {
    const customerId = expectGlobalId(input.customerId, 'Customer', 'customerId');
    const ticketId = input.ticketId ? expectGlobalId(input.ticketId, 'Ticket', 'ticketId') : null;
    const campaignId = input.campaignId ? expectGlobalId(input.campaignId, 'Campaign', 'campaignId') : null;
    const occurredAt = input.occurredAt ?? now;
    if (Number.isNaN(occurredAt.getTime())) throw badInput('occurredAt is not a valid date-time');
    if (occurredAt.getTime() > now.getTime() + 5 * 60_000) throw badInput('occurredAt must not be in the future');
    const customer = await this.ds.getRepository(Customer).findOneBy({ id: customerId });
    if (!customer || customer.erasedAt) throw notFound('Customer', input.customerId);
    if (ticketId) {
      const ticket = await this.ds.getRepository(Ticket).findOneBy({ id: ticketId });
      if (!ticket) throw notFound('Ticket', input.ticketId!);
      if (ticket.customerId !== customerId) throw badInput('ticketId belongs to another customer');
    }
    if (campaignId && !(await this.ds.getRepository(Campaign).existsBy({ id: campaignId }))) throw notFound('Campaign', input.campaignId!);
    const repo = this.ds.getRepository(Interaction);
    const saved = await repo.save(
      repo.create({
        customerId, channel: input.channel, direction: input.direction, subject: input.subject ?? null, body: input.body ?? null,
        occurredAt, agent: input.agent ?? null, ticketId, campaignId,
      }),
    );
    return this.get(saved.id);
  }

  /** Many interactions in multi-row INSERTs inside the caller's transaction (a campaign launch logs one per coupon). */
  async logMany(rows: readonly InteractionRow[], m: EntityManager): Promise<void> {
    await insertRows(m, this.dialect, 'interactions', ['customer_id', 'channel', 'direction', 'subject', 'occurred_at', 'agent', 'campaign_id'],
      rows.flatMap((r) => [r.customerId, r.channel, r.direction, r.subject, this.dialect.date(r.occurredAt), r.agent, r.campaignId]));
  }
}
