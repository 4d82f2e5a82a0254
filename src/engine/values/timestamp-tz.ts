/**
 * TIMESTAMP WITH TIME ZONE (Feldera's TIMESTAMP_TZ, 0.312): an instant. As in Feldera
 * (reference datetime.md, "Timestamps with time zone"; PR feldera/feldera#6116) the runtime
 * value is the instant in UTC and the zone is dropped, so a value is a TIMESTAMP's `bigint`
 * (nanoseconds since 1970-01-01 00:00:00 UTC) and compares, hashes and casts to TIMESTAMP as
 * one. Only a literal carries a zone: `TIMESTAMP WITH TIME ZONE '2024-03-10 12:00:00
 * America/New_York'`.
 */
import { NS_PER_MILLI_BIG, parseTimestamp } from './datetime.js';
import { findZone, type Zone } from './timezone.js';

/**
 * `YYYY-MM-DD HH:MM:SS[.ffffff]` then a space and a zone (an IANA name or a fixed offset), or
 * the offset written right after the seconds; nothing after it (Feldera: "trailing spaces are
 * not allowed", at most microseconds).
 */
const LITERAL = /^(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(?:\.\d{1,6})?)(?: (\S+)|([+-]\d{2}:?\d{2}))$/;

const DAY_MS = 86_400_000;

/**
 * The UTC offset (ms) in force at a wall-clock time, resolved as Java's
 * `LocalDateTime.atZone`, which Feldera's compiler uses for these literals
 * (DBSPTimestampTzLiteral.getMicros): in an overlap the earlier offset (the earlier instant),
 * in a gap the offset before it (the time moves later by the gap's length).
 */
function offsetAt(zone: Zone, wallMs: number): number {
  const instants: number[] = [];
  for (const probe of [wallMs - DAY_MS, wallMs, wallMs + DAY_MS]) {
    const utc = wallMs - zone(probe);
    if (utc + zone(utc) === wallMs && !instants.includes(utc)) instants.push(utc);
  }
  if (instants.length === 0) return zone(wallMs - DAY_MS);
  return wallMs - Math.min(...instants);
}

/**
 * The instant of a TIMESTAMP WITH TIME ZONE literal's text, in nanoseconds since the epoch
 * (UTC); undefined when the text is not of that form or names no zone Node's ICU data knows.
 */
export function parseTimestampTzLiteral(text: string): bigint | undefined {
  const m = LITERAL.exec(text);
  if (!m) return undefined;
  const wall = parseTimestamp(m[1]!);
  const zone = findZone(m[2] ?? m[3]!);
  if (wall === undefined || zone === null) return undefined;
  const wallMs = Number(wall / NS_PER_MILLI_BIG);
  return wall - BigInt(offsetAt(zone, wallMs)) * NS_PER_MILLI_BIG;
}
