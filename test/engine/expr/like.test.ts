/**
 * LIKE / ILIKE / RLIKE: the reference's examples, code points, escapes, NULLs, and patterns
 * that make a backtracking matcher exponential, in views and ad-hoc queries. The time bounds
 * are generous ceilings that only an exponential matcher can break, not benchmarks.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compileLike } from '../../../src/engine/expr/like.js';
import { compileRegex, translateRustSyntax } from '../../../src/engine/expr/regex.js';
import { compile, contents } from '../../helpers/sql-circuit.js';

const like = (s: string, p: string, esc: string | null = null) => compileLike(p, esc)(s);
const ilike = (s: string, p: string) => compileLike(p, null, true)(s);

describe('LIKE matcher', () => {
  test("the reference's examples", () => {
    assert.equal(like('abc', 'abc'), true);
    assert.equal(like('abc', 'a%'), true);
    assert.equal(like('abc', '_b_'), true);
    assert.equal(like('abc', 'c'), false);
    assert.equal(like('hawkeye', 'h%', '#'), true);
    assert.equal(like('h%', 'h#%', '#'), true);
    assert.equal(like('h%wkeye', 'h#%', '#'), false);
    assert.equal(like('h%wkeye', 'h#%%', '#'), true);
    assert.equal(like('h%awkeye', 'h#%a%k%e', '#'), true);
    assert.equal(like('i_dio', 'i$_d_o', '$'), true);
    assert.equal(like('i_dio', 'i$_nd_o', '$'), false);
    assert.equal(like('indio', 'in_o'), false);
    assert.equal(like('indio', 'in__o'), true);
  });

  test('ILIKE ignores case on both sides', () => {
    assert.equal(ilike('hawkeye', 'H%Eye'), true);
    assert.equal(ilike('Hawkeye', 'h%'), true);
    assert.equal(ilike('ABC', '_b_'), true);
    assert.equal(like('hawkeye', 'H%'), false);
  });

  test('characters are code points', () => {
    assert.equal(like('🐍', '_'), true);
    assert.equal(like('🐍🐍', '_'), false);
    assert.equal(like('a🐍b', 'a_b'), true);
    assert.equal(like('a🐍b', '%🐍%'), true);
    assert.equal(like('x🐍', '%_'), true);
    assert.equal(like('🐍', '__'), false);
  });

  test('segments anchor at both ends and may not overlap', () => {
    assert.equal(like('aba', 'ab%ba'), false);
    assert.equal(like('abba', 'ab%ba'), true);
    assert.equal(like('', '%'), true);
    assert.equal(like('', '_'), false);
    assert.equal(like('abc', '%%c'), true);
    assert.equal(like('axbxc', '%x__x%'), false);
    assert.equal(like('axbxc', 'a%b%c'), true);
    assert.equal(like('a_c', 'a\\_c'), false, 'without ESCAPE a backslash is an ordinary character');
    assert.equal(like('a\\_c', 'a\\_c'), true);
  });

  test('escape rules', () => {
    assert.equal(like('a\\b', 'a\\\\b', '\\'), true);
    assert.equal(like('ab', 'a#b', '#'), true, 'an escaped ordinary character is itself');
    assert.equal(like('a%', 'a%', ''), true, 'an empty escape means none');
    assert.throws(() => compileLike('ab#', '#'), /ends with its escape character/);
    assert.throws(() => compileLike('ab', '##'), /single character/);
  });

  test('patterns that make a backtracking matcher exponential finish at once', () => {
    const pattern = `${'%a'.repeat(12)}%b`;
    for (const n of [50, 5000]) {
      const started = performance.now();
      assert.equal(like('a'.repeat(n), pattern), false);
      assert.equal(like('a'.repeat(n), `${'%_'.repeat(12)}%b`), false);
      assert.ok(performance.now() - started < 200, `${n} characters took ${performance.now() - started} ms`);
    }
  });
});

describe('regular expressions (RE2)', () => {
  test('Rust spellings of escapes are translated', () => {
    assert.equal(
      translateRustSyntax('\\u0041\\u{1F40D}\\d\\D\\\\d'),
      '\\x{0041}\\x{1F40D}\\p{Nd}\\P{Nd}\\\\d',
    );
    assert.equal(compileRegex('^\\u0041$')?.test('A'), true);
    assert.equal(compileRegex('^\\d$')?.test('٣'), true, "Rust's \\d is Unicode-aware");
  });

  test('malformed patterns compile to null (Feldera: no match, no error)', () => {
    assert.equal(compileRegex('a(b'), null);
    assert.equal(compileRegex('(?=x)'), null);
  });

  test('nested quantifiers run in linear time', () => {
    const started = performance.now();
    assert.equal(compileRegex('^(a*)*b$')?.test('a'.repeat(5000)), false);
    assert.equal(compileRegex('(a|aa)+c')?.test('a'.repeat(5000)), false);
    assert.ok(performance.now() - started < 200, `took ${performance.now() - started} ms`);
  });
});

describe('LIKE, ILIKE and RLIKE in SQL', () => {
  const program = `CREATE TABLE t (s VARCHAR) WITH ('materialized' = 'true');
CREATE MATERIALIZED VIEW v AS SELECT s LIKE '${'%a'.repeat(12)}%b' AS l, s RLIKE '(a*)*b' AS r, RLIKE(s, 'a+') AS rf FROM t;
CREATE MATERIALIZED VIEW ops AS SELECT
  s LIKE 'h%', s NOT LIKE 'h%', s ILIKE 'H%E', s NOT ILIKE 'x%', s RLIKE '^h.*e$', s NOT RLIKE 'z', s LIKE NULL, s RLIKE 'a(' FROM t;`;

  test('a pathological pattern on a 50-character value, in a view and an ad-hoc query', () => {
    const c = compile(program).instantiate();
    c.push('t', [{ row: ['a'.repeat(50)], weight: 1 }]);
    const started = performance.now();
    c.step();
    assert.deepEqual(contents(c, 'v'), ['(false, false, true)']);
    const q = c.query(`SELECT s LIKE '${'%a'.repeat(12)}%b', s ILIKE '${'%A'.repeat(12)}%B' FROM t`);
    assert.deepEqual(q.rows, [[false, false]]);
    // Compiling the view and the query is included; a backtracking matcher would take hours.
    assert.ok(performance.now() - started < 1000, `took ${performance.now() - started} ms`);
  });

  test('NOT, NULL and malformed regular expressions', () => {
    const c = compile(program).instantiate();
    c.push('t', [
      { row: ['hawkeye'], weight: 1 },
      { row: [null], weight: 1 },
    ]);
    c.step();
    assert.deepEqual(contents(c, 'ops'), [
      '(null, null, null, null, null, null, null, null)',
      '(true, false, true, true, true, true, null, false)',
    ]);
  });

  test('SIMILAR TO and a multi-character ESCAPE are refused at compile time', async () => {
    const { compileProgram } = await import('../../../src/engine/index.js');
    const similar = compileProgram(
      "CREATE TABLE t (s VARCHAR); CREATE VIEW v AS SELECT s SIMILAR TO 'a' FROM t;",
    );
    assert.equal(similar.ok, false);
    if (!similar.ok) {
      assert.equal(similar.errors[0]!.error_type, 'Not yet implemented');
      assert.match(similar.errors[0]!.message, /SIMILAR TO/);
      assert.equal(similar.errors[0]!.start_column, 55);
    }
    const esc = compileProgram(
      "CREATE TABLE t (s VARCHAR); CREATE VIEW v AS SELECT s LIKE 'a' ESCAPE 'xy' FROM t;",
    );
    assert.equal(esc.ok, false);
    if (!esc.ok) assert.match(esc.errors[0]!.message, /single character/);
  });
});
