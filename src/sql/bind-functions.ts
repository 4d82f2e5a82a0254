/**
 * Scalar functions: argument checking, implicit conversions and result types of UPPER, ROUND,
 * COALESCE, EXTRACT and the rest. Arguments arrive already bound; aggregates are handled by
 * the grouping binder, not here.
 */
import { type ColumnType, isIntervalType, typeToSql } from '../engine/values/types.js';
import type * as ast from './ast.js';
import {
  BIGINT,
  BOOLEAN,
  bindArithmetic,
  call,
  coerce,
  fail,
  intArg,
  lit,
  numericArg,
  stringArg,
  unify,
  VARCHAR,
} from './coercion.js';
import type { Span } from './messages.js';
import type { Expr } from './plan.js';

export function bindExtract(unit: string, operand: Expr, span: Span): Expr {
  const t = operand.type;
  if (t.type !== 'DATE' && t.type !== 'TIMESTAMP' && t.type !== 'TIME' && t.type !== 'NULL')
    fail(span, `EXTRACT needs a DATE, TIME or TIMESTAMP, got ${typeToSql(t)}`);
  if (
    t.type === 'TIME' &&
    !['HOUR', 'MINUTE', 'SECOND', 'MILLISECOND', 'MICROSECOND', 'NANOSECOND'].includes(unit)
  )
    fail(span, `Cannot extract ${unit} from a TIME`);
  return call('extract', [operand], { ...BIGINT, nullable: t.nullable }, unit);
}

const EXTRACT_SHORTHANDS: Record<string, string> = {
  YEAR: 'YEAR',
  MONTH: 'MONTH',
  DAYOFMONTH: 'DAY',
  DAYOFWEEK: 'DOW',
  DAYOFYEAR: 'DOY',
  QUARTER: 'QUARTER',
  WEEK: 'WEEK',
  HOUR: 'HOUR',
  MINUTE: 'MINUTE',
  SECOND: 'SECOND',
};

/** Binds a scalar function call `e` whose arguments are already bound to `args`. */
export function bindFunction(e: Extract<ast.Expr, { kind: 'call' }>, args: Expr[]): Expr {
  if (e.star || e.distinct) fail(e.span, `${e.name} does not take ${e.star ? '*' : 'DISTINCT'}`);
  const arity = (n: number, m = n) => {
    if (args.length < n || args.length > m)
      fail(e.span, `${e.name} takes ${n === m ? n : `${n} to ${m}`} argument(s), got ${args.length}`);
  };
  const anyNull = args.some((a) => a.type.nullable);
  const argSpan = (i: number) => e.args[i]!.span;
  const shorthand = EXTRACT_SHORTHANDS[e.name];
  if (shorthand) {
    arity(1);
    return bindExtract(shorthand, args[0]!, e.span);
  }
  switch (e.name) {
    case 'UPPER':
    case 'LOWER': {
      arity(1);
      const s = stringArg(args[0]!, argSpan(0));
      return call(e.name === 'UPPER' ? 'upper' : 'lower', [s], { ...VARCHAR, nullable: anyNull });
    }
    case 'CHAR_LENGTH':
    case 'CHARACTER_LENGTH':
    case 'LENGTH':
      arity(1);
      return call('char_length', [stringArg(args[0]!, argSpan(0))], { type: 'INTEGER', nullable: anyNull });
    case 'REPLACE':
      arity(3);
      return call(
        'replace',
        args.map((a, i) => stringArg(a, argSpan(i))),
        { ...VARCHAR, nullable: anyNull },
      );
    case 'RLIKE':
      arity(2);
      return call(
        'rlike',
        args.map((a, i) => stringArg(a, argSpan(i))),
        { ...BOOLEAN, nullable: anyNull },
      );
    case 'CONCAT':
      if (args.length === 0) arity(1, Number.POSITIVE_INFINITY);
      return args
        .map((a, i) => stringArg(a, argSpan(i)))
        .reduce((acc, a) =>
          call('concat', [acc, a], { ...VARCHAR, nullable: acc.type.nullable || a.type.nullable }),
        );
    case 'ABS': {
      arity(1);
      const x = args[0]!;
      if (isIntervalType(x.type)) return call('abs', [x], x.type);
      const n = numericArg(x, argSpan(0), 'ABS');
      return call('abs', [n], n.type);
    }
    case 'ROUND': {
      arity(1, 2);
      const x = numericArg(args[0]!, argSpan(0), 'ROUND');
      const digits = args[1] ? intArg(args[1], argSpan(1)) : lit(0, { type: 'INTEGER', nullable: false });
      return call('round', [x, digits], { ...x.type, nullable: anyNull });
    }
    case 'FLOOR':
    case 'CEIL':
    case 'CEILING': {
      arity(1);
      const x = numericArg(args[0]!, argSpan(0), e.name);
      const t: ColumnType =
        x.type.type === 'DECIMAL'
          ? { type: 'DECIMAL', nullable: anyNull, precision: x.type.precision ?? 38, scale: 0 }
          : x.type;
      return call(e.name === 'FLOOR' ? 'floor' : 'ceil', [x], t);
    }
    case 'MOD': {
      arity(2);
      return bindArithmetic(
        '%',
        numericArg(args[0]!, argSpan(0), 'MOD'),
        numericArg(args[1]!, argSpan(1), 'MOD'),
        e.span,
      );
    }
    case 'POWER':
    case 'POW': {
      arity(2);
      const dbl = (x: Expr, i: number) =>
        coerce(numericArg(x, argSpan(i), e.name), { type: 'DOUBLE', nullable: x.type.nullable });
      return call('power', [dbl(args[0]!, 0), dbl(args[1]!, 1)], { type: 'DOUBLE', nullable: anyNull });
    }
    case 'SQRT': {
      arity(1);
      const x = coerce(numericArg(args[0]!, argSpan(0), 'SQRT'), { type: 'DOUBLE', nullable: anyNull });
      return call('sqrt', [x], { type: 'DOUBLE', nullable: anyNull });
    }
    case 'COALESCE': {
      if (args.length === 0) arity(1, Number.POSITIVE_INFINITY);
      const unified = unify(args, e.span, 'COALESCE');
      const t = { ...unified[0]!.type, nullable: unified.every((a) => a.type.nullable) };
      return call('coalesce', unified, t);
    }
    case 'NULLIF': {
      arity(2);
      const [a, b] = unify(args, e.span, 'NULLIF');
      const nullType = { ...a!.type, nullable: true };
      return {
        kind: 'case',
        whens: [
          { when: call('eq', [a!, b!], { ...BOOLEAN, nullable: anyNull }), result: lit(null, nullType) },
        ],
        else: a!,
        type: nullType,
      };
    }
    default:
      return fail(
        e.span,
        `No match found for function signature ${e.name}(${args.map((a) => typeToSql(a.type)).join(', ')})`,
        'Function not found',
      );
  }
}
