import { startTestApp, ok, type TestApp } from './support/app';
import { makeCustomer } from './support/factories';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

test('creates a customer and lists it', async () => {
  const c = await makeCustomer(t, { country: 'DE' });
  const data = ok(await t.gql(`{ customers(first: 5) { totalCount edges { node { id name country } } } }`));
  expect(data.customers.totalCount).toBe(1);
  expect(data.customers.edges[0].node).toEqual({ id: c.id, name: c.name, country: 'DE' });
});
