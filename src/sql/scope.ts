/**
 * Name resolution: the columns visible to an expression, with their table qualifiers.
 *
 * A scope has primary columns and, for the WHERE clause of a correlated subquery, fallback
 * columns (the outer query's, addressed after the inner row). `outer` is only used to tell a
 * user that a reference is correlated in a place where that is not supported.
 */
import type { ColumnType } from '../engine/values/types.js';
import type { Ident } from './ast.js';
import { SqlError, VALIDATION_ERROR } from './messages.js';

export { VALIDATION_ERROR };

export interface ScopeColumn {
  name: string;
  /** Canonical name of the table or alias the column comes from, if any. */
  qualifier: string | null;
  /** Index of the column in the row the expression reads. */
  index: number;
  type: ColumnType;
  /** Not expanded by `*` and only reachable through its qualifier (the right side of USING). */
  qualifiedOnly: boolean;
}

export class Scope {
  constructor(
    readonly columns: ScopeColumn[],
    readonly outer: Scope | null = null,
    readonly fallback: ScopeColumn[] = [],
  ) {}

  /** Scope of a correlated subquery's WHERE: inner columns first, then the outer row's after them. */
  static correlated(inner: Scope, outer: Scope, innerWidth: number): Scope {
    const shifted = outer.columns.map((c) => ({ ...c, index: c.index + innerWidth }));
    return new Scope(inner.columns, null, shifted);
  }

  /** Columns a `*` (or `q.*`) expands to. */
  star(qualifier: Ident | null, exclude: readonly Ident[] = []): ScopeColumn[] {
    let cols = this.columns.filter((c) => !c.qualifiedOnly);
    if (qualifier !== null) {
      cols = this.columns.filter((c) => c.qualifier === qualifier.name);
      if (cols.length === 0)
        throw new SqlError(qualifier.span, VALIDATION_ERROR, `Table '${qualifier.name}' not found`);
    }
    for (const id of exclude)
      if (!cols.some((c) => c.name === id.name))
        throw new SqlError(id.span, VALIDATION_ERROR, `Column '${id.name}' not found in the columns of *`);
    return cols.filter((c) => !exclude.some((id) => id.name === c.name));
  }

  private match(cols: ScopeColumn[], parts: Ident[]): ScopeColumn[] {
    const name = parts[parts.length - 1]!.name;
    if (parts.length === 1) return cols.filter((c) => c.name === name && !c.qualifiedOnly);
    const qualifier = parts[parts.length - 2]!.name;
    return cols.filter((c) => c.name === name && c.qualifier === qualifier);
  }

  /** Resolves a possibly qualified column name; throws a located error if missing or ambiguous. */
  resolve(parts: Ident[]): ScopeColumn {
    const span = {
      ...parts[0]!.span,
      endLine: parts[parts.length - 1]!.span.endLine,
      endCol: parts[parts.length - 1]!.span.endCol,
    };
    const shown = parts.map((p) => p.name).join('.');
    let found = this.match(this.columns, parts);
    if (found.length === 0) found = this.match(this.fallback, parts);
    if (found.length > 1) throw new SqlError(span, VALIDATION_ERROR, `Column '${shown}' is ambiguous`);
    const col = found[0];
    if (col) return col;
    if (this.outer?.has(parts))
      throw new SqlError(
        span,
        'Not yet implemented',
        `Correlated reference to '${shown}' is only supported in the WHERE clause of EXISTS and IN subqueries`,
      );
    if (parts.length > 1 && !this.columns.some((c) => c.qualifier === parts[parts.length - 2]!.name))
      throw new SqlError(span, VALIDATION_ERROR, `Table '${parts[parts.length - 2]!.name}' not found`);
    throw new SqlError(span, VALIDATION_ERROR, `Column '${shown}' not found in any table`);
  }

  private has(parts: Ident[]): boolean {
    return this.match(this.columns, parts).length > 0 || (this.outer?.has(parts) ?? false);
  }
}
