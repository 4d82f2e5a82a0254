/**
 * Command-line entry point of the manager: `npm start -- [options]` (see --help).
 *
 * The umask is set here, not in `startManager`, because it belongs to the whole process:
 * everything this process and the pipeline processes it spawns create is private to the
 * user (on top of the explicit modes the manager sets).
 */
import { join } from 'node:path';
import pino from 'pino';
import { PRIVATE_UMASK } from '../types/runtime.js';
import { issueApiKey } from './auth/api-keys.js';
import { MANAGER_HELP, parseManagerConfig } from './config.js';
import { ensurePrivateDir, MANAGER_FILES } from './data-dir.js';
import { startManager } from './server.js';
import { SqliteStore } from './store/sqlite.js';

async function main(): Promise<void> {
  process.umask(PRIVATE_UMASK);
  let config: ReturnType<typeof parseManagerConfig>;
  try {
    config = parseManagerConfig(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`sluice: ${(err as Error).message}\n\n${MANAGER_HELP}`);
    process.exit(2);
  }
  if (config === 'help') {
    process.stdout.write(MANAGER_HELP);
    return;
  }
  if (config.createApiKey !== null) {
    // Only the database is written, which SQLite keeps consistent with a running manager; a
    // busy manager holds its write lock briefly, so wait for it rather than fail.
    ensurePrivateDir(config.dataDir);
    const store = new SqliteStore(join(config.dataDir, MANAGER_FILES.metadata), { busyTimeoutMs: 60_000 });
    try {
      const key = await issueApiKey(store, config.createApiKey);
      process.stdout.write(`${key.api_key}\n`);
      process.stderr.write(`API key '${key.name}' created; it is shown only this once.\n`);
    } finally {
      await store.close();
    }
    return;
  }
  const logger = pino({ level: config.logLevel, redact: ['req.headers.authorization'] });
  const manager = await startManager(config, logger);
  logger.info(
    { url: manager.url, dataDir: config.dataDir, auth: config.auth.enabled },
    'Sluice manager ready',
  );
  process.stdout.write(`Sluice manager listening on ${manager.url}\n`);
  const shutdown = async () => {
    logger.info('shutting down (pipeline processes keep running and are adopted on the next start)');
    await manager.close();
    process.exit(0);
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

main().catch((err) => {
  process.stderr.write(`sluice: failed to start: ${(err as Error).message}\n`);
  process.exit(1);
});
