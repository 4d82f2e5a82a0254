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

test('JSON input records and the ad-hoc (Arrow) expected form', () => {
  const cases = parseCorpus(
    'inline',
    `-- case: ad-hoc forms
CREATE TABLE t (id INT, ts TIMESTAMP, b VARBINARY, m MAP<INT, VARIANT>);
-- input t: {"insert": {"id": 1, "ts": "2020-06-21 14:23:44.123", "b": [11, 22], "m": null}}
INSERT INTO t VALUES (2, '2021-01-01 00:00:00', x'ff', NULL);
CREATE VIEW v AS SELECT id, ts, b, CAST(id AS VARIANT) AS var, CAST(NULL AS VARIANT) AS sqlnull, ARRAY[CAST('x' AS VARIANT)] AS arr FROM t;
-- expect adhoc:
{"id": 1, "ts": "2020-06-21T14:23:44.123", "b": "0b16", "var": "1", "sqlnull": null, "arr": ["\\"x\\""]}
{"id": 2, "ts": "2021-01-01T00:00:00", "b": "ff", "var": "2", "sqlnull": null, "arr": ["\\"x\\""]}
-- case: egress form is not the ad-hoc form
CREATE TABLE t (ts TIMESTAMP);
INSERT INTO t VALUES ('2021-01-01 00:00:00');
CREATE VIEW v AS SELECT ts FROM t;
-- expect adhoc:
{"ts": "2021-01-01 00:00:00"}
-- case: a record the ingress decoder rejects
CREATE TABLE t (x INT NOT NULL);
-- input t: {"insert": {"x": null}}
CREATE VIEW v AS SELECT x FROM t;
-- expect:
`,
  );
  assert.deepEqual(
    cases.map((c) => [c.name, runCase(c).verdict]),
    [
      ['ad-hoc forms', 'right'],
      ['egress form is not the ad-hoc form', 'wrong'],
      ['a record the ingress decoder rejects', 'other'],
    ],
  );
});
