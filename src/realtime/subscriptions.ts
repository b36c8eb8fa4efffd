import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import {
  getOperationAST, GraphQLError, parse, specifiedRules, validate, type DocumentNode, type GraphQLFormattedError, type GraphQLSchema, type ValidationRule,
} from 'graphql';
import { assertCost } from '../common/cost';
import { useServer } from 'graphql-ws/use/ws';
import type { Logger } from 'pino';
import { WebSocketServer } from 'ws';
import { bearerToken, clientError, ErrorCode, mapError } from '../common/errors';
import type { AppConfig } from '../config';
import { Loaders, type Context } from '../context';
import type { Principal } from '../modules/auth/auth.service';
import { startSlaWatcher } from '../modules/care/ticket/sla-watcher';
import type { Services } from '../services';
import { careEventTarget } from './pubsub';
import { connectRedisBridge, ioredisFactory } from './redis-bridge';

export interface Subscriptions {
  /** Closes every WebSocket, stops the SLA watcher and the Redis bridge. */
  close(): Promise<void>;
}

const formatError = (e: GraphQLError): GraphQLFormattedError => clientError(e.originalError ?? e, e.extensions?.code as string | undefined, e);

/**
 * graphql-ws on the HTTP server's own port and path (/graphql), for subscriptions only. A connection
 * authenticates once with the same API key as HTTP (connection_init payload `{ authorization: "Bearer <key>" }`
 * or the upgrade request's Authorization header). Also starts the SLA watcher and, with REDIS_URL, the bridge
 * that shares events between instances.
 */
export function attachSubscriptions(
  http: Server,
  deps: { schema: GraphQLSchema; services: Services; config: Readonly<AppConfig>; log: Logger; validationRules: ReadonlyArray<ValidationRule> },
): Subscriptions {
  const { schema, services, config, log } = deps;
  // The same depth/alias/directive rules and cost limit as over HTTP.
  const rules = [...specifiedRules, ...deps.validationRules];
  const wss = new WebSocketServer({ server: http, path: '/graphql' });
  const principals = new WeakMap<object, Principal>();

  const server = useServer<Record<string, unknown> | undefined>(
    {
      schema,
      async onConnect(ctx) {
        const key = bearerToken(ctx.connectionParams?.authorization) ?? bearerToken(ctx.extra.request.headers.authorization);
        const principal = key ? await services.auth.authenticate(key) : null;
        if (!principal) return false; // graphql-ws closes with 4403 Forbidden
        principals.set(ctx, principal);
        return true;
      },
      onSubscribe(ctx, _id, payload) {
        let document: DocumentNode;
        try {
          document = parse(payload.query, { maxTokens: config.limits.maxTokens });
        } catch (e) {
          return [e as GraphQLError];
        }
        const errors = validate(schema, document, rules);
        if (errors.length) return errors;
        try {
          assertCost(schema, document, payload.operationName ?? undefined, payload.variables ?? {}, config.limits.maxCost);
        } catch (e) {
          return [e as GraphQLError];
        }
        // Queries and mutations go over HTTP, where rate limits, cost limits and the read-only ANALYST rule apply.
        if (getOperationAST(document, payload.operationName)?.operation !== 'subscription') {
          return [new GraphQLError('only subscriptions are served over WebSocket; send queries and mutations over HTTP', { extensions: { code: 'BAD_REQUEST' } })];
        }
        const requestId = randomUUID();
        const contextValue: Context = {
          requestId, principal: principals.get(ctx) ?? null, services, loaders: new Loaders(services), log: log.child({ requestId }), sqlStats: { statements: 0, dbMs: 0 },
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
  const bridge = redis && config.redisUrl ? connectRedisBridge(careEventTarget, config.redisUrl, log, redis) : null;
  bridge?.catch((err) => log.error({ err }, 'could not connect the Redis bridge for care events'));

  return {
    async close() {
      await watcher.stop();
      await server.dispose();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await (await bridge?.catch(() => null))?.close();
    },
  };
}
