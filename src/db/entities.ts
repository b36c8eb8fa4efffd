import { AnalyticsModel, AnalyticsModelPart, FitLease } from '../modules/analytics/model-store';
import { AuditLog } from '../modules/audit/audit-log.entity';
import { ApiKey } from '../modules/auth/api-key.entity';
import { Campaign, Coupon } from '../modules/care/campaign/campaign.entity';
import { Interaction } from '../modules/care/interaction/interaction.entity';
import { Ticket, TicketEvent } from '../modules/care/ticket/ticket.entity';
import { Product } from '../modules/catalog/product.entity';
import { Customer } from '../modules/customer/customer.entity';
import { Feedback } from '../modules/feedback/feedback.entity';
import { Purchase, PurchaseLine } from '../modules/purchase/purchase.entity';

/** Every TypeORM entity; the migrations must match them (npm run migration:check). */
export const entities = [Customer, Product, Purchase, PurchaseLine, Feedback, AnalyticsModel, AnalyticsModelPart, FitLease, ApiKey, AuditLog, Interaction, Ticket, TicketEvent, Campaign, Coupon];
