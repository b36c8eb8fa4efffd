/** "Now" rounded down to the minute, so that the loaders of one request share one asOf key. */
export function startOfMinute(now = Date.now()): Date {
  return new Date(Math.floor(now / 60_000) * 60_000);
}
