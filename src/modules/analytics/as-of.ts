import { badInput } from '../../common/errors';

/** The earliest asOf accepted: analytics of purchases before 1970 are not a thing this product is asked for. */
const EARLIEST = Date.UTC(1970, 0, 1);
const DAY_MS = 86_400_000;

/**
 * Parses an asOf argument: a date (YYYY-MM-DD, end of that day counts) or an ISO date-time; null = now.
 * Impossible dates (2025-02-30) and dates outside 1970-01-01 .. tomorrow are refused: a roll-over or an empty
 * future would answer a question nobody asked.
 */
export function parseAsOf(value: string | null | undefined, now = Date.now()): Date | null {
  if (value == null) return null;
  const m = /^(\d{4})-(\d{2})-(\d{2})(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?)?$/.exec(value);
  const d = m ? new Date(m[4] ? value : `${value}T00:00:00Z`) : null;
  if (!m || !d || Number.isNaN(d.getTime())) throw badInput(`asOf must be a date (YYYY-MM-DD) or an ISO date-time, got "${value.slice(0, 40)}"`, { argument: 'asOf' });
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const calendar = new Date(Date.UTC(year, month - 1, day));
  if (calendar.getUTCFullYear() !== year || calendar.getUTCMonth() !== month - 1 || calendar.getUTCDate() !== day) {
    throw badInput(`asOf ${m[1]}-${m[2]}-${m[3]} is not a date of the calendar`, { argument: 'asOf' });
  }
  if (d.getTime() < EARLIEST || d.getTime() > now + DAY_MS) {
    throw badInput(`asOf must be from 1970-01-01 to tomorrow, got "${value.slice(0, 40)}"`, { argument: 'asOf' });
  }
  return d;
}
