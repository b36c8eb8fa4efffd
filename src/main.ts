import 'reflect-metadata';
import { ConfigError, loadConfig } from './config';
import { openDatabase } from './db/database';
import { createLogger } from './logger';
import { createApp } from './server';

/** Boot: config -> database (migrations, demo data) -> schema -> HTTP server -> listen. */
async function main() {
  let config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(`configuration error: ${e.message}`);
      process.exit(2);
    }
    throw e;
  }
  const log = createLogger(config.logLevel);
  const ds = await openDatabase(config.database);
  if (config.seedDemo) {
    const { seedDemoIfEmpty } = await import('./db/seed/demo');
    const seeded = await seedDemoIfEmpty(ds, config.demoCustomers, log);
    if (seeded) log.info({ customers: config.demoCustomers }, 'empty database: loaded the demo company');
  }
  const app = await createApp(config, ds, log);
  await new Promise<void>((resolve) => app.http.listen(config.port, config.host, resolve));
  const where = config.database.kind === 'sqlite' ? `SQLite ${config.database.file}` : `MySQL ${config.database.database}`;
  log.info({ database: where }, `CareGraph is listening on http://${config.host}:${config.port}/graphql`);
  if (config.playground !== 'off') console.error(`\n  CareGraph playground: http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${config.port}/graphql\n`);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down: finishing in-flight requests');
    await app.stop();
    await ds.destroy();
    log.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((err) => {
  console.error('CareGraph failed to start:', err);
  process.exit(1);
});
