/**
 * SQL tokenizer. Unquoted identifiers keep their text and also carry the lower-cased canonical
 * name (Feldera folds unquoted identifiers to lower case); `"quoted"` identifiers are exact,
 * with `""` as an escaped quote. `--` and `/* *\/` comments and whitespace are skipped.
 * Lexical errors are reported to the sink and lexing continues, so one run finds them all.
 */
import type { MessageSink, Span } from './messages.js';

export type TokenKind = 'ident' | 'qident' | 'string' | 'binary' | 'number' | 'op' | 'eof';

export interface Token {
  kind: TokenKind;
  /** Identifier: canonical name; string: its content; binary: its hex digits; number: its text; op: the operator. */
  value: string;
  /** For unquoted identifiers, the upper-cased text, for keyword matching; otherwise ''. */
  upper: string;
  span: Span;
  /** Offset of the first character in the source. */
  offset: number;
}

const OPERATORS = [
  '<=>',
  '<>',
  '!=',
  '<=',
  '>=',
  '||',
  '::',
  '->',
  '(',
  ')',
  '[',
  ']',
  ',',
  ';',
  '.',
  '+',
  '-',
  '*',
  '/',
  '%',
  '=',
  '<',
  '>',
];

function isIdentStart(c: string): boolean {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_' || c > '\u007f';
}

function isIdentPart(c: string): boolean {
  return isIdentStart(c) || (c >= '0' && c <= '9') || c === '$';
}

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}

/**
 * The content of a `U&'...'` literal with its escapes replaced: escape + 4 hexadecimal digits,
 * escape + `+` + 6 hexadecimal digits, or the escape twice for itself (Calcite's rules).
 */
export function decodeUnicodeEscapes(text: string, esc: string): string | { error: string } {
  if (esc.length !== 1 || /[0-9a-fA-F+'"\s]/.test(esc))
    return { error: `Invalid Unicode escape character '${esc}'` };
  let out = '';
  for (let i = 0; i < text.length; i++) {
    if (text[i] !== esc) {
      out += text[i];
      continue;
    }
    if (text[i + 1] === esc) {
      out += esc;
      i++;
      continue;
    }
    const long = text[i + 1] === '+';
    const digits = text.slice(i + (long ? 2 : 1), i + (long ? 8 : 5));
    const code = Number.parseInt(digits, 16);
    if (!/^[0-9a-fA-F]+$/.test(digits) || digits.length !== (long ? 6 : 4) || code > 0x10ffff)
      return { error: `Invalid Unicode escape in U&'${text}'` };
    out += String.fromCodePoint(code);
    i += long ? 7 : 4;
  }
  return out;
}

/** Splits `source` into tokens; the last token is always `eof`. */
export function tokenize(source: string, sink: MessageSink): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;

  const col = (offset: number) => offset - lineStart + 1;
  /** Advances over source[i], tracking line breaks. */
  const step = () => {
    if (source[i] === '\n') {
      line++;
      lineStart = i + 1;
    }
    i++;
  };
  const spanFrom = (startLine: number, startCol: number): Span => ({
    startLine,
    startCol,
    endLine: line,
    endCol: Math.max(1, col(i - 1)),
  });

  /** Reads a '...' string at source[i] ('' is a quote); its content, or null when unterminated. */
  const readQuoted = (): string | null => {
    step();
    let text = '';
    while (i < source.length) {
      if (source[i] === "'") {
        step();
        if (source[i] !== "'") return text;
      }
      text += source[i];
      step();
    }
    return null;
  };

  while (i < source.length) {
    const c = source[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f') {
      step();
      continue;
    }
    const startOffset = i;
    const startLine = line;
    const startCol = col(i);
    if (c === '-' && source[i + 1] === '-') {
      while (i < source.length && source[i] !== '\n') i++;
      continue;
    }
    if (c === '/' && source[i + 1] === '*') {
      step();
      step();
      while (i < source.length && !(source[i] === '*' && source[i + 1] === '/')) step();
      if (i >= source.length) {
        sink.error(spanFrom(startLine, startCol), 'Error parsing SQL', 'Unterminated comment');
        break;
      }
      step();
      step();
      continue;
    }
    if ((c === 'x' || c === 'X') && source[i + 1] === "'") {
      // X'0AFF': a binary literal; its content must be hexadecimal digits.
      i += 2;
      const from = i;
      while (i < source.length && source[i] !== "'" && source[i] !== '\n') i++;
      const digits = source.slice(from, i);
      const closed = source[i] === "'";
      if (closed) i++;
      const span = spanFrom(startLine, startCol);
      if (!closed) sink.error(span, 'Error parsing SQL', 'Unterminated binary literal');
      else if (!/^[0-9a-fA-F]*$/.test(digits) || digits.length % 2 !== 0)
        sink.error(
          span,
          'Error parsing SQL',
          `Binary literal X'${digits}' needs an even number of hexadecimal digits`,
        );
      tokens.push({ kind: 'binary', value: digits, upper: '', span, offset: startOffset });
      continue;
    }
    if ((c === 'u' || c === 'U') && source[i + 1] === '&' && source[i + 2] === "'") {
      // U&'...' [UESCAPE 'c']: a string with Unicode escapes (the reference's "Unicode characters").
      i += 2;
      const quoted = readQuoted();
      let esc = '\\';
      const uescape = /^\s+UESCAPE\s*'([^']*)'/i.exec(source.slice(i));
      if (quoted !== null && uescape) {
        for (let k = 0; k < uescape[0].length; k++) step();
        esc = uescape[1]!;
      }
      const span = spanFrom(startLine, startCol);
      let value = '';
      if (quoted === null) sink.error(span, 'Error parsing SQL', 'Unterminated string literal');
      else {
        const decoded = decodeUnicodeEscapes(quoted, esc);
        if (typeof decoded === 'string') value = decoded;
        else sink.error(span, 'Error parsing SQL', decoded.error);
      }
      tokens.push({ kind: 'string', value, upper: '', span, offset: startOffset });
      continue;
    }
    if (isIdentStart(c)) {
      while (i < source.length && isIdentPart(source[i]!)) i++;
      const text = source.slice(startOffset, i);
      tokens.push({
        kind: 'ident',
        value: text.toLowerCase(),
        upper: text.toUpperCase(),
        span: spanFrom(startLine, startCol),
        offset: startOffset,
      });
      continue;
    }
    if (c === '"' || c === "'") {
      step();
      let text = '';
      let closed = false;
      while (i < source.length) {
        if (source[i] === c) {
          if (source[i + 1] === c) {
            text += c;
            step();
            step();
            continue;
          }
          step();
          closed = true;
          break;
        }
        text += source[i];
        step();
      }
      const span = spanFrom(startLine, startCol);
      if (!closed) {
        sink.error(
          span,
          'Error parsing SQL',
          c === '"' ? 'Unterminated quoted identifier' : 'Unterminated string literal',
        );
      } else if (c === '"' && text === '') {
        sink.error(span, 'Error parsing SQL', 'Empty quoted identifier');
      }
      const prev = tokens[tokens.length - 1];
      const gap = /\s*$/.exec(source.slice(0, startOffset))![0];
      if (c === "'" && prev?.kind === 'string' && source[startOffset - gap.length - 1] === "'") {
        // 'foo'<newline>'bar' is one literal (the reference's "String constants"); on one
        // line it is an error, as in Calcite.
        if (!gap.includes('\n'))
          sink.error(span, 'Error parsing SQL', 'String literal continued on same line');
        tokens[tokens.length - 1] = {
          ...prev,
          value: prev.value + text,
          span: { ...prev.span, endLine: span.endLine, endCol: span.endCol },
        };
        continue;
      }
      tokens.push({
        kind: c === '"' ? 'qident' : 'string',
        value: text,
        upper: '',
        span,
        offset: startOffset,
      });
      continue;
    }
    if (isDigit(c) || (c === '.' && isDigit(source[i + 1]))) {
      while (isDigit(source[i])) i++;
      if (source[i] === '.' && source[i + 1] !== '.') {
        i++;
        while (isDigit(source[i])) i++;
      }
      if (
        (source[i] === 'e' || source[i] === 'E') &&
        (isDigit(source[i + 1]) ||
          ((source[i + 1] === '+' || source[i + 1] === '-') && isDigit(source[i + 2])))
      ) {
        i += 2;
        while (isDigit(source[i])) i++;
      }
      const text = source.slice(startOffset, i);
      tokens.push({
        kind: 'number',
        value: text,
        upper: '',
        span: spanFrom(startLine, startCol),
        offset: startOffset,
      });
      continue;
    }
    const op = OPERATORS.find((o) => source.startsWith(o, i));
    if (op) {
      i += op.length;
      tokens.push({
        kind: 'op',
        value: op,
        upper: '',
        span: spanFrom(startLine, startCol),
        offset: startOffset,
      });
      continue;
    }
    step();
    sink.error(spanFrom(startLine, startCol), 'Error parsing SQL', `Unexpected character '${c}'`);
  }
  const endCol = col(i);
  tokens.push({
    kind: 'eof',
    value: '',
    upper: '',
    span: { startLine: line, startCol: endCol, endLine: line, endCol },
    offset: source.length,
  });
  return tokens;
}
