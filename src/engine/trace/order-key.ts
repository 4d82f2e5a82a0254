/**
 * Order-preserving string encodings of values and rows: `orderKey(a) < orderKey(b)` (JS string
 * comparison, by UTF-16 code unit) exactly when `a` sorts before `b` under `compareValues` /
 * ORDER BY. Traces are sorted by their key strings, so an operator that needs its state in a
 * semantic order (top-k) keys its trace with these encodings and reads the order with a scan.
 *
 * Each value's encoding is prefix-free (fixed width, length-prefixed, or terminated), so the
 * encodings of a row's values concatenate into an encoding of the row that compares column by
 * column. A type tag comes first, in `compareValues`' rank order for mixed types.
 *  - number (f64): the IEEE-754 bits made sortable (negatives inverted, positives with the sign
 *    bit set), -0 as 0 and every NaN as one NaN above +Infinity, as 16 hex digits;
 *  - bigint: sign, digit count (4 hex digits, complemented when negative), digits (9-complement
 *    when negative);
 *  - DECIMAL: sign, then the exponent and the significant digits of 0.d1d2… × 10^E (trailing
 *    zeros dropped, so 1.50 and 1.5 are equal), complemented when negative, terminated;
 *  - string: code units with 0 and 1 escaped, terminated by 0;
 *  - boolean: F < T.
 * A descending key inverts every code unit of the value's encoding; NULL's place (first or
 * last) is absolute, as in `makeRowOrder`, so its marker is not inverted.
 */
import { Decimal } from '../values/decimal.js';
import type { Value } from '../values/value.js';

const FLOAT = new Float64Array(1);
const WORDS = new Uint32Array(FLOAT.buffer);
const HI = 1;
const LO = 0;

function hex8(n: number): string {
  return (n >>> 0).toString(16).padStart(8, '0');
}

function numberKey(v: number): string {
  if (Number.isNaN(v)) return '2fff8000000000000';
  FLOAT[0] = v === 0 ? 0 : v;
  let hi = WORDS[HI]!;
  let lo = WORDS[LO]!;
  if (hi & 0x80000000) {
    hi = ~hi;
    lo = ~lo;
  } else hi |= 0x80000000;
  return `2${hex8(hi)}${hex8(lo)}`;
}

function complementDigits(digits: string): string {
  let out = '';
  for (let i = 0; i < digits.length; i++) out += String.fromCharCode(105 - digits.charCodeAt(i)); // '9' + '0' - c
  return out;
}

function bigintKey(v: bigint): string {
  const negative = v < 0n;
  const digits = (negative ? -v : v).toString();
  if (!negative) return `31${digits.length.toString(16).padStart(4, '0')}${digits}`;
  return `30${(0xffff - digits.length).toString(16).padStart(4, '0')}${complementDigits(digits)}`;
}

function decimalKey(v: Decimal): string {
  if (v.unscaled === 0n) return '5B';
  const negative = v.unscaled < 0n;
  let digits = (negative ? -v.unscaled : v.unscaled).toString();
  let scale = v.scale;
  let end = digits.length;
  while (end > 1 && digits.charCodeAt(end - 1) === 48) {
    end--;
    scale--;
  }
  digits = digits.slice(0, end);
  const exponent = digits.length - scale + 0x8000;
  if (!negative) return `5C${exponent.toString(16).padStart(4, '0')}${digits}/`;
  return `5A${(0xffff - exponent).toString(16).padStart(4, '0')}${complementDigits(digits)}:`;
}

function stringKey(v: string): string {
  return `4${v.replace(/[\u0000\u0001]/g, (c) => (c === '\u0000' ? '\u0001\u0001' : '\u0001\u0002'))}\u0000`;
}

/** The encoding of one non-NULL value, ascending. */
export function valueOrderKey(v: Exclude<Value, null>): string {
  switch (typeof v) {
    case 'number':
      return numberKey(v);
    case 'bigint':
      return bigintKey(v);
    case 'string':
      return stringKey(v);
    case 'boolean':
      return v ? '1T' : '1F';
    default:
      if (v instanceof Decimal) return decimalKey(v);
      throw new Error(`no order-preserving encoding for ${typeof v} values`);
  }
}

function invert(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) out += String.fromCharCode(0xffff - s.charCodeAt(i));
  return out;
}

/** One ORDER BY key: a column, its direction and where NULLs go. */
export interface OrderColumn {
  index: number;
  desc: boolean;
  nullsFirst: boolean;
}

/** The encoding of `v` as an ORDER BY key with the given direction and NULL placement. */
export function orderKeyOf(v: Value, desc: boolean, nullsFirst: boolean): string {
  if (v === null) return nullsFirst ? '\u0001' : '\u0003';
  const key = valueOrderKey(v);
  return `\u0002${desc ? invert(key) : key}`;
}

/**
 * The encoding of `row` under `order`, followed by the whole row ascending with NULLs first
 * (the tie-break of `makeRowOrder`), so distinct rows get distinct keys.
 */
export function rowOrderKey(row: readonly Value[], order: readonly OrderColumn[]): string {
  let key = '';
  for (const k of order) key += orderKeyOf(row[k.index] as Value, k.desc, k.nullsFirst);
  for (const v of row) key += orderKeyOf(v as Value, false, true);
  return key;
}
