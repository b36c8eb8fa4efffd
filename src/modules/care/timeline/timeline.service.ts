import { openCursor, sealCursor } from '../../../common/cursor-seal';
import type { DataSource } from 'typeorm';
import { badInput } from '../../../common/errors';
import { ConnectionResult, DEFAULT_PAGE, SortDirection, type PageArgs, type PageInfo } from '../../../common/pagination';
import { inList, whereClause, type Fragment } from '../../../common/sql';
import { dialectOf, type Dialect } from '../../../db/dialect';
import type { Feedback } from '../../feedback/feedback.entity';
import type { FeedbackService } from '../../feedback/feedback.service';
import type { Purchase } from '../../purchase/purchase.entity';
import type { PurchaseService } from '../../purchase/purchase.service';
import type { Interaction } from '../interaction/interaction.entity';
import type { InteractionService } from '../interaction/interaction.service';
import type { Ticket, TicketEvent } from '../ticket/ticket.entity';
import type { TicketService } from '../ticket/ticket.service';

export enum TimelineKind {
  PURCHASE = 'PURCHASE',
  FEEDBACK = 'FEEDBACK',
  INTERACTION = 'INTERACTION',
  TICKET_EVENT = 'TICKET_EVENT',
}

/** Where each kind lives; `rank` breaks ties between kinds at the same instant (part of the cursor). */
const SOURCES: Record<TimelineKind, { rank: number; table: string; alias: string; at: string; live: string | null }> = {
  [TimelineKind.PURCHASE]: { rank: 1, table: 'purchases', alias: 'p', at: 'p.purchased_at', live: 'p.deleted_at IS NULL' },
  [TimelineKind.FEEDBACK]: { rank: 2, table: 'feedback', alias: 'f', at: 'f.created_at', live: 'f.deleted_at IS NULL' },
  [TimelineKind.INTERACTION]: { rank: 3, table: 'interactions', alias: 'i', at: 'i.occurred_at', live: null },
  [TimelineKind.TICKET_EVENT]: { rank: 4, table: 'ticket_events', alias: 'e', at: 'e.occurred_at', live: null },
};
const KIND_OF_RANK = new Map(Object.entries(SOURCES).map(([k, s]) => [s.rank, k as TimelineKind]));
export const ALL_KINDS = Object.values(TimelineKind);

/** One entry with the object it stands for (exactly one of them is set, by kind). */
export interface TimelineItem {
  kind: TimelineKind;
  id: number;
  customerId: number;
  occurredAt: Date;
  purchase?: Purchase;
  feedback?: Feedback;
  interaction?: Interaction;
  event?: TicketEvent;
  ticket?: Ticket;
}

interface Cursor {
  at: Date;
  rank: number;
  id: number;
}

const encodeCursor = (c: Cursor) => sealCursor([c.at.toISOString(), KIND_OF_RANK.get(c.rank), c.id]);

function decodeCursor(cursor: string, argName: string): Cursor {
  try {
    const [at, kind, id] = openCursor(cursor) as [unknown, unknown, number];
    const rank = SOURCES[kind as TimelineKind]?.rank;
    if (typeof at === 'string' && !Number.isNaN(Date.parse(at)) && rank && Number.isInteger(id)) return { at: new Date(at), rank, id };
  } catch {
    /* fall through */
  }
  throw badInput(`${argName} is not a cursor of this timeline`, { argument: argName });
}

/**
 * A customer's history across purchases, feedback, interactions and ticket events, newest first, as one
 * connection with cursor (occurredAt, kind, id). A page of N customers costs one UNION ALL statement (a
 * ROW_NUMBER() window per customer) plus one statement per kind for the objects, whatever N is.
 */
export class TimelineService {
  private readonly dialect: Dialect;

  constructor(
    private readonly ds: DataSource,
    private readonly services: { purchases: PurchaseService; feedback: FeedbackService; interactions: InteractionService; tickets: TicketService },
  ) {
    this.dialect = dialectOf(ds);
  }

  private union(kinds: readonly TimelineKind[], customerIds: readonly number[], cursor: Cursor | null, op: '<' | '>'): Fragment {
    const parts = kinds.map((kind) => {
      const s = SOURCES[kind];
      const conds: Fragment[] = [inList(`${s.alias}.customer_id`, customerIds)];
      if (s.live) conds.push({ sql: s.live, params: [] });
      if (cursor) {
        const at = this.dialect.date(cursor.at);
        // Pushed into each branch so that the (customer_id, time) indexes serve it. Same instant: kinds
        // that sort after the cursor's kind include it, kinds before it do not, the cursor's own kind goes by id.
        if (s.rank === cursor.rank) conds.push({ sql: `${s.at} ${op} ? OR (${s.at} = ? AND ${s.alias}.id ${op} ?)`, params: [at, at, cursor.id] });
        else conds.push({ sql: `${s.at} ${(op === '<' ? s.rank < cursor.rank : s.rank > cursor.rank) ? `${op}=` : op} ?`, params: [at] });
      }
      const w = whereClause(conds);
      return { sql: `SELECT ${s.rank} AS kind_rank, ${s.alias}.id AS id, ${s.alias}.customer_id AS customer_id, ${s.at} AS occurred_at FROM ${s.table} ${s.alias}${w.sql}`, params: w.params };
    });
    return { sql: parts.map((p) => p.sql).join(' UNION ALL '), params: parts.flatMap((p) => p.params) };
  }

  async pagesForCustomers(customerIds: readonly number[], kinds: readonly TimelineKind[] | undefined, args: PageArgs): Promise<ConnectionResult<TimelineItem>[]> {
    const chosen = kinds?.length ? ALL_KINDS.filter((k) => kinds.includes(k)) : ALL_KINDS;
    if (args.first != null && args.last != null) throw badInput('pass either first or last, not both');
    if (args.after && args.before) throw badInput('pass either after or before, not both');
    const backward = args.last != null || (!!args.before && args.first == null);
    const limit = (backward ? args.last : args.first) ?? DEFAULT_PAGE;
    const cursorArg = backward ? args.before : args.after;
    const cursor = cursorArg ? decodeCursor(cursorArg, backward ? 'before' : 'after') : null;
    const dir = backward ? SortDirection.ASC : SortDirection.DESC;

    let rows: { rank: number; id: number; customerId: number; at: Date }[] = [];
    if (limit > 0 && customerIds.length) {
      const u = this.union(chosen, customerIds, cursor, backward ? '>' : '<');
      const raw: Record<string, unknown>[] = await this.ds.query(
        `SELECT * FROM (SELECT u.kind_rank, u.id, u.customer_id, u.occurred_at, ROW_NUMBER() OVER (PARTITION BY u.customer_id ` +
          `ORDER BY u.occurred_at ${dir}, u.kind_rank ${dir}, u.id ${dir}) AS rn__ FROM (${u.sql}) u) ranked WHERE rn__ <= ${limit + 1} ORDER BY customer_id, rn__`,
        u.params,
      );
      rows = raw.map((r) => ({ rank: Number(r.kind_rank), id: Number(r.id), customerId: Number(r.customer_id), at: this.dialect.readDate(r.occurred_at)! }));
    }
    const items = await this.load(rows);
    const byCustomer = new Map<number, TimelineItem[]>();
    for (const item of items) {
      const list = byCustomer.get(item.customerId);
      if (list) list.push(item);
      else byCustomer.set(item.customerId, [item]);
    }
    let counts: Promise<Map<number, number>> | null = null;
    const countAll = () => (counts ??= this.count(chosen, customerIds));
    return customerIds.map((id) => {
      const list = byCustomer.get(id) ?? [];
      const more = list.length > limit;
      if (more) list.pop();
      if (backward) list.reverse();
      const edges = list.map((node) => ({ cursor: encodeCursor({ at: node.occurredAt, rank: SOURCES[node.kind].rank, id: node.id }), node }));
      const pageInfo: PageInfo = {
        hasNextPage: backward ? !!cursor : more,
        hasPreviousPage: backward ? more : !!cursor,
        startCursor: edges[0]?.cursor ?? null,
        endCursor: edges[edges.length - 1]?.cursor ?? null,
      };
      return new ConnectionResult(edges, pageInfo, async () => (await countAll()).get(id) ?? 0);
    });
  }

  /** Entries per customer for these kinds: one GROUP BY over the same UNION. */
  private async count(kinds: readonly TimelineKind[], customerIds: readonly number[]): Promise<Map<number, number>> {
    if (!customerIds.length) return new Map();
    const u = this.union(kinds, customerIds, null, '<');
    const rows: { cid: number; n: number }[] = await this.ds.query(`SELECT u.customer_id AS cid, COUNT(*) AS n FROM (${u.sql}) u GROUP BY u.customer_id`, u.params);
    return new Map(rows.map((r) => [Number(r.cid), Number(r.n)]));
  }

  /** The objects behind the rows: one statement per kind present (plus the tickets of ticket events). */
  private async load(rows: { rank: number; id: number; customerId: number; at: Date }[]): Promise<TimelineItem[]> {
    const idsOf = (kind: TimelineKind) => rows.filter((r) => r.rank === SOURCES[kind].rank).map((r) => r.id);
    const fetch = async <T extends { id: number }>(kind: TimelineKind, byIds: (ids: number[]) => Promise<T[]>) => {
      const ids = idsOf(kind);
      return new Map((ids.length ? await byIds(ids) : []).map((o) => [o.id, o]));
    };
    const s = this.services;
    const [purchases, feedback, interactions, events] = await Promise.all([
      fetch(TimelineKind.PURCHASE, (ids) => s.purchases.byIds(ids)),
      fetch(TimelineKind.FEEDBACK, (ids) => s.feedback.byIds(ids)),
      fetch(TimelineKind.INTERACTION, (ids) => s.interactions.byIds(ids)),
      fetch(TimelineKind.TICKET_EVENT, (ids) => s.tickets.eventsByIds(ids)),
    ]);
    const ticketIds = [...new Set([...events.values()].map((e) => e.ticketId))];
    const tickets = new Map((ticketIds.length ? await s.tickets.byIds(ticketIds) : []).map((t) => [t.id, t]));
    return rows.flatMap((r): TimelineItem[] => {
      const kind = KIND_OF_RANK.get(r.rank)!;
      const base = { kind, id: r.id, customerId: r.customerId, occurredAt: r.at };
      switch (kind) {
        case TimelineKind.PURCHASE: return purchases.has(r.id) ? [{ ...base, purchase: purchases.get(r.id) }] : [];
        case TimelineKind.FEEDBACK: return feedback.has(r.id) ? [{ ...base, feedback: feedback.get(r.id) }] : [];
        case TimelineKind.INTERACTION: return interactions.has(r.id) ? [{ ...base, interaction: interactions.get(r.id) }] : [];
        case TimelineKind.TICKET_EVENT: {
          const event = events.get(r.id);
          return event ? [{ ...base, event, ticket: tickets.get(event.ticketId) }] : [];
        }
      }
    });
  }
}
