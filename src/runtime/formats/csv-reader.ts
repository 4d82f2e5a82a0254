/**
 * RFC 4180 CSV reader: comma-separated fields, double-quoted fields may contain commas,
 * newlines and doubled quotes; records end with LF or CRLF; a blank line is skipped.
 *
 * Records are yielded one at a time with their `[start, end)` range in the text, so a caller
 * can stop at the first bad record and name it, whether its fault is quoting or content.
 */

/** A CSV syntax error in a given record (1-based). */
export class CsvSyntaxError extends Error {
  constructor(
    message: string,
    readonly record: number,
    /** UTF-16 offset of the fault in the text. */
    readonly offset: number,
  ) {
    super(message);
  }
}

/** One record: its unquoted fields and its UTF-16 range in the text (line end excluded). */
export interface CsvRecord {
  fields: string[];
  start: number;
  end: number;
}

/**
 * Yields the records of `text`; throws `CsvSyntaxError` at the first malformed one. With
 * `from`, reading resumes at a record's start offset (one an earlier reading yielded), that
 * record being number `from.record`: ingress decodes a large body again chunk by chunk.
 */
export function* csvRecords(text: string, from?: { pos: number; record: number }): Generator<CsvRecord> {
  // Scans with charCodeAt and takes an unquoted field with one slice: building fields a
  // character at a time made a 28 MB body take tens of seconds.
  const n = text.length;
  let fields: string[] = [];
  let i = from?.pos ?? 0;
  let start = i;
  let count = from ? from.record - 1 : 0;
  for (;;) {
    // At the start of a field.
    let field: string;
    if (i < n && text.charCodeAt(i) === QUOTE) {
      i++;
      field = '';
      let from = i;
      for (;;) {
        const q = text.indexOf('"', i);
        if (q < 0) throw new CsvSyntaxError('unterminated quoted field', count + 1, n);
        if (text.charCodeAt(q + 1) === QUOTE) {
          field += text.slice(from, q + 1);
          i = q + 2;
          from = i;
          continue;
        }
        field += text.slice(from, q);
        i = q + 1;
        break;
      }
      if (i < n) {
        const next = text.charCodeAt(i);
        if (next !== COMMA && next !== LF && next !== CR) {
          throw new CsvSyntaxError('unexpected character after a closing quote', count + 1, i);
        }
      }
    } else {
      const from = i;
      while (i < n) {
        const c = text.charCodeAt(i);
        if (c === COMMA || c === LF || c === CR) break;
        i++;
      }
      field = text.slice(from, i);
    }
    fields.push(field);
    if (i < n && text.charCodeAt(i) === COMMA) {
      i++;
      continue;
    }
    // End of a record: a line end or the end of the text.
    if (!(fields.length === 1 && fields[0] === '')) {
      count++;
      yield { fields, start, end: i };
    }
    if (i >= n) return;
    i += text.charCodeAt(i) === CR && text.charCodeAt(i + 1) === LF ? 2 : 1;
    fields = [];
    start = i;
    if (i >= n) return;
  }
}

const QUOTE = 0x22;
const COMMA = 0x2c;
const LF = 0x0a;
const CR = 0x0d;
