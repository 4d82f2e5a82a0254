/**
 * A table column's `DEFAULT expr` (Feldera's reference, "DEFAULT column values"): the value a
 * JSON record that omits the column gets (src/runtime/formats/ingress.ts).
 *
 * Feldera allows only deterministic expressions (no `NOW()`) that read no column; its
 * adapters fill the default in while they parse a record, so the expression is evaluated
 * outside the circuit. `CONNECTOR_METADATA()` is allowed here and only here: Feldera gives it a
 * value per record from the connector that read the record, and only its Kafka input has
 * metadata (topic, partition, offset, timestamp, headers); its HTTP ingress, datagen and the
 * other inputs Sluice has give none, so the function is a NULL `VARIANT` in every Sluice
 * pipeline. A DEFAULT therefore always has one value, which the engine computes when the
 * program compiles (src/engine/defaults.ts); a DEFAULT that fails to evaluate, or that is NULL
 * for a NOT NULL column, is a compile-time error there. (An input with metadata, such as a
 * Kafka input, would make `CONNECTOR_METADATA()` and so the default differ per record: the
 * default would then be evaluated at ingress, per record.)
 *
 * Type checking follows Calcite's assignment rule (`SqlTypeUtil.canAssignFrom`): the default
 * must be of the column's type family (numbers to numbers, strings to strings, binary to
 * binary, otherwise the same type), and is then converted like a CAST; anything else is
 * refused here rather than converted in a way Feldera might not.
 */
import { makeCast } from '../engine/values/cast.js';
import {
  type ColumnType,
  isBinaryType,
  isNumericType,
  isStringType,
  typeToSql,
} from '../engine/values/types.js';
import type { Value } from '../engine/values/value.js';
import type * as ast from './ast.js';
import { bindExpr } from './bind-expr.js';
import type { UserTypes } from './catalog.js';
import { coerce, fail } from './coercion.js';
import { joinSpans, type Span } from './messages.js';
import { containsNow } from './now.js';
import type { Expr } from './plan.js';
import { Scope } from './scope.js';

/** A column's DEFAULT as the front end binds it. */
export interface ColumnDefault {
  /** The expression, converted to the column's type (nullability aside); it reads no column. */
  expr: Expr;
  /** Its SQL text, which the program schema reports (Feldera's `Field.default`). */
  sql: string;
  span: Span;
  /**
   * Its value, computed by the engine when the program compiles (src/engine/defaults.ts);
   * absent only between the front end and that step.
   */
  value?: Value;
}

/** Nothing is in scope in a DEFAULT: naming a column says so (PI and the like still bind). */
class DefaultScope extends Scope {
  constructor(private readonly column: string) {
    super([]);
  }

  override resolve(parts: ast.Ident[]): never {
    const span = joinSpans(parts[0]!.span, parts[parts.length - 1]!.span);
    return fail(
      span,
      `The DEFAULT value of column '${this.column}' refers to '${parts.map((p) => p.name).join('.')}': a DEFAULT expression cannot read columns`,
    );
  }
}

/** Whether a value of type `from` may be stored in a column of type `to` without a CAST. */
function assignable(from: ColumnType, to: ColumnType): boolean {
  if (from.type === 'NULL' || from.type === to.type) return true;
  if (isNumericType(from) && isNumericType(to)) return true;
  if (isStringType(from) && isStringType(to)) return true;
  return isBinaryType(from) && isBinaryType(to);
}

/**
 * Binds `def`'s DEFAULT expression (whose source text is `sql`) against the column's type
 * `type`, or throws `SqlError`: for a column reference, a subquery, a call of `NOW()`, a value
 * of another type family, or a conversion the engine cannot make (a literal out of range).
 */
export function bindColumnDefault(
  def: ast.ColumnDef & { defaultValue: ast.Expr },
  type: ColumnType,
  sql: string,
  types: UserTypes,
): ColumnDefault {
  const span = def.defaultValue.span;
  const bound = bindExpr(def.defaultValue, {
    scope: new DefaultScope(def.name.name),
    subqueries: null,
    aggregates: null,
    types,
    connectorMetadata: true,
  });
  if (containsNow(bound))
    fail(
      span,
      `The DEFAULT value of column '${def.name.name}' calls NOW(): only deterministic expressions are allowed as column defaults`,
      'Not yet implemented',
    );
  const target = { ...type, nullable: bound.type.nullable };
  if (!assignable(bound.type, type))
    fail(
      span,
      `Cannot assign the DEFAULT value of type ${typeToSql(bound.type)} to column '${def.name.name}' of type ${typeToSql(type)}`,
    );
  try {
    makeCast(bound.type, target);
  } catch {
    fail(
      span,
      `Cannot assign the DEFAULT value of type ${typeToSql(bound.type)} to column '${def.name.name}' of type ${typeToSql(type)}`,
    );
  }
  return { expr: coerce(bound, target, span), sql, span };
}
