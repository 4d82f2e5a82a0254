/**
 * Front end of ad-hoc statements run against a live circuit: a SELECT over materialized
 * relations, or `INSERT INTO t [(cols)] VALUES ...`. The columns an INSERT's list omits are
 * NULL, not their DEFAULT: Feldera runs ad-hoc INSERTs in DataFusion, whose table provider
 * for a Feldera table declares no column defaults, so DataFusion fills omitted columns with
 * NULL (and refuses a NOT NULL one) before the rows reach the table.
 */
import type * as ast from './ast.js';
import { bindExpr } from './bind-expr.js';
import { type BoundQuery, QueryBinder, type RelationSource } from './bind-query.js';
import { findColumn, type TableInfo, type UserTypes } from './catalog.js';
import { coerce } from './coercion.js';
import { MessageSink, type SqlCompilerMessage, SqlError } from './messages.js';
import { containsNow, nowAsLiteral } from './now.js';
import { optimize } from './optimize.js';
import { parseScript } from './parser.js';
import type { Expr } from './plan.js';
import { Scope, VALIDATION_ERROR } from './scope.js';
import { refuseTimestampTzColumns } from './timestamp-tz.js';

export type AdHocPlan =
  | {
      kind: 'query';
      /** The query with its top-k applied; rows still need sorting by `order`, then hidden columns dropped. */
      query: BoundQuery;
    }
  | { kind: 'insert'; table: TableInfo; rows: Expr[][] }
  | { kind: 'error'; messages: SqlCompilerMessage[] };

export interface AdHocCatalog extends RelationSource {
  /** The table an INSERT names, or undefined. */
  table(name: string): TableInfo | undefined;
  /** The program's user-defined types and SQL functions: `INSERT ... VALUES (addr('a', 1))`. */
  types: UserTypes;
}

/**
 * Plans one ad-hoc statement. `nowMillis` (milliseconds since the epoch) is the value of
 * `NOW()` for the whole query: the time it started, as Feldera's ad-hoc engine evaluates it.
 */
export function planAdHoc(source: string, catalog: AdHocCatalog, nowMillis = Date.now()): AdHocPlan {
  const sink = new MessageSink(source, { frameValidation: false });
  const statements = parseScript(source, sink, 'a query or an INSERT (SELECT, VALUES, WITH, INSERT INTO)');
  if (sink.errors.length > 0) return { kind: 'error', messages: sink.errors };
  if (statements.length !== 1) {
    const span = { startLine: 1, startCol: 1, endLine: 1, endCol: 1 };
    sink.error(statements[1]?.span ?? span, VALIDATION_ERROR, 'Expected exactly one statement');
    return { kind: 'error', messages: sink.errors };
  }
  const st = statements[0]!;
  try {
    if (st.kind === 'query') {
      const query = new QueryBinder(catalog, catalog.types).bindQuery(st.query, null);
      refuseTimestampTzColumns(query.rel.columns, st.query.span, 'the query');
      let rel = query.rel;
      if (query.limit !== null || query.offset > 0)
        rel = {
          kind: 'topk',
          input: rel,
          order: query.order,
          limit: query.limit,
          offset: query.offset,
          columns: rel.columns,
        };
      return { kind: 'query', query: { ...query, rel: nowAsLiteral(optimize(rel), nowMillis) } };
    }
    if (st.kind === 'insert') return planInsert(st, catalog);
    throw new SqlError(st.span, VALIDATION_ERROR, 'Ad-hoc queries accept SELECT and INSERT statements only');
  } catch (e) {
    if (!(e instanceof SqlError)) throw e;
    sink.error(e.span, e.errorType, e.message);
    return { kind: 'error', messages: sink.errors };
  }
}

function planInsert(st: ast.InsertStatement, catalog: AdHocCatalog): AdHocPlan {
  const table = catalog.table(st.table.name);
  if (!table) throw new SqlError(st.table.span, VALIDATION_ERROR, `Table '${st.table.name}' not found`);
  if (st.source.body.kind !== 'values' || st.source.orderBy.length > 0 || st.source.limit)
    throw new SqlError(st.source.span, 'Not yet implemented', 'INSERT supports VALUES only');
  const targets = st.columns
    ? st.columns.map((id) => {
        const i = findColumn(table.columns, id);
        if (i < 0)
          throw new SqlError(
            id.span,
            VALIDATION_ERROR,
            `Column '${id.name}' not found in table '${table.name}'`,
          );
        return i;
      })
    : table.columns.map((_, i) => i);
  const ctx = { scope: new Scope([]), subqueries: null, aggregates: null, types: catalog.types };
  const rows = st.source.body.rows.map((values) => {
    if (values.length !== targets.length)
      throw new SqlError(
        st.source.span,
        VALIDATION_ERROR,
        `Expected ${targets.length} values per row, got ${values.length}`,
      );
    const row: Expr[] = table.columns.map((c) => ({
      kind: 'lit',
      value: null,
      type: { ...c.type, nullable: true },
    }));
    values.forEach((v, i) => {
      const column = table.columns[targets[i]!]!;
      const e = bindExpr(v, ctx);
      // An INSERT is journaled as its text and replayed on recovery, when NOW() has moved on.
      if (containsNow(e))
        throw new SqlError(v.span, 'Not yet implemented', 'NOW() in an INSERT is not supported');
      row[targets[i]!] = coerce(e, { ...column.type, nullable: e.type.nullable }, v.span);
    });
    table.columns.forEach((c, i) => {
      const e = row[i]!;
      if (!c.type.nullable && e.type.nullable && e.kind === 'lit')
        throw new SqlError(
          st.span,
          VALIDATION_ERROR,
          c.default
            ? `Column '${c.name}' of table '${table.name}' is NOT NULL and has no value (an INSERT gives omitted columns NULL, not their DEFAULT, as in Feldera)`
            : `Column '${c.name}' of table '${table.name}' is NOT NULL and has no value`,
        );
    });
    return row;
  });
  return { kind: 'insert', table, rows };
}
