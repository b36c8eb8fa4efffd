import { checkMigrations } from '../src/db/migrate';
import { dbKind } from './support/app';

// The dialect under test is always checked; the other servers when they answer (the CI run has all three).
test(`committed migrations produce exactly the entities' schema (mysql, postgres and sqlite)`, async () => {
  const servers = {
    mysql: dbKind === 'mysql' ? process.env.DATABASE_URL : process.env.MIGRATION_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/caregraph',
    postgres: dbKind === 'postgres' ? process.env.DATABASE_URL : process.env.MIGRATION_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/caregraph',
  };
  for (const kind of ['sqlite', 'mysql', 'postgres'] as const) {
    const drift = await checkMigrations(servers, [kind]).catch((e) => {
      // Without a MySQL or PostgreSQL server only the others can be checked.
      if (kind !== dbKind && /ECONNREFUSED|connect/i.test(String(e))) return null;
      throw e;
    });
    if (drift) expect({ [kind]: drift[kind] }).toEqual({ [kind]: [] });
  }
});
