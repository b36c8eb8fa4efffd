import type { Sentiment } from './sentiment';

export type FollowUpLevel = 'NONE' | 'LOW' | 'MEDIUM' | 'HIGH' | 'URGENT';
export type FollowUpAction = 'NONE' | 'HANDLE_OPEN_TICKET' | 'CALL' | 'OPEN_TICKET' | 'OFFER_COUPON';
export type FollowUpChannel = 'PHONE' | 'EMAIL' | 'SMS';

export interface FollowUpInput {
  /** 1..5 */
  stars: number;
  sentiment: Sentiment | null;
  /** Expected value of the customer over the next year (CLV), else what they spent; currency units. */
  valueAtStake: number;
  /** 1 - P(alive); null when unknown (counted as 0.5). */
  churnRisk: number | null;
  openTickets: number;
  /** Unsatisfied feedback (1-2 stars) of the customer before this one. */
  earlierComplaints: number;
  consent: { email: boolean; sms: boolean; phone: boolean };
  /** An active campaign whose audience holds the customer. */
  campaign: { id: number; name: string; channel: string } | null;
}

export interface FollowUp {
  /** 0 (nothing to do) .. 100 (most urgent). */
  priority: number;
  level: FollowUpLevel;
  action: FollowUpAction;
  channel: FollowUpChannel | null;
  campaignId: number | null;
  reasons: string[];
}

const DISSATISFACTION_BY_STARS = [0, 1, 0.75, 0.4, 0.1, 0];

/**
 * How much a piece of feedback needs the care team, and what to do. Dissatisfaction (stars or negative words,
 * whichever says more) times what is at stake (value and churn risk), raised when a ticket is already open or
 * the customer complained before. The action: an open ticket is handled first; a serious complaint gets a
 * call when the priority is high, else a ticket; a mild one a coupon of a fitting campaign on a consented
 * channel, else a ticket.
 */
export function followUpOf(input: FollowUpInput): FollowUp {
  const byStars = DISSATISFACTION_BY_STARS[input.stars] ?? 0;
  const s = input.sentiment;
  const byWords = s && s.label === 'NEGATIVE' ? 0.4 + 0.6 * Math.min(1, -s.score * 2) : 0;
  const unhappy = Math.max(byStars, byWords);
  const reasons: string[] = [];
  if (unhappy === 0) return { priority: 0, level: 'NONE', action: 'NONE', channel: null, campaignId: null, reasons };
  if (byStars >= 0.75) reasons.push(`${input.stars} star${input.stars === 1 ? '' : 's'}`);
  if (byWords > 0) reasons.push('negative words');
  const value = Math.min(1, Math.log10(1 + Math.max(0, input.valueAtStake)) / 4);
  const risk = input.churnRisk ?? 0.5;
  if (value >= 0.5) reasons.push(`value at stake ${Math.round(input.valueAtStake)}`);
  if (risk >= 0.5) reasons.push(`churn risk ${Math.round(risk * 100)} %`);
  let priority = 100 * unhappy * (0.4 + 0.3 * value + 0.3 * risk);
  if (input.openTickets > 0) {
    priority += 10;
    reasons.push(`${input.openTickets} open ticket${input.openTickets === 1 ? '' : 's'}`);
  }
  if (input.earlierComplaints > 0) {
    priority += Math.min(15, 5 * input.earlierComplaints);
    reasons.push(`complained ${input.earlierComplaints} time${input.earlierComplaints === 1 ? '' : 's'} before`);
  }
  priority = Math.round(Math.min(100, priority));
  const level: FollowUpLevel = priority >= 75 ? 'URGENT' : priority >= 50 ? 'HIGH' : priority >= 25 ? 'MEDIUM' : 'LOW';
  const base = { priority, level, reasons };
  if (input.openTickets > 0) return { ...base, action: 'HANDLE_OPEN_TICKET', channel: null, campaignId: null };
  if (unhappy >= 0.75) {
    if (priority >= 50 && input.consent.phone) return { ...base, action: 'CALL', channel: 'PHONE', campaignId: null };
    return { ...base, action: 'OPEN_TICKET', channel: null, campaignId: null };
  }
  const c = input.campaign;
  const consented = c && ((c.channel === 'EMAIL' && input.consent.email) || (c.channel === 'SMS' && input.consent.sms));
  if (c && consented) return { ...base, action: 'OFFER_COUPON', channel: c.channel as FollowUpChannel, campaignId: c.id };
  return { ...base, action: 'OPEN_TICKET', channel: null, campaignId: null };
}
