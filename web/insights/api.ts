import type { Operation } from './operations';

const KEY_STORAGE = 'caregraph.insights.apiKey';

/** A GraphQL error answer, with the API's stable code (UNAUTHENTICATED, FORBIDDEN, ANALYTICS_LIMIT, ...). */
export class ApiError extends Error {
  constructor(message: string, readonly code: string) {
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

export async function gql<TData, TVars>(operation: Operation<TData, TVars>, variables?: TVars): Promise<TData> {
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
  const body = (await res.json().catch(() => null)) as { data?: TData; errors?: { message: string; extensions?: { code?: string } }[] } | null;
  const error = body?.errors?.[0];
  if (error) throw new ApiError(error.message, error.extensions?.code ?? String(res.status));
  if (!res.ok || !body?.data) throw new ApiError(`HTTP ${res.status}`, String(res.status));
  return body.data;
}
