/**
 * String functions: the reference's examples, code points, NULLs and illegal arguments.
 * The model for a family's tests: `evalValues` runs expressions in a real view.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { evalValues } from '../../helpers/sql-eval.js';

const SNAKES = { columns: 's VARCHAR', rows: [{ s: '🐍🐍' }] };

describe('string functions', () => {
  test("the reference's examples", () => {
    assert.deepEqual(
      evalValues([
        "SUBSTRING('Thomas' FROM 2 FOR 3)",
        "SUBSTRING('Thomas' FROM 3)",
        "TRIM(BOTH 'xyz' FROM 'yxTomxx')",
        "TRIM(LEADING 'xyz' FROM 'yxTomxx')",
        "UPPER('tom')",
        "POSITION('om' IN 'Thomas')",
        "SUBSTRING('string' FROM -10 FOR 2147483646)",
        "SUBSTRING('string' FROM 0 FOR -2)",
      ]),
      ['"hom"', '"omas"', '"Tom"', '"Tomxx"', '"TOM"', '3', '"string"', '""'],
    );
  });

  test('lengths and positions count code points', () => {
    assert.deepEqual(
      evalValues(
        [
          'SUBSTRING(s FROM 2 FOR 3)',
          'CHAR_LENGTH(s)',
          "POSITION('🐍' IN 'a🐍')",
          "TRIM('🐍' FROM s || 'x')",
        ],
        SNAKES,
      ),
      ['"🐍"', '2', '2', '"x"'],
    );
  });

  test('NULL in, NULL out', () => {
    assert.deepEqual(
      evalValues(['UPPER(NULL)', 'CHAR_LENGTH(s)', "CONCAT('a', s)"], { columns: 's VARCHAR', rows: [{}] }),
      ['null', 'null', 'null'],
    );
  });
});
