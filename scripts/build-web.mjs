// Bundles the insights page (web/insights) into dist/web/insights: app.js and app.css, no CDN, served by the
// server at /insights. Type-checked first (esbuild only strips types).
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const started = Date.now();
execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, 'web', 'insights', 'tsconfig.json')], { stdio: 'inherit' });
await build({
  absWorkingDir: root,
  entryPoints: [{ in: 'web/insights/main.ts', out: 'app' }, { in: 'web/insights/style.css', out: 'app' }],
  outdir: 'dist/web/insights',
  bundle: true,
  minify: true,
  format: 'iife',
  target: ['chrome110', 'firefox110', 'safari16'],
  sourcemap: 'linked',
  legalComments: 'linked',
  logLevel: 'warning',
});
if (process.argv.includes('--verbose')) console.log(`insights page built in ${Date.now() - started} ms`);
