import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { EgressSubscriber, MAX_QUEUED_BYTES } from '../../src/runtime/egress.js';
import type { RelationShape } from '../../src/runtime/engine-api.js';

const relation: RelationShape = {
  kind: 'view',
  name: 'v',
  columns: [
    { name: 'id', caseSensitive: false, type: { type: 'INTEGER', nullable: false } },
    { name: 'note', caseSensitive: false, type: { type: 'VARCHAR', nullable: true, precision: -1 } },
  ],
  primaryKey: null,
  materialized: true,
};

function batch(n: number) {
  return Array.from({ length: n }, (_, i) => ({ row: [i, `note number ${i} ${'x'.repeat(50)}`], weight: 1 }));
}

describe('EgressSubscriber', () => {
  test('a slow reader without backpressure never queues more than the bound; dropped chunks are counted', () => {
    const sub = new EgressSubscriber(relation, { format: 'json', backpressure: false });
    let sent = 0;
    for (let seq = 0; seq < 2000; seq++) if (sub.send(batch(100), seq)) sent++;
    assert.ok(sub.stream.writableLength <= MAX_QUEUED_BYTES, `queued ${sub.stream.writableLength}`);
    assert.ok(sub.droppedChunks > 0);
    assert.equal(sent + sub.droppedChunks, 2000);
    sub.close();
  });

  test('with backpressure nothing is dropped and drained() waits for the reader', async () => {
    const sub = new EgressSubscriber(relation, { format: 'json', backpressure: true });
    for (let seq = 0; seq < 1000; seq++) assert.ok(sub.send(batch(100), seq));
    assert.ok(sub.stream.writableLength > MAX_QUEUED_BYTES);
    assert.equal(sub.droppedChunks, 0);
    let drained = false;
    const waiting = sub.drained().then(() => {
      drained = true;
    });
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(drained, false, 'waits while the client has not read');
    sub.stream.resume();
    await waiting;
    assert.equal(drained, true);
  });

  test('chunks carry the sequence number, inserts and deletes, and CSV rows with weights', () => {
    const json = new EgressSubscriber(relation, { format: 'json', backpressure: false });
    json.send(
      [
        { row: [1, 'a'], weight: 1 },
        { row: [2, null], weight: -2 },
      ],
      7,
    );
    const line = JSON.parse(json.stream.read().toString().trim());
    assert.deepEqual(line, {
      sequence_number: 7,
      snapshot: false,
      json_data: [
        { insert: { id: 1, note: 'a' } },
        { delete: { id: 2, note: null } },
        { delete: { id: 2, note: null } },
      ],
    });
    const csv = new EgressSubscriber(relation, { format: 'csv', backpressure: false });
    csv.send([{ row: [1, 'a,b'], weight: 1 }], 0, true);
    const chunk = JSON.parse(csv.stream.read().toString().trim());
    assert.equal(chunk.snapshot, true);
    assert.equal(chunk.text_data, '1,"a,b",1\n');
  });
});
