import { Gender } from '../../modules/customer/customer.entity';
import { ContactChannel, FeedbackIssue } from '../../modules/feedback/feedback.entity';
import { PurchaseStatus, SalesChannel } from '../../modules/purchase/purchase.entity';
import { cumulative, Rng, streamSeed } from './prng';
import {
  CATEGORIES, CATEGORY_AFFINITY, COUNTRIES, EMAIL_DOMAINS, FEEDBACK_COMMENTS, PRODUCT_TAGS, STRONG_PAIRS,
} from './vocabulary';

/**
 * A deterministic synthetic company: the same (customers, seed, asOf, months) always gives the same rows.
 * Customers come in batches together with their purchases, lines and feedback, so a million customers
 * stream through in flat memory; every customer draws from its own stream (seed, index), so the batch
 * size never changes the result.
 */

/** The buying behaviour a synthetic customer was drawn with (not stored; handy in tests). */
export type CustomerProfile = 'loyal' | 'big-spender' | 'bargain-hunter' | 'occasional' | 'one-off' | 'drifting' | 'prospect';

export interface SeedCustomer {
  id: number;
  name: string;
  email: string | null;
  phone: string | null;
  gender: Gender | null;
  /** YYYY-MM-DD */
  birthDate: string;
  city: string;
  country: string;
  annualIncome: number | null;
  emailOptIn: boolean;
  smsOptIn: boolean;
  tags: string[];
  createdAt: Date;
  profile: CustomerProfile;
  /**
   * The denormalised purchase statistics of customers (PurchaseService.refreshCustomerStats), over this
   * customer's COMPLETED purchases: a generated customer's purchases are all generated with it, so the
   * loader writes them with the row instead of recomputing them from the purchases table afterwards.
   */
  purchaseCount: number;
  totalSpentCents: number;
  firstPurchaseAt: Date | null;
  lastPurchaseAt: Date | null;
}

export interface SeedProduct {
  id: number;
  sku: string;
  name: string;
  category: string;
  tags: string[];
  priceCents: number;
  attributes: { brand: string; type: string; tier: 'budget' | 'standard' | 'premium' };
}

export interface SeedPurchase {
  id: number;
  customerId: number;
  purchasedAt: Date;
  channel: SalesChannel;
  status: PurchaseStatus;
  subtotalCents: number;
  discountCents: number;
  totalCents: number;
}

export interface SeedLine {
  id: number;
  purchaseId: number;
  productId: number;
  quantity: number;
  unitPriceCents: number;
}

export interface SeedFeedback {
  id: number;
  customerId: number;
  purchaseId: number;
  productId: number | null;
  score: number;
  issue: FeedbackIssue | null;
  comment: string | null;
  channel: ContactChannel;
  createdAt: Date;
}

export interface SeedBatch {
  customers: SeedCustomer[];
  purchases: SeedPurchase[];
  lines: SeedLine[];
  feedback: SeedFeedback[];
}

/** The first id each table gets (to append after existing rows). */
export interface SeedIds {
  customer: number;
  purchase: number;
  line: number;
  feedback: number;
}

export interface CompanyOptions {
  customers: number;
  /** Default 1. */
  seed?: number;
  /** The "today" of the company: nothing happens after it. */
  asOf: Date | number;
  /** Months of purchase history before asOf. Default 24. */
  months?: number;
  /** Customers per yielded batch. Default 1000. */
  batchSize?: number;
  /** First ids; default 1 for every table. */
  firstIds?: Partial<SeedIds>;
  /** Database id of catalogue item i (generateCatalogue order); default i + 1. */
  productIds?: ArrayLike<number>;
}

const DAY = 86_400_000;
const TIERS = ['budget', 'standard', 'standard', 'premium'] as const;
const TIER_PRICE = [0.7, 1, 1.15, 1.8];
const VARIANTS = 8;

/** The catalogue is the same for every seed, so that appends and re-seeds share products by sku. */
export function generateCatalogue(): SeedProduct[] {
  const rng = new Rng(20240101);
  const products: SeedProduct[] = [];
  for (const c of CATEGORIES) {
    c.types.forEach((type, ti) => {
      for (let v = 0; v < VARIANTS; v++) {
        const brandIndex = v % 4;
        const kind = type.kinds[Math.floor(v / 4) % type.kinds.length];
        const price = type.price * TIER_PRICE[brandIndex] * rng.uniform(0.85, 1.15);
        const tags = new Set<string>([c.name, type.name.replace(/ /g, '-'), TIERS[brandIndex], ...type.tags]);
        if (rng.chance(0.3)) tags.add(rng.pick(PRODUCT_TAGS));
        products.push({
          id: products.length + 1,
          sku: `${c.skuPrefix}-${String(ti + 1).padStart(2, '0')}${String(v + 1).padStart(2, '0')}`,
          name: `${c.brands[brandIndex]} ${kind}`,
          category: c.name,
          tags: [...tags],
          priceCents: psychologicalPrice(price),
          attributes: { brand: c.brands[brandIndex], type: type.name, tier: TIERS[brandIndex] },
        });
      }
    });
  }
  return products;
}

/** 2.49, 19.99: prices as shops write them. */
function psychologicalPrice(price: number): number {
  return price < 10 ? Math.max(49, Math.round(price * 10) * 10 - 1) : Math.round(price) * 100 - 1;
}

interface ProfileSpec {
  weight: number;
  /** Purchases per 30 days while active. */
  rate: [number, number];
  /** Extra basket items beyond the first (Poisson mean). */
  basket: number;
  /** Weights of the four brand tiers. */
  tiers: [number, number, number, number];
  refund: number;
  feedbackScore: number;
  incomeFactor: number;
}

const PROFILES: Record<CustomerProfile, ProfileSpec> = {
  loyal: { weight: 12, rate: [0.35, 0.7], basket: 1.5, tiers: [2, 4, 4, 2], refund: 0.02, feedbackScore: 4.5, incomeFactor: 1.1 },
  'big-spender': { weight: 5, rate: [0.22, 0.45], basket: 1.8, tiers: [0.5, 2, 3, 6], refund: 0.03, feedbackScore: 4.2, incomeFactor: 2.1 },
  'bargain-hunter': { weight: 18, rate: [0.07, 0.14], basket: 1.2, tiers: [8, 3, 1, 0.3], refund: 0.03, feedbackScore: 3.7, incomeFactor: 0.75 },
  occasional: { weight: 20, rate: [0.05, 0.11], basket: 1.1, tiers: [3, 4, 3, 1], refund: 0.03, feedbackScore: 4.0, incomeFactor: 1 },
  'one-off': { weight: 25, rate: [0, 0], basket: 1.1, tiers: [4, 4, 2, 1], refund: 0.05, feedbackScore: 3.6, incomeFactor: 0.95 },
  drifting: { weight: 16, rate: [0.22, 0.5], basket: 1.3, tiers: [3, 4, 3, 1], refund: 0.07, feedbackScore: 4.0, incomeFactor: 1 },
  prospect: { weight: 4, rate: [0, 0], basket: 0, tiers: [1, 1, 1, 1], refund: 0, feedbackScore: 4, incomeFactor: 1 },
};
const PROFILE_NAMES = Object.keys(PROFILES) as CustomerProfile[];
const PROFILE_CUM = cumulative(PROFILE_NAMES.map((p) => PROFILES[p].weight));

// Christmas shopping, quiet February; bargain hunters also wait for the January and July sales.
const SEASON = [0.9, 0.75, 0.9, 0.95, 1, 0.95, 1, 0.9, 1, 1.05, 1.5, 1.9];
const SALE_BOOST = [2.5, 1, 1, 1, 1, 1, 2.5, 1, 1, 1, 2.5, 1.5];
const SEASON_MAX = Math.max(...SEASON.map((s, m) => s * SALE_BOOST[m]));

const SALES_CHANNELS = [SalesChannel.ONLINE, SalesChannel.STORE, SalesChannel.APP, SalesChannel.MARKETPLACE, SalesChannel.PHONE];
const SALES_CHANNEL_CUM = cumulative([40, 25, 20, 10, 5]);
const CONTACT_CHANNELS = [ContactChannel.EMAIL, ContactChannel.WEB, ContactChannel.APP, ContactChannel.PHONE, ContactChannel.SMS, ContactChannel.SOCIAL];
const CONTACT_CHANNEL_CUM = cumulative([35, 25, 20, 10, 5, 5]);
const ISSUES = [FeedbackIssue.DELIVERY, FeedbackIssue.QUALITY, FeedbackIssue.PRICE, FeedbackIssue.SERVICE, FeedbackIssue.PRODUCT, FeedbackIssue.BILLING, FeedbackIssue.OTHER];
const ISSUE_CUM = {
  usual: cumulative([25, 20, 20, 15, 10, 5, 5]),
  drifting: cumulative([45, 5, 5, 35, 4, 4, 2]),
  refunded: cumulative([5, 45, 5, 5, 30, 10, 0]),
  bargain: cumulative([15, 10, 50, 10, 5, 5, 5]),
};
const COUNTRY_CUM = cumulative(COUNTRIES.map((c) => c.weight));
const CITY_CUM = COUNTRIES.map((c) => cumulative(c.cities.map(([, w]) => w)));

/** Indexes over the catalogue for fast basket drawing. */
interface CatalogueIndex {
  /** First product index of each (category, type): typeStart[c][t]. */
  typeStart: number[][];
  typeCum: Float64Array[];
  categoryCum: Float64Array;
  affinity: number[][];
  /** Per global type (category*16+type): partners with probability. */
  pairs: Map<number, { category: number; type: number; p: number }[]>;
  giftTypes: [number, number][];
  /** Category, type within the category and usual largest quantity of each catalogue item. */
  category: Uint8Array;
  type: Uint8Array;
  maxQuantity: Uint8Array;
}

function indexCatalogue(): CatalogueIndex {
  const typeStart: number[][] = [];
  let next = 0;
  for (const c of CATEGORIES) typeStart.push(c.types.map(() => (next += VARIANTS) - VARIANTS));
  const catIndex = (name: string) => CATEGORIES.findIndex((c) => c.name === name);
  const typeIndex = (c: number, name: string) => CATEGORIES[c].types.findIndex((t) => t.name === name);
  const pairs = new Map<number, { category: number; type: number; p: number }[]>();
  for (const [ca, ta, cb, tb, p] of STRONG_PAIRS) {
    const a = catIndex(ca);
    const b = catIndex(cb);
    const key = a * 16 + typeIndex(a, ta);
    pairs.set(key, [...(pairs.get(key) ?? []), { category: b, type: typeIndex(b, tb), p }]);
  }
  const affinity = CATEGORIES.map((c) =>
    CATEGORY_AFFINITY.flatMap(([x, y]) => (x === c.name ? [catIndex(y)] : y === c.name ? [catIndex(x)] : [])),
  );
  const giftTypes: [number, number][] = [];
  const category = new Uint8Array(next);
  const type = new Uint8Array(next);
  const maxQuantity = new Uint8Array(next);
  CATEGORIES.forEach((c, ci) =>
    c.types.forEach((t, ti) => {
      if (t.tags.includes('gift')) giftTypes.push([ci, ti]);
      for (let v = 0; v < VARIANTS; v++) {
        const p = typeStart[ci][ti] + v;
        category[p] = ci;
        type[p] = ti;
        maxQuantity[p] = t.maxQuantity;
      }
    }),
  );
  return {
    category,
    type,
    maxQuantity,
    typeStart,
    // Within a category the first-listed types are the staples: Zipf-like popularity.
    typeCum: CATEGORIES.map((c) => cumulative(c.types.map((_, i) => 1 / Math.pow(i + 1, 0.8)))),
    categoryCum: cumulative(CATEGORIES.map((c) => c.popularity)),
    affinity,
    pairs,
    giftTypes,
  };
}

function checkOptions(o: CompanyOptions): { asOf: number; months: number; seed: number; batchSize: number } {
  if (!Number.isInteger(o.customers) || o.customers < 0) throw new RangeError(`customers must be a non-negative integer (got ${o.customers})`);
  const seed = o.seed ?? 1;
  if (!Number.isInteger(seed)) throw new TypeError(`seed must be an integer (got ${seed})`);
  const asOf = typeof o.asOf === 'number' ? o.asOf : o.asOf?.getTime();
  if (!Number.isFinite(asOf)) throw new TypeError('asOf must be a valid Date or epoch milliseconds');
  const months = o.months ?? 24;
  if (!Number.isInteger(months) || months < 1 || months > 240) throw new RangeError(`months must be an integer from 1 to 240 (got ${months})`);
  const batchSize = o.batchSize ?? 1000;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batchSize must be a positive integer (got ${batchSize})`);
  return { asOf: Math.floor(asOf / 1000) * 1000, months, seed, batchSize };
}

/** Yields the company batch by batch: customers with all their purchases, lines and feedback. */
export function* generateCompany(options: CompanyOptions): Generator<SeedBatch> {
  const { asOf, months, seed, batchSize } = checkOptions(options);
  const catalogue = generateCatalogue();
  const productIds = options.productIds ?? catalogue.map((p) => p.id);
  if (productIds.length !== catalogue.length) throw new RangeError(`productIds must map all ${catalogue.length} catalogue items`);
  const asOfDate = new Date(asOf);
  const ctx: Context = {
    asOf,
    windowStart: Date.UTC(asOfDate.getUTCFullYear(), asOfDate.getUTCMonth() - months, asOfDate.getUTCDate()),
    catalogue,
    productIds,
    index: indexCatalogue(),
    tierCum: new Map(PROFILE_NAMES.map((p) => [p, cumulative(Array.from({ length: VARIANTS }, (_, v) => PROFILES[p].tiers[v % 4] * (v < 4 ? 1 : 0.6)))])),
  };
  const ids: SeedIds = { customer: 1, purchase: 1, line: 1, feedback: 1, ...options.firstIds };
  for (let start = 0; start < options.customers; start += batchSize) {
    const batch: SeedBatch = { customers: [], purchases: [], lines: [], feedback: [] };
    const end = Math.min(options.customers, start + batchSize);
    for (let i = start; i < end; i++) customer(ctx, new Rng(streamSeed(seed, i)), ids, batch);
    yield batch;
  }
}

interface Context {
  asOf: number;
  windowStart: number;
  catalogue: SeedProduct[];
  productIds: ArrayLike<number>;
  index: CatalogueIndex;
  tierCum: Map<CustomerProfile, Float64Array>;
}

const ascii = (s: string) => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/ß/g, 'ss').replace(/[^A-Za-z0-9]/g, '').toLowerCase();
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

function customer(ctx: Context, rng: Rng, ids: SeedIds, out: SeedBatch): void {
  const id = ids.customer++;
  const profile = PROFILE_NAMES[rng.weighted(PROFILE_CUM)];
  const spec = PROFILES[profile];
  const ci = rng.weighted(COUNTRY_CUM);
  const country = COUNTRIES[ci];
  const city = country.cities[rng.weighted(CITY_CUM[ci])][0];
  const g = rng.next();
  const gender = g < 0.49 ? Gender.FEMALE : g < 0.97 ? Gender.MALE : g < 0.99 ? Gender.OTHER : null;
  const first = rng.pick(gender === Gender.FEMALE || (gender !== Gender.MALE && rng.chance(0.5)) ? country.female : country.male);
  const last = rng.pick(country.last);
  const age = Math.min(80, Math.max(18, Math.round(41 + 14 * rng.normal())));
  const asOfDay = new Date(ctx.asOf);
  const birth = Date.UTC(asOfDay.getUTCFullYear() - age, asOfDay.getUTCMonth(), asOfDay.getUTCDate()) - rng.int(0, 364) * DAY;
  const ageCurve = age < 50 ? 0.6 + (0.65 * (age - 18)) / 32 : 1.25 - (0.45 * (age - 50)) / 30;
  const income = rng.chance(0.03)
    ? null
    : Math.round((country.medianIncome * ageCurve * spec.incomeFactor * Math.exp(0.4 * rng.normal())) / 500) * 500;
  const email = rng.chance(0.08) ? null : `${ascii(first)}.${ascii(last)}.${id}@${rng.pick(EMAIL_DOMAINS)}`;
  const phone = rng.chance(0.25) ? null : `${country.phonePrefix} ${rng.int(100, 999)} ${rng.int(1_000_000, 9_999_999)}`;
  const emailOptIn = email !== null && rng.chance(0.6);
  const smsOptIn = phone !== null && rng.chance(0.35);

  // Two or three favourite categories; young parents buy baby things, older customers rarely do.
  const catWeights = CATEGORIES.map((c) => c.popularity * (c.name === 'baby' ? (age >= 24 && age <= 42 ? 4 : age > 55 ? 0.05 : 0.5) : 1));
  const favourites: number[] = [];
  const favCount = rng.chance(0.5) ? 2 : 3;
  const catCum = cumulative(catWeights);
  while (favourites.length < favCount) {
    const c = rng.weighted(catCum);
    if (!favourites.includes(c)) favourites.push(c);
  }
  const favouriteCum = cumulative(favourites.map((_, i) => [5, 3, 2][i]));
  const preferredChannel = SALES_CHANNELS[rng.weighted(SALES_CHANNEL_CUM)];

  const times = purchaseTimes(ctx, rng, profile, spec);
  const firstPurchase = times.length ? times[0] : ctx.windowStart + rng.next() * (ctx.asOf - ctx.windowStart);
  // Customers buying from the window's first weeks mostly signed up long before it.
  const signupDays = firstPurchase - ctx.windowStart < 60 * DAY ? rng.int(0, 1095) : rng.int(0, 60);
  const createdAt = firstPurchase - signupDays * DAY - rng.int(0, 86_399) * 1000;

  const tags = new Set<string>();
  if (profile === 'big-spender' ? rng.chance(0.7) : profile === 'loyal' && rng.chance(0.2)) tags.add('vip');
  if (rng.chance(profile === 'loyal' ? 0.6 : 0.15)) tags.add('loyalty-card');
  if (profile === 'bargain-hunter' && rng.chance(0.6)) tags.add('coupon-user');
  if (age < 25 && rng.chance(0.4)) tags.add('student');
  if (emailOptIn && rng.chance(0.7)) tags.add('newsletter');
  if (rng.chance(0.08)) tags.add('referral');
  if (rng.chance(0.03)) tags.add('b2b');

  const row: SeedCustomer = {
    id, name: `${first} ${last}`, email, phone, gender, birthDate: isoDay(birth), city, country: country.code, annualIncome: income,
    emailOptIn, smsOptIn, tags: [...tags], createdAt: new Date(Math.floor(createdAt / 1000) * 1000), profile,
    purchaseCount: 0, totalSpentCents: 0, firstPurchaseAt: null, lastPurchaseAt: null,
  };
  out.customers.push(row);

  const active = { start: times[0] ?? 0, end: times[times.length - 1] ?? 0 };
  for (const t of times) {
    const channel = rng.chance(0.75) ? preferredChannel : SALES_CHANNELS[rng.weighted(SALES_CHANNEL_CUM)];
    const p = purchase(ctx, rng, ids, out, { id, profile, spec, favourites, favouriteCum, channel, t, active });
    if (p.status !== PurchaseStatus.COMPLETED) continue;
    // times are sorted: the first COMPLETED purchase is the earliest, the latest one the last.
    row.purchaseCount++;
    row.totalSpentCents += p.totalCents;
    row.firstPurchaseAt ??= p.purchasedAt;
    row.lastPurchaseAt = p.purchasedAt;
  }
}

/** Purchase instants: a Poisson process thinned by the season, between the profile's start and end. */
function purchaseTimes(ctx: Context, rng: Rng, profile: CustomerProfile, spec: ProfileSpec): number[] {
  const span = ctx.asOf - ctx.windowStart;
  const seasonal = (t: number) => {
    const m = new Date(t).getUTCMonth();
    return SEASON[m] * (profile === 'bargain-hunter' ? SALE_BOOST[m] : 1);
  };
  let start: number;
  let end = ctx.asOf;
  if (profile === 'prospect') return [];
  if (profile === 'one-off') {
    // One draw from the seasonal density (rejection sampling).
    for (;;) {
      const t = ctx.windowStart + rng.next() * span;
      if (rng.next() * SEASON_MAX < seasonal(t)) return [daytime(ctx, rng, t)];
    }
  }
  if (profile === 'drifting') {
    // They stop buying 4 to 13 months before asOf, after at least 5 active months.
    end = ctx.asOf - rng.int(120, 400) * DAY;
    start = ctx.windowStart + rng.next() * Math.max(0, end - 150 * DAY - ctx.windowStart);
  } else if (rng.chance(0.6)) {
    // Already a customer when the history window opens.
    start = ctx.windowStart;
  } else {
    const reach = { loyal: 0.5, 'big-spender': 0.7, 'bargain-hunter': 0.8, occasional: 0.9 }[profile];
    start = ctx.windowStart + rng.next() * reach * span;
  }
  const rate = rng.uniform(spec.rate[0], spec.rate[1]) / (30 * DAY);
  const times: number[] = [];
  for (let t = start + rng.exponential(rate * SEASON_MAX); t < end && times.length < 200; t += rng.exponential(rate * SEASON_MAX)) {
    if (rng.next() * SEASON_MAX < seasonal(t)) times.push(daytime(ctx, rng, t));
  }
  if (!times.length) times.push(daytime(ctx, rng, start + rng.next() * (end - start)));
  return times.sort((a, b) => a - b);
}

/** Shops are open 8:00-22:00; whole seconds, never after asOf. */
function daytime(ctx: Context, rng: Rng, t: number): number {
  const at = Math.floor(t / DAY) * DAY + rng.int(8 * 3600, 22 * 3600 - 1) * 1000;
  return at <= ctx.asOf ? at : ctx.asOf - rng.int(60, 3600) * 1000;
}

interface Shopper {
  id: number;
  profile: CustomerProfile;
  spec: ProfileSpec;
  favourites: number[];
  favouriteCum: Float64Array;
  channel: SalesChannel;
  t: number;
  active: { start: number; end: number };
}

function purchase(ctx: Context, rng: Rng, ids: SeedIds, out: SeedBatch, s: Shopper): SeedPurchase {
  const { index, catalogue } = ctx;
  const tierCum = ctx.tierCum.get(s.profile)!;
  const items: number[] = [];
  const add = (c: number, type = rng.weighted(index.typeCum[c])) => {
    const p = index.typeStart[c][type] + rng.weighted(tierCum);
    if (!items.includes(p)) items.push(p);
  };
  const anchor = rng.chance(0.75) ? s.favourites[rng.weighted(s.favouriteCum)] : rng.weighted(index.categoryCum);
  add(anchor);
  const size = 1 + poisson(rng, s.spec.basket);
  for (let tries = 0; items.length < size && tries < 3 * size; tries++) {
    const r = rng.next();
    const near = index.affinity[anchor];
    add(r < 0.45 ? anchor : r < 0.75 && near.length ? rng.pick(near) : s.favourites[rng.weighted(s.favouriteCum)]);
  }
  // Strong pairs: the partner usually of the same brand and kind (same variant), so rules see products.
  for (const p of items.slice()) {
    for (const partner of index.pairs.get(index.category[p] * 16 + index.type[p]) ?? []) {
      if (!rng.chance(partner.p)) continue;
      const q = index.typeStart[partner.category][partner.type] + (rng.chance(0.7) ? p % VARIANTS : rng.weighted(tierCum));
      if (!items.includes(q)) items.push(q);
    }
  }
  const month = new Date(s.t).getUTCMonth();
  if ((month === 10 || month === 11) && rng.chance(0.3)) {
    const [gc, gt] = rng.pick(index.giftTypes);
    add(gc, gt);
  }

  const purchaseId = ids.purchase++;
  let subtotal = 0;
  for (const p of items) {
    const product = catalogue[p];
    const maxQ = index.maxQuantity[p];
    const extra = s.profile === 'big-spender' ? 0.5 : 0.3;
    const quantity = maxQ > 1 && rng.chance(extra) ? rng.int(2, maxQ) : 1;
    subtotal += quantity * product.priceCents;
    out.lines.push({ id: ids.line++, purchaseId, productId: ctx.productIds[p], quantity, unitPriceCents: product.priceCents });
  }
  const onSale = SALE_BOOST[month] > 1;
  const discountRate = s.profile === 'bargain-hunter'
    ? (onSale && rng.chance(0.6) ? rng.uniform(0.1, 0.3) : rng.chance(0.15) ? rng.uniform(0.05, 0.1) : 0)
    : rng.chance(0.05) ? rng.uniform(0.05, 0.1) : 0;
  const discount = Math.round(subtotal * discountRate);
  const r = rng.next();
  const status = r < s.spec.refund ? PurchaseStatus.REFUNDED : r < s.spec.refund + 0.02 ? PurchaseStatus.CANCELLED : PurchaseStatus.COMPLETED;
  const row: SeedPurchase = {
    id: purchaseId, customerId: s.id, purchasedAt: new Date(s.t), channel: s.channel, status,
    subtotalCents: subtotal, discountCents: discount, totalCents: subtotal - discount,
  };
  out.purchases.push(row);
  feedback(ctx, rng, ids, out, s, purchaseId, status, items);
  return row;
}

function feedback(ctx: Context, rng: Rng, ids: SeedIds, out: SeedBatch, s: Shopper, purchaseId: number, status: PurchaseStatus, items: number[]): void {
  const unhappyPurchase = status !== PurchaseStatus.COMPLETED;
  if (!rng.chance(status === PurchaseStatus.REFUNDED ? 0.8 : status === PurchaseStatus.CANCELLED ? 0.4 : s.profile === 'drifting' ? 0.4 : 0.27)) return;
  let mean = s.spec.feedbackScore;
  // Drifting customers sour on the company before they leave.
  if (s.profile === 'drifting') mean = 4.1 - 2.6 * ((s.t - s.active.start) / Math.max(DAY, s.active.end - s.active.start));
  if (status === PurchaseStatus.REFUNDED) mean = 1.6;
  else if (status === PurchaseStatus.CANCELLED) mean = 2.5;
  const score = Math.min(5, Math.max(1, Math.round(mean + 0.8 * rng.normal())));
  let issue: FeedbackIssue | null = null;
  if (score <= 3 || rng.chance(0.05)) {
    const cum = s.profile === 'drifting' ? ISSUE_CUM.drifting : unhappyPurchase ? ISSUE_CUM.refunded : s.profile === 'bargain-hunter' ? ISSUE_CUM.bargain : ISSUE_CUM.usual;
    issue = ISSUES[rng.weighted(cum)];
  }
  const aboutProduct = issue === FeedbackIssue.QUALITY || issue === FeedbackIssue.PRODUCT || rng.chance(0.3);
  const comments = FEEDBACK_COMMENTS[issue ?? (score >= 4 ? 'GOOD' : 'OTHER')];
  const createdAt = Math.min(ctx.asOf, s.t + rng.int(1, 14) * DAY + rng.int(0, 36_000) * 1000);
  out.feedback.push({
    id: ids.feedback++, customerId: s.id, purchaseId, productId: aboutProduct ? ctx.productIds[rng.pick(items)] : null, score, issue,
    comment: rng.chance(0.6) ? rng.pick(comments) : null, channel: CONTACT_CHANNELS[rng.weighted(CONTACT_CHANNEL_CUM)], createdAt: new Date(createdAt),
  });
}

function poisson(rng: Rng, mean: number): number {
  const limit = Math.exp(-mean);
  let k = 0;
  for (let p = rng.next(); p > limit; p *= rng.next()) k++;
  return k;
}
