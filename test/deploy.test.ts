import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Docker does not run on the machines this project is built on, so the production image's Dockerfile is
 * checked here by reading it; docker-compose.yml is validated by `docker-compose config` in .ci/run.
 */
const root = join(__dirname, '..');
const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8').replace(/\\\n/g, ' ');
const stages = dockerfile.split(/^FROM /m).slice(1).map((s) => `FROM ${s}`);
const final = stages[stages.length - 1];

test('the image is a multi-stage build whose final stage holds production dependencies only', () => {
  expect(stages.length).toBeGreaterThanOrEqual(2);
  expect(dockerfile).toMatch(/npm ci --omit=dev/);
  // The final stage takes node_modules from the stage that installed without dev dependencies.
  const depsStage = stages.find((s) => /npm ci --omit=dev/.test(s))!;
  const depsName = /^FROM \S+ AS (\S+)/m.exec(depsStage)![1];
  expect(final).toMatch(new RegExp(`COPY --from=${depsName} /app/node_modules`));
  expect(final).not.toMatch(/npm ci(?! --omit=dev)/);
  expect(final).not.toMatch(/g\+\+|build-essential/);
  expect(final).toMatch(/FROM node:20[^\s]*-slim/);
});

test('the final stage runs as a non-root user in production mode with a health check on /readyz', () => {
  expect(final).toMatch(/^USER (?!root)\S+/m);
  expect(final).toMatch(/NODE_ENV=production/);
  expect(final).toMatch(/HEALTHCHECK[^\n]*\/readyz/);
  expect(final).toMatch(/HOST=0\.0\.0\.0/);
});

test('every file the Dockerfile copies from the build context exists', () => {
  for (const m of dockerfile.matchAll(/^COPY (?!--from)([^\n]+)$/gm)) {
    const sources = m[1].trim().split(/\s+/).slice(0, -1);
    for (const s of sources) expect([s, existsSync(join(root, s))]).toEqual([s, true]);
  }
});

test('the caregraph command runs the built CLI without building when nothing changed', () => {
  const dir = mkdtempSync(join(tmpdir(), 'caregraph-cli-'));
  try {
    const run = spawnSync(process.execPath, [join(root, 'bin', 'caregraph.js'), 'apikey', 'list'], {
      cwd: dir, encoding: 'utf8', env: { ...process.env, DATABASE_URL: `sqlite:${join(dir, 'cli.sqlite')}` },
    });
    expect(run.stderr).not.toMatch(/building first/);
    expect(run.status).toBe(0);
    expect(run.stdout.split('\n')[0]).toBe('id\trole\tname\tkey starts\tstatus');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
