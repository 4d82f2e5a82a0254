/**
 * Lifecycle: start, stop, pause, resume, activate, clear, and the log. Each action waits for
 * the status it asks for, showing the status (and a pull's progress) while it waits.
 */
import type { Command, CommandContext } from '../command.js';
import { enc, type PipelineStatus, pipelinePath, waitForPipeline } from '../wait.js';

const INITIAL: Record<string, string> = { running: 'Running', paused: 'Paused', standby: 'Standby' };

/** Running/Paused/Standby, or AwaitingApproval (a bootstrap waiting for `/approve`), as the SDK accepts. */
function reached(target: string): (p: PipelineStatus) => boolean {
  return (p) => p.deployment_status === target || p.deployment_status === 'AwaitingApproval';
}

function reportReached(ctx: CommandContext, p: PipelineStatus): void {
  ctx.out(`${p.name}: ${p.deployment_status}`);
  if (p.deployment_status === 'AwaitingApproval')
    ctx.note(`${p.name} waits for approval of its bootstrap (/approve)`);
}

const start: Command = {
  name: 'start',
  usage: '<pipeline> [--initial running|paused|standby]',
  summary: 'start a pipeline and wait until it runs (or is paused, or in standby)',
  description:
    'Standby follows the checkpoints in the object store of its sync configuration until\n' +
    "'sluice activate'. While the pipeline pulls a checkpoint, a bar shows the transfer.",
  options: { initial: { type: 'string', value: 'STATE', help: 'running (default), paused or standby' } },
  args: [1, 1],
  async run(ctx) {
    const name = ctx.args[0]!;
    const initial = (ctx.options.initial as string | undefined) ?? 'running';
    const target = INITIAL[initial];
    if (!target) throw new Error(`--initial must be running, paused or standby, not '${initial}'`);
    await ctx.client.raw('POST', pipelinePath(name, `/start?initial=${enc(initial)}`));
    reportReached(ctx, await waitForPipeline(ctx, name, target, reached(target)));
  },
};

const stop: Command = {
  name: 'stop',
  usage: '<pipeline> [--force]',
  summary: 'stop a pipeline and wait until it is stopped',
  description:
    'Without --force the pipeline is suspended: it takes a checkpoint first (storage must be\n' +
    'configured), and the next start resumes from it. With --force it stops at once.',
  options: { force: { type: 'boolean', help: 'stop at once, without a checkpoint' } },
  args: [1, 1],
  async run(ctx) {
    const name = ctx.args[0]!;
    await ctx.client.raw('POST', pipelinePath(name, `/stop?force=${ctx.options.force === true}`));
    const p = await waitForPipeline(ctx, name, 'Stopped', (x) => x.deployment_status === 'Stopped');
    ctx.out(`${name}: Stopped`);
    if (p.deployment_error) ctx.note(`${name} stopped with an error: ${p.deployment_error.message}`);
  },
};

/** A runtime action (pause, resume, activate) that waits for the status it leads to. */
function runtimeAction(name: string, summary: string, description: string, target: string): Command {
  return {
    name,
    usage: '<pipeline>',
    summary,
    description,
    args: [1, 1],
    async run(ctx) {
      const pipeline = ctx.args[0]!;
      await ctx.client.raw('POST', pipelinePath(pipeline, `/${name}`));
      reportReached(ctx, await waitForPipeline(ctx, pipeline, target, reached(target)));
    },
  };
}

const pause = runtimeAction('pause', 'pause a running pipeline and wait', '', 'Paused');
const resume = runtimeAction('resume', 'resume a paused pipeline and wait', '', 'Running');
const activate = runtimeAction(
  'activate',
  'activate a standby pipeline: run from the newest checkpoint, and wait until it runs',
  'The pipeline must have been started with --initial standby. A bar shows the pull of the\n' +
    'newest checkpoint while it lasts.',
  'Running',
);

const clear: Command = {
  name: 'clear',
  usage: '<pipeline>',
  summary: "delete a stopped pipeline's storage (its checkpoints), and wait",
  description: 'Checkpoints already synced to the object store are kept there.',
  args: [1, 1],
  async run(ctx) {
    const name = ctx.args[0]!;
    await ctx.client.raw('POST', pipelinePath(name, '/clear'));
    await waitForPipeline(ctx, name, 'cleared', (p) => p.storage_status === 'Cleared');
    ctx.out(`${name}: storage Cleared`);
  },
};

const logs: Command = {
  name: 'logs',
  usage: '<pipeline>',
  summary: "follow a pipeline's log (Ctrl-C ends)",
  description: '',
  args: [1, 1],
  async run(ctx) {
    const res = await ctx.client.raw('GET', pipelinePath(ctx.args[0]!, '/logs'));
    if (!res.body) return;
    for await (const chunk of res.body) process.stdout.write(chunk);
  },
};

export const LIFECYCLE_COMMANDS = [start, stop, pause, resume, activate, clear, logs];
