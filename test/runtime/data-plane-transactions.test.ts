/**
 * Transactions in the data plane: while one is open nothing is processed and queries see the
 * state from before it; the commit processes its inputs in one step and then ends it.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { DataPlane } from '../../src/runtime/data-plane.js';
import type { ApiError } from '../../src/types/errors.js';
import { testDataPlane } from '../helpers/data-plane.js';

const PROGRAM = `
CREATE TABLE t (id INT NOT NULL PRIMARY KEY) WITH ('materialized' = 'true');
CREATE MATERIALIZED VIEW n AS SELECT COUNT(*) AS c FROM t;`;
const JSON_LINES = { format: 'json', updateFormat: 'insert_delete', array: false } as const;

function plane(): DataPlane {
  return testDataPlane(PROGRAM, {
    running: true,
    onRejected: (rejected) => assert.fail(`rejected: ${JSON.stringify(rejected)}`),
  }).plane;
}

const row = (id: number) => JSON.stringify({ insert: { id } });
const settle = () => new Promise((r) => setTimeout(r, 20));

describe('data plane: transactions', () => {
  test('inputs of a transaction are processed together at its commit, in one step', async () => {
    const p = plane();
    await p.ingest('t', row(1), JSON_LINES);
    await p.waitProcessed();
    const steps = p.completedSteps;
    assert.deepEqual(p.transactionStats().transaction_status, 'NoTransaction');

    const id = p.startTransaction();
    assert.equal(id, 1);
    assert.deepEqual(p.transactionStats(), {
      transaction_status: 'TransactionInProgress',
      transaction_id: 1,
      transaction_initiators: { transaction_id: 1, initiated_by_api: 'Started', initiated_by_connectors: {} },
    });
    const { token } = await p.ingest('t', row(2), JSON_LINES);
    const inserted = await p.query('INSERT INTO t VALUES (3)');
    assert.equal(inserted.kind, 'insert', 'an ad-hoc INSERT inside a transaction answers at once');
    await p.idle();
    await settle();
    assert.equal(p.completedSteps, steps, 'no step while the transaction is open');
    assert.equal(p.completionStatus(token).status, 'inprogress');
    assert.deepEqual(p.circuit.snapshot('n'), [{ row: [1n], weight: 1 }], 'views show the state before it');
    assert.throws(
      () => p.startTransaction(),
      (err: ApiError) => err.errorCode === 'TransactionInProgress',
    );

    p.commitTransaction();
    await p.waitProcessed();
    await settle();
    assert.equal(p.completedSteps, steps + 1, 'the commit is one step');
    assert.equal(p.completionStatus(token).status, 'complete');
    assert.deepEqual(p.circuit.snapshot('n'), [{ row: [3n], weight: 1 }]);
    assert.equal(p.transactionStats().transaction_id, 0, 'the transaction ended');
    assert.equal(p.transactionStats().transaction_initiators.transaction_id, null);

    assert.equal(p.startTransaction(), 2, 'ids increase');
    p.commitTransaction();
    assert.equal(p.transactionStats().transaction_status, 'NoTransaction', 'an empty commit ends at once');
  });

  test('commit without a transaction is refused; a paused pipeline commits when it runs', async () => {
    const p = plane();
    assert.throws(
      () => p.commitTransaction(),
      (err: ApiError) => err.errorCode === 'NoTransactionInProgress',
    );
    p.setRunning(false);
    p.startTransaction();
    await p.ingest('t', row(1), JSON_LINES);
    p.commitTransaction();
    assert.equal(p.transactionStats().transaction_status, 'CommitInProgress');
    assert.equal(p.transactionStats().transaction_initiators.initiated_by_api, 'Committed');
    assert.throws(
      () => p.commitTransaction(),
      (err: ApiError) => err.errorCode === 'TransactionInProgress',
    );
    p.setRunning(true);
    await p.waitProcessed();
    await settle();
    assert.equal(p.transactionStats().transaction_status, 'NoTransaction');
    assert.deepEqual(p.circuit.snapshot('n'), [{ row: [1n], weight: 1 }]);
  });
});
