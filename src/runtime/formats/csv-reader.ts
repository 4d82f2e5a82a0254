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

/** Yields the records of `text`; throws `CsvSyntaxError` at the first malformed one. */
export function* csvRecords(text: string): Generator<CsvRecord> {
  let fields: string[] = [];
  let field = '';
  let i = 0;
  let atFieldStart = true;
  let start = 0;
  let count = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (atFieldStart && c === '"') {
      i++;
      for (;;) {
        if (i >= text.length) throw new CsvSyntaxError('unterminated quoted field', count + 1, i);
        const q = text[i]!;
        if (q === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        field += q;
        i++;
      }
      const next = text[i];
      if (next !== undefined && next !== ',' && next !== '\n' && next !== '\r') {
        throw new CsvSyntaxError('unexpected character after a closing quote', count + 1, i);
      }
      atFieldStart = false;
      continue;
    }
    if (c === ',') {
      fields.push(field);
      field = '';
      atFieldStart = true;
      i++;
    } else if (c === '\n' || c === '\r') {
      fields.push(field);
      if (!(fields.length === 1 && fields[0] === '')) {
        count++;
        yield { fields, start, end: i };
      }
      i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
      fields = [];
      field = '';
      atFieldStart = true;
      start = i;
    } else {
      field += c;
      atFieldStart = false;
      i++;
    }
  }
  if (field !== '' || fields.length > 0) {
    fields.push(field);
    yield { fields, start, end: text.length };
  }
}
