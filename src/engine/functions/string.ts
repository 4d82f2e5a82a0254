/**
 * String functions (Feldera's reference, "String Operations"), following Feldera's runtime
 * (sqllib's string.rs) where its documentation is silent. Positions and lengths count Unicode
 * code points, not UTF-16 units, as Feldera's do: over '🐍🐍', CHAR_LENGTH is 2 and
 * SUBSTRING(s FROM 2 FOR 3) is '🐍'. Word and case rules are Rust's: INITCAP's words are runs
 * of alphanumeric characters (Unicode Alphabetic or Numeric), INITCAP_SPACES's runs of
 * non-white-space, and each character is upper- or lower-cased on its own.
 */

import { SqlRuntimeError } from '../errors.js';
import { makeLike } from '../expr/like.js';
import type { Value } from '../values/value.js';
import { type KernelFamily, strict } from './kernel.js';

/** True when a string has no surrogate pairs, so code points and UTF-16 units coincide. */
const ASTRAL = /[\uD800-\uDFFF]/;
const ALPHANUMERIC = /[\p{Alphabetic}\p{Nd}\p{Nl}\p{No}]/u;
const WHITE_SPACE = /\p{White_Space}/u;

function codePointLength(s: string): number {
  if (!ASTRAL.test(s)) return s.length;
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/** The code points of `s` from index `from` (0-based) to `to` (exclusive, clamped). */
function codePointSlice(s: string, from: number, to = Number.POSITIVE_INFINITY): string {
  if (!ASTRAL.test(s)) return s.slice(from, to);
  return Array.from(s).slice(from, to).join('');
}

/** SQL SUBSTRING(s FROM start [FOR length]) with 1-based, clamped code-point positions. */
export function substring(s: string, start: number, length: number | null): string {
  if (length !== null && length < 0) return '';
  const from = Math.max(0, start - 1);
  const to = length === null ? Number.POSITIVE_INFINITY : start - 1 + length;
  if (to <= from) return '';
  return codePointSlice(s, from, to);
}

function right(s: string, n: number): string {
  if (n <= 0) return '';
  const len = codePointLength(s);
  return n >= len ? s : codePointSlice(s, len - n);
}

/** Removes any of `chars` (code points) from the chosen ends of `s`. */
function trimChars(s: string, chars: string, leading: boolean, trailing: boolean): string {
  const set = new Set(Array.from(chars));
  const cps = Array.from(s);
  let a = 0;
  let b = cps.length;
  if (leading) while (a < b && set.has(cps[a]!)) a++;
  if (trailing) while (b > a && set.has(cps[b - 1]!)) b--;
  return cps.slice(a, b).join('');
}

/** 1-based code-point position of `needle` in `hay`, 0 when absent. */
function position(needle: string, hay: string): number {
  const i = hay.indexOf(needle);
  return i < 0 ? 0 : codePointLength(hay.slice(0, i)) + 1;
}

/**
 * OVERLAY(s PLACING r FROM pos [FOR remove]): `remove` defaults to r's length and counts as 0
 * when negative; a position below 1 leaves s as it is, one past its end appends r.
 */
function overlay(s: string, r: string, pos: number, remove: number): string {
  if (pos <= 0) return s;
  if (pos > codePointLength(s)) return s + r;
  return substring(s, 1, pos - 1) + r + substring(s, pos + Math.max(remove, 0), null);
}

/** Rust's `str::replace`: an empty needle matches before every code point and at the end. */
function replace(s: string, from: string, to: string): string {
  if (from === '') return to + Array.from(s).join(to) + (s === '' ? '' : to);
  return s.split(from).join(to);
}

/** Upper-cases the first character of each word and lower-cases the others. */
function initcap(s: string, inWord: (c: string) => boolean): string {
  let out = '';
  let start = true;
  for (const c of s) {
    if (inWord(c)) {
      out += start ? c.toUpperCase() : c.toLowerCase();
      start = false;
    } else {
      out += c;
      start = true;
    }
  }
  return out;
}

/** Valid Unicode scalar values (what Rust's `char::from_u32` accepts). */
function chr(code: number): string {
  if (code < 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return '';
  return String.fromCodePoint(code);
}

function repeat(s: string, n: number): string {
  if (n <= 0) return '';
  try {
    return s.repeat(n);
  } catch {
    throw new SqlRuntimeError(
      `REPEAT: a string of ${codePointLength(s)} characters repeated ${n} times is too long`,
    );
  }
}

/** SPLIT(s, delimiter): an empty delimiter gives [s], an empty s gives []. */
function split(s: string, delimiter: string): string[] {
  if (delimiter === '') return [s];
  if (s === '') return [];
  return s.split(delimiter);
}

/** SPLIT_PART(s, delimiter, n): 1-based, negative n counts from the end, '' when out of range. */
function splitPart(s: string, delimiter: string, n: number): string {
  const parts = split(s, delimiter);
  const i = n < 0 ? parts.length + n : n - 1;
  return parts[i] ?? '';
}

/**
 * One step of CONCAT_WS as Feldera folds it, starting from NULL: NULL and NULL give '', a NULL
 * on either side gives the other side, two strings are joined with the separator. So a NULL
 * argument is skipped, except that leading NULLs leave an empty first element:
 * CONCAT_WS('@', NULL, 'a') is '@a'.
 */
function concatWsStep(sep: string, acc: string | null, next: string | null): string {
  if (acc === null) return next ?? '';
  if (next === null) return acc;
  return acc + sep + next;
}

const trim = (leading: boolean, trailing: boolean) =>
  strict(([chars, s]) => trimChars(s as string, chars as string, leading, trailing));

export const STRING_KERNELS: KernelFamily = {
  upper: strict(([s]) => (s as string).toUpperCase()),
  lower: strict(([s]) => (s as string).toLowerCase()),
  initcap: strict(([s]) => initcap(s as string, (c) => ALPHANUMERIC.test(c))),
  initcap_spaces: strict(([s]) => initcap(s as string, (c) => !WHITE_SPACE.test(c))),
  char_length: strict(([s]) => codePointLength(s as string)),
  ascii: strict(([s]) => (s as string).codePointAt(0) ?? 0),
  chr: strict(([n]) => chr(n as number)),
  concat: strict(([a, b]) => (a as string) + (b as string)),
  concat_ws: {
    nulls: 'nullable',
    make: () => (args: Value[]) => {
      const [sep, ...rest] = args as (string | null)[];
      if (sep === null || sep === undefined) return null;
      let acc: string | null = null;
      for (const next of rest) acc = concatWsStep(sep, acc, next);
      return acc ?? sep;
    },
  },
  left: strict(([s, n]) => ((n as number) <= 0 ? '' : codePointSlice(s as string, 0, n as number))),
  right: strict(([s, n]) => right(s as string, n as number)),
  position: strict(([needle, hay]) => position(needle as string, hay as string)),
  replace: strict(([s, from, to]) => replace(s as string, from as string, to as string)),
  repeat: strict(([s, n]) => repeat(s as string, n as number)),
  reverse: strict(([s]) =>
    Array.from(s as string)
      .reverse()
      .join(''),
  ),
  overlay: strict(([s, r, pos, remove]) =>
    overlay(
      s as string,
      r as string,
      pos as number,
      (remove as number | undefined) ?? codePointLength(r as string),
    ),
  ),
  split: strict(([s, delimiter]) => split(s as string, (delimiter as string | undefined) ?? ',')),
  split_part: strict(([s, delimiter, n]) => splitPart(s as string, delimiter as string, n as number)),
  // A negative length gives the empty string, as in Feldera (Postgres raises an error).
  substring: strict(([s, start, len]) =>
    substring(s as string, start as number, (len as number | undefined) ?? null),
  ),
  trim_both: trim(true, true),
  trim_leading: trim(true, false),
  trim_trailing: trim(false, true),
  like: {
    nulls: 'strict',
    make: () => {
      const like = makeLike();
      return ([s, p, esc]: Value[]) => like(s as string, p as string, (esc as string | undefined) ?? null);
    },
  },
  ilike: {
    nulls: 'strict',
    make: () => {
      const like = makeLike(true);
      return ([s, p, esc]: Value[]) => like(s as string, p as string, (esc as string | undefined) ?? null);
    },
  },
};
