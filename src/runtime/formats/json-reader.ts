/**
 * A strict JSON reader for ingress bodies that keeps the exact text of every number.
 *
 * `JSON.parse` turns `12345678901234567890` and `0.1000000000000000055` into doubles, losing
 * the digits a BIGINT or DECIMAL column needs, and lets a repeated key silently overwrite the
 * first one. This reader returns numbers as `RawNumber` (their source text), refuses what
 * would make a record ambiguous (a key given twice in one object, a string escape that is half
 * of a surrogate pair), and yields the records of a body one at a time with their position: a
 * sequence of whitespace-separated JSON values (Feldera's newline-delimited input) or the
 * elements of one or more JSON arrays. Every error names the 1-based record it was found in,
 * so the 400 answer can say which record is wrong; records are read lazily, so the first bad
 * record of a body is the one reported, whether its fault is syntax or content.
 */
import { JsonNumberText } from '../../engine/values/json-number.js';

/**
 * A JSON number as written in the source. It is the engine's `JsonNumberText`, so numbers
 * nested in arrays, maps and rows reach the value codecs with their exact text too.
 */
export class RawNumber extends JsonNumberText {}

export type JsonNode = null | boolean | string | RawNumber | JsonNode[] | { [key: string]: JsonNode };

/** A JSON syntax error at a position of the body, in the record being read. */
export class JsonSyntaxError extends Error {
  constructor(
    message: string,
    /** UTF-16 offset in the body. */
    readonly offset: number,
    readonly line: number,
    /** 1-based index of the record being read. */
    readonly record: number,
  ) {
    super(message);
  }
}

/** One record of a body: its value and its `[start, end)` UTF-16 range. */
export interface JsonRecord {
  node: JsonNode;
  start: number;
  end: number;
}

const MAX_DEPTH = 64;
/** A lone UTF-16 surrogate: `"\ud800"` is valid JSON syntax but no Unicode text. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Parses JSON text into `JsonNode`s. */
class Reader {
  pos = 0;
  record = 0;
  constructor(readonly text: string) {}

  fail(message: string): never {
    let line = 1;
    for (let i = 0; i < this.pos && i < this.text.length; i++) if (this.text.charCodeAt(i) === 10) line++;
    throw new JsonSyntaxError(`${message} at line ${line}`, this.pos, line, this.record);
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
        return this.fail(`unexpected character ${JSON.stringify(c)}`);
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
    // Fast path: no escapes, no control characters, no surrogates to check.
    while (i < t.length) {
      const c = t.charCodeAt(i);
      if (c === 34) {
        this.pos = i + 1;
        return t.slice(start, i);
      }
      if (c === 92 || c < 32 || (c >= 0xd800 && c <= 0xdfff)) break;
      i++;
    }
    const re = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;
    re.lastIndex = this.pos;
    const m = re.exec(t);
    if (!m) this.fail('invalid string');
    const s = JSON.parse(m[0]) as string;
    // serde_json, which Feldera reads JSON with, refuses lone surrogates too.
    if (LONE_SURROGATE.test(s)) this.fail('string holds a lone UTF-16 surrogate (not Unicode text)');
    this.pos += m[0].length;
    return s;
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
      const keyAt = this.pos;
      const key = this.string();
      if (key in out) {
        // JSON.parse and Feldera's record reader keep the last value; a record saying two
        // things about one field is refused instead.
        this.pos = keyAt;
        this.fail(`key ${JSON.stringify(key.slice(0, 100))} appears twice in one object`);
      }
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
 * Yields the records of an ingress body: with `array`, the elements of one JSON array (or
 * several, one after another); otherwise a sequence of JSON values separated by whitespace
 * (newline-delimited JSON). Throws `JsonSyntaxError` naming the record being read. With
 * `from`, reading resumes at a record's start offset (one an earlier reading yielded, inside
 * an array with `array`), that record being number `from.record`: ingress decodes a large
 * body again chunk by chunk.
 */
export function* jsonRecords(
  text: string,
  array: boolean,
  from?: { pos: number; record: number },
): Generator<JsonRecord> {
  const reader = new Reader(text);
  let index = 0;
  // Resuming in array form starts at an element, inside its array.
  let inArray = false;
  if (from) {
    reader.pos = from.pos;
    index = from.record - 1;
    inArray = array;
  }
  while (inArray || !reader.atEnd()) {
    if (!array) {
      reader.record = ++index;
      const start = reader.pos;
      const node = reader.value();
      yield { node, start, end: reader.pos };
      continue;
    }
    if (!inArray) {
      reader.record = index + 1;
      if (reader.peek() !== '[') reader.fail('expected a JSON array of records (array=true)');
      reader.pos++;
      reader.skipWs();
      if (reader.peek() === ']') {
        reader.pos++;
        continue;
      }
    }
    inArray = false;
    for (;;) {
      reader.record = ++index;
      reader.skipWs();
      const start = reader.pos;
      const node = reader.value(1);
      yield { node, start, end: reader.pos };
      reader.skipWs();
      const c = reader.text[reader.pos++];
      if (c === ']') break;
      if (c !== ',') {
        reader.pos--;
        reader.fail("expected ',' or ']'");
      }
    }
  }
}
