import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { EngineError } from '../../src/engine/index.js';
import { compile, contents, delta, insert } from '../helpers/sql-circuit.js';
import { fileBackedStorage } from '../helpers/trace-storage.js';

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
    const before = ['item', 'stock'].map((name) => contents(c, name));
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
      ['item', 'stock'].map((name) => contents(c, name)),
      before,
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

  test('a checkpoint restores exactly, and the next one shares the batches that did not change', async () => {
    const program = compile(PROGRAM);
    const storage = fileBackedStorage();
    const c = program.instantiate();
    c.attachStorage(storage);
    insert(c, 'item', [
      [1, 'apple', 3],
      [2, 'pear', 4],
    ]);
    c.step();
    const first = await c.checkpoint();
    first.release();
    assert.deepEqual(
      first.files.map((f) => f.name),
      ['n0.t0.b0', 'n3.t0.b0', 'n4.t0.b0', 'n8.t0.b0'],
      'one batch per trace that holds state (item, the aggregate, stock, the COUNT)',
    );
    insert(c, 'log', [['hello']]);
    insert(c, 'item', [[2, 'pear', 5]]);
    c.step();
    const second = await c.checkpoint();
    second.release();
    const firstHashes = new Set(first.files.map((f) => f.sha256));
    assert.ok(
      first.files.every((f) => second.files.some((g) => g.name === f.name && g.sha256 === f.sha256)),
      'every batch of the first checkpoint is still named by the second',
    );
    assert.ok(
      second.files.some((f) => !firstHashes.has(f.sha256)),
      'the change added batches',
    );

    const restored = program.instantiate();
    restored.attachStorage(storage);
    restored.restore(second.meta);
    assert.equal(restored.stepCount, 2);
    for (const name of ['item', 'stock']) assert.deepEqual(contents(restored, name), contents(c, name));
    insert(c, 'item', [[1, 'apple', 10]]);
    insert(restored, 'item', [[1, 'apple', 10]]);
    assert.deepEqual(delta(restored.step(), 'stock'), delta(c.step(), 'stock'));
  });

  test('partial updates and the aggregate kernels keep their state in batch files across a checkpoint', async () => {
    const program = compile(`
CREATE TABLE m (id INT NOT NULL PRIMARY KEY, g INT, x INT, s VARCHAR);
CREATE MATERIALIZED VIEW k AS SELECT g, ARG_MAX(s, x) AS best, MIN(x) AS lo, MAX(x) AS hi, BIT_XOR(x) AS bx,
  STDDEV_SAMP(x) AS sd, COUNTIF(x > 2) AS big, BOOL_AND(x > 0) AS pos FROM m GROUP BY g;`);
    const storage = fileBackedStorage();
    const filed = program.instantiate();
    filed.attachStorage(storage);
    const memory = program.instantiate();
    const both = (f: (c: typeof memory) => void) => {
      f(filed);
      f(memory);
      assert.deepEqual(delta(filed.step(), 'k'), delta(memory.step(), 'k'));
    };
    both((c) =>
      insert(c, 'm', [
        [1, 1, 5, 'a'],
        [2, 1, 7, 'b'],
        [3, 1, 3, 'c'],
        [4, 2, 1, 'd'],
      ]),
    );
    // Retractions of the maximum and minimum, and a partial update read from a batch file.
    both((c) => {
      c.push('m', [{ row: [2], weight: -1 }]);
      c.push('m', [{ row: [3, null, 9, null], weight: 1, patch: [true, false, true, false] }]);
    });
    const state = await filed.checkpoint();
    state.release();
    const restored = program.instantiate();
    restored.attachStorage(storage);
    restored.restore(state.meta);
    assert.deepEqual(contents(restored, 'k'), contents(memory, 'k'));
    assert.deepEqual(contents(restored, 'm'), contents(memory, 'm'));
    restored.push('m', [{ row: [1, 2, null, null], weight: 1, patch: [true, true, false, false] }]);
    memory.push('m', [{ row: [1, 2, null, null], weight: 1, patch: [true, true, false, false] }]);
    restored.push('m', [{ row: [4], weight: -1 }]);
    memory.push('m', [{ row: [4], weight: -1 }]);
    assert.deepEqual(delta(restored.step(), 'k'), delta(memory.step(), 'k'));
    assert.deepEqual(contents(restored, 'k'), contents(memory, 'k'));
    assert.deepEqual(contents(restored, 'm'), ["(1, 2, 5, 'a')", "(3, 1, 9, 'c')"]);
  });

  test('restore rejects state of another program, of another format, of other operators, and used circuits', async () => {
    const program = compile(PROGRAM);
    const storage = fileBackedStorage();
    const source = program.instantiate();
    source.attachStorage(storage);
    const state = await source.checkpoint();
    state.release();
    const fresh = () => {
      const c = program.instantiate();
      c.attachStorage(storage);
      return c;
    };
    const other = compile(`${PROGRAM}\nCREATE VIEW extra AS SELECT 1 AS one;`).instantiate();
    other.attachStorage(storage);
    assert.throws(() => other.restore(state.meta), { code: 'StateMismatch', message: /fingerprint/ });
    const meta = JSON.parse(state.meta.toString()) as { format: number; operators: Record<string, unknown> };
    const rewrite = (change: (m: typeof meta) => void) => {
      const copy = structuredClone(meta);
      change(copy);
      return Buffer.from(JSON.stringify(copy));
    };
    assert.throws(() => fresh().restore(Buffer.from(JSON.stringify({ fingerprint: 'x', step: 1 }))), {
      code: 'StateMismatch',
      message: /state format 1; this Sluice reads state format 3/,
    });
    // Format 2 held TIMESTAMPs in microseconds: refused, naming its version and why.
    assert.throws(
      () =>
        fresh().restore(
          rewrite((m) => {
            m.format = 2;
          }),
        ),
      {
        code: 'StateMismatch',
        message: /state format 2; this Sluice reads state format 3 \(.*TIMESTAMP values in microseconds/,
      },
    );
    assert.throws(
      () =>
        fresh().restore(
          rewrite((m) => {
            delete m.operators['3'];
          }),
        ),
      { code: 'StateMismatch', message: /operators/ },
    );
    const used = fresh();
    used.step();
    assert.throws(() => used.restore(state.meta), { code: 'StateMismatch' });
    assert.throws(() => fresh().restore(Buffer.from('{')), { code: 'StateMismatch' });
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

describe('sealing heads under the storage budget', () => {
  const TABLE = `CREATE TABLE t (id INT NOT NULL PRIMARY KEY, v VARCHAR NOT NULL) WITH ('materialized' = 'true');`;
  const rows = (from: number) => Array.from({ length: 100 }, (_, i) => [from + i, `row ${from + i}`]);

  // One keyed trace; before its first seal a head entry is estimated at 128 bytes, so a step
  // of 100 new rows grows the heads by 12,800 estimated bytes.
  test('heads are sealed once the next step, growing them as much as the last, would pass the budget', () => {
    const storage = fileBackedStorage({ headBudgetBytes: 20_000 });
    const c = compile(TABLE).instantiate();
    c.attachStorage(storage);
    insert(c, 't', rows(0));
    c.step();
    assert.equal(storage.counters.batchesBuilt, 1, '12,800 + another 12,800 would pass 20,000: sealed now');
    assert.deepEqual(contents(c, 't').length, 100);
  });

  test('heads that the next step would keep within the budget stay unsealed', () => {
    const storage = fileBackedStorage({ headBudgetBytes: 30_000 });
    const c = compile(TABLE).instantiate();
    c.attachStorage(storage);
    insert(c, 't', rows(0));
    c.step();
    assert.equal(storage.counters.batchesBuilt, 0, '12,800 + 12,800 fit in 30,000');
    insert(c, 't', rows(100));
    c.step();
    assert.equal(storage.counters.batchesBuilt, 1, '25,600 + 12,800 would not');
    insert(c, 't', [[1, 'changed']]);
    c.step();
    assert.equal(storage.counters.batchesBuilt, 1, 'a small step after a seal does not seal');
    assert.equal(contents(c, 't').length, 200);
  });
});
