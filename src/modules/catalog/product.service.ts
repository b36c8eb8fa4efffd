import type { DataSource } from 'typeorm';
import { conflict, notFound } from '../../common/errors';
import { toGlobalId } from '../../common/global-id';
import { toCents } from '../../common/money';
import { paginate, SortDirection, type ConnectionResult, type PageArgs, type SortKey } from '../../common/pagination';
import { frag, hydrator, inList, selectColumns, type Fragment } from '../../common/sql';
import { dialectOf, likePattern, isUniqueViolation, type Dialect } from '../../db/dialect';
import { Product } from './product.entity';
import { ProductOrderField, type CreateProductInput, type ProductFieldsInput, type ProductFilter, type ProductOrder } from './product.inputs';

const SORTS: Record<ProductOrderField, Omit<SortKey<Product>, 'direction'>> = {
  [ProductOrderField.ID]: { expression: 'p.id', read: (p) => p.id, kind: 'number' },
  [ProductOrderField.NAME]: { expression: 'p.name', read: (p) => p.name, kind: 'string' },
  [ProductOrderField.PRICE]: { expression: 'p.price_cents', read: (p) => p.priceCents, kind: 'number' },
  [ProductOrderField.CATEGORY]: { expression: 'p.category', read: (p) => p.category, kind: 'string' },
};


function toEntityFields(input: ProductFieldsInput): Partial<Product> {
  const out: Partial<Product> = {};
  if (input.sku !== undefined) out.sku = input.sku;
  if (input.name !== undefined) out.name = input.name;
  if (input.category !== undefined) out.category = input.category;
  if (input.tags !== undefined) out.tags = input.tags;
  if (input.price !== undefined) out.priceCents = toCents(input.price);
  if (input.attributes !== undefined) out.attributes = input.attributes;
  return out;
}

/** The catalogue: products with the features content-based recommendations use. */
export class ProductService {
  private readonly dialect: Dialect;
  private readonly hydrate;
  private readonly columns: string;

  constructor(private readonly ds: DataSource) {
    this.dialect = dialectOf(ds);
    this.hydrate = hydrator(ds, Product);
    this.columns = selectColumns(ds, Product, 'p');
  }

  list(filter: ProductFilter | null = {}, order: ProductOrder | undefined, page: PageArgs): Promise<ConnectionResult<Product>> {
    filter ??= {}; // an explicit GraphQL null means no filter
    const f: Fragment[] = [frag('p.deleted_at IS NULL')];
    if (filter.search) {
      const pat = likePattern(filter.search);
      f.push(frag(`${this.dialect.like('p.name')} OR ${this.dialect.like('p.sku')}`, pat, pat));
    }
    if (filter.category) f.push(frag('p.category = ?', filter.category));
    if (filter.tag) f.push(frag(this.dialect.like('p.tags'), `%,${likePattern(filter.tag.trim().toLowerCase(), 'exact')},%`));
    if (filter.priceMin != null) f.push(frag('p.price_cents >= ?', toCents(filter.priceMin)));
    if (filter.priceMax != null) f.push(frag('p.price_cents <= ?', toCents(filter.priceMax)));
    const sort = { ...SORTS[order?.field ?? ProductOrderField.ID], direction: order?.direction ?? SortDirection.ASC };
    return paginate({ ds: this.ds, from: 'products p', alias: 'p', columns: this.columns, where: f, sort, hydrate: this.hydrate, param: (v) => v }, page);
  }

  async byIds(ids: readonly number[]): Promise<Product[]> {
    const w = inList('p.id', ids);
    return (await this.ds.query(`SELECT ${this.columns} FROM products p WHERE ${w.sql}`, w.params)).map(this.hydrate);
  }

  async get(id: number): Promise<Product> {
    const [p] = await this.byIds([id]);
    if (!p || p.deletedAt) throw notFound('Product', toGlobalId('Product', id));
    return p;
  }

  async create(input: CreateProductInput): Promise<Product> {
    const repo = this.ds.getRepository(Product);
    try {
      const saved = await repo.save(repo.create({ tags: [], ...toEntityFields(input) }));
      return repo.findOneByOrFail({ id: saved.id });
    } catch (e) {
      if (isUniqueViolation(e)) throw conflict(`a product with sku ${input.sku} already exists`, { field: 'sku' });
      throw e;
    }
  }

  async update(id: number, input: ProductFieldsInput, expectedVersion?: number): Promise<Product> {
    return this.ds.transaction(async (m) => {
      const repo = m.getRepository(Product);
      const current = await repo.findOneBy({ id });
      if (!current) throw notFound('Product', toGlobalId('Product', id));
      if (expectedVersion != null && expectedVersion !== current.version) {
        throw conflict(`product was changed by someone else (version ${current.version}, you sent ${expectedVersion})`, { currentVersion: current.version });
      }
      Object.assign(current, toEntityFields(input));
      try {
        await repo.save(current);
      } catch (e) {
        if (isUniqueViolation(e)) throw conflict(`a product with sku ${input.sku} already exists`, { field: 'sku' });
        throw e;
      }
      return repo.findOneByOrFail({ id });
    });
  }

  async upsertBySku(input: CreateProductInput): Promise<{ product: Product; created: boolean }> {
    const existing = await this.ds.getRepository(Product).findOneBy({ sku: input.sku });
    if (existing) return { product: await this.update(existing.id, input), created: false };
    return { product: await this.create(input), created: true };
  }

  async softDelete(id: number): Promise<Product> {
    const p = await this.get(id);
    await this.ds.getRepository(Product).softDelete({ id });
    return p;
  }
}
