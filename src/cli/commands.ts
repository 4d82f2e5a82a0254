/**
 * The CLI's commands. Each one is a function of the parsed command line; waiting commands
 * poll the pipeline and print each new status (and progress, when the server reports one).
 */
import type { SluiceClient } from './client.js';

export interface CommandContext {
  client: SluiceClient;
  args: string[];
  flags: { initial?: string; force: boolean; format?: string };
  out(line: string): void;
  readInput(file?: string): string;
}

type Command = (ctx: CommandContext) => Promise<void>;

interface PipelineStatus {
  name: string;
  deployment_status: string;
  deployment_desired_status: string;
  program_status: string;
  storage_status: string;
  deployment_error: { message: string } | null;
  deployment_runtime_status_details: unknown;
}

function arg(ctx: CommandContext, index: number, what: string): string {
  const value = ctx.args[index];
  if (value === undefined) throw new Error(`missing ${what}`);
  return value;
}

const enc = encodeURIComponent;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls a pipeline until `done` holds, printing each change of status or progress. */
async function waitFor(
  ctx: CommandContext,
  name: string,
  done: (p: PipelineStatus) => boolean,
  timeoutMs = 120_000,
) {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    const p = await ctx.client.json<PipelineStatus>('GET', `/v0/pipelines/${enc(name)}?selector=status`);
    const progress = p.deployment_runtime_status_details
      ? ` ${JSON.stringify(p.deployment_runtime_status_details)}`
      : '';
    const line = `${p.name}: ${p.deployment_status} (desired ${p.deployment_desired_status})${progress}`;
    if (line !== last) ctx.out(line);
    last = line;
    if (p.deployment_error) throw new Error(`deployment error: ${p.deployment_error.message}`);
    if (done(p)) return p;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${name}`);
    await sleep(250);
  }
}

function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ')).join('\n');
}

export const COMMANDS: Record<string, Command> = {
  async list(ctx) {
    const all = await ctx.client.json<PipelineStatus[]>('GET', '/v0/pipelines?selector=status');
    ctx.out(
      table([
        ['NAME', 'PROGRAM', 'STATUS', 'DESIRED', 'STORAGE'],
        ...all.map((p) => [
          p.name,
          p.program_status,
          p.deployment_status,
          p.deployment_desired_status,
          p.storage_status,
        ]),
      ]),
    );
  },
  async create(ctx) {
    const name = arg(ctx, 0, 'pipeline name');
    const program_code = ctx.readInput(arg(ctx, 1, 'SQL file'));
    await ctx.client.json('POST', '/v0/pipelines', { name, program_code });
    const p = await waitFor(
      ctx,
      name,
      (x) => !['Pending', 'CompilingSql', 'SqlCompiled', 'CompilingRust'].includes(x.program_status),
    );
    ctx.out(`program: ${p.program_status}`);
    if (p.program_status !== 'Success') {
      const full = await ctx.client.json<{
        program_error: {
          sql_compilation?: {
            messages: Array<{ start_line_number: number; start_column: number; message: string }>;
          };
        };
      }>('GET', `/v0/pipelines/${enc(name)}`);
      for (const m of full.program_error.sql_compilation?.messages ?? []) {
        ctx.out(`  line ${m.start_line_number}, column ${m.start_column}: ${m.message}`);
      }
      throw new Error('program did not compile');
    }
  },
  async status(ctx) {
    const p = await ctx.client.json(
      'GET',
      `/v0/pipelines/${enc(arg(ctx, 0, 'pipeline name'))}?selector=status`,
    );
    ctx.out(JSON.stringify(p, null, 2));
  },
  async delete(ctx) {
    await ctx.client.json('DELETE', `/v0/pipelines/${enc(arg(ctx, 0, 'pipeline name'))}`);
    ctx.out('deleted');
  },
  async start(ctx) {
    const name = arg(ctx, 0, 'pipeline name');
    const initial = ctx.flags.initial ?? 'running';
    await ctx.client.raw('POST', `/v0/pipelines/${enc(name)}/start?initial=${enc(initial)}`);
    const target = { running: 'Running', paused: 'Paused', standby: 'Standby' }[initial] ?? 'Running';
    await waitFor(ctx, name, (p) => p.deployment_status === target);
  },
  async stop(ctx) {
    const name = arg(ctx, 0, 'pipeline name');
    await ctx.client.raw('POST', `/v0/pipelines/${enc(name)}/stop?force=${ctx.flags.force}`);
    await waitFor(ctx, name, (p) => p.deployment_status === 'Stopped');
  },
  async pause(ctx) {
    const name = arg(ctx, 0, 'pipeline name');
    await ctx.client.raw('POST', `/v0/pipelines/${enc(name)}/pause`);
    await waitFor(ctx, name, (p) => p.deployment_status === 'Paused');
  },
  async resume(ctx) {
    const name = arg(ctx, 0, 'pipeline name');
    await ctx.client.raw('POST', `/v0/pipelines/${enc(name)}/resume`);
    await waitFor(ctx, name, (p) => p.deployment_status === 'Running');
  },
  async clear(ctx) {
    const name = arg(ctx, 0, 'pipeline name');
    await ctx.client.raw('POST', `/v0/pipelines/${enc(name)}/clear`);
    await waitFor(ctx, name, (p) => p.storage_status === 'Cleared');
  },
  async logs(ctx) {
    const res = await ctx.client.raw('GET', `/v0/pipelines/${enc(arg(ctx, 0, 'pipeline name'))}/logs`);
    const reader = res.body?.getReader();
    if (!reader) return;
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      process.stdout.write(Buffer.from(value));
    }
  },
  async push(ctx) {
    const name = arg(ctx, 0, 'pipeline name');
    const tableName = arg(ctx, 1, 'table name');
    const format = ctx.flags.format ?? 'json';
    const body = ctx.readInput(ctx.args[2]);
    const res = await ctx.client.raw(
      'POST',
      `/v0/pipelines/${enc(name)}/ingress/${enc(tableName)}?format=${enc(format)}`,
      body,
    );
    const { token } = (await res.json()) as { token: string };
    for (;;) {
      const status = await ctx.client.raw(
        'GET',
        `/v0/pipelines/${enc(name)}/completion_status?token=${enc(token)}`,
      );
      if (status.status === 200) break;
      await sleep(100);
    }
    ctx.out('pushed and processed');
  },
  async query(ctx) {
    const name = arg(ctx, 0, 'pipeline name');
    const sql = arg(ctx, 1, 'SQL query');
    const res = await ctx.client.raw('GET', `/v0/pipelines/${enc(name)}/query?format=text&sql=${enc(sql)}`);
    ctx.out(await res.text());
  },
  async stats(ctx) {
    const stats = await ctx.client.json('GET', `/v0/pipelines/${enc(arg(ctx, 0, 'pipeline name'))}/stats`);
    ctx.out(JSON.stringify(stats, null, 2));
  },
  async checkpoint(ctx) {
    const name = arg(ctx, 0, 'pipeline name');
    const { checkpoint_sequence_number: seq } = await ctx.client.json<{ checkpoint_sequence_number: number }>(
      'POST',
      `/v0/pipelines/${enc(name)}/checkpoint`,
    );
    ctx.out(`checkpoint ${seq} requested`);
    let last = '';
    for (;;) {
      const status = await ctx.client.json<{
        success: number | null;
        failure: { sequence_number: number; error: string } | null;
        progress?: unknown;
      }>('GET', `/v0/pipelines/${enc(name)}/checkpoint_status`);
      const line = status.progress ? `progress ${JSON.stringify(status.progress)}` : '';
      if (line && line !== last) ctx.out(line);
      last = line;
      if (status.failure && status.failure.sequence_number >= seq)
        throw new Error(`checkpoint failed: ${status.failure.error}`);
      if (status.success !== null && status.success >= seq) break;
      await sleep(200);
    }
    ctx.out(`checkpoint ${seq} written`);
  },
  async checkpoints(ctx) {
    const list = await ctx.client.json<Array<{ uuid: string; steps: number | null; size: number | null }>>(
      'GET',
      `/v0/pipelines/${enc(arg(ctx, 0, 'pipeline name'))}/checkpoints`,
    );
    ctx.out(
      table([
        ['UUID', 'STEPS', 'SIZE'],
        ...list.map((c) => [c.uuid, String(c.steps ?? ''), String(c.size ?? '')]),
      ]),
    );
  },
  async sync(ctx) {
    const name = arg(ctx, 0, 'pipeline name');
    const request = ctx.client.json<{ checkpoint_uuid: string }>(
      'POST',
      `/v0/pipelines/${enc(name)}/checkpoint/sync`,
    );
    let finished = false;
    const watcher = (async () => {
      let last = '';
      while (!finished) {
        await sleep(300);
        try {
          const s = await ctx.client.json<{ progress?: unknown }>(
            'GET',
            `/v0/pipelines/${enc(name)}/checkpoint/sync_status`,
          );
          const line = s.progress ? `progress ${JSON.stringify(s.progress)}` : '';
          if (line && line !== last && !finished) ctx.out(line);
          last = line;
        } catch {
          // Progress is best-effort; the sync request reports the outcome.
        }
      }
    })();
    try {
      const result = await request;
      ctx.out(`synced checkpoint ${result.checkpoint_uuid}`);
    } finally {
      finished = true;
      await watcher;
    }
  },
};
