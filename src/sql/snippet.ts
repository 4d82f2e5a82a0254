/**
 * The `snippet` of a compiler message, laid out as Feldera's SQL compiler lays it out
 * (`SourceFileContents.getFragment(range, decorated = true)`): every quoted line is prefixed by
 * its 1-based number right-aligned in 5 columns and `|`.
 *
 * - A range on one line: the line before it (if any), the line, a caret line with `^` under
 *   every column of the range (the carets start at column `startCol + 5` of the caret line,
 *   under the quoted text), then the line after it (if any).
 * - A range over at most 5 lines: those lines, no carets.
 * - A longer range: its first two lines, `      ...`, and its last line.
 * - A range outside the source: the empty string (Feldera sends `""`, never null).
 *
 * Every line, the caret line included, ends with a newline. The line before is what Feldera
 * 0.312 shows (its own platform test expects `    4|);` above the failing line 5); the line
 * after is what its earlier releases showed (and what its API documentation's example shows).
 */
import type { Span } from './messages.js';

/** Lines of the longest range quoted whole; longer ones are abbreviated with `...`. */
const MAX_QUOTED_LINES = 5;

const numbered = (lines: readonly string[], n: number): string =>
  `${String(n).padStart(5)}|${lines[n - 1]}\n`;

/** The snippet of `span` in a source already split into `lines` (without line terminators). */
export function snippet(lines: readonly string[], span: Span): string {
  const { startLine, endLine } = span;
  if (startLine < 1 || startLine > lines.length || endLine < startLine) return '';
  if (startLine === endLine) {
    const carets = `${' '.repeat(span.startCol + 5)}${'^'.repeat(Math.max(1, span.endCol - span.startCol + 1))}\n`;
    const before = startLine > 1 ? numbered(lines, startLine - 1) : '';
    const after = startLine < lines.length ? numbered(lines, startLine + 1) : '';
    return `${before}${numbered(lines, startLine)}${carets}${after}`;
  }
  const last = Math.min(endLine, lines.length);
  if (last - startLine < MAX_QUOTED_LINES) {
    const out: string[] = [];
    for (let n = startLine; n <= last; n++) out.push(numbered(lines, n));
    return out.join('');
  }
  return `${numbered(lines, startLine)}${numbered(lines, startLine + 1)}      ...\n${numbered(lines, last)}`;
}
