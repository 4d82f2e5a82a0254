/**
 * String functions (Feldera's reference, "String Operations"); kernels in
 * engine/functions/string.ts. The special syntax forms SUBSTRING(s FROM a FOR b),
 * POSITION(a IN b) and TRIM(... FROM s) reach the same binders.
 */
import { call } from '../coercion.js';
import type { Expr } from '../plan.js';
import {
  accepts,
  arity,
  type CallSite,
  convert,
  type FunctionBinder,
  type FunctionFamily,
  illegalArguments,
  returns,
  simple,
} from './signature.js';

const charLength = simple('char_length', ['string'], returns.integer);

/** CONCAT(s1, s2, ...): a chain of the binary concatenation. */
const concat: FunctionBinder = (site) => {
  if (site.args.length === 0) arity(site, 1, Number.POSITIVE_INFINITY);
  site.args.forEach((a) => {
    if (!accepts('string', a.type)) illegalArguments(site, [['string', 'string']]);
  });
  return site.args
    .map((a, i) => convert('string', a, site.argSpan(i)))
    .reduce((acc, a) =>
      call('concat', [acc, a], { ...returns.varchar(), nullable: acc.type.nullable || a.type.nullable }),
    );
};

/** TRIM in one mode: the kernel takes (characters, string). */
export function trimBinder(mode: 'both' | 'leading' | 'trailing'): FunctionBinder {
  return simple(`trim_${mode}`, ['string', 'string'], returns.varchar);
}

export const STRING_FUNCTIONS: FunctionFamily = {
  UPPER: simple('upper', ['string'], returns.varchar),
  LOWER: simple('lower', ['string'], returns.varchar),
  CHAR_LENGTH: charLength,
  CHARACTER_LENGTH: charLength,
  LENGTH: charLength,
  REPLACE: simple('replace', ['string', 'string', 'string'], returns.varchar),
  CONCAT: concat,
  RLIKE: simple('rlike', ['string', 'string'], returns.boolean),
  SUBSTRING: simple('substring', ['string', 'integer', 'integer'], returns.varchar, 1),
  POSITION: simple('position', ['string', 'string'], returns.integer),
};

/** Binds `name(args)` of this family for the special syntax forms (their spans are the call's). */
export function bindStringForm(
  name: keyof typeof STRING_FUNCTIONS,
  args: Expr[],
  site: Omit<CallSite, 'args' | 'name'>,
): Expr {
  return STRING_FUNCTIONS[name]!({ ...site, name, args });
}
