/**
 * Regular-expression functions (Feldera's reference, "Regular expressions"): RLIKE (also the
 * `s RLIKE p` operator) and REGEXP_REPLACE; kernels in engine/functions/regex.ts. Arguments of
 * other scalar types are matched against their text, as Calcite converts them.
 */
import { call, lit, VARCHAR } from '../coercion.js';
import type { FunctionBinder, FunctionFamily } from './signature.js';
import { anyNullable, convertAll, text, textual } from './text-args.js';

/** REGEXP_REPLACE(s, pattern [, replacement]); a missing replacement is the empty string. */
const regexpReplace: FunctionBinder = (site) => {
  const args = convertAll(site, ['char', 'char', 'char'], 1);
  if (args.length === 2) args.push(lit('', VARCHAR));
  return call('regexp_replace', args, { ...VARCHAR, nullable: anyNullable(args) });
};

export const REGEX_FUNCTIONS: FunctionFamily = {
  RLIKE: textual('rlike', ['char', 'char'], text.boolean),
  REGEXP_REPLACE: regexpReplace,
};
