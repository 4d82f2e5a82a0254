/**
 * A JSON parser for text held in SQL values (`PARSE_JSON`, VARIANT and compound CSV fields).
 * Unlike `JSON.parse` it keeps every number's exact text (as `JsonNumberText`), because
 * Feldera reads JSON numbers into exact DECIMALs, and it limits nesting so hostile text cannot
 * exhaust the stack. With `singleQuotes`, strings may also be quoted with `'` (the CSV form
 * of arrays in Feldera's reference: `[ 'abc', '123']`).
 */
import { ValueError } from './errors.js';
import { JsonNumberText } from './json-number.js';

export type JsonTree = null | boolean | string | JsonNumberText | JsonTree[] | { [key: string]: JsonTree };

const MAX_DEPTH = 128;
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const ESCAPES: Record<string, string> = {
  '"': '"',
  "'": "'",
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
};

/** Parses one JSON value (surrounding whitespace allowed); throws `ValueError` on bad text. */
export function parseJsonText(text: string, singleQuotes = false): JsonTree {
  let pos = 0;
  const fail = (why: string): never => {
    throw new ValueError(`invalid JSON at offset ${pos}: ${why}`);
  };
  const ws = () => {
    while (pos < text.length && ' \t\n\r'.includes(text[pos]!)) pos++;
  };
  const str = (quote: string): string => {
    pos++;
    let out = '';
    for (;;) {
      const c = text[pos++];
      if (c === undefined) return fail('unterminated string');
      if (c === quote) return out;
      if (c !== '\\') {
        out += c;
        continue;
      }
      const e = text[pos++];
      if (e === 'u') {
        const hex = text.slice(pos, pos + 4);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail('bad \\u escape');
        out += String.fromCharCode(Number.parseInt(hex, 16));
        pos += 4;
      } else if (e !== undefined && ESCAPES[e] !== undefined) out += ESCAPES[e];
      else fail('bad escape');
    }
  };
  const value = (depth: number): JsonTree => {
    if (depth > MAX_DEPTH) fail('nested too deeply');
    ws();
    const c = text[pos];
    if (c === '"' || (singleQuotes && c === "'")) return str(c);
    if (c === '[') {
      pos++;
      const out: JsonTree[] = [];
      ws();
      if (text[pos] === ']') {
        pos++;
        return out;
      }
      for (;;) {
        out.push(value(depth + 1));
        ws();
        const d = text[pos++];
        if (d === ']') return out;
        if (d !== ',') fail("expected ',' or ']'");
      }
    }
    if (c === '{') {
      pos++;
      const out: { [key: string]: JsonTree } = Object.create(null);
      ws();
      if (text[pos] === '}') {
        pos++;
        return out;
      }
      for (;;) {
        ws();
        const q = text[pos];
        if (q !== '"' && !(singleQuotes && q === "'")) fail('expected a string key');
        const key = str(q!);
        ws();
        if (text[pos++] !== ':') fail("expected ':'");
        out[key] = value(depth + 1);
        ws();
        const d = text[pos++];
        if (d === '}') return out;
        if (d !== ',') fail("expected ',' or '}'");
      }
    }
    for (const [word, v] of [
      ['true', true],
      ['false', false],
      ['null', null],
    ] as const)
      if (text.startsWith(word, pos)) {
        pos += word.length;
        return v;
      }
    NUMBER.lastIndex = pos;
    const m = NUMBER.exec(text);
    if (!m) return fail('unexpected character');
    pos += m[0].length;
    return new JsonNumberText(m[0]);
  };
  const v = value(0);
  ws();
  if (pos < text.length) fail('unexpected text after the value');
  return v;
}
