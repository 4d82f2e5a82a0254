/** Numeric functions (Feldera's reference, "Integer", "Decimal", "Floating point"); kernels in engine/functions/numeric.ts. */
import { type ColumnType, isIntervalType } from '../../engine/values/types.js';
import { bindArithmetic, call, lit } from '../coercion.js';
import {
  accepts,
  arity,
  convert,
  type FunctionBinder,
  type FunctionFamily,
  illegalArguments,
  returns,
  simple,
} from './signature.js';

/** ABS keeps its argument's type; it also takes intervals. */
const abs: FunctionBinder = (site) => {
  arity(site, 1);
  const x = site.args[0]!;
  if (isIntervalType(x.type)) return call('abs', [x], x.type);
  if (!accepts('numeric', x.type)) illegalArguments(site, [['numeric']]);
  const n = convert('numeric', x, site.argSpan(0));
  return call('abs', [n], n.type);
};

/** ROUND(x [, digits]) keeps x's type. */
const round: FunctionBinder = (site) => {
  arity(site, 1, 2);
  if (!accepts('numeric', site.args[0]!.type) || (site.args[1] && !accepts('integer', site.args[1].type)))
    illegalArguments(site, [['numeric'], ['numeric', 'integer']]);
  const x = convert('numeric', site.args[0]!, site.argSpan(0));
  const digits = site.args[1]
    ? convert('integer', site.args[1], site.argSpan(1))
    : lit(0, { type: 'INTEGER', nullable: false });
  return call('round', [x, digits], { ...x.type, nullable: x.type.nullable || digits.type.nullable });
};

/** FLOOR / CEIL: integers unchanged, DECIMAL(p, s) becomes DECIMAL(p, 0). */
function floorCeil(fn: 'floor' | 'ceil'): FunctionBinder {
  return (site) => {
    arity(site, 1);
    if (!accepts('numeric', site.args[0]!.type)) illegalArguments(site, [['numeric']]);
    const x = convert('numeric', site.args[0]!, site.argSpan(0));
    const t: ColumnType =
      x.type.type === 'DECIMAL'
        ? { type: 'DECIMAL', nullable: x.type.nullable, precision: x.type.precision ?? 38, scale: 0 }
        : x.type;
    return call(fn, [x], t);
  };
}

/** MOD(a, b) is `a % b`. */
const mod: FunctionBinder = (site) => {
  arity(site, 2);
  if (!site.args.every((a) => accepts('numeric', a.type))) illegalArguments(site, [['numeric', 'numeric']]);
  return bindArithmetic(
    '%',
    convert('numeric', site.args[0]!, site.argSpan(0)),
    convert('numeric', site.args[1]!, site.argSpan(1)),
    site.span,
  );
};

const power = simple('power', ['double', 'double'], returns.double);

export const NUMERIC_FUNCTIONS: FunctionFamily = {
  ABS: abs,
  ROUND: round,
  FLOOR: floorCeil('floor'),
  CEIL: floorCeil('ceil'),
  CEILING: floorCeil('ceil'),
  MOD: mod,
  POWER: power,
  POW: power,
  SQRT: simple('sqrt', ['double'], returns.double),
};
