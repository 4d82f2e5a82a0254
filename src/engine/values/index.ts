/** Value representation and codecs of the engine (see value.ts for the representation). */
export { makeCast } from './cast.js';
export { formatCsvField, parseCsvField } from './csv.js';
export { Decimal } from './decimal.js';
export { ValueError } from './errors.js';
export {
  type ColumnDesc,
  JsonNumberText,
  type JsonValue,
  makeRowJsonEncoder,
  parseJsonValue,
  rowToJsonText,
  toJsonValue,
  valueToJsonText,
} from './json.js';
export { formatTextTable } from './text-table.js';
export type { ColumnType, SqlTypeName } from './types.js';
export { compareRows, compareValues, type Row, rowKey, type Value, type WeightedRow } from './value.js';
