/**
 * Long loops on the event loop (a million customers grouped for a summary or an audience) give other
 * requests a turn every BREATHE_EVERY items: `if (i % BREATHE_EVERY === 0) await breathe();`. At about
 * 1-2 microseconds an item that keeps every slice of work near 20-40 ms.
 */
export const BREATHE_EVERY = 20_000;

export function breathe(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
