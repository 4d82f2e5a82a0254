/**
 * Token cursor shared by the parsers: lookahead, keyword and operator matching, identifiers,
 * and located `SqlError`s. Keywords are not reserved except those in `RESERVED`, so columns
 * named `date`, `count` or `value` work unquoted.
 */
import type { Ident } from './ast.js';
import type { Token } from './lexer.js';
import { type Span, SqlError } from './messages.js';

export const PARSE_ERROR = 'Error parsing SQL';
export const UNSUPPORTED = 'Not yet implemented';

/** Words that end an expression or clause, so they cannot be implicit aliases or bare names. */
export const RESERVED = new Set([
  'SELECT',
  'FROM',
  'WHERE',
  'GROUP',
  'HAVING',
  'ORDER',
  'BY',
  'LIMIT',
  'OFFSET',
  'FETCH',
  'UNION',
  'EXCEPT',
  'INTERSECT',
  'MINUS',
  'JOIN',
  'INNER',
  'LEFT',
  'RIGHT',
  'FULL',
  'OUTER',
  'CROSS',
  'NATURAL',
  'ON',
  'USING',
  'AS',
  'AND',
  'OR',
  'NOT',
  'IS',
  'NULL',
  'TRUE',
  'FALSE',
  'CASE',
  'WHEN',
  'THEN',
  'ELSE',
  'END',
  'IN',
  'EXISTS',
  'BETWEEN',
  'LIKE',
  'DISTINCT',
  'ALL',
  'CREATE',
  'TABLE',
  'VIEW',
  'WITH',
  'VALUES',
  'INSERT',
  'INTO',
  'CAST',
  'WINDOW',
  'ESCAPE',
]);

/**
 * Words of `RESERVED` that Feldera's parser does not reserve (its config.fmpp lists them in
 * `nonReservedKeywordsToAdd`, as Calcite's Babel parser does), so Feldera takes them as names
 * where a name is expected: `SELECT EXISTS (...) AS exists`. Sluice reserves them to keep its
 * hand-written grammar unambiguous and accepts them only after an explicit AS, where nothing
 * else can follow.
 */
export const NAMES_AFTER_AS = new Set([
  'ALL',
  'AND',
  'AS',
  'BETWEEN',
  'BY',
  'CAST',
  'ELSE',
  'END',
  'ESCAPE',
  'EXISTS',
  'FALSE',
  'IS',
  'LIKE',
  'NOT',
  'OR',
  'TRUE',
  'VIEW',
]);

export class TokenStream {
  protected pos = 0;

  constructor(private readonly tokens: Token[]) {}

  peek(offset = 0): Token {
    return this.tokens[Math.min(this.pos + offset, this.tokens.length - 1)]!;
  }

  protected next(): Token {
    const t = this.peek();
    if (t.kind !== 'eof') this.pos++;
    return t;
  }

  protected prevSpan(): Span {
    return this.tokens[Math.max(0, this.pos - 1)]!.span;
  }

  isKeyword(word: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t.kind === 'ident' && t.upper === word;
  }

  /** True at `SELECT`, `VALUES` or `WITH`: the start of a query (inside parentheses, a subquery). */
  protected isQueryStart(): boolean {
    return this.isKeyword('SELECT') || this.isKeyword('VALUES') || this.isKeyword('WITH');
  }

  protected isOp(op: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t.kind === 'op' && t.value === op;
  }

  protected acceptKeyword(word: string): boolean {
    if (!this.isKeyword(word)) return false;
    this.pos++;
    return true;
  }

  protected acceptOp(op: string): boolean {
    if (!this.isOp(op)) return false;
    this.pos++;
    return true;
  }

  protected fail(message: string, span = this.peek().span, type = PARSE_ERROR): never {
    throw new SqlError(span, type, message);
  }

  protected describe(t: Token): string {
    switch (t.kind) {
      case 'eof':
        return '"<EOF>"';
      case 'string':
        return `string '${t.value}'`;
      case 'qident':
        return `"${t.value}"`;
      case 'ident':
        return `"${t.upper}"`;
      default:
        return `"${t.value}"`;
    }
  }

  /**
   * Calcite's parse error text, which Feldera reports as is: `Encountered "x" at line 1,
   * column 8.` and, on the next lines, what the parser would have accepted there.
   */
  protected encountered(t: Token, expecting: string): string {
    return `Encountered ${this.describe(t)} at line ${t.span.startLine}, column ${t.span.startCol}.\nWas expecting:\n    ${expecting}`;
  }

  protected expectKeyword(word: string): Token {
    if (!this.isKeyword(word)) this.fail(this.encountered(this.peek(), word));
    return this.next();
  }

  protected expectOp(op: string): Token {
    if (!this.isOp(op)) this.fail(this.encountered(this.peek(), `"${op}"`));
    return this.next();
  }

  /** An identifier; reserved words are only accepted when quoted. */
  parseIdent(what = 'an identifier'): Ident {
    const t = this.peek();
    if (t.kind === 'qident') {
      this.pos++;
      return { name: t.value, quoted: true, span: t.span };
    }
    if (t.kind === 'ident' && !RESERVED.has(t.upper)) {
      this.pos++;
      return { name: t.value, quoted: false, span: t.span };
    }
    return this.fail(this.encountered(t, what));
  }

  protected isIdentStart(offset = 0): boolean {
    const t = this.peek(offset);
    return t.kind === 'qident' || (t.kind === 'ident' && !RESERVED.has(t.upper));
  }

  protected parseIdentList(): Ident[] {
    this.expectOp('(');
    const out = [this.parseIdent()];
    while (this.acceptOp(',')) out.push(this.parseIdent());
    this.expectOp(')');
    return out;
  }

  protected parseInteger(): number {
    const t = this.peek();
    if (t.kind !== 'number' || !/^\d+$/.test(t.value)) this.fail(this.encountered(t, 'an integer'));
    this.pos++;
    return Number(t.value);
  }
}
