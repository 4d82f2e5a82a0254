/**
 * Pipeline definitions: list, create, status, edit, delete.
 */
import type { Command, CommandContext } from '../command.js';
import { applyConfigEdits, type Config } from '../edit.js';
import { type PipelineStatus, pipelinePath, waitForPipeline } from '../wait.js';
import { table } from './table.js';

const COMPILING = ['Pending', 'CompilingSql', 'SqlCompiled', 'CompilingRust'];

interface SqlMessage {
  error_type: string;
  message: string;
  warning?: boolean;
  snippet?: string | null;
}

/**
 * One compiler message for a terminal: `<error_type>: <message>` (a warning says so), the
 * message's further lines indented under it, then Feldera's snippet (numbered source lines and
 * carets under the range, which is where the position shows) indented by two.
 */
export function formatSqlMessage(m: SqlMessage): string {
  const kind = m.warning ? `warning: ${m.error_type}` : m.error_type;
  const text = m.message.replace(/\n/g, '\n    ');
  const snippet = (m.snippet ?? '').replace(/\n$/, '').replace(/^/gm, '  ');
  return snippet.trim() === '' ? `  ${kind}: ${text}` : `  ${kind}: ${text}\n${snippet}`;
}

/** Waits for the program to compile; prints its errors and fails if it did not. */
async function waitForProgram(ctx: CommandContext, name: string): Promise<void> {
  const p = await waitForPipeline(
    ctx,
    name,
    'compiled',
    (x) => !COMPILING.includes(x.program_status),
    (x) => ({ phase: `program ${x.program_status}` }),
  );
  ctx.out(`${name}: program ${p.program_status}`);
  if (p.program_status === 'Success') return;
  const full = await ctx.client.json<{
    program_error: {
      sql_compilation?: { messages: SqlMessage[] } | null;
      system_error?: string | null;
    };
  }>('GET', pipelinePath(name));
  for (const m of full.program_error.sql_compilation?.messages ?? []) ctx.out(formatSqlMessage(m));
  if (full.program_error.system_error) ctx.out(`  ${full.program_error.system_error}`);
  throw new Error('the program did not compile');
}

const list: Command = {
  name: 'list',
  usage: '',
  summary: 'list pipelines and their status',
  description: '',
  args: [0, 0],
  async run(ctx) {
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
};

const create: Command = {
  name: 'create',
  usage: '<pipeline> <program.sql>',
  summary: 'create a pipeline from a SQL file and wait until it compiles',
  description: 'Prints the SQL errors with their line and column if the program does not compile.',
  options: {
    'runtime-config': {
      type: 'string',
      multiple: true,
      value: 'KEY=VALUE|FILE',
      help: "runtime configuration: a JSON file, or fields (see 'sluice edit --help')",
    },
  },
  args: [2, 2],
  async run(ctx) {
    const [name, file] = ctx.args as [string, string];
    const body: Record<string, unknown> = { name, program_code: ctx.readInput(file).toString('utf8') };
    const runtimeConfig = ctx.options['runtime-config'] as string[] | undefined;
    if (runtimeConfig)
      body.runtime_config = applyConfigEdits({}, runtimeConfig, 'runtime configuration').config;
    await ctx.client.json('POST', '/v0/pipelines', body);
    await waitForProgram(ctx, name);
  },
};

const status: Command = {
  name: 'status',
  usage: '<pipeline>',
  summary: "print a pipeline's status (Feldera's status fields, as JSON)",
  description: '',
  args: [1, 1],
  async run(ctx) {
    const p = await ctx.client.json('GET', pipelinePath(ctx.args[0]!, '?selector=status'));
    ctx.out(JSON.stringify(p, null, 2));
  },
};

const remove: Command = {
  name: 'delete',
  usage: '<pipeline>',
  summary: 'delete a stopped pipeline whose storage is cleared',
  description: "Stop it first ('sluice stop'), then clear its storage ('sluice clear').",
  args: [1, 1],
  async run(ctx) {
    await ctx.client.json('DELETE', pipelinePath(ctx.args[0]!));
    ctx.out(`${ctx.args[0]}: deleted`);
  },
};

function shown(value: unknown): string {
  return value === undefined ? '(unset)' : JSON.stringify(value);
}

const edit: Command = {
  name: 'edit',
  usage:
    '<pipeline> [--program FILE] [--runtime-config KEY=VALUE|FILE]... [--program-config KEY=VALUE|FILE]...',
  summary: "change a stopped pipeline's program or configuration",
  description: [
    'KEY=VALUE sets one field; KEY is a dotted path (resources.memory_mb_max) and VALUE is JSON',
    'when it parses as JSON (4, true, null, {"a": 1}) and a string otherwise (exactly_once; \'"4"\'',
    'for the string 4). A FILE holding a JSON object replaces the whole configuration. Edits apply',
    'in order; the configuration is then sent whole. A changed program is compiled, and the command',
    'waits for it and prints any SQL errors. The pipeline must be stopped.',
    '',
    'Examples:',
    '  sluice edit demo --program demo.sql',
    '  sluice edit demo --runtime-config workers=4 --runtime-config fault_tolerance.model=exactly_once',
    '  sluice edit demo --runtime-config runtime.json',
  ].join('\n'),
  options: {
    program: { type: 'string', value: 'FILE', help: 'the new SQL program' },
    'runtime-config': {
      type: 'string',
      multiple: true,
      value: 'KEY=VALUE|FILE',
      help: 'edit the runtime config',
    },
    'program-config': {
      type: 'string',
      multiple: true,
      value: 'KEY=VALUE|FILE',
      help: 'edit the program config',
    },
    description: { type: 'string', value: 'TEXT', help: 'the new description' },
  },
  args: [1, 1],
  async run(ctx) {
    const name = ctx.args[0]!;
    const patch: Record<string, unknown> = {};
    const program = ctx.options.program;
    if (typeof program === 'string') patch.program_code = ctx.readInput(program).toString('utf8');
    if (typeof ctx.options.description === 'string') patch.description = ctx.options.description;
    const configEdits: Array<[string, string, string]> = [
      ['runtime-config', 'runtime_config', 'runtime configuration'],
      ['program-config', 'program_config', 'program configuration'],
    ];
    const changes: string[] = [];
    let current: Record<string, Config> | null = null;
    for (const [option, field, what] of configEdits) {
      const edits = ctx.options[option] as string[] | undefined;
      if (!edits || edits.length === 0) continue;
      current ??= await ctx.client.json<Record<string, Config>>('GET', pipelinePath(name));
      const result = applyConfigEdits(current[field] ?? {}, edits, what);
      patch[field] = result.config;
      for (const c of result.changes) {
        if (c.unknownField) ctx.note(`note: '${c.path}' was not a field of the ${what}`);
        changes.push(
          c.before === undefined && c.after === undefined
            ? `${field}: replaced ${c.path}`
            : `${field}.${c.path}: ${shown(c.before)} -> ${shown(c.after)}`,
        );
      }
    }
    if (Object.keys(patch).length === 0) {
      throw new Error('nothing to edit: give --program, --runtime-config, --program-config or --description');
    }
    await ctx.client.json('PATCH', pipelinePath(name), patch);
    for (const line of changes) ctx.out(`${name}: ${line}`);
    if (patch.description !== undefined) ctx.out(`${name}: description changed`);
    if (patch.program_code !== undefined) {
      ctx.out(`${name}: program changed`);
      await waitForProgram(ctx, name);
    }
  },
};

export const PIPELINE_COMMANDS = [list, create, status, edit, remove];
