/**
 * GROUP BY GROUPING SETS / ROLLUP / CUBE, GROUP BY DISTINCT / ALL, and GROUPING / GROUPING_ID
 * (src/sql/grouping-sets.ts), by hand: results, NULL keys in the data against keys aggregated
 * away, HAVING and ORDER BY with GROUPING, retractions, types and errors.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compileProgram } from '../../src/engine/index.js';
import { compileError, evalSql, type Table } from '../helpers/sql-eval.js';
import { viewAfterSteps } from '../helpers/sql-steps.js';

const SALES: Table = {
  columns: 'region VARCHAR, item VARCHAR, qty INT',
  rows: [
    { region: 'east', item: 'pen', qty: 3 },
    { region: 'east', item: 'ink', qty: 4 },
    { region: 'west', item: 'pen', qty: 5 },
    { region: null, item: 'pen', qty: 7 },
  ],
};

const rows = (...objects: Record<string, unknown>[]) => objects.map((o) => JSON.stringify(o)).sort();

describe('grouping sets', () => {
  test('ROLLUP(a, b) is the sets (a, b), (a) and (): the rolled-up keys are NULL', () => {
    assert.deepEqual(
      evalSql('region, item, SUM(qty) AS q', SALES, 'GROUP BY ROLLUP(region, item)'),
      rows(
        { region: 'east', item: 'ink', q: 4 },
        { region: 'east', item: 'pen', q: 3 },
        { region: 'west', item: 'pen', q: 5 },
        { region: null, item: 'pen', q: 7 },
        { region: 'east', item: null, q: 7 },
        { region: 'west', item: null, q: 5 },
        { region: null, item: null, q: 7 },
        { region: null, item: null, q: 19 },
      ),
    );
  });

  test('CUBE(a, b) adds the set (b); GROUPING tells a NULL in the data from a key aggregated away', () => {
    const got = evalSql(
      'region, item, COUNT(*) AS n, GROUPING(region) AS gr, GROUPING(item) AS gi, GROUPING(region, item) AS g, GROUPING_ID(item, region) AS gid',
      SALES,
      'GROUP BY CUBE(region, item)',
    );
    assert.deepEqual(
      got,
      rows(
        { region: 'east', item: 'ink', n: 1, gr: 0, gi: 0, g: 0, gid: 0 },
        { region: 'east', item: 'pen', n: 1, gr: 0, gi: 0, g: 0, gid: 0 },
        { region: 'west', item: 'pen', n: 1, gr: 0, gi: 0, g: 0, gid: 0 },
        { region: null, item: 'pen', n: 1, gr: 0, gi: 0, g: 0, gid: 0 },
        { region: 'east', item: null, n: 2, gr: 0, gi: 1, g: 1, gid: 2 },
        { region: 'west', item: null, n: 1, gr: 0, gi: 1, g: 1, gid: 2 },
        { region: null, item: null, n: 1, gr: 0, gi: 1, g: 1, gid: 2 },
        { region: null, item: 'ink', n: 1, gr: 1, gi: 0, g: 2, gid: 1 },
        { region: null, item: 'pen', n: 3, gr: 1, gi: 0, g: 2, gid: 1 },
        { region: null, item: null, n: 4, gr: 1, gi: 1, g: 3, gid: 3 },
      ),
    );
  });

  test('HAVING and ORDER BY ... LIMIT can read GROUPING', () => {
    assert.deepEqual(
      evalSql('region, SUM(qty) AS q', SALES, 'GROUP BY ROLLUP(region) HAVING GROUPING(region) = 0'),
      rows({ region: 'east', q: 7 }, { region: 'west', q: 5 }, { region: null, q: 7 }),
    );
    assert.deepEqual(
      evalSql('region, SUM(qty) AS q', SALES, 'GROUP BY ROLLUP(region) HAVING GROUPING(region) = 1'),
      rows({ region: null, q: 19 }),
    );
    assert.deepEqual(
      evalSql(
        'region, SUM(qty) AS q',
        SALES,
        'GROUP BY ROLLUP(region) ORDER BY GROUPING(region) DESC, region DESC LIMIT 2',
      ),
      rows({ region: null, q: 19 }, { region: 'west', q: 5 }),
    );
  });

  test('GROUPING in an expression, and an expression as a key', () => {
    assert.deepEqual(
      evalSql(
        "CASE WHEN GROUPING(UPPER(item)) = 1 THEN 'all' ELSE UPPER(item) END AS label, SUM(qty) + GROUPING(UPPER(item)) AS q",
        SALES,
        'GROUP BY GROUPING SETS (UPPER(item), ())',
      ),
      rows({ label: 'INK', q: 4 }, { label: 'PEN', q: 15 }, { label: 'all', q: 20 }),
    );
  });

  test('GROUP BY and GROUPING read a select-list alias as a key', () => {
    assert.deepEqual(
      evalSql('UPPER(item) AS it, GROUPING(it) AS g, COUNT(*) AS n', SALES, 'GROUP BY ROLLUP(it)'),
      rows({ it: 'INK', g: 0, n: 1 }, { it: 'PEN', g: 0, n: 3 }, { it: null, g: 1, n: 4 }),
    );
  });

  test('mixed forms are the cross product: GROUP BY a, ROLLUP(b) is GROUPING SETS ((a, b), (a))', () => {
    const mixed = evalSql('region, item, COUNT(*) AS n', SALES, 'GROUP BY region, ROLLUP(item)');
    const sets = evalSql(
      'region, item, COUNT(*) AS n',
      SALES,
      'GROUP BY GROUPING SETS ((region, item), (region))',
    );
    assert.deepEqual(mixed, sets);
    assert.equal(mixed.length, 7);
    // ROLLUP and CUBE take parenthesized units, and GROUPING SETS may hold them.
    assert.deepEqual(
      evalSql('region, item, COUNT(*) AS n', SALES, 'GROUP BY ROLLUP((region, item))'),
      evalSql('region, item, COUNT(*) AS n', SALES, 'GROUP BY GROUPING SETS ((region, item), ())'),
    );
    assert.deepEqual(
      evalSql('region, item, COUNT(*) AS n', SALES, 'GROUP BY GROUPING SETS (CUBE(region), (item))'),
      evalSql('region, item, COUNT(*) AS n', SALES, 'GROUP BY GROUPING SETS ((region), (), (item))'),
    );
  });

  test('GROUP BY ALL keeps a repeated set (its rows twice); GROUP BY DISTINCT drops it', () => {
    const once = rows({ region: 'east', n: 2 }, { region: 'west', n: 1 }, { region: null, n: 1 });
    assert.deepEqual(
      evalSql('region, COUNT(*) AS n', SALES, 'GROUP BY DISTINCT GROUPING SETS ((region), (region))'),
      once,
    );
    assert.deepEqual(
      evalSql('region, COUNT(*) AS n', SALES, 'GROUP BY ALL GROUPING SETS ((region), (region))'),
      [...once, ...once].sort(),
    );
    // `region, ROLLUP(region)` makes (region) twice.
    assert.equal(evalSql('region, COUNT(*) AS n', SALES, 'GROUP BY region, ROLLUP(region)').length, 6);
    assert.equal(
      evalSql('region, COUNT(*) AS n', SALES, 'GROUP BY DISTINCT region, ROLLUP(region)').length,
      3,
    );
    // Without grouping-set constructs ALL and DISTINCT change nothing; GROUPING is 0.
    assert.deepEqual(evalSql('region, COUNT(*) AS n, GROUPING(region) AS g', SALES, 'GROUP BY ALL region'), [
      '{"region":"east","n":2,"g":0}',
      '{"region":"west","n":1,"g":0}',
      '{"region":null,"n":1,"g":0}',
    ]);
  });

  test('the empty set is a global aggregate: one row from the start, kept while the table is emptied', () => {
    const steps = viewAfterSteps(
      'k INT, x INT',
      'k, COUNT(*) AS n, SUM(x) AS s, GROUPING(k) AS g',
      [
        {},
        {
          insert: [
            { k: 1, x: 10 },
            { k: 1, x: 5 },
            { k: null, x: 1 },
          ],
        },
        { delete: [{ k: 1, x: 10 }] },
        {
          delete: [
            { k: 1, x: 5 },
            { k: null, x: 1 },
          ],
        },
      ],
      'GROUP BY GROUPING SETS ((k), ())',
    );
    assert.deepEqual(steps, [
      ['{"k":null,"n":0,"s":null,"g":1}'],
      rows({ k: 1, n: 2, s: 15, g: 0 }, { k: null, n: 1, s: 1, g: 0 }, { k: null, n: 3, s: 16, g: 1 }),
      rows({ k: 1, n: 1, s: 5, g: 0 }, { k: null, n: 1, s: 1, g: 0 }, { k: null, n: 2, s: 6, g: 1 }),
      ['{"k":null,"n":0,"s":null,"g":1}'],
    ]);
  });

  test('retractions update every set a row belongs to; a group without rows disappears', () => {
    const steps = viewAfterSteps(
      'a INT, b INT, x INT',
      'a, b, SUM(x) AS s, MAX(x) AS m',
      [
        {
          insert: [
            { a: 1, b: 1, x: 4 },
            { a: 1, b: 2, x: 9 },
            { a: 2, b: 1, x: 1 },
          ],
        },
        { delete: [{ a: 1, b: 2, x: 9 }], insert: [{ a: 2, b: 2, x: 3 }] },
        { delete: [{ a: 1, b: 1, x: 4 }] },
      ],
      'GROUP BY ROLLUP(a, b)',
    );
    assert.deepEqual(steps[1], [
      ...rows(
        { a: 1, b: 1, s: 4, m: 4 },
        { a: 2, b: 1, s: 1, m: 1 },
        { a: 2, b: 2, s: 3, m: 3 },
        { a: 1, b: null, s: 4, m: 4 },
        { a: 2, b: null, s: 4, m: 3 },
        { a: null, b: null, s: 8, m: 4 },
      ),
    ]);
    assert.deepEqual(
      steps[2],
      rows(
        { a: 2, b: 1, s: 1, m: 1 },
        { a: 2, b: 2, s: 3, m: 3 },
        { a: 2, b: null, s: 4, m: 3 },
        { a: null, b: null, s: 4, m: 3 },
      ),
    );
  });

  test('keys missing from some set become nullable; GROUPING is BIGINT NOT NULL', () => {
    const r = compileProgram(`CREATE TABLE t (a INT NOT NULL, b INT NOT NULL, x INT NOT NULL);
CREATE VIEW v AS SELECT a, b, COUNT(*) AS n, SUM(x) AS s, GROUPING(a, b) AS g FROM t GROUP BY a, ROLLUP(b);
CREATE VIEW w AS SELECT a, SUM(x) AS s FROM t GROUP BY CUBE(a);`);
    assert.ok(r.ok, JSON.stringify(!r.ok && r.errors));
    const shape = (name: string) =>
      r.program
        .lookupRelation(name)!
        .columns.map((c) => `${c.name} ${c.type.type}${c.type.nullable ? '' : ' NOT NULL'}`);
    assert.deepEqual(shape('v'), [
      'a INTEGER NOT NULL',
      'b INTEGER',
      'n BIGINT NOT NULL',
      's INTEGER NOT NULL',
      'g BIGINT NOT NULL',
    ]);
    // With the empty set, SUM has no rows to add in an empty table: NULL.
    assert.deepEqual(shape('w'), ['a INTEGER', 's INTEGER']);
  });

  test('errors: GROUPING of a non-key, outside an aggregate query, nested ROLLUP / CUBE', () => {
    assert.match(
      compileError('x, GROUPING(s) AS g FROM t GROUP BY ROLLUP(x)\n--'),
      /@2:37: Argument to GROUPING operator must be a grouping expression/,
    );
    assert.match(
      compileError('GROUPING(x) AS g FROM t WHERE GROUPING(x) = 0 GROUP BY x\n--'),
      /GROUPING may only occur in the SELECT, HAVING or ORDER BY of an aggregate query/,
    );
    assert.match(
      compileError('GROUPING(x) AS g'),
      /Argument to GROUPING operator must be a grouping expression/,
    );
    assert.match(compileError('GROUPING() AS g FROM t GROUP BY x\n--'), /Invalid number of arguments/);
    assert.match(compileError('x FROM t GROUP BY CUBE(CUBE(x))\n--'), /CUBE cannot be nested inside CUBE/);
    assert.match(
      compileError('x FROM t GROUP BY ROLLUP(GROUPING SETS (x))\n--'),
      /GROUPING SETS cannot be nested/,
    );
    assert.match(compileError('s FROM t GROUP BY ROLLUP(x)\n--'), /Expression 's' is not being grouped/);
    assert.match(
      compileError(
        'x FROM t GROUP BY CUBE(x, s, x + 1, x + 2, x + 3, x + 4, x + 5, x + 6, x + 7, x + 8, x + 9, x + 10, x + 11)\n--',
      ),
      /Too many grouping sets/,
    );
  });

  test('ad-hoc queries take grouping sets too, over an empty table as well', () => {
    const r = compileProgram(`CREATE TABLE t (a INT, x INT) WITH ('materialized' = 'true');
CREATE TABLE e (a INT) WITH ('materialized' = 'true');`);
    assert.ok(r.ok, JSON.stringify(!r.ok && r.errors));
    const c = r.program.instantiate();
    c.query('INSERT INTO t VALUES (1, 10), (1, 5), (NULL, 1)');
    c.step();
    const show = (sql: string) =>
      c
        .query(sql)
        .rows.map((row) => JSON.stringify(row, (_k, v) => (typeof v === 'bigint' ? Number(v) : v)))
        .sort();
    assert.deepEqual(show('SELECT a, SUM(x) AS s, GROUPING(a) AS g FROM t GROUP BY ROLLUP(a)'), [
      '[1,15,0]',
      '[null,1,0]',
      '[null,16,1]',
    ]);
    assert.deepEqual(show('SELECT a, COUNT(*) AS n FROM e GROUP BY CUBE(a)'), ['[null,0]']);
  });

  test('ROLLUP and CUBE stay names of columns and functions where no "(" follows', () => {
    const r = compileProgram(`CREATE TABLE t (rollup INT, cube INT);
CREATE VIEW v AS SELECT rollup, cube, COUNT(*) AS n FROM t GROUP BY rollup, cube;`);
    assert.ok(r.ok, JSON.stringify(!r.ok && r.errors));
  });
});
