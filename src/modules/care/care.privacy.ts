import { toGlobalId } from '../../common/global-id';
import { MASKED } from '../auth/guards';
import type { PrivacyService } from '../privacy/privacy.service';

/** The care records of a person in GDPR exports, and what erasure removes from them (free text). */
export function registerCarePrivacy(privacy: PrivacyService): void {
  privacy.register({
    name: 'interactions',
    async export(sql, customerId, masked) {
      const rows: Record<string, unknown>[] = await sql.query(
        'SELECT id, channel, direction, subject, body, occurred_at, agent FROM interactions WHERE customer_id = ? ORDER BY occurred_at, id',
        [customerId],
      );
      // Masked as Interaction.subject and .body are in the graph.
      return rows.map((r) => ({ ...r, id: toGlobalId('Interaction', Number(r.id)), ...(masked ? { subject: null, body: null } : {}) }));
    },
    async erase(sql, customerId) {
      await sql.query('UPDATE interactions SET subject = NULL, body = NULL WHERE customer_id = ?', [customerId]);
    },
  });
  privacy.register({
    name: 'tickets',
    async export(sql, customerId, masked) {
      const tickets: Record<string, unknown>[] = await sql.query(
        'SELECT id, type, status, priority, subject, description, opened_at, resolved_at, closed_at FROM tickets WHERE customer_id = ? ORDER BY id',
        [customerId],
      );
      // Masked as Ticket.subject and .description are in the graph.
      return tickets.map((r) => ({ ...r, id: toGlobalId('Ticket', Number(r.id)), ...(masked ? { subject: MASKED, description: null } : {}) }));
    },
    async erase(sql, customerId) {
      await sql.query(`UPDATE tickets SET subject = '[erased]', description = NULL WHERE customer_id = ?`, [customerId]);
      await sql.query('UPDATE ticket_events SET note = NULL WHERE ticket_id IN (SELECT id FROM tickets WHERE customer_id = ?)', [customerId]);
    },
  });
  privacy.register({
    name: 'coupons',
    async export(sql, customerId) {
      const rows: Record<string, unknown>[] = await sql.query(
        'SELECT c.code, c.issued_at, c.redeemed_at, k.name AS campaign FROM coupons c JOIN campaigns k ON k.id = c.campaign_id WHERE c.customer_id = ? ORDER BY c.id',
        [customerId],
      );
      return rows;
    },
  });
}
