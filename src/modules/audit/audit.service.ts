import type { DataSource } from 'typeorm';
import { paginate, SortDirection, type ConnectionResult, type PageArgs } from '../../common/pagination';
import { frag, hydrator, selectColumns, type Fragment } from '../../common/sql';
import { insertRows } from '../../db/bulk';
import { dialectOf } from '../../db/dialect';
import type { Principal } from '../auth/auth.service';
import { AuditLog } from './audit-log.entity';

export type AuditAction = 'READ' | 'CREATE' | 'UPDATE' | 'DELETE' | 'EXPORT' | 'ERASE';

export interface AuditEntry {
  action: AuditAction;
  operation: string;
  entity: string;
  entityId: string | null;
  /** Reads of lists: the ids of every record read. */
  entityIds?: readonly number[];
}

/** Reads are written in batches at most this often (ms), or at once when this many wait. */
const READ_FLUSH_MS = 250;
const READ_FLUSH_ROWS = 500;
/** Entries kept for a retry while the database refuses them; beyond that the oldest are dropped. */
const READ_BACKLOG_MAX = 50_000;

type AuditRow = Pick<AuditLog, 'at' | 'actorKeyId' | 'actor' | 'role' | 'requestId' | 'action' | 'operation' | 'entity' | 'entityId' | 'entityIds'>;

/**
 * Appends to and reads the audit log of personal-data reads and changes. Changes are written before the
 * request answers. Reads of single customers are batched: writing (and syncing) one row per lookup made every
 * customer(id) wait for a disk flush, which stalled lookups for up to a second while fits kept the disk busy.
 * A read is in the table within READ_FLUSH_MS; a crash loses at most that much; auditLog and shutdown flush first.
 */
export class AuditService {
  private readonly hydrate;
  private readonly columns: string;
  private pendingReads: AuditRow[] = [];
  private flushTimer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();
  constructor(private readonly ds: DataSource) {
    this.hydrate = hydrator(ds, AuditLog);
    this.columns = selectColumns(ds, AuditLog, 'a');
  }

  async record(who: Principal | null, requestId: string, entries: AuditEntry[]): Promise<void> {
    if (!entries.length) return;
    await this.ds.getRepository(AuditLog).insert(rowsOf(who, requestId, entries));
  }

  /** Queues reads for the next batch; never fails the request that read. */
  recordRead(who: Principal | null, requestId: string, entries: AuditEntry[]): void {
    this.pendingReads.push(...rowsOf(who, requestId, entries));
    if (this.pendingReads.length >= READ_FLUSH_ROWS) void this.flush();
    else this.flushTimer ??= setTimeout(() => void this.flush(), READ_FLUSH_MS).unref();
  }

  /** Reads queued and not yet written. */
  get unwrittenReads(): number {
    return this.pendingReads.length;
  }

  /** Writes the queued reads (one statement); on failure they stay queued for the next attempt. */
  flush(): Promise<void> {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    this.flushing = this.flushing.then(async () => {
      const rows = this.pendingReads;
      if (!rows.length) return;
      this.pendingReads = [];
      try {
        // One transaction, in statements within the dialect's parameter budget: a backlog after an outage fits.
        const d = dialectOf(this.ds);
        await this.ds.transaction((m) =>
          insertRows(m, d, 'audit_log', ['at', 'actor_key_id', 'actor', 'role', 'request_id', 'action', 'operation', 'entity', 'entity_id', 'entity_ids'],
            rows.flatMap((r) => [d.date(r.at), r.actorKeyId, r.actor, r.role, r.requestId, r.action, r.operation, r.entity, r.entityId, r.entityIds])),
        );
      } catch {
        this.pendingReads = [...rows, ...this.pendingReads].slice(-READ_BACKLOG_MAX);
        this.flushTimer ??= setTimeout(() => void this.flush(), READ_FLUSH_MS * 4).unref();
      }
    });
    return this.flushing;
  }

  async list(filter: { entity?: string; entityId?: string; action?: string; actorKeyId?: number }, page: PageArgs): Promise<ConnectionResult<AuditLog>> {
    const f: Fragment[] = [];
    if (filter.entity) f.push(frag('a.entity = ?', filter.entity));
    if (filter.entityId) f.push(frag('a.entity_id = ?', filter.entityId));
    if (filter.action) f.push(frag('a.action = ?', filter.action));
    if (filter.actorKeyId != null) f.push(frag('a.actor_key_id = ?', filter.actorKeyId));
    await this.flush();
    return paginate(
      {
        ds: this.ds, from: 'audit_log a', alias: 'a', columns: this.columns, where: f, hydrate: this.hydrate,
        sort: { expression: 'a.id', read: (a) => a.id, kind: 'number', direction: SortDirection.DESC },
        param: (v) => v, // ids only
      },
      page,
    );
  }
}

function rowsOf(who: Principal | null, requestId: string, entries: AuditEntry[]): AuditRow[] {
  const at = new Date();
  return entries.map((e) => ({
    at, actorKeyId: who?.keyId ?? null, actor: who?.name ?? 'system', role: who?.role ?? 'SYSTEM', requestId: requestId.slice(0, 64),
    action: e.action, operation: e.operation.slice(0, 64), entity: e.entity, entityId: e.entityId, entityIds: e.entityIds?.length ? e.entityIds.join(',') : null,
  }));
}
