/**
 * Regular-expression functions (Feldera's reference, "Regular expressions"): RLIKE and
 * REGEXP_REPLACE, on the linear-time engine of expr/regex.ts. A malformed pattern is not an
 * error, as in Feldera's runtime: RLIKE is FALSE and REGEXP_REPLACE returns its input.
 */
import { makeRegexCache, makeRlike } from '../expr/regex.js';
import { parseReplacement, replaceAll } from '../expr/regex-replace.js';
import type { Value } from '../values/value.js';
import type { KernelFamily } from './kernel.js';

/** REGEXP_REPLACE(s, pattern, replacement); the last compiled pattern and template are kept. */
function makeRegexpReplace(): (args: Value[]) => Value {
  const regex = makeRegexCache();
  let template: string | null = null;
  let parts = parseReplacement('');
  return ([s, pattern, replacement]) => {
    const re = regex(pattern as string);
    if (!re) return s as string;
    if (replacement !== template) {
      template = replacement as string;
      parts = parseReplacement(template);
    }
    return replaceAll(re, s as string, parts);
  };
}

export const REGEX_KERNELS: KernelFamily = {
  rlike: {
    nulls: 'strict',
    make: () => {
      const rlike = makeRlike();
      return ([s, p]: Value[]) => rlike(s as string, p as string);
    },
  },
  regexp_replace: { nulls: 'strict', make: makeRegexpReplace },
};
