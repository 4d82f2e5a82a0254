/**
 * Binding of `CAST(x AS t)`, `x::t` and `SAFE_CAST(x AS t)` (Feldera's reference, "Casts and
 * Data Type Conversions"). A pair of types the engine cannot convert is a compile-time error
 * in Feldera's words. SAFE_CAST gives NULL where CAST fails at run time (a string that is not a
 * number, a value out of the target's range), so its type is nullable; like Feldera, it
 * refuses ROW and user-defined targets.
 */
import { castCanBeNull, makeCast } from '../engine/values/cast.js';
import { ValueError } from '../engine/values/errors.js';
import { type ColumnType, sameBaseType, typeToSql } from '../engine/values/types.js';
import { coerce, fail, lit, refuseTimestampTzCast } from './coercion.js';
import type { Span } from './messages.js';
import type { Expr } from './plan.js';

/** Binds a cast of the bound `operand` to `target` (already resolved, nullability aside). */
export function bindCast(operand: Expr, target: ColumnType, safe: boolean, span: Span): Expr {
  const from = operand.type;
  if (safe && target.type === 'STRUCT')
    fail(span, `SAFE_CAST cannot be used to convert ${typeToSql(from)} to ${typeToSql(target)}`);
  const nullable = from.nullable || safe || castCanBeNull(from, target);
  const to = { ...target, nullable };
  try {
    makeCast(from, to);
  } catch {
    refuseTimestampTzCast(span, from, to);
    return fail(
      span,
      `Cast function cannot convert value of type ${typeToSql(from)} to type ${typeToSql(to)}`,
    );
  }
  if (!safe || sameBaseType(from, to)) return coerce(operand, to, span);
  if (operand.kind === 'lit') {
    try {
      return lit(makeCast(from, to)(operand.value), to);
    } catch (err) {
      if (err instanceof ValueError) return lit(null, to);
      throw err;
    }
  }
  return { kind: 'cast', arg: operand, type: to, safe: true };
}
