/**
 * Grouping-set views under the operator laws (test/helpers/sql-operator-law.ts): each view's
 * whole plan (one aggregate per grouping set, united) runs as one operator on random streams
 * of inserts and retractions, and must emit Q(after) - Q(before) every step, repeat a step
 * rolled back with its undo log identically, and continue identically after a checkpoint is
 * restored.
 */
import { test } from 'node:test';
import { checkOperatorLaws } from '../helpers/sql-operator-law.js';
import { viewAsOperator } from '../helpers/sql-plan-operator.js';

// randomRow's columns: small integers, small integers, 'a'..'c', small integers (15% NULL).
const TABLE = 'CREATE TABLE t (a INT, b INT, s VARCHAR, x INT);';

const VIEWS = [
  'SELECT a, s, COUNT(*) AS n, SUM(x) AS sx, MAX(b) AS mb, GROUPING(a, s) AS g FROM t GROUP BY CUBE(a, s)',
  'SELECT a, b, COUNT(DISTINCT s) AS ds, MIN(x) FILTER (WHERE b > 1) AS m FROM t GROUP BY a, ROLLUP(b) HAVING GROUPING(b) = 1 OR COUNT(*) > 1',
  'SELECT a, SUM(x) AS sx, ARRAY_AGG(s ORDER BY s) AS ss FROM t WHERE x IS NOT NULL GROUP BY GROUPING SETS ((a), (), ())',
];

for (const [i, view] of VIEWS.entries())
  test(`grouping-set view ${i + 1} obeys the incrementalization, rollback and checkpoint laws`, () => {
    const make = viewAsOperator(`${TABLE}\nCREATE VIEW v AS ${view};`, 'v', 't');
    for (let seed = 1; seed <= 12; seed++) checkOperatorLaws({ make, widths: [4], seed, steps: 14 });
  });
