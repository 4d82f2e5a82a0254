/**
 * Implicit conversions and operator typing shared by the expression binders: coercing an
 * expression to a type (folding literal casts), unifying operands at their common type, and
 * the result types of arithmetic, including the date/time/interval combinations.
 */
import { fromHex } from '../engine/values/binary.js';
import { castCanBeNull, makeCast } from '../engine/values/cast.js';
import { ValueError } from '../engine/values/errors.js';
import {
  type ColumnType,
  hasTimestampTz,
  isBinaryType,
  isDateTimeType,
  isIntegerType,
  isNumericType,
  isStringType,
  sameBaseType,
  typeToSql,
} from '../engine/values/types.js';
import type { Value } from '../engine/values/value.js';
import { type Span, SqlError } from './messages.js';
import type { Expr, FunctionName } from './plan.js';
import { VALIDATION_ERROR } from './scope.js';
import { additiveType, divisionType, leastRestrictive, modType, multiplicativeType } from './typing.js';

export const BOOLEAN: ColumnType = { type: 'BOOLEAN', nullable: false };
export const BIGINT: ColumnType = { type: 'BIGINT', nullable: false };
export const VARCHAR: ColumnType = { type: 'VARCHAR', nullable: false, precision: -1 };

export function fail(span: Span, message: string, type = VALIDATION_ERROR): never {
  throw new SqlError(span, type, message);
}

export function lit(value: Value, type: ColumnType): Expr {
  return { kind: 'lit', value, type };
}

export function call(fn: FunctionName, args: Expr[], type: ColumnType, unit?: string): Expr {
  const e: Expr = { kind: 'call', fn, args, type };
  if (unit !== undefined) e.unit = unit;
  return e;
}

/**
 * The refusal of a conversion between TIMESTAMP WITH TIME ZONE and a type other than
 * TIMESTAMP, DATE or TIME (engine/values/cast.ts): Feldera has them, Sluice not yet.
 */
export function refuseTimestampTzCast(span: Span, from: ColumnType, to: ColumnType): void {
  if (!hasTimestampTz(from) && !hasTimestampTz(to)) return;
  fail(
    span,
    `Conversion from ${typeToSql(from)} to ${typeToSql(to)} is not yet implemented (TIMESTAMP WITH TIME ZONE converts to and from TIMESTAMP and DATE, and to TIME)`,
    'Not yet implemented',
  );
}

/** Converts `e` to type `to` (a no-op when only nullability differs); folds literal casts. */
export function coerce(e: Expr, to: ColumnType, span?: Span): Expr {
  if (sameBaseType(e.type, to))
    return e.type.nullable === to.nullable || e.kind !== 'lit' ? e : { ...e, type: to };
  if (span && (hasTimestampTz(e.type) || hasTimestampTz(to))) {
    try {
      makeCast(e.type, to);
    } catch (err) {
      if (!(err instanceof ValueError)) throw err;
      refuseTimestampTzCast(span, e.type, to);
    }
  }
  if (e.kind === 'lit') {
    try {
      const v = makeCast(e.type, to)(e.value);
      return lit(v, { ...to, nullable: v === null });
    } catch (err) {
      if (err instanceof ValueError && span) fail(span, `Cannot convert literal: ${err.message}`);
      if (!(err instanceof ValueError)) throw err;
    }
  }
  return { kind: 'cast', arg: e, type: { ...to, nullable: e.type.nullable || castCanBeNull(e.type, to) } };
}

export function toBoolean(e: Expr, span: Span): Expr {
  if (e.type.type === 'BOOLEAN') return e;
  if (e.type.type === 'NULL') return lit(null, { type: 'BOOLEAN', nullable: true });
  return fail(span, `Expected a BOOLEAN expression, got ${typeToSql(e.type)}`);
}

/**
 * Converts operands to their common type: the type they are compared at (`compare`, the
 * default) or the type that holds each of them (`result`: COALESCE and the like). A string
 * literal meeting a non-string operand is converted to that operand's type
 * (`d > '2024-01-01'`), as Calcite does; for `result`, strings meeting numbers, dates or
 * booleans make the result VARCHAR (Calcite's string promotion for CASE and COALESCE).
 */
export function unify(
  operands: Expr[],
  span: Span,
  what: string,
  mode: 'compare' | 'result' = 'compare',
): Expr[] {
  const compare = mode === 'compare';
  const args = operands.some((a) => isBinaryType(a.type))
    ? operands.map((a) => hexLiteralAsBinary(a, span))
    : operands;
  let target = leastRestrictive(
    args.map((a) => a.type),
    compare,
  );
  if (target === null && !compare) target = promoteToVarchar(args.map((a) => a.type));
  if (target === null) {
    const nonLiteral = args.filter((a) => !(a.kind === 'lit' && isStringType(a.type)));
    target = leastRestrictive(
      nonLiteral.map((a) => a.type),
      compare,
    );
    if (target === null || nonLiteral.length === 0)
      fail(
        span,
        `Cannot apply ${what} to arguments of type ${args.map((a) => typeToSql(a.type)).join(', ')}`,
        // Feldera may convert these (which way is not known here): a refusal, not a type error.
        args.some((a) => hasTimestampTz(a.type)) ? 'Not yet implemented' : VALIDATION_ERROR,
      );
  }
  if (target.type === 'NULL') target = { type: 'BOOLEAN', nullable: true };
  return args.map((a) => coerce(a, { ...target, nullable: a.type.nullable }, span));
}

/**
 * A character literal meeting a binary operand is read as hexadecimal digits, all of them, as
 * Calcite converts it, not cast to the operand's type: on a column declared `BINARY` (one byte)
 * holding x'0b1620' as sent, `b = '0b1620'` compares all three bytes and is TRUE, where a cast
 * to BINARY(1) would keep one byte (Feldera's held-back comparison tests).
 * Other expressions are returned as they are.
 */
function hexLiteralAsBinary(e: Expr, span: Span): Expr {
  if (e.kind !== 'lit' || !isStringType(e.type) || e.value === null) return e;
  const bytes = fromHex(e.value as string);
  if (!bytes) return fail(span, `Cannot convert literal: '${e.value}' is not hexadecimal digits`);
  return lit(bytes, { type: 'VARBINARY', nullable: false, precision: -1 });
}

/**
 * VARCHAR when the types are strings and scalars that print as text (numbers, booleans,
 * dates and times), for Calcite's string promotion; otherwise null.
 */
export function promoteToVarchar(types: readonly ColumnType[]): ColumnType | null {
  const scalar = (t: ColumnType) =>
    t.type === 'NULL' || isStringType(t) || isNumericType(t) || isDateTimeType(t) || t.type === 'BOOLEAN';
  if (!types.every(scalar) || !types.some(isStringType)) return null;
  return { ...VARCHAR, nullable: types.some((t) => t.nullable) };
}

/** Arithmetic on numbers (dates, times and intervals are intervals.ts's). */
export function bindArithmetic(op: string, l: Expr, r: Expr, span: Span): Expr {
  const nullable = l.type.nullable || r.type.nullable;
  const lt = l.type.type === 'NULL' ? r.type : l.type;
  const rt = r.type.type === 'NULL' ? l.type : r.type;
  const cannot = (): never =>
    fail(span, `Cannot apply '${op}' to arguments of type ${typeToSql(l.type)} and ${typeToSql(r.type)}`);
  const fn: FunctionName =
    op === '+' ? 'add' : op === '-' ? 'sub' : op === '*' ? 'mul' : op === '/' ? 'div' : 'mod';
  if (isNumericType(lt) && isNumericType(rt)) {
    const t =
      op === '+' || op === '-'
        ? additiveType(lt, rt)
        : op === '*'
          ? multiplicativeType(lt, rt)
          : op === '/'
            ? divisionType(lt, rt)
            : modType(lt, rt);
    // DECIMAL operands keep their own scales (the engine aligns them exactly); others meet at t.
    const operand = (x: Expr, xt: ColumnType) =>
      t.type === 'DECIMAL'
        ? coerce(
            x,
            isIntegerType(xt) || x.type.type === 'NULL'
              ? { type: 'DECIMAL', nullable: x.type.nullable, precision: 19, scale: 0 }
              : xt,
          )
        : coerce(x, { ...t, nullable: x.type.nullable });
    return call(fn, [operand(l, lt), operand(r, rt)], { ...t, nullable });
  }
  return cannot();
}
