/**
 * SQL `LIKE` / `ILIKE` matching without backtracking.
 *
 * A pattern is split at its `%` wildcards into segments (runs of literal characters and `_`).
 * A match must start with the first segment, end with the last one, and contain the middle
 * ones in order; taking the leftmost occurrence of each middle segment is always right, because
 * an earlier occurrence leaves at least as much of the input for the segments after it. So the
 * matcher never revisits a choice: each segment's search only moves forward through the input.
 *
 * Cost: O(n · m) comparisons in the worst case for an input of n characters and a pattern of m
 * (each segment of length k is tried at most once per input position), and O(n + m) for
 * patterns without `_`, whose segments are found with the engine's native substring search.
 * A backtracking regular expression for `%a%a%...%b` is exponential in the number of `%`;
 * this is linear in it.
 *
 * Characters are Unicode code points, not UTF-16 units: `_` matches one code point, so
 * `'🐍' LIKE '_'` is TRUE. Semantics follow Feldera (its `like` crate): without `ESCAPE` no
 * character escapes (a backslash is an ordinary character, although Feldera's documentation
 * names backslash as the default); with `ESCAPE 'c'` the character after `c` is literal, `c`
 * must be a single character (an empty escape means none), and a pattern may not end with it.
 * `ILIKE` lower-cases both sides first, as Feldera's `ilike2` does. NULL handling is the
 * caller's (any NULL argument gives NULL).
 */
import { SqlRuntimeError } from '../errors.js';

/** `_` inside a segment. */
const ANY = -1;

interface Segment {
  /** Code points of the segment; `ANY` for `_`. */
  cps: number[];
  /** The segment as text, when it has no `_` (then native string search finds it). */
  text: string | null;
}

export type LikeMatcher = (input: string) => boolean;

const SURROGATE = /[\uD800-\uDFFF]/;

function codePoints(s: string): number[] {
  const out: number[] = [];
  for (const c of s) out.push(c.codePointAt(0)!);
  return out;
}

/** Splits a pattern into `%`-separated segments, resolving the escape character. */
function parsePattern(pattern: string, escapeChar: string | null): Segment[] {
  let esc: number | null = null;
  if (escapeChar !== null && escapeChar !== '') {
    const e = codePoints(escapeChar);
    if (e.length !== 1)
      throw new SqlRuntimeError(`LIKE ESCAPE must be a single character, got '${escapeChar}'`);
    esc = e[0]!;
  }
  const cps = codePoints(pattern);
  const segments: Segment[] = [];
  let current: number[] = [];
  let hasAny = false;
  const close = () => {
    segments.push({ cps: current, text: hasAny ? null : String.fromCodePoint(...current) });
    current = [];
    hasAny = false;
  };
  for (let i = 0; i < cps.length; i++) {
    const c = cps[i]!;
    if (c === esc) {
      if (i + 1 >= cps.length)
        throw new SqlRuntimeError(`LIKE pattern '${pattern}' ends with its escape character`);
      current.push(cps[++i]!);
    } else if (c === 0x25 /* % */) close();
    else if (c === 0x5f /* _ */) {
      current.push(ANY);
      hasAny = true;
    } else current.push(c);
  }
  close();
  return segments;
}

/** True if `seg` matches `input` at code-point position `at`. */
function matchesAt(input: number[], at: number, seg: number[]): boolean {
  for (let j = 0; j < seg.length; j++) {
    const p = seg[j]!;
    if (p !== ANY && p !== input[at + j]) return false;
  }
  return true;
}

/** Leftmost position in [from, to - |seg|] where `seg` matches, or -1. */
function find(input: number[], from: number, to: number, seg: number[]): number {
  for (let at = from; at + seg.length <= to; at++) if (matchesAt(input, at, seg)) return at;
  return -1;
}

/** Matching over code-point arrays (any pattern). */
function matchCodePoints(input: number[], segments: Segment[]): boolean {
  const first = segments[0]!.cps;
  if (segments.length === 1) return input.length === first.length && matchesAt(input, 0, first);
  const last = segments[segments.length - 1]!.cps;
  if (first.length + last.length > input.length) return false;
  if (!matchesAt(input, 0, first)) return false;
  const end = input.length - last.length;
  if (!matchesAt(input, end, last)) return false;
  let pos = first.length;
  for (let k = 1; k < segments.length - 1; k++) {
    const seg = segments[k]!.cps;
    const at = find(input, pos, end, seg);
    if (at < 0) return false;
    pos = at + seg.length;
  }
  return true;
}

/**
 * Matching on UTF-16 text, for patterns without `_`. Literal segments can only match at
 * code-point boundaries of well-formed text, so unit offsets give the same answer.
 */
function matchText(input: string, segments: Segment[]): boolean {
  const first = segments[0]!.text!;
  if (segments.length === 1) return input === first;
  const last = segments[segments.length - 1]!.text!;
  if (first.length + last.length > input.length) return false;
  if (!input.startsWith(first) || !input.endsWith(last)) return false;
  const end = input.length - last.length;
  let pos = first.length;
  for (let k = 1; k < segments.length - 1; k++) {
    const seg = segments[k]!.text!;
    const at = input.indexOf(seg, pos);
    if (at < 0 || at + seg.length > end) return false;
    pos = at + seg.length;
  }
  return true;
}

/**
 * Compiles a LIKE pattern. Throws `SqlRuntimeError` for an escape that is not one character
 * or a pattern ending with its escape character.
 */
export function compileLike(
  pattern: string,
  escapeChar: string | null,
  caseInsensitive = false,
): LikeMatcher {
  const segments = parsePattern(caseInsensitive ? pattern.toLowerCase() : pattern, escapeChar);
  const fold = caseInsensitive ? (s: string) => s.toLowerCase() : (s: string) => s;
  if (segments.every((s) => s.text !== null)) return (input) => matchText(fold(input), segments);
  const unitsAreCodePoints = segments.every((s) => s.cps.every((c) => c < 0xd800 || c > 0xdfff));
  return (input) => {
    const text = fold(input);
    if (unitsAreCodePoints && !SURROGATE.test(text)) {
      const units: number[] = new Array(text.length);
      for (let i = 0; i < text.length; i++) units[i] = text.charCodeAt(i);
      return matchCodePoints(units, segments);
    }
    return matchCodePoints(codePoints(text), segments);
  };
}

/** A LIKE evaluator that recompiles only when the pattern or escapeChar changes (they are usually constant). */
export function makeLike(
  caseInsensitive = false,
): (s: string, pattern: string, escapeChar: string | null) => boolean {
  let lastPattern: string | null = null;
  let lastEscape: string | null = null;
  let matcher: LikeMatcher = () => false;
  return (s, pattern, escapeChar) => {
    if (pattern !== lastPattern || escapeChar !== lastEscape) {
      matcher = compileLike(pattern, escapeChar, caseInsensitive);
      lastPattern = pattern;
      lastEscape = escapeChar;
    }
    return matcher(s);
  };
}
