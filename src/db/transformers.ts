import type { ValueTransformer } from 'typeorm';

/** Tags are stored as ",vip,newsletter," so that one LIKE '%,tag,%' finds a tag on either database. */
export const tagsTransformer: ValueTransformer = {
  to: (tags: string[] | undefined | null) =>
    tags == null ? undefined : tags.length ? `,${[...new Set(tags.map((t) => t.trim().toLowerCase()).filter(Boolean))].join(',')},` : '',
  from: (raw: unknown) => (Array.isArray(raw) ? raw : typeof raw === 'string' && raw ? raw.split(',').filter(Boolean) : []),
};
