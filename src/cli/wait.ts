/**
 * Waiting for a pipeline to reach a status, with a progress line: the deployment status as it
 * changes, and a transfer bar while the pipeline process pulls a checkpoint (its status details
 * carry `{pull: {phase, filesDone, ...}}`) or a phase (`{suspending: ...}`) while it has one.
 * Polls `GET /v0/pipelines/{name}?selector=status`, as Feldera's SDK does.
 */
import type { CommandContext } from './command.js';
import { type ProgressSnapshot, snapshotOf } from './progress.js';

/** The fields of Feldera's pipeline status selector that the CLI reads. */
export interface PipelineStatus {
  name: string;
  deployment_status: string;
  deployment_desired_status: string;
  program_status: string;
  storage_status: string;
  deployment_error: { message: string; error_code?: string } | null;
  deployment_runtime_status_details: unknown;
}

export const enc = encodeURIComponent;
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function pipelinePath(name: string, rest = ''): string {
  return `/v0/pipelines/${enc(name)}${rest}`;
}

/** What the status line shows: the status, and a transfer or phase from the details. */
function snapshotOfStatus(p: PipelineStatus): ProgressSnapshot {
  const status =
    p.deployment_status === p.deployment_desired_status
      ? p.deployment_status
      : `${p.deployment_status} (desired ${p.deployment_desired_status})`;
  const details = p.deployment_runtime_status_details;
  if (typeof details !== 'object' || details === null) return { phase: status };
  for (const [what, value] of Object.entries(details)) {
    if (what === 'deployment_id') continue;
    const inner = snapshotOf(value);
    return { ...inner, phase: `${status}: ${what}${inner.phase ? ` ${inner.phase}` : ''}` };
  }
  return { phase: status };
}

/** Throws when the wait outlived --timeout. */
export function checkDeadline(ctx: CommandContext, started: number, what: string): void {
  if (ctx.timeoutSecs !== null && Date.now() - started > ctx.timeoutSecs * 1000) {
    throw new Error(`timed out after ${ctx.timeoutSecs} s waiting for ${what}`);
  }
}

/**
 * Polls the pipeline until `done` holds and returns it, showing `show` of each status read
 * (the deployment status by default). A pipeline that stops with a
 * deployment error while it is meant to stay stopped fails the wait, as in Feldera's SDK,
 * unless stopping is what `done` waits for.
 */
export async function waitForPipeline(
  ctx: CommandContext,
  name: string,
  what: string,
  done: (p: PipelineStatus) => boolean,
  show: (p: PipelineStatus) => ProgressSnapshot = snapshotOfStatus,
): Promise<PipelineStatus> {
  const display = ctx.progress(name);
  const started = Date.now();
  try {
    for (;;) {
      const p = await ctx.client.json<PipelineStatus>('GET', pipelinePath(name, '?selector=status'));
      display.update(show(p));
      if (done(p)) return p;
      if (
        p.deployment_error &&
        p.deployment_status === 'Stopped' &&
        p.deployment_desired_status === 'Stopped'
      ) {
        throw new Error(`${name} stopped with an error: ${p.deployment_error.message}`);
      }
      checkDeadline(ctx, started, `${name} to be ${what}`);
      await sleep(250);
    }
  } finally {
    display.stop();
  }
}
