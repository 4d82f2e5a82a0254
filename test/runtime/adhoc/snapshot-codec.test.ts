import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Decimal } from '../../../src/engine/values/decimal.js';
import type { WeightedRow } from '../../../src/engine/values/value.js';
import {
  CHUNK_ROWS,
  decodeChunk,
  encodeChunk,
  sendSnapshots,
} from '../../../src/runtime/adhoc/snapshot-codec.js';

const ROWS: WeightedRow[] = [
  { row: [1, 'ann', new Decimal(12345n, 2), 9007199254740993n, true, null], weight: 1 },
  { row: [-0.5, '', new Decimal(-1n, 0), -1n, false, 19_000], weight: 3 },
  { row: [Number.NaN, 'naïve 🦆', new Decimal(10n ** 30n, 10), 0n, null, -86_400_000], weight: -2 },
];

describe('snapshot codec', () => {
  test('rows and weights survive the round trip exactly, Decimal and bigint included', () => {
    const decoded: WeightedRow[] = [];
    decodeChunk(encodeChunk(ROWS, 0, ROWS.length), decoded);
    assert.deepEqual(decoded, ROWS);
    assert.ok(decoded[0]!.row[2] instanceof Decimal);
    assert.equal((decoded[2]!.row[2] as Decimal).toString(), (ROWS[2]!.row[2] as Decimal).toString());
  });

  test('chunks are ArrayBuffers of their own, transferable to a worker', () => {
    const chunk = encodeChunk(ROWS, 1, 2);
    const { port1, port2 } = new MessageChannel();
    port1.postMessage(chunk, [chunk]);
    assert.equal(chunk.byteLength, 0, 'the chunk was moved, not copied');
    port1.close();
    port2.close();
  });

  test('sendSnapshots sends every relation in chunks of CHUNK_ROWS rows, and stops when told', async () => {
    const big = Array.from({ length: 2 * CHUNK_ROWS + 5 }, (_, i) => ({ row: [i, `r${i}`], weight: 1 }));
    const received = new Map<string, WeightedRow[]>();
    let chunks = 0;
    await sendSnapshots(
      [
        { name: 'big', rows: big },
        { name: 'empty', rows: [] },
        { name: 'small', rows: ROWS },
      ],
      (name, chunk) => {
        chunks++;
        if (!received.has(name)) received.set(name, []);
        decodeChunk(chunk, received.get(name)!);
      },
      () => false,
    );
    assert.equal(chunks, 4);
    assert.deepEqual(received.get('big'), big);
    assert.deepEqual(received.get('small'), ROWS);
    assert.equal(received.has('empty'), false);

    let sent = 0;
    await sendSnapshots(
      [{ name: 'big', rows: big }],
      () => sent++,
      () => sent >= 1,
    );
    assert.equal(sent, 1);
  });
});
