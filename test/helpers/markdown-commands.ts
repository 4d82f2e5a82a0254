/**
 * The shell commands of a Markdown document: every fenced block whose info string is `sh`,
 * `bash` or `shell`, split into logical commands the way bash would read them: a command goes
 * on over a backslash at the end of a line, an open quote, a here-document, or a line that
 * ends with `|`, `&&` or `||`. Lines that are only a comment, and blank lines, separate
 * commands. Used by test/docs/commands.test.ts, which runs every command of README.md and
 * docs/, so that the documentation cannot drift from what Sluice does.
 */

export interface DocCommand {
  /** The document, relative to the repository. */
  file: string;
  /** 1-based line of the command's first line in the document. */
  line: number;
  /** The command as written, lines joined with newlines. */
  text: string;
}

const SHELL_FENCE = /^```\s*(sh|bash|shell)\s*$/;

/** Scans one line, updating the quote state; returns the line's code without its comment. */
function scanLine(line: string, state: { single: boolean; double: boolean }): string {
  let code = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (state.single) {
      if (c === "'") state.single = false;
    } else if (state.double) {
      if (c === '\\') {
        code += c + (line[i + 1] ?? '');
        i++;
        continue;
      }
      if (c === '"') state.double = false;
    } else if (c === '\\') {
      code += c + (line[i + 1] ?? '');
      i++;
      continue;
    } else if (c === "'") state.single = true;
    else if (c === '"') state.double = true;
    else if (c === '#' && (i === 0 || /\s/.test(line[i - 1]!))) break;
    code += c;
  }
  return code;
}

/** Every shell command of `markdown`, in document order. */
export function shellCommands(file: string, markdown: string): DocCommand[] {
  const lines = markdown.split('\n');
  const commands: DocCommand[] = [];
  let inBlock = false;
  let current: string[] = [];
  let start = 0;
  let heredocEnd: string | null = null;
  const state = { single: false, double: false };
  const flush = () => {
    if (current.length > 0) commands.push({ file, line: start, text: current.join('\n') });
    current = [];
  };
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n]!;
    if (!inBlock) {
      inBlock = SHELL_FENCE.test(line);
      continue;
    }
    if (heredocEnd === null && !state.single && !state.double && /^```\s*$/.test(line)) {
      flush();
      inBlock = false;
      continue;
    }
    if (heredocEnd !== null) {
      current.push(line);
      if (line.trim() === heredocEnd) {
        heredocEnd = null;
        flush();
      }
      continue;
    }
    const open = state.single || state.double;
    if (current.length === 0 && (line.trim() === '' || line.trim().startsWith('#'))) continue;
    if (!open && current.length > 0 && line.trim() === '') {
      flush();
      continue;
    }
    if (current.length === 0) start = n + 1;
    current.push(line);
    const code = scanLine(line, state);
    const heredoc = /<<-?\s*(['"]?)([A-Za-z_]\w*)\1/.exec(code);
    if (heredoc && !state.single && !state.double) heredocEnd = heredoc[2]!;
    const continues =
      heredocEnd !== null ||
      state.single ||
      state.double ||
      /\\$/.test(line) ||
      /(\||&&|\|\|)\s*$/.test(code.trimEnd());
    if (!continues) flush();
  }
  flush();
  return commands;
}
