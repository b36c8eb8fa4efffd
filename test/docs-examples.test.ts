import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, validate } from 'graphql';
import { importData } from '../src/db/import/import';
import { seedDemoIfEmpty } from '../src/db/seed/demo';
import { getSchema } from '../src/schema';
import { startTestApp, type TestApp } from './support/app';

/**
 * Every GraphQL example in README.md and docs/*.md runs against a demo server, in document order, so that
 * none can rot. Conventions inside a block: `# variables: {...}` gives its variables, `# data: cdnow` runs it
 * on the CDNOW sample instead of the demo company. Subscriptions are validated against the schema.
 */
const root = join(__dirname, '..');
const files = ['README.md', ...readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).sort().map((f) => join('docs', f))];

interface Example { file: string; line: number; source: string; variables: Record<string, unknown>; data: 'demo' | 'cdnow' }

function examples(file: string): Example[] {
  const text = readFileSync(join(root, file), 'utf8');
  const found: Example[] = [];
  const fence = /^```graphql\n([\s\S]*?)^```/gm;
  for (let m = fence.exec(text); m; m = fence.exec(text)) {
    const source = m[1];
    const vars = /^# variables: (.*)$/m.exec(source);
    found.push({
      file,
      line: text.slice(0, m.index).split('\n').length,
      source,
      variables: vars ? JSON.parse(vars[1]) : {},
      data: /^# data: cdnow$/m.test(source) ? 'cdnow' : 'demo',
    });
  }
  return found;
}

const all = files.flatMap(examples);
let demo: TestApp;
let cdnow: TestApp;

beforeAll(async () => {
  demo = await startTestApp();
  await seedDemoIfEmpty(demo.ds, 500);
  cdnow = await startTestApp();
  await importData(cdnow.ds, { format: 'cdnow', text: readFileSync(join(__dirname, 'fixtures', 'datasets', 'CDNOW_sample.txt'), 'utf8') });
}, 240_000);
afterAll(async () => {
  await demo?.close();
  await cdnow?.close();
});

test('the README and docs hold GraphQL examples', () => {
  expect(all.filter((e) => e.file === 'README.md').length).toBeGreaterThanOrEqual(5);
  expect(all.length).toBeGreaterThanOrEqual(10);
});

test.each(all.map((e) => [`${e.file}:${e.line}`, e] as const))('example %s runs without errors', async (_where, e) => {
  const document = parse(e.source);
  const isSubscription = document.definitions.some((d) => d.kind === 'OperationDefinition' && d.operation === 'subscription');
  if (isSubscription) {
    expect(validate(await getSchema(), document).map((x) => x.message)).toEqual([]);
    return;
  }
  const r = await (e.data === 'cdnow' ? cdnow : demo).gql(e.source, e.variables);
  expect(r.errors ?? []).toEqual([]);
  expect(r.status).toBe(200);
  expect(r.data).toBeTruthy();
});
