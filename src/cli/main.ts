/**
 * `sluice`: the command-line client.
 *
 *   sluice [--url URL] [--api-key KEY] [--timeout SECONDS] <command> [args]
 *   sluice <command> --help      (or: sluice help <command>)
 *
 * Commands wait for asynchronous operations (start, stop, checkpoint, sync, activate, ...)
 * and show their progress on stderr while they last (see progress.ts), so stdout holds only
 * results. The server address comes from --url or SLUICE_URL (default
 * http://127.0.0.1:8080); the API key from --api-key or SLUICE_API_KEY. Exit codes: 0 done,
 * 1 failed (the server's error code and message are printed), 2 a mistake in the command line.
 */
import { readFileSync } from 'node:fs';
import { ApiError } from '../types/errors.js';
import { SluiceClient } from './client.js';
import { type CommandContext, commandHelp, generalHelp, parseCommandLine, UsageError } from './command.js';
import { COMMAND_GROUPS, COMMANDS } from './commands/index.js';
import { InputError } from './input.js';
import { ProgressDisplay, stopAllProgress } from './progress.js';

function readInput(file?: string): Buffer {
  const source = file === undefined || file === '-' ? 0 : file;
  try {
    return readFileSync(source);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new InputError(`${file}: no such file`);
    if (code === 'EISDIR') throw new InputError(`${file} is a directory, not a file`);
    throw new InputError(`cannot read ${file ?? 'stdin'}: ${(err as Error).message}`);
  }
}

function timeoutOf(value: unknown): number | null {
  if (value === undefined) return null;
  const secs = Number(value);
  if (!Number.isFinite(secs) || secs <= 0)
    throw new UsageError(`--timeout must be a positive number of seconds`);
  return secs;
}

async function main(argv: string[]): Promise<number> {
  // `npm run sluice` runs us from the package root; file arguments mean what they mean where
  // the user typed the command, which npm passes as INIT_CWD.
  if (process.env.npm_lifecycle_event === 'sluice' && process.env.INIT_CWD)
    process.chdir(process.env.INIT_CWD);
  if (argv[0] === 'help') argv = argv.length > 1 ? [argv[1]!, '--help'] : ['--help'];
  const parsed = parseCommandLine(argv, COMMANDS);
  if (!parsed.command) {
    process.stdout.write(generalHelp(COMMAND_GROUPS));
    return argv.length === 0 ? 2 : 0;
  }
  if (parsed.help) {
    process.stdout.write(commandHelp(parsed.command));
    return 0;
  }
  const { options } = parsed;
  const ctx: CommandContext = {
    client: new SluiceClient({
      url: ((options.url as string | undefined) ?? process.env.SLUICE_URL ?? 'http://127.0.0.1:8080').replace(
        /\/$/,
        '',
      ),
      apiKey: (options['api-key'] as string | undefined) ?? process.env.SLUICE_API_KEY,
    }),
    args: parsed.args,
    options,
    out: (line) => process.stdout.write(`${line}\n`),
    note: (line) => process.stderr.write(`${line}\n`),
    progress: (label) => new ProgressDisplay(label, process.stderr),
    readInput,
    timeoutSecs: timeoutOf(options.timeout),
  };
  await parsed.command.run(ctx);
  return 0;
}

/** Exits once stdout and stderr have taken everything written (a pipe takes it asynchronously). */
function exit(code: number): void {
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
}

// Ctrl-C ends a wait; the operation asked for goes on in the server.
process.once('SIGINT', () => {
  stopAllProgress();
  process.stderr.write('sluice: interrupted (the server goes on with what it was asked)\n');
  exit(130);
});

main(process.argv.slice(2)).then(exit, (err) => {
  if (err instanceof UsageError) {
    const help = err.command ? `sluice ${err.command} --help` : 'sluice --help';
    process.stderr.write(`sluice: ${err.message}\nRun '${help}' for usage.\n`);
    exit(2);
    return;
  }
  if (err instanceof ApiError) process.stderr.write(`sluice: ${err.errorCode}: ${err.message}\n`);
  else process.stderr.write(`sluice: ${(err as Error).message}\n`);
  exit(1);
});
