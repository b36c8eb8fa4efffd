import { startTestApp, ok, type TestApp } from './support/app';
import { makeProduct } from './support/factories';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

const dbId = (globalId: string) => Number(Buffer.from(globalId, 'base64').toString('utf8').split(':')[1]);

interface Row {
  id: string;
  sku: string;
  name: string;
  category: string;
  price: number;
  tags: string[];
}
const FIELDS = 'id sku name category price tags';

async function allProducts(): Promise<Row[]> {
  return ok(await t.gql(`{ products(first: 100) { nodes { ${FIELDS} } } }`)).products.nodes;
}

type Field = 'ID' | 'NAME' | 'PRICE' | 'CATEGORY';
type Dir = 'ASC' | 'DESC';

function expectedOrder(rows: Row[], field: Field, dir: Dir): string[] {
  const key = (r: Row) => (field === 'ID' ? dbId(r.id) : field === 'NAME' ? r.name : field === 'PRICE' ? r.price : r.category);
  const sign = dir === 'ASC' ? 1 : -1;
  return [...rows]
    .sort((a, b) => {
      const ka = key(a);
      const kb = key(b);
      if (ka !== kb) return (ka < kb ? -1 : 1) * sign;
      return (dbId(a.id) - dbId(b.id)) * sign;
    })
    .map((r) => r.id);
}

/** The parts of a connection the paging tests read. */
interface Conn {
  totalCount: number;
  edges: { cursor: string; node: { id: string } }[];
  nodes: { id: string }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
}

const PAGE = 'totalCount edges { node { id } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor }';

async function walk(field: Field, dir: Dir, size: number, backward: boolean): Promise<string[]> {
  let ids: string[] = [];
  let cursor: string | null = null;
  for (let guard = 0; guard < 50; guard++) {
    const args = backward ? `last: ${size}, before: $c` : `first: ${size}, after: $c`;
    const conn: Conn = ok(await t.gql(`query($c: String) { products(${args}, orderBy: { field: ${field}, direction: ${dir} }) { ${PAGE} } }`, { c: cursor })).products;
    const page = conn.edges.map((e: { node: { id: string } }) => e.node.id);
    ids = backward ? [...page, ...ids] : [...ids, ...page];
    const more = backward ? conn.pageInfo.hasPreviousPage : conn.pageInfo.hasNextPage;
    if (!more) return ids;
    cursor = backward ? conn.pageInfo.startCursor : conn.pageInfo.endCursor;
  }
  throw new Error('walk did not end');
}

describe('ordering', () => {
  beforeAll(async () => {
    const specs: [string, string, number][] = [
      ['Kettle', 'kitchen', 12.5], ['Apron', 'kitchen', 9.99], ['Blender', 'kitchen', 49], ['Kettle', 'kitchen', 12.5],
      ['Lamp', 'home', 30], ['Rug', 'home', 120], ['Vase', 'home', 9.99], ['Pillow', 'home', 15],
      ['Tent', 'outdoor', 199.95], ['Lantern', 'outdoor', 30], ['Stove', 'outdoor', 89.9], ['Apron', 'garden', 0],
    ];
    for (const [name, category, price] of specs) await makeProduct(t, { name, category, price });
  });

  for (const field of ['ID', 'NAME', 'PRICE', 'CATEGORY'] as Field[]) {
    for (const dir of ['ASC', 'DESC'] as Dir[]) {
      test(`${field} ${dir}: walking forwards and backwards gives the full sorted list`, async () => {
        const expected = expectedOrder(await allProducts(), field, dir);
        expect(expected).toHaveLength(12);
        expect(await walk(field, dir, 5, false)).toEqual(expected);
        expect(await walk(field, dir, 3, true)).toEqual(expected);
      });
    }
  }

  test('prices round-trip exactly', async () => {
    const rows = await allProducts();
    expect(rows.map((r) => r.price).sort((a, b) => a - b)).toEqual([0, 9.99, 9.99, 12.5, 12.5, 15, 30, 30, 49, 89.9, 120, 199.95]);
  });
});

describe('filters', () => {
  beforeAll(async () => {
    await makeProduct(t, { sku: 'PCT-100', name: 'Discount 100% Bundle', category: 'deals', price: 5, tags: ['Sale', 'bundle'] });
    await makeProduct(t, { sku: 'PCT-1000', name: 'Discount 1000 Bundle', category: 'deals', price: 25.5, tags: ['sale'] });
    await makeProduct(t, { sku: 'snake_case-1', name: 'Plain Widget', category: 'tools', price: 25.49, tags: ['on_sale'] });
    await makeProduct(t, { sku: 'snakeXcase-1', name: 'Other Widget', category: 'tools', price: 25.51, tags: ['onXsale'] });
  });

  async function expectFilter(filter: string, predicate: (r: Row) => boolean, atLeast = 1) {
    const rows = await allProducts();
    const expected = rows.filter(predicate).map((r) => r.id).sort();
    expect(expected.length).toBeGreaterThanOrEqual(atLeast);
    expect(expected.length).toBeLessThan(rows.length);
    const data = ok(await t.gql(`{ products(first: 100, filter: ${filter}) { totalCount nodes { id } } }`));
    expect(data.products.nodes.map((n: { id: string }) => n.id).sort()).toEqual(expected);
    expect(data.products.totalCount).toBe(expected.length);
  }
  const has = (r: Row, s: string) => r.name.toLowerCase().includes(s.toLowerCase()) || r.sku.toLowerCase().includes(s.toLowerCase());

  test('search in name and sku, case-insensitive', async () => {
    await expectFilter(`{ search: "widget" }`, (r) => has(r, 'widget'), 2);
    await expectFilter(`{ search: "pct-10" }`, (r) => has(r, 'pct-10'), 2);
    await expectFilter(`{ search: "KETTLE" }`, (r) => has(r, 'kettle'), 2);
  });

  test("search treats '%' and '_' literally", async () => {
    await expectFilter(`{ search: "100%" }`, (r) => has(r, '100%'), 1);
    await expectFilter(`{ search: "e_c" }`, (r) => has(r, 'e_c'), 1);
    const one = ok(await t.gql(`{ a: products(filter: { search: "100%" }) { nodes { sku } } b: products(filter: { search: "e_c" }) { nodes { sku } } }`));
    expect(one).toEqual({ a: { nodes: [{ sku: 'PCT-100' }] }, b: { nodes: [{ sku: 'snake_case-1' }] } });
  });

  test('category', async () => {
    await expectFilter(`{ category: "kitchen" }`, (r) => r.category === 'kitchen', 4);
    await expectFilter(`{ category: "deals" }`, (r) => r.category === 'deals', 2);
  });

  test('tag: a whole tag, any case, _ literal', async () => {
    await expectFilter(`{ tag: "SALE" }`, (r) => r.tags.includes('sale'), 2);
    await expectFilter(`{ tag: "on_sale" }`, (r) => r.tags.includes('on_sale'), 1);
    const none = ok(await t.gql(`{ products(filter: { tag: "sal" }) { totalCount } }`));
    expect(none.products.totalCount).toBe(0);
  });

  test('priceMin and priceMax are inclusive, to the cent', async () => {
    await expectFilter(`{ priceMin: 25.5 }`, (r) => r.price >= 25.5, 3);
    await expectFilter(`{ priceMax: 25.5 }`, (r) => r.price <= 25.5, 3);
    await expectFilter(`{ priceMin: 25.49, priceMax: 25.51 }`, (r) => r.price >= 25.49 && r.price <= 25.51, 3);
    await expectFilter(`{ priceMin: 9.99, priceMax: 9.99 }`, (r) => r.price === 9.99, 2);
    await expectFilter(`{ priceMax: 0 }`, (r) => r.price === 0, 1);
  });

  test('filters combine with AND', async () => {
    await expectFilter(`{ category: "deals", tag: "sale", priceMax: 10 }`, (r) => r.category === 'deals' && r.tags.includes('sale') && r.price <= 10, 1);
    await expectFilter(`{ search: "widget", priceMin: 25.5 }`, (r) => has(r, 'widget') && r.price >= 25.5, 1);
  });
});

describe('product(id), node(id) and writes', () => {
  test('createProduct stores attributes and normalised tags; product() and node() find it', async () => {
    const data = ok(
      await t.gql(`mutation($i: CreateProductInput!) { createProduct(input: $i) { id sku name category price tags attributes version } }`, {
        i: { sku: 'ATTR-1', name: 'Shoe', category: 'fashion', price: 79.95, tags: ['Running', 'running', 'Men'], attributes: { brand: 'Acme', size: 42, colours: ['red'] } },
      }),
    ).createProduct;
    expect(data).toMatchObject({ sku: 'ATTR-1', name: 'Shoe', category: 'fashion', price: 79.95, tags: ['running', 'men'], attributes: { brand: 'Acme', size: 42, colours: ['red'] } });
    const got = ok(await t.gql(`query($id: ID!) { product(id: $id) { id name } node(id: $id) { __typename id ... on Product { sku price } } }`, { id: data.id }));
    expect(got).toEqual({ product: { id: data.id, name: 'Shoe' }, node: { __typename: 'Product', id: data.id, sku: 'ATTR-1', price: 79.95 } });
  });

  test('upsertProduct creates by sku, then updates the same product', async () => {
    const m = `mutation($i: CreateProductInput!) { upsertProduct(input: $i) { created product { id sku name price version } } }`;
    const first = ok(await t.gql(m, { i: { sku: 'UPS-1', name: 'Mug', category: 'kitchen', price: 4.2 } })).upsertProduct;
    expect(first).toMatchObject({ created: true, product: { sku: 'UPS-1', name: 'Mug', price: 4.2 } });
    const second = ok(await t.gql(m, { i: { sku: 'UPS-1', name: 'Big Mug', category: 'kitchen', price: 5.3 } })).upsertProduct;
    expect(second).toMatchObject({ created: false, product: { id: first.product.id, name: 'Big Mug', price: 5.3, version: first.product.version + 1 } });
    const count = ok(await t.gql(`{ products(filter: { search: "UPS-1" }) { totalCount } }`));
    expect(count.products.totalCount).toBe(1);
  });

  test('updateProduct with a stale version is CONFLICT and changes nothing', async () => {
    const p = await makeProduct(t, { name: 'Versioned', price: 3 });
    const m = `mutation($i: UpdateProductInput!) { updateProduct(input: $i) { id name price version } }`;
    const v = ok(await t.gql(`query($id: ID!) { product(id: $id) { version } }`, { id: p.id })).product.version;
    const updated = ok(await t.gql(m, { i: { id: p.id, price: 3.3, version: v } })).updateProduct;
    expect(updated).toEqual({ id: p.id, name: 'Versioned', price: 3.3, version: v + 1 });
    const stale = await t.gql(m, { i: { id: p.id, name: 'Lost update', version: v } });
    expect(stale.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect(ok(await t.gql(`query($id: ID!) { product(id: $id) { name } }`, { id: p.id })).product.name).toBe('Versioned');
  });

  test('a duplicate sku is CONFLICT', async () => {
    await makeProduct(t, { sku: 'DUP-SKU' });
    const r = await t.gql(`mutation { createProduct(input: { sku: "DUP-SKU", name: "x", category: "y", price: 1 }) { id } }`);
    expect(r.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect(r.errors?.[0]?.message).toMatch(/DUP-SKU/);
  });

  test('deleteProduct hides it from lists, product() and node()', async () => {
    const p = await makeProduct(t, { sku: 'GONE-1', name: 'Gone' });
    ok(await t.gql(`mutation($id: ID!) { deleteProduct(id: $id) { id } }`, { id: p.id }));
    const data = ok(await t.gql(`query($id: ID!) { product(id: $id) { id } node(id: $id) { id } products(filter: { search: "GONE-1" }) { totalCount } }`, { id: p.id }));
    expect(data).toEqual({ product: null, node: null, products: { totalCount: 0 } });
  });
});
