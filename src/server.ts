import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { ApolloServer, HeaderMap, type ApolloServerPlugin } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import {
  ApolloServerPluginCacheControlDisabled, ApolloServerPluginInlineTraceDisabled, ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import { GraphQLError } from 'graphql';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { costLimitPlugin } from './common/cost';
import { setCursorSecret } from './common/cursor-seal';
import { AppError, bearerToken, clientError, ErrorCode, isUnavailable, mapError, markDuringWrite, RETRY_AFTER_SECONDS, UNAVAILABLE_CODES } from './common/errors';
import { databaseAnswers } from './db/health';
import { RateLimiter } from './common/rate-limit';
import { withSqlStats, type SqlStats } from './common/sql-stats';
import { onPrimary, replicaRouterOf } from './db/replicas';
import type { AppConfig } from './config';
import { Loaders, type Context } from './context';
import { createMetrics, type Metrics } from './metrics';
import { Role } from './modules/auth/api-key.entity';
import type { Principal } from './modules/auth/auth.service';
import { AnalystMasking } from './modules/auth/masking';
import { playgroundHtml, PLAYGROUND_ASSET_PREFIX, servePlaygroundAsset } from './playground';
import { INSIGHTS_ASSET_PREFIX, INSIGHTS_PATH, serveInsightsAsset, serveInsightsPage } from './insights';
import { attachSubscriptions } from './realtime/subscriptions';
import { executorGateway } from './execution';
import { getSchema } from './schema';
import { createServices, type Services } from './services';

export interface App {
  http: Server;
  apollo: ApolloServer<Context>;
  services: Services;
  metrics: Metrics;
  /** Development only: the playground and the insights page send this key (to loopback pages only). */
  setPlaygroundKey(key: string): void;
  /** Resolves when in-flight requests finished (or the grace period ran out) and everything is closed. */
  stop(): Promise<void>;
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** What the access log says of a request beyond method, status and time. */
interface AccessEntry {
  keyId?: number;
  operation?: string;
  /** SQL statements the request ran (only when SQL_STATS counts them). */
  sql?: number;
}
const accessEntries = new WeakMap<IncomingMessage, AccessEntry>();

/** Whether a request may be a mutation (conservative: the word anywhere in its document). */
function mayWrite(body: unknown, url: URL): boolean {
  const query = (body as { query?: unknown } | undefined)?.query ?? url.searchParams.get('query');
  return typeof query !== 'string' || /\bmutation\b/.test(query);
}

/** The operation's name for the access log: the client's operationName, else "anonymous". Never the query text. */
function operationName(body: unknown, url: URL): string {
  const b = body as { operationName?: unknown; query?: unknown } | undefined;
  let name: unknown = b?.operationName ?? url.searchParams.get('operationName');
  if (typeof name !== 'string' || !name) {
    const query = typeof b?.query === 'string' ? b.query : url.searchParams.get('query') ?? '';
    name = /^\s*(?:query|mutation|subscription)\s+([_A-Za-z][_0-9A-Za-z]*)/.exec(query.slice(0, 300))?.[1] ?? 'anonymous';
  }
  return typeof name === 'string' && /^[_A-Za-z][_0-9A-Za-z]{0,100}$/.test(name) ? name : 'anonymous';
}

const LOOPBACK_HOST = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])(?::\d{1,5})?$/i;
const LOOPBACK_ADDRESS = /^(127(?:\.\d{1,3}){3}|::1|::ffff:127(?:\.\d{1,3}){3})$/;

/**
 * A request from this machine, for a loopback name, from no page or a loopback page: Host, Origin and the peer
 * address all loopback. A DNS-rebinding page (Host: attacker.example resolving to 127.0.0.1) fails on Host.
 */
export function isLoopbackRequest(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  let originHost: string | null = null;
  if (origin !== undefined) {
    try {
      originHost = new URL(origin).host;
    } catch {
      return false;
    }
  }
  return LOOPBACK_HOST.test(req.headers.host ?? '') && (originHost === null || LOOPBACK_HOST.test(originHost))
    && LOOPBACK_ADDRESS.test(req.socket.remoteAddress ?? '');
}

/** Builds the Apollo server and the HTTP app around it; shared by main and the tests. */
export async function createApp(config: Readonly<AppConfig>, ds: DataSource, log: Logger): Promise<App> {
  if (config.cursorSecret) setCursorSecret(config.cursorSecret);
  else if (config.env === 'production') log.warn('CURSOR_SECRET is not set: pagination cursors work only on this instance until it restarts');
  const services = createServices(ds, {
    analyticLimits: config.analyticLimits, masking: new AnalystMasking(config.analystQuasiIdentifiers), painPointKeywords: config.painPointKeywords ?? undefined,
  });
  const schema = await getSchema();
  const metrics = createMetrics();
  services.analytics.store.onFit = (kind, ms) => {
    metrics.modelFits.observe({ kind }, ms / 1000);
    log.info({ kind, ms: Math.round(ms) }, 'model fitted');
  };
  const rateLimiter = new RateLimiter(config.rateLimitPerMinute);
  const replicas = replicaRouterOf(ds);

  const errorPlugin: ApolloServerPlugin<Context> = {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, contextValue }) {
          // graphql-js would fail inside execution (an internal error): a subscription is not an HTTP request.
          if (operation?.operation === 'subscription') {
            throw new GraphQLError('Subscriptions are not served over HTTP GET or POST', { extensions: { code: 'BAD_REQUEST', http: { status: 400 } } });
          }
          // ANALYST is read-only: one central rule instead of a decorator on every mutation.
          if (operation?.operation === 'mutation' && contextValue.principal?.role === Role.ANALYST) {
            throw new GraphQLError('ANALYST keys are read-only', { extensions: { code: ErrorCode.FORBIDDEN, http: { status: 403 } } });
          }
        },
        async didEncounterErrors({ errors, contextValue, operation }) {
          for (const e of errors) {
            const original = unwrapResolverError(e);
            // A timeout or a lost connection inside a mutation may have committed: OUTCOME_UNKNOWN, not SERVICE_UNAVAILABLE.
            if (operation?.operation === 'mutation') markDuringWrite(original);
            const mapped = mapError(original, e.extensions?.code as string | undefined);
            metrics.errors.inc({ code: mapped.code });
            if (mapped.code === ErrorCode.INTERNAL_SERVER_ERROR || UNAVAILABLE_CODES.has(mapped.code)) {
              // A model still being fitted for the first time is expected after a start: a warning, not a database outage.
              const fitting = original instanceof AppError && original.details?.firstFit === true;
              const what = mapped.code === ErrorCode.INTERNAL_SERVER_ERROR ? 'internal error' : mapped.code === ErrorCode.OUTCOME_UNKNOWN ? 'database lost during a write' : fitting ? 'model not fitted yet' : 'database unavailable';
              contextValue.log[fitting ? 'warn' : 'error']({ err: fitting ? undefined : original, path: e.path, code: mapped.code, reason: fitting ? original.message : undefined }, what);
            }
          }
        },
        async willSendResponse({ response, contextValue }) {
          // A dependency was down: HTTP says so (503 + Retry-After), not only the body.
          if (response.body.kind === 'single' && response.body.singleResult.errors?.some((e) => UNAVAILABLE_CODES.has(e.extensions?.code as string))) {
            response.http.status = 503;
            response.http.headers.set('retry-after', String(RETRY_AFTER_SECONDS));
          }
          if (config.sqlStats) metrics.sqlStatements.observe(contextValue.sqlStats.statements);
          const read = contextValue.personalReads;
          if (read?.size) {
            contextValue.services.audit.recordRead(contextValue.principal, contextValue.requestId, [
              { action: 'READ', operation: 'personal fields', entity: 'Customer', entityId: `${read.size} customers`, entityIds: [...read] },
            ]);
          }
          if (response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          if (result.errors?.length) {
            result.extensions = { ...result.extensions, requestId: contextValue.requestId };
          }
          if (config.sqlStats) {
            const { statements, dbMs } = contextValue.sqlStats;
            result.extensions = { ...result.extensions, sql: { statements, dbMs } };
          }
        },
      };
    },
  };

  const armor = new ApolloArmor({
    maxDepth: { n: config.limits.maxDepth, ignoreIntrospection: true, flattenFragments: true },
    maxAliases: { n: config.limits.maxAliases },
    maxDirectives: { n: config.limits.maxDirectives },
    // armor's token plugin parses in parsingDidStart, where a syntax error becomes HTTP 500; graphql's own
    // parser enforces the same limit (parseOptions below) and Apollo answers 400 GRAPHQL_PARSE_FAILED.
    maxTokens: { enabled: false },
    // Our own cost rule prices lists by their page size; armor's flat cost would double-count.
    costLimit: { enabled: false },
    blockFieldSuggestion: { enabled: config.env === 'production' },
  }).protect();

  const apollo = new ApolloServer<Context>({
    gateway: executorGateway(schema, config.compiledExecution),
    introspection: config.introspection,
    includeStacktraceInErrorResponses: false,
    hideSchemaDetailsFromClientErrors: config.env === 'production',
    allowBatchedHttpRequests: false,
    parseOptions: { maxTokens: config.limits.maxTokens },
    validationRules: armor.validationRules,
    formatError: (formatted, error) => clientError(unwrapResolverError(error), formatted.extensions?.code as string | undefined, formatted),
    plugins: [
      ApolloServerPluginCacheControlDisabled(),
      ApolloServerPluginInlineTraceDisabled(),
      config.playground === 'apollo' ? ApolloServerPluginLandingPageLocalDefault({ embed: true }) : ApolloServerPluginLandingPageDisabled(),
      ...armor.plugins,
      // First: a read-only key is refused before its operation is priced or its variables are looked at.
      errorPlugin,
      costLimitPlugin(schema, config.limits.maxCost),
    ],
  });
  await apollo.start();

  let playgroundKey: string | null = null;
  let ready = true;
  let inFlight = 0;
  let draining: (() => void) | null = null;

  function reject(res: ServerResponse, status: number, code: string, message: string, requestId: string, headers: Record<string, string> = {}) {
    for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
    res.setHeader('x-request-id', requestId);
    metrics.errors.inc({ code });
    return sendJson(res, status, { errors: [{ message, extensions: { code, requestId } }] });
  }

  async function authenticate(req: IncomingMessage): Promise<Principal | null> {
    const key = bearerToken(req.headers.authorization);
    return key ? services.auth.authenticate(key) : null;
  }

  /** 503 + Retry-After for a request that found a dependency (the database) down outside GraphQL. */
  function unavailable(res: ServerResponse, requestId: string) {
    return reject(res, 503, ErrorCode.SERVICE_UNAVAILABLE, 'The database is unavailable right now; retry shortly', requestId, { 'retry-after': String(RETRY_AFTER_SECONDS) });
  }

  async function handleGraphQL(req: IncomingMessage, res: ServerResponse, url: URL, requestId: string) {
    let principal: Principal | null;
    try {
      principal = await authenticate(req);
    } catch (err) {
      // The API-key lookup needs the database: down is 503, not 500 (and not 401: the key may be fine).
      if (!isUnavailable(err)) throw err;
      log.error({ err, requestId }, 'API key lookup failed: database unavailable');
      return unavailable(res, requestId);
    }
    const access = accessEntries.get(req);
    if (access && principal) access.keyId = principal.keyId;
    if (!principal) {
      return reject(res, 401, ErrorCode.UNAUTHENTICATED, 'Send a valid API key: Authorization: Bearer <key>', requestId, { 'www-authenticate': 'Bearer' });
    }
    const wait = rateLimiter.take(principal.keyId);
    if (wait > 0) {
      return reject(res, 429, ErrorCode.RATE_LIMITED, `Too many requests for this API key; retry in ${wait} s`, requestId, { 'retry-after': String(wait) });
    }
    let body: unknown = undefined;
    if (req.method === 'POST') {
      const raw = await readBody(req, config.maxBodyBytes);
      if (raw === null) return reject(res, 413, 'BAD_REQUEST', `request body larger than ${config.maxBodyBytes} bytes`, requestId);
      const type = req.headers['content-type'] ?? '';
      if (/json/i.test(type)) {
        try {
          body = raw.length ? JSON.parse(raw.toString('utf8')) : undefined;
        } catch {
          return reject(res, 400, 'BAD_REQUEST', 'request body is not valid JSON', requestId);
        }
      } else {
        body = raw.toString('utf8');
      }
    }
    const headers = new HeaderMap();
    for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(', ') : v);
    const sqlStats: SqlStats = { statements: 0, dbMs: 0 };
    const context: Context = { requestId, principal, services, loaders: new Loaders(services), log: log.child({ requestId }), sqlStats };
    const run = () =>
      apollo.executeHTTPGraphQLRequest({
        httpGraphQLRequest: { method: req.method ?? 'GET', headers, search: url.search, body },
        context: async () => context,
      });
    // With read replicas, a request that may write reads everything from the primary (its own writes).
    const routed = replicas && mayWrite(body, url) ? () => onPrimary(run) : run;
    const result = await (config.sqlStats ? withSqlStats(sqlStats, routed) : routed());
    if (access) {
      access.operation = operationName(body, url);
      if (config.sqlStats) access.sql = sqlStats.statements;
    }
    res.statusCode = result.status ?? 200;
    for (const [k, v] of result.headers) res.setHeader(k, v);
    res.setHeader('x-request-id', requestId);
    if (result.body.kind === 'complete') {
      res.end(result.body.string);
    } else {
      for await (const chunk of result.body.asyncIterator) res.write(chunk);
      res.end();
    }
  }

  const http = createServer((req, res) => {
    const started = performance.now();
    const requestId = typeof req.headers['x-request-id'] === 'string' && REQUEST_ID.test(req.headers['x-request-id']) ? req.headers['x-request-id'] : randomUUID();
    const url = new URL(req.url ?? '/', 'http://localhost');
    const routeName = ['/graphql', '/healthz', '/readyz', '/metrics', '/insights'].includes(url.pathname) ? url.pathname : url.pathname.startsWith(INSIGHTS_ASSET_PREFIX) ? '/insights/assets' : 'other';
    const access: AccessEntry = {};
    accessEntries.set(req, access);
    res.on('close', () => {
      const ms = performance.now() - started;
      metrics.requests.inc({ route: routeName, status: String(res.statusCode) });
      metrics.latency.observe({ route: routeName }, ms / 1000);
      logAccess(req.method ?? 'GET', routeName, res.statusCode, ms, requestId, access);
    });
    if (cors(req, res)) return;
    inFlight++;
    route(req, res, url, requestId)
      .catch((err) => {
        const down = isUnavailable(err);
        log.error({ err, requestId }, down ? 'request failed: database unavailable' : 'request failed');
        if (res.headersSent) res.end();
        else if (down) unavailable(res, requestId);
        else reject(res, 500, ErrorCode.INTERNAL_SERVER_ERROR, 'Internal server error', requestId);
      })
      // In flight until the handler is done, even if the client went away: shutdown must not close the
      // database under a request that is still running.
      .finally(() => {
        inFlight--;
        if (inFlight === 0 && draining) draining();
      });
  });
  http.requestTimeout = config.requestTimeoutMs;
  http.headersTimeout = Math.min(60_000, config.requestTimeoutMs);
  const subscriptions = attachSubscriptions(http, { schema, services, config, log, validationRules: armor.validationRules, rateLimiter });

  /**
   * One line per request for operators (never the key, the query text or personal data); probes and metrics
   * scrapes only at debug level. Slow requests are raised to warn.
   */
  function logAccess(method: string, routeName: string, status: number, ms: number, requestId: string, a: AccessEntry) {
    const slow = config.slowRequestMs > 0 && ms >= config.slowRequestMs;
    const level = slow ? 'warn' : routeName === '/graphql' || routeName === 'other' ? 'info' : 'debug';
    if (!log.isLevelEnabled(level)) return;
    log[level]({ requestId, method, route: routeName, operation: a.operation, status, ms: Math.round(ms * 10) / 10, sql: a.sql, keyId: a.keyId }, slow ? 'slow request' : 'request');
  }

  /** CORS for the origins in CORS_ORIGINS: preflights are answered here, without a key. True when answered. */
  function cors(req: IncomingMessage, res: ServerResponse): boolean {
    const origin = req.headers.origin;
    if (!origin || !config.corsOrigins.length) return false;
    const allowed = config.corsOrigins.includes(origin);
    res.setHeader('vary', 'Origin');
    if (allowed) res.setHeader('access-control-allow-origin', origin);
    if (req.method !== 'OPTIONS' || !req.headers['access-control-request-method']) return false;
    if (allowed) {
      res.setHeader('access-control-allow-methods', 'GET, POST, OPTIONS');
      res.setHeader('access-control-allow-headers', 'authorization, content-type, x-request-id, idempotency-key');
      res.setHeader('access-control-max-age', '600');
    }
    res.statusCode = allowed ? 204 : 403;
    res.end();
    return true;
  }

  const wantsHtml = (req: IncomingMessage) => req.method === 'GET' && /text\/html/.test(req.headers.accept ?? '');

  async function route(req: IncomingMessage, res: ServerResponse, url: URL, requestId: string) {
    if (config.playground === 'graphiql' && url.pathname.startsWith(PLAYGROUND_ASSET_PREFIX)) {
      if (servePlaygroundAsset(url.pathname.slice(PLAYGROUND_ASSET_PREFIX.length), res)) return;
      return sendJson(res, 404, { error: 'not found' });
    }
    if (config.playground !== 'off' && url.pathname === '/graphql' && wantsHtml(req) && !url.searchParams.has('query')) {
      if (config.playground === 'graphiql') {
        res.statusCode = 200;
        res.setHeader('content-type', 'text/html; charset=utf-8');
        // The development key only to a page this machine asked for by a loopback name: a DNS-rebound or remote page gets none.
        return res.end(playgroundHtml(playgroundKey && isLoopbackRequest(req) ? playgroundKey : null));
      }
      return handleGraphQLLanding(req, res, url, requestId);
    }
    if (url.pathname.startsWith(INSIGHTS_ASSET_PREFIX) && (req.method === 'GET' || req.method === 'HEAD')) {
      if (serveInsightsAsset(url.pathname.slice(INSIGHTS_ASSET_PREFIX.length), req, res)) return;
      return sendJson(res, 404, { error: 'not found' });
    }
    if ((url.pathname === INSIGHTS_PATH || url.pathname === `${INSIGHTS_PATH}/`) && (req.method === 'GET' || req.method === 'HEAD')) {
      // Like the playground: the development key only to a page this machine asked for by a loopback name.
      return serveInsightsPage(res, playgroundKey && isLoopbackRequest(req) ? playgroundKey : null);
    }
    switch (url.pathname) {
      case '/healthz':
        return sendJson(res, 200, { status: 'ok' });
      case '/readyz': {
        // Bounded: a frozen database makes this 503 within a second, it never waits for the statement timeout.
        const database = ready && (await databaseAnswers(ds));
        const ok = ready && database;
        // Replicas and the Redis bridge are detail: without them the instance still serves HTTP, so it stays ready.
        const replicas = replicaRouterOf(ds)?.status();
        const bridge = subscriptions.bridgeStatus();
        if (!ok) res.setHeader('retry-after', String(RETRY_AFTER_SECONDS));
        return sendJson(res, ok ? 200 : 503, {
          status: ok ? 'ready' : 'not ready', ...(ok ? {} : ready ? { database: 'down' } : { reason: 'stopping' }), ...(replicas ? { replicas } : {}), ...(bridge ? { redis: bridge } : {}),
        });
      }
      case '/metrics':
        if (!config.metrics) return sendJson(res, 404, { error: 'not found' });
        res.statusCode = 200;
        res.setHeader('content-type', metrics.registry.contentType);
        return res.end(await metrics.registry.metrics());
      case '/graphql':
        return handleGraphQL(req, res, url, requestId);
      case '/':
        res.statusCode = 302;
        res.setHeader('location', '/graphql');
        return res.end();
      default:
        return sendJson(res, 404, { error: 'not found' });
    }
  }

  /** Apollo's landing page (Sandbox) for a browser, without a key. */
  async function handleGraphQLLanding(req: IncomingMessage, res: ServerResponse, url: URL, requestId: string) {
    const headers = new HeaderMap();
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers.set(k, v);
    const context: Context = { requestId, principal: null, services, loaders: new Loaders(services), log: log.child({ requestId }), sqlStats: { statements: 0, dbMs: 0 } };
    const result = await apollo.executeHTTPGraphQLRequest({ httpGraphQLRequest: { method: 'GET', headers, search: url.search, body: undefined }, context: async () => context });
    res.statusCode = result.status ?? 200;
    for (const [k, v] of result.headers) res.setHeader(k, v);
    res.end(result.body.kind === 'complete' ? result.body.string : '');
  }

  return {
    http,
    apollo,
    services,
    metrics,
    setPlaygroundKey(key: string) {
      playgroundKey = key;
    },
    async stop() {
      ready = false;
      await subscriptions.close();
      await new Promise<void>((resolve) => {
        http.close(() => resolve());
        http.closeIdleConnections();
        if (inFlight === 0) return resolve();
        const timer = setTimeout(() => {
          http.closeAllConnections();
          resolve();
        }, config.shutdownGraceMs);
        draining = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      await apollo.stop();
      await services.audit.flush();
      if (services.audit.unwrittenReads) log.error({ entries: services.audit.unwrittenReads }, 'audit entries of reads could not be written');
      await services.analytics.fits.stop();
    },
  };
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) tooLarge = true;
      else chunks.push(c);
    });
    req.on('end', () => resolve(tooLarge ? null : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown) {
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.end(JSON.stringify(body));
}
