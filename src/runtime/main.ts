/**
 * Entry point of a pipeline process: `node runtime/main.js <deployment.json>`.
 *
 * Reads its deployment, starts the controller and its loopback HTTP server, then announces
 * its port by writing `runtime.json` next to the deployment file (write to a temporary file,
 * then rename, so the manager never reads half a file). SIGTERM is a forced stop: the
 * process exits at once, without a checkpoint, as `/stop?force=true` asks.
 *
 * Before anything else it sets the umask, so every file it and the storage layer write is
 * private to the user (0600, directories 0700), and locks the pipeline's directory
 * (`pipeline.lock`, released by the OS when the process dies), so that two processes never
 * share one storage: a second one started on the same directory waits a few seconds for the
 * first to exit, then gives up with a fatal error, having written nothing.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { getHeapStatistics } from 'node:v8';
import { compileProgram } from '../engine/index.js';
import { type DirectoryLock, LockHeldError, lockFile } from '../storage/dir-lock.js';
import { PIPELINE_FILES, PRIVATE_UMASK } from '../types/runtime.js';
import { collectSecrets } from '../types/secrets.js';
import { Controller, type DeploymentConfig } from './controller.js';
import type { EngineProgram } from './engine-api.js';
import { PipelineLogger } from './log.js';
import { MIN_BOUNDED_MEMORY_MB } from './memory.js';
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

/**
 * The memory bound this process runs under, as V8 applied it: `resources.memory_mb_max` and
 * the heap limit the runner's --max-old-space-size gave (old plus young generation) and the
 * malloc arenas its environment allows (`pipelineMallocEnv`), so that the log shows whether the
 * limit reached the process.
 */
function memoryLine(runtimeConfig: Record<string, unknown>): string {
  const max = (runtimeConfig.resources as { memory_mb_max?: unknown } | undefined)?.memory_mb_max;
  const limitMb = Math.round(getHeapStatistics().heap_size_limit / 2 ** 20);
  const arenas = process.env.MALLOC_ARENA_MAX ?? "glibc's default";
  return `memory: resources.memory_mb_max ${typeof max === 'number' ? `${max} MiB` : 'not set'}, V8 heap limit ${limitMb} MiB (old and young generations together), malloc arenas ${arenas}`;
}

/** A warning when `resources.memory_mb_max` is below what any pipeline process takes. */
function memoryFloorWarning(runtimeConfig: Record<string, unknown>): string | null {
  const max = (runtimeConfig.resources as { memory_mb_max?: unknown } | undefined)?.memory_mb_max;
  if (typeof max !== 'number' || max >= MIN_BOUNDED_MEMORY_MB) return null;
  return `resources.memory_mb_max ${max} MiB is below ${MIN_BOUNDED_MEMORY_MB} MiB, less than an idle pipeline process takes (about 100 MiB of code and runtime): the process will not stay within it`;
}

/** How long a new process waits for a previous one (being killed) to let go of the directory. */
const LOCK_WAIT_MS = 5000;

/** Locks the pipeline directory for this process's lifetime, or exits with a fatal error. */
function lockPipelineDir(dir: string): DirectoryLock {
  try {
    return lockFile(join(dir, PIPELINE_FILES.lock), { waitMs: LOCK_WAIT_MS });
  } catch (err) {
    if (!(err instanceof LockHeldError)) throw err;
    let holder = '';
    try {
      holder = ` (pid ${JSON.parse(readFileSync(join(dir, PIPELINE_FILES.runtime), 'utf8')).pid})`;
    } catch {
      // The holder has not announced itself yet: the message goes without its pid.
    }
    process.stderr.write(
      `${new Date().toISOString()} ERROR fatal: another pipeline process${holder} is running on ${dir}; ` +
        'two processes must never share one pipeline storage. Exiting.\n',
    );
    process.exit(1);
  }
}

async function main(): Promise<void> {
  process.umask(PRIVATE_UMASK);
  const deploymentPath = process.argv[2];
  const token = process.env.SLUICE_PIPELINE_TOKEN;
  if (!deploymentPath || !token) {
    process.stderr.write('usage: SLUICE_PIPELINE_TOKEN=... main <deployment.json>\n');
    process.exit(2);
  }
  const config = JSON.parse(readFileSync(deploymentPath, 'utf8')) as DeploymentConfig;
  // Held until the process exits; the reference keeps the connection from being collected.
  const lock = lockPipelineDir(dirname(deploymentPath));
  process.on('exit', () => lock.release());
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
  log.info(memoryLine(config.runtimeConfig));
  const floorWarning = memoryFloorWarning(config.runtimeConfig);
  if (floorWarning) log.warn(floorWarning);
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
    // Output buffers hold changes of steps already taken; a resume cuts what a checkpoint does not cover.
    controller.connectorsIfUp?.flushOutputs();
    process.exit(0);
  });
  await controller.initialize().catch((err: unknown) => controller.failOn('initialization failed', err));
}

main().catch((err) => {
  process.stderr.write(
    `${new Date().toISOString()} ERROR pipeline process failed to start: ${(err as Error).stack}\n`,
  );
  process.exit(1);
});
