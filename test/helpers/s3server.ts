/**
 * A real S3-compatible server on loopback for tests, in its own process so a test can kill it
 * in the middle of a transfer.
 *
 * - s3rver (default): files in a temp directory, so objects survive `kill` + `restart`. It runs
 *   with a random key pair and verifies SigV4 signatures (s3rver-process.mjs), so wrong access
 *   keys and wrong secret keys are both rejected, as by S3.
 * - moto_server (`SLUICE_TEST_S3=moto`, if installed): in memory, so `persistent` is false and
 *   `restart` is not available, and it accepts any credentials (`checksCredentials` false):
 *   moto 5.2's IAM mode rejects valid signatures of requests whose query holds an encoded '/'
 *   (ListObjectsV2 with a prefix), so it cannot be switched on.
 *
 *   const s3 = await startS3Server();
 *   await s3.createBucket('checkpoints');
 *   const config = s3.syncConfig('checkpoints/pipeline-1');
 *   ...
 *   await s3.stop();
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import type { SyncConfig } from '../../src/storage/sync-config.js';

export type S3ServerKind = 's3rver' | 'moto';

export interface S3TestServer {
  kind: S3ServerKind;
  endpoint: string;
  accessKey: string;
  secretKey: string;
  region: string;
  /** Whether objects survive `kill` + `restart`. */
  persistent: boolean;
  /** Whether wrong access keys and secret keys are rejected. */
  checksCredentials: boolean;
  createBucket(name: string): Promise<void>;
  /** A raw client with the server's credentials, for tests that inspect or damage the store. */
  client(): S3Client;
  /** A SyncConfig for `bucket` ("bucket" or "bucket/prefix") on this server. */
  syncConfig(bucket: string, extra?: Partial<SyncConfig>): SyncConfig;
  /** Sends `signal` (default SIGKILL) to the server process and waits for it to exit. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Starts the server again on the same port (and, for s3rver, the same files). */
  restart(): Promise<void>;
  /** Kills the server and deletes its files. */
  stop(): Promise<void>;
}

const PROCESS_SCRIPT = join(import.meta.dirname, 's3rver-process.mjs');
const REGION = 'us-east-1';
const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** The server kind the environment asks for: `SLUICE_TEST_S3=moto`, else s3rver. */
export function requestedS3ServerKind(): S3ServerKind {
  return process.env.SLUICE_TEST_S3 === 'moto' ? 'moto' : 's3rver';
}

export function motoServerAvailable(): boolean {
  try {
    execFileSync('moto_server', ['--help'], { stdio: 'ignore', timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}

/**
 * Starts a server of `kind`. `filesIn`: the directory under which s3rver keeps its objects (the
 * system's temporary directory by default); moto keeps them in memory.
 */
export async function startS3Server(
  kind: S3ServerKind = requestedS3ServerKind(),
  options: { filesIn?: string } = {},
): Promise<S3TestServer> {
  return kind === 'moto' ? startMoto() : startS3rver(options.filesIn ?? tmpdir());
}

async function startS3rver(filesIn: string): Promise<S3TestServer> {
  const directory = mkdtempSync(join(filesIn, 'sluice-s3rver-'));
  const accessKey = `SLUICETEST${randomBytes(5).toString('hex').toUpperCase()}`;
  const secretKey = randomBytes(20).toString('base64');
  let port = 0;
  let child: ChildProcess | null = null;
  const launch = async () => {
    const args = [
      '--openssl-legacy-provider',
      PROCESS_SCRIPT,
      JSON.stringify({ port, directory, accessKey, secretKey }),
    ];
    child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    port = (JSON.parse(await firstLine(child)) as { port: number }).port;
  };
  await launch();
  return makeServer({
    kind: 's3rver',
    endpoint: () => `http://127.0.0.1:${port}`,
    accessKey,
    secretKey,
    persistent: true,
    checksCredentials: true,
    process: () => child,
    restart: launch,
    cleanup: () => rmSync(directory, { recursive: true, force: true }),
  });
}

async function startMoto(): Promise<S3TestServer> {
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const child = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'ignore', 'ignore'],
    detached: true,
  });
  running.add(child);
  child.on('exit', () => running.delete(child));
  await waitForHttp(`${endpoint}/moto-api/`);
  return makeServer({
    kind: 'moto',
    endpoint: () => endpoint,
    accessKey: `SLUICETEST${randomBytes(5).toString('hex').toUpperCase()}`,
    secretKey: randomBytes(20).toString('base64'),
    persistent: false,
    checksCredentials: false,
    process: () => child,
    restart: () => Promise.reject(new Error('moto_server keeps objects in memory: restart is not supported')),
    cleanup: () => undefined,
  });
}

function makeServer(spec: {
  kind: S3ServerKind;
  endpoint: () => string;
  accessKey: string;
  secretKey: string;
  persistent: boolean;
  checksCredentials: boolean;
  process: () => ChildProcess | null;
  restart: () => Promise<void>;
  cleanup: () => void;
}): S3TestServer {
  const clients: S3Client[] = [];
  const server: S3TestServer = {
    kind: spec.kind,
    get endpoint() {
      return spec.endpoint();
    },
    accessKey: spec.accessKey,
    secretKey: spec.secretKey,
    region: REGION,
    persistent: spec.persistent,
    checksCredentials: spec.checksCredentials,
    async createBucket(name) {
      await server.client().send(new CreateBucketCommand({ Bucket: name }));
    },
    client() {
      const client = new S3Client({
        endpoint: spec.endpoint(),
        region: REGION,
        forcePathStyle: true,
        credentials: { accessKeyId: spec.accessKey, secretAccessKey: spec.secretKey },
        requestChecksumCalculation: 'WHEN_REQUIRED',
        responseChecksumValidation: 'WHEN_REQUIRED',
      });
      clients.push(client);
      return client;
    },
    syncConfig(bucket, extra = {}) {
      return {
        bucket,
        endpoint: spec.endpoint(),
        provider: spec.kind === 'moto' ? 'Other' : 'Minio',
        access_key: spec.accessKey,
        secret_key: spec.secretKey,
        ...extra,
      };
    },
    async kill(signal = 'SIGKILL') {
      const child = spec.process();
      if (!child || child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      if (child.pid && spec.kind === 'moto') process.kill(-child.pid, signal);
      else child.kill(signal);
      await exited;
    },
    restart: spec.restart,
    async stop() {
      for (const client of clients.splice(0)) client.destroy();
      await server.kill('SIGKILL');
      spec.cleanup();
    },
  };
  return server;
}

/** The first line the child prints on stdout; rejects with its stderr if it exits first. */
function firstLine(child: ChildProcess): Promise<string> {
  running.add(child);
  child.on('exit', () => running.delete(child));
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      err += chunk.toString();
    });
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const newline = out.indexOf('\n');
      if (newline >= 0) resolve(out.slice(0, newline));
    });
    child.once('exit', (code) => reject(new Error(`S3 server exited (${code}) before listening: ${err}`)));
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

async function waitForHttp(url: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await fetch(url);
      return;
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`${url} did not answer within ${timeoutMs} ms: ${err}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
