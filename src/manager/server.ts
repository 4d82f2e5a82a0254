/**
 * Starting and stopping a whole manager: data directory, metadata store, compiler, runner and
 * HTTP server. Used by the command-line entry point and by the end-to-end tests alike.
 *
 * The data directory is made private and locked first (data-dir.ts), so a second manager on
 * the same directory fails before it touches anything; the lock is released on `close` and by
 * the OS when the process dies.
 */
import { join } from 'node:path';
import pino from 'pino';
import { buildManagerApp, type ManagerApp } from './app.js';
import { AuthenticatedResponses } from './auth/authenticated-responses.js';
import { CompilerService } from './compiler/service.js';
import { compileSql } from './compiler/sql.js';
import type { ManagerConfig } from './config.js';
import { ensurePrivateDir, lockDataDir, MANAGER_FILES, prepareDataDir } from './data-dir.js';
import { LocalProcessExecutor } from './runner/local-process.js';
import { PipelineRunner } from './runner/runner.js';
import { SqliteStore } from './store/sqlite.js';

export interface RunningManager {
  app: ManagerApp;
  url: string;
  runner: PipelineRunner;
  /** Stops serving; pipeline processes keep running (a new manager adopts them). */
  close(): Promise<void>;
}

export async function startManager(
  config: ManagerConfig,
  logger: pino.Logger | false = false,
): Promise<RunningManager> {
  ensurePrivateDir(config.dataDir);
  const lock = lockDataDir(config.dataDir);
  let store: SqliteStore | null = null;
  let app: ManagerApp | null = null;
  try {
    prepareDataDir(config.dataDir);
    const log = logger || pino({ level: 'silent' });
    store = new SqliteStore(join(config.dataDir, MANAGER_FILES.metadata));
    const runner = new PipelineRunner(config, store, new LocalProcessExecutor(), log);
    const compiler = new CompilerService(store, compileSql, log);
    const responses = new AuthenticatedResponses();
    app = await buildManagerApp({ config, store, runner, compiler, responses }, logger ? { logger } : false);
    await app.listen({ host: config.host, port: config.port });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    const host = config.host.includes(':') ? `[${config.host}]` : config.host;
    const url = `http://${host}:${port}`;
    lock.announce(url);
    runner.start();
    void compiler.wake();
    const opened = store;
    const served = app;
    return {
      app: served,
      url,
      runner,
      async close() {
        runner.stop();
        await served.close();
        await opened.close();
        lock.release();
      },
    };
  } catch (err) {
    await app?.close();
    await store?.close();
    lock.release();
    throw err;
  }
}
