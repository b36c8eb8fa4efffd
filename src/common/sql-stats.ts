import { AsyncLocalStorage } from 'node:async_hooks';
import { EventSubscriber, type EntitySubscriberInterface } from 'typeorm';
import type { AfterQueryEvent } from 'typeorm/subscriber/event/QueryEvent';

/** Per-request SQL cost: statements and database time, tracked through async continuations. */
export interface SqlStats {
  statements: number;
  dbMs: number;
}

const storage = new AsyncLocalStorage<SqlStats>();

/**
 * Every statement of the process, whatever asked for it. Cheap, unlike per-request attribution: that needs
 * AsyncLocalStorage, whose promise hooks cost ~10% of a request's CPU, so it runs only with SQL_STATS on.
 */
export const processSqlStats: SqlStats = { statements: 0, dbMs: 0 };

export function withSqlStats<T>(stats: SqlStats, fn: () => T): T {
  return storage.run(stats, fn);
}

/** Runs work a request starts but does not wait for (a refresh behind a stale answer): not charged to it. */
export function outsideRequest<T>(fn: () => T): T {
  return storage.exit(fn);
}

/**
 * A TypeORM subscriber that charges every statement to the request it ran for. TypeORM instantiates a
 * listed subscriber class only when it carries @EventSubscriber().
 */
@EventSubscriber()
export class SqlStatsSubscriber implements EntitySubscriberInterface {
  afterQuery(event: AfterQueryEvent): void {
    processSqlStats.statements += 1;
    processSqlStats.dbMs += event.executionTime ?? 0;
    const stats = storage.getStore();
    if (!stats) return;
    stats.statements += 1;
    stats.dbMs += event.executionTime ?? 0;
  }
}
