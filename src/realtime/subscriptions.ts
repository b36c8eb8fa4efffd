import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import {
  getOperationAST, GraphQLError, parse, specifiedRules, validate, type DocumentNode, type GraphQLFormattedError, type GraphQLSchema, type ValidationRule,
} from 'graphql';
import { getVariableValues } from 'graphql/execution/values';
import { assertCost } from '../common/cost';
import { useServer } from 'graphql-ws/use/ws';
import type { Logger } from 'pino';
import { WebSocketServer, type WebSocket } from 'ws';
import { bearerToken, clientError, ErrorCode, isUnavailable, mapError } from '../common/errors';
import type { RateLimiter } from '../common/rate-limit';
import type { AppConfig } from '../config';
import { Loaders, type Context } from '../context';
import type { Principal } from '../modules/auth/auth.service';
import { startSlaWatcher } from '../modules/care/ticket/sla-watcher';
import type { Services } from '../services';
import { careEventTarget, KEY_REVOKED_TOPIC, publishKeyRevoked } from './pubsub';
import { connectRedisBridge, ioredisFactory, type BridgeStatus } from './redis-bridge';

export interface Subscriptions {
  /** The Redis bridge's state for /readyz; null without REDIS_URL. */
  bridgeStatus(): BridgeStatus | null;
  /** Closes every WebSocket, stops the SLA watcher and the Redis bridge. */
  close(): Promise<void>;
}

const formatError = (e: GraphQLError): GraphQLFormattedError => clientError(e.originalError ?? e, e.extensions?.code as string | undefined, e);

/** The code HTTP gives the same kind of error (Apollo's), so that clients handle both transports alike. */
const withCode = (errors: readonly GraphQLError[], code: string): GraphQLError[] =>
  errors.map((e) => (e.extensions?.code ? e : new GraphQLError(e.message, { nodes: e.nodes, source: e.source, positions: e.positions, originalError: e.originalError, extensions: { ...e.extensions, code } })));

/** Close codes: too many connections for one key; a revoked key (graphql-ws's own Forbidden). */
export const CLOSE_TOO_MANY_CONNECTIONS = 4429;
export const CLOSE_KEY_REVOKED = 4403;
/** The database was down when the connection authenticated (RFC 6455 "Try Again Later"). */
export const CLOSE_TRY_AGAIN_LATER = 1013;

/**
 * graphql-ws on the HTTP server's own port and path (/graphql), for subscriptions only. A connection
 * authenticates once with the same API key as HTTP (connection_init payload `{ authorization: "Bearer <key>" }`
 * or the upgrade request's Authorization header). Also starts the SLA watcher and, with REDIS_URL, the bridge
 * that shares events between instances.
 *
 * Bounded per key: at most WS_MAX_CONNECTIONS_PER_KEY sockets (the next is closed with 4429), at most
 * WS_MAX_SUBSCRIPTIONS_PER_CONNECTION live subscriptions on one socket, and every subscribe message takes a
 * token of the key's HTTP rate limit. A revoked key's sockets are closed (4403) on every instance: at once
 * through the revocation event (Redis-bridged), and by a re-check of the open keys every WS_KEY_RECHECK_MS
 * (for revocations made elsewhere, e.g. by the CLI).
 */
export function attachSubscriptions(
  http: Server,
  deps: {
    schema: GraphQLSchema; services: Services; config: Readonly<AppConfig>; log: Logger; validationRules: ReadonlyArray<ValidationRule>; rateLimiter: RateLimiter;
  },
): Subscriptions {
  const { schema, services, config, log, rateLimiter } = deps;
  const limits = config.websocket;
  // The same depth/alias/directive rules and cost limit as over HTTP.
  const rules = [...specifiedRules, ...deps.validationRules];
  const wss = new WebSocketServer({ server: http, path: '/graphql' });
  const principals = new WeakMap<object, Principal>();
  /** Open, authenticated sockets by API key id. */
  const socketsByKey = new Map<number, Set<WebSocket>>();

  const closeKey = (keyId: number, reason: string) => {
    for (const socket of socketsByKey.get(keyId) ?? []) socket.close(CLOSE_KEY_REVOKED, reason);
  };
  const stopListening = services.auth.onRevoked((keyId) => {
    closeKey(keyId, 'API key revoked');
    publishKeyRevoked(keyId); // to the other instances (and back here: closing twice is harmless)
  });
  const onRevokedEvent = (event: Event) => {
    const keyId = Number((event as CustomEvent<{ keyId: unknown }>).detail?.keyId);
    if (!Number.isInteger(keyId)) return;
    services.auth.forget();
    closeKey(keyId, 'API key revoked');
  };
  careEventTarget.addEventListener(KEY_REVOKED_TOPIC, onRevokedEvent);
  const recheck = setInterval(() => {
    services.auth.revokedAmong([...socketsByKey.keys()]).then(
      (revoked) => revoked.forEach((keyId) => closeKey(keyId, 'API key revoked')),
      (err) => log.warn({ err }, 'could not re-check the API keys of open WebSockets'),
    );
  }, limits.keyRecheckMs).unref();

  const server = useServer<Record<string, unknown> | undefined>(
    {
      schema,
      async onConnect(ctx) {
        const key = bearerToken(ctx.connectionParams?.authorization) ?? bearerToken(ctx.extra.request.headers.authorization);
        const socket = ctx.extra.socket;
        let principal: Principal | null;
        try {
          principal = key ? await services.auth.authenticate(key) : null;
        } catch (err) {
          if (!isUnavailable(err)) throw err;
          // The key lookup needs the database: 1013 "Try Again Later", not Forbidden (the key may be fine).
          log.error({ err }, 'API key lookup for a WebSocket failed: database unavailable');
          socket.close(CLOSE_TRY_AGAIN_LATER, 'database unavailable; retry shortly');
          return false;
        }
        if (!principal) return false; // graphql-ws closes with 4403 Forbidden
        const open = socketsByKey.get(principal.keyId) ?? new Set<WebSocket>();
        if (open.size >= limits.maxConnectionsPerKey) {
          socket.close(CLOSE_TOO_MANY_CONNECTIONS, `at most ${limits.maxConnectionsPerKey} connections per API key`);
          return false;
        }
        open.add(socket);
        socketsByKey.set(principal.keyId, open);
        socket.once('close', () => {
          open.delete(socket);
          if (!open.size && socketsByKey.get(principal.keyId) === open) socketsByKey.delete(principal.keyId);
        });
        principals.set(ctx, principal);
        return true;
      },
      onSubscribe(ctx, _id, payload) {
        const principal = principals.get(ctx) ?? null;
        const wait = principal ? rateLimiter.take(principal.keyId) : 0;
        if (wait > 0) {
          return [new GraphQLError(`Rate limit exceeded for this API key; retry in ${wait} s`, { extensions: { code: ErrorCode.RATE_LIMITED } })];
        }
        // graphql-ws has already entered this one in ctx.subscriptions.
        if (Object.keys(ctx.subscriptions).length > limits.maxSubscriptionsPerConnection) {
          return [new GraphQLError(`At most ${limits.maxSubscriptionsPerConnection} subscriptions per connection: complete one first, or open another connection`, { extensions: { code: ErrorCode.RATE_LIMITED } })];
        }
        let document: DocumentNode;
        try {
          document = parse(payload.query, { maxTokens: config.limits.maxTokens });
        } catch (e) {
          return withCode([e as GraphQLError], 'GRAPHQL_PARSE_FAILED');
        }
        const errors = validate(schema, document, rules);
        if (errors.length) return withCode(errors, 'GRAPHQL_VALIDATION_FAILED');
        try {
          assertCost(schema, document, payload.operationName ?? undefined, payload.variables ?? {}, config.limits.maxCost);
        } catch (e) {
          return [e as GraphQLError];
        }
        // Queries and mutations go over HTTP, where rate limits, cost limits and the read-only ANALYST rule apply.
        if (getOperationAST(document, payload.operationName)?.operation !== 'subscription') {
          return [new GraphQLError('only subscriptions are served over WebSocket; send queries and mutations over HTTP', { extensions: { code: 'BAD_REQUEST' } })];
        }
        const operation = getOperationAST(document, payload.operationName)!;
        const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], payload.variables ?? {}, { maxErrors: 10 });
        if (coerced.errors) return withCode(coerced.errors, ErrorCode.BAD_USER_INPUT);
        const requestId = randomUUID();
        const contextValue: Context = {
          requestId, principal, services, loaders: new Loaders(services), log: log.child({ requestId }), sqlStats: { statements: 0, dbMs: 0 },
        };
        return { schema, document, variableValues: payload.variables, operationName: payload.operationName, contextValue };
      },
      onNext(_ctx, _id, _payload, _args, result) {
        if (!result.errors?.length) return;
        for (const e of result.errors) {
          const mapped = mapError(e.originalError ?? e, e.extensions?.code as string | undefined);
          if (mapped.code === ErrorCode.INTERNAL_SERVER_ERROR) log.error({ err: e.originalError ?? e, path: e.path }, 'subscription error');
        }
        return { ...result, errors: result.errors.map(formatError) };
      },
      onError(_ctx, _id, _payload, errors) {
        return errors.map(formatError);
      },
    },
    wss,
  );

  // Resolving the client first makes a missing package fail the start-up, not the first event.
  const redis = config.redisUrl ? ioredisFactory() : null;
  const watcher = startSlaWatcher(services.care.tickets, log);
  // Never waits for Redis: down at start-up, the bridge connects later by itself (see /readyz).
  const bridge = redis && config.redisUrl ? connectRedisBridge(careEventTarget, config.redisUrl, log, redis) : null;

  return {
    bridgeStatus: () => bridge?.status() ?? null,
    async close() {
      clearInterval(recheck);
      stopListening();
      careEventTarget.removeEventListener(KEY_REVOKED_TOPIC, onRevokedEvent);
      await watcher.stop();
      await server.dispose();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await bridge?.close();
    },
  };
}
