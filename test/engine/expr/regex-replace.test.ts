/**
 * The parts of REGEXP_REPLACE that reproduce Rust rather than RE2JS: the replacement
 * template's parse (`Captures::expand`) and the iteration over matches.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compileRegex } from '../../../src/engine/expr/regex.js';
import { parseReplacement, replaceAll } from '../../../src/engine/expr/regex-replace.js';

const replace = (s: string, pattern: string, template: string) =>
  replaceAll(compileRegex(pattern)!, s, parseReplacement(template));

describe('REGEXP_REPLACE templates', () => {
  test('parse into literals and references', () => {
    assert.deepEqual(parseReplacement('a$1-b'), ['a', { group: 1 }, '-b']);
    assert.deepEqual(parseReplacement('$1a'), [{ name: '1a' }]);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Rust's ${name} replacement syntax
    assert.deepEqual(parseReplacement('${1}a'), [{ group: 1 }, 'a']);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Rust's ${name} replacement syntax
    assert.deepEqual(parseReplacement('${+2}'), [{ group: 2 }]);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Rust's ${name} replacement syntax
    assert.deepEqual(parseReplacement('${a b}'), [{ name: 'a b' }]);
    assert.deepEqual(parseReplacement('$$x$'), ['$x$']);
    assert.deepEqual(parseReplacement('${x'), ['${x']);
    assert.deepEqual(parseReplacement('$ $'), ['$ $']);
    assert.deepEqual(parseReplacement(''), []);
  });

  test('expand groups by number and name; unknown ones are empty', () => {
    assert.equal(replace('ab', '(?P<x>a)(b)', '$2$x$0'), 'baab');
    assert.equal(replace('ab', '(a)', '$toString$constructor$9'), 'b');
    assert.equal(replace('xyz', 'y', '[$0]'), 'x[y]z');
  });

  test('iterate like Rust: an empty match touching the previous match is skipped', () => {
    assert.equal(replace('baaac', 'a*', '-'), '-b-c-');
    assert.equal(replace('aaa', 'a*?', '-'), '-a-a-a-');
    assert.equal(replace('🐍🐍', 'x*', '.'), '.🐍.🐍.');
    assert.equal(replace('abab', 'ab', ''), '');
    assert.equal(replace('line1\nline2', '(?m)^', '> '), '> line1\n> line2');
  });
});
