/**
 * The catalog of a program: its tables and views with their columns, and the identifier rule
 * used to look them up. Unquoted names are folded to lower case, quoted names are exact
 * (Feldera's rule), so a relation has one canonical name and `case_sensitive` says whether it
 * was quoted.
 */
import { intervalType } from '../engine/values/interval.js';
import { arrayOf, type ColumnType, MAX_DECIMAL_PRECISION, mapOf } from '../engine/values/types.js';
import type { Expr, Ident, Property, TypeName } from './ast.js';
import type { ColumnDefault } from './column-default.js';
import type { Span } from './messages.js';
import { SqlError, TYPE_ERROR } from './messages.js';

export interface ColumnInfo {
  name: string;
  caseSensitive: boolean;
  type: ColumnType;
  /** A table column's `DEFAULT` (column-default.ts). */
  default?: ColumnDefault;
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

/** A SQL function (`CREATE FUNCTION ... AS expr`); user-functions.ts binds its calls. */
export interface UserFunction {
  /** Upper-cased, as calls are looked up. */
  name: string;
  params: { name: string; type: ColumnType }[];
  returns: ColumnType;
  /** Null for a function whose definition had errors (its calls fail silently). */
  body: Expr | null;
}

/** The user-defined types (`CREATE TYPE`) a program declared, by canonical name. */
export interface UserTypes {
  get(name: string): ColumnType | undefined;
  /** Its SQL functions (`CREATE FUNCTION`, user-functions.ts) by upper-cased name, if it has any. */
  userFunction?(name: string): UserFunction | undefined;
}

export const NO_USER_TYPES: UserTypes = { get: () => undefined };

/**
 * Converts a parsed type name to a column type, validating its parameters. Array elements and
 * map values are always nullable and map keys never are (Feldera's rule); ROW fields are NOT
 * NULL unless declared NULL, fields of `CREATE TYPE` structures nullable unless NOT NULL.
 */
export function resolveType(t: TypeName, nullable: boolean, types: UserTypes = NO_USER_TYPES): ColumnType {
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
    case 'VARCHAR':
    case 'BINARY':
    case 'VARBINARY': {
      if (t.precision !== undefined && t.precision < 1) fail(`${t.name} length must be at least 1`);
      const fixed = t.name === 'CHAR' || t.name === 'BINARY';
      return { type: t.name, nullable, precision: t.precision ?? (fixed ? 1 : -1) };
    }
    case 'TIME':
    case 'TIMESTAMP':
      return { type: t.name, nullable, precision: t.precision ?? 0 };
    case 'TIMESTAMP_TZ':
      // Feldera ignores the declared scale: always microseconds (its reference, datetime.md).
      return { type: 'TIMESTAMP_TZ', nullable, precision: 6 };
    case 'BOOLEAN':
    case 'TINYINT':
    case 'SMALLINT':
    case 'INTEGER':
    case 'BIGINT':
    case 'UTINYINT':
    case 'USMALLINT':
    case 'UINTEGER':
    case 'UBIGINT':
    case 'REAL':
    case 'DOUBLE':
    case 'DATE':
    case 'UUID':
    case 'VARIANT':
      return { type: t.name, nullable };
    case 'ARRAY':
      return arrayOf(resolveType(t.component!, true, types), nullable);
    case 'MAP': {
      const key = resolveType(t.key!, false, types);
      if (key.type === 'MAP' || key.type === 'NULL')
        fail(`A MAP key cannot have type ${key.type}`, t.key!.span);
      return mapOf(key, resolveType(t.value!, true, types), nullable);
    }
    case 'ROW': {
      const names = new Set<string>();
      const fields = t.fields!.map((f) => {
        if (names.has(f.name.name)) fail(`Duplicate field '${f.name.name}'`, f.name.span);
        names.add(f.name.name);
        return {
          name: f.name.name,
          case_sensitive: f.name.quoted,
          columntype: resolveType(f.type, f.nullable ?? false, types),
          unused: false,
        };
      });
      return { type: 'STRUCT', nullable, fields };
    }
    case 'INTERVAL': {
      // `INTERVAL HOUR TO SECOND` as a cast target; a qualifier SQL does not have is an error.
      const to = t.to === t.from ? null : (t.to ?? null);
      const found = intervalType(t.from!, to, nullable);
      return found ?? fail(`Illegal interval qualifier ${t.from} TO ${t.to}`);
    }
    case 'USER': {
      const found = types.get(t.user!.name);
      if (!found) return fail(`Unknown type ${t.user!.name}`);
      return { ...found, nullable };
    }
    default:
      return fail(`Unknown type ${t.name}`);
  }
}

/** Index of the column named by `id` in `columns`, or -1. */
export function findColumn(columns: readonly ColumnInfo[], id: Ident): number {
  return columns.findIndex((c) => c.name === id.name);
}
