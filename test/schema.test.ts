import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { printContract } from '../src/schema';

test('schema.graphql is exactly the SDL the code emits (run `npm run schema:emit` after changing the API)', async () => {
  const committed = readFileSync(join(__dirname, '..', 'schema.graphql'), 'utf8');
  expect(await printContract()).toBe(committed);
});
