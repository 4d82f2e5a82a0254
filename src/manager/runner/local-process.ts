/**
 * Runs each pipeline as an OS process on this machine.
 *
 * The process is spawned detached, in its own process group, with stdout and stderr appended
 * to the pipeline's log file, so it outlives a manager restart and the next manager can adopt
 * it. Its environment is built by pipelines/pipeline-env.ts, never inherited whole. It binds
 * a loopback port of its own choosing and announces it by writing `runtime.json`
 * (atomically) into the pipeline directory; every request from the manager carries a
 * per-deployment token that the process checks, so other local users cannot drive it. Under tsx (tests, development) the TypeScript entry point is run through tsx; from
 * `dist/` the compiled one.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  PIPELINE_FILES,
  PRIVATE_FILE_MODE,
  pipelineMallocEnv,
  pipelineNodeFlags,
  TOKEN_HEADER,
} from '../../types/runtime.js';
import { buildPipelineEnv } from '../pipelines/pipeline-env.js';
import type { DeploymentLocation } from '../store/types.js';
import type {
  DeploymentSpec,
  ExitInfo,
  PipelineExecutor,
  ProcessResponse,
  RequestOptions,
} from './executor.js';

const RUNNING_UNDER_TS = import.meta.url.endsWith('.ts');
const RUNTIME_ENTRY = fileURLToPath(
  new URL(`../../runtime/main.${RUNNING_UNDER_TS ? 'ts' : 'js'}`, import.meta.url),
);

/** What a pipeline process announces in `runtime.json`. */
export interface RuntimeAnnouncement {
  pid: number;
  port: number;
  deployment_id: string;
}

/** PipelineExecutor that spawns local OS processes. */
export class LocalProcessExecutor implements PipelineExecutor {
  private readonly children = new Map<number, { child: ChildProcess; exit: ExitInfo | null }>();

  async spawn(spec: DeploymentSpec): Promise<DeploymentLocation> {
    const token = randomBytes(24).toString('hex');
    // Checked again here (defence in depth): a refused variable never reaches a process.
    const env = buildPipelineEnv(process.env, spec.runtimeConfig.env, token);
    const memoryMbMax = (spec.runtimeConfig.resources as { memory_mb_max?: unknown } | undefined)
      ?.memory_mb_max;
    Object.assign(env, pipelineMallocEnv(memoryMbMax));
    const deploymentPath = join(spec.pipelineDir, PIPELINE_FILES.deployment);
    writeFileSync(deploymentPath, JSON.stringify(spec), { mode: PRIVATE_FILE_MODE });
    const logPath = join(spec.pipelineDir, PIPELINE_FILES.log);
    const logFd = openSync(logPath, 'a', PRIVATE_FILE_MODE);
    const memoryFlags = pipelineNodeFlags(memoryMbMax);
    const args = [
      ...memoryFlags,
      ...(RUNNING_UNDER_TS ? ['--import', 'tsx'] : []),
      RUNTIME_ENTRY,
      deploymentPath,
    ];
    let child: ChildProcess;
    try {
      child = spawn(process.execPath, args, { detached: true, stdio: ['ignore', logFd, logFd], env });
    } finally {
      closeSync(logFd);
    }
    const pid = child.pid;
    if (pid === undefined) throw new Error('the pipeline process could not be spawned');
    const entry = { child, exit: null as ExitInfo | null };
    child.on('exit', (code, signal) => {
      entry.exit = { code, signal };
    });
    child.on('error', () => {
      entry.exit ??= { code: null, signal: null };
    });
    child.unref();
    this.children.set(pid, entry);
    return { pid, port: null, token, logPath };
  }

  async discoverPort(
    location: DeploymentLocation,
    pipelineDir: string,
    deploymentId: string,
  ): Promise<number | null> {
    try {
      const text = await readFile(join(pipelineDir, PIPELINE_FILES.runtime), 'utf8');
      const ann = JSON.parse(text) as RuntimeAnnouncement;
      if (ann.deployment_id !== deploymentId || ann.pid !== location.pid) return null;
      return ann.port;
    } catch {
      return null;
    }
  }

  isAlive(location: DeploymentLocation): boolean {
    const known = this.children.get(location.pid);
    if (known) return known.exit === null;
    try {
      process.kill(location.pid, 0);
      return true;
    } catch (err) {
      return (err as NodeJS.ErrnoException).code === 'EPERM';
    }
  }

  exitInfo(location: DeploymentLocation): ExitInfo | null {
    return this.children.get(location.pid)?.exit ?? null;
  }

  kill(location: DeploymentLocation, signal: NodeJS.Signals): void {
    try {
      process.kill(location.pid, signal);
    } catch {
      // Already gone: nothing to stop.
    }
  }

  request(
    location: DeploymentLocation,
    method: string,
    path: string,
    options: RequestOptions = {},
  ): Promise<ProcessResponse> {
    const port = location.port;
    if (port === null)
      return Promise.reject(new Error('the pipeline process has not announced its port yet'));
    return new Promise((resolve, reject) => {
      const req = httpRequest(
        {
          host: '127.0.0.1',
          port,
          method,
          path: options.query ? `${path}?${options.query}` : path,
          headers: { ...options.headers, [TOKEN_HEADER]: location.token },
          signal: options.signal,
        },
        (res) => {
          clearTimeout(timer);
          resolve({ status: res.statusCode ?? 502, headers: res.headers, body: res });
        },
      );
      const timer = setTimeout(() => {
        req.destroy(new Error(`timeout (${options.timeoutMs} ms) waiting for the pipeline to respond`));
      }, options.timeoutMs ?? 10_000);
      req.on('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      const body = options.body;
      if (body === undefined) req.end();
      else if (Buffer.isBuffer(body)) req.end(body);
      else {
        body.on('error', (err) => req.destroy(err));
        body.pipe(req);
      }
    });
  }
}
