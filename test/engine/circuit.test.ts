import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { EngineError } from '../../src/engine/index.js';
import { compile, contents, delta, insert } from '../helpers/sql-circuit.js';

const PROGRAM = `
CREATE TABLE item (id INT NOT NULL PRIMARY KEY, name VARCHAR NOT NULL, qty INT) WITH ('materialized' = 'true');
CREATE TABLE log (msg VARCHAR);
CREATE MATERIALIZED VIEW stock AS SELECT name, SUM(qty) AS total FROM item GROUP BY name;
CREATE VIEW ratio AS SELECT id, 100 / qty AS r FROM item;
CREATE LOCAL VIEW helper AS SELECT id FROM item;
CREATE VIEW uses_helper AS SELECT COUNT(*) AS n FROM helper;`;

describe('Circuit', () => {
  test('a step returns the delta of every table and output view, but not of local views', () => {
    const c = compile(PROGRAM).instantiate();
    insert(c, 'item', [[1, 'apple', 3]]);
    const out = c.step();
    assert.deepEqual([...out.keys()].sort(), ['item', 'log', 'ratio', 'stock', 'uses_helper']);
    assert.deepEqual(delta(out, 'stock'), ["1 × ('apple', 3)"]);
    assert.deepEqual(delta(out, 'log'), []);
    assert.equal(c.stepCount, 1);
  });

  test('keyed tables upsert: an insert replaces the row, a delete needs only the key', () => {
    const c = compile(PROGRAM).instantiate();
    insert(c, 'item', [
      [1, 'apple', 3],
      [2, 'pear', 1],
    ]);
    c.step();
    insert(c, 'item', [[1, 'apple', 5]]);
    c.push('item', [{ row: [2], weight: -1 }]);
    const out = c.step();
    assert.deepEqual(delta(out, 'item'), [
      "-1 × (1, 'apple', 3)",
      "-1 × (2, 'pear', 1)",
      "1 × (1, 'apple', 5)",
    ]);
    assert.deepEqual(delta(out, 'stock'), ["-1 × ('apple', 3)", "-1 × ('pear', 1)", "1 × ('apple', 5)"]);
    assert.deepEqual(contents(c, 'item'), ["(1, 'apple', 5)"]);
  });

  test('a partial update of a keyed table sets the columns it flags and ignores an absent key', () => {
    const c = compile(PROGRAM).instantiate();
    insert(c, 'item', [[1, 'apple', 3]]);
    c.step();
    c.push('item', [
      { row: [1, null, 9], weight: 1, patch: [true, false, true] },
      { row: [5, null, 1], weight: 1, patch: [true, false, true] },
    ]);
    const out = c.step();
    assert.deepEqual(delta(out, 'item'), ["-1 × (1, 'apple', 3)", "1 × (1, 'apple', 9)"]);
    assert.deepEqual(delta(out, 'stock'), ["-1 × ('apple', 3)", "1 × ('apple', 9)"]);
    // Updates apply in order within a step, each to the row the previous one left.
    c.push('item', [
      { row: [1, 'pear', null], weight: 1, patch: [true, true, false] },
      { row: [1, null, null], weight: 1, patch: [true, false, true] },
    ]);
    assert.deepEqual(delta(c.step(), 'item'), ["-1 × (1, 'apple', 9)", "1 × (1, 'pear', null)"]);
    assert.throws(
      () => c.push('log', [{ row: ['x'], weight: 1, patch: [true] }]),
      /partial update needs a table with a primary key/,
    );
    assert.throws(
      () => c.push('item', [{ row: [1, null, 2], weight: 1, patch: [true, true, true] }]),
      /NOT NULL/,
    );
  });

  test('a table with a primary key is materialized without the property, as in Feldera', () => {
    const c = compile('CREATE TABLE k (id INT NOT NULL PRIMARY KEY, v INT);').instantiate();
    insert(c, 'k', [[1, 2]]);
    c.step();
    assert.deepEqual(contents(c, 'k'), ['(1, 2)']);
    assert.deepEqual(c.query('SELECT v FROM k').rows, [[2]]);
  });

  test('a failing step changes nothing and names the view; the input stays pending until discarded', () => {
    const c = compile(PROGRAM).instantiate();
    insert(c, 'item', [[1, 'apple', 3]]);
    c.step();
    const before = c.exportState();
    insert(c, 'item', [
      [2, 'pear', 0],
      [3, 'fig', 2],
    ]);
    assert.throws(
      () => c.step(),
      (e: unknown) => {
        assert.ok(e instanceof EngineError);
        assert.equal(e.code, 'RuntimeError');
        assert.match(e.message, /'ratio'.*'100 \/ 0' causes overflow/);
        assert.deepEqual(e.details, {
          relation: 'ratio',
          step: 2,
          cause: "'100 / 0' causes overflow for type INTEGER",
        });
        return true;
      },
    );
    assert.equal(c.stepCount, 1);
    assert.deepEqual(contents(c, 'stock'), ["('apple', 3)"]);
    assert.deepEqual(
      c.exportState().map((f) => f.data),
      before.map((f) => f.data),
    );
    assert.throws(() => c.step(), EngineError);
    c.discardPending();
    insert(c, 'item', [[3, 'fig', 2]]);
    assert.deepEqual(delta(c.step(), 'stock'), ["1 × ('fig', 2)"]);
  });

  test('push validates the table, the row shape and NOT NULL columns', () => {
    const c = compile(PROGRAM).instantiate();
    const code = (f: () => void) => {
      try {
        f();
      } catch (e) {
        return (e as EngineError).code;
      }
      return 'no error';
    };
    assert.equal(
      code(() => insert(c, 'nope', [[1]])),
      'UnknownRelation',
    );
    assert.equal(
      code(() => insert(c, 'stock', [['a', 1]])),
      'UnknownRelation',
    );
    assert.equal(
      code(() => insert(c, 'item', [[1, 'a']])),
      'InvalidRow',
    );
    assert.equal(
      code(() => insert(c, 'item', [[1, null, 2]])),
      'InvalidRow',
    );
    assert.equal(
      code(() => c.push('item', [{ row: [1, 'a', 1], weight: 0.5 }])),
      'InvalidRow',
    );
    assert.equal(
      code(() => insert(c, 'item', [[1, 'a', 1n]])),
      'InvalidRow',
    );
    assert.equal(
      code(() => insert(c, 'item', [['1', 'a', 1]])),
      'InvalidRow',
    );
    assert.equal(
      code(() => insert(c, 'ITEM', [[1, 'a', 1]])),
      'no error',
    );
  });

  test('snapshots are only available for materialized relations', () => {
    const c = compile(PROGRAM).instantiate();
    assert.throws(() => c.snapshot('log'), { code: 'NotMaterialized' });
    assert.throws(() => c.snapshot('ratio'), { code: 'NotMaterialized' });
    assert.throws(() => c.snapshot('helper'), { code: 'UnknownRelation' });
    assert.deepEqual(c.snapshot('stock'), []);
  });

  test('exported state restores exactly and unchanged operators keep byte-identical files', () => {
    const program = compile(PROGRAM);
    const c = program.instantiate();
    insert(c, 'item', [
      [1, 'apple', 3],
      [2, 'pear', 4],
    ]);
    c.step();
    const first = c.exportState();
    assert.deepEqual(
      first.map((f) => f.name),
      ['circuit.json', 'op-0.bin', 'op-1.bin', 'op-3.bin', 'op-4.bin', 'op-8.bin'],
    );
    insert(c, 'log', [['hello']]);
    c.step();
    const second = c.exportState();
    const changed = second.filter((f, i) => !f.data.equals(first[i]!.data)).map((f) => f.name);
    assert.deepEqual(changed, ['circuit.json']);

    const restored = program.instantiate();
    restored.importState(second);
    assert.equal(restored.stepCount, 2);
    assert.deepEqual(contents(restored, 'stock'), contents(c, 'stock'));
    assert.deepEqual(
      restored.exportState().map((f) => f.data),
      second.map((f) => f.data),
    );
    insert(c, 'item', [[1, 'apple', 10]]);
    insert(restored, 'item', [[1, 'apple', 10]]);
    assert.deepEqual(delta(restored.step(), 'stock'), delta(c.step(), 'stock'));
  });

  test('importState rejects state of another program, missing files and used circuits', () => {
    const state = compile(PROGRAM).instantiate().exportState();
    const other = compile(`${PROGRAM}\nCREATE VIEW extra AS SELECT 1 AS one;`);
    assert.throws(() => other.instantiate().importState(state), {
      code: 'StateMismatch',
      message: /fingerprint/,
    });
    const program = compile(PROGRAM);
    assert.throws(() => program.instantiate().importState(state.slice(0, 2)), { code: 'StateMismatch' });
    const used = program.instantiate();
    used.step();
    assert.throws(() => used.importState(state), { code: 'StateMismatch' });
    const corrupt = state.map((f) => (f.name === 'op-4.bin' ? { ...f, data: Buffer.from([1, 2, 3]) } : f));
    assert.throws(() => program.instantiate().importState(corrupt), { code: 'StateMismatch' });
  });

  test('views over views, constants and global aggregates start correctly', () => {
    const c = compile(`CREATE TABLE t (x INT);
CREATE VIEW one AS SELECT 1 AS k, 'a' AS s;
CREATE VIEW cnt AS SELECT COUNT(*) AS n, SUM(x) AS s FROM t;
CREATE VIEW twice AS SELECT n * 2 AS n2 FROM cnt;`).instantiate();
    const out = c.step();
    assert.deepEqual(delta(out, 'one'), ["1 × (1, 'a')"]);
    assert.deepEqual(delta(out, 'cnt'), ['1 × (0n, null)']);
    assert.deepEqual(delta(out, 'twice'), ['1 × (0n)']);
    insert(c, 't', [[5]]);
    const next = c.step();
    assert.deepEqual(delta(next, 'one'), []);
    assert.deepEqual(delta(next, 'twice'), ['-1 × (0n)', '1 × (2n)']);
  });
});
