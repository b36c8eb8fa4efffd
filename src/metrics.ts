import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { processSqlStats } from './common/sql-stats';

/** Prometheus metrics of one process, served at /metrics. */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'caregraph_' });
  return {
    registry,
    requests: new Counter({ name: 'caregraph_http_requests_total', help: 'HTTP requests by route and status', labelNames: ['route', 'status'], registers: [registry] }),
    errors: new Counter({ name: 'caregraph_graphql_errors_total', help: 'GraphQL errors by extensions.code', labelNames: ['code'], registers: [registry] }),
    latency: new Histogram({
      name: 'caregraph_http_request_duration_seconds', help: 'Request latency', labelNames: ['route'], registers: [registry],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    }),
    sqlTotal: new Counter({
      name: 'caregraph_sql_statements_total', help: 'SQL statements of the process (statements per request = its rate / the request rate)',
      registers: [registry],
      collect() {
        this.reset();
        this.inc(processSqlStats.statements);
      },
    }),
    sqlStatements: new Histogram({
      name: 'caregraph_sql_statements_per_request', help: 'SQL statements one GraphQL request ran (only with SQL_STATS on)', registers: [registry],
      buckets: [0, 1, 2, 4, 6, 8, 12, 16, 24, 32, 64, 128],
    }),
    modelFits: new Histogram({
      name: 'caregraph_model_fit_seconds', help: 'Population model fit duration', labelNames: ['kind'], registers: [registry],
      buckets: [0.01, 0.05, 0.1, 0.5, 1, 2, 5, 10, 30, 60],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
