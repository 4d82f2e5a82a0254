/**
 * Starts a real manager for a test: real SQLite file, real HTTP on a loopback port, real
 * pipeline processes. `close()` stops the manager and kills every pipeline process it left,
 * so no test leaks processes into the next.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RegisteredRoute } from '../../src/http/route-list.js';
import { defaultManagerConfig, type ManagerConfig } from '../../src/manager/config.js';
import { type RunningManager, startManager } from '../../src/manager/server.js';

export interface HttpResult {
  status: number;
  headers: Headers;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: tests inspect arbitrary JSON bodies
  body: any;
}

export interface TestManager {
  url: string;
  dataDir: string;
  config: ManagerConfig;
  request(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<HttpResult>;
  /** Polls GET /v0/pipelines/{name} until `predicate` holds; returns the last pipeline seen. */
  // biome-ignore lint/suspicious/noExplicitAny: pipeline JSON
  waitFor(name: string, predicate: (p: any) => boolean, timeoutMs?: number, what?: string): Promise<any>;
  /** Stops the manager only (pipeline processes keep running), as a crash or restart would. */
  stopManagerOnly(): Promise<void>;
  /** Starts a new manager on the same data directory. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

/** A manager running in the test's own process, whose server can be inspected. */
export interface InProcessTestManager extends TestManager {
  /** The routes the running manager registered (src/http/route-list.ts). */
  readonly routes: RegisteredRoute[];
}

export async function startTestManager(
  overrides: Partial<ManagerConfig> = {},
): Promise<InProcessTestManager> {
  const dataDir = overrides.dataDir ?? mkdtempSync(join(tmpdir(), 'sluice-test-'));
  const config = defaultManagerConfig({ port: 0, pollIntervalMs: 200, ...overrides, dataDir });
  let manager: RunningManager | null = await startManager(config);
  let url = manager.url;

  const request: TestManager['request'] = async (method, path, body, headers = {}) => {
    const init: RequestInit = { method, headers: { ...headers } };
    if (body !== undefined) {
      if (typeof body === 'string' || Buffer.isBuffer(body)) {
        init.body = body as string;
      } else {
        init.body = JSON.stringify(body);
        (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
      }
    }
    const res = await fetch(`${url}${path}`, init);
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text.length > 0 ? JSON.parse(text) : undefined;
    } catch {
      parsed = text;
    }
    return { status: res.status, headers: res.headers, text, body: parsed };
  };

  const tm: InProcessTestManager = {
    get url() {
      return url;
    },
    dataDir,
    config,
    get routes() {
      if (!manager) throw new Error('the manager is stopped');
      return manager.app.registeredRoutes;
    },
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
        `timed out waiting for ${what} on pipeline ${name}; last: ${JSON.stringify(last)?.slice(0, 2000)}`,
      );
    },
    async stopManagerOnly() {
      await manager?.close();
      manager = null;
    },
    async restart() {
      if (manager) await manager.close();
      manager = await startManager({ ...config, port: 0 });
      url = manager.url;
    },
    async close() {
      if (manager) await manager.close();
      manager = null;
      killPipelineProcesses(dataDir);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return tm;
}

/**
 * SIGKILLs every pipeline process started for `dataDir`, including one still starting (no
 * runtime file yet) or stopping: they are found by their command line, which names their
 * deployment file under `dataDir`.
 */
export function killPipelineProcesses(dataDir: string): void {
  if (!existsSync('/proc')) return;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(join('/proc', entry, 'cmdline'), 'utf8');
      if (cmdline.includes(join(dataDir, 'pipelines'))) process.kill(Number(entry), 'SIGKILL');
    } catch {
      // Gone meanwhile, or not ours to read.
    }
  }
}

export const SIMPLE_PROGRAM = `CREATE TABLE t (id INT NOT NULL PRIMARY KEY, name VARCHAR) WITH ('materialized' = 'true');
CREATE MATERIALIZED VIEW v AS SELECT id, name FROM t WHERE id > 0;`;
