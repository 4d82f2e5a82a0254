/**
 * Time zones for CONVERT_TIMEZONE: an IANA name (`America/New_York`, through the ICU data of
 * Node's `Intl`) or a fixed offset (`+08:00`, `-0530`, `Z`). A zone works on milliseconds of
 * wall-clock time (the kernel carries a TIMESTAMP's nanoseconds below them unchanged); it maps
 * one to an instant and back.
 */

const FIXED = /^([+-])(\d{2}):?(\d{2})$/;

/** A zone: the offset in milliseconds of its wall clock from UTC at a UTC instant. */
export type Zone = (utcMs: number) => number;

const cache = new Map<string, Zone | null>();

function ianaZone(name: string): Zone | null {
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: name,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      era: 'short',
    });
  } catch {
    return null;
  }
  return (utcMs) => {
    const parts: Record<string, string> = {};
    for (const p of format.formatToParts(new Date(utcMs))) parts[p.type] = p.value;
    const year = parts.era === 'BC' ? 1 - Number(parts.year) : Number(parts.year);
    const d = new Date(0);
    d.setUTCFullYear(year, Number(parts.month) - 1, Number(parts.day));
    d.setUTCHours(Number(parts.hour), Number(parts.minute), Number(parts.second), 0);
    const whole = utcMs - (((utcMs % 1000) + 1000) % 1000);
    return d.getTime() - whole;
  };
}

/** The zone a name gives, or null when it is neither an IANA zone nor a fixed offset. */
export function findZone(name: string): Zone | null {
  const key = name.trim();
  const known = cache.get(key);
  if (known !== undefined) return known;
  let zone: Zone | null;
  const m = FIXED.exec(key);
  if (key === 'Z' || key.toUpperCase() === 'UTC') zone = () => 0;
  else if (m) {
    const ms = (Number(m[2]) * 60 + Number(m[3])) * 60_000 * (m[1] === '-' ? -1 : 1);
    zone = () => ms;
  } else zone = ianaZone(key);
  if (cache.size > 1000) cache.clear();
  cache.set(key, zone);
  return zone;
}

/**
 * The UTC instant (ms) of a wall-clock time (ms) in a zone; null when that wall-clock time does
 * not exist there or exists twice (a daylight-saving gap or overlap), as chrono's `single()`.
 */
export function wallToUtc(zone: Zone, wallMs: number): number | null {
  const candidates = new Set<number>();
  // The offset in force is one of those a day either side of the wall time.
  for (const probe of [wallMs - 86_400_000, wallMs, wallMs + 86_400_000]) {
    const utc = wallMs - zone(probe);
    if (utc + zone(utc) === wallMs) candidates.add(utc);
  }
  return candidates.size === 1 ? [...candidates][0]! : null;
}
