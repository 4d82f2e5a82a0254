/**
 * Regular-expression functions in views: the reference's examples, Rust's replacement syntax
 * and match iteration, malformed patterns (not errors, as in Feldera's runtime), NULLs, the
 * conversion of other types to text, and patterns that a backtracking engine cannot finish.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compileError, evalValues } from '../../helpers/sql-eval.js';

describe('regular-expression functions', () => {
  test("the reference's examples", () => {
    assert.deepEqual(
      evalValues([
        "'string' RLIKE 's..i.*'",
        "RLIKE('string', 's..i.*')",
        "regexp_replace('1078910', '[^01]')",
        // biome-ignore lint/suspicious/noTemplateCurlyInString: Rust's ${name} replacement syntax
        "regexp_replace('deep fried', '(?<first>\\w+)\\s+(?<second>\\w+)', '${first}_$second')",
        "regexp_replace('Springsteen, Bruce', '([^,\\s]+),\\s+(\\S+)', '$2 $1')",
        "regexp_replace('Springsteen, Bruce', '(?<last>[^,\\s]+),\\s+(?<first>\\S+)', '$first $last')",
      ]),
      ['true', 'true', '"1010"', '"deep_fried"', '"Bruce Springsteen"', '"Bruce Springsteen"'],
    );
  });

  test("Rust's replacement syntax", () => {
    assert.deepEqual(
      evalValues([
        "regexp_replace('ab', '(a)', '$1x')",
        // biome-ignore lint/suspicious/noTemplateCurlyInString: Rust's ${name} replacement syntax
        "regexp_replace('ab', '(a)', '${1}x')",
        "regexp_replace('ab', '(a)', '$$1')",
        "regexp_replace('ab', '(a)', 'x$')",
        "regexp_replace('ab', '(a)', '${1')",
        "regexp_replace('ab', '(a)', '$-')",
        "regexp_replace('ab', '(a)', '[$5]')",
        "regexp_replace('b', '(a)?b', '[$1]')",
        "regexp_replace('ab', '(?P<x_1>a)', '<$x_1>')",
        "regexp_replace('ab', '(a)(b)', '$0/$2$1')",
      ]),
      ['"b"', '"axb"', '"$1b"', '"x$b"', '"${1b"', '"$-b"', '"[]b"', '"[]"', '"<a>b"', '"ab/ba"'],
    );
  });

  test('matches are replaced left to right, skipping an empty match right after a match', () => {
    assert.deepEqual(
      evalValues([
        "regexp_replace('baaac', 'a*', '-')",
        "regexp_replace('abc', 'x*', '-')",
        "regexp_replace('', 'x*', '-')",
        "regexp_replace('a🐍b', '', '.')",
        "regexp_replace('かわいい', 'い+$', 'i')",
        "regexp_replace('a\u0663b', '\\d', '#')",
      ]),
      ['"-b-c-"', '"-a-b-c-"', '"-"', '".a.🐍.b."', '"かわi"', '"a#b"'],
    );
  });

  test('a malformed pattern makes RLIKE FALSE and leaves REGEXP_REPLACE input unchanged', () => {
    assert.deepEqual(
      evalValues(["RLIKE('abc', '(')", "'abc' NOT RLIKE '('", "regexp_replace('abc', '(', 'x')"]),
      ['false', 'true', '"abc"'],
    );
  });

  test('NULLs, and other types matched as their text', () => {
    const t = {
      columns: 's VARCHAR, b BOOLEAN, ts TIMESTAMP, d DECIMAL(6, 2)',
      rows: [{ b: true, ts: '2020-06-21 14:23:44', d: -1111.52 }],
    };
    assert.deepEqual(
      evalValues(
        [
          "RLIKE(s, 'a')",
          "RLIKE('a', s)",
          "s RLIKE 'a'",
          "regexp_replace(s, 'a', 'b')",
          "regexp_replace('a', s, 'b')",
          "regexp_replace('a', 'a', s)",
          "regexp_replace('a', NULL)",
          "RLIKE(b, '[0-9]+')",
          "RLIKE(ts, '[0-9]+')",
          "regexp_replace(d, '[0-9]+', 'i')",
        ],
        t,
      ),
      ['null', 'null', 'null', 'null', 'null', 'null', 'null', 'false', 'true', '"-i.i"'],
    );
  });

  test('time is linear: nested quantifiers over a long input finish at once', () => {
    const a = 'a'.repeat(5000);
    assert.deepEqual(
      evalValues([`'${a}' RLIKE '^(a+)+b$'`, `regexp_replace('${a}', '(a|aa)+c', 'x') = '${a}'`]),
      ['false', 'true'],
    );
  });

  test('illegal arguments are compile-time errors', () => {
    const columns = 'rw ROW(i1 INT, v1 VARCHAR NULL), m MAP<VARCHAR, INT>';
    assert.match(compileError("RLIKE(rw, 'c.t')", columns), /Cannot apply 'RLIKE' to arguments of type/);
    assert.match(compileError("m RLIKE 'c.t'", columns), /Cannot apply 'RLIKE' to arguments of type/);
    assert.match(
      compileError("REGEXP_REPLACE(rw, '[a-z]', 'i')", columns),
      /Cannot apply 'REGEXP_REPLACE' to arguments of type/,
    );
    assert.match(compileError("REGEXP_REPLACE('a')", columns), /Invalid number of arguments/);
  });
});
