import 'reflect-metadata';
import { loadConfig, loadDotEnv } from './config';

/**
 * The command line: `node dist/src/cli.js <command> [options]`, wrapped by the npm scripts in package.json.
 * Everything takes its database from DATABASE_URL, like the server.
 */
type Command = (args: string[]) => Promise<number>;

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  if (i >= 0) return args[i + 1];
  const eq = args.find((a) => a.startsWith(`--${name}=`));
  return eq?.slice(name.length + 3);
}

/** The MySQL/MariaDB and PostgreSQL servers migration:generate and migration:check make scratch databases on. */
function migrationServers() {
  const config = loadConfig();
  return { mysql: config.migrationMysqlUrl, postgres: config.migrationPostgresUrl };
}

const commands: Record<string, Command> = {
  async migrate() {
    const { openDatabase } = await import('./db/database');
    const ds = await openDatabase(loadConfig().database);
    await ds.destroy();
    console.error('migrations are up to date');
    return 0;
  },
  async 'migration:generate'(args) {
    const { generateMigrations } = await import('./db/migrate');
    const name = args.find((a) => !a.startsWith('--'));
    if (!name) throw new Error('usage: npm run migration:generate -- <PascalCaseName>');
    const files = await generateMigrations(name, migrationServers());
    console.error(files.length ? `wrote:\n${files.join('\n')}` : 'entities and migrations agree: nothing to generate');
    return 0;
  },
  async 'migration:check'() {
    const { checkMigrations } = await import('./db/migrate');
    const drift = await checkMigrations(migrationServers());
    const bad = Object.entries(drift).filter(([, up]) => up.length);
    for (const [kind, up] of bad) console.error(`${kind}: entities and migrations disagree:\n  ${up.join('\n  ')}`);
    if (!bad.length) console.error('entities and migrations agree (mysql, postgres, sqlite)');
    return bad.length ? 1 : 0;
  },
  async 'schema:emit'() {
    const { emitSchemaFile } = await import('./schema');
    console.error(`wrote ${await emitSchemaFile()}`);
    return 0;
  },
  async 'schema:check'() {
    const { schemaDrift } = await import('./schema');
    const drift = await schemaDrift();
    if (drift) {
      console.error(`schema.graphql differs from the code; run npm run schema:emit\n${drift}`);
      return 1;
    }
    console.error('schema.graphql matches the code');
    return 0;
  },
  async apikey(args) {
    const [action] = args;
    const { openDatabase } = await import('./db/database');
    const { AuthService } = await import('./modules/auth/auth.service');
    const { Role } = await import('./modules/auth/api-key.entity');
    const ds = await openDatabase(loadConfig().database);
    try {
      const auth = new AuthService(ds);
      if (action === 'create') {
        const role = (option(args, 'role') ?? '').toUpperCase();
        const name = option(args, 'name');
        if (!(role in Role) || !name) throw new Error('usage: apikey create --role ADMIN|AGENT|ANALYST --name <who>');
        const { key, apiKey } = await auth.create(name, role as keyof typeof Role as never);
        console.error(`created ${apiKey.role} key #${apiKey.id} "${apiKey.name}"; it is shown only once:`);
        process.stdout.write(`${key}\n`);
        return 0;
      }
      if (action === 'list') {
        console.log('id\trole\tname\tkey starts\tstatus');
        for (const k of await auth.list()) console.log(`${k.id}\t${k.role}\t${k.name}\t${k.keyPrefix}...\t${k.revokedAt ? 'revoked ' + k.revokedAt.toISOString() : 'active'}`);
        return 0;
      }
      if (action === 'revoke') {
        const id = Number(args[1]);
        if (!Number.isInteger(id) || id < 1) throw new Error('usage: apikey revoke <id> (the number in the first column of apikey list)');
        if (!(await auth.list()).some((k) => k.id === id)) {
          console.error(`there is no API key #${id}; npm run -s apikey -- list shows the keys`);
          return 1;
        }
        await auth.revoke(id);
        console.error(`revoked key #${id}`);
        return 0;
      }
      throw new Error('usage: apikey create|list|revoke');
    } finally {
      await ds.destroy();
    }
  },
  async seed(args) {
    const { runSeed } = await import('./db/seed/seed.command');
    return runSeed(args, option);
  },
  async holdout(args) {
    const { runHoldout } = await import('./modules/analytics/holdout.command');
    return runHoldout(args, option);
  },
  async import(args) {
    const { runImport } = await import('./db/import/import.command');
    return runImport(args, option);
  },
  async 'evaluate:recommendations'(args) {
    const { runEvaluateRecommendations } = await import('./modules/analytics/recommendations/evaluate.command');
    return runEvaluateRecommendations(args, option);
  },
};

async function main(): Promise<void> {
  const [name, ...args] = process.argv.slice(2);
  try {
    loadDotEnv();
  } catch (err) {
    console.error(`configuration error: ${(err as Error).message}`);
    process.exit(2);
  }
  const command = name ? commands[name] : undefined;
  if (!command) {
    console.error(`usage: cli <${Object.keys(commands).join('|')}> [options]`);
    process.exit(2);
  }
  try {
    process.exitCode = await command(args);
  } catch (err) {
    console.error(`${name} failed: ${(err as Error).message}`);
    process.exitCode = 1;
  }
}

void main();
