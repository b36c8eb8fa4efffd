import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { ApolloServer, HeaderMap, type ApolloServerPlugin } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import type { GraphQLFormattedError } from 'graphql';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { ErrorCode, mapError } from './common/errors';
import { withSqlStats, type SqlStats } from './common/sql-stats';
import type { AppConfig } from './config';
import { Loaders, type Context } from './context';
import { playgroundHtml, PLAYGROUND_ASSET_PREFIX, servePlaygroundAsset } from './playground';
import { getSchema } from './schema';
import { createServices, type Services } from './services';

export interface App {
  http: Server;
  apollo: ApolloServer<Context>;
  services: Services;
  /** Resolves when in-flight requests finished (or the grace period ran out) and everything is closed. */
  stop(): Promise<void>;
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** Builds the Apollo server and the HTTP app around it; shared by main and the tests. */
export async function createApp(config: Readonly<AppConfig>, ds: DataSource, log: Logger): Promise<App> {
  const services = createServices(ds);
  const schema = await getSchema();

  const errorPlugin: ApolloServerPlugin<Context> = {
    async requestDidStart() {
      return {
        async didEncounterErrors({ errors, contextValue }) {
          for (const e of errors) {
            const original = unwrapResolverError(e);
            const mapped = mapError(original, e.extensions?.code as string | undefined);
            if (mapped.code === ErrorCode.INTERNAL_SERVER_ERROR) {
              contextValue.log.error({ err: original, path: e.path }, 'internal error');
            }
          }
        },
        async willSendResponse({ response, contextValue }) {
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

  const apollo = new ApolloServer<Context>({
    schema,
    introspection: config.introspection,
    includeStacktraceInErrorResponses: false,
    hideSchemaDetailsFromClientErrors: config.env === 'production',
    formatError: (formatted, error): GraphQLFormattedError => {
      const mapped = mapError(unwrapResolverError(error), formatted.extensions?.code as string | undefined);
      return {
        message: mapped.message,
        locations: formatted.locations,
        path: formatted.path,
        extensions: { code: mapped.code, ...(mapped.details ? { details: mapped.details } : {}) },
      };
    },
    plugins: [
      ApolloServerPluginCacheControlDisabled(),
      ApolloServerPluginInlineTraceDisabled(),
      config.playground === 'apollo' ? ApolloServerPluginLandingPageLocalDefault({ embed: true }) : ApolloServerPluginLandingPageDisabled(),
      errorPlugin,
    ],
  });
  await apollo.start();

  let ready = true;
  let inFlight = 0;
  let draining: (() => void) | null = null;

  async function handleGraphQL(req: IncomingMessage, res: ServerResponse, url: URL, requestId: string) {
    let body: unknown = undefined;
    if (req.method === 'POST') {
      const raw = await readBody(req, config.maxBodyBytes);
      if (raw === null) return sendJson(res, 413, { errors: [{ message: `request body larger than ${config.maxBodyBytes} bytes`, extensions: { code: 'BAD_REQUEST' } }] });
      const type = req.headers['content-type'] ?? '';
      if (/json/i.test(type)) {
        try {
          body = raw.length ? JSON.parse(raw.toString('utf8')) : undefined;
        } catch {
          return sendJson(res, 400, { errors: [{ message: 'request body is not valid JSON', extensions: { code: 'BAD_REQUEST' } }] });
        }
      } else {
        body = raw.toString('utf8');
      }
    }
    const headers = new HeaderMap();
    for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(', ') : v);
    const sqlStats: SqlStats = { statements: 0, dbMs: 0 };
    const context: Context = { requestId, services, loaders: new Loaders(services), log: log.child({ requestId }), sqlStats };
    const result = await withSqlStats(sqlStats, () =>
      apollo.executeHTTPGraphQLRequest({
        httpGraphQLRequest: { method: req.method ?? 'GET', headers, search: url.search, body },
        context: async () => context,
      }),
    );
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
    const requestId = typeof req.headers['x-request-id'] === 'string' && REQUEST_ID.test(req.headers['x-request-id']) ? req.headers['x-request-id'] : randomUUID();
    const url = new URL(req.url ?? '/', 'http://localhost');
    inFlight++;
    const done = () => {
      inFlight--;
      if (inFlight === 0 && draining) draining();
    };
    res.on('close', done);
    route(req, res, url, requestId).catch((err) => {
      log.error({ err, requestId }, 'request failed');
      if (!res.headersSent) sendJson(res, 500, { errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR', requestId } }] });
      else res.end();
    });
  });

  const wantsHtml = (req: IncomingMessage) => req.method === 'GET' && /text\/html/.test(req.headers.accept ?? '');

  async function route(req: IncomingMessage, res: ServerResponse, url: URL, requestId: string) {
    if (config.playground === 'graphiql' && url.pathname.startsWith(PLAYGROUND_ASSET_PREFIX)) {
      if (servePlaygroundAsset(url.pathname.slice(PLAYGROUND_ASSET_PREFIX.length), res)) return;
      return sendJson(res, 404, { error: 'not found' });
    }
    if (config.playground === 'graphiql' && url.pathname === '/graphql' && wantsHtml(req) && !url.searchParams.has('query')) {
      res.statusCode = 200;
      res.setHeader('content-type', 'text/html; charset=utf-8');
      return res.end(playgroundHtml());
    }
    switch (url.pathname) {
      case '/healthz':
        return sendJson(res, 200, { status: 'ok' });
      case '/readyz': {
        const ok = ready && (await databaseAnswers(ds));
        return sendJson(res, ok ? 200 : 503, { status: ok ? 'ready' : 'not ready' });
      }
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

  return {
    http,
    apollo,
    services,
    async stop() {
      ready = false;
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
    },
  };
}

async function databaseAnswers(ds: DataSource): Promise<boolean> {
  try {
    await ds.query('SELECT 1');
    return true;
  } catch {
    return false;
  }
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
