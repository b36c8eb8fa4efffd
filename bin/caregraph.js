#!/usr/bin/env node
'use strict';
/**
 * The `caregraph` command (npm scripts, `npx caregraph <command>` and the Docker image use it): runs the built
 * CLI (or, for `serve`, the server) at once, and rebuilds first only when a TypeScript source is newer than
 * the build (a stat of each source file, a few ms).
 */
const { existsSync, readdirSync, statSync } = require('node:fs');
const { join } = require('node:path');
const { spawnSync } = require('node:child_process');

const root = join(__dirname, '..');
// `caregraph serve` starts the server; every other command is the CLI (src/cli.ts).
const built = join(root, 'dist', 'src', process.argv[2] === 'serve' ? 'main.js' : 'cli.js');

function newestSource(paths = ['src', 'ormconfig.ts', 'tsconfig.json', 'tsconfig.build.json']) {
  let newest = 0;
  const visit = (path) => {
    const st = statSync(path, { throwIfNoEntry: false });
    if (!st) return;
    if (st.isDirectory()) for (const name of readdirSync(path)) visit(join(path, name));
    else if (st.mtimeMs > newest && /\.(ts|json|css|mjs)$/.test(path)) newest = st.mtimeMs;
  };
  for (const p of paths) visit(join(root, p));
  return newest;
}

// An installed image ships dist without src: nothing to rebuild there.
if (existsSync(join(root, 'src')) && (!existsSync(built) || newestSource() > statSync(built).mtimeMs)) {
  console.error('caregraph: sources changed, building first ...');
  const tsc = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
  if (tsc.status !== 0) process.exit(tsc.status ?? 1);
}
// The server also serves the insights page: its bundle (dist/web/insights) is rebuilt the same way.
const page = join(root, 'dist', 'web', 'insights', 'app.js');
if (process.argv[2] === 'serve' && existsSync(join(root, 'web', 'insights')) && (!existsSync(page) || newestSource(['web', 'scripts/build-web.mjs']) > statSync(page).mtimeMs)) {
  console.error('caregraph: insights page changed, bundling first ...');
  const web = spawnSync(process.execPath, [join(root, 'scripts', 'build-web.mjs')], { stdio: 'inherit' });
  if (web.status !== 0) process.exit(web.status ?? 1);
}
require(built);
