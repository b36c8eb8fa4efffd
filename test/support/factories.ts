import type { TestApp } from './app';
import { ok } from './app';

let seq = 0;
const next = () => ++seq;

/** Builders that go through the public API, so tests exercise the same paths as clients. */
export async function makeCustomer(t: TestApp, fields: Record<string, unknown> = {}): Promise<{ id: string; name: string; email: string | null }> {
  const n = next();
  const data = ok(
    await t.gql(`mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { id name email } }`, {
      input: { name: `Customer ${n}`, email: `c${n}.${Date.now()}@example.com`, ...fields },
    }),
  );
  return data.createCustomer;
}

export async function makeProduct(t: TestApp, fields: Record<string, unknown> = {}): Promise<{ id: string; sku: string; name: string }> {
  const n = next();
  const data = ok(
    await t.gql(`mutation($input: CreateProductInput!) { createProduct(input: $input) { id sku name } }`, {
      input: { sku: `SKU-${n}-${Date.now()}`, name: `Product ${n}`, category: 'general', price: 10, ...fields },
    }),
  );
  return data.createProduct;
}

export async function makePurchase(
  t: TestApp,
  customerId: string,
  lines: { productId: string; quantity: number; unitPrice?: number }[],
  fields: Record<string, unknown> = {},
): Promise<{ id: string; total: number }> {
  const data = ok(
    await t.gql(`mutation($input: CreatePurchaseInput!) { createPurchase(input: $input) { id total } }`, {
      input: { customerId, channel: 'ONLINE', lines, ...fields },
    }),
  );
  return data.createPurchase;
}

export async function makeFeedback(t: TestApp, customerId: string, score: number, fields: Record<string, unknown> = {}): Promise<{ id: string }> {
  const data = ok(
    await t.gql(`mutation($input: CreateFeedbackInput!) { createFeedback(input: $input) { id } }`, {
      input: { customerId, score, channel: 'WEB', ...fields },
    }),
  );
  return data.createFeedback;
}
