// The coverage tables of docs/sql.md, computed from the compiler itself: each of Feldera's
// types and query forms is tried by compiling a small program, and each function and aggregate
// of Feldera's reference is looked up in the registries. `npm run docs:sql` rewrites the
// generated part of docs/sql.md; test/sql/docs.test.ts fails when it is out of date.
import { compileProgram } from '../src/engine/index.js';
import { AGGREGATES, FELDERA_AGGREGATES } from '../src/sql/aggregates/index.js';
import { FELDERA_FUNCTIONS, FUNCTIONS, INDEX_ALIASES, SYNTAX_FORMS } from '../src/sql/functions/index.js';
import { withoutValidatorContext } from '../src/sql/messages.js';

export const BEGIN = '<!-- BEGIN GENERATED: npm run docs:sql -->';
export const END = '<!-- END GENERATED -->';

/** Feldera's types (its reference, "Data Types"), as column types. */
const TYPES = [
  'BOOLEAN',
  'TINYINT',
  'SMALLINT',
  'INTEGER',
  'BIGINT',
  'TINYINT UNSIGNED',
  'SMALLINT UNSIGNED',
  'INTEGER UNSIGNED',
  'BIGINT UNSIGNED',
  'DECIMAL(10, 2)',
  'REAL',
  'DOUBLE',
  'CHAR(3)',
  'VARCHAR(10)',
  'VARCHAR',
  'BINARY(4)',
  'VARBINARY',
  'DATE',
  'TIME',
  'TIMESTAMP',
  'TIMESTAMP WITH TIME ZONE',
  'TIMESTAMP WITH TIME ZONE (inside a query)',
  'INTERVAL DAY',
  'GEOMETRY',
  'UUID',
  'VARIANT',
  'INT ARRAY',
  'MAP<VARCHAR, INT>',
  'ROW(a INT, b VARCHAR)',
  'a user-defined type (CREATE TYPE)',
];

/**
 * Query forms of Feldera's grammar, each as a view over `t (x INT, s VARCHAR, a INT ARRAY, ts
 * TIMESTAMP)`, with optional statements declared before and after the view; a view that
 * starts with CREATE is a whole statement after that table.
 */
const FORMS: [name: string, view: string, before?: string, after?: string][] = [
  [
    'SELECT DISTINCT, WHERE, GROUP BY, HAVING',
    'SELECT DISTINCT x FROM t WHERE x > 0 GROUP BY x HAVING COUNT(*) > 1',
  ],
  ['inner, outer and cross joins', 'SELECT t.x FROM t LEFT JOIN t AS u ON t.x = u.x CROSS JOIN t AS w'],
  ['NATURAL JOIN', 'SELECT x FROM t NATURAL JOIN t AS u'],
  ['JOIN ... USING (columns)', 'SELECT x FROM t JOIN t AS u USING (x, s)'],
  ['ASOF JOIN', 'SELECT t.x FROM t ASOF JOIN t AS u MATCH_CONDITION (t.ts >= u.ts) ON t.x = u.x'],
  ['LEFT ASOF JOIN', 'SELECT t.x FROM t LEFT ASOF JOIN t AS u MATCH_CONDITION (t.ts >= u.ts) ON t.x = u.x'],
  [
    'UNION [ALL] / EXCEPT / MINUS / INTERSECT',
    'SELECT x FROM t UNION ALL SELECT x FROM t EXCEPT SELECT x FROM t MINUS SELECT x FROM t INTERSECT SELECT x FROM t',
  ],
  ['EXCEPT ALL / MINUS ALL', 'SELECT x FROM t EXCEPT ALL SELECT x FROM t'],
  ['INTERSECT ALL', 'SELECT x FROM t INTERSECT ALL SELECT x FROM t'],
  [
    'IN / EXISTS / scalar subqueries',
    'SELECT x FROM t WHERE x IN (SELECT x FROM t) AND EXISTS (SELECT 1 FROM t)',
  ],
  ['ORDER BY ... LIMIT / OFFSET (top-k)', 'SELECT x FROM t ORDER BY x LIMIT 3 OFFSET 1'],
  [
    'WITH (common table expressions)',
    'WITH w AS (SELECT x FROM t), w2 (y) AS (SELECT x FROM w) SELECT x FROM w JOIN w2 ON x = y',
  ],
  [
    'WITH RECURSIVE (Feldera has recursive views instead)',
    'WITH RECURSIVE w AS (SELECT x FROM t) SELECT x FROM w',
  ],
  [
    'recursive views (DECLARE RECURSIVE VIEW)',
    'CREATE VIEW r AS SELECT x FROM t UNION SELECT x + 1 FROM r WHERE x < 10',
    'DECLARE RECURSIVE VIEW r (x INT);',
  ],
  [
    'SQL functions (CREATE FUNCTION ... AS expr)',
    'SELECT f(x) FROM t',
    'CREATE FUNCTION f(n INT) RETURNS INT AS n + 1;',
  ],
  ['Rust functions (CREATE FUNCTION without AS)', 'SELECT x FROM t', 'CREATE FUNCTION r(n INT) RETURNS INT;'],
  ['CREATE INDEX on a view', 'SELECT x, s FROM t', '', 'CREATE INDEX i ON v(x);'],
  ['UNNEST [WITH ORDINALITY]', 'SELECT y, i FROM t, UNNEST(t.a) WITH ORDINALITY AS u(y, i)'],
  ['CROSS JOIN UNNEST of a MAP', "SELECT k FROM t CROSS JOIN UNNEST(MAP['k', t.x]) AS u(k, v)"],
  ['UNNEST of several collections (Feldera refuses it too)', 'SELECT y FROM t, UNNEST(t.a, t.a) AS u(y, z)'],
  [
    'LEFT JOIN UNNEST reading the left side (Feldera 0.312 computes the inner join)',
    'SELECT y FROM t LEFT JOIN UNNEST(t.a) AS u(y) ON TRUE',
  ],
  [
    'outer joins, USING, NATURAL with an UNNEST reading no left column',
    'SELECT y FROM t FULL JOIN UNNEST(ARRAY[1]) AS u(y) ON t.x = y NATURAL JOIN UNNEST(ARRAY[2]) AS w(x)',
  ],
  ['window functions (OVER)', 'SELECT ROW_NUMBER() OVER (ORDER BY x) FROM t'],
  ['aggregate FILTER (WHERE ...)', 'SELECT COUNT(*) FILTER (WHERE x > 0) FROM t'],
  [
    'GROUP BY ROLLUP / CUBE / GROUPING SETS [DISTINCT], GROUPING(...)',
    'SELECT x, s, GROUPING(x, s) AS g FROM t GROUP BY DISTINCT ROLLUP(x), CUBE(s), GROUPING SETS ((x), ())',
  ],
  ['TUMBLE / HOP', 'SELECT * FROM TABLE(TUMBLE(TABLE t, DESCRIPTOR(ts), INTERVAL 1 HOUR))'],
  ['(a - b) UNIT interval differences', 'SELECT (ts - ts) DAY AS d FROM t'],
  [
    'period predicates (OVERLAPS, CONTAINS, EQUALS, [IMMEDIATELY] PRECEDES / SUCCEEDS)',
    "SELECT (ts, INTERVAL '1' DAY) OVERLAPS (ts, ts) AS o, (ts, ts) CONTAINS ts AS c FROM t",
  ],
  ['NOW()', 'SELECT NOW() AS n FROM t'],
  ["view property 'emit_final'", "CREATE VIEW w WITH ('emit_final' = 'x') AS SELECT x FROM t"],
  [
    'ARRAY / MAP / ROW constructors, subscripts, fields',
    "SELECT ARRAY[x][1] AS a, MAP['k', x]['k'] AS m, ROW(x, s).EXPR$0 AS r FROM t",
  ],
  ['LIKE / ILIKE / RLIKE', "SELECT s LIKE 'a%' AS l, s ILIKE 'A%' AS i, s RLIKE 'a+' AS r FROM t"],
  ['SIMILAR TO (Feldera refuses it too)', "SELECT s SIMILAR TO 'a' FROM t"],
  [
    'column DEFAULT values',
    'SELECT x FROM t',
    "CREATE TABLE d (k INT DEFAULT 1 + 1, m VARCHAR DEFAULT CAST(CONNECTOR_METADATA()['kafka_topic'] AS VARCHAR));",
  ],
];

/** Functions that exist only in a table column's DEFAULT expression (src/sql/column-default.ts). */
const DEFAULT_ONLY: ReadonlySet<string> = new Set(['CONNECTOR_METADATA']);

/** Functions of which only some forms are implemented (the others are refused at the call). */
const PARTIAL: ReadonlyMap<string, string> = new Map([['DATE', 'supported: `DATE(string)` only']]);

/** Names in Feldera's function index that are operators of the period predicate syntax, not calls. */
const PERIOD_OPERATORS: ReadonlySet<string> = new Set([
  'CONTAINS',
  'EQUALS',
  'OVERLAPS',
  'PRECEDES',
  'SUCCEEDS',
]);

function status(program: string): string {
  const r = compileProgram(program);
  if (r.ok) return 'supported';
  const e = r.errors[0]!;
  return e.error_type === 'Not yet implemented'
    ? 'refused: Not yet implemented'
    : `error: ${withoutValidatorContext(e)}`;
}

function typeStatus(type: string): string {
  // Refused as a column (sql/timestamp-tz.ts), computed inside queries.
  if (type.endsWith('(inside a query)'))
    return status(
      `CREATE TABLE t (x TIMESTAMP); CREATE VIEW v AS SELECT HOUR(CAST(x AS ${type.split(' (')[0]})) AS h FROM t;`,
    );
  if (type.startsWith('a user-defined'))
    return status(
      'CREATE TYPE u AS (a INT, b VARCHAR); CREATE TABLE t (x u); CREATE VIEW v AS SELECT x FROM t;',
    );
  return status(`CREATE TABLE t (x ${type}); CREATE LOCAL VIEW v AS SELECT x FROM t;`);
}

const TABLE = 'CREATE TABLE t (x INT, s VARCHAR, a INT ARRAY, ts TIMESTAMP);';

function table(header: [string, string], rows: [string, string][]): string {
  return [
    `| ${header[0]} | ${header[1]} |`,
    '| --- | --- |',
    ...rows.map(([a, b]) => `| ${a} | ${b} |`),
  ].join('\n');
}

/** The generated part of docs/sql.md, markers included. */
export function renderSqlCoverage(): string {
  const names = (all: ReadonlySet<string>, implemented: ReadonlyMap<string, unknown>): [string, string][] =>
    [...all]
      .sort()
      .map((n) => [
        `\`${n}\``,
        PARTIAL.has(n)
          ? PARTIAL.get(n)!
          : implemented.has(n) || SYNTAX_FORMS.has(n)
            ? 'supported'
            : DEFAULT_ONLY.has(n)
              ? 'supported (in a column DEFAULT only)'
              : PERIOD_OPERATORS.has(n)
                ? 'supported (period predicate operator)'
                : INDEX_ALIASES.has(n)
                  ? `supported as \`${INDEX_ALIASES.get(n)}\` (the index's name for it; \`${n}(x)\` is not a function, as in Feldera)`
                  : 'refused: Not yet implemented',
      ]);
  const counts = (rows: [string, string][]) =>
    `${rows.filter(([, s]) => s.startsWith('supported')).length} of ${rows.length}`;
  const types = TYPES.map((t): [string, string] => [`\`${t}\``, typeStatus(t)]);
  const forms = FORMS.map(([name, sql, before = '', after = '']): [string, string] => [
    name,
    status(
      sql.startsWith('CREATE ')
        ? `${TABLE} ${before} ${sql}; ${after}`
        : `${TABLE} ${before} CREATE LOCAL VIEW v AS ${sql}; ${after}`,
    ),
  ]);
  const functions = names(FELDERA_FUNCTIONS, FUNCTIONS);
  const aggregates = names(FELDERA_AGGREGATES, AGGREGATES);
  return [
    BEGIN,
    '',
    `### Types (${counts(types)} supported)`,
    '',
    table(['type', 'status'], types),
    '',
    `### Query forms (${counts(forms)} supported)`,
    '',
    table(['form', 'status'], forms),
    '',
    `### Scalar functions (${counts(functions)} supported)`,
    '',
    table(['function', 'status'], functions),
    '',
    `### Aggregates (${counts(aggregates)} supported)`,
    '',
    table(['aggregate', 'status'], aggregates),
    '',
    END,
  ].join('\n');
}
