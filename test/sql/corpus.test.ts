/**
 * The seed corpus (test/sql/corpus): every case must be right or a clear refusal, never wrong
 * rows or an unclear error. The counts are printed so coverage can be followed.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type CorpusCase, loadCorpus, parseCorpus, runCase, tally } from '../helpers/sql-corpus.js';

test('the seed corpus: no wrong rows, no unclear errors', (t) => {
  const results = loadCorpus('test/sql/corpus').map(runCase);
  const counts = tally(results);
  t.diagnostic(
    `${results.length} cases: ${counts.right} right, ${counts.wrong} wrong, ${counts.refused} refused, ${counts.other} other`,
  );
  const bad = results.filter((r) => r.verdict === 'wrong' || r.verdict === 'other');
  assert.deepEqual(
    bad.map((r) => `${r.case.file} / ${r.case.name}: ${r.verdict}: ${r.detail}`),
    [],
  );
  assert.ok(counts.right > 0);
});

test('the harness tells right, wrong, refused and other apart', () => {
  const cases: CorpusCase[] = parseCorpus(
    'inline',
    `-- case: right
CREATE TABLE t (x INT);
INSERT INTO t VALUES (1), (1), (2);
CREATE VIEW v AS SELECT x, COUNT(*) AS n FROM t GROUP BY x;
-- expect:
{"x": 1, "n": 2}
{"n": 1, "x": 2}
-- case: wrong
CREATE TABLE t (x INT);
INSERT INTO t VALUES (1);
CREATE VIEW v AS SELECT x FROM t;
-- expect:
{"x": 2}
-- case: refused
CREATE TABLE t (x INT);
CREATE VIEW v AS SELECT ROW_NUMBER() OVER (ORDER BY x) FROM t;
-- expect:
-- case: other
CREATE TABLE t (x INT);
CREATE VIEW v AS SELECT y FROM t;
-- expect:
-- case: expected error
CREATE TABLE t (x INT);
INSERT INTO t VALUES (2147483647);
CREATE VIEW v AS SELECT x + 1 FROM t;
-- expect error
`,
  );
  assert.deepEqual(
    cases.map((c) => [c.name, runCase(c).verdict]),
    [
      ['right', 'right'],
      ['wrong', 'wrong'],
      ['refused', 'refused'],
      ['other', 'other'],
      ['expected error', 'right'],
    ],
  );
});
