/**
 * Checkpoints and object-storage sync: checkpoint, checkpoints, sync, sync-status,
 * remote-checkpoints. Feldera's own CLI has no sync commands; these read the same endpoints
 * its Python SDK does (`/checkpoint_status`, `/checkpoint/sync_status`) plus Sluice's
 * `/checkpoints/remote`.
 */
import type { Command, CommandContext } from '../command.js';
import { formatBytes, type ProgressSnapshot, progressLine, snapshotOf } from '../progress.js';
import { checkDeadline, pipelinePath, sleep } from '../wait.js';
import { table } from './table.js';

interface CheckpointStatus {
  success: number | null;
  failure: { sequence_number: number; error: string } | null;
  progress?: ({ sequence_number: number } & Record<string, unknown>) | null;
}

interface SyncStatus {
  success: string | null;
  periodic: string | null;
  failure: { uuid: string; error: string } | null;
  progress?: ({ uuid: string } & Record<string, unknown>) | null;
  /** The uuids being pushed, where the server reports them. */
  running?: string[] | null;
}

interface CheckpointMetadata {
  uuid: string;
  steps: number | null;
  processed_records: number | null;
  size: number | null;
}

function checkpointTable(list: CheckpointMetadata[]): string {
  if (list.length === 0) return '(none)';
  return table([
    ['UUID', 'STEPS', 'RECORDS', 'SIZE'],
    ...list.map((c) => [
      c.uuid,
      String(c.steps ?? ''),
      String(c.processed_records ?? ''),
      c.size === null ? '' : formatBytes(c.size),
    ]),
  ]);
}

const checkpoint: Command = {
  name: 'checkpoint',
  usage: '<pipeline>',
  summary: 'take a checkpoint and wait until it is written, showing its progress',
  description: 'The pipeline needs storage in its runtime configuration.',
  args: [1, 1],
  async run(ctx) {
    const name = ctx.args[0]!;
    const { checkpoint_sequence_number: seq } = await ctx.client.json<{ checkpoint_sequence_number: number }>(
      'POST',
      pipelinePath(name, '/checkpoint'),
    );
    const display = ctx.progress(`checkpoint ${seq}`);
    const started = Date.now();
    try {
      for (;;) {
        const s = await ctx.client.json<CheckpointStatus>('GET', pipelinePath(name, '/checkpoint_status'));
        if (s.failure && s.failure.sequence_number === seq) {
          throw new Error(`checkpoint ${seq} failed: ${s.failure.error}`);
        }
        if (s.success !== null && s.success >= seq) break;
        display.update(
          s.progress && s.progress.sequence_number === seq
            ? snapshotOf(s.progress)
            : { phase: 'queued behind another checkpoint' },
        );
        checkDeadline(ctx, started, `checkpoint ${seq}`);
        await sleep(200);
      }
    } finally {
      display.stop();
    }
    const list = await ctx.client.json<CheckpointMetadata[]>('GET', pipelinePath(name, '/checkpoints'));
    const newest = list.at(-1);
    ctx.out(
      `${name}: checkpoint ${seq} written${newest ? ` (newest: ${newest.uuid}${newest.size !== null ? `, ${formatBytes(newest.size)}` : ''})` : ''}`,
    );
  },
};

const checkpoints: Command = {
  name: 'checkpoints',
  usage: '<pipeline>',
  summary: "list a running pipeline's local checkpoints, oldest first",
  description: '',
  options: { json: { type: 'boolean', help: 'print the JSON the server returns' } },
  args: [1, 1],
  async run(ctx) {
    const list = await ctx.client.json<CheckpointMetadata[]>(
      'GET',
      pipelinePath(ctx.args[0]!, '/checkpoints'),
    );
    ctx.out(ctx.options.json ? JSON.stringify(list, null, 2) : checkpointTable(list));
  },
};

/**
 * The progress of the push under way, if the status shows one. While it is `checking` (listing
 * what the store already has) its 0/0 totals are placeholders, so the line shows the phase and
 * the time spent, not a bar at 100%.
 */
function pushProgress(s: SyncStatus): ProgressSnapshot | null {
  if (!s.progress) return null;
  const snapshot = snapshotOf(s.progress);
  return snapshot.phase === 'checking' ? { phase: 'checking' } : snapshot;
}

/**
 * The last line of a sync's bar once the push ended, from the last progress seen (null if none
 * was). A failed push stops where it was, marked failed: the bar is never completed for it. A
 * push that succeeded is completed where its totals were seen; where they were not (the push
 * ran whole between two polls, or was last seen `checking`, whose 0/0 is a placeholder) it
 * ends as plainly done, and one with nothing to upload (the checkpoint already in the store,
 * or every file already there) says so rather than showing a bar of 0/0 files.
 */
export function finalSyncSnapshot(last: ProgressSnapshot | null, succeeded: boolean): ProgressSnapshot {
  if (!succeeded) return { ...last, phase: 'failed' };
  if (!last || last.phase === 'checking') return { phase: 'done' };
  if (last.filesTotal === 0) return { phase: 'done, nothing to upload' };
  if (last.bytesTotal === undefined) return { ...last, phase: 'done' };
  return { ...last, phase: 'done', bytesDone: last.bytesTotal, filesDone: last.filesTotal };
}

/**
 * Shows the push under way (from `/checkpoint/sync_status`) until `until` holds for the
 * newest status read (null when it could not be read), then ends the bar as `succeeded` says
 * for that status; returns that status.
 */
async function followSync(
  ctx: CommandContext,
  name: string,
  until: (status: SyncStatus | null) => boolean,
  succeeded: (status: SyncStatus | null) => boolean,
): Promise<SyncStatus | null> {
  const display = ctx.progress('sync');
  const started = Date.now();
  let last: ProgressSnapshot | null = null;
  let status: SyncStatus | null = null;
  let shown = false;
  try {
    for (;;) {
      try {
        status = await ctx.client.json<SyncStatus>('GET', pipelinePath(name, '/checkpoint/sync_status'));
      } catch {
        // The status is only for display; the outcome comes from the request it follows.
        status = null;
      }
      if (until(status)) break;
      const p = status ? pushProgress(status) : null;
      if (p) last = p;
      display.update(last ?? { phase: 'waiting for the push to start' });
      shown = true;
      checkDeadline(ctx, started, 'the sync');
      await sleep(250);
    }
    if (shown) display.update(finalSyncSnapshot(last, succeeded(status)));
  } finally {
    display.stop();
  }
  return status;
}

const sync: Command = {
  name: 'sync',
  usage: '<pipeline>',
  summary: "push the pipeline's newest checkpoint to its object store, showing progress",
  description:
    'Returns once the checkpoint is in the store. A push already under way for the same\n' +
    "checkpoint is joined. The object store is the pipeline's runtime configuration\n" +
    "fault_tolerance / storage sync settings; take a checkpoint first with 'sluice checkpoint'.",
  args: [1, 1],
  async run(ctx) {
    const name = ctx.args[0]!;
    let outcome: 'pending' | 'succeeded' | 'failed' = 'pending';
    const request = ctx.client
      .json<{ checkpoint_uuid: string; checkpoint_sequence_number: number }>(
        'POST',
        pipelinePath(name, '/checkpoint/sync'),
      )
      .then(
        (result) => {
          outcome = 'succeeded';
          return result;
        },
        (err: unknown) => {
          outcome = 'failed';
          throw err;
        },
      );
    const follow = followSync(
      ctx,
      name,
      () => outcome !== 'pending',
      () => outcome === 'succeeded',
    );
    let result: Awaited<typeof request>;
    try {
      [result] = await Promise.all([request, follow]);
    } catch (err) {
      // Let the progress line end (marked failed) before the error is printed.
      outcome = 'failed';
      await follow.catch(() => undefined);
      throw err;
    }
    ctx.out(
      `${name}: synced checkpoint ${result.checkpoint_uuid} (sequence ${result.checkpoint_sequence_number})`,
    );
  },
};

const syncStatus: Command = {
  name: 'sync-status',
  usage: '<pipeline>',
  summary: 'show the last syncs to the object store, the last failure and any push under way',
  description:
    '"requested" is the last sync asked for (sluice sync, POST /checkpoint/sync), "periodic" the\n' +
    'last automatic one (push_interval). With --wait, follows a push under way until it ends.',
  options: {
    json: { type: 'boolean', help: 'print the JSON the server returns' },
    wait: { type: 'boolean', help: 'follow a push under way until it ends' },
  },
  args: [1, 1],
  async run(ctx) {
    const name = ctx.args[0]!;
    let s = await ctx.client.json<SyncStatus>('GET', pipelinePath(name, '/checkpoint/sync_status'));
    if (ctx.options.wait && s.progress) {
      const pushed = s.progress.uuid;
      s =
        (await followSync(
          ctx,
          name,
          (x) => x !== null && !x.progress,
          (x) => x?.success === pushed || x?.periodic === pushed || x?.failure?.uuid !== pushed,
        )) ?? s;
    }
    if (ctx.options.json) {
      ctx.out(JSON.stringify(s, null, 2));
      return;
    }
    const progress = pushProgress(s);
    const rows = [
      ['requested', s.success ?? 'none'],
      ['periodic', s.periodic ?? 'none'],
      ['failure', s.failure ? `${s.failure.uuid}: ${s.failure.error}` : 'none'],
      ['in progress', progress && s.progress ? progressLine(s.progress.uuid, progress, null, 0) : 'none'],
    ];
    if (s.running && s.running.length > 0) rows.push(['running', s.running.join(', ')]);
    for (const [label, value] of rows) ctx.out(`${`${label}:`.padEnd(13)}${value}`);
  },
};

const remoteCheckpoints: Command = {
  name: 'remote-checkpoints',
  usage: '<pipeline>',
  summary: "list the checkpoints in the pipeline's object store, oldest first",
  description: 'The pipeline must be running, paused or in standby (its process reads the store).',
  options: { json: { type: 'boolean', help: 'print the JSON the server returns' } },
  args: [1, 1],
  async run(ctx) {
    const list = await ctx.client.json<CheckpointMetadata[]>(
      'GET',
      pipelinePath(ctx.args[0]!, '/checkpoints/remote'),
    );
    ctx.out(ctx.options.json ? JSON.stringify(list, null, 2) : checkpointTable(list));
  },
};

export const CHECKPOINT_COMMANDS = [checkpoint, checkpoints, sync, syncStatus, remoteCheckpoints];
