import { createHash, randomBytes } from 'node:crypto';
import { In, type DataSource } from 'typeorm';
import { notFound } from '../../common/errors';
import { toGlobalId } from '../../common/global-id';
import { ApiKey, Role } from './api-key.entity';

/** Who is calling: resolved once per request from the Authorization header. */
export interface Principal {
  keyId: number;
  name: string;
  role: Role;
}

const hashKey = (key: string) => createHash('sha256').update(key).digest('hex');

/** How long a looked-up key is trusted without asking the database again (revocation takes effect within this). */
const CACHE_MS = 10_000;

/** API keys: creation (shown once), revocation, and authentication with a short in-process cache. */
export class AuthService {
  private readonly cache = new Map<string, { principal: Principal | null; until: number }>();
  private readonly revokedListeners = new Set<(keyId: number) => void>();

  constructor(private readonly ds: DataSource) {}

  /** Called after a key is revoked here (the WebSocket server closes its sockets and tells other instances). */
  onRevoked(listener: (keyId: number) => void): () => void {
    this.revokedListeners.add(listener);
    return () => this.revokedListeners.delete(listener);
  }

  /** Drops the lookup cache, e.g. when another instance revoked a key. */
  forget(): void {
    this.cache.clear();
  }

  /** Which of these keys are revoked or gone (the periodic re-check of open WebSockets). */
  async revokedAmong(ids: readonly number[]): Promise<number[]> {
    if (!ids.length) return [];
    const rows = await this.ds.getRepository(ApiKey).find({ where: { id: In([...ids]) }, select: { id: true, revokedAt: true } });
    const active = new Set(rows.filter((r) => !r.revokedAt).map((r) => r.id));
    return ids.filter((id) => !active.has(id));
  }

  async create(name: string, role: Role): Promise<{ key: string; apiKey: ApiKey }> {
    const key = `cg_${randomBytes(24).toString('base64url')}`;
    const repo = this.ds.getRepository(ApiKey);
    const saved = await repo.save(repo.create({ name, role, keyHash: hashKey(key), keyPrefix: key.slice(0, 10), revokedAt: null }));
    return { key, apiKey: saved };
  }

  async revoke(id: number): Promise<ApiKey> {
    const repo = this.ds.getRepository(ApiKey);
    const key = await repo.findOneBy({ id });
    if (!key) throw notFound('ApiKey', toGlobalId('ApiKey', id));
    if (!key.revokedAt) {
      key.revokedAt = new Date();
      await repo.save(key);
    }
    this.cache.clear();
    for (const listener of this.revokedListeners) listener(id);
    return key;
  }

  list(): Promise<ApiKey[]> {
    return this.ds.getRepository(ApiKey).find({ order: { id: 'ASC' } });
  }

  /** The principal of a bearer key, or null for an unknown or revoked key. */
  async authenticate(key: string, now = Date.now()): Promise<Principal | null> {
    if (!/^cg_[A-Za-z0-9_-]{20,64}$/.test(key)) return null;
    const hash = hashKey(key);
    const hit = this.cache.get(hash);
    if (hit && hit.until > now) return hit.principal;
    const row = await this.ds.getRepository(ApiKey).findOneBy({ keyHash: hash });
    const principal = row && !row.revokedAt ? { keyId: row.id, name: row.name, role: row.role } : null;
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(hash, { principal, until: now + CACHE_MS });
    return principal;
  }
}
