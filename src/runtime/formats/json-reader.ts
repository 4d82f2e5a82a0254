/**
 * A JSON reader for ingress bodies that keeps the exact text of every number.
 *
 * `JSON.parse` turns `12345678901234567890` and `0.1000000000000000055` into doubles, losing
 * the digits a BIGINT or DECIMAL column needs. This reader returns numbers as `RawNumber`
 * (their source text), reads a sequence of whitespace-separated JSON values (Feldera's
 * newline-delimited input) or one array of them, and reports errors with the record index and
 * line, so the 400 answer can say which record is wrong.
 */
import { JsonNumberText } from '../../engine/values/json-number.js';

/**
 * A JSON number as written in the source. It is the engine's `JsonNumberText`, so numbers
 * nested in arrays, maps and rows reach the value codecs with their exact text too.
 */
export class RawNumber extends JsonNumberText {}

export type JsonNode = null | boolean | string | RawNumber | JsonNode[] | { [key: string]: JsonNode };

/** A JSON syntax error at a position of the body. */
export class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
    readonly line: number,
  ) {
    super(message);
  }
}

const MAX_DEPTH = 64;

/** Parses JSON text into `JsonNode`s. */
class Reader {
  pos = 0;
  constructor(private readonly text: string) {}

  private fail(message: string): never {
    let line = 1;
    for (let i = 0; i < this.pos && i < this.text.length; i++) if (this.text.charCodeAt(i) === 10) line++;
    throw new JsonSyntaxError(`${message} at line ${line}`, this.pos, line);
  }

  skipWs(): void {
    const t = this.text;
    while (this.pos < t.length) {
      const c = t.charCodeAt(this.pos);
      if (c === 32 || c === 9 || c === 10 || c === 13) this.pos++;
      else break;
    }
  }

  atEnd(): boolean {
    this.skipWs();
    return this.pos >= this.text.length;
  }

  peek(): string {
    return this.text[this.pos] ?? '';
  }

  expect(ch: string): void {
    this.skipWs();
    if (this.text[this.pos] !== ch)
      this.fail(`expected '${ch}'${this.pos >= this.text.length ? ' but the input ended' : ''}`);
    this.pos++;
  }

  value(depth = 0): JsonNode {
    if (depth > MAX_DEPTH) this.fail('JSON nested too deeply');
    this.skipWs();
    const c = this.text[this.pos];
    switch (c) {
      case '{':
        return this.object(depth);
      case '[':
        return this.array(depth);
      case '"':
        return this.string();
      case 't':
        return this.literal('true', true);
      case 'f':
        return this.literal('false', false);
      case 'n':
        return this.literal('null', null);
      case undefined:
        return this.fail('unexpected end of input');
      default:
        if (c === '-' || (c >= '0' && c <= '9')) return this.number();
        return this.fail(`unexpected character '${c}'`);
    }
  }

  private literal<T>(word: string, value: T): T {
    if (this.text.startsWith(word, this.pos)) {
      this.pos += word.length;
      return value;
    }
    return this.fail('invalid literal');
  }

  private number(): RawNumber {
    const re = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
    re.lastIndex = this.pos;
    const m = re.exec(this.text);
    if (!m) this.fail('invalid number');
    this.pos += m[0].length;
    return new RawNumber(m[0]);
  }

  private string(): string {
    const start = this.pos + 1;
    let i = start;
    const t = this.text;
    // Fast path: no escapes.
    while (i < t.length) {
      const c = t.charCodeAt(i);
      if (c === 34) {
        this.pos = i + 1;
        return t.slice(start, i);
      }
      if (c === 92 || c < 32) break;
      i++;
    }
    const re = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;
    re.lastIndex = this.pos;
    const m = re.exec(t);
    if (!m) this.fail('invalid string');
    this.pos += m[0].length;
    return JSON.parse(m[0]) as string;
  }

  private array(depth: number): JsonNode[] {
    this.pos++;
    const out: JsonNode[] = [];
    this.skipWs();
    if (this.peek() === ']') {
      this.pos++;
      return out;
    }
    for (;;) {
      out.push(this.value(depth + 1));
      this.skipWs();
      const c = this.text[this.pos++];
      if (c === ']') return out;
      if (c !== ',') {
        this.pos--;
        this.fail("expected ',' or ']'");
      }
    }
  }

  private object(depth: number): { [key: string]: JsonNode } {
    this.pos++;
    const out: { [key: string]: JsonNode } = Object.create(null);
    this.skipWs();
    if (this.peek() === '}') {
      this.pos++;
      return out;
    }
    for (;;) {
      this.skipWs();
      if (this.peek() !== '"') this.fail('expected a string key');
      const key = this.string();
      this.expect(':');
      out[key] = this.value(depth + 1);
      this.skipWs();
      const c = this.text[this.pos++];
      if (c === '}') return out;
      if (c !== ',') {
        this.pos--;
        this.fail("expected ',' or '}'");
      }
    }
  }
}

/**
 * Reads the records of an ingress body: with `array`, one JSON array (or several, one after
 * another) whose elements are records; otherwise a sequence of JSON values separated by
 * whitespace (newline-delimited JSON).
 */
export function readJsonRecords(text: string, array: boolean): JsonNode[] {
  const reader = new Reader(text);
  const records: JsonNode[] = [];
  while (!reader.atEnd()) {
    const value = reader.value();
    if (array) {
      if (!Array.isArray(value)) {
        throw new JsonSyntaxError('expected a JSON array of records (array=true)', reader.pos, 0);
      }
      records.push(...value);
    } else {
      records.push(value);
    }
  }
  return records;
}
