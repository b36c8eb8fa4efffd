/**
 * The hand-written floors, node:http + mysql2, one per query the bench compares CareGraph with:
 * - `query Plain`: the plain three-level query (50 customers -> 3 latest purchases -> lines -> product),
 *   the same 4 batched statements a good GraphQL server issues, JSON written by hand;
 * - `query CustomerPage`: workload 1, CareGraph's own statements and analytics without GraphQL (floor-page.ts).
 * Nothing can serve those responses much cheaper from this database; CareGraph is reported as a ratio to them.
 * Run as a child process by bench/run.ts: PORT, DATABASE_URL.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createPool, type RowDataPacket } from 'mysql2/promise';
import { customerPage, PageModels } from './floor-page';

const PAGE = 50;
const PURCHASES_PER_CUSTOMER = 3;

// As CareGraph's pool (ormconfig.ts); DATE columns as 'YYYY-MM-DD', the form CareGraph's entities hold them in.
const pool = createPool({ uri: process.env.DATABASE_URL, connectionLimit: 10, timezone: 'Z', supportBigNumbers: true, dateStrings: ['DATE'] });
const models = new PageModels(pool);

const gid = (type: string, id: number) => Buffer.from(`${type}:${id}`).toString('base64');
const str = (s: string | null) => (s === null ? 'null' : JSON.stringify(s));
const money = (cents: number) => String(cents / 100);
const placeholders = (n: number) => new Array(n).fill('?').join(',');

async function plainPage(): Promise<string> {
  const [customers] = await pool.query<RowDataPacket[]>(
    `SELECT id, name, email, city FROM customers WHERE deleted_at IS NULL ORDER BY id ASC LIMIT ${PAGE + 1}`,
  );
  if (customers.length > PAGE) customers.pop();
  const customerIds = customers.map((c) => c.id as number);
  const [purchases] = customerIds.length
    ? await pool.query<RowDataPacket[]>(
        `SELECT * FROM (SELECT id, customer_id, purchased_at, total_cents, ROW_NUMBER() OVER (PARTITION BY customer_id ORDER BY purchased_at DESC, id DESC) AS rn
           FROM purchases WHERE customer_id IN (${placeholders(customerIds.length)}) AND deleted_at IS NULL) ranked
         WHERE rn <= ${PURCHASES_PER_CUSTOMER} ORDER BY rn`,
        customerIds,
      )
    : [[] as RowDataPacket[]];
  const purchaseIds = purchases.map((p) => p.id as number);
  const [lines] = purchaseIds.length
    ? await pool.query<RowDataPacket[]>(
        `SELECT purchase_id, product_id, quantity, unit_price_cents FROM purchase_lines WHERE purchase_id IN (${placeholders(purchaseIds.length)}) ORDER BY id`,
        purchaseIds,
      )
    : [[] as RowDataPacket[]];
  const productIds = [...new Set(lines.map((l) => l.product_id as number))];
  const [products] = productIds.length
    ? await pool.query<RowDataPacket[]>(
        `SELECT id, name, category, price_cents FROM products WHERE id IN (${placeholders(productIds.length)})`,
        productIds,
      )
    : [[] as RowDataPacket[]];

  const productJson = new Map<number, string>();
  for (const p of products) {
    productJson.set(p.id, `{"id":"${gid('Product', p.id)}","name":${str(p.name)},"category":${str(p.category)},"price":${money(p.price_cents)}}`);
  }
  const linesOf = new Map<number, string[]>();
  for (const l of lines) {
    const json = `{"quantity":${l.quantity},"unitPrice":${money(l.unit_price_cents)},"product":${productJson.get(l.product_id) ?? 'null'}}`;
    const list = linesOf.get(l.purchase_id);
    if (list) list.push(json);
    else linesOf.set(l.purchase_id, [json]);
  }
  const purchasesOf = new Map<number, string[]>();
  for (const p of purchases) {
    const json = `{"id":"${gid('Purchase', p.id)}","purchasedAt":"${(p.purchased_at as Date).toISOString()}","total":${money(p.total_cents)},"lines":[${(linesOf.get(p.id) ?? []).join(',')}]}`;
    const list = purchasesOf.get(p.customer_id);
    if (list) list.push(json);
    else purchasesOf.set(p.customer_id, [json]);
  }
  const nodes = customers.map(
    (c) =>
      `{"id":"${gid('Customer', c.id)}","name":${str(c.name)},"email":${str(c.email)},"city":${str(c.city)},"purchases":{"nodes":[${(purchasesOf.get(c.id) ?? []).join(',')}]}}`,
  );
  return `{"data":{"customers":{"nodes":[${nodes.join(',')}]}}}`;
}

function send(res: ServerResponse, status: number, body: string) {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/** The answer to a request body: the operation named in its query picks the page; nothing else is read of it. */
function answer(raw: string): Promise<string> {
  const { query, variables } = JSON.parse(raw) as { query?: string; variables?: { first?: number } };
  const operation = /^\s*query\s+(\w+)/.exec(query ?? '')?.[1];
  if (operation === 'Plain') return plainPage();
  if (operation === 'CustomerPage') {
    const first = variables?.first ?? NaN;
    if (!Number.isInteger(first) || first < 0 || first > 100) throw new Error('first must be an integer from 0 to 100');
    return customerPage(pool, models, first);
  }
  throw new Error(`the floor serves only the operations Plain and CustomerPage, not ${operation ?? 'this query'}`);
}

const server = createServer((req: IncomingMessage, res: ServerResponse) => {
  if (req.url === '/healthz') return send(res, 200, '{"status":"ok"}');
  // Read the request body like a GraphQL server must, then answer the query it names.
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    Promise.resolve()
      .then(() => answer(Buffer.concat(chunks).toString('utf8')))
      .then(
        (body) => send(res, 200, body),
        (err: Error) => send(res, 500, JSON.stringify({ errors: [{ message: err.message }] })),
      );
  });
});

server.listen(Number(process.env.PORT ?? 4100), '127.0.0.1');
const stop = () => server.close(() => void pool.end().then(() => process.exit(0)));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
