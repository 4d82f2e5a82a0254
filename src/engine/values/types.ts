/**
 * SQL column types, in Feldera's `ColumnType` JSON shape (the same object the program schema
 * reports), plus the helpers the type checker and the codecs share.
 *
 * `NULL` is the type of the bare `NULL` literal and the `INTERVAL_*` names are the types of
 * interval expressions, one per qualifier as Feldera names them (`INTERVAL_DAY_SECOND` is
 * `INTERVAL DAY TO SECOND`); Feldera allows them in LOCAL views and casts, not in tables or
 * output views. The qualifier only decides how a value is shown and read: year-month kinds hold
 * whole months, day-time kinds microseconds (see interval.ts). Compound types nest like Feldera's: `ARRAY` has a `component`, `MAP` a `key`
 * and a `value`, and `STRUCT` (a `ROW` type or a user-defined type) its `fields`.
 */

export type SqlTypeName =
  | 'BOOLEAN'
  | 'TINYINT'
  | 'SMALLINT'
  | 'INTEGER'
  | 'BIGINT'
  | 'UTINYINT'
  | 'USMALLINT'
  | 'UINTEGER'
  | 'UBIGINT'
  | 'REAL'
  | 'DOUBLE'
  | 'DECIMAL'
  | 'CHAR'
  | 'VARCHAR'
  | 'BINARY'
  | 'VARBINARY'
  | 'DATE'
  | 'TIME'
  | 'TIMESTAMP'
  | 'TIMESTAMP_TZ'
  | 'UUID'
  | 'VARIANT'
  | 'ARRAY'
  | 'MAP'
  | 'STRUCT'
  | 'NULL'
  | 'INTERVAL_YEAR'
  | 'INTERVAL_YEAR_MONTH'
  | 'INTERVAL_MONTH'
  | 'INTERVAL_DAY'
  | 'INTERVAL_DAY_HOUR'
  | 'INTERVAL_DAY_MINUTE'
  | 'INTERVAL_DAY_SECOND'
  | 'INTERVAL_HOUR'
  | 'INTERVAL_HOUR_MINUTE'
  | 'INTERVAL_HOUR_SECOND'
  | 'INTERVAL_MINUTE'
  | 'INTERVAL_MINUTE_SECOND'
  | 'INTERVAL_SECOND';

/** A field of a `STRUCT` type, in Feldera's `Field` shape. */
export interface StructField {
  name: string;
  case_sensitive: boolean;
  columntype: ColumnType;
  unused: boolean;
}

/** A column type: Feldera's `ColumnType` restricted to the types Sluice supports. */
export interface ColumnType {
  type: SqlTypeName;
  nullable: boolean;
  /**
   * DECIMAL precision, CHAR/VARCHAR/BINARY/VARBINARY length (-1 = unlimited), TIME/TIMESTAMP
   * sub-second digits as declared (values always keep Feldera's precision, see datetime.ts).
   */
  precision?: number;
  /** DECIMAL scale. */
  scale?: number;
  /** ARRAY element type (elements are always nullable, as in Feldera). */
  component?: ColumnType;
  /** MAP key type (never nullable) and value type (always nullable). */
  key?: ColumnType;
  value?: ColumnType;
  /** STRUCT fields, in declaration order. */
  fields?: StructField[];
}

/** Largest DECIMAL precision (digits) the engine accepts, as in Feldera. */
export const MAX_DECIMAL_PRECISION = 38;

/** Inclusive ranges of the fixed-width integer types held as JS numbers. */
export const SMALL_INT_RANGES = {
  TINYINT: [-128, 127],
  SMALLINT: [-32768, 32767],
  INTEGER: [-2147483648, 2147483647],
  UTINYINT: [0, 255],
  USMALLINT: [0, 65535],
  UINTEGER: [0, 4294967295],
} as const;

export type SmallIntName = keyof typeof SMALL_INT_RANGES;

export const BIGINT_MIN = -(2n ** 63n);
export const BIGINT_MAX = 2n ** 63n - 1n;
export const UBIGINT_MAX = 2n ** 64n - 1n;

/** Inclusive range of a 64-bit integer type (held as bigint). */
export function bigIntRange(t: ColumnType): [bigint, bigint] {
  return t.type === 'UBIGINT' ? [0n, UBIGINT_MAX] : [BIGINT_MIN, BIGINT_MAX];
}

/** Integer types held as JS numbers (all but BIGINT and BIGINT UNSIGNED). */
export function isSmallInteger(t: ColumnType): t is ColumnType & { type: SmallIntName } {
  return t.type in SMALL_INT_RANGES;
}

export function isBigIntType(t: ColumnType): boolean {
  return t.type === 'BIGINT' || t.type === 'UBIGINT';
}

export function isIntegerType(t: ColumnType): boolean {
  return isSmallInteger(t) || isBigIntType(t);
}

export function isUnsignedType(t: ColumnType): boolean {
  return t.type === 'UTINYINT' || t.type === 'USMALLINT' || t.type === 'UINTEGER' || t.type === 'UBIGINT';
}

export function isFloatType(t: ColumnType): boolean {
  return t.type === 'REAL' || t.type === 'DOUBLE';
}

export function isNumericType(t: ColumnType): boolean {
  return isIntegerType(t) || isFloatType(t) || t.type === 'DECIMAL';
}

export function isStringType(t: ColumnType): boolean {
  return t.type === 'CHAR' || t.type === 'VARCHAR';
}

export function isBinaryType(t: ColumnType): boolean {
  return t.type === 'BINARY' || t.type === 'VARBINARY';
}

export function isDateTimeType(t: ColumnType): boolean {
  return t.type === 'DATE' || t.type === 'TIME' || t.type === 'TIMESTAMP';
}

/** A long (year-month) interval type: its values are whole months (a JS number). */
export function isLongIntervalType(t: ColumnType): boolean {
  return t.type === 'INTERVAL_YEAR' || t.type === 'INTERVAL_YEAR_MONTH' || t.type === 'INTERVAL_MONTH';
}

/** A short (day-time) interval type: its values are microseconds (a bigint). */
export function isShortIntervalType(t: ColumnType): boolean {
  return t.type.startsWith('INTERVAL_') && !isLongIntervalType(t);
}

export function isIntervalType(t: ColumnType): boolean {
  return t.type.startsWith('INTERVAL_');
}

/** True when `t` is TIMESTAMP WITH TIME ZONE or holds one (an element, key, value or field). */
export function hasTimestampTz(t: ColumnType): boolean {
  if (t.type === 'TIMESTAMP_TZ') return true;
  const parts = [t.component, t.key, t.value, ...(t.fields ?? []).map((f) => f.columntype)];
  return parts.some((p) => p !== undefined && hasTimestampTz(p));
}

export function isCompoundType(t: ColumnType): boolean {
  return t.type === 'ARRAY' || t.type === 'MAP' || t.type === 'STRUCT';
}

/** The ARRAY type of `element` (made nullable, as Feldera's array elements always are). */
export function arrayOf(element: ColumnType, nullable: boolean): ColumnType {
  return { type: 'ARRAY', nullable, component: { ...element, nullable: true } };
}

/** The MAP type from `key` (made NOT NULL) to `value` (made nullable). */
export function mapOf(key: ColumnType, value: ColumnType, nullable: boolean): ColumnType {
  return { type: 'MAP', nullable, key: { ...key, nullable: false }, value: { ...value, nullable: true } };
}

/** Decimal digits an integer type needs, used when an integer meets a DECIMAL. */
export function integerDecimalPrecision(t: ColumnType): number {
  switch (t.type) {
    case 'TINYINT':
    case 'UTINYINT':
      return 3;
    case 'SMALLINT':
    case 'USMALLINT':
      return 5;
    case 'INTEGER':
    case 'UINTEGER':
      return 10;
    case 'UBIGINT':
      return 20;
    default:
      return 19;
  }
}

/** SQL spelling of a type, as used in error messages and `CAST` targets. */
export function typeToSql(t: ColumnType): string {
  let name: string;
  switch (t.type) {
    case 'DECIMAL':
      name = `DECIMAL(${t.precision ?? MAX_DECIMAL_PRECISION}, ${t.scale ?? 0})`;
      break;
    case 'CHAR':
    case 'VARCHAR':
    case 'BINARY':
    case 'VARBINARY':
      name = t.precision === undefined || t.precision < 0 ? t.type : `${t.type}(${t.precision})`;
      break;
    case 'UTINYINT':
    case 'USMALLINT':
    case 'UINTEGER':
    case 'UBIGINT':
      name = `${t.type.slice(1)} UNSIGNED`;
      break;
    case 'ARRAY':
      name = `${typeToSql(t.component!)} ARRAY`;
      break;
    case 'MAP':
      name = `MAP<${typeToSql(t.key!)}, ${typeToSql(t.value!)}>`;
      break;
    case 'TIMESTAMP_TZ':
      name = 'TIMESTAMP WITH TIME ZONE';
      break;
    case 'STRUCT':
      name = `ROW(${t.fields!.map((f) => `${f.name} ${typeToSql(f.columntype)}`).join(', ')})`;
      break;
    default:
      name = t.type.startsWith('INTERVAL_')
        ? t.type.replace(/^INTERVAL_/, 'INTERVAL ').replace('_', ' TO ')
        : t.type;
  }
  return t.nullable || t.type === 'NULL' || t.type === 'VARIANT' ? name : `${name} NOT NULL`;
}

/** True when both types are the same apart from the nullability of the outer type. */
export function sameBaseType(a: ColumnType, b: ColumnType): boolean {
  if (a.type !== b.type || a.precision !== b.precision || a.scale !== b.scale) return false;
  switch (a.type) {
    case 'ARRAY':
      return sameType(a.component!, b.component!);
    case 'MAP':
      return sameType(a.key!, b.key!) && sameType(a.value!, b.value!);
    case 'STRUCT':
      return (
        a.fields!.length === b.fields!.length &&
        a.fields!.every(
          (f, i) => f.name === b.fields![i]!.name && sameType(f.columntype, b.fields![i]!.columntype),
        )
      );
    default:
      return true;
  }
}

/** True when both types are identical, nullability included. */
export function sameType(a: ColumnType, b: ColumnType): boolean {
  return a.nullable === b.nullable && sameBaseType(a, b);
}
