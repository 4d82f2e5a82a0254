/**
 * Entry point of a pipeline process: `node runtime/main.js <deployment.json>`.
 *
 * Reads its deployment, starts the controller and its loopback HTTP server, then announces
 * its port by writing `runtime.json` next to the deployment file (write to a temporary file,
 * then rename, so the manager never reads half a file). SIGTERM is a forced stop: the
 * process exits at once, without a checkpoint, as `/stop?force=true` asks.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { compileProgram } from '../engine/index.js';
import { PIPELINE_FILES } from '../types/runtime.js';
import { collectSecrets } from '../types/secrets.js';
import { Controller, type DeploymentConfig } from './controller.js';
import type { EngineProgram } from './engine-api.js';
import { PipelineLogger } from './log.js';
import { buildRuntimeApp } from './server.js';

/** Compiles the program; the manager compiled it before, so errors here are unexpected. */
function loadProgram(programCode: string): EngineProgram {
  const result = compileProgram(programCode);
  if (!result.ok) {
    const first = result.errors[0];
    throw new Error(
      `program does not compile: ${first ? `${first.message} (line ${first.start_line_number})` : 'unknown error'}`,
    );
  }
  return result.program;
}

async function main(): Promise<void> {
  const deploymentPath = process.argv[2];
  const token = process.env.SLUICE_PIPELINE_TOKEN;
  if (!deploymentPath || !token) {
    process.stderr.write('usage: SLUICE_PIPELINE_TOKEN=... main <deployment.json>\n');
    process.exit(2);
  }
  const config = JSON.parse(readFileSync(deploymentPath, 'utf8')) as DeploymentConfig;
  const log = new PipelineLogger();
  log.addSecrets(collectSecrets(config.runtimeConfig));
  const controller = new Controller(config, log, loadProgram, (code) => process.exit(code));
  const app = await buildRuntimeApp(controller, token);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const dir = dirname(deploymentPath);
  const tmp = join(dir, `runtime.json.${process.pid}.tmp`);
  writeFileSync(tmp, JSON.stringify({ pid: process.pid, port, deployment_id: config.deploymentId }));
  renameSync(tmp, join(dir, PIPELINE_FILES.runtime));
  log.info(`pipeline process listening on 127.0.0.1:${port} (pid ${process.pid})`);
  // A pipeline whose directory is gone (deleted pipeline, cleared data dir) has nobody left
  // to manage it: exit rather than linger as an orphan.
  setInterval(() => {
    if (!existsSync(deploymentPath)) {
      log.warn('deployment file is gone: the pipeline was removed; exiting');
      process.exit(0);
    }
  }, 2000).unref();
  process.on('SIGTERM', () => {
    log.info('received SIGTERM: stopping without checkpoint');
    process.exit(0);
  });
  await controller
    .initialize()
    .catch((err: Error) => controller.fail(`initialization failed: ${err.message}`));
}

main().catch((err) => {
  process.stderr.write(
    `${new Date().toISOString()} ERROR pipeline process failed to start: ${(err as Error).stack}\n`,
  );
  process.exit(1);
});
