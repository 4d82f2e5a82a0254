/**
 * Starting and stopping a whole manager: metadata store, compiler, runner and HTTP server.
 * Used by the command-line entry point and by the end-to-end tests alike.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { buildManagerApp, type ManagerApp } from './app.js';
import { CompilerService } from './compiler/service.js';
import { compileSql } from './compiler/sql.js';
import type { ManagerConfig } from './config.js';
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
  mkdirSync(join(config.dataDir, 'pipelines'), { recursive: true });
  const log = logger || pino({ level: 'silent' });
  const store = new SqliteStore(join(config.dataDir, 'metadata.sqlite'));
  const runner = new PipelineRunner(config, store, new LocalProcessExecutor(), log);
  const compiler = new CompilerService(store, compileSql, log);
  const app = await buildManagerApp({ config, store, runner, compiler }, logger ? { logger } : false);
  await app.listen({ host: config.host, port: config.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  runner.start();
  void compiler.wake();
  return {
    app,
    url: `http://${host}:${port}`,
    runner,
    async close() {
      runner.stop();
      await app.close();
      await store.close();
    },
  };
}
