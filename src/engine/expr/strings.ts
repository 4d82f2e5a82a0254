/**
 * String functions. Positions and lengths count UTF-16 code units (the same unit everywhere,
 * so SUBSTRING, POSITION and CHAR_LENGTH agree with each other).
 */
import { SqlRuntimeError } from '../errors.js';

/** SQL SUBSTRING(s FROM start [FOR length]) with 1-based, clamped positions. */
export function substring(s: string, start: number, length: number | null): string {
  if (length !== null && length < 0) throw new SqlRuntimeError(`negative substring length ${length}`);
  const from = start - 1;
  const to = length === null ? s.length : from + length;
  return s.slice(Math.max(0, from), Math.max(0, Math.min(s.length, to)));
}

export function trimChars(s: string, chars: string, leading: boolean, trailing: boolean): string {
  let a = 0;
  let b = s.length;
  if (leading) while (a < b && chars.includes(s[a]!)) a++;
  if (trailing) while (b > a && chars.includes(s[b - 1]!)) b--;
  return s.slice(a, b);
}

export function replaceAll(s: string, from: string, to: string): string {
  return from === '' ? s : s.split(from).join(to);
}
