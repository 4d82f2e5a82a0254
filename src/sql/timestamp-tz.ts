/**
 * Where Sluice stops with TIMESTAMP WITH TIME ZONE. Feldera 0.312 has the type (its SQL
 * reference, datetime.md; the API's `SqlType` `TIMESTAMP_TZ`; PR feldera/feldera#6116), and
 * inside a query Sluice computes it as Feldera does: the instant in UTC (literals, comparisons,
 * casts to and from TIMESTAMP and DATE, EXTRACT and the unit functions on the UTC time). How
 * Feldera writes such a value as text (JSON and CSV ingress and egress, ad-hoc results, a cast
 * to VARCHAR) is not in its 0.312 documentation and could not be read from its source, so a
 * column of the type in a table, an output view or an ad-hoc result is refused rather than
 * shown in a guessed form.
 */
import { hasTimestampTz, typeToSql } from '../engine/values/types.js';
import { fail } from './coercion.js';
import type { Span } from './messages.js';

const NOT_YET = 'Not yet implemented';

/** Refuses the first column whose type is or holds TIMESTAMP WITH TIME ZONE; `where` names the relation. */
export function refuseTimestampTzColumns(
  columns: readonly { name: string; type: Parameters<typeof typeToSql>[0] }[],
  span: Span,
  where: string,
): void {
  const c = columns.find((x) => hasTimestampTz(x.type));
  if (!c) return;
  fail(
    span,
    `Column '${c.name}' of ${where} has type ${typeToSql(c.type)}: TIMESTAMP WITH TIME ZONE columns are not yet implemented in tables, output views and ad-hoc results (its input and output text form is not known); cast it to TIMESTAMP (its UTC time)`,
    NOT_YET,
  );
}
