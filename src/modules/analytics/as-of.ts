import { badInput } from '../../common/errors';

/** Parses an asOf argument: a date (YYYY-MM-DD, end of that day counts) or an ISO date-time; null = now. */
export function parseAsOf(value: string | null | undefined): Date | null {
  if (value == null) return null;
  const m = /^(\d{4})-(\d{2})-(\d{2})(T.*)?$/.exec(value);
  const d = m ? new Date(m[4] ? value : `${value}T00:00:00Z`) : null;
  if (!d || Number.isNaN(d.getTime())) throw badInput(`asOf must be a date (YYYY-MM-DD) or an ISO date-time, got "${value.slice(0, 40)}"`);
  return d;
}
