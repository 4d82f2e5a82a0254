/** Public API of the Sluice SQL engine. */
export type { ColumnInfo, RelationInfo, TableInfo, ViewInfo } from '../sql/catalog.js';
export type { SqlCompilerMessage } from '../sql/messages.js';
export {
  type AdHocCatalog,
  type AdHocInsert,
  AdHocSelect,
  type AdHocStatement,
  prepareAdHoc,
  type QueryResult,
} from './adhoc.js';
export { type Circuit, type CircuitState, META_FILE, STATE_FORMAT, type StepOutput } from './circuit.js';
export {
  EngineError,
  type EngineErrorCode,
  type QueryErrorDetails,
  type RuntimeErrorDetails,
} from './errors.js';
export { type CompileResult, compileProgram, ENGINE_VERSION, type Program } from './program.js';
export type {
  Field,
  ProgramSchema,
  PropertyValue,
  Relation,
  SourcePosition,
  SqlIdentifier,
} from './schema.js';
export { TraceStorage, type TraceStorageSettings } from './trace/storage.js';
export {
  type ColumnDesc,
  type ColumnType,
  compareRows,
  compareValues,
  Decimal,
  formatCsvField,
  formatTextTable,
  JsonNumberText,
  type JsonValue,
  makeRowJsonEncoder,
  parseCsvField,
  parseJsonValue,
  type Row,
  rowKey,
  rowToJsonText,
  type SqlTypeName,
  toJsonValue,
  type Value,
  ValueError,
  valueToJsonText,
  type WeightedRow,
} from './values/index.js';
