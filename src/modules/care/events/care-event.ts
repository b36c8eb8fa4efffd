/**
 * Live care events: what the care services announce after their transaction committed. A payload is plain
 * JSON so that it can cross instances (src/realtime bridges it through Redis when configured).
 */
export enum CareEventKind {
  LOW_SCORE_FEEDBACK = 'LOW_SCORE_FEEDBACK',
  TICKET_OPENED = 'TICKET_OPENED',
  TICKET_ESCALATED = 'TICKET_ESCALATED',
  SLA_BREACHED = 'SLA_BREACHED',
}

/** Feedback at or below this score is announced live. */
export const LOW_SCORE = 2;

export interface CareEventPayload {
  kind: CareEventKind;
  customerId: number;
  /** ISO 8601. */
  occurredAt: string;
  message: string;
  ticketId: number | null;
  feedbackId: number | null;
}

/** Where services send events; the realtime layer implements it (in-process or through Redis). */
export type CareEventSink = (event: CareEventPayload) => void;
