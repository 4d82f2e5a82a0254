/**
 * The period predicates of Feldera's reference ("Period predicate DATE/TIME/TIMESTAMP
 * operators"): `(s1, e1) OVERLAPS (s2, e2)`, CONTAINS, EQUALS, PRECEDES, SUCCEEDS and the
 * IMMEDIATELY forms. They are rewritten, before binding, into the comparisons Calcite's
 * StandardConvertletTable expands them to, so every type rule and NULL rule is the one of `<=`:
 *
 * - an end that is an interval is the start plus that interval;
 * - each period is sorted: its start is `CASE WHEN s <= e THEN s ELSE e END`, its end the
 *   other one (so `(e, s)` means `(s, e)`, as the reference says);
 * - then OVERLAPS is `e1 >= s2 AND e2 >= s1`, CONTAINS `s1 <= s2 AND e1 >= e2` (a single value
 *   is a period of one point), EQUALS `s1 = s2 AND e1 = e2`, PRECEDES `e1 <= s2`, IMMEDIATELY
 *   PRECEDES `e1 = s2`, SUCCEEDS `s1 >= e2`, IMMEDIATELY SUCCEEDS `s1 = e2`.
 */
import { type ColumnType, isDateTimeType, isIntervalType, typeToSql } from '../engine/values/types.js';
import type * as ast from './ast.js';
import { fail } from './coercion.js';

type Period = { start: ast.Expr; end: ast.Expr };

/**
 * The comparisons a period predicate stands for, as an expression to bind. `typeOf` binds an
 * operand to learn whether a period's end is an interval.
 */
export function expandPeriod(
  e: Extract<ast.Expr, { kind: 'period' }>,
  typeOf: (x: ast.Expr) => ColumnType,
): ast.Expr {
  const span = e.span;
  const bin = (op: string, left: ast.Expr, right: ast.Expr): ast.Expr => ({
    kind: 'binary',
    op,
    left,
    right,
    span,
  });
  const period = ([s, end]: ast.Expr[]): Period => {
    for (const x of [s!, end ?? s!]) {
      const t = typeOf(x);
      if (t.type === 'TIMESTAMP_TZ')
        fail(
          x.span,
          `${e.op} of TIMESTAMP WITH TIME ZONE periods is not yet implemented`,
          'Not yet implemented',
        );
      if (!(isDateTimeType(t) || t.type === 'NULL' || (x === end && isIntervalType(t))))
        fail(x.span, `${e.op} needs DATE, TIME or TIMESTAMP periods, got ${typeToSql(t)}`);
    }
    const e2 = end ?? s!;
    const last = end && isIntervalType(typeOf(end)) ? bin('+', s!, end) : e2;
    const ordered = bin('<=', s!, last);
    const pick = (a: ast.Expr, b: ast.Expr): ast.Expr => ({
      kind: 'case',
      operand: null,
      whens: [{ when: ordered, result: a }],
      else: b,
      span,
    });
    return { start: pick(s!, last), end: pick(last, s!) };
  };
  const a = period(e.left);
  const b = period(e.right);
  switch (e.op) {
    case 'OVERLAPS':
      return bin('AND', bin('>=', a.end, b.start), bin('>=', b.end, a.start));
    case 'CONTAINS':
      return bin('AND', bin('<=', a.start, b.start), bin('>=', a.end, b.end));
    case 'EQUALS':
      return bin('AND', bin('=', a.start, b.start), bin('=', a.end, b.end));
    case 'PRECEDES':
      return bin('<=', a.end, b.start);
    case 'IMMEDIATELY PRECEDES':
      return bin('=', a.end, b.start);
    case 'SUCCEEDS':
      return bin('>=', a.start, b.end);
    case 'IMMEDIATELY SUCCEEDS':
      return bin('=', a.start, b.end);
  }
}
