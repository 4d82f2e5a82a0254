/**
 * VARIANT and JSON functions (Feldera's reference, "JSON support"): PARSE_JSON, TO_JSON,
 * TYPEOF and VARIANTNULL. Kernels in engine/functions/json.ts.
 *
 * PARSE_JSON takes any scalar, converted to text (`PARSE_JSON(1)` is the variant 1); TO_JSON
 * takes any value, converted to VARIANT; TYPEOF takes only a VARIANT, as in Feldera. Both
 * PARSE_JSON (text that is not JSON) and TO_JSON (a value JSON cannot represent) may be NULL.
 */
import { isCompoundType, typeToSql } from '../../engine/values/types.js';
import { call, coerce, fail, VARCHAR } from '../coercion.js';
import { arity, type FunctionBinder, type FunctionFamily } from './signature.js';

const VARIANT = { type: 'VARIANT' as const, nullable: false };

const parseJson: FunctionBinder = (site) => {
  arity(site, 1);
  const a = site.args[0]!;
  if (isCompoundType(a.type) || a.type.type === 'VARIANT')
    fail(
      site.span,
      `Cannot apply 'PARSE_JSON' to arguments of type 'PARSE_JSON(<${typeToSql({ ...a.type, nullable: true })}>)'. Supported form(s): 'PARSE_JSON(<STRING>)'`,
    );
  const text = coerce(a, { ...VARCHAR, nullable: a.type.nullable }, site.argSpan(0));
  return call('parse_json', [text], { ...VARIANT, nullable: true });
};

const toJson: FunctionBinder = (site) => {
  arity(site, 1);
  const a = site.args[0]!;
  const v = coerce(a, { ...VARIANT, nullable: a.type.nullable }, site.argSpan(0));
  return call('to_json', [v], { ...VARCHAR, nullable: true });
};

const typeOf: FunctionBinder = (site) => {
  arity(site, 1);
  const a = site.args[0]!;
  if (a.type.type !== 'VARIANT' && a.type.type !== 'NULL')
    fail(
      site.span,
      `Cannot apply 'TYPEOF' to arguments of type 'TYPEOF(<${typeToSql({ ...a.type, nullable: true })}>)'. Supported form(s): 'TYPEOF(<VARIANT>)'`,
    );
  return call('typeof', [coerce(a, { ...VARIANT, nullable: true })], VARCHAR);
};

const variantNull: FunctionBinder = (site) => {
  arity(site, 0);
  return call('variantnull', [], VARIANT);
};

export const JSON_FUNCTIONS: FunctionFamily = {
  PARSE_JSON: parseJson,
  TO_JSON: toJson,
  TYPEOF: typeOf,
  VARIANTNULL: variantNull,
};
