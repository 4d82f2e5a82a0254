/**
 * Arithmetic with SQL semantics: integer results that leave their type's range and division
 * or modulo by zero are runtime errors (Feldera panics; Sluice fails the step), integer
 * division truncates toward zero, DECIMAL arithmetic is exact and checked against the result
 * precision, floating point follows IEEE.
 */

import { SqlRuntimeError } from '../errors.js';
import { fitDecimal } from '../values/cast.js';
import type { Decimal } from '../values/decimal.js';
import { ValueError } from '../values/errors.js';
import {
  bigIntRange,
  type ColumnType,
  isBigIntType,
  isIntervalType,
  isSmallInteger,
  SMALL_INT_RANGES,
  type SmallIntName,
  typeToSql,
} from '../values/types.js';
import type { Value } from '../values/value.js';
import { makeTemporalArithmetic, negateInterval } from './temporal.js';

export type BinaryOp = 'add' | 'sub' | 'mul' | 'div' | 'mod';
type Fn2 = (a: Value, b: Value) => Value;

const SYMBOL: Record<BinaryOp, string> = { add: '+', sub: '-', mul: '*', div: '/', mod: '%' };

/**
 * Throws the step error of a result that leaves its type's range, worded as Feldera's:
 * `'120 + 100' causes overflow for type TINYINT`.
 */
export function overflow(type: ColumnType, a: Value, op: string, b: Value): never {
  throw new SqlRuntimeError(
    `'${String(a)} ${op} ${String(b)}' causes overflow for type ${typeToSql({ ...type, nullable: true })}`,
  );
}

/** Integer division by zero, which Feldera reports as an overflow of the result type. */
function divisionByZero(t: ColumnType, a: Value): never {
  return overflow(t, a, '/', 0);
}

/** Remainder by zero, in the words of Rust's panic that Feldera reports. */
function remainderByZero(): never {
  throw new SqlRuntimeError('attempt to calculate the remainder with a divisor of zero');
}

/** DECIMAL division by zero. */
function decimalDivisionByZero(a: Value): never {
  throw new SqlRuntimeError(`Division by zero: ${String(a)} / 0`);
}

function smallInt(op: BinaryOp, t: ColumnType): Fn2 {
  const [min, max] = SMALL_INT_RANGES[t.type as SmallIntName];
  const check = (r: number, a: Value, b: Value) => (r >= min && r <= max ? r : overflow(t, a, SYMBOL[op], b));
  switch (op) {
    case 'add':
      return (a, b) => check((a as number) + (b as number), a, b);
    case 'sub':
      return (a, b) => check((a as number) - (b as number), a, b);
    case 'mul':
      return (a, b) => check((a as number) * (b as number), a, b);
    case 'div':
      return (a, b) =>
        b === 0 ? divisionByZero(t, a) : check(Math.trunc((a as number) / (b as number)), a, b);
    case 'mod':
      return (a, b) => (b === 0 ? remainderByZero() : (a as number) % (b as number) || 0);
  }
}

function bigInt(op: BinaryOp, t: ColumnType): Fn2 {
  const [min, max] = bigIntRange(t);
  const check = (r: bigint, a: Value, b: Value) => (r >= min && r <= max ? r : overflow(t, a, SYMBOL[op], b));
  switch (op) {
    case 'add':
      return (a, b) => check((a as bigint) + (b as bigint), a, b);
    case 'sub':
      return (a, b) => check((a as bigint) - (b as bigint), a, b);
    case 'mul':
      return (a, b) => check((a as bigint) * (b as bigint), a, b);
    case 'div':
      return (a, b) => (b === 0n ? divisionByZero(t, a) : check((a as bigint) / (b as bigint), a, b));
    case 'mod':
      return (a, b) => (b === 0n ? remainderByZero() : (a as bigint) % (b as bigint));
  }
}

function float(op: BinaryOp, t: ColumnType): Fn2 {
  const round = t.type === 'REAL' ? Math.fround : (x: number) => x;
  switch (op) {
    case 'add':
      return (a, b) => round((a as number) + (b as number));
    case 'sub':
      return (a, b) => round((a as number) - (b as number));
    case 'mul':
      return (a, b) => round((a as number) * (b as number));
    case 'div':
      return (a, b) => round((a as number) / (b as number));
    case 'mod':
      return (a, b) => round((a as number) % (b as number));
  }
}

function decimal(op: BinaryOp, t: ColumnType): Fn2 {
  const fit = (r: Decimal, a: Value, b: Value) => {
    try {
      return fitDecimal(r, t);
    } catch (e) {
      if (e instanceof ValueError) return overflow(t, a, SYMBOL[op], b);
      throw e;
    }
  };
  const scale = t.scale ?? 0;
  switch (op) {
    case 'add':
      return (a, b) => fit((a as Decimal).add(b as Decimal), a, b);
    case 'sub':
      return (a, b) => fit((a as Decimal).sub(b as Decimal), a, b);
    case 'mul':
      return (a, b) => fit((a as Decimal).mul(b as Decimal), a, b);
    case 'div':
      return (a, b) =>
        (b as Decimal).signum() === 0
          ? decimalDivisionByZero(a)
          : fit((a as Decimal).div(b as Decimal, scale), a, b);
    case 'mod':
      return (a, b) =>
        (b as Decimal).signum() === 0 ? remainderByZero() : fit((a as Decimal).mod(b as Decimal), a, b);
  }
}

/** The non-NULL implementation of `left op right` producing `result`. */
export function makeArithmetic(op: BinaryOp, left: ColumnType, right: ColumnType, result: ColumnType): Fn2 {
  const t = makeTemporalArithmetic(op, left, right);
  if (t) return t;
  if (isSmallInteger(result)) return smallInt(op, result);
  if (isBigIntType(result)) return bigInt(op, result);
  switch (result.type) {
    case 'REAL':
    case 'DOUBLE':
      return float(op, result);
    case 'DECIMAL':
      return decimal(op, result);
    default:
      throw new Error(`no arithmetic ${op} for ${left.type}, ${right.type} -> ${result.type}`);
  }
}

function negationOverflow(type: ColumnType, a: Value): never {
  throw new SqlRuntimeError(
    `'-${String(a)}' causes overflow for type ${typeToSql({ ...type, nullable: true })}`,
  );
}

/** Unary minus, with overflow checks for integers (-MIN does not fit, nor any unsigned but 0). */
export function makeNegate(t: ColumnType): (a: Value) => Value {
  if (isSmallInteger(t)) {
    const [min, max] = SMALL_INT_RANGES[t.type];
    return (a) => {
      const r = -(a as number) || 0;
      return r >= min && r <= max ? r : negationOverflow(t, a);
    };
  }
  if (isBigIntType(t)) {
    const [min, max] = bigIntRange(t);
    return (a) => {
      const r = -(a as bigint);
      return r >= min && r <= max ? r : negationOverflow(t, a);
    };
  }
  if (isIntervalType(t)) return negateInterval(t);
  switch (t.type) {
    case 'DECIMAL':
      return (a) => (a as Decimal).neg();
    default:
      return (a) => -(a as number);
  }
}
