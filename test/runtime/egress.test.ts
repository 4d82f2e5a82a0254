import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { EgressSubscriber, KEEPALIVE_MS, MAX_QUEUED_BYTES } from '../../src/runtime/egress.js';
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
    const sub = new EgressSubscriber(relation, { format: 'json', backpressure: false }, () => 0);
    let sent = 0;
    for (let seq = 0; seq < 2000; seq++) if (sub.send(batch(100), seq)) sent++;
    assert.ok(sub.stream.writableLength <= MAX_QUEUED_BYTES, `queued ${sub.stream.writableLength}`);
    assert.ok(sub.droppedChunks > 0);
    assert.equal(sent + sub.droppedChunks, 2000);
    sub.close();
  });

  test('with backpressure nothing is dropped and drained() waits for the reader', async () => {
    const sub = new EgressSubscriber(relation, { format: 'json', backpressure: true }, () => 0);
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
    const json = new EgressSubscriber(relation, { format: 'json', backpressure: false }, () => 0);
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
        { delete: { id: 2, note: null } },
        { delete: { id: 2, note: null } },
        { insert: { id: 1, note: 'a' } },
      ],
    });
    // Feldera's order within a batch: every deletion, then every insertion (each kind in order).
    const upsert = new EgressSubscriber(relation, { format: 'json', backpressure: false }, () => 0);
    upsert.send(
      [
        { row: [1, 'old'], weight: -1 },
        { row: [1, 'new'], weight: 1 },
        { row: [2, 'old'], weight: -1 },
        { row: [2, 'new'], weight: 1 },
      ],
      8,
    );
    assert.deepEqual(
      JSON.parse(upsert.stream.read().toString().trim()).json_data.map((u: Record<string, unknown>) =>
        JSON.stringify(u),
      ),
      [
        '{"delete":{"id":1,"note":"old"}}',
        '{"delete":{"id":2,"note":"old"}}',
        '{"insert":{"id":1,"note":"new"}}',
        '{"insert":{"id":2,"note":"new"}}',
      ],
    );
    const csv = new EgressSubscriber(relation, { format: 'csv', backpressure: false }, () => 0);
    csv.send([{ row: [1, 'a,b'], weight: 1 }], 0, true);
    const chunk = JSON.parse(csv.stream.read().toString().trim());
    assert.equal(chunk.snapshot, true);
    assert.equal(chunk.text_data, '1,"a,b",1\n');
  });

  test('nothing is sent at connect; an empty chunk (no json_data) follows each silence', async () => {
    let next = 4;
    const sub = new EgressSubscriber(relation, { format: 'json', backpressure: false }, () => next++);
    sub.startKeepalive();
    assert.equal(sub.stream.read(), null, 'no line at connect (Feldera sends none)');
    sub.send([], 4);
    assert.equal(sub.stream.read(), null, 'an empty delta sends no line');
    sub.send([{ row: [1, 'a'], weight: 1 }], 5);
    assert.equal(JSON.parse(sub.stream.read().toString()).sequence_number, 5);
    next = 6;
    await new Promise((r) => setTimeout(r, KEEPALIVE_MS + 300));
    assert.deepEqual(JSON.parse(sub.stream.read().toString()), { sequence_number: 6 });
    sub.close();
  });
});
