import type { DataSource } from 'typeorm';
import type { AnalyticsService } from '../analytics/analytics.service';
import type { FeedbackService } from '../feedback/feedback.service';
import type { PurchaseService } from '../purchase/purchase.service';
import { AudienceService } from './campaign/audience.service';
import { CampaignService } from './campaign/campaign.service';
import { CareEventKind, LOW_SCORE, type CareEventSink } from './events/care-event';
import { InteractionService } from './interaction/interaction.service';
import { TicketService } from './ticket/ticket.service';
import { TimelineService } from './timeline/timeline.service';

/**
 * The care services, wired into the core ones: purchases redeem coupons through campaigns, and stored
 * feedback with a low score is announced on `publish`.
 */
export function createCareServices(
  core: { ds: DataSource; purchases: PurchaseService; feedback: FeedbackService; analytics: AnalyticsService },
  publish: CareEventSink,
) {
  const { ds } = core;
  const interactions = new InteractionService(ds);
  const tickets = new TicketService(ds, core.purchases, publish);
  const audience = new AudienceService(ds, core.analytics);
  const campaigns = new CampaignService(ds, audience, interactions);
  const timeline = new TimelineService(ds, { purchases: core.purchases, feedback: core.feedback, interactions, tickets });
  core.purchases.coupons = campaigns;
  core.feedback.onCreated((f) => {
    if (f.score > LOW_SCORE) return;
    publish({
      kind: CareEventKind.LOW_SCORE_FEEDBACK, customerId: f.customerId, occurredAt: f.createdAt.toISOString(), ticketId: null, feedbackId: f.id,
      message: `feedback ${f.score}/5${f.issue ? ` (${f.issue})` : ''}${f.comment ? `: ${f.comment.slice(0, 120)}` : ''}`,
    });
  });
  return { interactions, tickets, audience, campaigns, timeline };
}

export type CareServices = ReturnType<typeof createCareServices>;
