import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { WeightedRow } from '../../../src/engine/values/value.js';
import { OutputBuffer } from '../../../src/runtime/connectors/output-buffer.js';

const w = (row: WeightedRow['row'], weight: number): WeightedRow => ({ row, weight });

describe('output buffer (consolidation of an output connector’s changes)', () => {
  test('weights of the same row add up across steps; rows keep their first arrival order', () => {
    const b = new OutputBuffer();
    b.add([w([1, 'a'], 1), w([2, 'b'], 1)]);
    b.add([w([2, 'b'], 2), w([3, null], -1)]);
    assert.equal(b.records, 3);
    assert.equal(b.batches, 2);
    assert.deepEqual(b.take(), [w([1, 'a'], 1), w([2, 'b'], 3), w([3, null], -1)]);
    assert.equal(b.records, 0);
    assert.equal(b.batches, 0);
    assert.deepEqual(b.take(), []);
  });

  test('an insert and a delete of the same row cancel; an update keeps only the new row', () => {
    const b = new OutputBuffer();
    b.add([w([1, 'old'], 1)]);
    b.add([w([1, 'old'], -1), w([1, 'new'], 1)]);
    b.add([w([7, 'gone'], 1)]);
    b.add([w([7, 'gone'], -1)]);
    assert.equal(b.records, 1);
    assert.equal(b.batches, 4, 'steps count even when their changes cancel');
    assert.deepEqual(b.take(), [w([1, 'new'], 1)]);
  });

  test('rows are matched by value: fresh arrays with equal values, NULLs included, are the same row', () => {
    const b = new OutputBuffer();
    b.add([w([1, null, 'x'], 1)]);
    b.add([w([1, null, 'x'], -1), w([1, null, 'y'], 1)]);
    assert.deepEqual(b.take(), [w([1, null, 'y'], 1)]);
  });
});
