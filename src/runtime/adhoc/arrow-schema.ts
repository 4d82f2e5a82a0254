/**
 * The Arrow schema of an ad-hoc query result (`/query?format=arrow_ipc|parquet`), one Arrow
 * field per SQL column, with the types Feldera gives its tables' columns when it hands them to
 * DataFusion (feldera-types `relation_to_arrow_fields`, the same mapping its Parquet encoder
 * uses):
 *
 * | SQL                                   | Arrow                                            |
 * |---------------------------------------|--------------------------------------------------|
 * | BOOLEAN                               | Bool                                             |
 * | TINYINT, SMALLINT, INTEGER, BIGINT    | Int8, Int16, Int32, Int64                        |
 * | their UNSIGNED forms                  | Uint8, Uint16, Uint32, Uint64                    |
 * | REAL, DOUBLE                          | Float32, Float64                                 |
 * | DECIMAL(p, s)                         | Decimal128(p, s)                                 |
 * | CHAR, VARCHAR, UUID (its text)        | Utf8                                             |
 * | VARIANT (its JSON text)               | Utf8                                             |
 * | BINARY, VARBINARY                     | LargeBinary                                      |
 * | DATE                                  | Date32 (days)                                    |
 * | TIME                                  | Time64(nanosecond)                               |
 * | TIMESTAMP                             | Timestamp(microsecond, no time zone)             |
 * | INTERVAL year-month kinds             | Interval(YearMonth) (months)                     |
 * | INTERVAL day-time kinds               | Interval(MonthDayNano) (see below)               |
 * | ARRAY                                 | LargeList, element field `item`                  |
 * | MAP                                   | Map of a non-null `entries` struct {key, value}  |
 * | ROW / user-defined type               | Struct with the fields' names and types          |
 * | NULL                                  | Null                                             |
 *
 * Nullability is the column's. Feldera marks a list's element field nullable when the list
 * column is; we mark it nullable when either the list or its elements are, so that a null
 * element never contradicts its schema. Feldera maps day-time intervals to Interval(DayTime),
 * which holds milliseconds; a Sluice interval holds microseconds, so we use MonthDayNano,
 * which keeps them exactly (and is what DataFusion itself gives interval expressions).
 */
import {
  Bool,
  type DataType,
  DateDay,
  Decimal,
  Field,
  Float32,
  Float64,
  Int8,
  Int16,
  Int32,
  Int64,
  IntervalMonthDayNano,
  IntervalYearMonth,
  LargeBinary,
  LargeList,
  Map_,
  Null,
  Schema,
  Struct,
  TimeNanosecond,
  TimestampMicrosecond,
  Uint8,
  Uint16,
  Uint32,
  Uint64,
  Utf8,
} from 'apache-arrow';
import type { ColumnDesc } from '../../engine/values/index.js';
import { type ColumnType, MAX_DECIMAL_PRECISION } from '../../engine/values/types.js';
import { ApiError } from '../../types/errors.js';

/** Arrow type of a SQL column type (see the module header). */
export function arrowType(t: ColumnType): DataType {
  switch (t.type) {
    case 'BOOLEAN':
      return new Bool();
    case 'TINYINT':
      return new Int8();
    case 'SMALLINT':
      return new Int16();
    case 'INTEGER':
      return new Int32();
    case 'BIGINT':
      return new Int64();
    case 'UTINYINT':
      return new Uint8();
    case 'USMALLINT':
      return new Uint16();
    case 'UINTEGER':
      return new Uint32();
    case 'UBIGINT':
      return new Uint64();
    case 'REAL':
      return new Float32();
    case 'DOUBLE':
      return new Float64();
    case 'DECIMAL':
      if (t.scale === undefined)
        throw new ApiError(
          'InvalidQuery',
          'A DECIMAL column without a declared scale has no Arrow type; CAST it to DECIMAL(p, s)',
          {},
        );
      return new Decimal(t.scale, t.precision ?? MAX_DECIMAL_PRECISION, 128);
    case 'CHAR':
    case 'VARCHAR':
    case 'UUID':
    case 'VARIANT':
      return new Utf8();
    case 'BINARY':
    case 'VARBINARY':
      return new LargeBinary();
    case 'DATE':
      return new DateDay();
    case 'TIME':
      return new TimeNanosecond();
    case 'TIMESTAMP':
      return new TimestampMicrosecond();
    case 'TIMESTAMP_TZ':
      // The compiler refuses such result columns (src/sql/timestamp-tz.ts); kept total here.
      throw new ApiError(
        'InvalidQuery',
        'A TIMESTAMP WITH TIME ZONE column has no output format yet; CAST it to TIMESTAMP',
        {},
      );
    case 'NULL':
      return new Null();
    case 'ARRAY':
      return new LargeList(new Field('item', arrowType(t.component!), t.nullable || t.component!.nullable));
    case 'MAP':
      return new Map_(
        new Field(
          'entries',
          new Struct<{ key: DataType; value: DataType }>([
            new Field('key', arrowType(t.key!), t.key!.nullable),
            new Field('value', arrowType(t.value!), t.value!.nullable),
          ]),
          false,
        ),
        false,
      );
    case 'STRUCT':
      return new Struct(
        t.fields!.map((f) => new Field(f.name, arrowType(f.columntype), f.columntype.nullable)),
      );
    case 'INTERVAL_YEAR':
    case 'INTERVAL_YEAR_MONTH':
    case 'INTERVAL_MONTH':
      return new IntervalYearMonth();
    case 'INTERVAL_DAY':
    case 'INTERVAL_DAY_HOUR':
    case 'INTERVAL_DAY_MINUTE':
    case 'INTERVAL_DAY_SECOND':
    case 'INTERVAL_HOUR':
    case 'INTERVAL_HOUR_MINUTE':
    case 'INTERVAL_HOUR_SECOND':
    case 'INTERVAL_MINUTE':
    case 'INTERVAL_MINUTE_SECOND':
    case 'INTERVAL_SECOND':
      return new IntervalMonthDayNano();
  }
}

/** The Arrow schema of a result with `columns`. */
export function arrowSchema(columns: readonly ColumnDesc[]): Schema {
  return new Schema(columns.map((c) => new Field(c.name, arrowType(c.type), c.type.nullable)));
}
