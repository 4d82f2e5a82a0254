/**
 * The values of table columns' `DEFAULT` expressions, computed once when a program compiles.
 *
 * A DEFAULT reads no column, does not call `NOW()`, and its `CONNECTOR_METADATA()` is NULL in
 * every Sluice pipeline (src/sql/column-default.ts), so each has exactly one value. Computing
 * it here turns what would fail on every record that omits the column (a division by zero, a
 * cast of a string that is no number, NULL for a NOT NULL column) into one compile-time error
 * at the DEFAULT, where Feldera would fail the records at ingress; a program never runs with a
 * default it cannot give.
 */
import type { TableInfo } from '../sql/catalog.js';
import { MessageSink, type SqlCompilerMessage } from '../sql/messages.js';
import { VALIDATION_ERROR } from '../sql/scope.js';
import { compileExpr } from './expr/compile.js';
import { typeToSql } from './values/types.js';
import type { Value } from './values/value.js';

/**
 * Returns `tables` with the `value` of every column DEFAULT filled in, or the compile errors
 * of the defaults that cannot be evaluated (`source` is the program, for the messages' snippets).
 */
export function evaluateDefaults(
  tables: readonly TableInfo[],
  source: string,
): { tables: TableInfo[]; errors: SqlCompilerMessage[] } {
  const sink = new MessageSink(source);
  const out = tables.map((table) => ({
    ...table,
    columns: table.columns.map((col) => {
      const d = col.default;
      if (!d) return col;
      let value: Value;
      try {
        value = compileExpr(d.expr)([]);
      } catch (err) {
        sink.error(
          d.span,
          VALIDATION_ERROR,
          `The DEFAULT value of column '${col.name}' cannot be computed: ${(err as Error).message}`,
        );
        return col;
      }
      if (value === null && !col.type.nullable) {
        sink.error(
          d.span,
          VALIDATION_ERROR,
          `The DEFAULT value of column '${col.name}' is NULL, and the column has type ${typeToSql(col.type)}`,
        );
        return col;
      }
      return { ...col, default: { ...d, value } };
    }),
  }));
  return { tables: out, errors: sink.errors };
}
