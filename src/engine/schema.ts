/**
 * Feldera's `ProgramSchema` JSON (the `schema` of a compiled program in the REST API): tables
 * are inputs, non-local views are outputs, names are reported canonically with
 * `case_sensitive` telling whether they were quoted.
 */
import type { Property } from '../sql/ast.js';
import type { RelationInfo } from '../sql/catalog.js';
import type { Span } from '../sql/messages.js';
import type { ColumnType } from './values/types.js';

export interface SqlIdentifier {
  name: string;
  case_sensitive: boolean;
}

export interface Field extends SqlIdentifier {
  columntype: ColumnType;
  unused: boolean;
  /** The column's DEFAULT expression as written; absent when it has none. */
  default?: string;
}

export interface SourcePosition {
  start_line_number: number;
  start_column: number;
  end_line_number: number;
  end_column: number;
}

export interface PropertyValue {
  value: string;
  key_position: SourcePosition;
  value_position: SourcePosition;
}

export interface Relation extends SqlIdentifier {
  fields: Field[];
  materialized: boolean;
  properties?: Record<string, PropertyValue>;
  primary_key?: string[] | null;
}

export interface ProgramSchema {
  inputs: Relation[];
  outputs: Relation[];
}

function position(s: Span): SourcePosition {
  return {
    start_line_number: s.startLine,
    start_column: s.startCol,
    end_line_number: s.endLine,
    end_column: s.endCol,
  };
}

function properties(props: Property[]): Record<string, PropertyValue> {
  const out: Record<string, PropertyValue> = {};
  for (const p of props)
    out[p.key] = { value: p.value, key_position: position(p.keySpan), value_position: position(p.valueSpan) };
  return out;
}

export function relationSchema(rel: RelationInfo): Relation {
  const out: Relation = {
    name: rel.name,
    case_sensitive: rel.caseSensitive,
    fields: rel.columns.map((c) => {
      const field: Field = {
        name: c.name,
        case_sensitive: c.caseSensitive,
        columntype: c.type,
        unused: false,
      };
      if (c.default) field.default = c.default.sql;
      return field;
    }),
    materialized: rel.materialized,
  };
  if (rel.properties.length > 0) out.properties = properties(rel.properties);
  if (rel.primaryKey) out.primary_key = rel.primaryKey.map((i) => rel.columns[i]!.name);
  return out;
}
