/**
 * Sluice's push and pull as a command, so that the sync benchmark times Sluice the way it times
 * rclone and the aws CLI: a whole process from spawn to exit. Prints `{files, bytes}` as JSON.
 *
 *   node --import tsx bench/sync/sluice-tool.ts '{"op":"push"|"pull"|"start", "storeDir", "uuid", "config"}'
 *
 * The benchmark runs it bundled (bench/sync.ts), so no transpiling is timed.
 *
 * `start` loads the same modules and exits: the start-up every timed run includes.
 *
 * Also printed: `main_cpu_s`, the CPU time of the process's main thread (the event loop, which
 * in a pipeline also runs steps and serves HTTP), and `cpu_s`, that of all its threads, from
 * /proc (null where there is none). Unlike wall time, neither depends much on the machine's load.
 */
import { readFileSync } from 'node:fs';
import { CheckpointStore } from '../../src/storage/checkpoint-store.js';
import { pullCheckpoint } from '../../src/storage/pull.js';
import { pushCheckpoint } from '../../src/storage/push.js';
import { RemoteStore } from '../../src/storage/remote-store.js';
import type { SyncConfig } from '../../src/storage/sync-config.js';

const OWNER = { pipelineId: '0190a1b2-0000-7000-8000-0000000000cc', pipelineName: 'bench' };
const args = JSON.parse(process.argv[2]!) as {
  op: 'push' | 'pull' | 'start';
  storeDir: string;
  uuid: string;
  config: SyncConfig;
};

/** Seconds of CPU (user + system) of the main thread and of the whole process. */
function cpuSeconds(): { main_cpu_s: number | null; cpu_s: number } {
  const usage = process.cpuUsage();
  const cpu_s = (usage.user + usage.system) / 1e6;
  try {
    // Fields 14 and 15 of /proc/<pid>/task/<tid>/stat are utime and stime in clock ticks (100/s).
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { main_cpu_s: (Number(fields[11]) + Number(fields[12])) / 100, cpu_s };
  } catch {
    return { main_cpu_s: null, cpu_s };
  }
}

if (args.op === 'start') {
  console.log(JSON.stringify({ files: 0, bytes: 0, ...cpuSeconds() }));
} else {
  const remote = RemoteStore.open(args.config);
  const store = await CheckpointStore.open(args.storeDir);
  try {
    if (args.op === 'push') {
      const s = await pushCheckpoint(remote, store, args.uuid, OWNER);
      console.log(JSON.stringify({ files: s.uploadedFiles, bytes: s.uploadedBytes, ...cpuSeconds() }));
    } else {
      const s = await pullCheckpoint(remote, args.uuid, store);
      console.log(JSON.stringify({ files: s.downloadedFiles, bytes: s.downloadedBytes, ...cpuSeconds() }));
    }
  } finally {
    remote.close();
  }
}
