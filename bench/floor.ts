/**
 * The floor for the plain three-level query (50 customers -> 3 latest purchases -> lines -> product):
 * node:http + mysql2, the same 4 batched statements a good GraphQL server issues, JSON written by hand.
 * Nothing can serve that response much cheaper from this database; CareGraph is reported as a ratio to it.
 * Run as a child process by bench/run.ts: PORT, DATABASE_URL.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createPool, type RowDataPacket } from 'mysql2/promise';

const PAGE = 50;
const PURCHASES_PER_CUSTOMER = 3;

const pool = createPool({ uri: process.env.DATABASE_URL, connectionLimit: 10, timezone: 'Z', supportBigNumbers: true });

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

const server = createServer((req: IncomingMessage, res: ServerResponse) => {
  if (req.url === '/healthz') return send(res, 200, '{"status":"ok"}');
  // Read the request body like a GraphQL server must, then answer the one query this server knows.
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    plainPage().then(
      (body) => send(res, 200, body),
      (err: Error) => send(res, 500, JSON.stringify({ errors: [{ message: err.message }] })),
    );
  });
});

server.listen(Number(process.env.PORT ?? 4100), '127.0.0.1');
const stop = () => server.close(() => void pool.end().then(() => process.exit(0)));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
