/**
 * UUID version 7 (RFC 9562): a 48-bit Unix-millisecond timestamp followed by random bits, so
 * checkpoint identifiers sort by creation time as plain strings. Within one process they are
 * strictly increasing: the 12 bits after the version are a counter while the clock stands still
 * or steps back (RFC 9562 §6.2, method 1).
 */
import { randomBytes } from 'node:crypto';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let lastMs = 0;
let counter = 0;

export function uuidv7(): string {
  let ms = Date.now();
  if (ms > lastMs) {
    lastMs = ms;
    counter = randomBytes(2).readUInt16BE(0) & 0x7ff;
  } else {
    counter++;
    if (counter > 0xfff) {
      lastMs++;
      counter = 0;
    }
    ms = lastMs;
  }
  const bytes = randomBytes(16);
  bytes.writeUIntBE(ms, 0, 6);
  bytes[6] = 0x70 | (counter >> 8);
  bytes[7] = counter & 0xff;
  bytes[8] = 0x80 | (bytes[8]! & 0x3f);
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The creation time (Unix ms) of a version-7 UUID; null for other versions. */
export function uuidv7Time(uuid: string): number | null {
  if (!isUuid(uuid) || uuid[14] !== '7') return null;
  return Number.parseInt(uuid.slice(0, 8) + uuid.slice(9, 13), 16);
}

/** True for a UUID in canonical lowercase form, the only form Sluice writes. */
export function isUuid(value: string): boolean {
  return UUID_RE.test(value);
}
