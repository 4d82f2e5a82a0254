/**
 * Compiler messages in Feldera's `SqlCompilerMessage` shape, with Feldera's snippet format:
 * the offending line(s) prefixed by a 5-wide line number and `|`, a caret line under the
 * span, and the next source line for context.
 */
import type { SqlCompilerMessage } from '../types/pipeline.js';

export type { SqlCompilerMessage };

/** A source range; lines and columns are 1-based and the end column is inclusive. */
export interface Span {
  startLine: number;
  startCol: number;
  endLine: number;
  endCol: number;
}

/** The smallest span covering both. */
export function joinSpans(a: Span, b: Span): Span {
  const aFirst = a.startLine < b.startLine || (a.startLine === b.startLine && a.startCol <= b.startCol);
  const aLast = a.endLine > b.endLine || (a.endLine === b.endLine && a.endCol >= b.endCol);
  const first = aFirst ? a : b;
  const last = aLast ? a : b;
  return { startLine: first.startLine, startCol: first.startCol, endLine: last.endLine, endCol: last.endCol };
}

/** Thrown by the parser and binder for one error; the statement loop records it and moves on. */
export class SqlError extends Error {
  constructor(
    readonly span: Span,
    readonly errorType: string,
    message: string,
  ) {
    super(message);
  }
}

/** Collects the messages of one compilation against its source text. */
export class MessageSink {
  readonly messages: SqlCompilerMessage[] = [];
  private readonly lines: string[];

  constructor(source: string) {
    this.lines = source.split(/\r\n|\r|\n/);
  }

  /** The source text a span covers. */
  text(span: Span): string {
    const out: string[] = [];
    for (let n = span.startLine; n <= span.endLine; n++) {
      const line = this.lines[n - 1] ?? '';
      const from = n === span.startLine ? span.startCol - 1 : 0;
      out.push(n === span.endLine ? line.slice(from, span.endCol) : line.slice(from));
    }
    return out.join('\n');
  }

  error(span: Span, errorType: string, message: string): void {
    this.messages.push(this.make(span, errorType, message, false));
  }

  warning(span: Span, errorType: string, message: string): void {
    this.messages.push(this.make(span, errorType, message, true));
  }

  /** Errors in source order. */
  get errors(): SqlCompilerMessage[] {
    return this.sorted().filter((m) => !m.warning);
  }

  /** Warnings in source order. */
  get warnings(): SqlCompilerMessage[] {
    return this.sorted().filter((m) => m.warning);
  }

  private sorted(): SqlCompilerMessage[] {
    return [...this.messages].sort(
      (a, b) => a.start_line_number - b.start_line_number || a.start_column - b.start_column,
    );
  }

  private make(span: Span, errorType: string, message: string, warning: boolean): SqlCompilerMessage {
    return {
      start_line_number: span.startLine,
      start_column: span.startCol,
      end_line_number: span.endLine,
      end_column: span.endCol,
      warning,
      error_type: errorType,
      message,
      snippet: this.snippet(span),
    };
  }

  private snippet(span: Span): string | null {
    if (span.startLine < 1 || span.startLine > this.lines.length) return null;
    const out: string[] = [];
    const last = Math.min(span.endLine, this.lines.length, span.startLine + 4);
    for (let n = span.startLine; n <= last; n++) {
      const text = this.lines[n - 1] ?? '';
      out.push(`${String(n).padStart(5)}|${text}\n`);
      const from = n === span.startLine ? span.startCol : 1;
      const to = n === span.endLine ? span.endCol : Math.max(text.length, from);
      out.push(`${' '.repeat(5 + from)}${'^'.repeat(Math.max(1, to - from + 1))}\n`);
    }
    const next = this.lines[last];
    if (next !== undefined && last < this.lines.length) out.push(`${String(last + 1).padStart(5)}|${next}\n`);
    return out.join('');
  }
}
