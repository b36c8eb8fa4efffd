import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * The insights page: a static single-page app bundled at build time from web/insights (scripts/build-web.mjs,
 * ECharts from npm, no CDN) into dist/web/insights, and served here on the API's own port. It is an ordinary
 * client of /graphql; the HTML is written per request only to hand a loopback page the development key.
 */
export const INSIGHTS_PATH = '/insights';
export const INSIGHTS_ASSET_PREFIX = '/insights/assets/';

const ASSETS: Record<string, string> = {
  'app.js': 'text/javascript; charset=utf-8',
  'app.css': 'text/css; charset=utf-8',
  'app.js.map': 'application/json; charset=utf-8',
  'app.css.map': 'application/json; charset=utf-8',
  'app.js.LEGAL.txt': 'text/plain; charset=utf-8',
};

/** dist/web/insights beside the built server (dist/src), or the build's output when running from the sources (tests). */
function bundleDir(): string | null {
  for (const dir of [join(__dirname, '..', 'web', 'insights'), join(__dirname, '..', 'dist', 'web', 'insights')]) {
    if (existsSync(join(dir, 'app.js'))) return dir;
  }
  return null;
}

const cache = new Map<string, { body: Buffer; gzip: Buffer }>();

/** No script but our own, no request outside this origin: the page works offline, and a foreign script cannot run. */
const CSP = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; "
  + "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

export function serveInsightsAsset(name: string, req: IncomingMessage, res: ServerResponse): boolean {
  const type = ASSETS[name];
  const dir = bundleDir();
  if (!type || !dir) return false;
  let asset = cache.get(name);
  if (!asset) {
    const body = readFileSync(join(dir, name));
    asset = { body, gzip: gzipSync(body) };
    cache.set(name, asset);
  }
  const gzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
  res.statusCode = 200;
  res.setHeader('content-type', type);
  res.setHeader('cache-control', 'no-cache');
  res.setHeader('x-content-type-options', 'nosniff');
  res.setHeader('vary', 'Accept-Encoding');
  if (gzip) res.setHeader('content-encoding', 'gzip');
  res.end(gzip ? asset.gzip : asset.body);
  return true;
}

const escapeAttr = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

export function serveInsightsPage(res: ServerResponse, apiKey: string | null): void {
  const built = bundleDir() !== null;
  res.statusCode = built ? 200 : 503;
  res.setHeader('content-type', 'text/html; charset=utf-8');
  res.setHeader('cache-control', 'no-store');
  res.setHeader('content-security-policy', CSP);
  res.setHeader('x-content-type-options', 'nosniff');
  res.setHeader('referrer-policy', 'no-referrer');
  res.end(insightsHtml(built ? apiKey : null, built));
}

export function insightsHtml(apiKey: string | null, built = true): string {
  // The development key goes in a meta element (read by the page's script), so the CSP needs no inline script.
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8" />
  <meta name="viewport" content="width=device-width, initial-scale=1" />
  <title>CareGraph insights</title>
  <link rel="icon" href="data:," />
  ${apiKey ? `<meta name="caregraph-dev-key" content="${escapeAttr(apiKey)}" />` : ''}
  <link rel="stylesheet" href="${INSIGHTS_ASSET_PREFIX}app.css" />
</head>
<body>
  ${built ? `<p>Loading CareGraph insights…</p>\n  <noscript>The insights page needs JavaScript.</noscript>\n  <script src="${INSIGHTS_ASSET_PREFIX}app.js"></script>`
    : '<p>The insights page is not built: run <code>npm run build</code> and restart the server.</p>'}
</body>
</html>`;
}
