/**
 * `sluice`: the command-line client.
 *
 *   sluice [--url URL] [--api-key KEY] <command> [args]
 *
 * Commands wait for asynchronous operations (start, stop, checkpoint, sync) and print their
 * progress as it changes, so a user sees what a long operation is doing. The server address
 * comes from --url or SLUICE_URL (default http://127.0.0.1:8080); the API key from
 * --api-key or SLUICE_API_KEY.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ApiError } from '../types/errors.js';
import { SluiceClient } from './client.js';
import { COMMANDS, type CommandContext } from './commands.js';

export const CLI_HELP = `Usage: sluice [--url URL] [--api-key KEY] <command> [args]

Pipelines:
  list                                  list pipelines and their status
  create <name> <program.sql>           create a pipeline from a SQL file
  status <name>                         show a pipeline's status
  delete <name>                         delete a stopped pipeline with cleared storage
  start <name> [--initial running|paused|standby]   start and wait until it runs
  stop <name> [--force]                 stop (suspending with a checkpoint unless --force) and wait
  pause <name> | resume <name>          pause or resume, and wait
  clear <name>                          clear the storage of a stopped pipeline, and wait
  logs <name>                           follow the pipeline's log
Data:
  push <name> <table> [--format json|csv] [file]   push a file (or stdin) into a table
  query <name> <sql>                    run an ad-hoc query, print a table
  stats <name>                          print the pipeline's statistics
Checkpoints:
  checkpoint <name>                     take a checkpoint and wait for it, showing progress
  checkpoints <name>                    list local checkpoints
  sync <name>                           sync the latest checkpoint to the object store, showing progress
`;

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      url: { type: 'string' },
      'api-key': { type: 'string' },
      initial: { type: 'string' },
      force: { type: 'boolean' },
      format: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command, ...args] = positionals;
  if (values.help || !command) {
    process.stdout.write(CLI_HELP);
    return command || values.help ? 0 : 2;
  }
  const run = COMMANDS[command];
  if (!run) {
    process.stderr.write(`sluice: unknown command '${command}'\n\n${CLI_HELP}`);
    return 2;
  }
  const ctx: CommandContext = {
    client: new SluiceClient({
      url: (values.url ?? process.env.SLUICE_URL ?? 'http://127.0.0.1:8080').replace(/\/$/, ''),
      apiKey: values['api-key'] ?? process.env.SLUICE_API_KEY,
    }),
    args,
    flags: { initial: values.initial, force: values.force ?? false, format: values.format },
    out: (line) => process.stdout.write(`${line}\n`),
    readInput: (file) => (file ? readFileSync(file, 'utf8') : readFileSync(0, 'utf8')),
  };
  await run(ctx);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    if (err instanceof ApiError) process.stderr.write(`sluice: ${err.errorCode}: ${err.message}\n`);
    else process.stderr.write(`sluice: ${(err as Error).message}\n`);
    process.exit(1);
  },
);
