/**
 * Checkpoint storage benchmark: local checkpoint writes and resumes, and object-store sync.
 *
 *   node --import tsx bench/sync.ts
 *
 * Environment: SLUICE_BENCH_MB (state size for the sync runs, default 300),
 * SLUICE_BENCH_LOCAL_MB (comma-separated state sizes for the local runs, default 10,30,100,300).
 *
 * Local: writes a checkpoint of fresh state (every file new), then one after a 1% change, and
 * reports time and bytes written; then the time to load (read + verify every file) the latest
 * checkpoint, as a resume does.
 * Sync: against each loopback S3 server available (s3rver always, moto_server if installed),
 * push a checkpoint, pull it into an empty store, then push a checkpoint after a 1% change, and
 * the same with `aws s3 sync` (if installed) on the same files and server.
 * The state is 1 MiB files plus one file of a quarter of the total, so both single-PUT and
 * multipart/ranged transfers are exercised. Contents are random (incompressible).
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { CheckpointStore, type NewCheckpoint } from '../src/storage/checkpoint-store.js';
import { pullCheckpoint } from '../src/storage/pull.js';
import { pushCheckpoint } from '../src/storage/push.js';
import { RemoteStore } from '../src/storage/remote-store.js';
import {
  motoServerAvailable,
  type S3ServerKind,
  type S3TestServer,
  startS3Server,
} from '../test/helpers/s3server.js';

const MIB = 1024 * 1024;
const SMALL_FILE = MIB;
const OWNER = { pipelineId: '0190a1b2-0000-7000-8000-0000000000be', pipelineName: 'bench' };
const syncMb = Number(process.env.SLUICE_BENCH_MB ?? 300);
const localMbs = (process.env.SLUICE_BENCH_LOCAL_MB ?? '10,30,100,300').split(',').map(Number);
const scratch = mkdtempSync(join(tmpdir(), 'sluice-bench-'));

type State = Array<{ name: string; data: Buffer }>;

/** Random state of `mb` MiB: one file of a quarter of it, the rest in 1 MiB files. */
function makeState(mb: number): State {
  const total = mb * MIB;
  const large = Math.floor(total / 4);
  const state: State = [{ name: 'large', data: randomBytes(large) }];
  for (let i = 0, left = total - large; left > 0; i++, left -= SMALL_FILE) {
    state.push({ name: `part-${String(i).padStart(4, '0')}`, data: randomBytes(Math.min(SMALL_FILE, left)) });
  }
  return state;
}

/** The state with 1% of its bytes replaced, as whole small files (at least one). */
function changeOnePercent(state: State): { state: State; changedBytes: number } {
  const total = state.reduce((sum, f) => sum + f.data.length, 0);
  const next = [...state];
  let changedBytes = 0;
  for (let i = 1; i < next.length && changedBytes < total / 100; i++) {
    next[i] = { name: next[i]!.name, data: randomBytes(next[i]!.data.length) };
    changedBytes += next[i]!.data.length;
  }
  return { state: next, changedBytes };
}

function checkpointOf(state: State, steps: number): NewCheckpoint {
  return { fingerprint: 1, steps, processedRecords: steps, files: state };
}

async function timed<T>(fn: () => Promise<T>): Promise<{ seconds: number; value: T }> {
  const started = process.hrtime.bigint();
  const value = await fn();
  return { seconds: Number(process.hrtime.bigint() - started) / 1e9, value };
}

const mb = (bytes: number) => (bytes / MIB).toFixed(1);
const rate = (bytes: number, seconds: number) => (bytes / MIB / seconds).toFixed(0);

function table(title: string, header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  console.log(`\n${title}\n${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}`);
  for (const row of rows) console.log(line(row));
}

async function benchLocal(): Promise<void> {
  const rows: string[][] = [];
  for (const size of localMbs) {
    const dir = join(scratch, `local-${size}`);
    const store = await CheckpointStore.open(dir);
    const state = makeState(size);
    const first = await timed(() => store.write(checkpointOf(state, 1)));
    const changed = changeOnePercent(state);
    const second = await timed(() => store.write(checkpointOf(changed.state, 2)));
    const load = await timed(async () => (await CheckpointStore.open(dir)).loadLatestValid());
    const total = first.value.manifest.size;
    rows.push([
      `${size} MiB`,
      first.seconds.toFixed(2),
      rate(total, first.seconds),
      mb(first.value.bytesWritten),
      second.seconds.toFixed(3),
      mb(second.value.bytesWritten),
      load.seconds.toFixed(2),
      rate(total, load.seconds),
    ]);
    rmSync(dir, { recursive: true, force: true });
  }
  table(
    'Local checkpoint store (write = hash + write + fsync; resume = open + read + verify SHA-256 of every file)',
    [
      'state',
      'write s',
      'MiB/s',
      'MiB written',
      'write after 1% change s',
      'MiB written',
      'resume s',
      'MiB/s',
    ],
    rows,
  );
}

/** Runs the aws CLI against `s3`; returns seconds and how many files it uploaded. */
function awsCli(s3: S3TestServer, args: string[]): { seconds: number; uploadedFiles: number } {
  const started = process.hrtime.bigint();
  const result = spawnSync('aws', ['--endpoint-url', s3.endpoint, '--region', s3.region, 's3', ...args], {
    encoding: 'utf8',
    maxBuffer: 64 * MIB,
    env: {
      ...process.env,
      AWS_ACCESS_KEY_ID: s3.accessKey,
      AWS_SECRET_ACCESS_KEY: s3.secretKey,
      // Without this, recent botocore sends aws-chunked CRC32 trailers that s3rver stores verbatim.
      AWS_REQUEST_CHECKSUM_CALCULATION: 'when_required',
      AWS_RESPONSE_CHECKSUM_VALIDATION: 'when_required',
    },
  });
  if (result.status !== 0) throw new Error(`aws s3 ${args.join(' ')} failed: ${result.stderr}`);
  const uploaded = result.stdout.split(/\r|\n/).filter((l) => l.startsWith('upload: '));
  return { seconds: Number(process.hrtime.bigint() - started) / 1e9, uploadedFiles: uploaded.length };
}

async function benchSync(kind: S3ServerKind, state: State, changed: ReturnType<typeof changeOnePercent>) {
  const s3 = await startS3Server(kind);
  const rows: string[][] = [];
  try {
    const bucket = `bench-${kind}`;
    await s3.createBucket(bucket);
    const total = state.reduce((sum, f) => sum + f.data.length, 0);

    const local = await CheckpointStore.open(join(scratch, `${kind}-push`));
    const first = (await local.write(checkpointOf(state, 1))).manifest;
    const second = (await local.write(checkpointOf(changed.state, 2))).manifest;
    const remote = RemoteStore.open(s3.syncConfig(`${bucket}/sluice`));
    try {
      const push = await timed(() => pushCheckpoint(remote, local, first.uuid, OWNER));
      const restored = await CheckpointStore.open(join(scratch, `${kind}-pull`));
      const pull = await timed(() => pullCheckpoint(remote, first.uuid, restored));
      const again = await timed(() => pushCheckpoint(remote, local, second.uuid, OWNER));
      const noop = await timed(() => pushCheckpoint(remote, local, second.uuid, OWNER));
      rows.push([
        kind,
        'sluice',
        push.seconds.toFixed(2),
        rate(total, push.seconds),
        pull.seconds.toFixed(2),
        rate(total, pull.seconds),
        `${mb(again.value.uploadedBytes)} MiB in ${again.seconds.toFixed(2)} s`,
        noop.seconds.toFixed(3),
      ]);
    } finally {
      remote.close();
    }

    if (spawnSync('aws', ['--version']).status === 0) {
      const source = join(scratch, `${kind}-aws-source`);
      mkdirSync(source);
      for (const file of state) writeFileSync(join(source, file.name), file.data);
      const target = `s3://${bucket}/awscli`;
      const push = awsCli(s3, ['sync', '--only-show-errors', source, target]);
      const pullDir = join(scratch, `${kind}-aws-pull`);
      const pull = awsCli(s3, ['sync', '--only-show-errors', target, pullDir]);
      const changedNames = new Set(changed.state.filter((f, i) => f !== state[i]).map((f) => f.name));
      for (const file of changed.state)
        if (changedNames.has(file.name)) writeFileSync(join(source, file.name), file.data);
      const again = awsCli(s3, ['sync', '--no-progress', source, target]);
      const noop = awsCli(s3, ['sync', '--no-progress', source, target]);
      const againBytes = changed.state
        .filter((f) => changedNames.has(f.name))
        .reduce((sum, f) => sum + f.data.length, 0);
      rows.push([
        kind,
        'aws s3 sync',
        push.seconds.toFixed(2),
        rate(total, push.seconds),
        pull.seconds.toFixed(2),
        rate(total, pull.seconds),
        `${again.uploadedFiles} files (${mb(againBytes)} MiB) in ${again.seconds.toFixed(2)} s`,
        noop.seconds.toFixed(3),
      ]);
    }
  } finally {
    await s3.stop();
  }
  return rows;
}

async function main(): Promise<void> {
  console.log(`Node ${process.version}, ${availableParallelism()} CPUs, scratch ${scratch}`);
  await benchLocal();

  const state = makeState(syncMb);
  const changed = changeOnePercent(state);
  const total = state.reduce((sum, f) => sum + f.data.length, 0);
  const kinds: S3ServerKind[] = motoServerAvailable() ? ['s3rver', 'moto'] : ['s3rver'];
  const rows: string[][] = [];
  for (const kind of kinds) rows.push(...(await benchSync(kind, state, changed)));
  table(
    `Object-store sync of ${mb(total)} MiB in ${state.length} files over loopback ` +
      `(2nd push: after a change of ${mb(changed.changedBytes)} MiB = 1%)`,
    ['server', 'tool', 'push s', 'MiB/s', 'pull s', 'MiB/s', '2nd push uploads', 'no-op push s'],
    rows,
  );
}

try {
  await main();
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
