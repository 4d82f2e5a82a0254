import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { snippet } from '../../src/sql/snippet.js';

const lines = ['line one', 'line two', 'line three', 'four', 'five', 'six', 'seven', 'eight'];
const at = (startLine: number, startCol: number, endLine: number, endCol: number) =>
  snippet(lines, { startLine, startCol, endLine, endCol });

describe('snippet (Feldera layout)', () => {
  test('one line: the line before, the line, carets under the range, the line after', () => {
    assert.equal(at(2, 6, 2, 8), '    1|line one\n    2|line two\n           ^^^\n    3|line three\n');
  });

  test('the first line has no line before; the last no line after', () => {
    assert.equal(at(1, 1, 1, 4), '    1|line one\n      ^^^^\n    2|line two\n');
    assert.equal(at(8, 1, 8, 5), '    7|seven\n    8|eight\n      ^^^^^\n');
  });

  test('a one-character range gets one caret, under that column', () => {
    assert.equal(at(1, 3, 1, 3).split('\n')[1], '        ^');
  });

  test('line numbers are right-aligned in five columns', () => {
    const many = Array.from({ length: 120 }, (_, i) => `l${i + 1}`);
    assert.equal(
      snippet(many, { startLine: 100, startCol: 1, endLine: 100, endCol: 4 }).split('\n')[1],
      '  100|l100',
    );
  });

  test('a range over up to five lines quotes them whole, without carets', () => {
    assert.equal(at(2, 3, 3, 2), '    2|line two\n    3|line three\n');
    assert.equal(
      at(1, 1, 5, 4),
      '    1|line one\n    2|line two\n    3|line three\n    4|four\n    5|five\n',
    );
  });

  test('a longer range quotes its first two lines, "...", and its last line', () => {
    assert.equal(at(1, 1, 6, 3), '    1|line one\n    2|line two\n      ...\n    6|six\n');
  });

  test('a range outside the source has an empty snippet', () => {
    assert.equal(at(9, 1, 9, 1), '');
    assert.equal(at(0, 1, 0, 1), '');
  });
});
