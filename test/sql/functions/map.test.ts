/** MAP functions: the reference's examples, NULLs, and illegal arguments. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compileError, evalValues, type Table } from '../../helpers/sql-eval.js';

const ROW: Table = {
  columns: 'm MAP<VARCHAR, INT>, k VARCHAR',
  rows: [{ m: { b: 17, a: 12, c: null }, k: 'a' }],
};

describe('map functions', () => {
  test("the reference's examples", () => {
    assert.deepEqual(
      evalValues([
        "MAP['x', 4, 'y', 3]['x']",
        "CARDINALITY(MAP['x', 4])",
        "MAP_CONTAINS_KEY(MAP['x', 4], 'x')",
        "MAP_KEYS(MAP['x', 4, 'y', 5])",
        "MAP_VALUES(MAP['x', 4, 'y', 5])",
      ]),
      ['4', '1', 'true', '["x","y"]', '[4,5]'],
    );
  });

  test('keys come sorted and values follow them; a NULL value is still an entry', () => {
    assert.deepEqual(
      evalValues(
        [
          'MAP_KEYS(m)',
          'MAP_VALUES(m)',
          'CARDINALITY(m)',
          'MAP_CONTAINS_KEY(m, k)',
          "MAP_CONTAINS_KEY(m, 'c')",
          "m['z']",
        ],
        ROW,
      ),
      ['["a","b","c"]', '[12,17,null]', '3', 'true', 'true', 'null'],
    );
  });

  test('NULL in, NULL out; CARDINALITY of an ARRAY', () => {
    assert.deepEqual(
      evalValues(
        [
          'MAP_KEYS(m)',
          'CARDINALITY(m)',
          'MAP_CONTAINS_KEY(m, k)',
          "MAP_CONTAINS_KEY(MAP['x', 1], k)",
          'CARDINALITY(ARRAY[1, 2, 3])',
        ],
        {
          ...ROW,
          rows: [{}],
        },
      ),
      ['null', 'null', 'null', 'null', '3'],
    );
  });

  test('arguments that are not maps are compile-time errors', () => {
    assert.match(
      compileError('MAP_KEYS(x)'),
      /Cannot apply 'MAP_KEYS' to arguments of type 'MAP_KEYS\(<INTEGER>\)'/,
    );
    assert.match(compileError('CARDINALITY(s)'), /Cannot apply 'CARDINALITY'/);
    assert.match(compileError("MAP_CONTAINS_KEY(MAP['a', 1], ARRAY[1])"), /Cannot apply 'MAP_CONTAINS_KEY'/);
  });
});
