import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { tokenize } from '../../src/sql/lexer.js';
import { MessageSink } from '../../src/sql/messages.js';

function lex(src: string) {
  const sink = new MessageSink(src);
  return { tokens: tokenize(src, sink), errors: sink.errors };
}

describe('lexer', () => {
  test('folds unquoted identifiers to lower case and keeps quoted ones exact', () => {
    const { tokens } = lex('SELECT MyCol, "MyCol", "a""b" FROM t');
    assert.deepEqual(
      tokens.filter((t) => t.kind === 'ident' || t.kind === 'qident').map((t) => [t.kind, t.value]),
      [
        ['ident', 'select'],
        ['ident', 'mycol'],
        ['qident', 'MyCol'],
        ['qident', 'a"b'],
        ['ident', 'from'],
        ['ident', 't'],
      ],
    );
  });

  test('skips comments and tracks lines and columns', () => {
    const { tokens } = lex("-- a comment\n/* block\ncomment */ x 'it''s' 1.5e3 <>");
    const [x, s, n, op] = tokens;
    assert.deepEqual([x!.value, x!.span.startLine, x!.span.startCol], ['x', 3, 12]);
    assert.equal(s!.value, "it's");
    assert.equal(n!.value, '1.5e3');
    assert.equal(op!.value, '<>');
  });

  test('reports every lexical error and keeps going', () => {
    const { errors } = lex("a # b\n'unterminated");
    assert.deepEqual(
      errors.map((e) => [e.message, e.start_line_number, e.start_column]),
      [
        ["Unexpected character '#'", 1, 3],
        ['Unterminated string literal', 2, 1],
      ],
    );
  });
});
