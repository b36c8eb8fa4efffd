import { gql } from './api';
import { CUSTOMER_SAMPLE, type SampleCustomer } from './operations';

type SamplePage = NonNullable<(typeof CUSTOMER_SAMPLE)['_data']>;

/** Customers the population charts draw, read in pages of 100 (the API's bound), kept for this tab and key. */
export const SAMPLE_SIZE = 500;

let cached: { key: string | null; promise: Promise<{ total: number; customers: SampleCustomer[] }> } | null = null;

export function customerSample(key: string | null): Promise<{ total: number; customers: SampleCustomer[] }> {
  if (cached?.key !== key) cached = { key, promise: load() };
  cached.promise.catch(() => (cached = null));
  return cached.promise;
}

async function load() {
  const customers: SampleCustomer[] = [];
  let after: string | null = null;
  let total = 0;
  while (customers.length < SAMPLE_SIZE) {
    const page: SamplePage = await gql(CUSTOMER_SAMPLE, { first: Math.min(100, SAMPLE_SIZE - customers.length), after });
    const c: SamplePage['customers'] = page.customers;
    total = c.totalCount;
    customers.push(...c.nodes);
    if (!c.pageInfo.hasNextPage) break;
    after = c.pageInfo.endCursor;
  }
  return { total, customers };
}

export function sampleNote(s: { total: number; customers: SampleCustomer[] }): string {
  return s.customers.length >= s.total ? `all ${s.total} customers` : `the first ${s.customers.length} of ${s.total} customers (by id)`;
}
