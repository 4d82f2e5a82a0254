/** Date and time functions (Feldera's reference, "Date/time operations"); kernels in engine/functions/datetime.ts. */
import { typeToSql } from '../../engine/values/types.js';
import { BIGINT, call, fail } from '../coercion.js';
import type { Span } from '../messages.js';
import type { Expr } from '../plan.js';
import { arity, type FunctionBinder, type FunctionFamily } from './signature.js';

const TIME_FIELDS = ['HOUR', 'MINUTE', 'SECOND', 'MILLISECOND', 'MICROSECOND', 'NANOSECOND'];

/** EXTRACT(unit FROM operand) of a DATE, TIME or TIMESTAMP: a BIGINT. */
export function bindExtract(unit: string, operand: Expr, span: Span): Expr {
  const t = operand.type;
  if (t.type !== 'DATE' && t.type !== 'TIMESTAMP' && t.type !== 'TIME' && t.type !== 'NULL')
    fail(span, `EXTRACT needs a DATE, TIME or TIMESTAMP, got ${typeToSql(t)}`);
  if (t.type === 'TIME' && !TIME_FIELDS.includes(unit)) fail(span, `Cannot extract ${unit} from a TIME`);
  return call('extract', [operand], { ...BIGINT, nullable: t.nullable }, unit);
}

/** `YEAR(d)` and the other shorthands of EXTRACT. */
function shorthand(unit: string): FunctionBinder {
  return (site) => {
    arity(site, 1);
    return bindExtract(unit, site.args[0]!, site.span);
  };
}

export const DATETIME_FUNCTIONS: FunctionFamily = {
  YEAR: shorthand('YEAR'),
  MONTH: shorthand('MONTH'),
  DAYOFMONTH: shorthand('DAY'),
  DAYOFWEEK: shorthand('DOW'),
  DAYOFYEAR: shorthand('DOY'),
  QUARTER: shorthand('QUARTER'),
  WEEK: shorthand('WEEK'),
  HOUR: shorthand('HOUR'),
  MINUTE: shorthand('MINUTE'),
  SECOND: shorthand('SECOND'),
};
