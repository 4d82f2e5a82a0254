/**
 * What a CLI command is: its usage, help text, options and positional arguments, and the
 * function that runs it. `parseCommandLine` splits `sluice [global options] <command> [args]`
 * with node:util's parseArgs, strictly, so a mistyped option is an error that names the
 * command's help rather than something silently ignored.
 */
import { parseArgs } from 'node:util';
import type { SluiceClient } from './client.js';
import type { ProgressDisplay } from './progress.js';

export interface OptionSpec {
  type: 'string' | 'boolean';
  multiple?: boolean;
  short?: string;
  /** Placeholder of the value in help, e.g. `FILE`. */
  value?: string;
  help: string;
}

export interface CommandContext {
  client: SluiceClient;
  /** Positional arguments after the command name. */
  args: string[];
  options: OptionValues;
  /** A result line on stdout. */
  out(line: string): void;
  /** A notice on stderr (warnings, hints). */
  note(line: string): void;
  /** A progress line on stderr for a long operation. */
  progress(label: string): ProgressDisplay;
  /** The content of `file`, or of stdin when `file` is absent or `-`. */
  readInput(file?: string): Buffer;
  /** Seconds a wait may last (from --timeout); null: no limit. */
  timeoutSecs: number | null;
}

export interface Command {
  name: string;
  /** Arguments after the name, e.g. `<pipeline> <table> [FILE]`. */
  usage: string;
  summary: string;
  /** Paragraphs shown by `sluice <command> --help` after the usage. */
  description: string;
  options?: Record<string, OptionSpec>;
  /** Required and maximum positional argument counts. */
  args: [min: number, max: number];
  run(ctx: CommandContext): Promise<void>;
}

/** A mistake in the command line: printed with a pointer to the help, exit code 2. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly command?: string,
  ) {
    super(message);
  }
}

export const GLOBAL_OPTIONS: Record<string, OptionSpec> = {
  url: {
    type: 'string',
    value: 'URL',
    help: 'the manager (default $SLUICE_URL, else http://127.0.0.1:8080)',
  },
  'api-key': { type: 'string', value: 'KEY', help: 'API key (default $SLUICE_API_KEY)' },
  timeout: { type: 'string', value: 'SECONDS', help: 'give up a wait after this long (default: no limit)' },
  help: { type: 'boolean', short: 'h', help: 'show help' },
};

function optionLines(options: Record<string, OptionSpec>): string[] {
  const rows = Object.entries(options).map(([name, o]) => [
    `${o.short ? `-${o.short}, ` : ''}--${name}${o.value ? ` ${o.value}` : ''}`,
    o.help,
  ]);
  const width = rows.reduce((w, [left]) => Math.max(w, left!.length), 0);
  return rows.map(([left, right]) => `  ${left!.padEnd(width)}  ${right}`);
}

/** `sluice <command> --help`. */
export function commandHelp(command: Command): string {
  const lines = [`Usage: sluice ${command.name} ${command.usage}`.trimEnd(), '', command.summary];
  if (command.description) lines.push('', command.description);
  if (command.options && Object.keys(command.options).length > 0) {
    lines.push('', 'Options:', ...optionLines(command.options));
  }
  lines.push('', 'Global options:', ...optionLines(GLOBAL_OPTIONS));
  return `${lines.join('\n')}\n`;
}

/** `sluice --help`: every command with its one-line summary, in groups. */
export function generalHelp(groups: Array<[string, Command[]]>): string {
  const lines = ['Usage: sluice [global options] <command> [args]', ''];
  const width = groups.flatMap(([, cs]) => cs).reduce((w, c) => Math.max(w, c.name.length), 0);
  for (const [title, commands] of groups) {
    lines.push(`${title}:`);
    for (const c of commands) lines.push(`  ${c.name.padEnd(width)}  ${c.summary}`);
  }
  lines.push('', 'Global options:', ...optionLines(GLOBAL_OPTIONS));
  lines.push('', "Run 'sluice <command> --help' for a command's arguments and options.");
  return `${lines.join('\n')}\n`;
}

export type OptionValues = Record<string, string | boolean | Array<string | boolean> | undefined>;

export interface ParsedCommandLine {
  command: Command | null;
  args: string[];
  options: OptionValues;
  help: boolean;
}

/** Splits the command line; throws `UsageError` for an unknown command or option. */
export function parseCommandLine(argv: string[], commands: Map<string, Command>): ParsedCommandLine {
  // The command is the first word that is not a global option or its value.
  let index = 0;
  while (index < argv.length) {
    const word = argv[index]!;
    if (!word.startsWith('-') || word === '-') break;
    const name = word.replace(/^--?/, '').split('=')[0]!;
    const spec = GLOBAL_OPTIONS[name] ?? Object.values(GLOBAL_OPTIONS).find((o) => o.short === name);
    if (!spec) throw new UsageError(`unknown option '${word}'`);
    index += spec.type === 'string' && !word.includes('=') ? 2 : 1;
  }
  const name = argv[index];
  if (name === undefined) {
    const { values } = parseArgs({ args: argv, options: GLOBAL_OPTIONS, strict: true });
    return { command: null, args: [], options: values, help: true };
  }
  const command = commands.get(name);
  if (!command) throw new UsageError(`unknown command '${name}'`);
  const rest = [...argv.slice(0, index), ...argv.slice(index + 1)];
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: rest,
      options: { ...GLOBAL_OPTIONS, ...command.options },
      allowPositionals: true,
      strict: true,
    });
  } catch (err) {
    const message = (err as Error).message;
    const unknown = /^Unknown option '([^']+)'/.exec(message);
    throw new UsageError(unknown ? `unknown option '${unknown[1]}'` : message.split('\n')[0]!, command.name);
  }
  const help = parsed.values.help === true;
  const [min, max] = command.args;
  if (!help && parsed.positionals.length < min) {
    throw new UsageError(`missing arguments: sluice ${command.name} ${command.usage}`, command.name);
  }
  if (!help && parsed.positionals.length > max) {
    throw new UsageError(
      `too many arguments ('${parsed.positionals.slice(max).join(' ')}'): sluice ${command.name} ${command.usage}`,
      command.name,
    );
  }
  return { command, args: parsed.positionals, options: parsed.values, help };
}
