/**
 * Interval values inside operator state: MIN/MAX of intervals in a local view, updated by
 * insertions and retractions, exported as a checkpoint and restored.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compile, contents, insert } from '../helpers/sql-circuit.js';
import { fileBackedStorage } from '../helpers/trace-storage.js';

const PROGRAM = `
CREATE TABLE laps (id INT, started TIMESTAMP, finished TIMESTAMP);
CREATE LOCAL VIEW extremes AS SELECT id, MIN((finished - started) SECOND) AS best,
  MAX((finished - started) MONTH) AS longest FROM laps GROUP BY id;
CREATE MATERIALIZED VIEW shown AS SELECT id, CAST(best AS VARCHAR) AS best, CAST(longest AS VARCHAR) AS longest FROM extremes;
`;

const ns = (text: string) => BigInt(Date.parse(`${text}Z`)) * 1_000_000n;

describe('intervals in operator state', () => {
  test('MIN and MAX of intervals follow retractions and survive a checkpoint', async () => {
    const program = compile(PROGRAM);
    const storage = fileBackedStorage();
    const c = program.instantiate();
    c.attachStorage(storage);
    const a = [1, ns('2024-01-01T00:00:00'), ns('2024-01-01T00:01:30')];
    const b = [1, ns('2024-01-01T00:00:00'), ns('2024-03-05T00:00:00')];
    insert(c, 'laps', [a, b]);
    c.step();
    assert.deepEqual(contents(c, 'shown'), ["(1, '+90.000000', '+2')"]);
    insert(c, 'laps', [a], -1);
    c.step();
    assert.deepEqual(contents(c, 'shown'), ["(1, '+5529600.000000', '+2')"]);

    const state = await c.checkpoint();
    state.release();
    const restored = program.instantiate();
    restored.attachStorage(storage);
    restored.restore(state.meta);
    insert(restored, 'laps', [[1, ns('2024-01-01T00:00:00'), ns('2024-01-01T00:00:01.5')]]);
    restored.step();
    assert.deepEqual(contents(restored, 'shown'), ["(1, '+1.500000', '+2')"]);
  });
});
