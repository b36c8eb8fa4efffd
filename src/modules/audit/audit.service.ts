import type { DataSource } from 'typeorm';
import { paginate, SortDirection, type ConnectionResult, type PageArgs } from '../../common/pagination';
import { frag, hydrator, selectColumns, type Fragment } from '../../common/sql';
import { dialectOf } from '../../db/dialect';
import type { Principal } from '../auth/auth.service';
import { AuditLog } from './audit-log.entity';

export type AuditAction = 'READ' | 'CREATE' | 'UPDATE' | 'DELETE' | 'EXPORT' | 'ERASE';

export interface AuditEntry {
  action: AuditAction;
  operation: string;
  entity: string;
  entityId: string | null;
}

/** Appends to and reads the audit log of personal-data reads and changes. */
export class AuditService {
  private readonly hydrate;
  private readonly columns: string;
  constructor(private readonly ds: DataSource) {
    this.hydrate = hydrator(ds, AuditLog);
    this.columns = selectColumns(ds, AuditLog, 'a');
  }

  async record(who: Principal | null, requestId: string, entries: AuditEntry[]): Promise<void> {
    if (!entries.length) return;
    const at = new Date();
    await this.ds.getRepository(AuditLog).insert(
      entries.map((e) => ({
        at, actorKeyId: who?.keyId ?? null, actor: who?.name ?? 'system', role: who?.role ?? 'SYSTEM', requestId: requestId.slice(0, 64),
        action: e.action, operation: e.operation.slice(0, 64), entity: e.entity, entityId: e.entityId,
      })),
    );
  }

  list(filter: { entity?: string; entityId?: string; action?: string; actorKeyId?: number }, page: PageArgs): Promise<ConnectionResult<AuditLog>> {
    const f: Fragment[] = [];
    if (filter.entity) f.push(frag('a.entity = ?', filter.entity));
    if (filter.entityId) f.push(frag('a.entity_id = ?', filter.entityId));
    if (filter.action) f.push(frag('a.action = ?', filter.action));
    if (filter.actorKeyId != null) f.push(frag('a.actor_key_id = ?', filter.actorKeyId));
    const dialect = dialectOf(this.ds);
    return paginate(
      {
        ds: this.ds, from: 'audit_log a', alias: 'a', columns: this.columns, where: f, hydrate: this.hydrate,
        sort: { expression: 'a.id', read: (a) => a.id, kind: 'number', direction: SortDirection.DESC },
        param: (v) => (v instanceof Date ? dialect.date(v) : v),
      },
      page,
    );
  }
}
