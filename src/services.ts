import type { DataSource } from 'typeorm';
import { AnalyticsService } from './modules/analytics/analytics.service';
import { GraphInsights } from './modules/analytics/graph-insights.service';
import type { AnalyticLimits } from './modules/analytics/limits';
import { AuditService } from './modules/audit/audit.service';
import { AuthService } from './modules/auth/auth.service';
import { AnalystMasking } from './modules/auth/masking';
import { registerCarePrivacy } from './modules/care/care.privacy';
import { createCareServices } from './modules/care/care.services';
import { ProductService } from './modules/catalog/product.service';
import { CustomerService } from './modules/customer/customer.service';
import { FeedbackService } from './modules/feedback/feedback.service';
import { FeedbackInsightService } from './modules/feedback/insight/feedback-insight.service';
import type { PainPointKeywords } from './modules/feedback/insight/pain-point';
import { PrivacyService } from './modules/privacy/privacy.service';
import { PurchaseService } from './modules/purchase/purchase.service';
import { publishCareEvent } from './realtime/pubsub';

/** The stateless services of one process, built once at start-up around the DataSource. */
export function createServices(
  ds: DataSource, options: { analyticLimits?: AnalyticLimits; masking?: AnalystMasking; painPointKeywords?: PainPointKeywords } = {},
) {
  const masking = options.masking ?? new AnalystMasking();
  const analytics = new AnalyticsService(ds, options.analyticLimits);
  const core = {
    ds,
    customers: new CustomerService(ds),
    products: new ProductService(ds),
    purchases: new PurchaseService(ds),
    feedback: new FeedbackService(ds),
    analytics,
    graphInsights: new GraphInsights(analytics),
    auth: new AuthService(ds),
    audit: new AuditService(ds),
    privacy: new PrivacyService(ds, masking),
    masking,
    feedbackInsight: new FeedbackInsightService(options.painPointKeywords),
  };
  registerCarePrivacy(core.privacy);
  return { ...core, care: createCareServices(core, publishCareEvent) };
}

export type Services = ReturnType<typeof createServices>;
