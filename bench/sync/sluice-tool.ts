/**
 * Sluice's push and pull as a command, so that the sync benchmark times Sluice the way it times
 * rclone and the aws CLI: a whole process from spawn to exit. Prints `{files, bytes}` as JSON.
 *
 *   node --import tsx bench/sync/sluice-tool.ts '{"op":"push"|"pull"|"start", "storeDir", "uuid", "config"}'
 *
 * The benchmark runs it bundled (bench/sync.ts), so no transpiling is timed.
 *
 * `start` loads the same modules and exits: the start-up every timed run includes.
 */
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

if (args.op === 'start') {
  console.log(JSON.stringify({ files: 0, bytes: 0 }));
} else {
  const remote = RemoteStore.open(args.config);
  const store = await CheckpointStore.open(args.storeDir);
  try {
    if (args.op === 'push') {
      const s = await pushCheckpoint(remote, store, args.uuid, OWNER);
      console.log(JSON.stringify({ files: s.uploadedFiles, bytes: s.uploadedBytes }));
    } else {
      const s = await pullCheckpoint(remote, args.uuid, store);
      console.log(JSON.stringify({ files: s.downloadedFiles, bytes: s.downloadedBytes }));
    }
  } finally {
    remote.close();
  }
}
