/**
 * Array functions: the reference's examples (sql/array.md), NULLs, Feldera's element orders,
 * lambdas, run-time failures and illegal arguments.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compileError, evalSql, evalValues } from '../../helpers/sql-eval.js';

/** One row with a nullable-element INT ARRAY, a NULL array and an empty one. */
const ROW = {
  columns: 'a INT ARRAY, n INT ARRAY, e INT ARRAY, s VARCHAR ARRAY, k INT',
  rows: [{ a: [3, null, 1, 3], e: [], s: ['x', null, 'y'], k: 10 }],
};

describe('array functions', () => {
  test("the reference's examples", () => {
    const cases: [string, string][] = [
      ['ARRAY[2,3][2]', '3'],
      ['ARRAY[2,3][SAFE_OFFSET(2)]', 'null'],
      ['ARRAY()', '[]'],
      ['ARRAY(NULL, 2)', '[null,2]'],
      ['ARRAY_APPEND(ARRAY [1, 2], 3)', '[1,2,3]'],
      ['ARRAY_CONCAT(ARRAY [1, 2, 3], ARRAY[4])', '[1,2,3,4]'],
      ['ARRAY_COMPACT(ARRAY [1, 2, 3, NULL])', '[1,2,3]'],
      ['ARRAY_CONTAINS(ARRAY [1, 2, 3], 2)', 'true'],
      ['ARRAY_DISTINCT(ARRAY [1, 1, 2, 2])', '[1,2]'],
      ['ARRAY_EXCEPT(ARRAY [1, 2, 3], ARRAY [3,1,4])', '[2]'],
      ['ARRAY_EXISTS(ARRAY[1, -2, 3], x -> x > 0)', 'true'],
      ['ARRAY_INSERT(ARRAY [1, 2, 3], 3, 4)', '[1,2,4,3]'],
      ['ARRAY_INTERSECT(ARRAY [1, 2, 3], ARRAY [3,1,4])', '[1,3]'],
      ['ARRAY_LENGTH( ARRAY [1, 2, 3])', '3'],
      ['ARRAY_MAX(ARRAY [9, 1, 2, 4, 8, null])', '9'],
      ['ARRAY_MIN(ARRAY [9, 1, 2, 5, 8, null])', '1'],
      ['ARRAYS_OVERLAP(ARRAY [1, 2, 3], ARRAY [3, 4, 5])', 'true'],
      ['ARRAY_POSITION(ARRAY [1, 3, 4, 6], 4)', '3'],
      ['ARRAY_PREPEND(ARRAY [2, 3], 1)', '[1,2,3]'],
      ['ARRAY_REMOVE(ARRAY [2, 2, 6, 8], 2)', '[6,8]'],
      ['ARRAY_REVERSE(ARRAY [2, 2, 6, 8])', '[8,6,2,2]'],
      ['ARRAY_REPEAT(3, 4)', '[3,3,3,3]'],
      ['ARRAY_SIZE( ARRAY [1, 2, 3])', '3'],
      ["ARRAY_TO_STRING(ARRAY[1, 2, 3, NULL, 5], ',', '*')", '"1,2,3,*,5"'],
      ['ARRAY_UNION(ARRAY [1, 2, 3], ARRAY [3,1,4])', '[1,2,3,4]'],
      ['CARDINALITY(ARRAY[2,3])', '2'],
      ['ELEMENT(NULL)', 'null'],
      ['ELEMENT(ARRAY[2])', '2'],
      ['SORT_ARRAY(ARRAY [4, 7, 1, null])', '[null,1,4,7]'],
      ['TRANSFORM(ARRAY[1, 2, 3], x -> x % 2)', '[1,0,1]'],
      ['ARRAY[45] > ARRAY[22]', 'true'],
      ['ARRAY[23, 56, 16] > ARRAY[23, NULL]', 'true'],
      ['ARRAY[ARRAY[1, 2], ARRAY[3, 4]]', '[[1,2],[3,4]]'],
    ];
    assert.deepEqual(
      evalValues(cases.map(([sql]) => sql)),
      cases.map(([, expected]) => expected),
    );
  });

  test('a NULL array gives NULL; an empty one its own answers', () => {
    const fns = [
      'CARDINALITY(n)',
      'ELEMENT(n)',
      'ARRAY_APPEND(n, 1)',
      'ARRAY_PREPEND(n, 1)',
      'ARRAY_CONCAT(a, n)',
      'ARRAY_CONTAINS(n, 1)',
      'ARRAY_POSITION(n, 1)',
      'ARRAY_REMOVE(n, 1)',
      'ARRAY_DISTINCT(n)',
      'ARRAY_REVERSE(n)',
      'ARRAY_COMPACT(n)',
      'ARRAY_MAX(n)',
      'ARRAY_EXCEPT(a, n)',
      'ARRAY_UNION(n, a)',
      'ARRAYS_OVERLAP(n, a)',
      "ARRAY_TO_STRING(n, ',')",
      'ARRAY_INSERT(n, 1, 1)',
      'SORT_ARRAY(n)',
      'TRANSFORM(n, x -> x + 1)',
      'ARRAY_EXISTS(n, x -> x > 0)',
      'n[1]',
      'n[SAFE_OFFSET(0)]',
    ];
    assert.deepEqual(
      evalValues(fns, ROW),
      fns.map(() => 'null'),
    );
    assert.deepEqual(
      evalValues(
        [
          'CARDINALITY(e)',
          'ELEMENT(e)',
          'ARRAY_MAX(e)',
          'ARRAY_EXISTS(e, x -> x > 0)',
          'ARRAYS_OVERLAP(e, a)',
          "ARRAY_TO_STRING(e, ',')",
        ],
        ROW,
      ),
      ['0', 'null', 'null', 'false', 'false', '""'],
    );
  });

  test('NULL elements and NULL arguments', () => {
    assert.deepEqual(
      evalValues(
        [
          'ARRAY_APPEND(a, NULL)',
          'ARRAY_PREPEND(a, NULL)',
          'ARRAY_REPEAT(NULL, 2)',
          'ARRAY_REPEAT(1, NULL)',
          'ARRAY_REPEAT(1, -3)',
          'ARRAY_INSERT(a, NULL, 1)',
          'ARRAY_INSERT(a, 2, NULL)',
          'ARRAY_CONTAINS(a, NULL)',
          'ARRAY_POSITION(a, 3)',
          'ARRAY_POSITION(a, 7)',
          'ARRAY_REMOVE(a, 3)',
          "ARRAY_TO_STRING(s, '-')",
          "ARRAY_TO_STRING(s, '-', NULL)",
          "ARRAY_TO_STRING(s, '-', '?')",
          'ARRAY_COMPACT(s)',
          'ARRAY_MIN(a)',
        ],
        ROW,
      ),
      [
        '[3,null,1,3,null]',
        '[null,3,null,1,3]',
        '[null,null]',
        'null',
        '[]',
        'null',
        '[3,null,null,1,3]',
        'null',
        '1',
        '0',
        '[null,1]',
        '"x-y"',
        '"x-y"',
        '"x-?-y"',
        '["x","y"]',
        '1',
      ],
    );
  });

  test("Feldera's element orders: set operations sorted with NULL first, DISTINCT in place", () => {
    assert.deepEqual(
      evalValues(
        [
          'ARRAY_DISTINCT(a)',
          'ARRAY_UNION(a, ARRAY[2, NULL])',
          'ARRAY_INTERSECT(a, ARRAY[NULL, 3, 3])',
          'ARRAY_EXCEPT(a, ARRAY[1])',
          'SORT_ARRAY(a)',
          'SORT_ARRAY(a, FALSE)',
          "SORT_ARRAY(ARRAY['b', 'a', 'C'])",
        ],
        ROW,
      ),
      ['[3,null,1]', '[null,1,2,3]', '[null,3]', '[null,3]', '[null,1,3,3]', '[3,3,1,null]', '["C","a","b"]'],
    );
  });

  test('ARRAYS_OVERLAP is three-valued over NULL elements, as in Calcite', () => {
    assert.deepEqual(
      evalValues([
        'ARRAYS_OVERLAP(ARRAY[1, NULL], ARRAY[1])',
        'ARRAYS_OVERLAP(ARRAY[1, NULL], ARRAY[2])',
        'ARRAYS_OVERLAP(ARRAY[NULL], ARRAY[NULL])',
        'ARRAYS_OVERLAP(ARRAY[1], ARRAY[2])',
      ]),
      ['true', 'null', 'null', 'false'],
    );
  });

  test('subscripts: from 1, out of range NULL; SAFE_OFFSET from 0; ROW fields by position', () => {
    assert.deepEqual(
      evalValues([
        'ARRAY[5, 6][0]',
        'ARRAY[5, 6][3]',
        'ARRAY[5, 6][-1]',
        'ARRAY[5, 6][NULL]',
        'ARRAY[5, 6][SAFE_OFFSET(0)]',
        'ARRAY[5, 6][SAFE_OFFSET(-1)]',
        "ROW(1, 'b')[2]",
        'ARRAY[ARRAY[1, 2], ARRAY[3]][1][2]',
      ]),
      ['null', 'null', 'null', 'null', '5', 'null', '"b"', '2'],
    );
  });

  test('ARRAY_INSERT pads with NULLs and counts negative positions from the end', () => {
    assert.deepEqual(
      evalValues([
        'ARRAY_INSERT(ARRAY[1, 2], 5, 9)',
        'ARRAY_INSERT(ARRAY[5, 3, 2, 1], -4, 4)',
        'ARRAY_INSERT(ARRAY[1, 2], -1, 9)',
        'ARRAY_INSERT(ARRAY[1, 2], -4, 9)',
      ]),
      ['[1,2,null,null,9]', '[5,4,3,2,1]', '[1,2,9]', '[9,null,1,2]'],
    );
  });

  test('ARRAY(...) makes strings of numbers mixed with strings', () => {
    assert.deepEqual(
      evalValues(["ARRAY(1, 2.5, 'x')", 'ARRAY(1, 2.5)', 'ARRAY[1, 2.5]', "ARRAY('a', NULL)"]),
      ['["1","2.5","x"]', '[1,2.5]', '[1,2.5]', '["a",null]'],
    );
  });

  test('concatenation with ||, comparison and equality of arrays', () => {
    assert.deepEqual(
      evalValues([
        'ARRAY[1] || ARRAY[2, 3]',
        'ARRAY[1, 2] = ARRAY[1, 2]',
        'ARRAY[1, 2] < ARRAY[1, 2, 0]',
        'ARRAY[2] > ARRAY[1, 9]',
      ]),
      ['[1,2,3]', 'true', 'true', 'true'],
    );
  });

  test('SEQUENCE', () => {
    assert.deepEqual(evalValues(['SEQUENCE(2, 5)', 'SEQUENCE(5, 2)', 'SEQUENCE(NULL, 2)']), [
      '[2,3,4,5]',
      '[]',
      'null',
    ]);
  });

  test('lambdas: columns and outer variables in the body, nesting, shadowing, three-valued EXISTS', () => {
    assert.deepEqual(
      evalValues(
        [
          'TRANSFORM(a, x -> x + k)',
          'TRANSFORM(ARRAY[ARRAY[1, 2], ARRAY[3]], r -> TRANSFORM(r, y -> y * 10 + CARDINALITY(r)))',
          'TRANSFORM(ARRAY[1, 2], k -> k)',
          'TRANSFORM(s, x -> UPPER(x))',
          'ARRAY_EXISTS(a, x -> x > 2)',
          'ARRAY_EXISTS(a, x -> x > 5)',
          'ARRAY_EXISTS(ARRAY[1, 2], x -> x > 5)',
          'ARRAY_EXISTS(ARRAY[ARRAY[1], ARRAY[2, 3]], r -> ARRAY_EXISTS(r, y -> y = 3))',
          'TRANSFORM(ARRAY[1, 2], (x) -> x - 1)',
        ],
        ROW,
      ),
      [
        '[13,null,11,13]',
        '[[12,22],[31]]',
        '[1,2]',
        '["X",null,"Y"]',
        'true',
        'null',
        'false',
        'true',
        '[0,1]',
      ],
    );
  });

  test('lambdas in a grouped query', () => {
    assert.deepEqual(
      evalSql(
        'g, TRANSFORM(ARRAY_AGG(x), v -> v * g) AS t',
        { columns: 'g INT, x INT', rows: [{ g: 2, x: 1 }] },
        'GROUP BY g',
      ),
      ['{"g":2,"t":[2]}'],
    );
  });

  test('failures at run time: ELEMENT of two elements, ARRAY_INSERT at 0', () => {
    assert.throws(
      () => evalValues(['ELEMENT(ARRAY[1, 2])']),
      /ELEMENT\(\)' called on array that does not have exactly 1 element/,
    );
    assert.throws(() => evalValues(['ARRAY_INSERT(ARRAY[1], 0, 2)']), /Index of 0 for 'array_insert'/);
  });

  test('illegal arguments are compile-time errors in Feldera words', () => {
    const columns = 'x INT, s VARCHAR, a VARCHAR ARRAY, r ROW(i INT), b BINARY(2)';
    const errors: [string, RegExp][] = [
      [
        'ARRAY_CONCAT(s, s)',
        /Cannot apply 'ARRAY_CONCAT' to arguments of type 'ARRAY_CONCAT\(<VARCHAR>, <VARCHAR>\)'/,
      ],
      ['ARRAY_APPEND(a, x)', /VARCHAR is not comparable to INTEGER/],
      ['ARRAY_CONTAINS(a, x)', /VARCHAR is not comparable to INTEGER/],
      ['ARRAY_INSERT(a, 1, x)', /VARCHAR is not comparable to INTEGER/],
      [
        'ARRAY_REPEAT(s, FALSE)',
        /Cannot apply 'ARRAY_REPEAT' to arguments of type 'ARRAY_REPEAT\(<VARCHAR>, <BOOLEAN>\)'/,
      ],
      ['ELEMENT(a[1])', /Cannot apply 'ELEMENT' to arguments of type/],
      ['CARDINALITY(b)', /Cannot apply 'CARDINALITY' to arguments of type/],
      ['SORT_ARRAY(r)', /Cannot apply 'SORT_ARRAY' to arguments of type/],
      ["ARRAY_JOIN(ARRAY[r], ',')", /Cannot apply 'ARRAY_JOIN' to arguments of type/],
      ['TRANSFORM(s, v -> UPPER(v))', /Cannot apply 'TRANSFORM' to arguments of type/],
      ["ARRAY_EXISTS(s, v -> v = 'a')", /Cannot apply 'ARRAY_EXISTS' to arguments of type/],
      ['ARRAY_EXISTS(a, v -> 1)', /lambda of ARRAY_EXISTS must be a BOOLEAN predicate/],
      ['ARRAY(a, x)', /Parameters must be of the same type/],
      ['b[1]', /Cannot apply indexing to arguments of type/],
      ["a['k']", /An ARRAY subscript must be an integer/],
      ['r[2]', /A ROW subscript must be an integer literal from 1 to 1/],
      ['a[SAFE_ORDINAL(1)]', /^Not yet implemented/],
      ['ABS(v -> v)', /A lambda expression is only allowed as an argument of TRANSFORM or ARRAY_EXISTS/],
      ['SAFE_OFFSET(1)', /SAFE_OFFSET is only allowed as an array subscript/],
      [
        'ARRAY_EXISTS(a, v -> v IN (SELECT s FROM t))',
        /^Not yet implemented .*Subqueries are not supported here/,
      ],
    ];
    for (const [sql, expected] of errors) assert.match(compileError(sql, columns), expected, sql);
  });
});
