import { IsNull, type DataSource, type EntityManager } from 'typeorm';
import { AppError, badInput, conflict, ErrorCode, notFound } from '../../../common/errors';
import { expectGlobalId, toGlobalId } from '../../../common/global-id';
import { toCents } from '../../../common/money';
import { paginate, SortDirection, type ConnectionResult, type PageArgs, type SortKey } from '../../../common/pagination';
import { frag, hydrator, inList, selectColumns, type Fragment } from '../../../common/sql';
import { insertRows } from '../../../db/bulk';
import { dialectOf, type Dialect } from '../../../db/dialect';
import { PurchaseStatus } from '../../purchase/purchase.entity';
import type { CouponRedeemer } from '../../purchase/purchase.service';
import { InteractionChannel, InteractionDirection } from '../interaction/interaction.entity';
import type { InteractionService } from '../interaction/interaction.service';
import { consents, type AudienceMember, type AudienceService } from './audience.service';
import { Campaign, CampaignType, Coupon, type AudienceSpec } from './campaign.entity';
import type { AudienceInput, CampaignFilter, CouponFilter, CreateCampaignInput } from './campaign.inputs';
import { couponCode, MAX_CAMPAIGN_ID, normalizeCode } from './coupon-code';

export interface LaunchResult {
  audience: number;
  issued: number;
  alreadyIssued: number;
  skippedNoConsent: number;
}

export interface CampaignResultRow {
  issued: number;
  redeemed: number;
  revenueCents: number;
}

export interface AudiencePreview {
  totalCount: number;
  consentedCount: number | null;
  customerIds: number[];
}

/** Campaigns and their coupons: audience preview, bulk issuing on launch, redemption rules, results. */
export class CampaignService implements CouponRedeemer {
  private readonly dialect: Dialect;
  private readonly hydrate;
  private readonly hydrateCoupon;
  private readonly columns: string;
  private readonly couponColumns: string;

  constructor(
    private readonly ds: DataSource,
    private readonly audience: AudienceService,
    private readonly interactions: InteractionService,
  ) {
    this.dialect = dialectOf(ds);
    this.hydrate = hydrator(ds, Campaign);
    this.hydrateCoupon = hydrator(ds, Coupon);
    this.columns = selectColumns(ds, Campaign, 'k');
    this.couponColumns = selectColumns(ds, Coupon, 'cp');
  }

  private param = (v: unknown) => (v instanceof Date ? this.dialect.date(v) : v);

  specOf(input: AudienceInput): AudienceSpec {
    return this.audience.check({
      segmentId: input.segmentId ?? null,
      rfmSegment: input.rfmSegment ?? null,
      churnRiskAbove: input.churnRiskAbove ?? null,
      valueTier: input.valueTier ?? null,
      customerIds: input.customerIds?.length ? [...new Set(input.customerIds.map((id, i) => expectGlobalId(id, 'Customer', `audience.customerIds[${i}]`)))] : null,
    });
  }

  list(filter: CampaignFilter | null | undefined, page: PageArgs, now = new Date()): Promise<ConnectionResult<Campaign>> {
    filter ??= {}; // an explicit GraphQL null means no filter
    const f: Fragment[] = [];
    if (filter.active != null) {
      const active = frag('k.starts_at <= ? AND k.ends_at > ?', this.dialect.date(now), this.dialect.date(now));
      f.push(filter.active ? active : { sql: `NOT (${active.sql})`, params: active.params });
    }
    if (filter.type) f.push(frag('k.type = ?', filter.type));
    if (filter.channel) f.push(frag('k.channel = ?', filter.channel));
    if (filter.launched != null) f.push(frag(filter.launched ? 'k.launched_at IS NOT NULL' : 'k.launched_at IS NULL'));
    const sort: SortKey<Campaign> = { expression: 'k.starts_at', read: (k) => k.startsAt, kind: 'date', direction: SortDirection.DESC };
    return paginate({ ds: this.ds, from: 'campaigns k', alias: 'k', columns: this.columns, where: f, sort, hydrate: this.hydrate, param: this.param }, page);
  }

  async byIds(ids: readonly number[]): Promise<Campaign[]> {
    const w = inList('k.id', ids);
    return (await this.ds.query(`SELECT ${this.columns} FROM campaigns k WHERE ${w.sql}`, w.params)).map(this.hydrate);
  }

  async get(id: number): Promise<Campaign> {
    const [k] = await this.byIds([id]);
    if (!k) throw notFound('Campaign', toGlobalId('Campaign', id));
    return k;
  }

  /** Campaigns whose validity window contains `at`, the soonest to end first. */
  async activeAt(at: Date): Promise<Campaign[]> {
    const d = this.dialect.date(at);
    return (await this.ds.query(`SELECT ${this.columns} FROM campaigns k WHERE k.starts_at <= ? AND k.ends_at > ? ORDER BY k.ends_at, k.id`, [d, d])).map(this.hydrate);
  }

  async create(input: CreateCampaignInput): Promise<Campaign> {
    if (!(input.endsAt.getTime() > input.startsAt.getTime())) throw badInput('endsAt must be after startsAt');
    if (input.discountPercent != null && input.discountAmount != null) throw badInput('give discountPercent or discountAmount, not both');
    if (input.type !== CampaignType.PROMOTION && input.discountPercent == null && input.discountAmount == null) {
      throw badInput(`a ${input.type} campaign needs discountPercent or discountAmount`);
    }
    const audience = this.specOf(input.audience);
    const repo = this.ds.getRepository(Campaign);
    const saved = await repo.save(
      repo.create({
        name: input.name, type: input.type, channel: input.channel, startsAt: input.startsAt, endsAt: input.endsAt,
        discountPercent: input.discountPercent ?? null, discountAmountCents: input.discountAmount != null ? toCents(input.discountAmount) : null,
        codePrefix: input.codePrefix, audience, launchedAt: null,
      }),
    );
    if (saved.id > MAX_CAMPAIGN_ID) throw new AppError(ErrorCode.INTERNAL_SERVER_ERROR, 'campaign ids are exhausted for coupon codes');
    return this.get(saved.id);
  }

  /** How many customers an audience holds (and how many consented to the channel), with the first of them. */
  async preview(spec: AudienceSpec, channel: Campaign['channel'] | null, first: number): Promise<AudiencePreview> {
    const members = await this.audience.members(spec);
    return {
      totalCount: members.length,
      consentedCount: channel ? members.filter((m) => consents(m, channel)).length : null,
      customerIds: members.slice(0, first).map((m) => m.id),
    };
  }

  /**
   * Issues one coupon to every consenting member of the audience who has none yet, and logs the send as an
   * OUTBOUND interaction: multi-row INSERTs in one transaction. Relaunching only issues to newcomers.
   */
  async launch(id: number, now = new Date()): Promise<LaunchResult> {
    const campaign = await this.get(id);
    if (now.getTime() >= campaign.endsAt.getTime()) throw badInput(`campaign ended at ${campaign.endsAt.toISOString()}; it can no longer be launched`);
    const members = await this.audience.members(campaign.audience);
    const reachable = members.filter((m) => consents(m, campaign.channel));
    const { issued, alreadyIssued } = await this.ds.transaction(async (m) => {
      // Concurrent launches of one campaign queue on its row (MySQL); SQLite has a single writer anyway.
      await m.getRepository(Campaign).findOne({ where: { id }, lock: this.dialect.rowLocks ? { mode: 'pessimistic_write' } : undefined });
      const held = new Set<number>((await m.query('SELECT customer_id FROM coupons WHERE campaign_id = ?', [id])).map((r: { customer_id: number }) => Number(r.customer_id)));
      const fresh = reachable.filter((c) => !held.has(c.id));
      await this.issue(m, campaign, fresh, now);
      await m.getRepository(Campaign).update({ id }, { launchedAt: now });
      return { issued: fresh.length, alreadyIssued: reachable.length - fresh.length };
    });
    return { audience: members.length, issued, alreadyIssued, skippedNoConsent: members.length - reachable.length };
  }

  private async issue(m: EntityManager, campaign: Campaign, to: AudienceMember[], now: Date): Promise<void> {
    const codes = new Map(to.map((c) => [c.id, couponCode(campaign.codePrefix, campaign.id, c.id)]));
    const at = this.dialect.date(now);
    await insertRows(m, this.dialect, 'coupons', ['code', 'campaign_id', 'customer_id', 'issued_at'], to.flatMap((c) => [codes.get(c.id), campaign.id, c.id, at]));
    const channel = campaign.channel === 'EMAIL' ? InteractionChannel.EMAIL : InteractionChannel.SMS;
    await this.interactions.logMany(
      to.map((c) => ({
        customerId: c.id, channel, direction: InteractionDirection.OUTBOUND, subject: `${campaign.name}: your code ${codes.get(c.id)}`,
        occurredAt: now, agent: 'campaign', campaignId: campaign.id,
      })),
      m,
    );
  }

  /** Issued, redeemed and revenue of the redeeming (COMPLETED) purchases per campaign: one GROUP BY. */
  async results(campaignIds: readonly number[]): Promise<Map<number, CampaignResultRow>> {
    const w = inList('cp.campaign_id', campaignIds);
    const rows: Record<string, unknown>[] = await this.ds.query(
      `SELECT cp.campaign_id AS cid, COUNT(*) AS issued, COUNT(cp.redeemed_at) AS redeemed, ` +
        `SUM(CASE WHEN p.status = 'COMPLETED' AND p.deleted_at IS NULL THEN p.total_cents ELSE 0 END) AS revenue ` +
        `FROM coupons cp LEFT JOIN purchases p ON p.id = cp.redeeming_purchase_id WHERE ${w.sql} GROUP BY cp.campaign_id`,
      w.params,
    );
    return new Map(rows.map((r) => [Number(r.cid), { issued: Number(r.issued), redeemed: Number(r.redeemed), revenueCents: Number(r.revenue ?? 0) }]));
  }

  coupons(filter: CouponFilter | null = {}, page: PageArgs): Promise<ConnectionResult<Coupon>> {
    filter ??= {}; // an explicit GraphQL null means no filter
    const f: Fragment[] = [];
    if (filter.campaignId) f.push(frag('cp.campaign_id = ?', expectGlobalId(filter.campaignId, 'Campaign', 'filter.campaignId')));
    if (filter.customerId) f.push(frag('cp.customer_id = ?', expectGlobalId(filter.customerId, 'Customer', 'filter.customerId')));
    if (filter.redeemed != null) f.push(frag(filter.redeemed ? 'cp.redeemed_at IS NOT NULL' : 'cp.redeemed_at IS NULL'));
    const sort: SortKey<Coupon> = { expression: 'cp.id', read: (c) => c.id, kind: 'number', direction: SortDirection.ASC };
    return paginate({ ds: this.ds, from: 'coupons cp', alias: 'cp', columns: this.couponColumns, where: f, sort, hydrate: this.hydrateCoupon, param: this.param }, page);
  }

  async couponsByIds(ids: readonly number[]): Promise<Coupon[]> {
    const w = inList('cp.id', ids);
    return (await this.ds.query(`SELECT ${this.couponColumns} FROM coupons cp WHERE ${w.sql}`, w.params)).map(this.hydrateCoupon);
  }

  // ---------------------------------------------------------------- redemption (inside createPurchase's transaction)

  /**
   * Checks that a coupon may pay for this sale and returns its discount. Each rule has its own code: unknown
   * code NOT_FOUND, someone else's coupon FORBIDDEN, already used CONFLICT, outside the window or not a
   * completed sale BAD_USER_INPUT. The owner is checked first, so a stranger learns nothing about the coupon.
   */
  async reserve(
    m: EntityManager,
    rawCode: string,
    sale: { customerId: number; purchasedAt: Date; subtotalCents: number; status: PurchaseStatus },
  ): Promise<{ couponId: number; discountCents: number }> {
    const code = normalizeCode(rawCode);
    const coupon = await m.getRepository(Coupon).findOne({ where: { code }, lock: this.dialect.rowLocks ? { mode: 'pessimistic_write' } : undefined });
    if (!coupon) throw new AppError(ErrorCode.NOT_FOUND, `coupon ${code} was not found`, { couponCode: code });
    if (coupon.customerId !== sale.customerId) throw new AppError(ErrorCode.FORBIDDEN, `coupon ${code} belongs to another customer`, { couponCode: code });
    if (coupon.redeemedAt) throw conflict(`coupon ${code} was already used on ${coupon.redeemedAt.toISOString()}`, { couponCode: code });
    const campaign = await m.getRepository(Campaign).findOneByOrFail({ id: coupon.campaignId });
    if (sale.purchasedAt.getTime() >= campaign.endsAt.getTime()) throw badInput(`coupon expired (valid until ${campaign.endsAt.toISOString()})`, { couponCode: code });
    if (sale.purchasedAt.getTime() < campaign.startsAt.getTime()) throw badInput(`coupon not valid yet (valid from ${campaign.startsAt.toISOString()})`, { couponCode: code });
    if (sale.status !== PurchaseStatus.COMPLETED) throw badInput('only a COMPLETED purchase can redeem a coupon', { couponCode: code });
    const off = campaign.discountPercent != null
      ? Math.round((sale.subtotalCents * campaign.discountPercent) / 100)
      : (campaign.discountAmountCents ?? 0);
    return { couponId: coupon.id, discountCents: Math.min(off, sale.subtotalCents) };
  }

  /** Marks the coupon used by the purchase; a concurrent redemption that got there first makes this CONFLICT. */
  async redeem(m: EntityManager, couponId: number, purchaseId: number, at: Date): Promise<void> {
    const res = await m.getRepository(Coupon).update({ id: couponId, redeemedAt: IsNull() }, { redeemedAt: at, redeemingPurchaseId: purchaseId });
    if (!res.affected) throw conflict('the coupon was used by another purchase meanwhile');
  }
}
