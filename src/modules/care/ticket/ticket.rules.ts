/**
 * The ticket rules that need no database: the status machine, the SLA table and the priority ladder.
 * The service applies them; the resolver never decides anything about a ticket itself.
 */
export enum TicketType {
  AFTER_SALES = 'AFTER_SALES',
  REFUND = 'REFUND',
  COMPLAINT = 'COMPLAINT',
  INQUIRY = 'INQUIRY',
}

export enum TicketPriority {
  LOW = 'LOW',
  MEDIUM = 'MEDIUM',
  HIGH = 'HIGH',
  URGENT = 'URGENT',
}

export enum TicketStatus {
  OPEN = 'OPEN',
  IN_PROGRESS = 'IN_PROGRESS',
  RESOLVED = 'RESOLVED',
  CLOSED = 'CLOSED',
  REOPENED = 'REOPENED',
}

export enum TicketEventKind {
  OPENED = 'OPENED',
  STATUS_CHANGED = 'STATUS_CHANGED',
  ESCALATED = 'ESCALATED',
  ASSIGNED = 'ASSIGNED',
  SLA_BREACHED = 'SLA_BREACHED',
}

const HOUR_MS = 3_600_000;

/** How long a customer may wait for a resolution, by priority: the one SLA table. */
export const SLA_HOURS: Readonly<Record<TicketPriority, number>> = Object.freeze({
  [TicketPriority.URGENT]: 4,
  [TicketPriority.HIGH]: 24,
  [TicketPriority.MEDIUM]: 72,
  [TicketPriority.LOW]: 7 * 24,
});

export const slaDueAt = (priority: TicketPriority, from: Date): Date => new Date(from.getTime() + SLA_HOURS[priority] * HOUR_MS);

/** Legal moves of the status machine; everything else is rejected with the allowed targets named. */
export const TRANSITIONS: Readonly<Record<TicketStatus, readonly TicketStatus[]>> = Object.freeze({
  [TicketStatus.OPEN]: [TicketStatus.IN_PROGRESS],
  [TicketStatus.IN_PROGRESS]: [TicketStatus.RESOLVED],
  [TicketStatus.RESOLVED]: [TicketStatus.CLOSED, TicketStatus.REOPENED],
  [TicketStatus.CLOSED]: [TicketStatus.REOPENED],
  [TicketStatus.REOPENED]: [TicketStatus.IN_PROGRESS, TicketStatus.RESOLVED],
});

/** Statuses in which a ticket still waits for the company (counted as open, watched for SLA breaches). */
export const OPEN_STATUSES: readonly TicketStatus[] = [TicketStatus.OPEN, TicketStatus.IN_PROGRESS, TicketStatus.REOPENED];

const LADDER = [TicketPriority.LOW, TicketPriority.MEDIUM, TicketPriority.HIGH, TicketPriority.URGENT];

/** The next priority up, or null for URGENT. */
export const escalated = (p: TicketPriority): TicketPriority | null => LADDER[LADDER.indexOf(p) + 1] ?? null;

/**
 * The work-queue order (most urgent first, then the earliest SLA due) as one sortable string, so that the
 * queue is a single indexed keyset: "0|2024-05-01T08:00:00.000Z" sorts before "1|...".
 */
export const queueKey = (priority: TicketPriority, due: Date): string => `${LADDER.length - 1 - LADDER.indexOf(priority)}|${due.toISOString()}`;

/** A ticket breached its SLA when it was resolved after the due time, or is still open past it. */
export const isSlaBreached = (t: { status: TicketStatus; slaDueAt: Date; resolvedAt: Date | null }, now: Date): boolean =>
  OPEN_STATUSES.includes(t.status) ? now.getTime() > t.slaDueAt.getTime() : t.resolvedAt != null && t.resolvedAt.getTime() > t.slaDueAt.getTime();
