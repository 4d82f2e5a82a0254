/**
 * Two consecutive checkpoints of a real pipeline for the sync benchmark: the checkpoint
 * benchmark's program (bench/checkpoint/workload.ts) loaded to about `stateMiB`, checkpointed
 * once the load's merges are done, then checkpointed again after steps that upsert
 * `changePercent` of the orders. The change between them is what the pipeline's own storage
 * layer wrote, merges included, not a synthetic one.
 */
import { copyFileSync, mkdirSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import type { CheckpointStore } from '../../src/storage/checkpoint-store.js';
import { type CheckpointManifest, manifestFileName } from '../../src/storage/manifest.js';
import { BenchLog, compile, settled, startPipeline } from '../checkpoint/measure.js';
import { bulkLoad, seededRandom, updateOrders, workloadFor } from '../checkpoint/workload.js';

export interface Checkpoints {
  /** The pipeline's storage directory, holding both checkpoints. */
  storageDir: string;
  first: CheckpointManifest;
  second: CheckpointManifest;
}

export async function makeCheckpoints(
  storageDir: string,
  stateMiB: number,
  changePercent: number,
): Promise<Checkpoints> {
  const program = compile();
  const workload = workloadFor(stateMiB);
  const random = seededRandom(1);
  const task = {
    targetMiB: stateMiB,
    dir: storageDir,
    seed: 1,
    batch: 20_000,
    changePercent,
    rounds: 0,
    memoryMb: 512,
  };
  const p = await startPipeline(program, storageDir, task, new BenchLog());
  await bulkLoad(p.plane.circuit, workload, task.batch, random);
  await settled(p.checkpointer);
  const first = await p.checkpointer.request('first').done;
  await p.plane.idle();
  await updateOrders(p.plane.circuit, workload, Math.round((workload.orders * changePercent) / 100), random);
  const second = await p.checkpointer.request('second').done;
  p.checkpointer.close();
  return { storageDir, first, second };
}

/**
 * Lays checkpoint `manifest` out as plain files for the generic tools, as the object-store
 * layout has it: `blobs/<sha256>` for each file, then the manifest. Files already there (from
 * the previous checkpoint) are left as they are. New files are dated an hour back: s3rver keeps
 * whole-second modification times, and `aws s3 sync` re-uploads a file whose local time is
 * later than the stored one (a file written and uploaded within one second would be re-sent).
 */
export function layOut(
  store: CheckpointStore,
  storageDir: string,
  manifest: CheckpointManifest,
  dir: string,
): void {
  mkdirSync(join(dir, 'blobs'), { recursive: true });
  for (const file of manifest.files) {
    const target = join(dir, 'blobs', file.sha256);
    try {
      copyFileSync(store.blobPath(file.sha256), target, 1 /* COPYFILE_EXCL */);
      utimesSync(target, HOUR_AGO(), HOUR_AGO());
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  const target = join(dir, manifestFileName(manifest.uuid));
  copyFileSync(join(storageDir, 'checkpoints', manifestFileName(manifest.uuid)), target);
  utimesSync(target, HOUR_AGO(), HOUR_AGO());
}

const HOUR_AGO = () => new Date(Date.now() - 3600_000);
