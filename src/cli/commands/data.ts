/**
 * Data: push a file into a table, run an ad-hoc query, print statistics.
 */
import type { Command } from '../command.js';
import { prepareInput, type TableColumn } from '../input.js';
import { checkDeadline, enc, pipelinePath, sleep } from '../wait.js';

interface ProgramInfo {
  program_info: {
    schema?: { inputs?: Array<{ name: string; case_sensitive?: boolean; fields: TableColumn[] }> };
  } | null;
}

/** The columns of `table` from the compiled program, or null when they cannot be known. */
function columnsOf(info: ProgramInfo, table: string): TableColumn[] | null {
  const inputs = info.program_info?.schema?.inputs ?? [];
  const found =
    inputs.find((t) => t.case_sensitive && t.name === table) ??
    inputs.find((t) => !t.case_sensitive && t.name.toLowerCase() === table.toLowerCase());
  return found?.fields ?? null;
}

const push: Command = {
  name: 'push',
  usage: '<pipeline> <table> [FILE]',
  summary: 'push rows from a file (or stdin) into a table, and wait until they are processed',
  description: [
    'FILE (or stdin when it is absent or -) holds rows as users write them:',
    '  - a JSON array of rows:      [{"id": 1, "name": "one"}, ...]',
    '  - NDJSON, one row a line:    {"id": 1, "name": "one"}',
    '  - one JSON object',
    '  - CSV, columns in table order; a first line naming every column is a header, and',
    '    its columns may come in any order',
    'JSON rows may also be changes: {"insert": row} / {"delete": row} (insert_delete), or',
    '{"weight": n, "data": row} (weighted); this is detected when every record has that form.',
    'The format comes from --format, else the extension (.json .ndjson .jsonl .csv), else the',
    'first character. A file with a syntax error is refused with its line, before anything is',
    'sent; the server refuses a file with any bad row whole, naming the row.',
  ].join('\n'),
  options: {
    format: { type: 'string', value: 'json|csv', help: 'the format of FILE' },
    'update-format': {
      type: 'string',
      value: 'FORMAT',
      help: 'raw, insert_delete or weighted (JSON; detected when absent)',
    },
    force: { type: 'boolean', help: 'push into a paused pipeline too (processed on resume)' },
  },
  args: [2, 3],
  async run(ctx) {
    const [name, tableName, file] = ctx.args as [string, string, string | undefined];
    const source = file === undefined || file === '-' ? '<stdin>' : file;
    const input = await prepareInput(
      ctx.readInput(file),
      source,
      {
        format: ctx.options.format as string | undefined,
        updateFormat: ctx.options['update-format'] as string | undefined,
      },
      async () => columnsOf(await ctx.client.json<ProgramInfo>('GET', pipelinePath(name)), tableName),
    );
    const query = new URLSearchParams({ ...input.query, force: String(ctx.options.force === true) });
    const data = Buffer.from(input.body);
    const display = ctx.progress(`push ${tableName}`);
    const started = Date.now();
    try {
      display.update({ phase: 'sending', bytesDone: 0, bytesTotal: data.length });
      const res = await ctx.client.send('POST', pipelinePath(name, `/ingress/${enc(tableName)}?${query}`), {
        data,
        contentType: input.format === 'csv' ? 'text/csv' : 'application/json',
        onUpload: (sent) => display.update({ phase: 'sending', bytesDone: sent, bytesTotal: data.length }),
      });
      const { token } = (await res.json()) as { token: string };
      for (;;) {
        display.update({ phase: 'processing', bytesDone: data.length, bytesTotal: data.length });
        const status = await ctx.client.raw(
          'GET',
          pipelinePath(name, `/completion_status?token=${enc(token)}`),
        );
        if (status.status === 200) break;
        checkDeadline(ctx, started, `the rows pushed into ${tableName} to be processed`);
        await sleep(100);
      }
    } finally {
      display.stop();
    }
    const records = `${input.records} record${input.records === 1 ? '' : 's'}`;
    ctx.out(`${name}: pushed ${records} (${input.shape}) into ${tableName}; processed`);
  },
};

const query: Command = {
  name: 'query',
  usage: '<pipeline> <sql>',
  summary: 'run an ad-hoc SQL query and print its result',
  description: 'Queries read materialized tables and views.',
  options: { format: { type: 'string', value: 'text|json', help: 'a table (default) or NDJSON rows' } },
  args: [2, 2],
  async run(ctx) {
    const [name, sql] = ctx.args as [string, string];
    const format = (ctx.options.format as string | undefined) ?? 'text';
    if (format !== 'text' && format !== 'json')
      throw new Error(`--format must be text or json, not '${format}'`);
    const res = await ctx.client.raw('GET', pipelinePath(name, `/query?format=${format}&sql=${enc(sql)}`));
    ctx.out((await res.text()).trimEnd());
  },
};

const stats: Command = {
  name: 'stats',
  usage: '<pipeline>',
  summary: "print a pipeline's statistics (JSON)",
  description: '',
  args: [1, 1],
  async run(ctx) {
    const body = await ctx.client.json('GET', pipelinePath(ctx.args[0]!, '/stats'));
    ctx.out(JSON.stringify(body, null, 2));
  },
};

export const DATA_COMMANDS = [push, query, stats];
