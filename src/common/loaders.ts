import DataLoader from 'dataloader';

/**
 * Batch helpers: one IN (...) query per tick, results returned in key order and zero-filled, as
 * DataLoader requires (graphql/dataloader examples/SQL.md).
 */
export function byIdLoader<V extends { id: number }>(fetch: (ids: readonly number[]) => Promise<V[]>): DataLoader<number, V | null> {
  return new DataLoader(async (ids) => {
    const rows = await fetch(ids);
    const map = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => map.get(id) ?? null);
  });
}

export function groupLoader<V>(fetch: (ids: readonly number[]) => Promise<V[]>, keyOf: (row: V) => number): DataLoader<number, V[]> {
  return new DataLoader(async (ids) => {
    const rows = await fetch(ids);
    const groups = new Map<number, V[]>();
    for (const r of rows) {
      const k = keyOf(r);
      const g = groups.get(k);
      if (g) g.push(r);
      else groups.set(k, [r]);
    }
    return ids.map((id) => groups.get(id) ?? []);
  });
}

/** Per-request cache of loaders that depend on arguments (e.g. a nested connection's filter). */
export class LoaderCache {
  private readonly loaders = new Map<string, DataLoader<unknown, unknown>>();
  get<K, V>(key: string, make: () => DataLoader<K, V>): DataLoader<K, V> {
    let l = this.loaders.get(key) as DataLoader<K, V> | undefined;
    if (!l) {
      l = make();
      this.loaders.set(key, l as DataLoader<unknown, unknown>);
    }
    return l;
  }
}
