/**
 * Type rules of expressions (Calcite's, as Feldera uses them, with the deviations noted):
 * which type two operands meet at, and the result type of arithmetic.
 *
 * - Integers widen to the larger integer type; arithmetic on them stays in that type and
 *   overflow is a runtime error (no silent promotion to BIGINT).
 * - Floating point, as Calcite's least restrictive type: DOUBLE wins over everything; REAL
 *   wins over integers but meets a DECIMAL at DOUBLE. Comparisons are the exception (Feldera
 *   compares a REAL with an exact number as REAL, so `r = -57681.18` holds for a REAL column
 *   that was given -57681.18).
 * - An integer meeting a DECIMAL is treated as DECIMAL(digits, 0); DECIMAL results follow
 *   Calcite's default type system (RelDataTypeSystem), capped at precision 38.
 */
import { unionIntervalType } from '../engine/values/interval.js';
import {
  arrayOf,
  type ColumnType,
  integerDecimalPrecision,
  isBinaryType,
  isFloatType,
  isIntervalType,
  isLongIntervalType,
  isNumericType,
  isStringType,
  isUnsignedType,
  MAX_DECIMAL_PRECISION,
  mapOf,
  type SqlTypeName,
} from '../engine/values/types.js';

/** Width rank of the integer types; signed and unsigned of one width share a rank. */
const INT_WIDTH: Partial<Record<SqlTypeName, number>> = {
  TINYINT: 1,
  UTINYINT: 1,
  SMALLINT: 2,
  USMALLINT: 2,
  INTEGER: 3,
  UINTEGER: 3,
  BIGINT: 4,
  UBIGINT: 4,
};

/** The wider integer type; of two of one width, the unsigned one (Feldera's rule). */
function widerInteger(a: ColumnType, b: ColumnType): SqlTypeName {
  const wa = INT_WIDTH[a.type]!;
  const wb = INT_WIDTH[b.type]!;
  if (wa !== wb) return wa > wb ? a.type : b.type;
  return isUnsignedType(a) ? a.type : b.type;
}

function decimalParts(t: ColumnType): [number, number] {
  if (t.type === 'DECIMAL') return [t.precision ?? MAX_DECIMAL_PRECISION, t.scale ?? 0];
  return [integerDecimalPrecision(t), 0];
}

function decimal(precision: number, scale: number, nullable: boolean): ColumnType {
  const p = Math.min(MAX_DECIMAL_PRECISION, Math.max(precision, 1));
  return { type: 'DECIMAL', nullable, precision: p, scale: Math.min(scale, p) };
}

/**
 * The type both numeric operands are converted to before a comparison (`compare`) or to hold
 * either value (a union, CASE branches, arithmetic).
 */
function commonNumeric(a: ColumnType, b: ColumnType, nullable: boolean, compare = false): ColumnType {
  if (a.type === 'DOUBLE' || b.type === 'DOUBLE') return { type: 'DOUBLE', nullable };
  if (a.type === 'REAL' || b.type === 'REAL') {
    const other = a.type === 'REAL' ? b : a;
    return { type: other.type === 'DECIMAL' && !compare ? 'DOUBLE' : 'REAL', nullable };
  }
  if (a.type === 'DECIMAL' || b.type === 'DECIMAL') {
    const [pa, sa] = decimalParts(a);
    const [pb, sb] = decimalParts(b);
    const scale = Math.max(sa, sb);
    return decimal(Math.max(pa - sa, pb - sb) + scale, scale, nullable);
  }
  return { type: widerInteger(a, b), nullable };
}

/**
 * The least restrictive type of a list (for CASE branches, UNION columns, IN lists, comparisons),
 * or null if some pair is incompatible. With `compare` it is the type values are compared at
 * (see commonNumeric).
 */
export function leastRestrictive(types: readonly ColumnType[], compare = false): ColumnType | null {
  let acc: ColumnType | null = null;
  for (const t of types) {
    if (acc === null) {
      acc = t;
      continue;
    }
    const next = commonType(acc, t, compare);
    if (next === null) return null;
    acc = next;
  }
  return acc;
}

function commonType(a: ColumnType, b: ColumnType, compare = false): ColumnType | null {
  const nullable = a.nullable || b.nullable;
  if (a.type === 'NULL') return { ...b, nullable: true };
  if (b.type === 'NULL') return { ...a, nullable: true };
  if (isNumericType(a) && isNumericType(b)) return commonNumeric(a, b, nullable, compare);
  if (isStringType(a) && isStringType(b)) {
    const pa = a.precision ?? -1;
    const pb = b.precision ?? -1;
    if (a.type === 'CHAR' && b.type === 'CHAR')
      return { type: 'CHAR', nullable, precision: Math.max(pa, pb) };
    return { type: 'VARCHAR', nullable, precision: pa < 0 || pb < 0 ? -1 : Math.max(pa, pb) };
  }
  if (isIntervalType(a) && isIntervalType(b))
    return isLongIntervalType(a) === isLongIntervalType(b) ? unionIntervalType(a, b, nullable) : null;
  if (isBinaryType(a) && isBinaryType(b)) {
    const pa = a.precision ?? -1;
    const pb = b.precision ?? -1;
    if (a.type === 'BINARY' && b.type === 'BINARY' && pa === pb) return { ...a, nullable };
    return { type: 'VARBINARY', nullable, precision: pa < 0 || pb < 0 ? -1 : Math.max(pa, pb) };
  }
  if (a.type === 'ARRAY' && b.type === 'ARRAY') {
    const c = commonType(a.component!, b.component!);
    return c && arrayOf(c, nullable);
  }
  if (a.type === 'MAP' && b.type === 'MAP') {
    const k = commonType(a.key!, b.key!);
    const v = commonType(a.value!, b.value!);
    return k && v && mapOf(k, v, nullable);
  }
  if (a.type === 'STRUCT' && b.type === 'STRUCT') {
    if (a.fields!.length !== b.fields!.length) return null;
    const fields = [];
    for (const [i, f] of a.fields!.entries()) {
      const t = commonType(f.columntype, b.fields![i]!.columntype);
      if (!t) return null;
      fields.push({ ...f, columntype: t });
    }
    return { type: 'STRUCT', nullable, fields };
  }
  if (a.type === b.type) {
    return a.precision === b.precision
      ? { ...a, nullable }
      : { ...a, nullable, precision: Math.max(a.precision ?? 0, b.precision ?? 0) };
  }
  if ((a.type === 'DATE' && b.type === 'TIMESTAMP') || (a.type === 'TIMESTAMP' && b.type === 'DATE')) {
    return { type: 'TIMESTAMP', nullable, precision: 0 };
  }
  return null;
}

/** Result type of `a + b` / `a - b` on numbers. */
export function additiveType(a: ColumnType, b: ColumnType): ColumnType {
  const nullable = a.nullable || b.nullable;
  if (a.type === 'DECIMAL' || b.type === 'DECIMAL') {
    if (isFloatType(a) || isFloatType(b)) return { type: 'DOUBLE', nullable };
    const [pa, sa] = decimalParts(a);
    const [pb, sb] = decimalParts(b);
    const scale = Math.max(sa, sb);
    return decimal(Math.max(pa - sa, pb - sb) + scale + 1, scale, nullable);
  }
  return commonNumeric(a, b, nullable);
}

/** Result type of `a * b` on numbers. */
export function multiplicativeType(a: ColumnType, b: ColumnType): ColumnType {
  const nullable = a.nullable || b.nullable;
  if ((a.type === 'DECIMAL' || b.type === 'DECIMAL') && !isFloatType(a) && !isFloatType(b)) {
    const [pa, sa] = decimalParts(a);
    const [pb, sb] = decimalParts(b);
    return decimal(pa + pb, sa + sb, nullable);
  }
  return commonNumeric(a, b, nullable);
}

/**
 * Result type of `a / b` on numbers: integer division for integers; for DECIMALs Calcite's
 * rule: whole digits p1 - s1 + s2, scale max(6, s1 + p2 + 1), the scale giving way first when
 * the precision would pass 38.
 */
export function divisionType(a: ColumnType, b: ColumnType): ColumnType {
  const nullable = a.nullable || b.nullable;
  if ((a.type === 'DECIMAL' || b.type === 'DECIMAL') && !isFloatType(a) && !isFloatType(b)) {
    const [pa, sa] = decimalParts(a);
    const [pb, sb] = decimalParts(b);
    const whole = Math.min(pa - sa + sb, MAX_DECIMAL_PRECISION);
    const scale = Math.min(Math.max(6, sa + pb + 1), MAX_DECIMAL_PRECISION - whole);
    return decimal(whole + scale, scale, nullable);
  }
  return commonNumeric(a, b, nullable);
}

/**
 * Result type of `MOD(a, b)` / `a % b`: for DECIMALs Calcite's rule (scale max(s1, s2), whole
 * digits those of the narrower operand), otherwise both operands' common type.
 */
export function modType(a: ColumnType, b: ColumnType): ColumnType {
  const nullable = a.nullable || b.nullable;
  if ((a.type === 'DECIMAL' || b.type === 'DECIMAL') && !isFloatType(a) && !isFloatType(b)) {
    const [pa, sa] = decimalParts(a);
    const [pb, sb] = decimalParts(b);
    const scale = Math.max(sa, sb);
    return decimal(Math.min(pa - sa, pb - sb) + scale, scale, nullable);
  }
  return commonNumeric(a, b, nullable);
}
