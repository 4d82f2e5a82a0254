/**
 * GUNZIP as flate2's GzDecoder reads: header fields, checks of the header CRC and of the
 * trailer, the first member only, UTF-8 text; every failure is a runtime error.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { crc32, deflateRawSync, gzipSync } from 'node:zlib';
import { SqlRuntimeError } from '../../../src/engine/errors.js';
import { gunzip } from '../../../src/engine/functions/gunzip.js';

/** A gzip member built by hand, with optional header fields. */
function member(
  data: Buffer,
  opts: { name?: string; comment?: string; extra?: Buffer; hcrc?: boolean } = {},
): Buffer {
  let flags = 0;
  const fields: Buffer[] = [];
  if (opts.extra) {
    flags |= 4;
    const len = Buffer.alloc(2);
    len.writeUInt16LE(opts.extra.length);
    fields.push(len, opts.extra);
  }
  if (opts.name !== undefined) {
    flags |= 8;
    fields.push(Buffer.from(`${opts.name}\0`, 'latin1'));
  }
  if (opts.comment !== undefined) {
    flags |= 16;
    fields.push(Buffer.from(`${opts.comment}\0`, 'latin1'));
  }
  if (opts.hcrc) flags |= 2;
  let header = Buffer.concat([Buffer.from([0x1f, 0x8b, 8, flags, 0, 0, 0, 0, 0, 255]), ...fields]);
  if (opts.hcrc) {
    const c = Buffer.alloc(2);
    c.writeUInt16LE(crc32(header) & 0xffff);
    header = Buffer.concat([header, c]);
  }
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crc32(data), 0);
  trailer.writeUInt32LE(data.length, 4);
  return Buffer.concat([header, deflateRawSync(data), trailer]);
}

const fails = (b: Buffer, why: RegExp) =>
  assert.throws(
    () => gunzip(b),
    (e: unknown) => e instanceof SqlRuntimeError && why.test(e.message),
  );

describe('GUNZIP', () => {
  test('decompresses what gzip wrote, with any header fields', () => {
    assert.equal(gunzip(gzipSync('feldera')), 'feldera');
    assert.equal(gunzip(gzipSync('')), '');
    const text = Buffer.from('かわいい 🐍');
    assert.equal(
      gunzip(member(text, { name: 'f.txt', comment: 'c', extra: Buffer.from('xy'), hcrc: true })),
      'かわいい 🐍',
    );
  });

  test('reads the first member only and ignores what follows it', () => {
    assert.equal(gunzip(Buffer.concat([gzipSync('one'), gzipSync('two')])), 'one');
    assert.equal(gunzip(Buffer.concat([gzipSync('one'), Buffer.from('junk')])), 'one');
  });

  test('fails on anything else', () => {
    const good = gzipSync('feldera');
    fails(Buffer.from('feldera'), /invalid gzip header/);
    fails(Buffer.from([0x1f, 0x8b, 7, 0, 0, 0, 0, 0, 0, 0]), /compression method/);
    fails(good.subarray(0, good.length - 3), /truncated/);
    fails(good.subarray(0, 15), /failed to decompress/);
    const badCrc = Buffer.from(good);
    badCrc[good.length - 8]! ^= 1;
    fails(badCrc, /checksum/);
    const badHeader = member(Buffer.from('x'), { hcrc: true });
    badHeader[10]! ^= 1;
    fails(badHeader, /header checksum/);
    fails(member(Buffer.from([0xff, 0xfe])), /not valid UTF-8/);
  });
});
