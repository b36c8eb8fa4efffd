import type { Operation } from './operations';

const KEY_STORAGE = 'caregraph.insights.apiKey';

/** A GraphQL error answer, with the API's stable code (UNAUTHENTICATED, FORBIDDEN, ANALYTICS_LIMIT, ...). */
export class ApiError extends Error {
  /** retryAfterMs: set when the server asked to retry later because a model is being fitted for the first time. */
  constructor(message: string, readonly code: string, readonly retryAfterMs: number | null = null) {
    super(message);
  }
}

/**
 * The key the page sends: one the user entered in this tab (sessionStorage) first, else the development key
 * the server put in the page (only for pages opened from this machine by a loopback name).
 */
export const auth = {
  devKey(): string | null {
    return document.querySelector<HTMLMetaElement>('meta[name="caregraph-dev-key"]')?.content || null;
  },
  key(): string | null {
    return sessionStorage.getItem(KEY_STORAGE) ?? this.devKey();
  },
  source(): 'entered' | 'development' | null {
    return sessionStorage.getItem(KEY_STORAGE) ? 'entered' : this.devKey() ? 'development' : null;
  },
  set(key: string) {
    sessionStorage.setItem(KEY_STORAGE, key);
  },
  clear() {
    sessionStorage.removeItem(KEY_STORAGE);
  },
};

/** How long the page keeps retrying a model that the server is fitting for the first time (503 + Retry-After). */
const FIRST_FIT_PATIENCE_MS = 120_000;

/**
 * Sends one operation. A model being fitted for the first time (a new database) is retried after the delay
 * the server asks for, for up to two minutes, so that the view draws once it is there instead of failing.
 */
export async function gql<TData, TVars>(operation: Operation<TData, TVars>, variables?: TVars): Promise<TData> {
  const deadline = Date.now() + FIRST_FIT_PATIENCE_MS;
  for (;;) {
    try {
      return await send(operation, variables);
    } catch (e) {
      const wait = e instanceof ApiError ? e.retryAfterMs : null;
      if (wait === null || Date.now() + wait > deadline) throw e;
      await new Promise((r) => setTimeout(r, wait));
    }
  }
}

async function send<TData, TVars>(operation: Operation<TData, TVars>, variables?: TVars): Promise<TData> {
  const key = auth.key();
  if (!key) throw new ApiError('An API key is needed', 'UNAUTHENTICATED');
  let res: Response;
  try {
    res = await fetch('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ query: operation.query, operationName: operation.name, variables: variables ?? {} }),
    });
  } catch {
    throw new ApiError('The CareGraph server does not answer', 'NETWORK');
  }
  const body = (await res.json().catch(() => null)) as { data?: TData; errors?: { message: string; extensions?: { code?: string; details?: { firstFit?: boolean; retryAfterSeconds?: number } } }[] } | null;
  const error = body?.errors?.[0];
  if (error) {
    const details = error.extensions?.details;
    const retryAfterMs = details?.firstFit ? Math.min(10, Math.max(1, details.retryAfterSeconds ?? 5)) * 1000 : null;
    throw new ApiError(error.message, error.extensions?.code ?? String(res.status), retryAfterMs);
  }
  if (!res.ok || !body?.data) throw new ApiError(`HTTP ${res.status}`, String(res.status));
  return body.data;
}
