import 'reflect-metadata';
import { warmUpModels } from './modules/analytics/warm-up';
import { ConfigError, loadConfig, loadDotEnv } from './config';
import { AppError } from './common/errors';
import { describeDatabaseError } from './db/connection-errors';
import { openDatabase } from './db/database';
import { createLogger } from './logger';
import { createApp } from './server';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { DatabaseConfig } from './config';
import { Role } from './modules/auth/api-key.entity';
import type { AuthService } from './modules/auth/auth.service';

/**
 * Where the development key is kept: data/dev-api-key, or beside the SQLite file when DATABASE_URL names
 * another one. A key of another database found there is replaced.
 */
function devKeyFile(db: DatabaseConfig): string {
  return join(db.kind === 'sqlite' && db.file !== ':memory:' ? dirname(db.file) : 'data', 'dev-api-key');
}

/**
 * Development convenience: the demo database gets an ADMIN key, kept beside the SQLite file (or in ./data)
 * so that every development start can print it and hand it to the playground. Never in production.
 */
async function developmentKey(auth: AuthService, file: string, seeded: boolean): Promise<string | null> {
  try {
    const key = readFileSync(file, 'utf8').trim();
    if (await auth.authenticate(key)) return key;
  } catch {
    /* no key file yet */
  }
  if (!seeded) return null;
  const { key } = await auth.create('development', Role.ADMIN);
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, `${key}\n`, { mode: 0o600 });
  } catch {
    /* read-only directory: the key is still printed once */
  }
  return key;
}

/** Boot: config -> database (migrations, demo data) -> schema -> HTTP server -> listen. */
async function main() {
  let config;
  try {
    loadDotEnv();
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(`configuration error: ${e.message}`);
      process.exit(2);
    }
    throw e;
  }
  const log = createLogger(config.logLevel);
  let ds;
  try {
    ds = await openDatabase(config.database, { statementTimeoutMs: config.statementTimeoutMs, poolWaitMs: config.dbPoolWaitMs, replicaMaxLagSeconds: config.replicaMaxLagSeconds, log });
  } catch (e) {
    console.error(e instanceof ConfigError ? `configuration error: ${e.message}` : `CareGraph cannot open its database: ${describeDatabaseError(e, config.database)}`);
    process.exit(e instanceof ConfigError ? 2 : 1);
  }
  let seeded = false;
  if (config.seedDemo) {
    const { seedDemoIfEmpty } = await import('./db/seed/demo');
    seeded = await seedDemoIfEmpty(ds, config.demoCustomers, log);
    if (seeded) log.info({ customers: config.demoCustomers }, 'empty database: loaded the demo company');
  }
  const app = await createApp(config, ds, log);
  const devKey = config.env === 'development' ? await developmentKey(app.services.auth, devKeyFile(config.database), seeded) : null;
  if (devKey) app.setPlaygroundKey(devKey);
  await new Promise<void>((resolve) => {
    // Prepended so that it runs before the WebSocket server's own handler (which would print a stack trace).
    app.http.prependOnceListener('error', (err: NodeJS.ErrnoException) => {
      const where = `${config.host}:${config.port}`;
      console.error(err.code === 'EADDRINUSE' ? `CareGraph cannot listen: ${where} is already in use (stop the other process or set PORT)`
        : `CareGraph cannot listen on ${where}: ${err.code ?? err.message}`);
      process.exit(1);
    });
    app.http.listen(config.port, config.host, resolve);
  });
  const where = config.database.kind === 'sqlite' ? `SQLite ${config.database.file}` : `${config.database.kind === 'postgres' ? 'PostgreSQL' : 'MySQL'} ${config.database.database}`;
  log.info({ database: where }, `CareGraph is listening on http://${config.host}:${config.port}/graphql`);
  if (config.analyticLimits.modelRefresh === 'background') {
    app.services.analytics.store.onBackgroundError = (kind, err) => {
      // A first wait inside another (a model a dashboard figure needs) is reported by its own.
      if (err instanceof AppError && err.details?.firstFit === true) return;
      log.warn({ err, kind }, 'work no request waited for failed (a refit behind a stale model, or a first fit or figure past FIRST_FIT_WAIT_MS); the next request tries again');
    };
    void warmUpModels(app.services, log);
  }
  const base = `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${config.port}`;
  if (config.playground !== 'off') console.error(`\n  CareGraph playground: ${base}/graphql`);
  console.error(`${config.playground !== 'off' ? '' : '\n'}  CareGraph insights (charts): ${base}/insights`);
  console.error(devKey
    ? `  Development API key (ADMIN): ${devKey}\n  (kept in ${devKeyFile(config.database)}; send it as Authorization: Bearer <key>; the playground and the insights page already do,`
      + ` for pages opened from this machine as localhost or 127.0.0.1 only)\n`
      + `  Development mode: demo data, an ADMIN key on disk. In production: NODE_ENV=production npm run start:prod (README, "Production").\n`
    : '  Create an API key with: npm run -s apikey -- create --role ADMIN --name <you>\n');

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
