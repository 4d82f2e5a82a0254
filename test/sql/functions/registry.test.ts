/**
 * The function and aggregate libraries as a whole: every SQL name binds to a kernel that
 * exists, illegal argument types and unimplemented Feldera functions are located compile-time
 * errors in Feldera's words, and unsupported query forms are refused, never a raw parser error.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AGGREGATE_KERNELS } from '../../../src/engine/aggregates/index.js';
import { KERNELS } from '../../../src/engine/functions/index.js';
import type { ColumnType } from '../../../src/engine/values/types.js';
import { AGGREGATES, FELDERA_AGGREGATES } from '../../../src/sql/aggregates/index.js';
import { FELDERA_FUNCTIONS, FUNCTIONS } from '../../../src/sql/functions/index.js';
import type { CallSite } from '../../../src/sql/functions/signature.js';
import type { Expr } from '../../../src/sql/plan.js';
import { compileError } from '../../helpers/sql-eval.js';

const SPAN = { startLine: 1, startCol: 1, endLine: 1, endCol: 1 };

const INT: ColumnType = { type: 'INTEGER', nullable: true };
const TYPES: ColumnType[] = [
  ...(['VARCHAR', 'INTEGER', 'DOUBLE', 'TIMESTAMP', 'BOOLEAN', 'VARIANT'] as const).map(
    (type): ColumnType => ({ type, nullable: true, precision: -1 }),
  ),
  { type: 'ARRAY', nullable: true, component: INT },
  { type: 'MAP', nullable: true, key: { ...INT, nullable: false }, value: INT },
];

/** Every list of up to three arguments of the sample types, to find a form each function accepts. */
const SAMPLES: Expr[][] = [[]];
for (let n = 1; n <= 3; n++)
  for (const prefix of SAMPLES.filter((s) => s.length === n - 1))
    for (const type of TYPES) SAMPLES.push([...prefix, { kind: 'col', index: 0, type }]);
const sample = (type: string): Expr => ({
  kind: 'col',
  index: 0,
  type: { type, nullable: true } as Expr['type'],
});
// Longer and interval argument lists (MAKE_TIMESTAMP's six parts, DATE_ADD's interval).
SAMPLES.push(
  Array.from({ length: 6 }, () => sample('INTEGER')),
  [sample('TIMESTAMP'), sample('INTERVAL_DAY')],
  [sample('TIME')],
);
/** Time unit keywords for the functions that take one (TIME_TRUNC takes no DAY). */
const UNITS = ['DAY', 'HOUR'];

/** Kernel ids in a bound expression tree. */
function kernelIds(e: Expr, out: string[] = []): string[] {
  if (e.kind === 'call') {
    out.push(e.fn);
    for (const a of e.args) kernelIds(a, out);
  } else if (e.kind === 'cast') kernelIds(e.arg, out);
  return out;
}

const CORE = new Set([
  'and',
  'or',
  'not',
  'eq',
  'ne',
  'lt',
  'le',
  'gt',
  'ge',
  'add',
  'sub',
  'mul',
  'div',
  'mod',
  'coalesce',
  'array',
  // NOW(): the planner replaces it by the clock input's column (sql/now.ts).
  'now',
]);

/** Functions bound outside the registry: inside a subscript (SAFE_OFFSET) or with a lambda. */
const CONTEXTUAL = new Set(['SAFE_OFFSET', 'TRANSFORM', 'ARRAY_EXISTS']);

describe('function registry', () => {
  test('every function binds, for some arguments, to kernels that exist', () => {
    for (const [name, bind] of FUNCTIONS) {
      if (CONTEXTUAL.has(name)) continue;
      let bound = false;
      for (const [args, unit] of SAMPLES.flatMap((a) => UNITS.map((u) => [a, u] as const))) {
        // Functions that take a time unit keyword get one; the others ignore it.
        const site: CallSite = {
          name,
          args,
          span: SPAN,
          argSpan: () => SPAN,
          unit: { name: unit, span: SPAN },
        };
        let e: Expr;
        try {
          e = bind(site);
        } catch {
          continue;
        }
        bound = true;
        for (const id of kernelIds(e))
          assert.ok(KERNELS.has(id) || CORE.has(id), `${name} binds to unknown kernel '${id}'`);
      }
      assert.ok(bound, `${name} accepted none of the sample argument lists`);
    }
  });

  test('every aggregate names a kernel that exists; the reference lists every one', () => {
    for (const name of AGGREGATES.keys()) assert.ok(FELDERA_AGGREGATES.has(name), name);
    for (const id of ['count', 'count_star', 'sum', 'avg', 'min', 'max'])
      assert.ok(AGGREGATE_KERNELS.has(id), id);
    for (const name of FUNCTIONS.keys())
      assert.ok(FELDERA_FUNCTIONS.has(name), `${name} is not in Feldera's function index`);
  });
});

describe('compile-time errors', () => {
  test('illegal argument types, in Feldera words, at the call', () => {
    assert.equal(
      compileError('UPPER(ARRAY[x])'),
      "Compilation error @2:25: Cannot apply 'UPPER' to arguments of type 'UPPER(<INTEGER ARRAY>)'. Supported form(s): 'UPPER(<STRING>)'",
    );
    assert.equal(
      compileError('SUBSTRING(s, s)'),
      "Compilation error @2:25: Cannot apply 'SUBSTRING' to arguments of type 'SUBSTRING(<VARCHAR>, <VARCHAR>)'. Supported form(s): 'SUBSTRING(<STRING>, <INTEGER>)', 'SUBSTRING(<STRING>, <INTEGER>, <INTEGER>)'",
    );
    assert.match(compileError('ROUND(s = s)'), /^Compilation error @2:25: Cannot apply 'ROUND'/);
    assert.match(
      compileError('FOO(x)'),
      /^Function not found @2:25: No match found for function signature FOO\(INTEGER\)/,
    );
  });

  test("Feldera's functions and query forms that Sluice lacks are refused as Not yet implemented", () => {
    const refused: [string, string][] = [
      ['ARRAY_AGG(DISTINCT x ORDER BY x)', 'ARRAY_AGG with both DISTINCT and ORDER BY is not supported'],
      [
        '* FROM t, UNNEST(a, a) AS u(y, z) --',
        'UNNEST of more than one collection is not supported (Feldera refuses it too)',
      ],
      ['ROW_NUMBER() OVER ()', 'Window functions (OVER) are not supported'],
    ];
    for (const [select, message] of refused) {
      const error = compileError(select, 'x INT, ts TIMESTAMP, a INT ARRAY');
      assert.match(error, /^Not yet implemented @2:\d+: /, select);
      assert.ok(error.endsWith(message), `${select}: ${error}`);
    }
  });
});
