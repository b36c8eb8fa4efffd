import type { DataSource } from 'typeorm';
import { breathe, BREATHE_EVERY } from '../../../common/breathe';
import { badInput } from '../../../common/errors';
import { inList } from '../../../common/sql';
import { Customer } from '../../customer/customer.entity';
import { AnalyticsService, DEFAULT_SEGMENT_K } from '../../analytics/analytics.service';
import type { PopulationRow } from '../../analytics/analytics.data';
import { valueTier } from '../../analytics/value/value';
import { CampaignChannel, type AudienceSpec } from './campaign.entity';

export const MAX_AUDIENCE_IDS = 1000;

/** A customer in an audience, with the consent flags that decide whether a campaign may reach them. */
export interface AudienceMember {
  id: number;
  emailOptIn: boolean;
  smsOptIn: boolean;
}

export const consents = (m: AudienceMember, channel: CampaignChannel) => (channel === CampaignChannel.EMAIL ? m.emailOptIn : m.smsOptIn);

/**
 * Evaluates an audience over the analytic fields exactly as the graph shows them per customer (the same
 * stored population models and functions as Customer.segment / rfm / value / lifetime), for everyone at once.
 */
export class AudienceService {
  constructor(
    private readonly ds: DataSource,
    private readonly analytics: AnalyticsService,
  ) {}

  /** Rejects an empty or out-of-range audience with the reason. */
  check(spec: AudienceSpec): AudienceSpec {
    const { segmentId, rfmSegment, churnRiskAbove, valueTier, customerIds } = spec;
    if (segmentId == null && !rfmSegment && churnRiskAbove == null && !valueTier && !customerIds?.length) {
      throw badInput('audience needs at least one criterion (segmentId, rfmSegment, churnRiskAbove, valueTier or customerIds)');
    }
    if (segmentId != null && (!Number.isInteger(segmentId) || segmentId < 0 || segmentId >= DEFAULT_SEGMENT_K)) {
      throw badInput(`audience.segmentId must be a segment of the default segmentation, 0..${DEFAULT_SEGMENT_K - 1}`);
    }
    if (churnRiskAbove != null && !(churnRiskAbove >= 0 && churnRiskAbove < 1)) throw badInput('audience.churnRiskAbove must be in [0, 1)');
    if ((customerIds?.length ?? 0) > MAX_AUDIENCE_IDS) throw badInput(`audience.customerIds holds at most ${MAX_AUDIENCE_IDS} ids`);
    return spec;
  }

  /** The matching customers (not deleted, not erased), by ascending id; only among `within` when given. */
  async members(spec: AudienceSpec, within?: readonly number[]): Promise<AudienceMember[]> {
    this.check(spec);
    let candidates = spec.customerIds?.length ? [...new Set(spec.customerIds)] : null;
    if (within) {
      const inside = new Set(within);
      candidates = candidates ? candidates.filter((id) => inside.has(id)) : [...inside];
    }
    const ids = candidates ? inList('c.id', candidates) : null;
    const rows: { id: number; e: unknown; s: unknown }[] = await this.ds.query(
      `SELECT c.id, c.email_opt_in AS e, c.sms_opt_in AS s FROM customers c WHERE c.deleted_at IS NULL AND c.erased_at IS NULL${ids ? ` AND ${ids.sql}` : ''} ORDER BY c.id`,
      ids?.params ?? [],
    );
    let members = rows.map((r) => ({ id: Number(r.id), emailOptIn: truthy(r.e), smsOptIn: truthy(r.s) }));
    const analytic = spec.segmentId != null || !!spec.rfmSegment || spec.churnRiskAbove != null || !!spec.valueTier;
    if (analytic && members.length) {
      const matches = await this.analyticPredicate(spec);
      const rows = within ? await this.analytics.data.populationOf(members.map((m) => m.id)) : await this.analytics.data.population(null);
      const population = new Map(rows.map((r) => [r.id, r]));
      const kept: typeof members = [];
      for (let i = 0; i < members.length; i++) {
        if (i % BREATHE_EVERY === 0) await breathe();
        const row = population.get(members[i].id);
        if (row && matches(row)) kept.push(members[i]);
      }
      members = kept;
    }
    return members;
  }

  private async analyticPredicate(spec: AudienceSpec): Promise<(row: PopulationRow) => boolean> {
    const a = this.analytics;
    const version = await a.data.version();
    const tests: ((row: PopulationRow) => boolean)[] = [];
    const stats = (r: PopulationRow) => ({ purchaseCount: r.purchaseCount, totalCents: r.totalCents, firstAt: r.firstAt, lastAt: r.lastAt });
    if (spec.valueTier || spec.rfmSegment) {
      const pop = await a.population(version, null);
      // The tier is Customer.value.tier; read it directly, as value() also needs a tenure, which fails for
      // customers whose first purchase came after the stored model was fitted.
      if (spec.valueTier) tests.push((r) => valueTier(pop.value.tiers, r.totalCents) === spec.valueTier);
      if (spec.rfmSegment) tests.push((r) => a.rfm(stats(r), pop.value, pop.asOf)?.segment === spec.rfmSegment);
    }
    if (spec.segmentId != null) {
      // While the data cannot carry the default segmentation, no customer is in any segment.
      const seg = await a.defaultSegments(version);
      tests.push((r) => !!seg && a.segmentOf(customerOf(r), seg.value, notBeforeFirstPurchase(seg.asOf, r)).id === spec.segmentId);
    }
    if (spec.churnRiskAbove != null) {
      // Customers without a lifetime estimate (no purchases, or no fitted model) have no churn risk: they never match.
      const churn = await a.churnByCustomer(await a.lifetime(version, null));
      const threshold = spec.churnRiskAbove;
      tests.push((r) => (churn.get(r.id) ?? -1) > threshold);
    }
    return (row) => tests.every((t) => t(row));
  }
}

const truthy = (v: unknown) => v === true || v === 1 || v === '1';

/** A stored model's asOf, or the first purchase of a customer who started buying after the model was fitted. */
const notBeforeFirstPurchase = (asOf: Date, r: PopulationRow) => (r.firstAt != null && r.firstAt > asOf.getTime() ? new Date(r.firstAt) : asOf);

function customerOf(r: PopulationRow): Customer {
  return Object.assign(new Customer(), {
    id: r.id, birthDate: r.birthDate, annualIncome: r.annualIncome, country: r.country, purchaseCount: r.purchaseCount, totalSpentCents: r.totalCents,
    firstPurchaseAt: r.firstAt == null ? null : new Date(r.firstAt), lastPurchaseAt: r.lastAt == null ? null : new Date(r.lastAt),
  });
}
