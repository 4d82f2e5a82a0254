import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileProgram } from '../../src/engine/index.js';
import { isEmptyDiff, pipelineDiff } from '../../src/runtime/bootstrap.js';

function program(sql: string) {
  const r = compileProgram(sql);
  assert.ok(r.ok, JSON.stringify(!r.ok && r.errors));
  return r.program;
}

const BASE = `CREATE TABLE t1 (x INT) WITH ('materialized' = 'true');
CREATE TABLE t2 (y INT);
CREATE VIEW l AS SELECT x FROM t1 WHERE x > 0;
CREATE MATERIALIZED VIEW v1 AS SELECT COUNT(*) AS c FROM l;
CREATE MATERIALIZED VIEW v2 AS SELECT MAX(y) AS m FROM t2;
`;

test('a changed column modifies the table and every view reading it, directly or through views', () => {
  const diff = pipelineDiff(program(BASE), program(BASE.replace('t1 (x INT)', 't1 (x BIGINT)')));
  assert.deepEqual(diff.program_diff, {
    added_tables: [],
    removed_tables: [],
    modified_tables: ['t1'],
    added_views: [],
    removed_views: [],
    modified_views: ['l', 'v1'],
  });
});

test('layout and comments change nothing; a MATERIALIZED flag or a query does', () => {
  assert.ok(isEmptyDiff(pipelineDiff(program(BASE), program(`-- note\n${BASE.replace(/\n/g, '\n\n')}`))));
  const flag = pipelineDiff(program(BASE), program(BASE.replace('MATERIALIZED VIEW v2', 'VIEW v2')));
  assert.deepEqual(flag.program_diff?.modified_views, ['v2']);
  const query = pipelineDiff(program(BASE), program(BASE.replace('x > 0', 'x > 1')));
  assert.deepEqual(query.program_diff?.modified_views, ['l', 'v1']);
  assert.deepEqual(query.program_diff?.modified_tables, []);
});

test('connectors are compared by endpoint name and configuration, not as table changes', () => {
  const withGen = (limits: number[]) =>
    BASE.replace(
      "t1 (x INT) WITH ('materialized' = 'true')",
      `t1 (x INT) WITH ('materialized' = 'true', 'connectors' = '[${limits
        .map((l) => `{"transport": {"name": "datagen", "config": {"plan": [{"limit": ${l}}]}}}`)
        .join(',')}]')`,
    );
  const diff = pipelineDiff(program(withGen([5])), program(withGen([6, 5])));
  assert.ok(diff.program_diff && Object.values(diff.program_diff).every((l) => l.length === 0));
  assert.deepEqual(diff.added_input_connectors, ['t1.unnamed-1']);
  assert.deepEqual(diff.modified_input_connectors, ['t1.unnamed-0']);
  assert.deepEqual(diff.removed_input_connectors, []);
});

test('a modified member of a recursive group modifies every member, even those that come before it', () => {
  const closure = `CREATE TABLE e (x INT, y INT) WITH ('materialized' = 'true');
DECLARE RECURSIVE VIEW closure (x INT, y INT);
CREATE LOCAL VIEW step AS SELECT e.x, closure.y FROM e JOIN closure ON e.y = closure.x;
CREATE MATERIALIZED VIEW closure AS (SELECT * FROM e) UNION (SELECT * FROM step);
CREATE MATERIALIZED VIEW other AS SELECT COUNT(*) AS n FROM e;`;
  const diff = pipelineDiff(
    program(closure),
    program(closure.replace('(SELECT * FROM e)', '(SELECT * FROM e WHERE x > 0)')),
  );
  assert.deepEqual(diff.program_diff?.modified_views, ['closure', 'step']);
});

test('a renamed view is added and removed in the diff, though its state carries over by identity', () => {
  const sql = (view: string, query: string) =>
    `CREATE TABLE input_t (c1 INT);\nCREATE MATERIALIZED VIEW ${view} AS ${query};\n`;
  const before = program(sql('output_v', 'SELECT * FROM input_t'));
  const renamed = program(sql('output_v_renamed', 'SELECT * FROM input_t'));
  assert.deepEqual(pipelineDiff(before, renamed).program_diff, {
    added_tables: [],
    removed_tables: [],
    modified_tables: [],
    added_views: ['output_v_renamed'],
    removed_views: ['output_v'],
    modified_views: [],
  });
  // Nothing to rebuild: the table's source and the view's integral are the same nodes.
  const plan = renamed.instantiate().planCarry(before.instantiate());
  assert.deepEqual([plan.rebuilt, plan.missing, plan.kept.size], [[], [], 2]);
});

test('the same view name over another query is modified and rebuilt; over a table nothing holds, refused', () => {
  const sql = (query: string) => `CREATE TABLE input_t (c1 INT);\nCREATE MATERIALIZED VIEW v AS ${query};\n`;
  const before = program(sql('SELECT c1 FROM input_t WHERE c1 > 1'));
  const after = program(sql('SELECT c1 FROM input_t WHERE c1 > 2'));
  assert.deepEqual(pipelineDiff(before, after).program_diff?.modified_views, ['v']);
  const plan = after.instantiate().planCarry(before.instantiate());
  assert.deepEqual(plan.rebuilt, ['v']);
  assert.deepEqual(plan.missing, [{ table: 'input_t', readers: ['v'] }]);
});
