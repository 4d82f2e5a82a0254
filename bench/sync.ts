/**
 * Object-store sync benchmark: Sluice's push and pull against rclone (the tool Feldera's sync
 * runs, with Feldera's default flags) and `aws s3 sync`, on the same loopback s3rver.
 *
 *   node --import tsx bench/sync.ts        (or: npm run bench -- sync)
 *
 * Environment (defaults in brackets): BENCH_SYNC_STATE_MB [100] state of the pipeline whose
 * checkpoints are synced, BENCH_SYNC_CUTOFF_MB [8] multipart cutoff given to all three tools
 * (the run fails unless some file of the checkpoint is above it, so multipart is exercised),
 * BENCH_SYNC_RUNS [3], BENCH_SYNC_TOOLS [sluice,rclone,aws] which tools run, BENCH_SYNC_DATA
 * [a fresh temporary directory] where the pipeline's checkpoints are made, kept and reused by
 * later runs (a directory that already holds them is not loaded again), BENCH_SYNC_NODE_ARGS
 * extra `node` flags for Sluice's tool (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`), BENCH_SYNC_OUT
 * [none] a file to which each invocation appends one JSON line with every run's seconds (in run
 * order; run r, counted from 0, starts with tool number r mod the number of tools, counted from 0;
 * bench/sync/pooled.ts reads it).
 *
 * What is synced: two consecutive checkpoints of a real pipeline (bench/sync/checkpoints.ts:
 * the checkpoint benchmark's program, the second after a step that upserts 1% of the orders).
 * Sluice pushes them from the pipeline's storage directory; rclone and aws copy the same files
 * laid out as the object-store layout has them (`blobs/<sha256>`, then the manifest).
 *
 * Timing: every tool runs as a whole process, timed from spawn to exit, Sluice included
 * (bench/sync/sluice-tool.ts, bundled with esbuild, dynamic imports in chunks of their own, and
 * run by plain `node`, the way a Node command-line tool ships: rclone and aws are not compiled at
 * each start either; under tsx, transpiling at start-up cost 2–5 s a run on a loaded machine).
 * All three run in the same small environment (`BASE_ENV`), plus their own settings. Each
 * tool's start-up (a run that loads and exits) is printed beside it. Each run pushes the first
 * checkpoint to a fresh prefix, then the second, then the second again (nothing to do), then
 * pulls the second into an empty directory. The tools run in rotated order in each run. The
 * number of files each run uploaded or downloaded is asserted for every tool: everything, then
 * only the files the second checkpoint added, then none. Before each timed step every dirty page
 * is written back (`sync`, untimed), so that no step pays for the write-back of an earlier one's
 * files. s3rver keeps its objects in memory (/dev/shm) where the machine has it, because a real
 * store's disk is not the client's (see `STORE_FILES_IN`), and each run's objects are deleted
 * once the run is done (`deletePrefix`), because a real store's memory is not the client's
 * either. Where GNU time (`/usr/bin/time`) exists, each push of the first checkpoint and each
 * pull also reports the process's peak RSS and CPU seconds (the "a push streams files":
 * Sluice's push used 2.0–2.3× rclone's peak RSS when it read whole files into memory).
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { CheckpointStore } from '../src/storage/checkpoint-store.js';
import { RemoteStore } from '../src/storage/remote-store.js';
import type { SyncConfig } from '../src/storage/sync-config.js';
import { type S3TestServer, startS3Server } from '../test/helpers/s3server.js';
import { mib, table } from './checkpoint/report.js';
import { type Checkpoints, layOut, makeCheckpoints } from './sync/checkpoints.js';

const stateMiB = Number(process.env.BENCH_SYNC_STATE_MB ?? 100);
const cutoffMiB = Number(process.env.BENCH_SYNC_CUTOFF_MB ?? 8);
const runs = Number(process.env.BENCH_SYNC_RUNS ?? 3);
const toolNames = (process.env.BENCH_SYNC_TOOLS ?? 'sluice,rclone,aws').split(',');
const dataDir = process.env.BENCH_SYNC_DATA;
const outFile = process.env.BENCH_SYNC_OUT;
const nodeArgs = (process.env.BENCH_SYNC_NODE_ARGS ?? '').split(' ').filter((a) => a !== '');
/**
 * The environment every tool runs in, plus its own settings: the variables the runner passes a
 * pipeline process (src/manager/pipelines/pipeline-env.ts, `MANAGER_PASSED`), the process whose
 * start pulls a checkpoint. Not the shell's: this machine's shell sets NODE_EXTRA_CA_CERTS, which
 * no pipeline inherits and which Node parses at every start, TLS or not (~45 ms a run here), and
 * CA-bundle variables for the other tools too; the store is plain HTTP.
 */
const BASE_ENV: Record<string, string> = Object.fromEntries(
  Object.entries(process.env).filter(
    (e): e is [string, string] =>
      e[1] !== undefined && /^(PATH|HOME|LANG|LANGUAGE|LC_.*|TZ|TMPDIR)$/.test(e[0]),
  ),
);
const PAUSE_AFTER_DELETE_MS = 3_000;
const SLUICE_TOOL = fileURLToPath(new URL('./sync/sluice-tool.ts', import.meta.url));
const started = performance.now();

type ToolName = 'sluice' | 'rclone' | 'aws';
interface Outcome {
  seconds: number;
  files: number;
  /** The process's peak RSS (MiB) and CPU seconds (user + system), where /usr/bin/time exists. */
  usage: Usage | null;
}
interface Usage {
  peakRssMiB: number;
  cpuSeconds: number;
}
/** Where a tool pushes from: Sluice names a checkpoint of its store, the others a directory. */
interface Source {
  dir: string;
  uuid: string;
}
interface Tool {
  name: ToolName;
  start(): Outcome;
  push(source: Source, prefix: string): Outcome;
  pull(prefix: string, uuid: string, dir: string): Outcome;
}

function progress(what: string): void {
  process.stderr.write(`[${((performance.now() - started) / 1000).toFixed(0)}s] ${what}\n`);
}

/** GNU time, which reports a child's peak RSS and CPU seconds; absent on some machines. */
const GNU_TIME = '/usr/bin/time';
const measureUsage = existsSync(GNU_TIME);

/**
 * Where s3rver keeps its objects: memory (tmpfs), where the machine has one, since a real store's
 * disk is not the client's (one run's objects at a time: ~320 MiB of RAM with 60 MiB of state). On one
 * disk the store's own writes and write-back compete with the tools' (with Sluice's fsyncs above
 * all, which may wait for other files' data in ext4's journal; not isolated).
 */
const STORE_FILES_IN = existsSync('/dev/shm') ? '/dev/shm' : null;

/** Writes back every dirty page (the previous step's files), so no step pays for another's. */
function flushDirtyPages(): void {
  const result = spawnSync('sync');
  if (result.status !== 0) throw new Error(`sync failed: ${result.error?.message ?? result.stderr}`);
}

/** Runs `command` with exactly the environment `env` (nothing else of this process's). */
function run(
  command: string,
  args: string[],
  env: Record<string, string | undefined>,
): { seconds: number; out: string; usage: Usage | null } {
  const usageFile = join(tmpdir(), `sluice-bench-sync-usage-${process.pid}`);
  const [file, argv] = measureUsage
    ? [GNU_TIME, ['-f', '%M %U %S', '-o', usageFile, command, ...args]]
    : [command, args];
  flushDirtyPages();
  const start = performance.now();
  const result = spawnSync(file, argv, {
    encoding: 'utf8',
    env,
    maxBuffer: 2 ** 26,
  });
  const seconds = (performance.now() - start) / 1000;
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${result.stderr}`);
  let usage: Usage | null = null;
  if (measureUsage) {
    const [kib, user, system] = readFileSync(usageFile, 'utf8').trim().split(/\s+/).slice(-3).map(Number);
    rmSync(usageFile, { force: true });
    usage = { peakRssMiB: kib! / 1024, cpuSeconds: user! + system! };
  }
  return { seconds, out: `${result.stdout}\n${result.stderr}`, usage };
}

const usageOf = ({ seconds, usage }: { seconds: number; usage: Usage | null }) => ({ seconds, usage });

/**
 * Bundles the Sluice tool with its dependencies into ES modules in `scratch`, as a Node
 * command-line tool ships: one module for what every run loads, and separate chunks for what
 * is imported dynamically (the AWS SDK's credential chain, loaded only when no key pair is
 * configured), so that a run does not parse code it never runs. Some dependencies are
 * CommonJS and `require` Node's built-ins, hence the `require` banner.
 */
async function bundleSluiceTool(scratch: string): Promise<string> {
  const outdir = join(scratch, 'sluice-tool');
  await build({
    entryPoints: [SLUICE_TOOL],
    outdir,
    bundle: true,
    splitting: true,
    outExtension: { '.js': '.mjs' },
    platform: 'node',
    format: 'esm',
    target: 'node20',
    mainFields: ['module', 'main'],
    banner: {
      js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
    },
    logLevel: 'warning',
  });
  return join(outdir, 'sluice-tool.mjs');
}

function sluiceTool(s3: S3TestServer, bundle: string): Tool {
  const config = (prefix: string): SyncConfig =>
    s3.syncConfig(`bench/${prefix}`, { multi_thread_cutoff: `${cutoffMiB}M` });
  const call = (args: object): Outcome => {
    const { seconds, out, usage } = run(
      process.execPath,
      [...nodeArgs, bundle, JSON.stringify(args)],
      BASE_ENV,
    );
    const line = out.split('\n').find((l) => l.startsWith('{'))!;
    return { seconds, files: (JSON.parse(line) as { files: number }).files, usage };
  };
  return {
    name: 'sluice',
    start: () => call({ op: 'start' }),
    push: (source, prefix) =>
      call({ op: 'push', storeDir: source.dir, uuid: source.uuid, config: config(prefix) }),
    pull: (prefix, uuid, dir) => call({ op: 'pull', storeDir: dir, uuid, config: config(prefix) }),
  };
}

/** rclone with the flags Feldera's sync passes by default (docs: pipelines/checkpoint-sync). */
function rcloneTool(s3: S3TestServer): Tool {
  const env = {
    ...BASE_ENV,
    RCLONE_CONFIG_BENCH_TYPE: 's3',
    RCLONE_CONFIG_BENCH_PROVIDER: 'Other',
    RCLONE_CONFIG_BENCH_ACCESS_KEY_ID: s3.accessKey,
    RCLONE_CONFIG_BENCH_SECRET_ACCESS_KEY: s3.secretKey,
    RCLONE_CONFIG_BENCH_ENDPOINT: s3.endpoint,
    RCLONE_CONFIG_BENCH_REGION: s3.region,
  };
  const flags = [
    '--transfers=20',
    '--checkers=20',
    '--multi-thread-streams=10',
    `--multi-thread-cutoff=${cutoffMiB}M`,
    '--s3-upload-concurrency=10',
    `--s3-upload-cutoff=${cutoffMiB}M`,
    '-v',
    '--stats=0',
  ];
  const copy = (from: string, to: string): Outcome => {
    const { seconds, out, usage } = run('rclone', ['copy', from, to, ...flags], env);
    return {
      seconds,
      usage,
      files: out.split('\n').filter((l) => /: (Multi-thread )?Copied \((new|replaced existing)\)/.test(l))
        .length,
    };
  };
  return {
    name: 'rclone',
    start: () => ({ ...usageOf(run('rclone', ['version'], env)), files: 0 }),
    push: (source, prefix) => copy(source.dir, `bench:bench/${prefix}`),
    pull: (prefix, _uuid, dir) => copy(`bench:bench/${prefix}`, dir),
  };
}

function awsTool(s3: S3TestServer, scratch: string): Tool {
  const configFile = join(scratch, 'aws-config');
  // The same multipart cutoff and parallelism as the others.
  writeFileSync(
    configFile,
    `[default]\ns3 =\n  multipart_threshold = ${cutoffMiB}MB\n  multipart_chunksize = ${cutoffMiB}MB\n  max_concurrent_requests = 20\n`,
  );
  const env = {
    ...BASE_ENV,
    AWS_CONFIG_FILE: configFile,
    AWS_ACCESS_KEY_ID: s3.accessKey,
    AWS_SECRET_ACCESS_KEY: s3.secretKey,
    // Without these, recent botocore sends aws-chunked CRC32 trailers that s3rver stores verbatim.
    AWS_REQUEST_CHECKSUM_CALCULATION: 'when_required',
    AWS_RESPONSE_CHECKSUM_VALIDATION: 'when_required',
  };
  const sync = (from: string, to: string, verb: string): Outcome => {
    const args = [
      '--endpoint-url',
      s3.endpoint,
      '--region',
      s3.region,
      's3',
      'sync',
      '--no-progress',
      from,
      to,
    ];
    const { seconds, out, usage } = run('aws', args, env);
    return { seconds, usage, files: out.split(/\r|\n/).filter((l) => l.startsWith(`${verb}: `)).length };
  };
  return {
    name: 'aws',
    start: () => ({ ...usageOf(run('aws', ['--version'], env)), files: 0 }),
    push: (source, prefix) => sync(source.dir, `s3://bench/${prefix}`, 'upload'),
    pull: (prefix, _uuid, dir) => sync(`s3://bench/${prefix}`, dir, 'download'),
  };
}

/**
 * Deletes a finished run's objects. With the store in /dev/shm every run's ~320 MiB (60 MiB of
 * state) would otherwise stay in the client machine's memory. On this virtual machine, from
 * about the eighth run on, Sluice's pull (which keeps the pulled files cached) then used
 * 0.50–0.83 s of CPU instead of ~0.40 s; probably because the store had used up the memory the
 * host had backed, so that every page a tool newly cached cost a host fault (bench/README.md,
 * "Sync, tenth pass").
 */
async function deletePrefix(s3: S3TestServer, prefix: string): Promise<void> {
  const remote = RemoteStore.open(s3.syncConfig(`bench/${prefix}`));
  try {
    await remote.objects.deleteKeys((await remote.objects.list('')).map((o) => o.key));
  } finally {
    remote.close();
  }
}

function available(command: string, args: string[]): boolean {
  return spawnSync(command, args).status === 0;
}

function expect(tool: ToolName, what: string, got: number, want: number): void {
  if (got !== want) throw new Error(`${tool} ${what}: ${got} files transferred, expected ${want}`);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const spread = (xs: number[]) =>
  `${median(xs).toFixed(2)} (${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)})`;

/**
 * The two checkpoints in `storageDir`: made there (and their uuids recorded in
 * `bench-checkpoints.json`) unless a previous run left them.
 */
async function reusedCheckpoints(storageDir: string): Promise<Checkpoints> {
  const record = join(storageDir, 'bench-checkpoints.json');
  if (existsSync(record)) {
    const { first, second } = JSON.parse(readFileSync(record, 'utf8')) as { first: string; second: string };
    const store = await CheckpointStore.open(storageDir);
    const [a, b] = [await store.manifest(first), await store.manifest(second)];
    if (a && b) return { storageDir, first: a, second: b };
  }
  const cps = await makeCheckpoints(storageDir, stateMiB, 1);
  writeFileSync(record, JSON.stringify({ first: cps.first.uuid, second: cps.second.uuid }));
  return cps;
}

async function main(): Promise<void> {
  const scratch = mkdtempSync(join(tmpdir(), 'sluice-bench-sync-'));
  console.log(`Sync benchmark — ${new Date().toISOString()}, scratch ${scratch}`);
  const s3 = await startS3Server('s3rver', STORE_FILES_IN ? { filesIn: STORE_FILES_IN } : {});
  console.log(`store: s3rver on loopback, its files in ${STORE_FILES_IN ?? 'the temporary directory'}`);
  try {
    progress(`a pipeline with ~${stateMiB} MiB of state: two consecutive checkpoints`);
    const cps = await reusedCheckpoints(dataDir ?? join(scratch, 'pipeline'));
    const store = await CheckpointStore.open(cps.storageDir);
    const firstDir = join(scratch, 'plain-first');
    layOut(store, cps.storageDir, cps.first, firstDir);
    const secondDir = join(scratch, 'plain-second');
    cpSync(firstDir, secondDir, { recursive: true, preserveTimestamps: true });
    layOut(store, cps.storageDir, cps.second, secondDir);

    const firstBlobs = new Map(cps.first.files.map((f) => [f.sha256, f.size]));
    const added = new Map(
      cps.second.files.filter((f) => !firstBlobs.has(f.sha256)).map((f) => [f.sha256, f.size]),
    );
    const secondBlobs = new Map(cps.second.files.map((f) => [f.sha256, f.size]));
    const bytes = (m: Map<string, number>) => [...m.values()].reduce((n, s) => n + s, 0);
    const largest = Math.max(...secondBlobs.values());
    if (largest <= cutoffMiB * 2 ** 20)
      throw new Error(`no file above the ${cutoffMiB} MiB multipart cutoff (largest ${mib(largest)} MiB)`);
    console.log(
      `checkpoints: first ${firstBlobs.size} files, ${mib(bytes(firstBlobs))} MiB; second adds ${added.size} files, ` +
        `${mib(bytes(added))} MiB (${((100 * bytes(added)) / bytes(secondBlobs)).toFixed(1)}% of its ${mib(bytes(secondBlobs))} MiB); ` +
        `largest file ${mib(largest)} MiB, multipart cutoff ${cutoffMiB} MiB`,
    );

    await s3.createBucket('bench');
    const tools: Tool[] = [];
    if (toolNames.includes('sluice')) tools.push(sluiceTool(s3, await bundleSluiceTool(scratch)));
    if (!toolNames.includes('rclone')) console.log('rclone: not asked for');
    else if (available('rclone', ['version'])) tools.push(rcloneTool(s3));
    else console.log('rclone: not installed, skipped');
    if (!toolNames.includes('aws')) console.log('aws: not asked for');
    else if (available('aws', ['--version'])) tools.push(awsTool(s3, scratch));
    else console.log('aws: not installed, skipped');

    const results = new Map<
      ToolName,
      {
        start: number[];
        push: number[];
        next: number[];
        noop: number[];
        pull: number[];
        pushUsage: Usage[];
        pullUsage: Usage[];
      }
    >();
    for (const tool of tools)
      results.set(tool.name, {
        start: [],
        push: [],
        next: [],
        noop: [],
        pull: [],
        pushUsage: [],
        pullUsage: [],
      });
    for (let r = 0; r < runs; r++) {
      const order = [...tools.slice(r % tools.length), ...tools.slice(0, r % tools.length)];
      progress(`run ${r + 1}: ${order.map((t) => t.name).join(', ')}`);
      for (const tool of order) {
        const out = results.get(tool.name)!;
        const prefix = `${tool.name}-${r}`;
        const generic = tool.name !== 'sluice';
        // The generic tools also copy the manifest file; Sluice's counts are blobs.
        const extra = generic ? 1 : 0;
        out.start.push(tool.start().seconds);
        const source = (dir: string, uuid: string) =>
          generic ? { dir, uuid } : { dir: cps.storageDir, uuid };
        const push = tool.push(source(firstDir, cps.first.uuid), prefix);
        expect(tool.name, 'first push', push.files, firstBlobs.size + extra);
        const next = tool.push(source(secondDir, cps.second.uuid), prefix);
        expect(tool.name, 'push after the change', next.files, added.size + extra);
        const noop = tool.push(source(secondDir, cps.second.uuid), prefix);
        expect(tool.name, 'push with nothing new', noop.files, 0);
        const pullDir = join(scratch, `pull-${prefix}`);
        const pull = tool.pull(prefix, cps.second.uuid, pullDir);
        // rclone and aws download the whole prefix: both checkpoints' files and manifests.
        const wantPull = generic
          ? new Set([...firstBlobs.keys(), ...secondBlobs.keys()]).size + 2
          : secondBlobs.size;
        expect(tool.name, 'pull', pull.files, wantPull);
        rmSync(pullDir, { recursive: true, force: true });
        out.push.push(push.seconds);
        out.next.push(next.seconds);
        out.noop.push(noop.seconds);
        out.pull.push(pull.seconds);
        if (push.usage) out.pushUsage.push(push.usage);
        if (pull.usage) out.pullUsage.push(pull.usage);
      }
      for (const tool of order) await deletePrefix(s3, `${tool.name}-${r}`);
      // The freed memory goes back to the host within a few seconds (free page reporting); the
      // next run's first tool should not start in the middle of that.
      await new Promise((resolve) => setTimeout(resolve, PAUSE_AFTER_DELETE_MS));
    }

    if (outFile) {
      const record = {
        finished: new Date().toISOString(),
        load: loadavg(),
        stateMiB,
        cutoffMiB,
        results: Object.fromEntries(results),
      };
      writeFileSync(outFile, `${JSON.stringify(record)}\n`, { flag: 'a' });
    }
    const rows = tools.map((tool) => {
      const o = results.get(tool.name)!;
      return [tool.name, spread(o.start), spread(o.push), spread(o.next), spread(o.noop), spread(o.pull)];
    });
    table(
      `Seconds, whole process, median (min–max) of ${runs} runs: start-up; push of the first checkpoint ` +
        `(${mib(bytes(firstBlobs))} MiB); push of the second (${added.size} new files, ${mib(bytes(added))} MiB); ` +
        `the same again; pull of the second (${mib(bytes(secondBlobs))} MiB; rclone and aws fetch the whole prefix, ` +
        `${mib(bytes(new Map([...firstBlobs, ...secondBlobs])))} MiB)`,
      ['tool', 'start-up', 'push', 'push after 1% change', 'push, nothing new', 'pull'],
      rows,
    );
    const sluice = results.get('sluice')!;
    const ratioRows = tools
      .filter((t) => t.name !== 'sluice')
      .map((t) => {
        const o = results.get(t.name)!;
        const r = (a: number[], b: number[]) => `${(median(a) / median(b)).toFixed(2)}×`;
        return [
          t.name,
          r(o.push, sluice.push),
          r(o.next, sluice.next),
          r(o.noop, sluice.noop),
          r(o.pull, sluice.pull),
        ];
      });
    table(
      'Speed-up of Sluice: the tool’s median time ÷ Sluice’s (above 1 = Sluice faster; start-up included for all)',
      ['tool', 'push', 'push after 1% change', 'push, nothing new', 'pull'],
      ratioRows,
    );
    const net = (o: { start: number[] }, xs: number[]) => median(xs) - median(o.start);
    // Below a tenth of a second the difference is within the start-up's own variation.
    const NOISE = 0.1;
    const netRows = tools
      .filter((t) => t.name !== 'sluice')
      .map((t) => {
        const o = results.get(t.name)!;
        const r = (a: number[], b: number[]) => {
          const [theirs, ours] = [net(o, a), net(sluice, b)];
          return theirs < NOISE || ours < NOISE ? 'within noise' : `${(theirs / ours).toFixed(2)}×`;
        };
        return [
          t.name,
          r(o.push, sluice.push),
          r(o.next, sluice.next),
          r(o.noop, sluice.noop),
          r(o.pull, sluice.pull),
        ];
      });
    table(
      'The same with each tool’s median start-up subtracted from its medians (the work itself)',
      ['tool', 'push', 'push after 1% change', 'push, nothing new', 'pull'],
      netRows,
    );
    if (measureUsage) {
      const usageCells = (us: Usage[]) => [
        median(us.map((u) => u.peakRssMiB)).toFixed(0),
        median(us.map((u) => u.cpuSeconds)).toFixed(2),
      ];
      table(
        `Peak RSS (MiB) and CPU seconds (user + system) of the whole process, median of ${runs} runs ` +
          "(GNU time; CPU seconds depend far less on the machine's load than wall time)",
        ['tool', 'push: peak RSS', 'push: CPU s', 'pull: peak RSS', 'pull: CPU s'],
        tools.map((tool) => {
          const o = results.get(tool.name)!;
          return [tool.name, ...usageCells(o.pushUsage), ...usageCells(o.pullUsage)];
        }),
      );
    } else console.log(`peak RSS and CPU seconds: ${GNU_TIME} not found, not measured`);
    console.log(`\nfinished in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  } finally {
    await s3.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
}

await main();
