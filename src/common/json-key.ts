/**
 * A value as a cache key (its JSON), or null when it is too deeply nested to serialise: such a value is
 * worked on without the cache (it is a client's hostile input, refused further on).
 */
export function jsonKey(value: unknown): string | null {
  try {
    return JSON.stringify(value);
  } catch {
    return null;
  }
}
