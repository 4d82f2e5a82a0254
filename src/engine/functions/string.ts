/**
 * String functions (Feldera's reference, "String Operations"). Positions and lengths count
 * Unicode code points, not UTF-16 units, as Feldera's do: over '🐍🐍', CHAR_LENGTH is 2 and
 * SUBSTRING(s FROM 2 FOR 3) is '🐍'.
 */
import { makeLike } from '../expr/like.js';
import { makeRlike } from '../expr/regex.js';
import type { Value } from '../values/value.js';
import { type KernelFamily, strict } from './kernel.js';

/** True when a string has no surrogate pairs, so code points and UTF-16 units coincide. */
const ASTRAL = /[\uD800-\uDFFF]/;

function codePointLength(s: string): number {
  if (!ASTRAL.test(s)) return s.length;
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/** SQL SUBSTRING(s FROM start [FOR length]) with 1-based, clamped code-point positions. */
export function substring(s: string, start: number, length: number | null): string {
  if (length !== null && length < 0) return '';
  const from = Math.max(0, start - 1);
  const to = length === null ? Number.POSITIVE_INFINITY : start - 1 + length;
  if (to <= from) return '';
  if (!ASTRAL.test(s)) return s.slice(from, to);
  return Array.from(s).slice(from, to).join('');
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

const trim = (leading: boolean, trailing: boolean) =>
  strict(([chars, s]) => trimChars(s as string, chars as string, leading, trailing));

export const STRING_KERNELS: KernelFamily = {
  upper: strict(([s]) => (s as string).toUpperCase()),
  lower: strict(([s]) => (s as string).toLowerCase()),
  char_length: strict(([s]) => codePointLength(s as string)),
  concat: strict(([a, b]) => (a as string) + (b as string)),
  position: strict(([needle, hay]) => position(needle as string, hay as string)),
  replace: strict(([s, from, to]) =>
    from === '' ? (s as string) : (s as string).split(from as string).join(to as string),
  ),
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
  rlike: {
    nulls: 'strict',
    make: () => {
      const rlike = makeRlike();
      return ([s, p]: Value[]) => rlike(s as string, p as string);
    },
  },
};
