import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ServerResponse } from 'node:http';

/**
 * A self-contained GraphiQL served from npm packages (GraphiQL 3 and React 18 browser builds), for
 * machines without internet where Apollo Sandbox (loaded from Apollo's CDN) stays blank.
 */
const ASSETS: Record<string, { file: string; type: string }> = {
  'react.js': { file: 'react/umd/react.production.min.js', type: 'text/javascript' },
  'react-dom.js': { file: 'react-dom/umd/react-dom.production.min.js', type: 'text/javascript' },
  'graphiql.js': { file: 'graphiql/graphiql.min.js', type: 'text/javascript' },
  'graphiql.css': { file: 'graphiql/graphiql.min.css', type: 'text/css' },
  'graphql-ws.js': { file: 'graphql-ws/umd/graphql-ws.min.js', type: 'text/javascript' },
};

const cache = new Map<string, Buffer>();

export const PLAYGROUND_ASSET_PREFIX = '/graphql/assets/';

export function servePlaygroundAsset(name: string, res: ServerResponse): boolean {
  const asset = ASSETS[name];
  if (!asset) return false;
  let body = cache.get(name);
  if (!body) {
    // Resolved through each package's package.json: their "exports" do not expose the browser builds.
    const [pkg, ...rest] = asset.file.split('/');
    body = readFileSync(join(dirname(require.resolve(`${pkg}/package.json`)), ...rest));
    cache.set(name, body);
  }
  res.statusCode = 200;
  res.setHeader('content-type', `${asset.type}; charset=utf-8`);
  res.setHeader('cache-control', 'public, max-age=86400');
  res.end(body);
  return true;
}

const EXAMPLE = `# Welcome to CareGraph. A care agent's view of the first customers:
{
  customers(first: 5, orderBy: { field: TOTAL_SPENT, direction: DESC }) {
    totalCount
    edges { node {
      id name city
      value { totalSpent purchaseCount tier }
      rfm { code segment }
      lifetime { churnRisk clv }
      recommendations(limit: 3) { product { name } reason }
    } }
  }
}
`;

export function playgroundHtml(apiKey: string | null = null): string {
  // Without a key (production, or a page not asked for from this machine) the headers editor shows where one goes.
  const headers = JSON.stringify(JSON.stringify({ Authorization: `Bearer ${apiKey ?? '<your API key>'}` }, null, 2));
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8" />
  <title>CareGraph playground</title>
  <style>body { margin: 0; height: 100vh; } #graphiql { height: 100vh; }</style>
  <link rel="stylesheet" href="${PLAYGROUND_ASSET_PREFIX}graphiql.css" />
</head>
<body>
  <div id="graphiql">Loading the CareGraph playground...</div>
  <script src="${PLAYGROUND_ASSET_PREFIX}react.js"></script>
  <script src="${PLAYGROUND_ASSET_PREFIX}react-dom.js"></script>
  <script src="${PLAYGROUND_ASSET_PREFIX}graphiql.js"></script>
  <script src="${PLAYGROUND_ASSET_PREFIX}graphql-ws.js"></script>
  <script>
    const http = GraphiQL.createFetcher({ url: window.location.pathname });
    const wsUrl = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + location.pathname;
    // Subscriptions go over graphql-ws on the same path, with the key from the headers editor.
    const clients = new Map();
    function wsClient(authorization) {
      if (!clients.has(authorization)) clients.set(authorization, graphqlWs.createClient({ url: wsUrl, connectionParams: { authorization }, lazy: true }));
      return clients.get(authorization);
    }
    function isSubscription(params) {
      const name = params.operationName;
      const re = name ? new RegExp('\\\\bsubscription\\\\s+' + name + '\\\\b') : /(^|})\\s*subscription\\b/;
      return re.test(params.query.replace(/#[^\\n]*/g, ''));
    }
    function fetcher(params, opts) {
      if (!isSubscription(params)) return http(params, opts);
      const headers = (opts && opts.headers) || {};
      const authorization = headers.Authorization || headers.authorization || '';
      return wsClient(authorization).iterate({ query: params.query, variables: params.variables, operationName: params.operationName || undefined });
    }
    ReactDOM.createRoot(document.getElementById('graphiql')).render(
      React.createElement(GraphiQL, { fetcher, defaultQuery: ${JSON.stringify(EXAMPLE)}, defaultHeaders: ${headers}, shouldPersistHeaders: true }),
    );
  </script>
</body>
</html>`;
}
