/**
 * Binding of INTERVAL expressions and of arithmetic on dates, times, timestamps and intervals,
 * with Calcite's rules as Feldera uses them (its reference, "Date- and Time-Related Operations"):
 *
 * - `INTERVAL 'text' qualifier` is a literal; `INTERVAL expr qualifier` converts a string (read
 *   as the qualifier's text) or a number of units (single-field qualifiers only);
 * - `(a - b) qualifier` is the difference of two dates, times or timestamps as an interval of
 *   that qualifier; a plain `a - b` of two of them is not SQL and is refused, as Calcite does;
 * - a date, time or timestamp plus or minus an interval keeps its type (a DATE moves by whole
 *   days, a TIME wraps around midnight and ignores long intervals);
 * - intervals of one kind add and subtract, giving the qualifier that spans both operands;
 *   intervals multiply and divide by numbers and keep their type.
 */
import { intervalType, isSingleField, parseInterval, unionIntervalType } from '../engine/values/interval.js';
import {
  type ColumnType,
  isDateTimeType,
  isIntervalType,
  isLongIntervalType,
  isNumericType,
  isStringType,
  typeToSql,
} from '../engine/values/types.js';
import type * as ast from './ast.js';
import { call, coerce, fail, lit } from './coercion.js';
import { type Span, SqlError } from './messages.js';
import type { Expr, FunctionName } from './plan.js';

const TIMESTAMP: ColumnType = { type: 'TIMESTAMP', nullable: false, precision: 0 };

/** The interval type of a qualifier, or a located error for one SQL does not have (`MONTH TO DAY`). */
export function qualifiedType(
  from: ast.IntervalUnit,
  to: ast.IntervalUnit | null,
  nullable: boolean,
  span: Span,
): ColumnType {
  const t = intervalType(from, to === from ? null : to, nullable);
  return t ?? fail(span, `Illegal interval qualifier ${from} TO ${to}`);
}

/** `INTERVAL 'text' qualifier`. */
export function bindIntervalLiteral(e: Extract<ast.Expr, { kind: 'interval' }>): Expr {
  const t = qualifiedType(e.from, e.to, false, e.span);
  const v = parseInterval(e.text, t);
  if (v === undefined)
    fail(e.span, `Illegal interval literal format '${e.text}' for ${typeToSql({ ...t, nullable: true })}`);
  return lit(v, t);
}

/** `INTERVAL expr qualifier`: a cast of a string, or of a number of the (single) unit. */
export function bindIntervalOf(operand: Expr, e: Extract<ast.Expr, { kind: 'intervalOf' }>): Expr {
  const t = qualifiedType(e.from, e.to, operand.type.nullable, e.span);
  const ok =
    operand.type.type === 'NULL' ||
    isStringType(operand.type) ||
    (isNumericType(operand.type) && isSingleField(t));
  if (!ok) fail(e.span, `Cannot convert ${typeToSql(operand.type)} to ${typeToSql(t)}`);
  return coerce(operand, t, e.span);
}

/** `(left - right) qualifier`. */
export function bindIntervalDiff(
  left: Expr,
  right: Expr,
  e: Extract<ast.Expr, { kind: 'intervalDiff' }>,
): Expr {
  const nullable = left.type.nullable || right.type.nullable;
  const t = qualifiedType(e.from, e.to, nullable, e.span);
  const [l0, r0] = onUtcTimestamps([left, right]);
  let l = l0!;
  let r = r0!;
  const lt = l.type.type === 'NULL' ? r.type : l.type;
  const rt = r.type.type === 'NULL' ? l.type : r.type;
  // The message names the operand types as written (before onUtcTimestamps).
  const [wl, wr] = [left.type.type === 'NULL' ? right : left, right.type.type === 'NULL' ? left : right];
  const refuse = (): never =>
    fail(
      e.span,
      `Cannot apply '-' to arguments of type '<${typeToSql({ ...wl.type, nullable: true })}> - <${typeToSql({ ...wr.type, nullable: true })}>' with an interval qualifier`,
    );
  if (lt.type === 'TIMESTAMP_TZ' || rt.type === 'TIMESTAMP_TZ')
    fail(
      e.span,
      `The difference of ${typeToSql({ ...lt, nullable: true })} and ${typeToSql({ ...rt, nullable: true })} is not yet implemented`,
      'Not yet implemented',
    );
  if (!isDateTimeType(lt) || !isDateTimeType(rt)) refuse();
  if (lt.type !== rt.type) {
    // A DATE meets a TIMESTAMP as the midnight starting it; TIME meets neither.
    if (lt.type === 'TIME' || rt.type === 'TIME') refuse();
    l = coerce(l, { ...TIMESTAMP, nullable: l.type.nullable });
    r = coerce(r, { ...TIMESTAMP, nullable: r.type.nullable });
  } else {
    l = coerce(l, { ...lt, nullable: l.type.nullable });
    r = coerce(r, { ...rt, nullable: r.type.nullable });
  }
  if (lt.type === 'TIME' && isLongIntervalType(t)) refuse();
  // A DAY TO SECOND difference prints without a zero fraction (see values/interval.ts).
  return call('interval_diff', [l, r], t.type === 'INTERVAL_DAY_SECOND' ? { ...t, precision: 0 } : t);
}

/**
 * Operands with TIMESTAMP WITH TIME ZONE values as the TIMESTAMPs of their UTC time, the
 * arithmetic of which is Feldera's for the type (it keeps only the UTC instant; "any operation
 * available on TIMESTAMP also applies"). Left as they are when a DATE, TIME or TIMESTAMP is
 * among them: how Feldera combines those with an instant is not known, so the binder refuses.
 */
function onUtcTimestamps(operands: Expr[]): Expr[] {
  const dated = operands.filter((o) => isDateTimeType(o.type) || o.type.type === 'TIMESTAMP_TZ');
  if (!dated.some((o) => o.type.type === 'TIMESTAMP_TZ') || dated.some((o) => isDateTimeType(o.type)))
    return operands;
  return operands.map((o) =>
    o.type.type === 'TIMESTAMP_TZ' ? coerce(o, { ...TIMESTAMP, nullable: o.type.nullable }) : o,
  );
}

/** `cannot`'s error for an instant met by a DATE, TIME or TIMESTAMP, as not yet implemented. */
function refuseMixed(cannot: () => never): never {
  try {
    return cannot();
  } catch (err) {
    if (err instanceof SqlError) throw new SqlError(err.span, 'Not yet implemented', err.message);
    throw err;
  }
}

/**
 * `l op r` where an operand is a date, time, timestamp or interval; undefined when neither is.
 * `cannot` reports operands that do not combine.
 */
export function bindTemporalArithmetic(
  fn: FunctionName,
  l: Expr,
  r: Expr,
  cannot: () => never,
): Expr | undefined {
  if (l.type.type === 'TIMESTAMP_TZ' || r.type.type === 'TIMESTAMP_TZ') {
    const [ul, ur] = onUtcTimestamps([l, r]);
    if (ul!.type.type === 'TIMESTAMP_TZ' || ur!.type.type === 'TIMESTAMP_TZ') return refuseMixed(cannot);
    const bound = bindTemporalArithmetic(fn, ul!, ur!, cannot)!;
    if (bound.type.type !== 'TIMESTAMP') return bound;
    return coerce(bound, { type: 'TIMESTAMP_TZ', nullable: bound.type.nullable, precision: 6 });
  }
  const nullable = l.type.nullable || r.type.nullable;
  const lt = l.type.type === 'NULL' ? r.type : l.type;
  const rt = r.type.type === 'NULL' ? l.type : r.type;
  const temporal = (t: ColumnType) => isDateTimeType(t) || isIntervalType(t);
  if (!temporal(lt) && !temporal(rt)) return undefined;
  const additive = fn === 'add' || fn === 'sub';
  if (additive && isDateTimeType(lt) && isIntervalType(rt))
    return call(
      fn,
      [coerce(l, { ...lt, nullable: l.type.nullable }), coerce(r, { ...rt, nullable: r.type.nullable })],
      {
        ...lt,
        nullable,
      },
    );
  if (fn === 'add' && isIntervalType(lt) && isDateTimeType(rt))
    return bindTemporalArithmetic(fn, r, l, cannot);
  if (additive && isIntervalType(lt) && isIntervalType(rt)) {
    if (isLongIntervalType(lt) !== isLongIntervalType(rt)) cannot();
    const operands = [
      coerce(l, { ...lt, nullable: l.type.nullable }),
      coerce(r, { ...rt, nullable: r.type.nullable }),
    ];
    return call(fn, operands, unionIntervalType(lt, rt, nullable));
  }
  if ((fn === 'mul' || fn === 'div') && isIntervalType(lt) && isNumericType(rt)) {
    // A NULL factor still needs a numeric type for its kernel.
    const factor = r.type.type === 'NULL' ? coerce(r, { type: 'INTEGER', nullable: true }) : r;
    return call(fn, [coerce(l, { ...lt, nullable: l.type.nullable }), factor], { ...lt, nullable });
  }
  if (fn === 'mul' && isNumericType(lt) && isIntervalType(rt))
    return bindTemporalArithmetic(fn, r, l, cannot);
  return cannot();
}
