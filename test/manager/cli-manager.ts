/**
 * The manager's command line as a real child process, behind the `TestManager` interface so
 * that the pipeline helpers (start, ingest, checkpoint, ...) drive it like an embedded one.
 *
 *   const m = await startCliManager({ dataDir, args: ['--auth'], umask: '000', headers });
 *   await startAndWait(m, 'p');
 *   await m.close();          // SIGKILLs the manager and its pipelines, removes the data dir
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultManagerConfig } from '../../src/manager/config.js';
import { type HttpResult, killPipelineProcesses, type TestManager } from '../helpers/manager.js';

const ENTRY = join(import.meta.dirname, '../../src/manager/main.ts');

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  /** Extra arguments after `--port 0 --data-dir <dir>`. */
  args?: string[];
  /** Octal umask the process starts with (set by `sh -c 'umask ...; exec node ...'`). */
  umask?: string;
  env?: NodeJS.ProcessEnv;
}

/** Spawns the manager entry point with `args` (no defaults added). */
export function spawnManagerCli(args: string[], options: Omit<CliOptions, 'args'> = {}): ChildProcess {
  const node = [process.execPath, '--import', 'tsx', ENTRY, ...args];
  const env = { ...process.env, ...options.env };
  if (options.umask === undefined) return spawn(node[0] as string, node.slice(1), { env });
  const quoted = node.map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ');
  return spawn('/bin/sh', ['-c', `umask ${options.umask} && exec ${quoted}`], { env });
}

/** Runs the manager entry point until it exits. */
export function runManagerCli(args: string[], options: Omit<CliOptions, 'args'> = {}): Promise<CliRun> {
  const child = spawnManagerCli(args, options);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d) => {
    stdout += d;
  });
  child.stderr?.on('data', (d) => {
    stderr += d;
  });
  return new Promise((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
}

/** Waits until the child prints its URL; rejects with its output if it exits first. */
function listeningUrl(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout?.on('data', (d) => {
      out += d;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m?.[1]) resolve(m[1]);
    });
    child.stderr?.on('data', (d) => {
      err += d;
    });
    child.once('exit', (code) => reject(new Error(`manager exited (${code}) before listening: ${err}`)));
  });
}

export interface CliManager extends TestManager {
  /** The manager process (the current one, after `restart`). */
  readonly child: ChildProcess;
}

/**
 * Starts the manager command line on `dataDir` (a new temporary one if not given) and waits
 * for it to listen. `headers` go with every `request` (e.g. an API key).
 */
export async function startCliManager(
  options: CliOptions & { dataDir?: string; headers?: Record<string, string> } = {},
): Promise<CliManager> {
  const dataDir = options.dataDir ?? join(mkdtempSync(join(tmpdir(), 'sluice-cli-')), 'data');
  const launch = async () => {
    const child = spawnManagerCli(['--port', '0', '--data-dir', dataDir, ...(options.args ?? [])], options);
    try {
      return { child, url: await listeningUrl(child) };
    } catch (err) {
      child.kill('SIGKILL');
      throw err;
    }
  };
  let current = await launch();
  const stop = async (signal: NodeJS.Signals) => {
    const { child } = current;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill(signal);
    await exited;
  };

  const request: TestManager['request'] = async (method, path, body, headers = {}) => {
    const init: RequestInit = { method, headers: { ...options.headers, ...headers } };
    if (body !== undefined) {
      if (typeof body === 'string' || Buffer.isBuffer(body)) init.body = body as string;
      else {
        init.body = JSON.stringify(body);
        (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
      }
    }
    const res = await fetch(`${current.url}${path}`, init);
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text.length > 0 ? JSON.parse(text) : undefined;
    } catch {
      parsed = text;
    }
    return { status: res.status, headers: res.headers, text, body: parsed } satisfies HttpResult;
  };

  return {
    get url() {
      return current.url;
    },
    get child() {
      return current.child;
    },
    dataDir,
    config: defaultManagerConfig({ dataDir }),
    request,
    async waitFor(name, predicate, timeoutMs = 20_000, what = 'condition') {
      const deadline = Date.now() + timeoutMs;
      let last: unknown;
      while (Date.now() < deadline) {
        const res = await request('GET', `/v0/pipelines/${name}`);
        last = res.body;
        if (res.status === 200 && predicate(res.body)) return res.body;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(
        `timed out waiting for ${what} on ${name}; last: ${JSON.stringify(last)?.slice(0, 2000)}`,
      );
    },
    stopManagerOnly: () => stop('SIGTERM'),
    async restart() {
      await stop('SIGTERM');
      current = await launch();
    },
    async close() {
      await stop('SIGKILL');
      killPipelineProcesses(dataDir);
      rmSync(options.dataDir ? dataDir : join(dataDir, '..'), { recursive: true, force: true });
    },
  };
}
