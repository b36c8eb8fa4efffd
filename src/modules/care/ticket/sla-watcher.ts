import type { Logger } from 'pino';
import type { TicketService } from './ticket.service';

export const SLA_CHECK_MS = 30_000;

/** Looks for newly breached SLAs every 30 s; the timer never keeps the process alive. */
export function startSlaWatcher(tickets: TicketService, log: Logger, everyMs = SLA_CHECK_MS): { stop(): Promise<void> } {
  let running: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    running = tickets.detectSlaBreaches().then(
      (n) => n && log.info({ breaches: n }, 'SLA breaches reported'),
      (err) => log.warn({ err }, 'SLA check failed; retrying at the next tick'),
    );
  }, everyMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
