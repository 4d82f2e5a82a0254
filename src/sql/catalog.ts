/**
 * The catalog of a program: its tables and views with their columns, and the identifier rule
 * used to look them up. Unquoted names are folded to lower case, quoted names are exact
 * (Feldera's rule), so a relation has one canonical name and `case_sensitive` says whether it
 * was quoted.
 */
import { type ColumnType, MAX_DECIMAL_PRECISION } from '../engine/values/types.js';
import type { Ident, Property, TypeName } from './ast.js';
import type { Span } from './messages.js';
import { SqlError } from './messages.js';

export interface ColumnInfo {
  name: string;
  caseSensitive: boolean;
  type: ColumnType;
}

export interface TableInfo {
  kind: 'table';
  name: string;
  caseSensitive: boolean;
  columns: ColumnInfo[];
  /** Indexes of the primary-key columns, or null when the table has none. */
  primaryKey: number[] | null;
  materialized: boolean;
  properties: Property[];
}

export interface ViewInfo {
  kind: 'view';
  name: string;
  caseSensitive: boolean;
  columns: ColumnInfo[];
  primaryKey: null;
  materialized: boolean;
  /** A LOCAL view is internal to the program: other views read it, clients cannot. */
  local: boolean;
  properties: Property[];
}

export type RelationInfo = TableInfo | ViewInfo;

/** Canonical name of a user-supplied relation name: `"Exact"` when quoted, else lower-cased. */
export function canonicalName(userName: string): string {
  const trimmed = userName.trim();
  if (trimmed.length >= 2 && trimmed.startsWith('"') && trimmed.endsWith('"'))
    return trimmed.slice(1, -1).replace(/""/g, '"');
  return trimmed.toLowerCase();
}

/** Relations by canonical name, in declaration order. */
export class Catalog {
  private readonly relations = new Map<string, RelationInfo>();

  add(rel: RelationInfo): void {
    this.relations.set(rel.name, rel);
  }

  get(name: string): RelationInfo | undefined {
    return this.relations.get(name);
  }

  has(name: string): boolean {
    return this.relations.has(name);
  }

  all(): RelationInfo[] {
    return [...this.relations.values()];
  }
}

const TYPE_ERROR = 'Invalid type';

/** Converts a parsed type name to a column type, validating its parameters. */
export function resolveType(t: TypeName, nullable: boolean): ColumnType {
  const fail = (msg: string, span: Span = t.span): never => {
    throw new SqlError(span, TYPE_ERROR, msg);
  };
  switch (t.name) {
    case 'DECIMAL': {
      const precision = t.precision ?? MAX_DECIMAL_PRECISION;
      const scale = t.scale ?? 0;
      if (precision < 1 || precision > MAX_DECIMAL_PRECISION)
        fail(`DECIMAL precision ${precision} must be between 1 and ${MAX_DECIMAL_PRECISION}`);
      if (scale > precision) fail(`DECIMAL scale ${scale} cannot exceed its precision ${precision}`);
      return { type: 'DECIMAL', nullable, precision, scale };
    }
    case 'CHAR':
    case 'VARCHAR': {
      if (t.precision !== undefined && t.precision < 1) fail(`${t.name} length must be at least 1`);
      return { type: t.name, nullable, precision: t.precision ?? (t.name === 'CHAR' ? 1 : -1) };
    }
    case 'TIME':
    case 'TIMESTAMP':
      return { type: t.name, nullable, precision: t.precision ?? 0 };
    case 'BOOLEAN':
    case 'TINYINT':
    case 'SMALLINT':
    case 'INTEGER':
    case 'BIGINT':
    case 'REAL':
    case 'DOUBLE':
    case 'DATE':
      return { type: t.name, nullable };
    default:
      return fail(`Unknown type ${t.name}`);
  }
}

/** Index of the column named by `id` in `columns`, or -1. */
export function findColumn(columns: readonly ColumnInfo[], id: Ident): number {
  return columns.findIndex((c) => c.name === id.name);
}
