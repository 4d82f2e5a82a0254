/** Conditional functions: COALESCE and NULLIF (core operators of the engine, no kernel of their own). */
import { BOOLEAN, call, lit, unify } from '../coercion.js';
import { arity, type FunctionBinder, type FunctionFamily } from './signature.js';

const coalesce: FunctionBinder = (site) => {
  if (site.args.length === 0) arity(site, 1, Number.POSITIVE_INFINITY);
  const unified = unify(site.args, site.span, 'COALESCE');
  return call('coalesce', unified, { ...unified[0]!.type, nullable: unified.every((a) => a.type.nullable) });
};

/** NULLIF(a, b) is CASE WHEN a = b THEN NULL ELSE a END. */
const nullif: FunctionBinder = (site) => {
  arity(site, 2);
  const [a, b] = unify(site.args, site.span, 'NULLIF');
  const nullType = { ...a!.type, nullable: true };
  return {
    kind: 'case',
    whens: [
      {
        when: call('eq', [a!, b!], { ...BOOLEAN, nullable: a!.type.nullable || b!.type.nullable }),
        result: lit(null, nullType),
      },
    ],
    else: a!,
    type: nullType,
  };
};

export const CONDITIONAL_FUNCTIONS: FunctionFamily = { COALESCE: coalesce, NULLIF: nullif };
