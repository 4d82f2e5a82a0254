/**
 * SQL column types, in Feldera's `ColumnType` JSON shape (the same object the program schema
 * reports), plus the helpers the type checker and the codecs share.
 *
 * Only the scalar types the engine implements appear in `SqlTypeName`; `NULL` is the type of
 * the bare `NULL` literal and the `INTERVAL_*` names are the types of interval expressions
 * (they can appear inside expressions but not as table columns).
 */

export type SqlTypeName =
  | 'BOOLEAN'
  | 'TINYINT'
  | 'SMALLINT'
  | 'INTEGER'
  | 'BIGINT'
  | 'REAL'
  | 'DOUBLE'
  | 'DECIMAL'
  | 'CHAR'
  | 'VARCHAR'
  | 'DATE'
  | 'TIME'
  | 'TIMESTAMP'
  | 'NULL'
  | 'INTERVAL_DAY_SECOND'
  | 'INTERVAL_YEAR_MONTH';

/** A column type: Feldera's `ColumnType` restricted to the scalar types Sluice supports. */
export interface ColumnType {
  type: SqlTypeName;
  nullable: boolean;
  /** DECIMAL precision, CHAR/VARCHAR length (-1 = unlimited), TIME/TIMESTAMP sub-second digits. */
  precision?: number;
  /** DECIMAL scale. */
  scale?: number;
}

/** Largest DECIMAL precision (digits) the engine accepts, as in Feldera. */
export const MAX_DECIMAL_PRECISION = 38;

/** Inclusive ranges of the fixed-width integer types held as JS numbers. */
export const SMALL_INT_RANGES = {
  TINYINT: [-128, 127],
  SMALLINT: [-32768, 32767],
  INTEGER: [-2147483648, 2147483647],
} as const;

export const BIGINT_MIN = -(2n ** 63n);
export const BIGINT_MAX = 2n ** 63n - 1n;

function isSmallInteger(t: ColumnType): t is ColumnType & { type: 'TINYINT' | 'SMALLINT' | 'INTEGER' } {
  return t.type === 'TINYINT' || t.type === 'SMALLINT' || t.type === 'INTEGER';
}

export function isIntegerType(t: ColumnType): boolean {
  return isSmallInteger(t) || t.type === 'BIGINT';
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

export function isDateTimeType(t: ColumnType): boolean {
  return t.type === 'DATE' || t.type === 'TIME' || t.type === 'TIMESTAMP';
}

export function isIntervalType(t: ColumnType): boolean {
  return t.type === 'INTERVAL_DAY_SECOND' || t.type === 'INTERVAL_YEAR_MONTH';
}

/** Decimal digits an integer type needs, used when an integer meets a DECIMAL. */
export function integerDecimalPrecision(t: ColumnType): number {
  switch (t.type) {
    case 'TINYINT':
      return 3;
    case 'SMALLINT':
      return 5;
    case 'INTEGER':
      return 10;
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
      name = t.precision === undefined || t.precision < 0 ? t.type : `${t.type}(${t.precision})`;
      break;
    case 'INTERVAL_DAY_SECOND':
      name = 'INTERVAL DAY TO SECOND';
      break;
    case 'INTERVAL_YEAR_MONTH':
      name = 'INTERVAL YEAR TO MONTH';
      break;
    default:
      name = t.type;
  }
  return t.nullable || t.type === 'NULL' ? name : `${name} NOT NULL`;
}

/** True when both types are the same apart from nullability. */
export function sameBaseType(a: ColumnType, b: ColumnType): boolean {
  return a.type === b.type && a.precision === b.precision && a.scale === b.scale;
}
