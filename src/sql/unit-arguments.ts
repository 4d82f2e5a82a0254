/**
 * Time unit keywords written where a function takes an expression: `TRUNC(ts, MINUTE)`,
 * `DATE_DIFF(a, b, DAY)`, `TIMESTAMP_DIFF(a, b, MINUTE)`. Only the functions that Feldera
 * declares with a unit (TIMESTAMPADD, TIMESTAMPDIFF, DATEDIFF, the *_TRUNC functions, `FLOOR`
 * and `CEIL ... TO`, EXTRACT, DATE_PART) take one; elsewhere the word would bind as a column
 * and the user would read "Column 'minute' not found". This check runs before the arguments
 * are bound and names the function, the unit and its position instead, pointing to the
 * Feldera form that does take the unit.
 */
import { canonicalUnit } from '../engine/values/datetime-fields.js';
import type * as ast from './ast.js';
import { fail } from './coercion.js';

/** Feldera's form for what a BigQuery- or Spark-style unit function does. */
const FELDERA_FORM: Readonly<Record<string, string>> = {
  DATE_DIFF: 'TIMESTAMPDIFF(unit, a, b)',
  DATETIME_DIFF: 'TIMESTAMPDIFF(unit, a, b)',
  TIMESTAMP_DIFF: 'TIMESTAMPDIFF(unit, a, b)',
  TIME_DIFF: 'TIMESTAMPDIFF(unit, a, b)',
  TIMESTAMP_ADD: 'TIMESTAMPADD(unit, n, ts)',
  DATETIME_ADD: 'TIMESTAMPADD(unit, n, ts)',
  DATETIME_TRUNC: 'TIMESTAMP_TRUNC(ts, unit)',
  TRUNC: 'TIMESTAMP_TRUNC(ts, unit), DATE_TRUNC(d, unit) or FLOOR(x TO unit)',
};

/**
 * Fails at the first argument of `call` that is a bare time unit word and not a column or a
 * lambda variable (`isName`). `known` says whether `call` names a function at all: if not, the
 * error is Feldera's "No match found for function signature".
 */
export function refuseUnitArguments(
  call: Extract<ast.Expr, { kind: 'call' }>,
  isName: (id: ast.Ident) => boolean,
  known: boolean,
): void {
  for (const arg of call.args) {
    if (arg.kind !== 'column' || arg.parts.length !== 1) continue;
    const id = arg.parts[0]!;
    if (id.quoted || canonicalUnit(id.name) === undefined || isName(id)) continue;
    const word = id.name.toUpperCase();
    const form = FELDERA_FORM[call.name];
    const hint = form ? `; Feldera's form is ${form}` : '';
    if (!known)
      fail(
        call.span,
        `No match found for function signature ${call.name} with the time unit ${word}: there is no function ${call.name}${hint}`,
        'Function not found',
      );
    fail(arg.span, `${call.name} does not take a time unit argument (${word})${hint}`);
  }
}
