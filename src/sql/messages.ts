/**
 * Compiler messages in Feldera's `SqlCompilerMessage` shape, with Feldera's snippet
 * (snippet.ts) and, for a program, Feldera's framing of validation errors.
 *
 * Feldera's SQL compiler reports what Calcite's validator rejects (unknown table or column,
 * a type that does not fit) as a `CompilationError` built from Calcite's
 * `CalciteContextException`: `error_type` "Compilation error" and a message that starts with
 * Calcite's position text, "From line 5, column 32 to line 5, column 35: Object 'blah' not
 * found" ("At line 5, column 32: ..." when the range is one character). Sluice's binder throws
 * those as `VALIDATION_ERROR` / `TYPE_ERROR` and the sink frames them the same way, once, here.
 * Parse errors ("Error parsing SQL"), refusals ("Not yet implemented") and warnings keep their
 * own type and text, as Feldera's do. Ad-hoc queries are not compiled by Feldera's SQL compiler
 * (it answers them with DataFusion), so their sink leaves validation errors unframed.
 */
import type { SqlCompilerMessage } from '../types/pipeline.js';
import { snippet } from './snippet.js';

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

/** `error_type` of what the binder rejects (Calcite's validator errors in Feldera). */
export const VALIDATION_ERROR = 'Error in SQL statement';
/** `error_type` of an invalid type name or type parameter (also a validator error in Feldera). */
export const TYPE_ERROR = 'Invalid type';
/** Feldera's `error_type` for a validator error (`CompilationError.DEFAULT_MESSAGE`). */
export const COMPILATION_ERROR = 'Compilation error';

/** Calcite's position text for a range (`SqlUtil.newContextException`): 1-based, end inclusive. */
export function validatorContext(span: Span): string {
  if (span.startLine === span.endLine && span.startCol === span.endCol)
    return `At line ${span.startLine}, column ${span.startCol}`;
  return `From line ${span.startLine}, column ${span.startCol} to line ${span.endLine}, column ${span.endCol}`;
}

/** The text of a message without the position a validator error starts with (for summaries). */
export function withoutValidatorContext(m: SqlCompilerMessage): string {
  if (m.error_type !== COMPILATION_ERROR) return m.message;
  const span = {
    startLine: m.start_line_number,
    startCol: m.start_column,
    endLine: m.end_line_number,
    endCol: m.end_column,
  };
  const at = `${validatorContext(span)}: `;
  return m.message.startsWith(at) ? m.message.slice(at.length) : m.message;
}

export interface MessageSinkOptions {
  /**
   * Frame validation errors as Feldera's SQL compiler does ("Compilation error", message
   * prefixed by its position). True for programs; false for ad-hoc queries.
   */
  frameValidation?: boolean;
}

/** Collects the messages of one compilation against its source text. */
export class MessageSink {
  readonly messages: SqlCompilerMessage[] = [];
  private readonly lines: string[];
  private readonly frameValidation: boolean;

  constructor(source: string, options: MessageSinkOptions = {}) {
    this.lines = source.split(/\r\n|\r|\n/);
    this.frameValidation = options.frameValidation ?? true;
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
    const framed =
      this.frameValidation && !warning && (errorType === VALIDATION_ERROR || errorType === TYPE_ERROR);
    return {
      start_line_number: span.startLine,
      start_column: span.startCol,
      end_line_number: span.endLine,
      end_column: span.endCol,
      warning,
      error_type: framed ? COMPILATION_ERROR : errorType,
      message: framed ? `${validatorContext(span)}: ${message}` : message,
      snippet: snippet(this.lines, span),
    };
  }
}
