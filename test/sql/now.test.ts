/**
 * NOW(): planned as a read of the clock input (sql/now.ts), run by the circuit with the time
 * given to each step (engine/operators/clock-input.ts). The time is an input of the engine, so
 * these tests choose it.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  type Circuit,
  makeRowJsonEncoder,
  type Program,
  parseJsonValue,
  type StepOutput,
} from '../../src/engine/index.js';
import { compile } from '../helpers/sql-circuit.js';
import { compileError } from '../helpers/sql-eval.js';
import { fileBackedStorage } from '../helpers/trace-storage.js';

/** 2024-01-01 00:00:10 UTC, in milliseconds since the epoch. */
const T10 = Date.UTC(2024, 0, 1, 0, 0, 10);
const SECOND = 1000;

/** Pushes rows given as JSON objects into a table. */
function insert(
  program: Program,
  circuit: Circuit,
  table: string,
  rows: Record<string, unknown>[],
  weight = 1,
) {
  const columns = program.lookupRelation(table)!.columns;
  circuit.push(
    table,
    rows.map((r) => ({ row: columns.map((c) => parseJsonValue(c.type, r[c.name] ?? null)), weight })),
  );
}

/** A view's delta as sorted `+{json}` / `-{json}` lines. */
function delta(program: Program, out: StepOutput, view: string): string[] {
  const encode = makeRowJsonEncoder(program.lookupRelation(view)!.columns);
  return (out.get(view) ?? []).map((e) => `${e.weight > 0 ? '+' : '-'}${encode(e.row)}`).sort();
}

/** A materialized view's contents as sorted JSON lines. */
function contents(program: Program, circuit: Circuit, view: string): string[] {
  const encode = makeRowJsonEncoder(program.lookupRelation(view)!.columns);
  return circuit
    .snapshot(view)
    .map((e) => encode(e.row))
    .sort();
}

const EVENTS = 'CREATE TABLE t (id INT, ts TIMESTAMP);\n';

describe('NOW()', () => {
  test('has the step time in a projection, one value for the whole step, and moves with the clock', () => {
    const program = compile(
      `${EVENTS}CREATE MATERIALIZED VIEW v AS SELECT id, NOW() AS n, NOW() = NOW() AS same FROM t;`,
    );
    const c = program.instantiate();
    assert.equal(c.usesClock, true);
    insert(program, c, 't', [{ id: 1 }, { id: 2 }]);
    assert.deepEqual(delta(program, c.step(T10), 'v'), [
      '+{"id":1,"n":"2024-01-01 00:00:10","same":true}',
      '+{"id":2,"n":"2024-01-01 00:00:10","same":true}',
    ]);
    // No input: the clock alone changes the view, by retraction.
    assert.deepEqual(delta(program, c.step(T10 + 1500), 'v'), [
      '+{"id":1,"n":"2024-01-01 00:00:11.500","same":true}',
      '+{"id":2,"n":"2024-01-01 00:00:11.500","same":true}',
      '-{"id":1,"n":"2024-01-01 00:00:10","same":true}',
      '-{"id":2,"n":"2024-01-01 00:00:10","same":true}',
    ]);
    // The same time again changes nothing; a step without a time keeps the clock.
    assert.deepEqual(delta(program, c.step(T10 + 1500), 'v'), []);
    insert(program, c, 't', [{ id: 3 }]);
    assert.deepEqual(delta(program, c.step(), 'v'), ['+{"id":3,"n":"2024-01-01 00:00:11.500","same":true}']);
  });

  test('a temporal filter in WHERE drops rows as time passes, without input', () => {
    const program = compile(
      `${EVENTS}CREATE MATERIALIZED VIEW recent AS SELECT id FROM t WHERE ts > NOW() - INTERVAL '2' SECOND;`,
    );
    const c = program.instantiate();
    insert(program, c, 't', [
      { id: 1, ts: '2024-01-01 00:00:05' },
      { id: 2, ts: '2024-01-01 00:00:09' },
      { id: 3, ts: '2024-01-01 00:00:12' },
      { id: 4, ts: null },
    ]);
    assert.deepEqual(delta(program, c.step(T10), 'recent'), ['+{"id":2}', '+{"id":3}']);
    assert.deepEqual(delta(program, c.step(T10 + 2 * SECOND), 'recent'), ['-{"id":2}']);
    assert.deepEqual(delta(program, c.step(T10 + 3 * SECOND), 'recent'), []);
    assert.deepEqual(delta(program, c.step(T10 + 4 * SECOND), 'recent'), ['-{"id":3}']);
    // A new row is judged against the current time.
    insert(program, c, 't', [
      { id: 5, ts: '2024-01-01 00:00:11' },
      { id: 6, ts: '2024-01-01 00:00:20' },
    ]);
    assert.deepEqual(delta(program, c.step(), 'recent'), ['+{"id":6}']);
    assert.deepEqual(contents(program, c, 'recent'), ['{"id":6}']);
  });

  test('works in aggregates: their arguments, HAVING, and a filter below them', () => {
    const program = compile(`${EVENTS}
      CREATE MATERIALIZED VIEW live AS SELECT COUNT(*) AS c FROM t WHERE ts >= NOW() - INTERVAL '5' SECOND;
      CREATE MATERIALIZED VIEW age AS SELECT id, MAX(TIMESTAMPDIFF(SECOND, ts, NOW())) AS secs FROM t GROUP BY id;
      CREATE MATERIALIZED VIEW stale AS SELECT id FROM t GROUP BY id HAVING MAX(ts) < NOW() - INTERVAL '3' SECOND;`);
    const c = program.instantiate();
    insert(program, c, 't', [
      { id: 1, ts: '2024-01-01 00:00:06' },
      { id: 1, ts: '2024-01-01 00:00:08' },
      { id: 2, ts: '2024-01-01 00:00:09' },
    ]);
    c.step(T10);
    assert.deepEqual(contents(program, c, 'live'), ['{"c":3}']);
    assert.deepEqual(contents(program, c, 'age'), ['{"id":1,"secs":4}', '{"id":2,"secs":1}']);
    assert.deepEqual(contents(program, c, 'stale'), []);
    const out = c.step(T10 + 2 * SECOND);
    assert.deepEqual(delta(program, out, 'live'), ['+{"c":2}', '-{"c":3}']);
    assert.deepEqual(delta(program, out, 'age'), [
      '+{"id":1,"secs":6}',
      '+{"id":2,"secs":3}',
      '-{"id":1,"secs":4}',
      '-{"id":2,"secs":1}',
    ]);
    assert.deepEqual(delta(program, out, 'stale'), ['+{"id":1}']);
  });

  test('works in join conditions, inner and outer, and in views over views', () => {
    const program = compile(`${EVENTS}
      CREATE TABLE u (id INT, name VARCHAR);
      CREATE MATERIALIZED VIEW j AS SELECT u.name, t.ts FROM u JOIN t ON u.id = t.id AND t.ts > NOW() - INTERVAL '2' SECOND;
      CREATE MATERIALIZED VIEW l AS SELECT u.name, t.id FROM u LEFT JOIN t ON u.id = t.id AND t.ts > NOW() - INTERVAL '2' SECOND;
      CREATE MATERIALIZED VIEW cross_now AS SELECT u.name, t.id FROM u, t WHERE u.id + 1 = t.id AND t.ts < NOW();
      CREATE LOCAL VIEW ages AS SELECT id, TIMESTAMPDIFF(SECOND, ts, NOW()) AS secs FROM t;
      CREATE MATERIALIZED VIEW old AS SELECT id FROM ages WHERE secs >= 3;`);
    const c = program.instantiate();
    insert(program, c, 'u', [
      { id: 1, name: 'a' },
      { id: 2, name: 'b' },
    ]);
    insert(program, c, 't', [
      { id: 1, ts: '2024-01-01 00:00:09' },
      { id: 2, ts: '2024-01-01 00:00:11' },
    ]);
    c.step(T10);
    assert.deepEqual(contents(program, c, 'j'), [
      '{"name":"a","ts":"2024-01-01 00:00:09"}',
      '{"name":"b","ts":"2024-01-01 00:00:11"}',
    ]);
    assert.deepEqual(contents(program, c, 'l'), ['{"name":"a","id":1}', '{"name":"b","id":2}']);
    assert.deepEqual(contents(program, c, 'cross_now'), []);
    assert.deepEqual(contents(program, c, 'old'), []);
    const out = c.step(T10 + 2 * SECOND);
    assert.deepEqual(delta(program, out, 'j'), ['-{"name":"a","ts":"2024-01-01 00:00:09"}']);
    assert.deepEqual(delta(program, out, 'l'), ['+{"name":"a","id":null}', '-{"name":"a","id":1}']);
    assert.deepEqual(delta(program, out, 'cross_now'), ['+{"name":"a","id":2}']);
    assert.deepEqual(delta(program, out, 'old'), ['+{"id":1}']);
  });

  test('works without FROM and in set operations', () => {
    const program = compile(`${EVENTS}
      CREATE MATERIALIZED VIEW clock AS SELECT NOW() AS n, CAST(NOW() AS DATE) AS d;
      CREATE MATERIALIZED VIEW newest AS SELECT id FROM t EXCEPT SELECT id FROM t WHERE ts < NOW();`);
    const c = program.instantiate();
    insert(program, c, 't', [
      { id: 1, ts: '2024-01-01 00:00:09' },
      { id: 2, ts: '2024-01-01 00:00:12' },
    ]);
    c.step(T10);
    assert.deepEqual(contents(program, c, 'clock'), ['{"n":"2024-01-01 00:00:10","d":"2024-01-01"}']);
    assert.deepEqual(contents(program, c, 'newest'), ['{"id":2}']);
    c.step(Date.UTC(2024, 0, 2));
    assert.deepEqual(contents(program, c, 'clock'), ['{"n":"2024-01-02 00:00:00","d":"2024-01-02"}']);
    assert.deepEqual(contents(program, c, 'newest'), []);
  });

  test('a program without NOW() has no clock; one with it needs a time for its first step', () => {
    assert.equal(compile(`${EVENTS}CREATE VIEW v AS SELECT id FROM t;`).instantiate().usesClock, false);
    const c = compile(`${EVENTS}CREATE VIEW v AS SELECT id FROM t WHERE ts < NOW();`).instantiate();
    assert.throws(() => c.step(), /NOW\(\): its first step needs the time/);
    assert.match(compileError('NOW(1)'), /NOW/);
  });

  test('the clock is part of a checkpoint; after a restore a new time updates the views by retraction', async () => {
    const program = compile(
      `${EVENTS}CREATE MATERIALIZED VIEW recent AS SELECT id FROM t WHERE ts > NOW() - INTERVAL '2' SECOND;`,
    );
    const storage = fileBackedStorage();
    const c = program.instantiate();
    c.attachStorage(storage);
    insert(program, c, 't', [
      { id: 1, ts: '2024-01-01 00:00:09' },
      { id: 2, ts: '2024-01-01 00:00:20' },
    ]);
    c.step(T10);
    const state = await c.checkpoint();
    state.release();
    const restored = program.instantiate();
    restored.attachStorage(storage);
    restored.restore(state.meta);
    assert.deepEqual(contents(program, restored, 'recent'), ['{"id":1}', '{"id":2}']);
    // The restored clock holds the saved time: the same time changes nothing, a later one retracts.
    assert.deepEqual(delta(program, restored.step(T10), 'recent'), []);
    assert.deepEqual(delta(program, restored.step(T10 + 5 * SECOND), 'recent'), ['-{"id":1}']);
  });

  test('in an ad-hoc query it is the time the query started; an ad-hoc INSERT refuses it', () => {
    const program = compile(`CREATE TABLE t (id INT, ts TIMESTAMP) WITH ('materialized' = 'true');`);
    const c = program.instantiate();
    assert.equal(c.usesClock, false);
    insert(program, c, 't', [{ id: 1, ts: '2024-01-01 00:00:09' }]);
    c.step();
    const before = BigInt(Date.now()) * 1_000_000n;
    const result = c.query('SELECT id, NOW() AS a, NOW() AS b, ts < NOW() AS past FROM t');
    const after = BigInt(Date.now()) * 1_000_000n;
    const [row] = result.rows;
    assert.equal(row![0], 1);
    assert.equal(row![1], row![2], 'one value for the whole query');
    assert.ok((row![1] as bigint) >= before && (row![1] as bigint) <= after);
    assert.equal(row![3], true);
    assert.throws(() => c.query('INSERT INTO t VALUES (2, NOW())'), /NOW\(\) in an INSERT is not supported/);
  });
});

describe('NOW() incrementally', () => {
  const PROGRAM = `
    CREATE TABLE t (id INT, ts TIMESTAMP);
    CREATE TABLE u (id INT, ts TIMESTAMP);
    CREATE MATERIALIZED VIEW f AS SELECT id FROM t WHERE ts > NOW() - INTERVAL '3' SECOND AND ts <= NOW();
    CREATE MATERIALIZED VIEW p AS SELECT id, TIMESTAMPDIFF(SECOND, ts, NOW()) AS age FROM t;
    CREATE MATERIALIZED VIEW a AS SELECT id, COUNT(*) AS n, SUM(TIMESTAMPDIFF(SECOND, ts, NOW())) AS s FROM t
      GROUP BY id HAVING MAX(ts) > NOW() - INTERVAL '4' SECOND;
    CREATE MATERIALIZED VIEW lj AS SELECT t.id, u.ts FROM t LEFT JOIN u ON t.id = u.id AND u.ts < NOW() - INTERVAL '1' SECOND;
    CREATE MATERIALIZED VIEW rj AS SELECT t.ts, u.id FROM t RIGHT JOIN u ON t.id = u.id AND t.ts > NOW() - INTERVAL '2' SECOND;
    CREATE MATERIALIZED VIEW fj AS SELECT t.id AS l, u.id AS r FROM t FULL JOIN u ON t.id = u.id AND t.ts < NOW() AND u.ts > NOW() - INTERVAL '5' SECOND;
    CREATE MATERIALIZED VIEW sq AS SELECT id FROM t WHERE id IN (SELECT id FROM u WHERE ts > NOW() - INTERVAL '2' SECOND);
    CREATE MATERIALIZED VIEW k AS SELECT t.id FROM t JOIN u ON CAST(t.ts AS DATE) = CAST(NOW() AS DATE) AND t.id = u.id;
  `;
  const VIEWS = ['f', 'p', 'a', 'lj', 'rj', 'fj', 'sq', 'k'];

  test('every step equals the views computed from scratch at that time', () => {
    const program = compile(PROGRAM);
    const live = program.instantiate();
    const all: { table: string; rec: Record<string, unknown>; weight: number }[] = [];
    let seed = 7;
    const rand = (n: number) => {
      seed = (seed * 48271) % 2147483647; // Park-Miller: exact in doubles
      return seed % n;
    };
    let now = T10;
    const nonEmpty = new Set<string>();
    for (let step = 0; step < 40; step++) {
      const batch: typeof all = [];
      for (let i = rand(4); i > 0; i--) {
        const table = rand(2) === 0 ? 't' : 'u';
        const rec = {
          id: rand(4),
          ts: rand(8) === 0 ? null : new Date(now - 6000 + rand(9) * 1000).toISOString(),
        };
        const old = all.filter((r) => r.table === table);
        const weight = old.length > 0 && rand(4) === 0 ? -1 : 1;
        batch.push(weight < 0 ? { ...old[rand(old.length)]!, weight: -1 } : { table, rec, weight });
      }
      for (const r of batch) insert(program, live, r.table, [r.rec], r.weight);
      all.push(...batch);
      now += rand(3) * 700;
      live.step(now);
      const fresh = program.instantiate();
      for (const r of all) insert(program, fresh, r.table, [r.rec], r.weight);
      fresh.step(now);
      for (const v of VIEWS) {
        const rows = contents(program, live, v);
        assert.deepEqual(rows, contents(program, fresh, v), `view ${v} at step ${step}`);
        if (rows.length > 0) nonEmpty.add(v);
      }
    }
    assert.deepEqual([...nonEmpty].sort(), [...VIEWS].sort(), 'every view held rows at some step');
  });
});
