/**
 * `DATE(...)`, `TIME(...)` and `TIMESTAMP(...)`: Calcite's BigQuery-library functions, which
 * Feldera 0.312 registers (its CalciteFunctions table, documented only as the literals). What
 * each form does in Feldera was read from its sources, not its reference:
 *
 * - `DATE(string)` is `CAST(string AS DATE)`: Feldera's ConvertletTable rewrites exactly this
 *   form (one argument of a character type) into a cast whose type is the function's, Calcite's
 *   `DATE_NULLABLE` (nullable only when the argument is). So Sluice binds it as that cast
 *   (bind-cast.ts, engine/values/cast.ts): chrono's `%Y-%m-%d` reading, and text that is not a
 *   date fails the step, as Feldera's `cast_to_Date_s` does.
 * - Every other form Calcite accepts (`DATE(year, month, day)`, `DATE(timestamp)`, the
 *   TIMESTAMP WITH LOCAL TIME ZONE forms) reaches Feldera's ExpressionCompiler as a call it has
 *   no case for, which it reports as "Function 'DATE' is unknown"; `TIME(...)` likewise, and
 *   `TIMESTAMP(...)` returns a TIMESTAMP WITH LOCAL TIME ZONE, a type Feldera does not have.
 *   Their results on bad input (an invalid month, text that is not a date) are unknown, so
 *   they are refused with "Not yet implemented" at the call, naming the form; TIME and
 *   TIMESTAMP are refused by name before their arguments are bound (functions/index.ts).
 */
import { type ColumnType, isIntegerType, isStringType, typeToSql } from '../../engine/values/types.js';
import { bindCast } from '../bind-cast.js';
import { fail } from '../coercion.js';
import type { FunctionBinder } from './signature.js';

/** The type name of an argument in a message: `INTEGER`, `VARCHAR`, `NULL`. */
const label = (t: ColumnType) => typeToSql({ ...t, nullable: true });

/** Why a DATE form other than DATE(string) is refused. */
function dateRefusal(args: readonly ColumnType[]): string {
  const integers = args.every(isIntegerType);
  if ((args.length === 3 && integers) || (args.length === 1 && args[0]!.type === 'TIMESTAMP'))
    return "Feldera 0.312 registers this form of Calcite's BigQuery DATE but does not translate it (its compiler reports \"Function 'DATE' is unknown\"); use MAKE_DATE(year, month, day) or CAST(x AS DATE)";
  return 'Feldera 0.312 translates only DATE(string), which is CAST(string AS DATE)';
}

/**
 * DATE(string): a DATE, NULL for NULL, nullable when the argument is; text that chrono's
 * `%Y-%m-%d` does not read fails the step. Any other argument list is refused.
 */
export const bindDate: FunctionBinder = (site) => {
  const types = site.args.map((a) => a.type);
  if (types.length === 1 && isStringType(types[0]!))
    return bindCast(site.args[0]!, { type: 'DATE', nullable: false }, false, site.span);
  return fail(
    site.span,
    `DATE(${types.map(label).join(', ')}) is not yet implemented: ${dateRefusal(types)}`,
    'Not yet implemented',
  );
};

/** The refusals of TIME(...) and TIMESTAMP(...), by function name. */
export const BIGQUERY_REFUSALS: readonly [string, string][] = [
  [
    'TIME',
    "The TIME(...) function (Calcite's BigQuery TIME(hour, minute, second) and TIME(timestamp), which Feldera 0.312 registers but does not translate) is not yet implemented; use MAKE_TIME(hour, minute, second) or CAST(x AS TIME)",
  ],
  [
    'TIMESTAMP',
    "The TIMESTAMP(...) function (Calcite's BigQuery TIMESTAMP, whose result is a TIMESTAMP WITH LOCAL TIME ZONE, a type Feldera 0.312 does not have) is not yet implemented; use CAST(x AS TIMESTAMP)",
  ],
];
