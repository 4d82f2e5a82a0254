/**
 * Source positions inside a SQL string literal.
 *
 * A connector list is JSON text inside a `'...'` literal of the program, and an error about
 * one connector should point at that connector, not at the whole literal. The decoded text
 * differs from the source only by the doubled quote (`''` stands for `'`) and can span lines,
 * so an offset in the decoded text is mapped back by walking the literal in the source the
 * way the lexer does (src/sql/lexer.ts: lines end at `\n`, columns are 1-based).
 */
import type { Span } from '../sql/messages.js';

/** Maps offsets of a literal's decoded text to source spans. */
export class LiteralPositions {
  /** Source line and column of every decoded character, and one past the end. */
  private readonly at: Array<{ line: number; col: number }> | null;

  /**
   * `literal` is the span of the whole literal token (quotes included) and `decoded` its
   * value; if the source there does not decode to `decoded`, every offset maps to `literal`.
   */
  constructor(
    source: string,
    private readonly literal: Span,
    decoded: string,
  ) {
    this.at = LiteralPositions.walk(source, literal, decoded);
  }

  private static walk(
    source: string,
    literal: Span,
    decoded: string,
  ): Array<{ line: number; col: number }> | null {
    let offset = 0;
    for (let line = 1; line < literal.startLine; line++) {
      const nl = source.indexOf('\n', offset);
      if (nl < 0) return null;
      offset = nl + 1;
    }
    let i = offset + literal.startCol - 1;
    const quote = source[i];
    if (quote !== "'") return null;
    let line = literal.startLine;
    let lineStart = offset;
    const step = () => {
      if (source[i] === '\n') {
        line++;
        lineStart = i + 1;
      }
      i++;
    };
    step();
    const at: Array<{ line: number; col: number }> = [];
    let text = '';
    while (i < source.length) {
      const here = { line, col: i - lineStart + 1 };
      if (source[i] === quote) {
        if (source[i + 1] !== quote) {
          at.push(here);
          return text === decoded ? at : null;
        }
        step();
      }
      at.push(here);
      text += source[i];
      step();
    }
    return null;
  }

  /** The span of decoded characters `[start, end)`; the whole literal when unknown. */
  span(start: number, end: number): Span {
    const a = this.at?.[start];
    const b = this.at?.[Math.max(start, end - 1)];
    if (!a || !b) return this.literal;
    return { startLine: a.line, startCol: a.col, endLine: b.line, endCol: b.col };
  }
}
