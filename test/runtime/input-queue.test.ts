/**
 * Issue 8 (item 4 for ingest): an ingress request waits in the queue as a `RowSource`, read
 * only for the rows a step takes; a part whose rows fail to decode carries the error for its
 * step to fail on, and the unprocessed rest of a rejected request is dropped without decoding.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { WeightedRow } from '../../src/engine/values/value.js';
import { InputQueue, type RowSource } from '../../src/runtime/input-queue.js';

/** A source of `count` rows `[i]` that logs its reads and fails reading past `failFrom`. */
function source(failFrom = Number.POSITIVE_INFINITY) {
  const reads: Array<[number, number]> = [];
  const src: RowSource = {
    read(from, to) {
      reads.push([from, to]);
      if (to > failFrom) throw new Error(`row ${failFrom} does not decode`);
      return Array.from({ length: to - from }, (_, i): WeightedRow => ({ row: [from + i], weight: 1 }));
    },
  };
  return { src, reads };
}

const input = (seq: number, records: number, src: RowSource) => ({
  seq,
  kind: 'ingress' as const,
  changes: [{ table: 't', rows: [] }],
  source: src,
  records,
  bytes: records * 4,
});

describe('InputQueue with inputs read from a RowSource', () => {
  test('parts read only their rows, in order, and are admitted by records', () => {
    const q = new InputQueue(1000);
    const { src, reads } = source();
    q.push(input(1, 25, src), false);
    assert.equal(q.queuedRecords('t'), 25);
    assert.deepEqual(reads, [], 'nothing is decoded while queued');
    const parts = [q.takeBatch(10), q.takeBatch(10), q.takeBatch(10)].map((b) => b[0]!);
    assert.deepEqual(reads, [
      [0, 10],
      [10, 20],
      [20, 25],
    ]);
    assert.deepEqual(
      parts.map((p) => [p.offset, p.records, p.final, p.changes[0]!.rows.map((r) => r.row[0])[0]]),
      [
        [0, 10, false, 0],
        [10, 10, false, 10],
        [20, 5, true, 20],
      ],
    );
    q.release(parts);
    assert.equal(q.queuedRecords('t'), 0);
    assert.equal(q.records, 0);
  });

  test('a part that does not decode carries the failure; the rest is dropped without decoding', () => {
    const q = new InputQueue(1000);
    const { src, reads } = source(15);
    q.push(input(1, 40, src), false);
    const [first] = q.takeBatch(10);
    assert.equal(first?.failure, undefined);
    const [second] = q.takeBatch(10);
    assert.match(String(second?.failure), /row 15 does not decode/);
    assert.deepEqual(second?.changes[0]?.rows, []);
    const rest = q.dropRest(1);
    assert.deepEqual([rest?.offset, rest?.records, rest?.final], [20, 20, true]);
    assert.deepEqual(reads, [
      [0, 10],
      [10, 20],
    ]);
    q.release([first!, second!, rest!]);
    assert.equal(q.queuedRecords('t'), 0);
    assert.equal(q.length, 0);
  });
});
